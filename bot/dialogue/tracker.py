"""The conversation tracker: Rasa's event list and the state derived from it.

Events are Rasa's JSON dicts (the same shape rasa_sdk and the action server protocol
use), so nothing is translated on the way to a custom action or to Redis.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.dialogue.domain import ACTION_LISTEN, ACTION_SESSION_START, Domain

Event = dict[str, Any]


class Tracker:
    """The current session's events and what they add up to."""

    def __init__(self, sender_id: str, domain: Domain, events: Iterable[Event] = ()) -> None:
        self.sender_id = sender_id
        self.domain = domain
        self.events: list[Event] = []
        self.new_events: list[Event] = []
        self.replaced = False  # the stored session must be overwritten, not appended to
        self.cache: dict[str, Any] = {}  # derived data others keep up to date (policy states)
        self._reset()
        for event in events:
            self.events.append(event)
            self._apply(event)

    # -- state -----------------------------------------------------------------------
    def _reset(self) -> None:
        self.slots: dict[str, Any] = self.domain.initial_slot_values()
        self.active_loop: dict[str, Any] | None = None
        self.latest_message: dict[str, Any] = {}
        self.latest_action_name: str | None = None
        self.followup_action: str | None = None
        self.paused = False
        self.latest_input_channel: str | None = None

    def _apply(self, event: Event) -> None:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            # As Rasa's: the whole parse (the response selector's choice too), and the text.
            self.latest_message = {
                **parse,
                "text": event.get("text"),
                "intent": parse.get("intent") or {},
                "entities": parse.get("entities") or [],
                "intent_ranking": parse.get("intent_ranking") or [],
                "metadata": event.get("metadata") or {},
                "message_id": event.get("message_id"),
            }
            if event.get("input_channel"):
                self.latest_input_channel = event["input_channel"]
            self.followup_action = None
        elif kind == "action":
            self.latest_action_name = event.get("name")
            self.followup_action = None
            if self.active_loop and self.active_loop.get("name") == event.get("name"):
                self.active_loop["rejected"] = False
                self.active_loop["validate"] = True
        elif kind == "slot":
            self.slots[event["name"]] = event.get("value")
        elif kind == "followup":
            self.followup_action = event.get("name")
        elif kind in {"active_loop", "form"}:
            name = event.get("name")
            self.active_loop = {"name": name, "validate": True, "rejected": False} if name else None
        elif kind == "loop_interrupted" and self.active_loop:
            self.active_loop["is_interrupted"] = bool(event.get("is_interrupted"))
        elif kind == "action_execution_rejected" and self.active_loop:
            if event.get("name") == self.active_loop.get("name"):
                self.active_loop["rejected"] = True
        elif kind == "pause":
            self.paused = True
        elif kind == "resume":
            self.paused = False
        elif kind == "restart":
            self._reset()
            # As in Rasa: a restart is followed by a new session (its greeting included).
            self.followup_action = ACTION_SESSION_START
        elif kind == "session_started":
            self._reset()
        elif kind == "reset_slots":
            self.slots = self.domain.initial_slot_values()
        elif kind in {"rewind", "undo"}:
            self._replay()

    def _replay(self) -> None:
        self._reset()
        for event in self.applied_events():
            if event.get("event") not in {"rewind", "undo"}:
                self._apply(event)

    def update(self, event: Event) -> None:
        self.events.append(event)
        self.new_events.append(event)
        self._apply(event)

    def replace_session(self, events: list[Event]) -> None:
        """Start a new stored session: older events are dropped, not kept."""
        self.events = []
        self.new_events = []
        self.replaced = True
        self._reset()
        for event in events:
            self.update(event)

    # -- history ---------------------------------------------------------------------
    def applied_events(self) -> list[Event]:
        """Events that still count: after the last restart/session start, rewinds undone."""
        applied: list[Event] = []
        for event in self.events:
            kind = event.get("event")
            if kind in {"restart", "session_started"}:
                applied = []
            elif kind == "rewind":
                for index in range(len(applied) - 1, -1, -1):
                    if applied[index].get("event") == "user":
                        del applied[index:]
                        break
            elif kind == "undo":
                for index in range(len(applied) - 1, -1, -1):
                    if applied[index].get("event") == "action":
                        del applied[index:]
                        break
            else:
                applied.append(event)
        return applied

    @property
    def latest_intent(self) -> str | None:
        return (self.latest_message.get("intent") or {}).get("name")

    @property
    def active_loop_name(self) -> str | None:
        return (self.active_loop or {}).get("name")

    @property
    def is_active_loop_rejected(self) -> bool:
        return bool((self.active_loop or {}).get("rejected"))

    @property
    def is_active_loop_interrupted(self) -> bool:
        return bool((self.active_loop or {}).get("is_interrupted"))

    def last_user_time(self) -> float | None:
        for event in reversed(self.events):
            if event.get("event") == "user":
                return event.get("timestamp")
        return None

    def events_since_last_user(self) -> list[Event]:
        for index in range(len(self.events) - 1, -1, -1):
            if self.events[index].get("event") == "user":
                return self.events[index + 1 :]
        return list(self.events)

    def latest_bot_utterances(self) -> list[Event]:
        return [e for e in self.new_events if e.get("event") == "bot"]

    def as_dict(self) -> dict[str, Any]:
        """The tracker as rasa_sdk's `Tracker.from_dict` and the action server expect."""
        latest_time = self.events[-1].get("timestamp") if self.events else None
        return {
            "sender_id": self.sender_id,
            "slots": dict(self.slots),
            "latest_message": dict(self.latest_message),
            "latest_event_time": latest_time,
            "followup_action": self.followup_action,
            "paused": self.paused,
            "events": list(self.events),
            "latest_input_channel": self.latest_input_channel,
            "active_loop": dict(self.active_loop) if self.active_loop else {},
            "latest_action": {"action_name": self.latest_action_name}
            if self.latest_action_name
            else {},
            "latest_action_name": self.latest_action_name,
        }

    def transcript(self, turns: int = 20) -> list[dict[str, Any]]:
        """The last `turns` user and bot texts, oldest first (for staff)."""
        lines = [
            {"from": "patient" if e["event"] == "user" else "bot", "text": e.get("text") or "",
             "time": e.get("timestamp")}
            for e in self.events
            if e.get("event") in {"user", "bot"} and e.get("text")
        ]
        return lines[-turns * 2 :]


def is_listen(event: Event) -> bool:
    return event.get("event") == "action" and event.get("name") == ACTION_LISTEN
