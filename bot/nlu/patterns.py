"""Regex and lookup-table patterns from the training data, as Rasa compiles them."""

from __future__ import annotations

import re

from bot.nlu.training_data import TrainingData


def extract_patterns(
    data: TrainingData,
    *,
    use_regexes: bool,
    use_lookup_tables: bool,
    use_word_boundaries: bool,
    only_names: set[str] | None = None,
) -> list[dict[str, str]]:
    """`[{"name", "pattern"}]`: one per regex example, one per lookup table."""
    patterns: list[dict[str, str]] = []
    if use_regexes:
        for name, examples in data.regexes.items():
            if only_names is None or name in only_names:
                patterns.extend({"name": name, "pattern": example} for example in examples)
    if use_lookup_tables:
        for name, elements in data.lookups.items():
            if only_names is not None and name not in only_names:
                continue
            alternatives = "|".join(re.escape(element) for element in elements)
            if use_word_boundaries:
                pattern = rf"(?:\b|^)(?:{alternatives})(?:\b|$)"
            else:
                pattern = f"(?:{alternatives})"
            patterns.append({"name": name, "pattern": pattern})
    return patterns


def compile_patterns(patterns: list[dict[str, str]], case_sensitive: bool) -> list[re.Pattern[str]]:
    flags = 0 if case_sensitive else re.IGNORECASE
    return [re.compile(item["pattern"], flags) for item in patterns]
