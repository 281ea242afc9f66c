"""Rasa's intent shortcuts (`/intent{"entity": "value"}`, `/retrieval_intent/sub`), and
which of them the engine accepts: only a payload our own keypad sends, or one of the
buttons the bot offered in its last turn. A shortcut typed into a text or a web chat
is read as text, so nobody can type `/report_emergency` to page the staff."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.dialogue.tracker import Tracker

_INTENT_SHORTCUT = re.compile(
    r"^/(?P<intent>[A-Za-z0-9_-]+)(?:/(?P<sub>[A-Za-z0-9_-]+))?(?P<entities>\{.*\})?$", re.DOTALL)
_NUMBER = re.compile(r"^(?:option |number |#)?(\d{1,2})[.)]?$")


def parse_shortcut(payload: str, text: str | None = None) -> dict[str, Any] | None:
    """The parse of a shortcut payload, or None if it is not one. `text` is what the
    user sent for it (a key, a button's title), kept as the message's text."""
    match = _INTENT_SHORTCUT.match(payload.strip())
    if not match:
        return None
    entities: list[dict[str, Any]] = []
    if match.group("entities"):
        try:
            values = json.loads(match.group("entities"))
        except json.JSONDecodeError:
            values = {}
        if isinstance(values, dict):
            entities = [{"entity": k, "value": v} for k, v in values.items()]
    name = match.group("intent")
    intent = {"name": name, "confidence": 1.0}
    parse: dict[str, Any] = {"text": text if text is not None else payload, "intent": intent,
                             "entities": entities, "intent_ranking": [dict(intent)]}
    if match.group("sub"):
        key = f"{name}/{match.group('sub')}"
        selected = {"response": {"intent_response_key": key, "utter_action": f"utter_{key}",
                                 "confidence": 1.0, "responses": []},
                    "ranking": [{"intent_response_key": key, "confidence": 1.0}]}
        parse["response_selector"] = {"all_retrieval_intents": [name], name: selected,
                                      "default": selected}
    return parse


def not_understood(text: str) -> dict[str, Any]:
    """The parse of a message the NLU is not asked about."""
    fallback = {"name": "nlu_fallback", "confidence": 1.0}
    return {"text": text, "intent": fallback, "entities": [], "intent_ranking": [dict(fallback)]}


def offered_buttons(tracker: Tracker) -> list[dict[str, Any]]:
    """The buttons of the bot's messages since the user last spoke."""
    buttons: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            break
        if kind == "bot":
            buttons = list((event.get("data") or {}).get("buttons") or []) + buttons
    return buttons


def button_payload(text: str, tracker: Tracker) -> str | None:
    """The payload of the offered button this text picks: its number ("2"), its title
    ("Yes") or its payload itself (what a web chat sends for a click)."""
    buttons = offered_buttons(tracker)
    if not buttons:
        return None
    said = " ".join(text.strip().lower().split())
    number = _NUMBER.match(said)
    if number and 1 <= int(number.group(1)) <= len(buttons):
        return str(buttons[int(number.group(1)) - 1].get("payload") or "") or None
    for button in buttons:
        if said in {str(button.get("payload") or "").lower(), str(button.get("title") or "").lower()}:
            return str(button.get("payload") or "") or None
    return None
