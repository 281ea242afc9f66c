"""The hand-off desk: a handed-over conversation's messages go to its escalation."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.hours import BusinessHours
from bot.records.escalations import EscalationStore


class EscalationDesk:
    def __init__(self, store: EscalationStore, hours: BusinessHours,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.hours = hours
        self.clock = clock

    def record_patient_message(self, reference: str, text: str, channel: str) -> str | None:
        """Keep the message for the specialist (the queue marks it, and whoever has the
        escalation is texted that the patient replied); the first one gets an
        acknowledgement that says when to expect an answer."""
        now = self.clock()
        self.store.record_patient_message(reference, {"from": "patient", "text": text, "time": now})
        if self.store.has_staff_reply(reference):
            return None  # a specialist is already talking with them: no "next business day"
        if not self.store.mark_acknowledged(reference):
            return None
        return "utter_handoff_ack_open" if self.hours.is_open_at(now) else "utter_handoff_ack_closed"

    def record_bot_messages(self, reference: str, texts: list[str]) -> None:
        """What the bot said, so the specialist sees the whole conversation (the 911
        instruction, the hand-off message, acknowledgements)."""
        now = self.clock()
        lines = [{"from": "bot", "text": text, "time": now} for text in texts if text]
        if lines:
            self.store.append_transcript(reference, lines)

    def open_reference(self, sender_id: str) -> str | None:
        return self.store.open_reference(sender_id)
