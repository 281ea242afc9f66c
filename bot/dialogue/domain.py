"""The domain (`domain.yml`, Rasa 3.1 format): intents, entities, slots, responses, forms."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.project import ProjectError, read_yaml

ACTION_LISTEN = "action_listen"
ACTION_SESSION_START = "action_session_start"
ACTION_RESTART = "action_restart"
ACTION_DEFAULT_FALLBACK = "action_default_fallback"
ACTION_DEACTIVATE_LOOP = "action_deactivate_loop"
ACTION_TWO_STAGE_FALLBACK = "action_two_stage_fallback"
ACTION_BACK = "action_back"
ACTION_EXTRACT_SLOTS = "action_extract_slots"
DEFAULT_ACTIONS = (
    ACTION_LISTEN,
    ACTION_RESTART,
    ACTION_SESSION_START,
    ACTION_DEFAULT_FALLBACK,
    ACTION_DEACTIVATE_LOOP,
    ACTION_TWO_STAGE_FALLBACK,
    ACTION_BACK,
    ACTION_EXTRACT_SLOTS,
)
DEFAULT_INTENTS = ("restart", "back", "out_of_scope", "session_start", "nlu_fallback")
REQUESTED_SLOT = "requested_slot"
RESPONSE_DELIMITER = "/"  # `utter_ask_ivig_treatment/side_effects`
SESSION_STARTED_METADATA = "session_started_metadata"
SLOT_TYPES = {"text", "bool", "categorical", "float", "list", "any"}
MAPPING_TYPES = {"from_entity", "from_text", "from_intent", "from_trigger_intent", "custom"}


class DomainError(ProjectError):
    """domain.yml is inconsistent; the message names the key."""


@dataclass
class Slot:
    name: str
    type: str
    mappings: list[dict[str, Any]]
    initial_value: Any = None
    influence_conversation: bool = True
    values: list[Any] = field(default_factory=list)
    min_value: float = 0.0
    max_value: float = 1.0

    def feature(self, value: Any) -> Any:
        """What a policy sees of this slot's value (None when unset)."""
        if value is None:
            return None
        if self.type in {"text", "list"}:
            return "set" if value != [] else None
        if self.type == "bool":
            return bool(value)
        if self.type == "categorical":
            lowered = str(value).lower()
            known = {str(v).lower() for v in self.values}
            return lowered if lowered in known else "__other__"
        if self.type == "float":
            try:
                return min(max(float(value), self.min_value), self.max_value)
            except (TypeError, ValueError):
                return None
        return None


