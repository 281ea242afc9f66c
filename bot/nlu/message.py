"""The message an NLU pipeline works on, and the Rasa-shaped parse result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass
class SparseFeatures:
    """One featurizer's sentence features: column -> value, within `size` columns."""

    values: dict[int, float]
    size: int
    origin: str


@dataclass
class Message:
    text: str
    tokens: list[Token] = field(default_factory=list)
    features: list[SparseFeatures] = field(default_factory=list)
    intent: dict[str, Any] | None = None
    intent_ranking: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_parse_data(self) -> dict[str, Any]:
        """Rasa's `/model/parse` shape."""
        data: dict[str, Any] = {
            "text": self.text,
            "intent": self.intent or {"name": None, "confidence": 0.0},
            "entities": self.entities,
            "intent_ranking": self.intent_ranking,
            "text_tokens": [[token.start, token.end] for token in self.tokens],
        }
        data.update(self.extra)
        return data
