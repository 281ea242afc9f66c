"""gunicorn's own loggers (`gunicorn.error`, `gunicorn.access`) with our PHI filter.

gunicorn gives them handlers of their own that do not propagate to the root logger, so
the filter `configure_logging` puts on the root's handlers never sees what they write:
an access log line held whatever the client put in its URL. Here every one of their
handlers masks phone numbers and dates, and drops query strings (a `?token=` or a
`?From=` a client sent) from request URIs, whatever format an operator chooses.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

from bot.logs import RedactingFilter

_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


class QueryStringFilter(logging.Filter):
    """A request URI in a record keeps its path and loses its query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        kept = _QUERY.sub(r"\1", message)
        if kept != message:
            record.msg, record.args = kept, None
        return True


class RedactedLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger class (`logger_class` in gunicorn.conf.py)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(QueryStringFilter())
                handler.addFilter(RedactingFilter())
