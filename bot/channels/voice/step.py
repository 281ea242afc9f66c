"""One request of a call: what came with it, what the call remembers, and how to name
the next step in the TwiML's action URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.channels.voice.listening import Heard
from bot.channels.voice.twiml import VoiceScript
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
    script: VoiceScript
    misses_before: int = 0
    heard: Heard = field(default_factory=Heard)

    def speak(self, language: str | None) -> None:
        """The call goes on in `language`: what it says, its voice and what it listens for."""
        if language:
            self.state.language = language
            self.script = self.script.speaking(language)

    def next_url(self, name: str) -> str:
        return f"{self.base_url}/twilio/voice/{name}?step={self.number + 1}"
