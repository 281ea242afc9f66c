"""The conversation store: each conversation's current session in Redis, held by one
process at a time.

`hold(sender)` is the whole life of a turn in two round trips: the first takes the
conversation's lock and reads its events, hand-off flag and duplicate mark in one
pipeline; the second (when the block ends) appends the turn's events, refreshes their
lifetime, marks the message id as processed and releases the lock, in one MULTI.

The lock is fair (first come, first served): each waiter joins a queue (a Redis list)
and holds a lease (a sorted-set score: the time it expires); the head of the queue owns
the conversation. A holder that dies stops renewing and is skipped once its lease runs
out, so a crashed process never blocks a conversation for longer than one lease.
redis-py's own `Lock` is not fair: patients' texts must be answered in the order they
arrived. Older sessions are not kept: a new session replaces the list.
"""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import redis

from bot.records.keys import Keys

Event = dict[str, Any]
Loaded = tuple[list[list[Event]], str | None, str | None, bool]

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


@dataclass
class Conversation:
    """A held conversation: what was stored, and the turn's events to store with the
    release (`save`)."""

    sender_id: str
    turns: list[list[Event]]  # as stored: the events of each turn, oldest first
    handoff: str | None  # the open escalation a person has taken this conversation into
    open_escalation: str | None  # an open escalation that left it with the bot (a call, a web chat)
    duplicate: bool
    _write: tuple[list[Event], bool] | None = field(default=None, repr=False)

    @property
    def events(self) -> list[Event]:
        return [event for turn in self.turns for event in turn]

    def turn_of(self, message_id: str) -> list[Event]:
        """The stored events of the turn that took this message."""
        for turn in self.turns:
            if any(e.get("event") == "user" and e.get("message_id") == message_id for e in turn):
                return turn
        return []

    def save(self, new_events: list[Event], *, replace: bool = False) -> None:
        """Store these events when the conversation is released (a new session replaces
        the stored one)."""
        self._write = (list(new_events), replace)


