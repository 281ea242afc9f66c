"""REDIS_URL as the processes read it: redis-py's own URLs (`redis://`, `rediss://`,
`unix://`), or a Redis Sentinel set-up:

    redis+sentinel://[[user]:password@]host1:26379,host2:26379/<master-name>[/<db>]
    rediss+sentinel://...   (TLS to the sentinels and to the master)

The password (and user) is the master's and its replicas'; sentinels that ask for a
password of their own get it from `?sentinel_password=...`. Every client talks to the
master only (`Sentinel.master_for`): reads that must see the latest write (a
conversation's events, a delivery already answered, a lock) are never served by a
replica that lags behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote

SENTINEL_SCHEMES = {"redis+sentinel": False, "rediss+sentinel": True}
PLAIN_SCHEMES = {"redis", "rediss", "unix"}
DEFAULT_SENTINEL_PORT = 26379


class RedisUrlError(ValueError):
    """REDIS_URL cannot be used; the message says why (never the password)."""


@dataclass(frozen=True)
class SentinelTarget:
    sentinels: tuple[tuple[str, int], ...]
    master: str
    db: int = 0
    tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sentinel_password: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        """For logs: where, without secrets."""
        hosts = ",".join(f"{host}:{port}" for host, port in self.sentinels)
        return f"sentinels {hosts}, master {self.master!r}, db {self.db}"


def scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def is_sentinel(url: str) -> bool:
    return scheme(url) in SENTINEL_SCHEMES


def check_url(url: str) -> None:
    """Raise RedisUrlError for a URL no process could use."""
    if is_sentinel(url):
        parse_sentinel_url(url)
    elif scheme(url) not in PLAIN_SCHEMES:
        raise RedisUrlError("must start with redis://, rediss://, unix://, redis+sentinel:// "
                            f"or rediss+sentinel://, got {scheme(url) + '://' if scheme(url) else 'no scheme'}")


def parse_sentinel_url(url: str) -> SentinelTarget:
    kind, rest = url.split("://", 1)
    tls = SENTINEL_SCHEMES[kind.lower()]
    rest, _, query = rest.partition("?")
    netloc, _, path = rest.partition("/")
    userinfo, at, hosts = netloc.rpartition("@")
    username = password = None
    if at:
        user, colon, secret = userinfo.partition(":")
        username = unquote(user) or None
        password = unquote(secret) if colon else None
        if not colon:  # `secret@host`: a password alone, as redis:// reads it
            username, password = None, unquote(user)
    sentinels = tuple(_host_port(part) for part in hosts.split(",") if part.strip())
    if not sentinels:
        raise RedisUrlError("a Sentinel URL names at least one sentinel (host:port)")
    parts = [unquote(p) for p in path.split("/") if p]
    if not parts:
        raise RedisUrlError("a Sentinel URL ends with /<master-name>[/<db>], "
                            "e.g. redis+sentinel://s1:26379,s2:26379/mymaster/0")
    if len(parts) > 2:
        raise RedisUrlError("a Sentinel URL's path is /<master-name>[/<db>]")
    db = 0
    if len(parts) == 2:
        if not parts[1].isdigit():
            raise RedisUrlError(f"the database must be a number, got {parts[1]!r}")
        db = int(parts[1])
    options = {k: v[-1] for k, v in parse_qs(query).items()}
    unknown = set(options) - {"sentinel_password"}
    if unknown:
        raise RedisUrlError(f"unknown Sentinel URL option {sorted(unknown)[0]!r} "
                            "(only sentinel_password)")
    return SentinelTarget(sentinels, parts[0], db, tls, username, password,
                          options.get("sentinel_password"))


def _host_port(part: str) -> tuple[str, int]:
    part = part.strip()
    if part.startswith("["):  # [::1]:26379
        host, _, after = part[1:].partition("]")
        port_text = after[1:] if after.startswith(":") else ""
    else:
        host, _, port_text = part.rpartition(":") if ":" in part else (part, "", "")
    if not host:
        raise RedisUrlError(f"a sentinel needs a host, got {part!r}")
    if not port_text:
        return host, DEFAULT_SENTINEL_PORT
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise RedisUrlError(f"a sentinel's port must be a number from 1 to 65535, got {part!r}")
    return host, int(port_text)
