"""Rate counters in Redis: how many times something happened in the current minute."""

from __future__ import annotations

import hashlib

import redis

from bot.records.keys import Keys

WINDOW = 60  # seconds


class RateLimits:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.client = client
        self.keys = keys

    def count(self, scope: str, who: str, now: float) -> int:
        """Count one more for `who` in this minute; the count so far. `who` is kept only
        as a digest (a client address is personal data too)."""
        digest = hashlib.sha256(who.encode()).hexdigest()[:16]
        key = self.keys.rate(scope, digest, int(now // WINDOW))
        with self.client.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, 2 * WINDOW)
            count, _ = pipe.execute()
        return int(count)
