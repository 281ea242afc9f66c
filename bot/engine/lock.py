"""A fair (first come, first served) per-conversation lock in Redis, safe across processes.

Each waiter joins a queue (a Redis list) and holds a lease (a sorted-set score: the
time it expires). The head of the queue owns the lock. A waiter or owner that dies
stops renewing its lease and is skipped once the lease runs out, so a crashed process
never blocks a conversation for longer than one lease. Both steps are Lua scripts, so
each is atomic on the server. Acquiring an uncontended lock travels with the
conversation's load, and releasing it with the save: no round trip of its own.

redis-py's own `Lock` is not fair: with three messages waiting, the third may run
before the second. Patients' texts must be answered in the order they arrived.
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import redis

from bot.records.keys import Keys, conversation_id

_ACQUIRE = """
local queue, leases = KEYS[1], KEYS[2]
local me, lease = ARGV[1], tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if not redis.call('ZSCORE', leases, me) then
  redis.call('RPUSH', queue, me)
end
redis.call('ZADD', leases, now + lease, me)
redis.call('PEXPIRE', queue, lease * 4)
redis.call('PEXPIRE', leases, lease * 4)
while true do
  local head = redis.call('LINDEX', queue, 0)
  if not head then
    redis.call('RPUSH', queue, me)
    return 1
  end
  if head == me then
    return 1
  end
  local expires = redis.call('ZSCORE', leases, head)
  if (not expires) or tonumber(expires) < now then
    redis.call('LPOP', queue)
    redis.call('ZREM', leases, head)
  else
    return 0
  end
end
"""

_RELEASE = """
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
"""


class LockTimeout(Exception):
    """The conversation stayed busy for longer than the acquire timeout."""


Queue = Callable[[redis.client.Pipeline], None]


class Lease:
    """A held lock: what was read with it, and a way to release it with a later write."""

    def __init__(self, lock: ConversationLock, keys: list[str], token: str) -> None:
        self._lock = lock
        self._keys = keys
        self._token = token
        self.prefetched: list[Any] | None = None
        self.released = False

    def queue_release(self, pipe: redis.client.Pipeline) -> None:
        """Release in the caller's pipeline (the save), saving a round trip."""
        pipe.eval(_RELEASE, 2, *self._keys, self._token)


class ConversationLock:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        *,
        lease_ms: int,
        acquire_timeout_ms: int,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.keys = keys
        self.lease_ms = lease_ms
        self.acquire_timeout_ms = acquire_timeout_ms
        self._sleep = sleep
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        # Releases that failed because Redis was gone: sent again with this process's
        # next attempt, so a conversation is not held up for a whole lease once Redis is
        # back (the lease still frees it if this process never comes back).
        self._unreleased: deque[tuple[list[str], str]] = deque(maxlen=256)

    def _keys(self, sender_id: str) -> list[str]:
        base = self.keys.lock(conversation_id(sender_id))
        return [f"{base}:queue", f"{base}:leases"]

    def _attempt(self, keys: list[str], token: str, prefetch: Queue | None) -> tuple[bool, list[Any] | None]:
        """One round trip: try to acquire, and read `prefetch` alongside (kept if acquired).

        EVAL rather than EVALSHA: the server caches the compiled script either way, and a
        restarted server never answers NOSCRIPT in the middle of a pipeline."""
        pipe = self.client.pipeline(transaction=False)
        unreleased = list(self._unreleased)
        self._unreleased.clear()
        for old_keys, old_token in unreleased:
            pipe.eval(_RELEASE, 2, *old_keys, old_token)
        pipe.eval(_ACQUIRE, 2, *keys, token, self.lease_ms)
        if prefetch is not None:
            prefetch(pipe)
        try:
            results = pipe.execute()[len(unreleased):]
        except redis.RedisError:
            self._unreleased.extend(unreleased)
            raise
        acquired = bool(results[0])
        return acquired, (results[1:] if acquired and prefetch is not None else None)

    @contextmanager
    def hold(self, sender_id: str, *, prefetch: Queue | None = None) -> Iterator[Lease]:
        """Hold the conversation's lock. Reads queued by `prefetch` travel with the
        acquiring request; their results are in `lease.prefetched`."""
        keys = self._keys(sender_id)
        token = uuid.uuid4().hex
        lease = Lease(self, keys, token)
        deadline = time.monotonic() + self.acquire_timeout_ms / 1000
        pause = 0.001
        try:
            acquired, lease.prefetched = self._attempt(keys, token, prefetch)
            while not acquired:
                if time.monotonic() >= deadline:
                    raise LockTimeout("conversation busy")
                self._sleep(pause)
                pause = min(pause * 2, 0.025)
                acquired, lease.prefetched = self._attempt(keys, token, prefetch)
        except BaseException:
            self._try_release(keys, token)
            raise
        try:
            yield lease
        finally:
            if not lease.released:
                self._try_release(keys, token)

    def _try_release(self, keys: list[str], token: str) -> None:
        try:
            self._release(keys=keys, args=[token])
        except redis.RedisError:
            self._unreleased.append((keys, token))  # Redis is gone: released later
