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
at once cannot open two); staff are texted again only if it became urgent, within
the limits of bot/records/pages.py (`on_opened` says when they are not), and whoever has
it is told that the patient wrote (bot/records/activity.py paces those texts).
"""

from __future__ import annotations

import json
import logging
from typing import Any, cast

import redis

from bot.records import activity
from bot.records.escalation import LANGUAGE_NAMES, NORMAL, URGENT, Escalation, language_code
from bot.records.escalation_records import OPEN_TTL, RESOLVED_TTL, EscalationRecords, _text

__all__ = ["NORMAL", "OPEN_TTL", "RESOLVED_TTL", "URGENT", "EscalationStore"]

log = logging.getLogger(__name__)

# Delete each key that still names this escalation (and only those).
_RELEASE = ("for _, key in ipairs(KEYS) do "
            "if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end end return 1")


class EscalationStore(EscalationRecords):
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
        language: str | None = None,
    ) -> tuple[Escalation, bool]:
        """At most one open escalation per conversation (an SMS conversation, a phone call):
        if one is open, the newest transcript line and a history entry go to it, and it
        becomes urgent if this is; otherwise a new one is stored. Either way the
        conversation is handed over if `hand_over`, in the same transaction. Staff are
        texted for a new escalation and for one that became urgent; joining one marks it
        in the queue and tells its assignee (bot/records/activity.py). `language`: the
        patient's ("en" or "es"; a new one without it is "en", a joined one keeps its own).
        Returns the escalation and whether it is new."""
        conversation = self.keys.conversation(sender_id)
        pointers = [self.keys.handoff(conversation), self._open_index(conversation)]
        lines = list(transcript or [])
        speaks = language_code(language)

        def attempt(pipe: redis.client.Pipeline) -> tuple[Escalation, bool, bool]:
            current, found_by = self._open_for(pipe, pointers)
            if current is None or (recording_sid and current.recording_sid
                                   and current.recording_sid != recording_sid):
                number = pipe.incr(self.keys.escalation_counter)  # a retry skips a number
                escalation = Escalation(
                    reference=f"E-{1000 + int(number)}", channel=channel, reason=reason,
                    urgency=urgency, phone=phone, conversation=conversation,
                    sender_id=sender_id, created=self.clock(), recording_sid=recording_sid,
                    recording_url=recording_url, language=speaks or "en",
                )
                pipe.multi()
                self._stage_new(pipe, escalation, lines)
                pipe.set(pointers[0 if hand_over else 1], escalation.reference, ex=OPEN_TTL)
                if self.on_opened is not None:
                    self._pacing.stage_paged(pipe, escalation.reference)
                return escalation, True, True
            raised = urgency == URGENT and not current.is_urgent
            fields = {"urgency": URGENT} if raised else {}
            if raised and reason != current.reason:
                # The queue shows why it is urgent now, and what it was opened for.
                fields["reason"] = f"{reason}; opened for: {current.reason}"
                current.reason = fields["reason"]
            if recording_sid:
                fields.update(recording_sid=recording_sid, recording_url=recording_url)
            if speaks and speaks != current.language:
                fields["language"] = current.language = speaks
            pipe.multi()
            self._stage_join(pipe, current.reference, lines[-1:], fields,
                             "urgent" if raised else "reported again", reason)
            pipe.expire(found_by, OPEN_TTL)
            if hand_over:
                pipe.set(pointers[0], current.reference, ex=OPEN_TTL)
            if raised and self.on_opened is not None:
                self._pacing.stage_paged(pipe, current.reference)
            current.urgency = URGENT if raised else current.urgency
            current.recording_sid = recording_sid or current.recording_sid
            current.recording_url = recording_url or current.recording_url
            return current, False, raised

        outcome = self.client.transaction(attempt, *pointers, value_from_callable=True)
        escalation, new, raised = cast(tuple[Escalation, bool, bool], outcome)
        if (new or raised) and self.on_opened is not None:
            self._page(escalation)  # the pacing noted it in the transaction above
        if new and self.analytics is not None:
            self.analytics.count(**{f"escalations:{channel}": 1,
                                    "escalations_urgent": int(escalation.is_urgent)})
        if not new and not (raised and not escalation.assignee):
            # A newly urgent one nobody has claimed: the page above is the news.
            self._tell_staff(escalation.reference, at_once=urgency == URGENT and bool(escalation.assignee))
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
        self._stage_lines(pipe, reference, lines)
        activity.stage_opened(pipe, self.keys.escalation(reference), lines, now)
        pipe.rpush(self.keys.escalation_history(reference), json.dumps(entry))
        pipe.zadd(self.keys.escalation_queue, {reference: now})
        pipe.zadd(self.keys.escalation_all, {reference: now})
        pipe.zremrangebyscore(self.keys.escalation_all, 0, now - OPEN_TTL)
        self._expire(pipe, reference, OPEN_TTL)
        escalation.transcript = list(lines)
        escalation.history = [entry]
        escalation.waiting_since = now

    def _stage_join(self, pipe: redis.client.Pipeline, reference: str,
                    lines: list[dict[str, Any]], fields: dict[str, str], action: str,
                    note: str) -> None:
        now = self.clock()
        entry = {"time": now, "who": "bot", "action": action, "note": note}
        if fields:
            pipe.hset(self.keys.escalation(reference), mapping=fields)
        self._stage_lines(pipe, reference, lines)
        activity.stage_patient_wrote(pipe, self.keys.escalation(reference), now,
                                     lines[-1] if lines else None)
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

    # -- working on it -------------------------------------------------------------------
    def record_patient_message(self, reference: str, line: dict[str, Any], *,
                               language: str | None = None) -> None:
        """The patient wrote in a conversation handed to staff: the line goes to the
        transcript, the queue marks it, and staff are told (paced; urgent ones at once).
        `language`: the conversation's now ("en" or "es"); the record follows it, and its
        history says when it changed."""
        key, speaks = self.keys.escalation(reference), language_code(language)
        pipe = self.client.pipeline(transaction=True)
        pipe.hmget(key, "urgency", "assignee", "language")  # nothing below changes the first two
        self._stage_lines(pipe, reference, [line])
        activity.stage_patient_wrote(pipe, key, float(line.get("time") or self.clock()), line)
        if speaks:
            pipe.hset(key, "language", speaks)
        self._refresh(pipe, reference)
        urgency, assignee, spoke = pipe.execute()[0]
        if speaks and speaks != (language_code(_text(spoke)) or "en"):
            self.update(reference, "bot", "language", f"the patient now writes in {LANGUAGE_NAMES[speaks]}")
        self._tell_staff(reference, at_once=_text(urgency) == URGENT and bool(assignee))

    def _tell_staff(self, reference: str, *, at_once: bool) -> None:
        """Queue a "patient replied" text (no PHI) unless staff were texted about this
        escalation moments ago; an urgent one to its assignee goes at once. Never raises:
        the patient's message is kept either way, and the queue shows it."""
        if self.on_patient_replied is None:
            return
        try:
            if not self._pacing.due(reference, at_once):
                return
            notice = int(self.client.hincrby(self.keys.escalation(reference), "notices", 1))
        except redis.RedisError as exc:
            log.error("staff not told that the patient on %s replied: %s", reference,
                      type(exc).__name__)
            return
        self.on_patient_replied(reference, notice)

    def acknowledge(self, reference: str, now: float, *, again_after: float) -> bool:
        """True when the patient is to be told again that a person will see their message:
        the first time, then not within `again_after` seconds of the last time."""
        return bool(self._ack(keys=[self.keys.escalation(reference)], args=[repr(now), again_after],
                              client=self.client))

    def record_staff_reply(self, reference: str, line: dict[str, Any]) -> None:
        """A staff member's text to the patient, in the transcript: they are answered."""
        key = self.keys.escalation(reference)
        pipe = self.client.pipeline(transaction=True)
        self._stage_lines(pipe, reference, [line])
        activity.stage_staff_replied(pipe, key, line)
        pipe.hsetnx(key, "first_reply_at", repr(self.clock()))
        pipe.hget(key, "created")
        self._refresh(pipe, reference)
        results = pipe.execute()
        self._measure("first_reply", results[-3], results[-2], first_replies=1)

    def _measure(self, measure: str, first: Any, created: Any, **counters: int) -> None:
        """A duration for the manager's figures, the first time it happens."""
        if self.analytics is not None and first and created:
            self.analytics.duration(measure, self.clock() - float(created), **counters)

    def claim(self, reference: str, who: str) -> None:
        key = self.keys.escalation(reference)
        pipe = self.client.pipeline(transaction=False)
        pipe.hsetnx(key, "claimed_at", repr(self.clock()))
        pipe.hget(key, "created")
        first, created = pipe.execute()
        self.update(reference, who, "claimed", fields={"status": "claimed", "assignee": who})
        self._measure("claim", first, created, claimed=1)

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
        self._measure("resolve", True, escalation.created, resolved=1)
