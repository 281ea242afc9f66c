"""Who may use the console: login throttling and server-side staff sessions.

The session cookie (Flask's, signed with SECRET_KEY) holds only a random token; the
session itself is a Redis record that expires after CONSOLE_SESSION_MINUTES without use
and after SESSION_MAX_HOURS in any case, so logging out (or an administrator deleting the
record) ends it everywhere at once. Redis keys hold a digest of the token, never the token.

Guessing is slowed per staff name from one client address, and per client address: a
few free tries, then a wait that doubles with each failure, then a lockout. A name is
locked only for the address that guessed at it, so nobody elsewhere can lock a staff
member out of the console (guessing from many addresses meets the line's own limit).
A refused try never reaches the password check, and no request ever sleeps (a sleeping
request would tie up a web worker).

Password checks are also limited across the whole line, whichever web process answers:
scrypt costs a worker that also answers Twilio, so at most a few run at once and a few
dozen a minute (CONSOLE_PASSWORD_CHECKS_AT_ONCE, _PER_MINUTE). A login beyond that is
refused at once and does not count against the staff member's own tries.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis

from bot.records.keys import Keys

SESSION_MAX_HOURS = 12
FREE_TRIES_PER_NAME = 3
FREE_TRIES_PER_ADDRESS = 10
CHECK_LEASE_SECONDS = 10  # a process that dies mid-check frees its slot after this
BUSY = "The console is checking other logins just now. Try again in a few seconds."
OVER_RATE = "Too many logins are being tried on the console this minute. Try again in a minute."

# KEYS: checks in flight (sorted set, scored by lease end), this minute's count.
# ARGV: now, token, at once, per minute, lease. Returns 0 (go on), 1 (busy), 2 (over rate).
_TAKE_CHECK = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 1 end
local count = redis.call('INCR', KEYS[2])
if count == 1 then redis.call('EXPIRE', KEYS[2], 120) end
if count > tonumber(ARGV[4]) then return 2 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[2])
redis.call('EXPIRE', KEYS[1], 60)
return 0
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Limit:
    """Failures allowed from one source before waiting, and before the lockout."""

    free: int
    lockout_after: int


class LoginThrottle:
    def __init__(self, client: redis.Redis, keys: Keys, *, per_name: int, per_address: int,
                 lockout_seconds: int, checks_at_once: int = 2, checks_per_minute: int = 30,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.keys = keys
        self.lockout_seconds = lockout_seconds
        self.clock = clock
        self.name_limit = Limit(min(FREE_TRIES_PER_NAME, per_name - 1), per_name)
        self.address_limit = Limit(min(FREE_TRIES_PER_ADDRESS, per_address - 1), per_address)
        self.checks_at_once = checks_at_once
        self.checks_per_minute = checks_per_minute
        self._take_check = client.register_script(_TAKE_CHECK)

    def _sources(self, name: str, address: str) -> list[tuple[str, Limit]]:
        return [
            (self.keys.login_failures("pair:" + digest(f"{name.strip().lower()}\n{address}")),
             self.name_limit),
            (self.keys.login_failures("addr:" + digest(address)), self.address_limit),
        ]

    def _wait(self, count: int, last: float, limit: Limit) -> float:
        if count <= limit.free:
            return 0.0
        if count >= limit.lockout_after:
            delay = float(self.lockout_seconds)
        else:
            delay = float(min(2 ** (count - limit.free - 1), self.lockout_seconds))
        return max(0.0, last + delay - self.clock())

    def attempt(self, name: str, address: str) -> int:
        """Count this try before the password is checked, so that tries sent in parallel
        cannot all get past the limit; the seconds to wait if it is refused (0: go on).
        A refused try is not counted, a successful one is taken back (`succeeded`)."""
        sources = self._sources(name, address)
        pipe = self.client.pipeline(transaction=True)
        for key, _ in sources:
            pipe.hincrby(key, "count", 1)
            pipe.hget(key, "last")
            pipe.expire(key, self.lockout_seconds * 2)
        results = pipe.execute()
        now = self.clock()
        longest = 0.0
        for index, (_, limit) in enumerate(sources):
            before = int(results[3 * index]) - 1
            # No time yet for tries beyond the free ones: others are racing this one.
            last = float(results[3 * index + 1] or 0) or (now if before > limit.free else 0.0)
            longest = max(longest, self._wait(before, last, limit))
        pipe = self.client.pipeline(transaction=True)
        for key, _ in sources:
            if longest:
                pipe.hincrby(key, "count", -1)
            else:
                pipe.hset(key, "last", repr(now))
        pipe.execute()
        return int(-(-longest // 1))

    @contextmanager
    def password_check(self, name: str, address: str) -> Iterator[str | None]:
        """Around one password check, after `attempt` let it go on: None while the check
        may run, or why the line refuses it now (that try is taken back)."""
        token = secrets.token_hex(8)
        now = self.clock()
        in_flight = f"{self.keys.prefix}staff:password-checks"
        this_minute = self.keys.rate("password-checks", "line", int(now // 60))
        refused = int(self._take_check(keys=[in_flight, this_minute], args=[
            repr(now), token, self.checks_at_once, self.checks_per_minute, CHECK_LEASE_SECONDS]))
        if refused:
            pipe = self.client.pipeline(transaction=True)
            for key, _ in self._sources(name, address):
                pipe.hincrby(key, "count", -1)
            pipe.execute()
            yield BUSY if refused == 1 else OVER_RATE
            return
        try:
            yield None
        finally:
            self.client.zrem(in_flight, token)

    def succeeded(self, name: str, address: str) -> None:
        """The name's count from this address restarts; the address's does not (other
        names may be tried), but the try `attempt` counted for this success is taken back."""
        (pair_key, _), (address_key, _) = self._sources(name, address)
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(pair_key)
        pipe.hincrby(address_key, "count", -1)
        pipe.execute()


@dataclass(frozen=True)
class StaffSession:
    name: str
    created: float
    generation: str = ""  # the staff user's at login: a new password or removal ends it


class StaffSessions:
    def __init__(self, client: redis.Redis, keys: Keys, *, idle_seconds: int,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.keys = keys
        self.idle_seconds = idle_seconds
        self.clock = clock

    def _key(self, token: str) -> str:
        return f"{self.keys.prefix}staff:session:{digest(token)}"

    def start(self, name: str, generation: str = "") -> str:
        """A new session for a staff member who just logged in; its token."""
        token = secrets.token_urlsafe(32)
        key = self._key(token)
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(key, mapping={"name": name, "created": repr(self.clock()), "generation": generation})
        pipe.expire(key, self.idle_seconds)
        pipe.execute()
        return token

    def find(self, token: str | None, *, touch: bool = True) -> StaffSession | None:
        """The live session for this token, its idle timer restarted (unless `touch` is
        false: a page refreshing itself is not someone at the keyboard); None if over."""
        if not token:
            return None
        key = self._key(token)
        name, created, generation = self.client.hmget(key, "name", "created", "generation")
        if name is None:
            return None
        session = StaffSession(_text(name), float(created or 0), _text(generation or b""))
        if self.clock() - session.created > SESSION_MAX_HOURS * 3600:
            self.client.delete(key)
            return None
        if touch:
            self.client.expire(key, self.idle_seconds)
        return session

    def end(self, token: str | None) -> None:
        if token:
            self.client.delete(self._key(token))
