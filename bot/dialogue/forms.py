"""FormAction: Rasa's loop that asks for each required slot and validates the answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.dialogue.actions import ActionContext, RemoteAction, UtterAction
from bot.dialogue.domain import ACTION_LISTEN, REQUESTED_SLOT
from bot.dialogue.tracker import Event, Tracker


def _slot(name: str, value: Any) -> Event:
    return {"event": "slot", "name": name, "value": value}


def _with(tracker: Tracker, events: list[Event]) -> Tracker:
    return Tracker(tracker.sender_id, tracker.domain, [*tracker.events, *events])


def _last_requested(events: list[Event]) -> tuple[bool, Any]:
    for event in reversed(events):
        if event.get("event") == "slot" and event.get("name") == REQUESTED_SLOT:
            return True, event.get("value")
    return False, None


def _rejected(events: list[Event]) -> bool:
    return any(e.get("event") == "action_execution_rejected" for e in events)


@dataclass
class FormAction:
    name: str

    def required_slots(self, ctx: ActionContext) -> list[str]:
        return ctx.domain.forms[self.name]

    # -- the loop -------------------------------------------------------------------
    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        events: list[Event] = []
        activating = tracker.active_loop_name != self.name
        if activating:
            events.append({"event": "active_loop", "name": self.name})
            events += self.activate(_with(tracker, events), ctx)
        if not self.is_done(events):
            events += self.do(_with(tracker, events), ctx, events, activating)
        if _rejected(events):
            return [{"event": "action_execution_rejected", "name": self.name}]
        if self.is_done(events):
            events += [{"event": "active_loop", "name": None}, _slot(REQUESTED_SLOT, None)]
        return events

    def is_done(self, events: list[Event]) -> bool:
        if _rejected(events):
            return False
        found, value = _last_requested(events)
        if found and value is None:
            return True
        for event in reversed(events):
            if event.get("event") == "active_loop":
                return event.get("name") is None
        return False

    def activate(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        prefilled = {
            slot: tracker.slots.get(slot)
            for slot in self.required_slots(ctx)
            if tracker.slots.get(slot) is not None
        }
        return self.validate_slots(prefilled, tracker, ctx) if prefilled else []

    def do(self, tracker: Tracker, ctx: ActionContext, so_far: list[Event], activating: bool) -> list[Event]:
        if not activating and tracker.latest_action_name == ACTION_LISTEN:
            events = self.validate(tracker, ctx)
            if _rejected(events):
                return events
        else:
            # Coming back after an interruption (or just activated): nothing new to
            # validate, but the validation action may still choose the next slot.
            events = self.validate_slots({}, tracker, ctx)
        return events + self.request_next_slot(_with(tracker, events), ctx, [*so_far, *events])

    # -- validation -----------------------------------------------------------------
    def validate(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        required = set(self.required_slots(ctx))
        requested = tracker.slots.get(REQUESTED_SLOT)
        if requested:
            required.add(requested)  # as in Rasa: a slot the validation action asked for
        candidates = {
            e["name"]: e.get("value")
            for e in tracker.events_since_last_user()
            if e.get("event") == "slot" and e.get("name") in required
        }
        events = self.validate_slots(candidates, tracker, ctx)
        validated = any(
            e.get("event") == "slot" and e.get("name") != REQUESTED_SLOT for e in events
        )
        if requested and not validated and not _rejected(events):
            # Nothing extracted for the slot we asked about: let rules handle the message.
            return [{"event": "action_execution_rejected", "name": self.name}]
        return events

    def validate_slots(self, candidates: dict[str, Any], tracker: Tracker, ctx: ActionContext) -> list[Event]:
        events = [_slot(name, value) for name, value in candidates.items()]
        validator = f"validate_{self.name}"
        if validator not in ctx.custom_actions:
            return events
        temporary = _with(tracker, [{"event": "action", "name": self.name}, *events])
        validated = RemoteAction(validator).run(temporary, ctx)
        names = {e["name"] for e in validated if e.get("event") == "slot"}
        return validated + [e for e in events if e["name"] not in names]

    # -- asking ---------------------------------------------------------------------
    def request_next_slot(self, tracker: Tracker, ctx: ActionContext, so_far: list[Event]) -> list[Event]:
        found, chosen = _last_requested(so_far)
        if found:
            slot = chosen
        else:
            slot = next((s for s in self.required_slots(ctx) if tracker.slots.get(s) is None), None)
        if slot is None:
            return [_slot(REQUESTED_SLOT, None)]
        events = [_slot(REQUESTED_SLOT, slot)]
        return events + self.ask(slot, _with(tracker, events), ctx)

    def ask(self, slot: str, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        for candidate in (
            f"action_ask_{self.name}_{slot}",
            f"utter_ask_{self.name}_{slot}",
            f"action_ask_{slot}",
            f"utter_ask_{slot}",
        ):
            if candidate in ctx.custom_actions:
                return RemoteAction(candidate).run(tracker, ctx)
            if candidate in ctx.domain.responses:
                return UtterAction(candidate).run(tracker, ctx)
        return []
