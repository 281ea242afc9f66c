"""Reading Rasa 3 NLU training data (`data/nlu.yml`): examples, regexes, lookups, synonyms."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.project import parse_yaml

# [text](entity) or [text]{"entity": "...", "value": "..."}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<entity>[^)]+)\)|(?P<json>\{[^}]+\}))")


class TrainingDataError(ValueError):
    """The NLU file does not follow Rasa's format; the message names the file and item."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str  # as labelled: `greet`, or a retrieval intent's `ask_ivig_treatment/side_effects`
    entities: tuple[dict[str, Any], ...] = ()

    @property
    def base_intent(self) -> str:
        """What the intent classifier learns: the retrieval intent, without its answer."""
        return self.intent.split("/", 1)[0]

    @property
    def response_key(self) -> str | None:
        """What a ResponseSelector learns: `base/sub` for a retrieval intent's example."""
        return self.intent if "/" in self.intent else None


@dataclass
class TrainingData:
    examples: list[Example] = field(default_factory=list)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    synonyms: dict[str, str] = field(default_factory=dict)  # lower-cased text -> value

    @property
    def intents(self) -> list[str]:
        return sorted({example.base_intent for example in self.examples})

    @property
    def retrieval_intents(self) -> list[str]:
        return sorted({example.base_intent for example in self.examples if example.response_key})

    @property
    def response_keys(self) -> list[str]:
        return sorted({example.response_key for example in self.examples if example.response_key})

    @property
    def entity_names(self) -> set[str]:
        return {e["entity"] for example in self.examples for e in example.entities}

    def merge(self, other: TrainingData) -> TrainingData:
        return TrainingData(
            examples=self.examples + other.examples,
            regexes={**self.regexes, **other.regexes},
            lookups={**self.lookups, **other.lookups},
            synonyms={**self.synonyms, **other.synonyms},
        )


def parse_example(line: str, intent: str) -> Example:
    """Strip Rasa entity annotations from one example line, keeping their offsets."""
    entities: list[dict[str, Any]] = []
    plain: list[str] = []
    cursor = 0
    length = 0
    for match in _ANNOTATION.finditer(line):
        before = line[cursor : match.start()]
        plain.append(before)
        length += len(before)
        text = match.group("text")
        if match.group("json"):
            try:
                spec = json.loads(match.group("json"))
            except json.JSONDecodeError as exc:
                raise TrainingDataError(f"bad entity annotation in {line!r}: {exc}") from None
            name, value = spec.get("entity"), spec.get("value", text)
        else:
            name, _, value = match.group("entity").partition(":")
            value = value or text
        entities.append(
            {"start": length, "end": length + len(text), "value": value, "entity": name}
        )
        plain.append(text)
        length += len(text)
        cursor = match.end()
    plain.append(line[cursor:])
    return Example("".join(plain).strip(), intent, tuple(entities))


def _example_lines(block: Any, where: str) -> list[str]:
    if isinstance(block, list):  # the long form: [{text: ...}, ...] or plain strings
        return [item["text"] if isinstance(item, dict) else str(item) for item in block]
    if not isinstance(block, str):
        raise TrainingDataError(f"{where}: 'examples' must be a block of '- ' lines")
    lines = []
    for raw in block.splitlines():
        raw = raw.strip()
        if not raw:
            continue
        if not raw.startswith("- "):
            raise TrainingDataError(f"{where}: example line must start with '- ': {raw!r}")
        lines.append(raw[2:].strip())
    return lines


def load_training_data(path: Path) -> TrainingData:
    """Read one Rasa NLU YAML file."""
    try:
        document = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise TrainingDataError(f"{path}: not valid YAML: {exc}") from None
    data = TrainingData()
    for index, item in enumerate(document.get("nlu") or []):
        where = f"{path}: nlu[{index}]"
        if not isinstance(item, dict):
            raise TrainingDataError(f"{where}: expected a mapping")
        lines = _example_lines(item.get("examples", ""), where)
        if "intent" in item:
            data.examples.extend(parse_example(line, str(item["intent"])) for line in lines)
        elif "regex" in item:
            data.regexes.setdefault(str(item["regex"]), []).extend(lines)
        elif "lookup" in item:
            data.lookups.setdefault(str(item["lookup"]), []).extend(lines)
        elif "synonym" in item:
            for line in lines:
                data.synonyms[line.lower()] = str(item["synonym"])
        else:
            raise TrainingDataError(f"{where}: expected intent, regex, lookup or synonym")
    for example in data.examples:  # annotated synonyms: [IVIg](medication:ivig)
        for entity in example.entities:
            surface = example.text[entity["start"] : entity["end"]]
            if surface != entity["value"]:
                data.synonyms[surface.lower()] = str(entity["value"])
    return data


def load_directory(paths: list[Path]) -> TrainingData:
    data = TrainingData()
    for path in paths:
        data = data.merge(load_training_data(path))
    return data
