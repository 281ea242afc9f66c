"""One request of a call: what came with it, what the call remembers, and how to name
the next step in the TwiML's action URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.channels.voice.listening import Heard
from bot.records.calls import CallState


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