@dataclass
class Domain:
    intents: list[str]
    entities: list[str]
    slots: dict[str, Slot]
    responses: dict[str, list[dict[str, Any]]]
    forms: dict[str, list[str]]
    actions: list[str]
    session_expiration_minutes: float
    carry_over_slots: bool
    raw: dict[str, Any]

    @property
    def all_intents(self) -> set[str]:
        return set(self.intents) | set(DEFAULT_INTENTS)

    @property
    def retrieval_intents(self) -> list[str]:
        """Intents answered by a ResponseSelector: those with `utter_<intent>/<answer>`
        responses (Rasa's retrieval intents)."""
        return sorted({name[len("utter_"):].split(RESPONSE_DELIMITER, 1)[0]
                       for name in self.responses
                       if name.startswith("utter_") and RESPONSE_DELIMITER in name})

    def retrieval_responses(self, intent: str) -> list[str]:
        prefix = f"utter_{intent}{RESPONSE_DELIMITER}"
        return sorted(name for name in self.responses if name.startswith(prefix))

    @property
    def action_names(self) -> set[str]:
        """Every action the policies may predict: a retrieval intent's `utter_<intent>`
        among them, as in Rasa."""
        retrieval = {f"utter_{intent}" for intent in self.retrieval_intents}
        return (set(DEFAULT_ACTIONS) | set(self.responses) | retrieval | set(self.forms)
                | set(self.actions))

    def slot_features(self, values: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
        return tuple(
            (name, slot.feature(values.get(name)))
            for name, slot in sorted(self.slots.items())
            if slot.influence_conversation
        )

    def initial_slot_values(self) -> dict[str, Any]:
        return {name: slot.initial_value for name, slot in self.slots.items()}

    def as_dict(self) -> dict[str, Any]:
        """The domain as Rasa sends it to an action server."""
        return copy.deepcopy(self.raw)


def _parse_slot(name: str, spec: Any) -> Slot:
    where = f"domain.yml: slots.{name}"
    if not isinstance(spec, dict):
        raise DomainError(f"{where}: expected a mapping")
    slot_type = spec.get("type")
    if slot_type not in SLOT_TYPES:
        raise DomainError(f"{where}: type must be one of {sorted(SLOT_TYPES)}, got {slot_type!r}")
    mappings = spec.get("mappings")
    if not isinstance(mappings, list) or not mappings:
        raise DomainError(f"{where}: needs a non-empty 'mappings' list (Rasa 3.x)")
    for index, mapping in enumerate(mappings):
        kind = mapping.get("type") if isinstance(mapping, dict) else None
        if kind not in MAPPING_TYPES:
            raise DomainError(f"{where}.mappings[{index}]: unknown mapping type {kind!r}")
        if kind == "from_entity" and not mapping.get("entity"):
            raise DomainError(f"{where}.mappings[{index}]: from_entity needs 'entity'")
    influence = spec.get("influence_conversation", slot_type != "any")
    if slot_type == "any" and influence:
        raise DomainError(f"{where}: slots of type any cannot influence the conversation")
    return Slot(
        name=name,
        type=slot_type,
        mappings=mappings,
        initial_value=spec.get("initial_value"),
        influence_conversation=bool(influence),
        values=list(spec.get("values") or []),
        min_value=float(spec.get("min_value", 0.0)),
        max_value=float(spec.get("max_value", 1.0)),
    )


def _names(items: Any, where: str) -> list[str]:
    names = []
    for item in items or []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and len(item) == 1:
            names.append(next(iter(item)))
        else:
            raise DomainError(f"domain.yml: {where}: unexpected entry {item!r}")
    return names


def load_domain(path: Path) -> Domain:
    raw = read_yaml(path)
    if str(raw.get("version", "")) not in {"3.1", "3.0"}:
        raise DomainError(f"{path}: version must be \"3.1\"")
    slots = {name: _parse_slot(name, spec) for name, spec in (raw.get("slots") or {}).items()}
    forms: dict[str, list[str]] = {}
    for form, spec in (raw.get("forms") or {}).items():
        required = (spec or {}).get("required_slots")
        if not isinstance(required, list) or not required:
            raise DomainError(f"domain.yml: forms.{form}: needs a 'required_slots' list")
        for slot in required:
            if slot not in slots:
                raise DomainError(f"domain.yml: forms.{form}: required slot {slot!r} is not a slot")
        forms[form] = list(required)
    if forms and REQUESTED_SLOT not in slots:
        slots[REQUESTED_SLOT] = Slot(REQUESTED_SLOT, "any", [{"type": "custom"}],
                                     influence_conversation=False)
    if SESSION_STARTED_METADATA not in slots:
        slots[SESSION_STARTED_METADATA] = Slot(
            SESSION_STARTED_METADATA, "any", [{"type": "custom"}], influence_conversation=False
        )
    responses = raw.get("responses") or {}
    for name, variations in responses.items():
        if not isinstance(variations, list) or not variations:
            raise DomainError(f"domain.yml: responses.{name}: needs a list of variations")
    session = raw.get("session_config") or {}
    return Domain(
        intents=_names(raw.get("intents"), "intents"),
        entities=_names(raw.get("entities"), "entities"),
        slots=slots,
        responses=responses,
        forms=forms,
        actions=_names(raw.get("actions"), "actions"),
        session_expiration_minutes=float(session.get("session_expiration_time", 60)),
        carry_over_slots=bool(session.get("carry_over_slots_to_new_session", True)),
        raw=raw,
    )
