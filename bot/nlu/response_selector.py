"""Rasa's ResponseSelector: which answer of a retrieval intent a message asks for.

Trained on the sub-intent labels of `data/nlu.yml` (`ask_ivig_treatment/side_effects`),
as Rasa has since 2.0 (`use_text_as_label: false`), with `retrieval_intent` naming the
one retrieval intent it answers for (else all of them, under "default"). Rasa trains a
DIET network here; this engine fits scikit-learn's LogisticRegression on the pipeline's
features and serves it with numpy, like the intent classifier. The parse output is
Rasa's: `response_selector[<retrieval intent or default>]` holds the chosen
`intent_response_key`, its `utter_action` and a ranking.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from bot.nlu.classifiers import fit_linear, linear_probabilities
from bot.nlu.message import Message
from bot.nlu.registry import Component, register
from bot.nlu.training_data import TrainingData

DEFAULT = "default"


@register
class ResponseSelector(Component):
    name = "ResponseSelector"
    learns_from_messages = True
    feeds_learners = False
    defaults: ClassVar[dict[str, Any]] = {
        "retrieval_intent": None,
        "use_text_as_label": False,
        # Rasa's DIET settings, accepted so the same config.yml trains in Rasa; this
        # engine fits a linear model instead and does not use them.
        "epochs": 100,
        "constrain_similarities": True,
        "model_confidence": "softmax",
        # The linear model's own.
        "max_iter": 200,
        "solver": "newton-cg",
        "tol": 1e-4,
        "random_state": 42,
        "ranking_length": 10,
    }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.classes: list[str] = []
        self.retrieval_intents: list[str] = []
        self.weights = np.zeros((0, 0))
        self.bias = np.zeros(0)

    @property
    def key(self) -> str:
        return str(self.config["retrieval_intent"] or DEFAULT)

    def _wanted(self, response_key: str | None) -> bool:
        if not response_key:
            return False
        wanted = self.config["retrieval_intent"]
        return wanted is None or response_key.split("/", 1)[0] == wanted

    def train(self, messages: list[Message], data: TrainingData) -> None:
        chosen = [m for m in messages if self._wanted(m.extra.get("training_response_key"))]
        self.retrieval_intents = data.retrieval_intents
        labels = [str(m.extra["training_response_key"]) for m in chosen]
        if len(set(labels)) < 2:  # nothing to choose between: the one answer, always
            self.classes = sorted(set(labels))
            self.weights = np.zeros((0, len(self.classes)))
            self.bias = np.zeros(len(self.classes))
            return
        self.classes, self.weights, self.bias = fit_linear(chosen, labels, self.config)

    def process(self, message: Message) -> None:
        if not self.classes:
            return
        if len(self.weights):
            probs = linear_probabilities(message, self.weights, self.bias)
        else:
            probs = np.ones(len(self.classes))
        order = np.argsort(-probs, kind="stable")
        length = self.config["ranking_length"] or len(order)
        ranking = [{"intent_response_key": self.classes[i], "confidence": float(probs[i])}
                   for i in order[:length]]
        top = ranking[0]
        selectors = message.extra.setdefault("response_selector", {})
        selectors["all_retrieval_intents"] = list(self.retrieval_intents)
        selectors[self.key] = {
            "response": {
                "responses": [],  # Rasa fills these in from the domain at run time
                "confidence": top["confidence"],
                "intent_response_key": top["intent_response_key"],
                "utter_action": f"utter_{top['intent_response_key']}",
            },
            "ranking": ranking,
        }

    def persist(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        state = {"classes": self.classes, "retrieval_intents": self.retrieval_intents}
        return state, {"weights": self.weights, "bias": self.bias}

    def restore(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.classes = list(state["classes"])
        self.retrieval_intents = list(state.get("retrieval_intents") or [])
        self.weights = np.ascontiguousarray(arrays["weights"])
        self.bias = arrays["bias"]
