"""Voicemail escalations, one per RecordingSid, and their transcriptions, which Twilio
may post before or after the recording's own action (`voice:recording:{RecordingSid}` ->
escalation reference, and an early transcription, 1 day)."""

from __future__ import annotations

from typing import Any

import redis

from bot.nlu import safety
from bot.records.escalation import URGENT
from bot.records.escalations import EscalationStore
from bot.records.keys import Keys

RECORDING_TTL = 24 * 3600


class Voicemails:
    """Voicemail escalations, one per RecordingSid, and their transcriptions, which
    Twilio may post before or after the recording's own action."""

    def __init__(self, client: redis.Redis, keys: Keys, escalations: EscalationStore) -> None:
        self.client = client
        self.prefix = keys.prefix
        self.escalations = escalations

    def _key(self, kind: str, recording_sid: str) -> str:
        return f"{self.prefix}voice:{kind}:{recording_sid}"

    def reference(self, recording_sid: str) -> str | None:
        return _text(self.client.get(self._key("recording", recording_sid)))

    def open(self, *, recording_sid: str, recording_url: str, duration: str, call_sid: str,
             phone: str) -> str:
        """The escalation for this recording: opened once, whatever the retries."""
        existing = self.reference(recording_sid)
        if existing:
            return existing
        now = self.escalations.clock()
        escalation = self.escalations.open(
            sender_id=call_sid,
            phone=phone,
            channel="twilio_voice",
            reason="voicemail",
            recording_sid=recording_sid,
            recording_url=recording_url,
            hand_over=False,
            transcript=[{"from": "bot", "time": now,
                         "text": f"Voicemail left ({duration or '?'} s); Twilio holds the audio."}],
        )
        self.client.set(self._key("recording", recording_sid), escalation.reference,
                        ex=RECORDING_TTL)
        waiting = _text(self.client.get(self._key("transcription", recording_sid)))
        if waiting is not None:
            self._attach(escalation.reference, recording_sid, waiting)
        return escalation.reference

    def transcribed(self, recording_sid: str, text: str) -> str | None:
        """Store a transcription; on the escalation at once if it exists, else when it
        is opened. Returns the reference it was attached to, if any yet."""
        self.client.set(self._key("transcription", recording_sid), text, ex=RECORDING_TTL)
        reference = self.reference(recording_sid)
        if reference:
            self._attach(reference, recording_sid, text)
        return reference

    def _attach(self, reference: str, recording_sid: str, text: str) -> None:
        # Both sides may see the other's write; only the first attaches.
        marker = self._key("transcribed", recording_sid)
        if not self.client.set(marker, 1, nx=True, ex=RECORDING_TTL):
            return
        self.client.delete(self._key("transcription", recording_sid))  # it has a home now
        if not text:
            self.escalations.update(reference, "twilio", "transcription",
                                    "no transcription available")
            return
        self.escalations.update(reference, "twilio", "transcription", "voicemail transcribed",
                                fields={"transcription": text})
        self.escalations.append_transcript(
            reference, [{"from": "patient", "text": text, "time": self.escalations.clock(),
                         "kind": "voicemail transcription"}]
        )
        if safety.check(text).matched:
            self._raise_urgency(reference, recording_sid)

    def _raise_urgency(self, reference: str, recording_sid: str) -> None:
        """A voicemail that reads as an emergency (safety rule 1): urgent, and staff paged."""
        found = self.escalations.get(reference)
        if found is None:
            return
        self.escalations.open_or_join(
            sender_id=found.sender_id, phone=found.phone, channel=found.channel,
            reason="emergency in a voicemail", urgency=URGENT, hand_over=False,
            recording_sid=recording_sid,
            transcript=[{"from": "bot", "time": self.escalations.clock(),
                         "text": "The voicemail reads as an emergency: marked urgent."}],
        )


def _text(value: Any) -> str | None:
    return value.decode() if isinstance(value, bytes) else value
