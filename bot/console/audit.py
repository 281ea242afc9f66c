"""The console's audit log: who viewed or acted on which escalation or refill, and when.

HIPAA asks for access records to be kept six years, so entries live in one Redis stream
(`audit`) trimmed to six years on every write, and the key itself expires six years after
the last entry. Entries name records by reference (E-1042, R-100001) and never hold PHI:
no phone number, no message text, no date of birth.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from bot.records.keys import Keys

AUDIT_TTL = (6 * 365 + 2) * 24 * 3600  # six years, leap days included
PAGE = 50
_ENTRY_ID = re.compile(r"^(\d{1,20})-(\d{1,20})$")
_LARGEST = 2**64 - 1  # each half of a stream entry id


def page_cursor(text: str) -> str:
    """An entry id given back as `before` (from a link `page` handed out), checked: an id
    Redis cannot take, or 0-0 with nothing before it, is a ValueError (a bad link, not a
    database outage)."""
    match = _ENTRY_ID.match(text)
    if not match:
        raise ValueError("not an audit entry id")
    millis, sequence = (int(part) for part in match.groups())
    if millis > _LARGEST or sequence > _LARGEST or millis == sequence == 0:
        raise ValueError("no audit entry can come before this one")
    return text


@dataclass(frozen=True)
class AuditEntry:
    id: str
    time: float
    who: str
    action: str
    target: str
    address: str


class AuditLog:
    def __init__(self, client: redis.Redis, keys: Keys,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.keys = keys
        self.key = keys.audit
        self.clock = clock

    def first_in(self, what: str, seconds: int) -> bool:
        """True the first time `what` happens in `seconds` (one entry per lockout, not
        one per refused try: an attacker cannot grow the six-year log)."""
        digest = hashlib.sha256(what.encode()).hexdigest()[:32]
        return bool(self.client.set(self.keys.dedup("audit", digest), 1, nx=True, ex=seconds))

    def record(self, who: str, action: str, target: str = "", address: str = "") -> None:
        now = self.clock()
        oldest = f"{int((now - AUDIT_TTL) * 1000)}-0"
        pipe = self.client.pipeline(transaction=True)
        pipe.xadd(self.key, {"time": repr(now), "who": who, "action": action,
                             "target": target, "address": address},
                  minid=oldest, approximate=True)
        pipe.expire(self.key, AUDIT_TTL)
        pipe.execute()

    def page(self, before: str | None = None, count: int = PAGE,
             target: str | None = None) -> tuple[list[AuditEntry], str | None]:
        """Newest first, `count` entries older than the entry id `before`; and the id to
        ask for the next page with (None at the end). With `target`, only its entries
        (looking through at most 50 pages' worth)."""
        found: list[AuditEntry] = []
        cursor = f"({before}" if before else "+"
        for _ in range(1 if target is None else 50):
            rows: list[Any] = list(
                self.client.xrevrange(self.key, max=cursor, min="-", count=count) or [])
            for entry_id, fields in rows:
                entry = _entry(entry_id, fields)
                if target is None or entry.target == target:
                    found.append(entry)
                if len(found) == count:
                    return found, entry.id
            if len(rows) < count:
                return found, None
            cursor = f"({rows[-1][0].decode()}"
        return found, None


def _entry(entry_id: bytes, fields: dict[bytes, bytes]) -> AuditEntry:
    values = {k.decode(): v.decode() for k, v in fields.items()}
    return AuditEntry(
        id=entry_id.decode(),
        time=float(values.get("time", "0")),
        who=values.get("who", ""),
        action=values.get("action", ""),
        target=values.get("target", ""),
        address=values.get("address", ""),
    )
