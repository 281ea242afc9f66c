"""One escalation as the console and the jobs see it, and as its Redis hash holds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.privacy import mask_phone

STATUSES = ("open", "claimed", "resolved")
URGENT, NORMAL = "urgent", "normal"
# The patient's language, by name as staff read it; a record from before it was kept reads "en".
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
LANGUAGES = tuple(LANGUAGE_NAMES)


def language_code(value: object) -> str | None:
    """"en" or "es" for a language the record can keep; None for anything else."""
    return value if isinstance(value, str) and value in LANGUAGES else None


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
    language: str = "en"  # the patient's: "en" or "es" (follows the conversation's)
    # What the queue shows beside it (bot/records/activity.py).
    last_from: str = ""
    last_who: str = ""
    last_text: str = ""
    last_at: float = 0.0
    waiting_since: float | None = None
    patient_replied: bool = False
    notice_status: str = ""  # the last "patient replied" text to staff
    notice_detail: str = ""
    claimed_at: float = 0.0  # first claimed (the manager's time to claim)
    lines_total: int = 0  # transcript lines ever added (the list keeps the last 200)
    transcript: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_urgent(self) -> bool:
        return self.urgency == URGENT

    @property
    def answered(self) -> bool:
        """Is nobody waiting: the patient's last word has a staff text after it?"""
        return self.waiting_since is None

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
            "language": self.language,
        }  # the activity fields are written where they change (bot/records/activity.py)

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
            language=language_code(values.get("language")) or "en",
            last_from=values.get("last_from", ""),
            last_who=values.get("last_who", ""),
            last_text=values.get("last_text", ""),
            last_at=_number(values.get("last_at")),
            waiting_since=_number(values["waiting_since"]) if values.get("waiting_since") else None,
            patient_replied=values.get("patient_replied") == "1",
            notice_status=values.get("notice_status", ""),
            notice_detail=values.get("notice_detail", ""),
            claimed_at=_number(values.get("claimed_at")),
            lines_total=int(_number(values.get("lines_total"))),
        )


def _number(raw: str | None) -> float:
    try:
        return float(raw or 0)
    except ValueError:
        return 0.0
