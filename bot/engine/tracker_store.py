"""The tracker store: one Redis list of JSON events per conversation's current session.

A turn costs one round trip to load (events, hand-off flag and the duplicate check in
one pipeline) and one to save (a MULTI that appends the turn's events as one list
element, refreshes the lifetime and marks the message id as processed). Older sessions are not kept: a new
session replaces the list, so a conversation holds only what it needs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from bot.records.keys import Keys, conversation_id

Event = dict[str, Any]


@dataclass
class Loaded:
    events: list[Event]
    handoff: str | None
    duplicate: bool


class RedisTrackerStore:
    def __init__(self, client: redis.Redis, keys: Keys, ttl_seconds: int, seen_ttl_seconds: int) -> None:
        self.client = client
        self.keys = keys
        self.ttl = ttl_seconds
        self.seen_ttl = seen_ttl_seconds

    def queue_load(self, pipe: redis.client.Pipeline, sender_id: str,
                   message_id: str | None = None) -> None:
        """Queue the reads of a load on someone else's pipeline (the lock's acquire)."""
        conv = conversation_id(sender_id)
        pipe.lrange(self.keys.events(conv), 0, -1)
        pipe.get(self.keys.handoff(conv))
        if message_id:
            pipe.exists(self.keys.seen(conv, message_id))

    @staticmethod
    def loaded(results: list[Any], message_id: str | None = None) -> Loaded:
        events: list[Event] = []
        for raw in results[0]:  # one element per turn: a JSON array of that turn's events
            item = json.loads(raw)
            if isinstance(item, list):
                events.extend(item)
            else:
                events.append(item)
        handoff = results[1].decode() if results[1] else None
        duplicate = bool(results[2]) if message_id else False
        return Loaded(events, handoff, duplicate)

    def load(self, sender_id: str, message_id: str | None = None) -> Loaded:
        pipe = self.client.pipeline(transaction=False)
        self.queue_load(pipe, sender_id, message_id)
        return self.loaded(pipe.execute(), message_id)

    def save(
        self,
        sender_id: str,
        new_events: list[Event],
        *,
        replace: bool = False,
        message_id: str | None = None,
        also: Callable[[redis.client.Pipeline], None] | None = None,
    ) -> None:
        """Append (or, for a new session, replace) events atomically with the dedup mark."""
        conv = conversation_id(sender_id)
        key = self.keys.events(conv)
        pipe = self.client.pipeline(transaction=True)
        if replace:
            pipe.delete(key)
        if new_events:
            pipe.rpush(key, json.dumps(new_events, separators=(",", ":")))
        pipe.expire(key, self.ttl)
        if message_id:
            pipe.set(self.keys.seen(conv, message_id), 1, ex=self.seen_ttl)
        if also is not None:
            also(pipe)
        pipe.execute()

    def mark_seen(self, sender_id: str, message_id: str) -> None:
        conv = conversation_id(sender_id)
        self.client.set(self.keys.seen(conv, message_id), 1, ex=self.seen_ttl)

    def delete(self, sender_id: str) -> None:
        conv = conversation_id(sender_id)
        self.client.delete(self.keys.events(conv))
