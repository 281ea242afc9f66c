"""Intent classifiers: LogisticRegressionClassifier and FallbackClassifier.

Training uses scikit-learn; serving needs only the learned weight matrix, so a web
process scores a message with a few dictionary look-ups and one small dot product.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from bot.nlu.message import Message
from bot.nlu.registry import Component, register
from bot.nlu.training_data import TrainingData

NLU_FALLBACK = "nlu_fallback"


def _feature_columns(message: Message) -> tuple[np.ndarray, np.ndarray]:
    """All featurizers' sentence features as one (columns, values) sparse row."""
    return message.sparse_row()


def _width(message: Message) -> int:
    return sum(block.size for block in message.features)


def fit_linear(messages: list[Message], labels: list[str],
               config: dict[str, Any]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """scikit-learn's LogisticRegression (class_weight balanced) on the messages' sparse
    features; its classes, and the weight matrix (features x classes) and bias to serve."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    width = _width(messages[0]) if messages else 0
    rows, cols, vals = [], [], []
    for row, message in enumerate(messages):
        columns, values = _feature_columns(message)
        rows.extend([row] * len(columns))
        cols.extend(columns.tolist())
        vals.extend(values.tolist())
    matrix = csr_matrix((vals, (rows, cols)), shape=(len(messages), width))
    model = LogisticRegression(
        solver=config["solver"],
        max_iter=config["max_iter"],
        tol=config["tol"],
        random_state=config["random_state"],
        class_weight="balanced",
    )
    # One BLAS thread: the problem is small, and with a thread per core L-BFGS spends
    # its time synchronising (10 s instead of 0.2 s on a busy two-core machine).
    with threadpool_limits(limits=1):
        model.fit(matrix, labels)
    classes = [str(c) for c in model.classes_]
    coef = np.asarray(model.coef_, dtype=np.float64)
    bias = np.asarray(model.intercept_, dtype=np.float64)
    if len(classes) == 2:  # sklearn keeps one row for two classes
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2])
    return classes, np.ascontiguousarray(coef.T), bias


def linear_probabilities(message: Message, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Softmax of the message's scores, served with numpy alone."""
    columns, values = _feature_columns(message)
    if not len(columns):
        # Not one known word or character n-gram ("?", emoji, another script): the
        # intercepts alone would name the most frequent class (often `affirm`) with
        # confidence, and a stray emoji would accept an offer. No evidence, no class.
        return np.full(len(bias), 1.0 / max(len(bias), 1))
    scores = bias + values @ weights[columns]
    scores -= scores.max()
    exp = np.exp(scores)
    return exp / exp.sum()


@register
class LogisticRegressionClassifier(Component):
    name = "LogisticRegressionClassifier"
    learns_from_messages = True
    feeds_learners = False
    defaults: ClassVar[dict[str, Any]] = {
        "max_iter": 100,
        "solver": "lbfgs",
        "tol": 1e-4,
        "random_state": 42,
        "ranking_length": 10,
    }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.classes: list[str] = []
        self.weights = np.zeros((0, 0))  # features x classes
        self.bias = np.zeros(0)

    def train(self, messages: list[Message], data: TrainingData) -> None:
        self.classes, self.weights, self.bias = fit_linear(
            messages, [m.extra["training_intent"] for m in messages], self.config)

    def probabilities(self, message: Message) -> np.ndarray:
        return linear_probabilities(message, self.weights, self.bias)

    def process(self, message: Message) -> None:
        if not self.classes:
            return
        probs = self.probabilities(message)
        order = np.argsort(-probs, kind="stable")
        ranking = [{"name": self.classes[i], "confidence": float(probs[i])} for i in order]
        message.intent = dict(ranking[0])
        length = self.config["ranking_length"]
        message.intent_ranking = ranking[:length] if length and length > 0 else ranking

    def persist(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        return {"classes": self.classes}, {"weights": self.weights, "bias": self.bias}

    def restore(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.classes = list(state["classes"])
        self.weights = np.ascontiguousarray(arrays["weights"])
        self.bias = arrays["bias"]


@register
class FallbackClassifier(Component):
    """Replaces a low-confidence or ambiguous intent with `nlu_fallback`."""

    name = "FallbackClassifier"
    defaults: ClassVar[dict[str, Any]] = {"threshold": 0.3, "ambiguity_threshold": 0.1}

    def process(self, message: Message) -> None:
        if message.intent is None:
            return
        ranking = message.intent_ranking
        confidence = message.intent["confidence"]
        below = confidence < self.config["threshold"]
        ambiguous = (
            len(ranking) >= 2
            and ranking[0]["confidence"] - ranking[1]["confidence"]
            < self.config["ambiguity_threshold"]
        )
        if below or ambiguous:
            fallback = {"name": NLU_FALLBACK, "confidence": float(self.config["threshold"])}
            message.intent = fallback
            message.intent_ranking = [dict(fallback), *ranking]
