"""The message an NLU pipeline works on, and the Rasa-shaped parse result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


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
    # All features as one sparse row (columns, values), made once for the classifier and
    # the selectors that each read it; made again if a featurizer added features since.
    _row: tuple[int, np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)

    def sparse_row(self) -> tuple[np.ndarray, np.ndarray]:
        """Every featurizer's sentence features as one (columns, values) sparse row."""
        if self._row is None or self._row[0] != len(self.features):
            columns: list[int] = []
            values: list[float] = []
            offset = 0
            for block in self.features:
                columns.extend(offset + column for column in block.values)
                values.extend(block.values.values())
                offset += block.size
            self._row = (len(self.features), np.asarray(columns, dtype=np.int64),
                         np.asarray(values, dtype=np.float64))
        return self._row[1], self._row[2]

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
