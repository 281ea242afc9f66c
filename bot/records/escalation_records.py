"""Reading escalations, and the writes every change to one shares: its lifetime, its
history, its transcript lines. `EscalationStore` (bot/records/escalations.py) builds on
this with opening, handing over, claiming, replying and resolving."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import redis

from bot.records.activity import NoticePacing
from bot.records.analytics import Analytics
from bot.records.escalation import Escalation
from bot.records.keys import Keys
from bot.records.pages import PageNote

OPEN_TTL = 90 * 24 * 3600  # refreshed on every change while open or claimed
RESOLVED_TTL = 30 * 24 * 3600  # kept for the audit trail, then gone
TRANSCRIPT_LINES = 200  # the newest are kept


def _text(value: Any) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class EscalationRecords:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        *,
        clock: Callable[[], float] = time.time,
        on_opened: Callable[[Escalation], PageNote | None] | None = None,
        on_patient_replied: Callable[[str, int], None] | None = None,
        analytics: Analytics | None = None,
    ) -> None:
        """`on_opened(reference)`: texts staff about a new (or newly urgent) escalation;
        `on_patient_replied(reference, notice)`: texts them that the patient wrote again;
        `analytics`: the manager's counters, if they are kept."""
        self.client = client
        self.keys = keys
        self.clock = clock
        self.on_opened = on_opened
        self.on_patient_replied = on_patient_replied
        self.analytics = analytics
        self._pacing = NoticePacing(client, keys, clock)
        self._refresh_script = client.register_script(
            "local ttl = ARGV[1] "
            "if redis.call('HGET', KEYS[1], 'status') == 'resolved' then ttl = ARGV[2] end "
            "for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, ttl) end return 1"
        )
        self._ack = client.register_script(
            "local last = tonumber(redis.call('HGET', KEYS[1], 'acked_at') or '') "
            "if last and tonumber(ARGV[1]) - last < tonumber(ARGV[2]) then return 0 end "
            "redis.call('HSET', KEYS[1], 'ack_sent', '1', 'acked_at', ARGV[1]) return 1"
        )
        self._set_if_there = client.register_script(
            "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end "
            "return 1"
        )

    # -- reading ----------------------------------------------------------------------
    def get(self, reference: str, *, with_lines: bool = False) -> Escalation | None:
        pipe = self.client.pipeline(transaction=False)
        pipe.hgetall(self.keys.escalation(reference))
        if with_lines:
            pipe.lrange(self.keys.escalation_transcript(reference), 0, -1)
            pipe.lrange(self.keys.escalation_history(reference), 0, -1)
        results = pipe.execute()
        if not results[0]:
            return None
        escalation = Escalation.from_hash(results[0])
        if with_lines:
            escalation.transcript = [json.loads(line) for line in results[1]]
            escalation.history = [json.loads(line) for line in results[2]]
            escalation.lines_total = max(escalation.lines_total, len(escalation.transcript))
        return escalation

    def lines_since(self, escalation: Escalation, seen: int) -> list[dict[str, Any]]:
        """The transcript lines after the first `seen` ever added (all of them if the
        list has moved on past those), for a page that shows `seen` lines already."""
        first_kept = escalation.lines_total - len(escalation.transcript)
        return escalation.transcript[max(0, seen - first_kept):]

    def open_queue(self) -> list[Escalation]:
        """Open and claimed escalations, urgent first, then oldest first."""
        references = [r.decode() for r in self.client.zrange(self.keys.escalation_queue, 0, -1)]
        pipe = self.client.pipeline(transaction=False)
        for reference in references:
            pipe.hgetall(self.keys.escalation(reference))
        records = pipe.execute()
        gone = [ref for ref, data in zip(references, records, strict=True) if not data]
        if gone:  # expired records leave the index too
            self.client.zrem(self.keys.escalation_queue, *gone)
        found = [Escalation.from_hash(data) for data in records if data]
        found = [e for e in found if e.status != "resolved"]
        found.sort(key=lambda e: (not e.is_urgent, e.created))
        return found

    def handoff_reference(self, sender_id: str) -> str | None:
        return _text(self.client.get(self.keys.handoff(self.keys.conversation(sender_id))))

    def open_reference(self, sender_id: str) -> str | None:
        """The conversation's open escalation, handed over or not (a call)."""
        conversation = self.keys.conversation(sender_id)
        for key in (self.keys.handoff(conversation), self.keys.open_escalation(conversation)):
            reference = _text(self.client.get(key))
            if reference:
                return reference
        return None

    def has_staff_reply(self, reference: str) -> bool:
        """Has a specialist's text gone out (or is it on its way)? One that failed or was
        refused does not count: the patient heard nothing from us."""
        lines = [json.loads(line) for line in
                 self.client.lrange(self.keys.escalation_transcript(reference), 0, -1)]
        ids = [line.get("reply_id") for line in lines if line.get("from") == "staff"]
        if not ids:
            return False
        states = self.client.hmget(self.keys.escalation(reference),
                                   [f"reply:{reply_id}:status" for reply_id in ids])
        return any(_text(state) not in {"failed", None} for state in states)

    # -- what every change shares -------------------------------------------------------
    def _record_keys(self, reference: str) -> list[str]:
        return [
            self.keys.escalation(reference),
            self.keys.escalation_transcript(reference),
            self.keys.escalation_history(reference),
        ]

    def _expire(self, pipe: redis.client.Pipeline, reference: str, ttl: int) -> None:
        for key in self._record_keys(reference):
            pipe.expire(key, ttl)

    def _refresh(self, pipe: redis.client.Pipeline, reference: str) -> None:
        """Renew the lifetime a change deserves: open ones stay, resolved ones still go."""
        self._refresh_script(keys=self._record_keys(reference), args=[OPEN_TTL, RESOLVED_TTL],
                             client=pipe)

    def _stage_lines(self, pipe: redis.client.Pipeline, reference: str,
                     lines: list[dict[str, Any]]) -> None:
        """Add transcript lines (the newest TRANSCRIPT_LINES are kept), counted, so a page
        that polls knows which it has not shown."""
        if not lines:
            return
        transcript = self.keys.escalation_transcript(reference)
        pipe.rpush(transcript, *[json.dumps(line) for line in lines])
        pipe.ltrim(transcript, -TRANSCRIPT_LINES, -1)
        pipe.hincrby(self.keys.escalation(reference), "lines_total", len(lines))

    def update(self, reference: str, who: str, action: str, note: str = "",
               *, fields: dict[str, str] | None = None) -> None:
        entry = {"time": self.clock(), "who": who, "action": action, "note": note}
        pipe = self.client.pipeline(transaction=True)
        if fields:
            pipe.hset(self.keys.escalation(reference), mapping=fields)
        pipe.rpush(self.keys.escalation_history(reference), json.dumps(entry))
        self._refresh(pipe, reference)
        pipe.execute()

    def append_transcript(self, reference: str, lines: list[dict[str, Any]]) -> None:
        if not lines:
            return
        pipe = self.client.pipeline(transaction=True)
        self._stage_lines(pipe, reference, lines)
        self._refresh(pipe, reference)
        pipe.execute()

    def mark_seen(self, reference: str) -> None:
        """Staff have seen what the patient wrote: the queue's mark goes."""
        self._set_if_there(keys=[self.keys.escalation(reference)], args=["patient_replied", "0"])
