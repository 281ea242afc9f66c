"""`action_extract_slots`: fill slots from the latest message by their domain mappings."""

from __future__ import annotations

from typing import Any

from bot.dialogue.domain import REQUESTED_SLOT, Domain, Slot
from bot.dialogue.tracker import Event, Tracker


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def intent_allowed(mapping: dict[str, Any], intent: str | None) -> bool:
    wanted = _as_list(mapping.get("intent"))
    unwanted = _as_list(mapping.get("not_intent"))
    if wanted and intent not in wanted:
        return False
    return intent not in unwanted


def conditions_hold(mapping: dict[str, Any], tracker: Tracker) -> bool:
    conditions = mapping.get("conditions")
    if not conditions:
        return True
    for condition in conditions:
        loop = condition.get("active_loop")
        if loop != tracker.active_loop_name:
            continue
        requested = condition.get("requested_slot")
        if requested is None or requested == tracker.slots.get(REQUESTED_SLOT):
            return True
    return False


def _entity_values(mapping: dict[str, Any], entities: list[dict[str, Any]]) -> list[Any]:
    return [
        entity.get("value")
        for entity in entities
        if entity.get("entity") == mapping.get("entity")
        and mapping.get("role") in (None, entity.get("role"))
        and mapping.get("group") in (None, entity.get("group"))
    ]


def extract_value(slot: Slot, mapping: dict[str, Any], tracker: Tracker, domain: Domain) -> Any:
    message = tracker.latest_message
    intent = (message.get("intent") or {}).get("name")
    if not intent_allowed(mapping, intent) or not conditions_hold(mapping, tracker):
        return None
    kind = mapping["type"]
    if kind == "from_entity":
        values = _entity_values(mapping, message.get("entities") or [])
        if not values:
            return None
        return values if slot.type == "list" else values[0]
    if kind == "from_text":
        return message.get("text")
    if kind == "from_intent":
        return mapping.get("value")
    activates_a_form = tracker.active_loop_name is None and any(
        slot.name in required for required in domain.forms.values()
    )
    if kind == "from_trigger_intent" and activates_a_form:
        return mapping.get("value")
    return None


def extract_slots(tracker: Tracker, domain: Domain) -> list[Event]:
    """SlotSet events for every slot whose mapping yields a new value."""
    events: list[Event] = []
    for name, slot in domain.slots.items():
        for mapping in slot.mappings:
            if mapping.get("type") == "custom":
                continue
            value = extract_value(slot, mapping, tracker, domain)
            if value is None:
                continue
            if value != tracker.slots.get(name):
                events.append({"event": "slot", "name": name, "value": value})
            break
    return events
