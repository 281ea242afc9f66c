"""The consent ledger: who has opted out of texts, kept per phone number in Redis.

Opt-outs are compliance records (TCPA): each number keeps its current status and its
last changes for five years, then the record expires.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from bot.records.analytics import Analytics
from bot.records.keys import Keys, legacy_digest
from bot.records.replication import ReplicaWait

CONSENT_TTL = 5 * 365 * 24 * 3600
HISTORY = 20
OPTED_OUT, OPTED_IN = "opted_out", "opted_in"


@dataclass(frozen=True)
class ConsentRecord:
    status: str
    changed: float
    source: str


class ConsentLedger:
    def __init__(self, client: redis.Redis, keys: Keys, clock: Callable[[], float] = time.time,
                 analytics: Analytics | None = None, replication: ReplicaWait | None = None) -> None:
        self.client = client
        self.keys = keys
        self.clock = clock
        self.analytics = analytics
        self.replication = replication

    def _key(self, phone: str) -> str:
        return self.keys.consent(self.keys.phone(phone))

    def _status(self, phone: str) -> bytes | None:
        """The number's status; a record kept under an older release's unkeyed digest is
        moved to its keyed name on the way (and loses the masked digits it held)."""
        key = self._key(phone)
        legacy = self.keys.consent(legacy_digest(phone.strip(), 24))
        pipe = self.client.pipeline(transaction=False)
        pipe.hget(key, "status")
        pipe.exists(legacy)
        status, old = pipe.execute()
        if status is not None or not old or legacy == key:
            return status  # type: ignore[no-any-return]
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(legacy, "phone_masked")
        pipe.renamenx(legacy, key)
        pipe.execute()
        if self.client.exists(f"{legacy}:history"):
            self.client.renamenx(f"{legacy}:history", f"{key}:history")
        return self.client.hget(key, "status")  # type: ignore[return-value]

    def is_opted_out(self, phone: str) -> bool:
        return self._status(phone) == OPTED_OUT.encode()

    def record(self, phone: str, status: str, source: str) -> None:
        self._status(phone)  # an older record first moves to its keyed name
        key = self._key(phone)
        now = self.clock()
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(key, mapping={"status": status, "changed": repr(now), "source": source})
        pipe.rpush(f"{key}:history", json.dumps({"status": status, "time": now, "source": source}))
        pipe.ltrim(f"{key}:history", -HISTORY, -1)
        pipe.expire(key, CONSENT_TTL)
        pipe.expire(f"{key}:history", CONSENT_TTL)
        pipe.execute()
        if self.replication is not None and status == OPTED_OUT:  # a compliance record
            self.replication.confirm("opt-out", f"({source})")

    def opt_out(self, phone: str, source: str) -> None:
        self.record(phone, OPTED_OUT, source)
        if self.analytics is not None:
            self.analytics.count(**{f"opt_outs:{source}": 1})

    def opt_in(self, phone: str, source: str) -> None:
        self.record(phone, OPTED_IN, source)

    def get(self, phone: str) -> ConsentRecord | None:
        self._status(phone)
        data = self.client.hgetall(self._key(phone))
        if not data:
            return None
        return ConsentRecord(
            status=data[b"status"].decode(),
            changed=float(data.get(b"changed", b"0")),
            source=data.get(b"source", b"").decode(),
        )
