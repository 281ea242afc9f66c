"""Refill requests the bot took, waiting for pharmacy staff."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from bot.privacy import mask_phone
from bot.records.analytics import Analytics
from bot.records.keys import Keys
from bot.records.replication import ReplicaWait

REFILL_TTL = 30 * 24 * 3600  # staff process requests within days; then the record goes
SAME_REQUEST_WINDOW = 24 * 3600  # the same patient and Rx again within a day: one request


@dataclass
class RefillRequest:
    reference: str
    phone: str
    prescription_number: str
    date_of_birth: str
    channel: str
    created: float
    status: str = "new"
    processed_by: str = ""
    processed_at: float = 0.0

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @classmethod
    def from_hash(cls, data: dict[bytes, bytes]) -> RefillRequest:
        v = {k.decode(): x.decode() for k, x in data.items()}
        return cls(
            reference=v["reference"],
            phone=v.get("phone", ""),
            prescription_number=v.get("prescription_number", ""),
            date_of_birth=v.get("date_of_birth", ""),
            channel=v.get("channel", ""),
            created=float(v.get("created", "0")),
            status=v.get("status", "new"),
            processed_by=v.get("processed_by", ""),
            processed_at=float(v.get("processed_at", "0") or 0),
        )


class RefillStore:
    def __init__(self, client: redis.Redis, keys: Keys, clock: Callable[[], float] = time.time,
                 analytics: Analytics | None = None, replication: ReplicaWait | None = None) -> None:
        self.client = client
        self.keys = keys
        self.clock = clock
        self.analytics = analytics
        self.replication = replication

    def _same_request_key(self, phone: str, prescription_number: str, date_of_birth: str) -> str:
        digest = hashlib.sha256(f"{phone}|{prescription_number}|{date_of_birth}".encode()).hexdigest()
        return self.keys.dedup("refill", digest[:32])

    def create(self, *, phone: str, prescription_number: str, date_of_birth: str,
               channel: str) -> RefillRequest:
        """File a request, or return the one already waiting for the same patient and
        prescription (asked again after an error, or twice in a day): staff see it once."""
        same = self._same_request_key(phone, prescription_number, date_of_birth)
        earlier = self.client.get(same)
        if earlier:
            waiting = self.get(earlier.decode())
            if waiting is not None and waiting.status == "new":
                return waiting
        number = int(self.client.incr(self.keys.refill_counter))
        request = RefillRequest(
            reference=f"R-{100000 + number}",
            phone=phone,
            prescription_number=prescription_number,
            date_of_birth=date_of_birth,
            channel=channel,
            created=self.clock(),
        )
        key = self.keys.refill(request.reference)
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(key, mapping={
            "reference": request.reference,
            "phone": phone,
            "phone_masked": request.phone_masked,
            "prescription_number": prescription_number,
            "date_of_birth": date_of_birth,
            "channel": channel,
            "created": repr(request.created),
            "status": request.status,
        })
        pipe.expire(key, REFILL_TTL)
        pipe.zadd(self.keys.refill_index, {request.reference: request.created})
        pipe.expire(self.keys.refill_index, REFILL_TTL)
        pipe.set(same, request.reference, ex=SAME_REQUEST_WINDOW)
        pipe.execute()
        if self.replication is not None:  # the patient is told this reference next
            self.replication.confirm("refill", request.reference)
        if self.analytics is not None:
            self.analytics.count(**{f"refills:{channel}": 1})
        return request

    def get(self, reference: str) -> RefillRequest | None:
        data = self.client.hgetall(self.keys.refill(reference))
        return RefillRequest.from_hash(data) if data else None

    def recent(self, limit: int = 200) -> list[RefillRequest]:
        """Newest first; index entries whose record has expired are dropped."""
        cutoff = self.clock() - REFILL_TTL
        self.client.zremrangebyscore(self.keys.refill_index, 0, cutoff)
        references = [r.decode() for r in self.client.zrevrange(self.keys.refill_index, 0, limit - 1)]
        pipe = self.client.pipeline(transaction=False)
        for reference in references:
            pipe.hgetall(self.keys.refill(reference))
        return [RefillRequest.from_hash(d) for d in pipe.execute() if d]

    def mark_processed(self, reference: str, who: str) -> None:
        self.client.hset(self.keys.refill(reference), mapping={
            "status": "processed", "processed_by": who, "processed_at": repr(self.clock()),
        })
