"""Logging set-up with a last line of defence for PHI.

Code never logs message bodies, speech, dates of birth or phone numbers; this filter
additionally masks anything shaped like a phone number or a date in any log record,
from any library, so a mistake elsewhere does not leak it.
"""

from __future__ import annotations

import logging
import os
import re

_PHONE = re.compile(
    r"\+\d[\d\s().-]{8,}\d"  # international, written with its +
    r"|(?<!\d)(?:1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"  # North American
    r"|(?<!\d)\d{10,15}(?!\d)"  # digits alone
)
_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
MIN_PHONE_DIGITS = 10


def _mask_phone(match: re.Match[str]) -> str:
    found = match.group()
    digits = re.sub(r"\D", "", found)
    if len(digits) < MIN_PHONE_DIGITS or _IPV4.fullmatch(found):
        return found
    return "***" + digits[-4:]


def _mask(text: str) -> str:
    text = _DATE.sub("[date]", text)
    return _PHONE.sub(_mask_phone, text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_configured = False


def configure_logging(level: str | None = None) -> None:
    """Once per process: one stderr handler, redacted."""
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level or os.environ.get("LOG_LEVEL", "INFO"))
    for existing in root.handlers:
        existing.addFilter(RedactingFilter())
