"""Rendering `utter_*` responses: pick a variation that fits the channel and slots, fill it."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: Mapping[str, Any]) -> str:
    """Rasa-style templating: `{name}` replaced when a value is known, else left as is."""

    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return match.group(0) if value is None else str(value)

    return _PLACEHOLDER.sub(replace, text)


def _same(slot_value: Any, wanted: Any) -> bool:
    """As Rasa compares a condition: text without regard to case, anything else by value."""
    if isinstance(slot_value, str) and isinstance(wanted, str):
        return slot_value.casefold() == wanted.casefold()
    return bool(slot_value == wanted)


def _condition_holds(condition: list[dict[str, Any]] | None, slots: Mapping[str, Any]) -> bool:
    for item in condition or []:
        if item.get("type", "slot") == "slot" and not _same(slots.get(str(item.get("name"))), item.get("value")):
            return False
    return True


# SUPPORT_PHONE unset: the texts say "the pharmacy" instead of a number, in Spanish "la
# farmacia" ("llame al {support_phone}" becomes "llame a la farmacia").
UNSET_SUPPORT_PHONE = "the pharmacy"
_UNSET_IN = {"es": ((re.compile(r"\b(a|de)l \{support_phone\}"), r"\1 la farmacia"),
                    (re.compile(r"\{support_phone\}"), "la farmacia"))}


def _without_a_number(text: str, values: Mapping[str, Any]) -> str:
    if values.get("support_phone") != UNSET_SUPPORT_PHONE:
        return text
    for pattern, words in _UNSET_IN.get(str(values.get("language") or ""), ()):
        text = pattern.sub(words, text)
    return text


class ResponseRenderer:
    def __init__(self, responses: Mapping[str, list[dict[str, Any]]],
                 rng: random.Random | None = None) -> None:
        self.responses = responses
        self.rng = rng or random.Random()

    def variations(self, name: str, channel: str | None, slots: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The variations Rasa 3.6 would choose among, best kind first: one whose condition
        holds for this channel, then one for this channel, then one whose condition holds,
        then the plain ones."""
        candidates = self.responses.get(name) or []
        conditional = [v for v in candidates if v.get("condition") and _condition_holds(v["condition"], slots)]
        default = [v for v in candidates if not v.get("condition")]
        for group, wants_channel in ((conditional, True), (default, True), (conditional, False)):
            found = [v for v in group if (v.get("channel") == channel if wants_channel else not v.get("channel"))]
            if found and (channel or not wants_channel):
                return found
        return [v for v in default if not v.get("channel")]

    def render(self, name: str, channel: str | None, slots: Mapping[str, Any],
               extra: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """A bot message dict (`text`, `buttons`, ...) or None when no variation fits."""
        options = self.variations(name, channel, slots)
        if not options:
            return None
        chosen = self.rng.choice(options) if len(options) > 1 else options[0]
        values = {**slots, **(extra or {})}
        message = {key: value for key, value in chosen.items() if key not in {"condition", "channel", "id"}}
        if "text" in message:
            message["text"] = fill(_without_a_number(str(message["text"]), values), values)
        if message.get("buttons"):
            message["buttons"] = [{**b, "title": fill(str(b.get("title", "")), values)} for b in message["buttons"]]
        message["response"] = name
        return message
