"""Sparse featurizers: RegexFeaturizer and CountVectorsFeaturizer (word, char, char_wb)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np

from bot.nlu.message import Message, SparseFeatures
from bot.nlu.patterns import compile_patterns, extract_patterns
from bot.nlu.registry import Component, ConfigError, register
from bot.nlu.training_data import TrainingData

_NUMBER = re.compile(r"\b[0-9]+\b")
_WORD = re.compile(r"(?u)\b\w+\b")
_SPACES = re.compile(r"\s\s+")


@register
class RegexFeaturizer(Component):
    """One binary feature per regex or lookup table: does it match the message?"""

    name = "RegexFeaturizer"
    defaults: ClassVar[dict[str, Any]] = {
        "case_sensitive": True,
        "use_lookup_tables": True,
        "use_regexes": True,
        "use_word_boundaries": True,
        "number_additional_patterns": None,
        "alias": None,
    }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.patterns: list[dict[str, str]] = []
        self._compiled: list[re.Pattern[str]] = []

    def train(self, messages: list[Message], data: TrainingData) -> None:
        self.patterns = extract_patterns(
            data,
            use_regexes=self.config["use_regexes"],
            use_lookup_tables=self.config["use_lookup_tables"],
            use_word_boundaries=self.config["use_word_boundaries"],
        )
        self._compiled = compile_patterns(self.patterns, self.config["case_sensitive"])

    def process(self, message: Message) -> None:
        values = {i: 1.0 for i, pattern in enumerate(self._compiled) if pattern.search(message.text)}
        message.features.append(SparseFeatures(values, len(self._compiled), self.name))

    def persist(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        return {"patterns": self.patterns}, {}

    def restore(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.patterns = state["patterns"]
        self._compiled = compile_patterns(self.patterns, self.config["case_sensitive"])


def _strip_accents(text: str, how: str | None) -> str:
    if how is None:
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    if how == "ascii":
        return stripped.encode("ascii", "ignore").decode("ascii")
    return stripped


@register
class CountVectorsFeaturizer(Component):
    """Bag-of-n-gram counts over the message's tokens, like sklearn's CountVectorizer.

    Tokens made only of digits count as one `__NUMBER__` feature, as in Rasa.
    """

    name = "CountVectorsFeaturizer"
    learns_from_messages = True
    defaults: ClassVar[dict[str, Any]] = {
        "use_shared_vocab": False,
        "analyzer": "word",
        "strip_accents": None,
        "stop_words": None,
        "min_df": 1,
        "max_df": 1.0,
        "min_ngram": 1,
        "max_ngram": 1,
        "max_features": None,
        "lowercase": True,
        "OOV_token": None,
        "OOV_words": [],
        "use_lemma": True,
        "additional_vocabulary_size": {"text": None, "response": None, "action_text": None},
        "alias": None,
    }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        if self.config["analyzer"] not in {"word", "char", "char_wb"}:
            raise ConfigError(
                "config.yml: CountVectorsFeaturizer analyzer must be word, char or char_wb, "
                f"got {self.config['analyzer']!r}"
            )
        low, high = self.config["min_ngram"], self.config["max_ngram"]
        if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high):
            raise ConfigError(
                "config.yml: CountVectorsFeaturizer needs 1 <= min_ngram <= max_ngram"
            )
        self.vocabulary: dict[str, int] = {}
        self._stop_words = self._load_stop_words(self.config["stop_words"])
        oov = self.config["OOV_token"]
        self._oov_token = oov.lower() if oov and self.config["lowercase"] else oov
        self._oov_words = {w.lower() if self.config["lowercase"] else w
                           for w in (self.config["OOV_words"] or [])}

    @staticmethod
    def _load_stop_words(stop_words: Any) -> frozenset[str]:
        if stop_words is None:
            return frozenset()
        if stop_words == "english":
            from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

            return frozenset(ENGLISH_STOP_WORDS)
        if isinstance(stop_words, list):
            return frozenset(stop_words)
        raise ConfigError("config.yml: CountVectorsFeaturizer stop_words must be 'english' or a list")

    # -- text to n-grams ---------------------------------------------------------------
    def _document(self, message: Message) -> str:
        words = []
        for token in message.tokens:
            word = _NUMBER.sub("__NUMBER__", token.text)
            if self.config["lowercase"]:
                word = word.lower()
            words.append(word)
        if self.config["analyzer"] == "word" and self._oov_token:
            if self.vocabulary:
                words = [w if w in self.vocabulary else self._oov_token for w in words]
            elif self._oov_words:
                words = [self._oov_token if w in self._oov_words else w for w in words]
        return _strip_accents(" ".join(words), self.config["strip_accents"])

    def ngrams(self, document: str) -> Iterator[str]:
        low, high = self.config["min_ngram"], self.config["max_ngram"]
        analyzer = self.config["analyzer"]
        if analyzer == "word":
            words = [w for w in _WORD.findall(document) if w not in self._stop_words]
            for n in range(low, high + 1):
                for i in range(len(words) - n + 1):
                    yield " ".join(words[i : i + n])
        elif analyzer == "char_wb":
            for word in _SPACES.sub(" ", document).split():
                padded = f" {word} "
                length = len(padded)
                for n in range(low, high + 1):
                    if n >= length:  # as sklearn: a short word counts once, whole
                        yield padded
                        break
                    yield from [padded[i : i + n] for i in range(length - n + 1)]
        else:
            text = _SPACES.sub(" ", document)
            for n in range(low, high + 1):
                for i in range(len(text) - n + 1):
                    yield text[i : i + n]

    # -- training and serving -----------------------------------------------------------
    def _counts(self, message: Message) -> Counter[str]:
        return Counter(self.ngrams(self._document(message)))

    @property
    def _cache_key(self) -> str:
        return f"ngrams:{id(self)}"

    def train(self, messages: list[Message], data: TrainingData) -> None:
        documents = [self._counts(m) for m in messages]
        document_frequency: Counter[str] = Counter()
        term_frequency: Counter[str] = Counter()
        for counts in documents:
            document_frequency.update(counts.keys())
            term_frequency.update(counts)
        total = max(len(documents), 1)
        min_df, max_df = self.config["min_df"], self.config["max_df"]
        low = min_df if isinstance(min_df, int) else min_df * total
        high = max_df if isinstance(max_df, int) else max_df * total
        terms = [t for t, df in document_frequency.items() if low <= df <= high]
        if self.config["max_features"]:
            terms.sort(key=lambda t: (-term_frequency[t], t))
            terms = terms[: self.config["max_features"]]
        self.vocabulary = {term: index for index, term in enumerate(sorted(terms))}
        if not self._oov_token:  # the same n-grams serve `process` on these messages
            for message, counts in zip(messages, documents, strict=True):
                message.extra[self._cache_key] = counts

    def process(self, message: Message) -> None:
        counts = message.extra.pop(self._cache_key, None) or self._counts(message)
        vocabulary = self.vocabulary
        values = {vocabulary[gram]: float(n) for gram, n in counts.items() if gram in vocabulary}
        message.features.append(SparseFeatures(values, len(vocabulary), self.name))

    def persist(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {"vocabulary": terms}, {}

    def restore(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.vocabulary = {term: index for index, term in enumerate(state["vocabulary"])}
