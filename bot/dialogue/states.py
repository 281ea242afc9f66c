"""What the policies see: one state before each action, as sets of features.

A state holds the previous action, the latest user intent and entity names (kept for
the whole turn, as in Rasa), the active loop and the featurised slots that influence
the conversation. Rules store only the features they mention, so a rule state matches
a conversation state when it is a subset of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.dialogue.domain import Domain
from bot.dialogue.tracker import Event

State = frozenset[tuple[Any, ...]]
NOT_SET = "__not_set__"
START: State = frozenset({("start",)})


class StateBuilder:
    """Walks events and records the state before each action."""

    def __init__(self, domain: Domain, *, only_mentioned: bool = False) -> None:
        self.domain = domain
        self.only_mentioned = only_mentioned
        self.prev_action: str | None = None
        self.intent: str | None = None
        self.entities: tuple[str, ...] = ()
        self.active_loop: str | None = None
        self.loop_known = not only_mentioned
        self.slots: dict[str, Any] = domain.initial_slot_values()
        self.mentioned_slots: set[str] = set()

    def current(self) -> State:
        if self.prev_action is None and self.intent is None and not self.only_mentioned:
            return START
        features: set[tuple[Any, ...]] = set()
        if self.prev_action is not None:
            features.add(("prev_action", self.prev_action))
        if self.intent is not None:
            features.add(("intent", self.intent))
            features.update(("entity", name) for name in self.entities)
        if self.loop_known:
            features.add(("active_loop", self.active_loop or NOT_SET))
        for name, slot in self.domain.slots.items():
            if not slot.influence_conversation:
                continue
            if self.only_mentioned and name not in self.mentioned_slots:
                continue
            value = slot.feature(self.slots.get(name))
            features.add(("slot", name, NOT_SET if value is None else value))
        return frozenset(features)

    def apply(self, event: Event) -> None:
        kind = event.get("event")
        if kind == "action":
            self.prev_action = event.get("name")
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            self.intent = intent
            entities = (event.get("parse_data") or {}).get("entities") or []
            self.entities = tuple(sorted({e["entity"] for e in entities
                                          if e.get("entity") in self.domain.entities}))
        elif kind == "slot":
            self.slots[event["name"]] = event.get("value")
            self.mentioned_slots.add(event["name"])
        elif kind in {"active_loop", "form"}:
            self.active_loop = event.get("name")
            self.loop_known = True


def states_and_actions(
    events: Iterable[Event], domain: Domain, *, only_mentioned: bool = False
) -> tuple[list[State], list[str]]:
    """States before every action in `events`, with the action taken in each, plus the
    state after the last event (the one to predict from) as the final state."""
    builder = StateBuilder(domain, only_mentioned=only_mentioned)
    states: list[State] = []
    actions: list[str] = []
    for event in events:
        if event.get("event") == "action":
            states.append(builder.current())
            actions.append(event["name"])
        builder.apply(event)
    states.append(builder.current())
    return states, actions


_RESETS = {"restart", "session_started", "rewind", "undo"}


class LiveStates:
    """The states of a live tracker, extended as its events grow instead of replayed.

    Anything that rewrites history (restart, new session, rewind, undo) or a new event
    list (a replaced session) starts the replay over from the tracker's applied events.
    """

    def __init__(self, domain: Domain) -> None:
        self.domain = domain
        self._events: list[Event] | None = None
        self._seen = 0
        self._builder = StateBuilder(domain)
        self._states: list[State] = []

    def of(self, tracker: Any) -> list[State]:
        events: list[Event] = tracker.events
        fresh: list[Event] | None = events[self._seen:] if events is self._events else None
        if fresh is None or any(e.get("event") in _RESETS for e in fresh):
            self._builder = StateBuilder(self.domain)
            self._states = []
            fresh = tracker.applied_events()
            self._events = events
        for event in fresh:
            if event.get("event") == "action":
                self._states.append(self._builder.current())
            self._builder.apply(event)
        self._seen = len(events)
        return [*self._states, self._builder.current()]
