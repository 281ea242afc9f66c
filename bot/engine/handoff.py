"""The hand-off desk: what a conversation with an open escalation says to its staff.

Every message the patient sends while a person has the conversation goes to the
escalation's transcript (flagged urgent after an emergency), and so does what the bot
answers meanwhile, marked as answered by the bot. When the bot does not answer itself,
the patient is told honestly when a person will see the message, from BUSINESS_HOURS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.hours import BusinessHours, clock_time, when
from bot.records.escalations import EscalationStore

ACK_AGAIN_AFTER = 3600  # seconds: a later message is told again when it will be seen


@dataclass(frozen=True)
class Acknowledgement:
    response: str
    values: dict[str, str] = field(default_factory=dict)


class EscalationDesk:
    def __init__(self, store: EscalationStore, hours: BusinessHours,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.hours = hours
        self.clock = clock

    def record_patient_message(self, reference: str, text: str, channel: str, *,
                               urgent: bool = False, language: str | None = None) -> None:
        """Keep the message for the specialist (urgent: after an emergency); `language`,
        the conversation's now, is the escalation's too (the console shows it)."""
        line: dict[str, object] = {"from": "patient", "text": text, "time": self.clock()}
        if urgent:
            line["urgent"] = True
        # The queue marks it, and whoever has the escalation is texted (paced; urgent at once).
        self.store.record_patient_message(reference, line, language=language)

    def acknowledgement(self, reference: str, *, asks_for_a_person: bool,
                        language: str = "en") -> Acknowledgement | None:
        """What to tell a patient whose message waits for a person: when it will be seen
        the first time, when they ask for one, and once an hour at most; in between, a
        short word that it was added (a text met by silence reads as lost); nothing once a
        specialist has replied (they are talking)."""
        if self.store.has_staff_reply(reference):
            return None
        now = self.clock()
        if not self.store.acknowledge(reference, now, again_after=0 if asks_for_a_person else ACK_AGAIN_AFTER):
            return Acknowledgement("utter_handoff_noted")
        local = datetime.fromtimestamp(now, tz=self.hours.zone)
        closing = self.hours.closing_time(now)
        if closing is not None:
            return Acknowledgement("utter_handoff_ack_open", {"closing_time": clock_time(closing, language)})
        opening = self.hours.next_opening(now)
        return Acknowledgement("utter_handoff_ack_closed", {"next_open": when(opening, local, language)})

    def record_bot_messages(self, reference: str, texts: list[str], *, answered: bool = False) -> None:
        """What the bot said, so the specialist sees the whole conversation; `answered`:
        the bot answered a question while the specialist had the conversation."""
        now = self.clock()
        lines: list[dict[str, object]] = [{"from": "bot", "text": text, "time": now} for text in texts if text]
        for line in lines if answered else []:
            line["kind"] = "answered by the bot"
        if lines:
            self.store.append_transcript(reference, lines)

    def open_reference(self, sender_id: str) -> str | None:
        return self.store.open_reference(sender_id)
