"""What crosses the engine's boundary: a user's message in, the bot's replies out.

Channels build a `UserMessage` from whatever they receive (a text, a key, a transcript)
and turn the `BotReply`s of a `Turn` into TwiML or JSON. Nothing here knows a channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EMERGENCY_RESPONSE_PREFIX = "utter_emergency"


@dataclass(frozen=True)
class Button:
    """A choice offered with a reply: shown as a button, read out with its key on a call,
    listed as "reply 1" in a text. Its payload is a Rasa intent shortcut."""

    title: str
    payload: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Button:
        return cls(str(data.get("title") or ""), str(data.get("payload") or ""))

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class BotReply:
    """One message of the bot: its text, the response it came from, its choices, and any
    channel data (`custom`) its response variation carries (e.g. what a call does next)."""

    text: str
    response: str | None = None
    buttons: tuple[Button, ...] = ()
    custom: Mapping[str, Any] = field(default_factory=dict)

    @property
    def urgent(self) -> bool:
        """The 911 (or 988) instruction: it goes before anything else said in a turn."""
        return (self.response or "").startswith(EMERGENCY_RESPONSE_PREFIX)

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> BotReply:
        data = event.get("data") or {}
        return cls(
            text=str(event.get("text") or ""),
            response=(event.get("metadata") or {}).get("utter_action"),
            buttons=tuple(Button.from_dict(b) for b in data.get("buttons") or []),
            custom=dict(data.get("custom") or {}),
        )


@dataclass
class UserMessage:
    """A message as the engine sees it. `payload` is an intent shortcut (`/intent{...}`)
    from our own keypad or buttons; typed text is never taken as one."""

    text: str
    sender_id: str
    input_channel: str
    message_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    payload: str | None = None
    parse_data: dict[str, Any] | None = None  # when the channel has parsed it already


@dataclass
class Turn:
    """What one message did: the replies to send, and what a channel needs to know."""

    replies: list[BotReply]
    intent: str | None = None
    duplicate: bool = False
    handed_off: bool = False
    emergency: bool = False
    actions: list[str] = field(default_factory=list)
    requested_slot: str | None = None
    language: str | None = None  # the conversation's, after this message (the `language` slot)

    @property
    def texts(self) -> list[str]:
        return [reply.text for reply in self.replies if reply.text]
