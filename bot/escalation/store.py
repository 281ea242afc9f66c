"""Escalations: a patient handed to a pharmacy specialist, stored durably in Redis.

An escalation is a hash (`escalation:E-1042`) with a transcript list and a history list
beside it, indexed in `escalations:open` (work queue) and `escalations:all`. Opening
one and handing the conversation over (the `handoff` flag the processor reads) happen
in one MULTI transaction, so the bot never stops answering a conversation that no
specialist can see, and never tells a patient "a specialist will contact you" before
the record exists.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis

from bot.privacy import mask_phone
from bot.store.keys import Keys, conversation_id

OPEN_TTL = 90 * 24 * 3600  # refreshed on every change while open or claimed
RESOLVED_TTL = 30 * 24 * 3600  # kept for the audit trail, then gone
STATUSES = ("open", "claimed", "resolved")
URGENT, NORMAL = "urgent", "normal"


@dataclass
class Escalation:
    reference: str
    channel: str
    reason: str
    urgency: str
    phone: str
    conversation: str
    sender_id: str
    created: float
    status: str = "open"
    assignee: str = ""
    recording_sid: str = ""
    recording_url: str = ""
    transcription: str = ""
    notify_status: str = "pending"
    notify_detail: str = ""
    ack_sent: bool = False
    resolved_note: str = ""
    transcript: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_urgent(self) -> bool:
        return self.urgency == URGENT

    def to_hash(self) -> dict[str, str]:
        return {
            "reference": self.reference,
            "channel": self.channel,
            "reason": self.reason,
            "urgency": self.urgency,
            "phone": self.phone,
            "conversation": self.conversation,
            "sender_id": self.sender_id,
            "created": repr(self.created),
            "status": self.status,
            "assignee": self.assignee,
            "recording_sid": self.recording_sid,
            "recording_url": self.recording_url,
            "transcription": self.transcription,
            "notify_status": self.notify_status,
            "notify_detail": self.notify_detail,
            "ack_sent": "1" if self.ack_sent else "0",
            "resolved_note": self.resolved_note,
        }

    @classmethod
    def from_hash(cls, data: dict[bytes, bytes]) -> Escalation:
        values = {k.decode(): v.decode() for k, v in data.items()}
        return cls(
            reference=values["reference"],
            channel=values.get("channel", ""),
            reason=values.get("reason", ""),
            urgency=values.get("urgency", NORMAL),
            phone=values.get("phone", ""),
            conversation=values.get("conversation", ""),
            sender_id=values.get("sender_id", ""),
            created=float(values.get("created", "0")),
            status=values.get("status", "open"),
            assignee=values.get("assignee", ""),
            recording_sid=values.get("recording_sid", ""),
            recording_url=values.get("recording_url", ""),
            transcription=values.get("transcription", ""),
            notify_status=values.get("notify_status", ""),
            notify_detail=values.get("notify_detail", ""),
            ack_sent=values.get("ack_sent") == "1",
            resolved_note=values.get("resolved_note", ""),
        )


class EscalationStore:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        *,
        clock: Callable[[], float] = time.time,
        on_opened: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
        self.keys = keys
        self.clock = clock
        self.on_opened = on_opened
        self._refresh_script = client.register_script(
            "local ttl = ARGV[1] "
            "if redis.call('HGET', KEYS[1], 'status') == 'resolved' then ttl = ARGV[2] end "
            "for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, ttl) end return 1"
        )
        self._ack_once = client.register_script(
            "if redis.call('HGET', KEYS[1], 'ack_sent') == '1' then return 0 end "
            "redis.call('HSET', KEYS[1], 'ack_sent', '1') return 1"
        )

    # -- opening ----------------------------------------------------------------------
    def open(
        self,
        *,
        sender_id: str,
        phone: str,
        channel: str,
        reason: str,
        urgency: str = NORMAL,
        transcript: list[dict[str, Any]] | None = None,
        hand_over: bool = True,
        recording_sid: str = "",
        recording_url: str = "",
    ) -> Escalation:
        """Store a new escalation (and hand the conversation over) in one transaction."""
        number = self.client.incr(self.keys.escalation_counter)
        reference = f"E-{1000 + int(number)}"
        now = self.clock()
        escalation = Escalation(
            reference=reference,
            channel=channel,
            reason=reason,
            urgency=urgency,
            phone=phone,
            conversation=conversation_id(sender_id),
            sender_id=sender_id,
            created=now,
            recording_sid=recording_sid,
            recording_url=recording_url,
        )
        entry = {"time": now, "who": "bot", "action": "opened", "note": reason}
        pipe = self.client.pipeline(transaction=True)
        key = self.keys.escalation(reference)
        pipe.hset(key, mapping=escalation.to_hash())
        lines = [json.dumps(line) for line in (transcript or [])]
        if lines:
            pipe.rpush(self.keys.escalation_transcript(reference), *lines)
        pipe.rpush(self.keys.escalation_history(reference), json.dumps(entry))
        pipe.zadd(self.keys.escalation_queue, {reference: now})
        pipe.zadd(self.keys.escalation_all, {reference: now})
        pipe.zremrangebyscore(self.keys.escalation_all, 0, now - OPEN_TTL)
        if hand_over:
            pipe.set(self.keys.handoff(escalation.conversation), reference, ex=OPEN_TTL)
        self._expire(pipe, reference, OPEN_TTL)
        pipe.execute()
        escalation.transcript = list(transcript or [])
        escalation.history = [entry]
        if self.on_opened is not None:
            self.on_opened(reference)
        return escalation

    def open_or_raise_urgency(self, *, sender_id: str, reason: str, **kwargs: Any) -> tuple[Escalation, bool]:
        """An urgent escalation: the open one for this conversation made urgent, or a new
        one. Returns the escalation and whether it is new."""
        existing = self.client.get(self.keys.handoff(conversation_id(sender_id)))
        if existing:
            escalation = self.get(existing.decode())
            if escalation and escalation.status != "resolved":
                self.update(escalation.reference, "bot", "urgent", reason,
                            fields={"urgency": URGENT})
                self.append_transcript(escalation.reference, kwargs.get("transcript", [])[-1:])
                if self.on_opened is not None:
                    self.on_opened(escalation.reference)
                return escalation, False
        return self.open(sender_id=sender_id, reason=reason, urgency=URGENT, **kwargs), True

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
        return escalation

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
        value = self.client.get(self.keys.handoff(conversation_id(sender_id)))
        return value.decode() if value else None

    # -- changing ---------------------------------------------------------------------
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
        pipe.rpush(self.keys.escalation_transcript(reference), *[json.dumps(x) for x in lines])
        pipe.ltrim(self.keys.escalation_transcript(reference), -200, -1)
        self._refresh(pipe, reference)
        pipe.execute()

    def mark_acknowledged(self, reference: str) -> bool:
        """True the first time only: the patient gets one acknowledgement per escalation."""
        return bool(self._ack_once(keys=[self.keys.escalation(reference)]))

    def claim(self, reference: str, who: str) -> None:
        self.update(reference, who, "claimed", fields={"status": "claimed", "assignee": who})

    def resolve(self, reference: str, who: str, note: str) -> None:
        """Close it and give the conversation back to the bot."""
        escalation = self.get(reference)
        if escalation is None:
            return
        entry = {"time": self.clock(), "who": who, "action": "resolved", "note": note}
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.keys.escalation(reference),
                  mapping={"status": "resolved", "resolved_note": note})
        pipe.rpush(self.keys.escalation_history(reference), json.dumps(entry))
        pipe.zrem(self.keys.escalation_queue, reference)
        handoff = self.keys.handoff(escalation.conversation)
        # Only release the conversation if it is still handed to this escalation.
        pipe.eval(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
            1, handoff, reference,
        )
        self._expire(pipe, reference, RESOLVED_TTL)
        pipe.execute()
