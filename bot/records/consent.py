"""The consent ledger: who has opted out of texts, kept per phone number in Redis.

Opt-outs are compliance records (TCPA): each number keeps its current status and its
last changes for five years, then the record expires.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from bot.privacy import mask_phone
from bot.records.keys import Keys

CONSENT_TTL = 5 * 365 * 24 * 3600
HISTORY = 20
OPTED_OUT, OPTED_IN = "opted_out", "opted_in"


def phone_digest(phone: str) -> str:
    return hashlib.sha256(phone.strip().encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class ConsentRecord:
    status: str
    changed: float
    source: str


class ConsentLedger:
    def __init__(self, client: redis.Redis, keys: Keys, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.keys = keys
        self.clock = clock

    def _key(self, phone: str) -> str:
        return self.keys.consent(phone_digest(phone))

    def is_opted_out(self, phone: str) -> bool:
        return self.client.hget(self._key(phone), "status") == OPTED_OUT.encode()

    def record(self, phone: str, status: str, source: str) -> None:
        key = self._key(phone)
        now = self.clock()
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(key, mapping={"status": status, "changed": repr(now), "source": source,
                                "phone_masked": mask_phone(phone)})
        pipe.rpush(f"{key}:history", json.dumps({"status": status, "time": now, "source": source}))
        pipe.ltrim(f"{key}:history", -HISTORY, -1)
        pipe.expire(key, CONSENT_TTL)
        pipe.expire(f"{key}:history", CONSENT_TTL)
        pipe.execute()

    def opt_out(self, phone: str, source: str) -> None:
        self.record(phone, OPTED_OUT, source)

    def opt_in(self, phone: str, source: str) -> None:
        self.record(phone, OPTED_IN, source)

    def get(self, phone: str) -> ConsentRecord | None:
        data = self.client.hgetall(self._key(phone))
        if not data:
            return None
        return ConsentRecord(
            status=data[b"status"].decode(),
            changed=float(data.get(b"changed", b"0")),
            source=data.get(b"source", b"").decode(),
        )
