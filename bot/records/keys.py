"""Redis key names. Keys name a conversation or a phone number by a keyed digest
(HMAC-SHA256 with PSEUDONYM_KEY), never by the number itself, so key listings, slow logs,
keyspace events and our own logs hold no PHI, and nobody without the key can sweep the
numbering plan to reverse a digest."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

# Outside production (where PSEUDONYM_KEY is required) digests are keyed with this
# stand-in, so local data and tests agree without any set-up.
DEVELOPMENT_SECRET = b"nh-support-line: development pseudonyms, not for patient data"


def legacy_digest(text: str, length: int) -> str:
    """The unkeyed SHA-256 prefix older releases used (read only to migrate records)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True)
class Keys:
    prefix: str = "nh:"
    secret: bytes = field(default=DEVELOPMENT_SECRET, repr=False)

    def _digest(self, kind: str, value: str, length: int) -> str:
        mac = hmac.new(self.secret, f"{kind}:{value}".encode(), hashlib.sha256)
        return mac.hexdigest()[:length]

    def conversation(self, sender_id: str) -> str:
        """A conversation's pseudonym: in its keys and in log lines."""
        return self._digest("conversation", sender_id, 20)

    def phone(self, number: str) -> str:
        """A phone number's pseudonym (the consent ledger)."""
        return self._digest("phone", number.strip(), 24)

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
