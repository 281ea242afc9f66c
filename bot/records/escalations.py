"""Escalations: a patient handed to a pharmacy specialist, stored durably in Redis.

An escalation is a hash (`escalation:E-1042`) with a transcript list and a history list
beside it, indexed in `escalations:open` (work queue) and `escalations:all`. Opening
one and handing the conversation over (the `handoff` flag the processor reads) happen
in one MULTI transaction, so the bot never stops answering a conversation that no
specialist can see, and never tells a patient "a specialist will contact you" before
the record exists.

A conversation has at most one open escalation: it is found again by the `handoff`
key, or, for a conversation the bot keeps answering (a phone call, an opted-out
patient's emergency texts), by `conv:{id}:escalation`. Both live as long as an open
escalation and are removed when it is resolved. A second emergency, a callback request
or a voicemail in the same conversation goes onto that escalation (WATCH/MULTI, so two
at once cannot open two); staff are texted again only if it became urgent, and within
the limits of bot/records/pages.py (`on_opened` says when they are not).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, cast

import redis

from bot.records.escalation import NORMAL, URGENT, Escalation
from bot.records.keys import Keys
from bot.records.pages import PageNote

log = logging.getLogger(__name__)

OPEN_TTL = 90 * 24 * 3600  # refreshed on every change while open or claimed
RESOLVED_TTL = 30 * 24 * 3600  # kept for the audit trail, then gone

# Delete each key that still names this escalation (and only those).
_RELEASE = ("for _, key in ipairs(KEYS) do "
            "if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end end return 1")


def _text(value: Any) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class EscalationStore:
    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        *,
        clock: Callable[[], float] = time.time,
        on_opened: Callable[[Escalation], PageNote | None] | None = None,
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
    def open(self, **details: Any) -> Escalation:
        """The conversation's escalation: a new one, or the one already open for it (see
        `open_or_join`)."""
        return self.open_or_join(**details)[0]

    def open_or_raise_urgency(self, **details: Any) -> tuple[Escalation, bool]:
        """An urgent escalation: the conversation's open one made urgent, or a new one.
        Returns the escalation and whether it is new."""
        return self.open_or_join(**{**details, "urgency": URGENT})

    def open_or_join(
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
    ) -> tuple[Escalation, bool]:
        """At most one open escalation per conversation (an SMS conversation, a phone call):
        if one is open, the newest transcript line and a history entry go to it, and it
        becomes urgent if this is; otherwise a new one is stored. Either way the
        conversation is handed over if `hand_over`, in the same transaction. Staff are
        texted for a new escalation and for one that became urgent, not again otherwise.
        Returns the escalation and whether it is new."""
        conversation = self.keys.conversation(sender_id)
        pointers = [self.keys.handoff(conversation), self._open_index(conversation)]
        lines = list(transcript or [])

        def attempt(pipe: redis.client.Pipeline) -> tuple[Escalation, bool, bool]:
            current, found_by = self._open_for(pipe, pointers)
            if current is None or (recording_sid and current.recording_sid
                                   and current.recording_sid != recording_sid):
                number = pipe.incr(self.keys.escalation_counter)  # a retry skips a number
                escalation = Escalation(
                    reference=f"E-{1000 + int(number)}", channel=channel, reason=reason,
                    urgency=urgency, phone=phone, conversation=conversation,
                    sender_id=sender_id, created=self.clock(), recording_sid=recording_sid,
                    recording_url=recording_url,
                )
                pipe.multi()
                self._stage_new(pipe, escalation, lines)
                pipe.set(pointers[0 if hand_over else 1], escalation.reference, ex=OPEN_TTL)
                return escalation, True, True
            raised = urgency == URGENT and not current.is_urgent
            fields = {"urgency": URGENT} if raised else {}
            if raised and reason != current.reason:
                # The queue shows why it is urgent now, and what it was opened for.
                fields["reason"] = f"{reason}; opened for: {current.reason}"
                current.reason = fields["reason"]
            if recording_sid:
                fields.update(recording_sid=recording_sid, recording_url=recording_url)
            pipe.multi()
            self._stage_join(pipe, current.reference, lines[-1:], fields,
                             "urgent" if raised else "reported again", reason)
            pipe.expire(found_by, OPEN_TTL)
            if hand_over:
                pipe.set(pointers[0], current.reference, ex=OPEN_TTL)
            current.urgency = URGENT if raised else current.urgency
            current.recording_sid = recording_sid or current.recording_sid
            current.recording_url = recording_url or current.recording_url
            return current, False, raised

        outcome = self.client.transaction(attempt, *pointers, value_from_callable=True)
        escalation, new, notify = cast(tuple[Escalation, bool, bool], outcome)
        if notify and self.on_opened is not None:
            self._page(escalation)
        return escalation, new

    def _page(self, escalation: Escalation) -> None:
        """Staff are texted (on_opened), or its history says why not one by one."""
        assert self.on_opened is not None
        held = self.on_opened(escalation)
        if held is None:
            return
        try:
            self.update(escalation.reference, "bot", held.action, held.note,
                        fields={"notify_status": held.status, "notify_detail": held.note})
        except redis.RedisError as exc:  # stored and in the queue: say so in the logs only
            log.error("why %s was not paged is not recorded: %s", escalation.reference,
                      type(exc).__name__)

    def _open_index(self, conversation: str) -> str:
        """conversation -> its open escalation, for one not handed over (a phone call, an
        opted-out patient's emergency texts); handed-over ones are found by their handoff
        key. It lives as long as an open escalation (OPEN_TTL) and goes on resolution."""
        return self.keys.open_escalation(conversation)

    def _open_for(self, pipe: redis.client.Pipeline,
                  pointers: list[str]) -> tuple[Escalation | None, str]:
        """The open escalation the first (watched) pointer names, and that pointer; its
        record is watched too."""
        for pointer in pointers:
            reference = _text(pipe.get(pointer))
            if not reference:
                continue
            pipe.watch(self.keys.escalation(reference))
            data = pipe.hgetall(self.keys.escalation(reference))
            if data and data.get(b"status") != b"resolved":
                return Escalation.from_hash(data), pointer
        return None, ""

    def _stage_new(self, pipe: redis.client.Pipeline, escalation: Escalation,
                   lines: list[dict[str, Any]]) -> None:
        reference, now = escalation.reference, escalation.created
        entry = {"time": now, "who": "bot", "action": "opened", "note": escalation.reason}
        pipe.hset(self.keys.escalation(reference), mapping=escalation.to_hash())
        if lines:
            pipe.rpush(self.keys.escalation_transcript(reference),
                       *[json.dumps(line) for line in lines])
        pipe.rpush(self.keys.escalation_history(reference), json.dumps(entry))
        pipe.zadd(self.keys.escalation_queue, {reference: now})
        pipe.zadd(self.keys.escalation_all, {reference: now})
        pipe.zremrangebyscore(self.keys.escalation_all, 0, now - OPEN_TTL)
        self._expire(pipe, reference, OPEN_TTL)
        escalation.transcript = list(lines)
        escalation.history = [entry]

    def _stage_join(self, pipe: redis.client.Pipeline, reference: str,
                    lines: list[dict[str, Any]], fields: dict[str, str], action: str,
                    note: str) -> None:
        entry = {"time": self.clock(), "who": "bot", "action": action, "note": note}
        if fields:
            pipe.hset(self.keys.escalation(reference), mapping=fields)
        if lines:
            transcript = self.keys.escalation_transcript(reference)
            pipe.rpush(transcript, *[json.dumps(line) for line in lines])
            pipe.ltrim(transcript, -200, -1)
        pipe.rpush(self.keys.escalation_history(reference), json.dumps(entry))
        self._expire(pipe, reference, OPEN_TTL)

    def hand_over_conversation(self, reference: str, sender_id: str, who: str) -> bool:
        """Give the conversation of `sender_id` to this open escalation (its messages go to
        the transcript, the bot keeps quiet but for emergencies and STOP/HELP) unless
        another open escalation has it. True when the conversation is with this one."""
        pointer = self.keys.handoff(self.keys.conversation(sender_id))
        record = self.keys.escalation(reference)

        def attempt(pipe: redis.client.Pipeline) -> bool:
            if _text(pipe.hget(record, "status")) in {None, "resolved"}:
                return False
            holder = _text(pipe.get(pointer))
            if holder and holder != reference:
                pipe.watch(self.keys.escalation(holder))
                if _text(pipe.hget(self.keys.escalation(holder), "status")) not in {None, "resolved"}:
                    return False
            pipe.multi()
            pipe.set(pointer, reference, ex=OPEN_TTL)
            if holder != reference:
                entry = {"time": self.clock(), "who": who, "action": "texts come here",
                         "note": "the patient's text replies go to this escalation"}
                pipe.rpush(self.keys.escalation_history(reference), json.dumps(entry))
                self._expire(pipe, reference, OPEN_TTL)
            return True

        return bool(self.client.transaction(attempt, pointer, record, value_from_callable=True))

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
        return _text(self.client.get(self.keys.handoff(self.keys.conversation(sender_id))))

    def open_reference(self, sender_id: str) -> str | None:
        """The conversation's open escalation, handed over or not (a call)."""
        conversation = self.keys.conversation(sender_id)
        for key in (self.keys.handoff(conversation), self._open_index(conversation)):
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
        # Give back what still points here: the conversation it was opened from, and the
        # SMS conversation with the patient's number (a staff reply may have taken it).
        pointers = [key for conversation in {escalation.conversation,
                                             self.keys.conversation(escalation.phone)}
                    for key in (self.keys.handoff(conversation), self._open_index(conversation))]
        pipe.eval(_RELEASE, len(pointers), *pointers, reference)
        self._expire(pipe, reference, RESOLVED_TTL)
        pipe.execute()
