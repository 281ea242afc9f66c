"""What a phone call remembers between its steps, and how a repeated step is recognised.

Every TwiML document we answer names the next step of the call with a number in its
action URL (`/twilio/voice/menu?step=4`). Twilio delivers at least once, so the same
(CallSid, step) may arrive twice: the first request claims the step, runs it and caches
the TwiML it answered; a repeat gets that same TwiML back and causes nothing again (no
second refill, no second escalation).

Redis keys (the CallSid appears only as a digest, like conversation keys):
- `voice:{conv}:state`: a hash with the call's state, 2 hours;
- `voice:{conv}:step:N`: the TwiML answered for step N, 15 minutes (it may read back a
  prescription number, so it is kept no longer than a retry could need it);
- `voice:{conv}:claim:N`: the step is being run, 30 seconds (a request that died while
  running it frees the step for Twilio's next try);
- `voice:recording:{RecordingSid}` -> escalation reference, and the transcription that
  arrived before it, 1 day.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import redis

from bot.nlu import safety
from bot.records.escalation import URGENT
from bot.records.escalations import EscalationStore
from bot.records.keys import conversation_id

CALL_TTL = 2 * 3600
STEP_TTL = 15 * 60
CLAIM_TTL = 30  # longer than any step may take (Twilio gives up after 15 s)
RECORDING_TTL = 24 * 3600
WAIT_FOR_TWIN_SECONDS = 4.0


@dataclass
class CallState:
    """The caller's number, counters, the refill being keyed in and what was said last."""

    phone: str = ""
    misses: int = 0  # no input / no match in a row at the current prompt
    failures: int = 0  # invalid refill entries in this refill
    prescription_number: str = ""
    date_of_birth: str = ""  # ISO
    said: list[str] = field(default_factory=list)  # the last answer, for "press 9"

    def to_hash(self) -> dict[str, str]:
        return {k: json.dumps(v) for k, v in asdict(self).items()}

    @classmethod
    def from_hash(cls, data: dict[bytes, bytes]) -> CallState:
        known = {f.name for f in fields(cls)}
        values = {k.decode(): json.loads(v) for k, v in data.items() if k.decode() in known}
        return cls(**values)

    def clear_refill(self) -> None:
        self.prescription_number = ""
        self.date_of_birth = ""
        self.failures = 0


@dataclass
class Heard:
    """What the caller gave at a prompt: keys, or words and what they mean to us."""

    digits: str = ""
    speech: str = ""
    intent: str | None = None
    meaning: str | None = None  # emergency, repeat, menu, specialist, yes, no, cancel

    @property
    def silence(self) -> bool:
        return not self.digits and not self.speech


@dataclass
class Step:
    """One request of a call, and how to name the next one."""

    name: str
    number: int
    call_sid: str
    phone: str
    form: Mapping[str, Any]
    state: CallState
    base_url: str
    misses_before: int = 0
    heard: Heard = field(default_factory=Heard)

    def next_url(self, name: str) -> str:
        return f"{self.base_url}/twilio/voice/{name}?step={self.number + 1}"


class CallLog:
    """Per-call state and the step cache in Redis."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    def _key(self, call_sid: str, suffix: str) -> str:
        return f"{self.prefix}voice:{{{conversation_id(call_sid)}}}:{suffix}"

    def answered(self, call_sid: str, step: int) -> str | None:
        """The TwiML already answered for this step, if any."""
        return _text(self.client.get(self._key(call_sid, f"step:{step}")))

    def claim(self, call_sid: str, step: int) -> bool:
        """True for the one request that may run this step."""
        return bool(self.client.set(self._key(call_sid, f"claim:{step}"), 1, nx=True, ex=CLAIM_TTL))

    def wait_for_twin(self, call_sid: str, step: int) -> str | None:
        """A copy of a step still being run: wait a little for the first one's answer."""
        deadline = time.monotonic() + WAIT_FOR_TWIN_SECONDS
        while time.monotonic() < deadline:
            answer = self.answered(call_sid, step)
            if answer is not None:
                return answer
            time.sleep(0.1)
        return None

    def load(self, call_sid: str) -> CallState | None:
        data: dict[bytes, bytes] = self.client.hgetall(self._key(call_sid, "state"))  # type: ignore[assignment]
        return CallState.from_hash(data) if data else None

    def finish(self, call_sid: str, step: int, state: CallState | None, twiml: str) -> None:
        """Keep the call's state and the answer to this step, in one transaction."""
        pipe = self.client.pipeline(transaction=True)
        if state is not None:
            key = self._key(call_sid, "state")
            pipe.delete(key)
            pipe.hset(key, mapping=dict(state.to_hash()))  # type: ignore[arg-type]
            pipe.expire(key, CALL_TTL)
        pipe.set(self._key(call_sid, f"step:{step}"), twiml, ex=STEP_TTL)
        pipe.execute()


class Voicemails:
    """Voicemail escalations, one per RecordingSid, and their transcriptions, which
    Twilio may post before or after the recording's own action."""

    def __init__(self, client: redis.Redis, prefix: str, escalations: EscalationStore) -> None:
        self.client = client
        self.prefix = prefix
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


def as_int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default
