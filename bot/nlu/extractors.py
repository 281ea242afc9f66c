"""Entity extraction: RegexEntityExtractor and EntitySynonymMapper."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import numpy as np

from bot.nlu.message import Message
from bot.nlu.patterns import compile_patterns, extract_patterns
from bot.nlu.registry import Component, register
from bot.nlu.training_data import TrainingData


@register
class RegexEntityExtractor(Component):
    """Finds entities with the regexes and lookup tables named like an entity."""

    name = "RegexEntityExtractor"
    defaults: ClassVar[dict[str, Any]] = {
        "case_sensitive": False,
        "use_lookup_tables": True,
        "use_regexes": True,
        "use_word_boundaries": True,
    }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.patterns: list[dict[str, str]] = []
        self._compiled: list[re.Pattern[str]] = []

    def train(self, messages: list[Message], data: TrainingData) -> None:
        # As in Rasa, only patterns named like an entity annotated in the examples.
        self.patterns = extract_patterns(
            data,
            use_regexes=self.config["use_regexes"],
            use_lookup_tables=self.config["use_lookup_tables"],
            use_word_boundaries=self.config["use_word_boundaries"],
            only_names=data.entity_names,
        )
        self._compiled = compile_patterns(self.patterns, self.config["case_sensitive"])

    def process(self, message: Message) -> None:
        found: list[dict[str, Any]] = []
        taken: list[tuple[int, int]] = []
        for spec, pattern in zip(self.patterns, self._compiled, strict=True):
            for match in pattern.finditer(message.text):
                start, end = match.span()
                if start == end or any(s < end and start < e for s, e in taken):
                    continue
                taken.append((start, end))
                found.append(
                    {
                        "entity": spec["name"],
                        "start": start,
                        "end": end,
                        "value": match.group(),
                        "extractor": self.name,
                    }
                )
        found.sort(key=lambda entity: entity["start"])
        message.entities.extend(found)

    def persist(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        return {"patterns": self.patterns}, {}

    def restore(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.patterns = state["patterns"]
        self._compiled = compile_patterns(self.patterns, self.config["case_sensitive"])


@register
class EntitySynonymMapper(Component):
    """Maps extracted entity text to its canonical value (the `synonym:` items)."""

    name = "EntitySynonymMapper"
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.synonyms: dict[str, str] = {}

    def train(self, messages: list[Message], data: TrainingData) -> None:
        self.synonyms = dict(data.synonyms)

    def process(self, message: Message) -> None:
        for entity in message.entities:
            value = str(entity["value"]).lower()
            if value in self.synonyms:
                entity["value"] = self.synonyms[value]
                entity.setdefault("processors", []).append(self.name)

    def persist(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        return {"synonyms": self.synonyms}, {}

    def restore(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.synonyms = dict(state["synonyms"])
