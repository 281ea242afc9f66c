"""Once per Twilio Sid: Twilio delivers every webhook at least once (retries, `#rc=`
overrides, fallbacks), so each delivery (a MessageSid, or a CallSid and step) is run by
one request only, and the answer it gave is kept: a repeat gets the same answer back and
causes nothing again (no second refill, no second escalation, no second opt-out)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import redis

from bot.records.keys import Keys

CLAIM_TTL = 30  # seconds: longer than any request may take (Twilio gives up after 15 s)


def _text(value: Any) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class TwilioDeliveries:
    def __init__(self, client: redis.Redis, keys: Keys,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.keys = keys
        self._sleep = sleep

    def _key(self, scope: str, sid: str, part: str) -> str:
        return self.keys.dedup(f"{scope}-{part}", sid)

    def answer(self, scope: str, sid: str, run: Callable[[], str], *, keep_seconds: int,
               wait_seconds: float, busy: Callable[[], str]) -> str:
        """The answer to this delivery: the one already given, or `run()`'s (kept for
        `keep_seconds`). A copy arriving while another request still runs it waits up to
        `wait_seconds` for that answer, else gets `busy()` (which must cause nothing)."""
        # The answer kept, and the claim, in one round trip: a claim taken beside an
        # answer already kept is never used, and lapses after CLAIM_TTL.
        pipe = self.client.pipeline(transaction=False)
        pipe.get(self._key(scope, sid, "answer"))
        pipe.set(self._key(scope, sid, "claim"), 1, nx=True, ex=CLAIM_TTL)
        kept, claimed = pipe.execute()
        answered = _text(kept)
        if answered is not None:
            return answered
        if not claimed:
            twin = self._wait_for_twin(scope, sid, wait_seconds)
            return twin if twin is not None else busy()
        text = run()
        self.keep(scope, sid, text, keep_seconds=keep_seconds)
        return text

    def _wait_for_twin(self, scope: str, sid: str, seconds: float) -> str | None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            answered = _text(self.client.get(self._key(scope, sid, "answer")))
            if answered is not None:
                return answered
            self._sleep(0.1)
        return None

    def claim(self, scope: str, sid: str) -> bool:
        """True for the one request that may run this delivery."""
        return bool(self.client.set(self._key(scope, sid, "claim"), 1, nx=True, ex=CLAIM_TTL))

    def keep(self, scope: str, sid: str, text: str, *, keep_seconds: int) -> None:
        """Keep this as the delivery's answer (an apology, when running it failed)."""
        self.client.set(self._key(scope, sid, "answer"), text, ex=keep_seconds)

    def forget(self, scope: str, sid: str) -> None:
        """Let the next copy run again (the attempt failed before causing anything)."""
        self.client.delete(self._key(scope, sid, "claim"))
