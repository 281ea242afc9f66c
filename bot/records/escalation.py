"""One escalation as the console and the jobs see it, and as its Redis hash holds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.privacy import mask_phone

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
