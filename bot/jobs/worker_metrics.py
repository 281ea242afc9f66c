"""The worker's `/metrics` on WORKER_METRICS_PORT: prometheus_client's WSGI app in a
thread of the worker, behind METRICS_TOKEN (in production only with the token)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.metrics import CONTENT_TYPE_LATEST, Metrics, authorized

log = logging.getLogger(__name__)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def metrics_app(metrics: Metrics, token: str | None, open_without_token: bool) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/metrics" or (not token and not open_without_token):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        if not authorized(environ.get("HTTP_AUTHORIZATION"), token):
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"metrics need the bearer token\n"]
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
        return [metrics.exposition()]

    return app


def serve_metrics(metrics: Metrics, port: int, token: str | None, *,
                  open_without_token: bool, host: str = "0.0.0.0") -> WSGIServer:
    if not token and not open_without_token:
        log.warning("WORKER_METRICS_PORT is set but METRICS_TOKEN is not: in production the "
                    "worker's /metrics answers 404")
    server = make_server(host, port, metrics_app(metrics, token, open_without_token),
                         handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    log.info("worker metrics on port %d", port)
    return server
