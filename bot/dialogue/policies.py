"""Policies with Rasa's semantics: RulePolicy, MemoizationPolicy, and our safety policy.

The ensemble asks each policy for a (action, confidence) and keeps the most confident,
breaking ties by priority, as Rasa's default ensemble does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar

from bot.dialogue.domain import (
    ACTION_BACK,
    ACTION_DEFAULT_FALLBACK,
    ACTION_LISTEN,
    ACTION_RESTART,
    ACTION_SESSION_START,
    Domain,
)
from bot.dialogue.states import NOT_SET, START, LiveStates, State, states_and_actions
from bot.dialogue.tracker import Tracker
from bot.dialogue.training import TrainingTracker
from bot.nlu.registry import ConfigError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prediction:
    action: str
    confidence: float
    policy: str
    priority: int


class Policy:
    name: ClassVar[str]
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = {**self.defaults, **config}

    def train(self, trackers: list[TrainingTracker], domain: Domain) -> None:
        """Learn from rules and stories."""

    def predict(self, tracker: Tracker, states: list[State]) -> Prediction | None:
        raise NotImplementedError


def _prev_action(state: State) -> str | None:
    for feature in state:
        if feature[0] == "prev_action":
            return feature[1]  # type: ignore[no-any-return]
    return None


def _mentions_loop(state: State) -> bool:
    return any(feature[0] == "active_loop" and feature[1] != NOT_SET for feature in state)


class RulePolicy(Policy):
    name = "RulePolicy"
    defaults: ClassVar[dict[str, Any]] = {
        "priority": 6,
        "core_fallback_threshold": 0.3,
        "core_fallback_action_name": ACTION_DEFAULT_FALLBACK,
        "enable_fallback_prediction": True,
        "restrict_rules": True,
        "check_for_contradictions": True,
        "use_nlu_confidence_as_score": False,
    }
    DEFAULT_INTENT_ACTIONS: ClassVar[dict[str, str]] = {
        "restart": ACTION_RESTART,
        "session_start": ACTION_SESSION_START,
        "back": ACTION_BACK,
    }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.rules: list[tuple[tuple[State, ...], str, str]] = []  # states, action, rule name

    def train(self, trackers: list[TrainingTracker], domain: Domain) -> None:
        seen: dict[tuple[State, ...], tuple[str, str]] = {}
        for tracker in trackers:
            if not tracker.is_rule:
                continue
            states, actions = states_and_actions(tracker.events, domain, only_mentioned=True)
            if tracker.conversation_start and states:
                # The rule's first state is the session's first state, not just any state.
                states[0] = START
            for index, (action_name, is_target) in enumerate(zip(actions, tracker.targets, strict=True)):
                if is_target:
                    self._add(seen, tuple(states[: index + 1]), action_name, tracker)
            if tracker.wait_for_user_input and actions and actions[-1] != ACTION_LISTEN:
                self._add(seen, tuple(states), ACTION_LISTEN, tracker)
        self.rules = [(key, action, name) for key, (action, name) in seen.items()]
        # The longest, then most specific, rule wins (Rasa compares feature-key length).
        self.rules.sort(key=lambda rule: (-len(rule[0]), -sum(len(state) for state in rule[0])))
        self._index_rules()

    def _index_rules(self) -> None:
        """Rules by the previous action their last state requires, in winning order, so a
        prediction only checks rules that can apply after the action just taken."""
        required = [_prev_action(key[-1]) for key, _, _ in self.rules]
        self._any = [rule for rule, prev in zip(self.rules, required, strict=True) if prev is None]
        self._by_prev: dict[str, list[tuple[tuple[State, ...], str, str]]] = {}
        for prev in {p for p in required if p is not None}:
            self._by_prev[prev] = [rule for rule, p in zip(self.rules, required, strict=True)
                                   if p in (None, prev)]

    def _candidates(self, states: list[State]) -> list[tuple[tuple[State, ...], str, str]]:
        prev = _prev_action(states[-1]) if states else None
        return self._by_prev.get(prev, self._any) if prev is not None else self._any

    def _add(self, seen: dict[tuple[State, ...], tuple[str, str]], key: tuple[State, ...],
             action_name: str, tracker: TrainingTracker) -> None:
        previous = seen.get(key)
        if previous and previous[0] != action_name and self.config["check_for_contradictions"]:
            raise ConfigError(
                f"rules contradict each other: '{previous[1]}' predicts {previous[0]} and "
                f"'{tracker.name}' predicts {action_name} in the same situation"
            )
        seen.setdefault(key, (action_name, tracker.name))

    def _prediction(self, action: str, confidence: float = 1.0) -> Prediction:
        return Prediction(action, confidence, self.name, self.config["priority"])

    def predict(self, tracker: Tracker, states: list[State]) -> Prediction | None:
        just_heard = tracker.latest_action_name == ACTION_LISTEN
        if just_heard and tracker.latest_intent in self.DEFAULT_INTENT_ACTIONS:
            return self._prediction(self.DEFAULT_INTENT_ACTIONS[tracker.latest_intent])

        loop = tracker.active_loop_name
        if loop and not tracker.is_active_loop_rejected:
            if tracker.latest_action_name != loop:
                return self._prediction(loop)
            return self._prediction(ACTION_LISTEN)

        for key, action_name, rule in self._candidates(states):
            if len(key) > len(states):
                continue
            if all(part <= whole for part, whole in zip(reversed(key), reversed(states), strict=False)):
                if loop and action_name == loop and just_heard and tracker.is_active_loop_rejected:
                    continue  # the loop just refused this message: let other rules handle it
                if loop and action_name == ACTION_LISTEN and not _mentions_loop(key[-1]):
                    # As in Rasa: a rule written without the loop in mind handled the
                    # interruption; instead of waiting, go back to the loop.
                    log.debug("rule '%s' handled an interruption of %s", rule, loop)
                    return self._prediction(loop)
                log.debug("rule '%s' predicts %s", rule, action_name)
                return self._prediction(action_name)

        if self.config["enable_fallback_prediction"] and just_heard:
            return self._prediction(
                self.config["core_fallback_action_name"], self.config["core_fallback_threshold"]
            )
        return None


class MemoizationPolicy(Policy):
    name = "MemoizationPolicy"
    defaults: ClassVar[dict[str, Any]] = {
        "priority": 3,
        "max_history": 5,
        "enable_feature_string_compression": True,
    }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.lookup: dict[tuple[State, ...], str] = {}

    def _key(self, states: list[State]) -> tuple[State, ...]:
        history = self.config["max_history"]
        return tuple(states[-history:]) if history else tuple(states)

    def train(self, trackers: list[TrainingTracker], domain: Domain) -> None:
        lookup: dict[tuple[State, ...], str | None] = {}
        for tracker in trackers:
            if tracker.is_rule:
                continue
            states, actions = states_and_actions(tracker.events, domain)
            for index, (action_name, is_target) in enumerate(zip(actions, tracker.targets, strict=True)):
                if not is_target:
                    continue
                key = self._key(states[: index + 1])
                if key in lookup and lookup[key] != action_name:
                    lookup[key] = None  # contradicting stories: memorise nothing here
                else:
                    lookup[key] = action_name
        self.lookup = {key: value for key, value in lookup.items() if value is not None}

    def predict(self, tracker: Tracker, states: list[State]) -> Prediction | None:
        action_name = self.lookup.get(self._key(states))
        if action_name is None:
            return None
        return Prediction(action_name, 1.0, self.name, self.config["priority"])


class EmergencyPolicy(Policy):
    """Ours, not configurable away: an emergency message runs the emergency action first,
    whatever flow the conversation is in, and after an emergency every message is met by
    the follow-up action, which leads with 911 (nh-facts.md, safety rule 1). Rules in
    data/rules.yml say the same for Rasa; this holds for any intent, new ones too."""

    name = "EmergencyPolicy"
    ACTION = "action_emergency"
    FOLLOW_UP = "action_emergency_followup"
    INTENT = "report_emergency"
    MODE_SLOT = "emergency_active"
    NOT_FOLLOWED_UP = frozenset({"restart", "session_start", "back"})

    def predict(self, tracker: Tracker, states: list[State]) -> Prediction | None:
        if tracker.latest_action_name != ACTION_LISTEN:
            return None
        if tracker.latest_intent == self.INTENT:
            return Prediction(self.ACTION, 1.0, self.name, 100)
        if tracker.slots.get(self.MODE_SLOT) and tracker.latest_intent not in self.NOT_FOLLOWED_UP:
            return Prediction(self.FOLLOW_UP, 1.0, self.name, 100)
        return None


POLICIES: dict[str, type[Policy]] = {cls.name: cls for cls in (RulePolicy, MemoizationPolicy)}


def build_policies(config: dict[str, Any]) -> list[Policy]:
    specs = config.get("policies")
    if not isinstance(specs, list) or not specs:
        raise ConfigError("config.yml: 'policies' must be a non-empty list")
    policies: list[Policy] = []
    for index, spec in enumerate(specs):
        name = spec.get("name") if isinstance(spec, dict) else None
        cls = POLICIES.get(name)  # type: ignore[arg-type]
        if cls is None:
            raise ConfigError(
                f"config.yml: policies[{index}]: unknown policy {name!r}; "
                f"this engine knows {', '.join(sorted(POLICIES))}"
            )
        params = {k: v for k, v in spec.items() if k != "name"}
        unknown = sorted(set(params) - set(cls.defaults))
        if unknown:
            raise ConfigError(
                f"config.yml: policies[{index}] ({name}): unknown parameter(s) {', '.join(unknown)}"
            )
        policies.append(cls(params))
    return policies


def _just_rejected(tracker: Tracker) -> str | None:
    """The action that refused to run, if that is the last thing an action did."""
    for event in reversed(tracker.events):
        if event.get("event") == "action_execution_rejected":
            return event.get("name")
        if event.get("event") == "action":
            return None
    return None


class PolicyEnsemble:
    def __init__(self, policies: list[Policy], domain: Domain) -> None:
        self.policies = policies
        self.domain = domain
        self.safety = EmergencyPolicy({})

    def train(self, trackers: list[TrainingTracker]) -> None:
        for policy in self.policies:
            policy.train(trackers, self.domain)

    def tracker_states(self, tracker: Tracker) -> list[State]:
        """The tracker's states, kept on the tracker and extended as events are appended:
        a turn predicts several actions, and each would otherwise replay the session."""
        cached = tracker.cache.get("states")
        if cached is None or cached.domain is not self.domain:
            cached = tracker.cache["states"] = LiveStates(self.domain)
        return cached.of(tracker)

    def predict(self, tracker: Tracker) -> Prediction:
        if tracker.followup_action:
            return Prediction(tracker.followup_action, 1.0, "FollowupAction", 100)
        states = self.tracker_states(tracker)
        candidates = [self.safety.predict(tracker, states)]
        candidates += [policy.predict(tracker, states) for policy in self.policies]
        rejected = _just_rejected(tracker)  # as in Rasa: not predicted again straight away
        found = [c for c in candidates if c is not None and c.action != rejected]
        if not found:
            return Prediction(ACTION_LISTEN, 0.0, "none", 0)
        return max(found, key=lambda p: (p.confidence, p.priority))
