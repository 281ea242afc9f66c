"""Redis key names. Conversation keys carry a digest of the sender id, never a phone
number, so key listings, slow logs and keyspace events hold no PHI."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def conversation_id(sender_id: str) -> str:
    """A stable, non-reversible-by-eye id for one sender (used in keys and in logs)."""
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Keys:
    prefix: str = "nh:"

    # {braces} keep a conversation's keys in one Redis Cluster slot.
    def events(self, conv: str) -> str:
        return f"{self.prefix}conv:{{{conv}}}:events"

    def handoff(self, conv: str) -> str:
        return f"{self.prefix}conv:{{{conv}}}:handoff"

    def open_escalation(self, conv: str) -> str:
        """A conversation not handed over (a call, an opted-out patient) -> its open escalation."""
        return f"{self.prefix}conv:{{{conv}}}:escalation"

    def lock(self, conv: str) -> str:
        return f"{self.prefix}conv:{{{conv}}}:lock"

    def seen(self, conv: str, message_id: str) -> str:
        return f"{self.prefix}conv:{{{conv}}}:seen:{message_id}"

    def consent(self, phone_digest: str) -> str:
        return f"{self.prefix}consent:{phone_digest}"

    def escalation(self, reference: str) -> str:
        return f"{self.prefix}escalation:{reference}"

    def escalation_transcript(self, reference: str) -> str:
        return f"{self.prefix}escalation:{reference}:transcript"

    def escalation_history(self, reference: str) -> str:
        return f"{self.prefix}escalation:{reference}:history"

    @property
    def escalation_queue(self) -> str:
        return f"{self.prefix}escalations:open"

    @property
    def escalation_all(self) -> str:
        return f"{self.prefix}escalations:all"

    @property
    def escalation_counter(self) -> str:
        return f"{self.prefix}escalations:counter"

    def refill(self, reference: str) -> str:
        return f"{self.prefix}refill:{reference}"

    @property
    def refill_index(self) -> str:
        return f"{self.prefix}refills:all"

    @property
    def refill_counter(self) -> str:
        return f"{self.prefix}refills:counter"

    def rate(self, scope: str, who: str, window: int) -> str:
        return f"{self.prefix}rate:{scope}:{who}:{window}"

    def dedup(self, scope: str, token: str) -> str:
        return f"{self.prefix}dedup:{scope}:{token}"

    @property
    def audit(self) -> str:
        return f"{self.prefix}audit"

    def staff_user(self, name: str) -> str:
        return f"{self.prefix}staff:user:{name}"

    def login_failures(self, who: str) -> str:
        return f"{self.prefix}staff:login-failures:{who}"
