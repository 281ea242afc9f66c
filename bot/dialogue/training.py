"""Reading rules and stories (Rasa 3 format) into event sequences the policies learn from."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.dialogue.domain import ACTION_LISTEN
from bot.dialogue.tracker import Event
from bot.project import ProjectError, read_yaml

MAX_CHECKPOINT_DEPTH = 5


class StoryError(ProjectError):
    """A rule or story is malformed; the message names the file and the item."""


@dataclass
class TrainingTracker:
    """One rule or story as events; `targets[i]` says whether action i is learnt."""

    name: str
    events: list[Event]
    targets: list[bool]
    is_rule: bool = False
    conversation_start: bool = False
    wait_for_user_input: bool = True
    source: str = ""
    user_texts: list[str | None] = field(default_factory=list)


def action(name: str) -> Event:
    return {"event": "action", "name": name}


def user(intent: str, entities: list[dict[str, Any]] | None = None, text: str | None = None) -> Event:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
    }


def _entities(raw: Any, where: str) -> list[dict[str, Any]]:
    entities = []
    for item in raw or []:
        if isinstance(item, str):
            entities.append({"entity": item, "value": item})
        elif isinstance(item, dict) and len(item) == 1:
            name, value = next(iter(item.items()))
            entities.append({"entity": name, "value": value})
        else:
            raise StoryError(f"{where}: bad entities entry {item!r}")
    return entities


def _slot_events(raw: Any, where: str) -> list[Event]:
    events = []
    for item in raw or []:
        if isinstance(item, str):
            events.append({"event": "slot", "name": item, "value": True})
        elif isinstance(item, dict) and len(item) == 1:
            name, value = next(iter(item.items()))
            events.append({"event": "slot", "name": name, "value": value})
        else:
            raise StoryError(f"{where}: bad slot_was_set entry {item!r}")
    return events


@dataclass
class _Segment:
    """A story as parsed, before `or` branches and checkpoints are expanded."""

    name: str
    steps: list[list[tuple[Event, bool, str | None]]]  # alternatives per step
    start_checkpoints: list[str]
    end_checkpoints: list[str]
    is_rule: bool
    conversation_start: bool
    wait_for_user_input: bool
    condition: list[Event]
    source: str


def _user_step(step: dict[str, Any], where: str) -> tuple[Event, bool, str | None]:
    intent = step.get("intent")
    if not intent:
        raise StoryError(f"{where}: a user step needs an 'intent'")
    return user(str(intent), _entities(step.get("entities"), where), step.get("user")), False, step.get("user")


def _parse_steps(raw_steps: Any, where: str, segment: _Segment) -> None:
    if not isinstance(raw_steps, list) or not raw_steps:
        raise StoryError(f"{where}: 'steps' must be a non-empty list")
    for index, step in enumerate(raw_steps):
        here = f"{where}.steps[{index}]"
        if not isinstance(step, dict):
            raise StoryError(f"{here}: expected a mapping")
        if "intent" in step or "user" in step:
            segment.steps.append([_user_step(step, here)])
        elif "or" in step:
            alternatives = [_user_step(option, here) for option in step["or"]
                            if "intent" in option]
            slot_options = [opt for opt in step["or"] if "slot_was_set" in opt]
            for option in slot_options:
                for event in _slot_events(option["slot_was_set"], here):
                    alternatives.append((event, False, None))
            if not alternatives:
                raise StoryError(f"{here}: 'or' needs intent or slot_was_set options")
            segment.steps.append(alternatives)
        elif "action" in step:
            segment.steps.append([(action(str(step["action"])), True, None)])
        elif "slot_was_set" in step:
            for event in _slot_events(step["slot_was_set"], here):
                segment.steps.append([(event, False, None)])
        elif "active_loop" in step:
            segment.steps.append([({"event": "active_loop", "name": step["active_loop"]}, False, None)])
        elif "checkpoint" in step:
            if index == 0:
                segment.start_checkpoints.append(str(step["checkpoint"]))
            elif index == len(raw_steps) - 1:
                segment.end_checkpoints.append(str(step["checkpoint"]))
            else:
                raise StoryError(f"{here}: checkpoints may only start or end a story")
        elif "bot" in step:
            raise StoryError(f"{here}: end-to-end 'bot' steps are not supported")
        else:
            raise StoryError(f"{here}: unknown step {sorted(step)}")


def _condition(raw: Any, where: str) -> list[Event]:
    events: list[Event] = []
    for item in raw or []:
        if "active_loop" in item:
            events.append({"event": "active_loop", "name": item["active_loop"]})
        elif "slot_was_set" in item:
            events.extend(_slot_events(item["slot_was_set"], where))
        else:
            raise StoryError(f"{where}: condition entries are active_loop or slot_was_set")
    return events


def read_segments(path: Path, key: str) -> list[_Segment]:
    document = read_yaml(path)
    segments = []
    for index, item in enumerate(document.get(key) or []):
        where = f"{path.name}: {key}[{index}]"
        if not isinstance(item, dict):
            raise StoryError(f"{where}: expected a mapping")
        name = item.get("rule") or item.get("story")
        if not name:
            raise StoryError(f"{where}: needs a '{'rule' if key == 'rules' else 'story'}' name")
        segment = _Segment(
            name=str(name),
            steps=[],
            start_checkpoints=[],
            end_checkpoints=[],
            is_rule=key == "rules",
            conversation_start=bool(item.get("conversation_start", False)),
            wait_for_user_input=bool(item.get("wait_for_user_input", True)),
            condition=_condition(item.get("condition"), where),
            source=str(path),
        )
        _parse_steps(item.get("steps"), f"{where} ({name})", segment)
        segments.append(segment)
    return segments


def _linearise(segment: _Segment) -> list[tuple[list[Event], list[bool], list[str | None]]]:
    """Expand `or` alternatives and insert the implicit `action_listen` before user turns."""
    results = []
    for choice in itertools.product(*segment.steps):
        events: list[Event] = list(segment.condition)
        targets: list[bool] = []
        texts: list[str | None] = []
        previous_was_action = False
        heard_user = False
        for event, is_target, text in choice:
            if event["event"] == "user":
                events.append(action(ACTION_LISTEN))
                # Listening is learnt only where it follows an action of this rule/story.
                targets.append(previous_was_action or not segment.is_rule)
                events.append(event)
                texts.append(text)
                previous_was_action = False
                heard_user = True
            else:
                events.append(event)
                if event["event"] == "action":
                    # A rule that opens with an action describes what follows that
                    # action; the opening action itself is context, not a prediction.
                    opening = segment.is_rule and not heard_user and not previous_was_action
                    targets.append(is_target and not opening)
                    previous_was_action = True
        results.append((events, targets, texts))
    return results


def build_trackers(segments: list[_Segment]) -> list[TrainingTracker]:
    """Expand alternatives and join stories at checkpoints."""
    trackers = []
    by_start: dict[str, list[_Segment]] = {}
    for segment in segments:
        for checkpoint in segment.start_checkpoints:
            by_start.setdefault(checkpoint, []).append(segment)

    def walk(segment: _Segment, prefix: list[tuple[list[Event], list[bool], list[str | None]]],
             depth: int) -> None:
        for events, targets, texts in _linearise(segment):
            chain = [*prefix, (events, targets, texts)]
            followers = [s for cp in segment.end_checkpoints for s in by_start.get(cp, [])]
            if followers and depth < MAX_CHECKPOINT_DEPTH:
                for follower in followers:
                    walk(follower, chain, depth + 1)
                continue
            all_events = [e for part in chain for e in part[0]]
            all_targets = [t for part in chain for t in part[1]]
            all_texts = [t for part in chain for t in part[2]]
            trackers.append(
                TrainingTracker(
                    name=segment.name,
                    events=all_events,
                    targets=all_targets,
                    is_rule=segment.is_rule,
                    conversation_start=segment.conversation_start,
                    wait_for_user_input=segment.wait_for_user_input,
                    source=segment.source,
                    user_texts=all_texts,
                )
            )

    for segment in segments:
        if not segment.start_checkpoints:
            walk(segment, [], 0)
    return trackers


def load_trackers(rule_files: list[Path], story_files: list[Path]) -> list[TrainingTracker]:
    segments = []
    for path in rule_files:
        segments.extend(read_segments(path, "rules"))
    for path in story_files:
        segments.extend(read_segments(path, "stories"))
    return build_trackers(segments)