class ConversationStore:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        *,
        ttl_seconds: int,
        seen_ttl_seconds: int,
        lease_ms: int = 10_000,
        acquire_timeout_ms: int = 12_000,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.keys = keys
        self.ttl = ttl_seconds
        self.seen_ttl = seen_ttl_seconds
        self.lease_ms = lease_ms
        self.acquire_timeout_ms = acquire_timeout_ms
        self._sleep = sleep
        # Releases that failed because Redis was gone: sent again with this process's
        # next attempt, so a conversation is not held up for a whole lease once Redis is
        # back (the lease still frees it if this process never comes back).
        self._unreleased: deque[tuple[list[str], str]] = deque(maxlen=256)

    def pseudonym(self, sender_id: str) -> str:
        """How logs name a conversation."""
        return self.keys.conversation(sender_id)

    # -- a turn ------------------------------------------------------------------------
    @contextmanager
    def hold(self, sender_id: str, message_id: str | None = None) -> Iterator[Conversation]:
        """Lock the conversation and read it; when the block ends, write what was saved
        and unlock. An error inside the block writes nothing and unlocks."""
        conv = self.keys.conversation(sender_id)
        lock_keys = [f"{self.keys.lock(conv)}:queue", f"{self.keys.lock(conv)}:leases"]
        token = uuid.uuid4().hex
        loaded = self._acquire(conv, lock_keys, token, message_id)
        conversation = Conversation(sender_id, *loaded)
        try:
            yield conversation
        except BaseException:
            self._try_release(lock_keys, token)
            raise
        pipe = self.client.pipeline(transaction=True)
        if conversation._write is not None:
            self._queue_save(pipe, conv, *conversation._write, message_id)
        pipe.eval(_RELEASE, 2, *lock_keys, token)
        try:
            pipe.execute()
        except BaseException:
            self._unreleased.append((lock_keys, token))
            raise

    def _acquire(self, conv: str, lock_keys: list[str], token: str,
                 message_id: str | None) -> Loaded:
        deadline = time.monotonic() + self.acquire_timeout_ms / 1000
        pause = 0.001
        try:
            while True:
                loaded = self._attempt(conv, lock_keys, token, message_id)
                if loaded is not None:
                    return loaded
                if time.monotonic() >= deadline:
                    raise LockTimeout("conversation busy")
                self._sleep(pause)
                pause = min(pause * 2, 0.025)
        except BaseException:
            self._try_release(lock_keys, token)
            raise

    def _attempt(self, conv: str, lock_keys: list[str], token: str,
                 message_id: str | None) -> Loaded | None:
        """One round trip: try to acquire, and read the conversation alongside (kept if
        acquired). EVAL rather than EVALSHA: the server caches the compiled script either
        way, and a restarted server never answers NOSCRIPT mid-pipeline."""
        pipe = self.client.pipeline(transaction=False)
        unreleased = list(self._unreleased)
        self._unreleased.clear()
        for old_keys, old_token in unreleased:
            pipe.eval(_RELEASE, 2, *old_keys, old_token)
        pipe.eval(_ACQUIRE, 2, *lock_keys, token, self.lease_ms)
        self._queue_load(pipe, conv, message_id)
        try:
            results = pipe.execute()[len(unreleased):]
        except redis.RedisError:
            self._unreleased.extend(unreleased)
            raise
        return self._loaded(results[1:], message_id) if results[0] else None

    def _try_release(self, lock_keys: list[str], token: str) -> None:
        try:
            self.client.eval(_RELEASE, 2, *lock_keys, token)
        except redis.RedisError:
            self._unreleased.append((lock_keys, token))  # Redis is gone: released later

    # -- reading and writing -------------------------------------------------------------
    def _queue_load(self, pipe: redis.client.Pipeline, conv: str, message_id: str | None) -> None:
        pipe.lrange(self.keys.events(conv), 0, -1)
        pipe.get(self.keys.handoff(conv))
        pipe.get(self.keys.open_escalation(conv))
        if message_id:
            pipe.exists(self.keys.seen(conv, message_id))

    @staticmethod
    def _loaded(results: list[Any], message_id: str | None) -> Loaded:
        turns: list[list[Event]] = []
        for raw in results[0]:  # one element per turn: a JSON array of that turn's events
            item = orjson.loads(raw)
            turns.append(item if isinstance(item, list) else [item])
        handoff = results[1].decode() if results[1] else None
        open_escalation = results[2].decode() if results[2] else None
        return turns, handoff, open_escalation, bool(results[3]) if message_id else False

    def _queue_save(self, pipe: redis.client.Pipeline, conv: str, new_events: list[Event],
                    replace: bool, message_id: str | None) -> None:
        key = self.keys.events(conv)
        if replace:
            pipe.delete(key)
        if new_events:
            pipe.rpush(key, orjson.dumps(new_events))
        pipe.expire(key, self.ttl)
        if message_id:
            pipe.set(self.keys.seen(conv, message_id), 1, ex=self.seen_ttl)

    def load(self, sender_id: str, message_id: str | None = None) -> Conversation:
        """The stored conversation, read without holding it (tools, tests, the shell)."""
        conv = self.keys.conversation(sender_id)
        pipe = self.client.pipeline(transaction=False)
        self._queue_load(pipe, conv, message_id)
        return Conversation(sender_id, *self._loaded(pipe.execute(), message_id))

    def append(self, sender_id: str, new_events: list[Event]) -> None:
        """Add events without holding the conversation (only for what cannot race a turn)."""
        pipe = self.client.pipeline(transaction=True)
        self._queue_save(pipe, self.keys.conversation(sender_id), new_events, False, None)
        pipe.execute()

    def delete(self, sender_id: str) -> None:
        self.client.delete(self.keys.events(self.keys.conversation(sender_id)))
