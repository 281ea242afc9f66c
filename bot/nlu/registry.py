"""Pipeline components keyed by the names Rasa uses in `config.yml`."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from bot.nlu.message import Message
from bot.nlu.training_data import TrainingData


class ConfigError(ValueError):
    """config.yml names something this engine cannot honour; the message says what."""


class Component:
    """One pipeline step. Subclasses declare Rasa's name and default parameters."""

    name: ClassVar[str]
    defaults: ClassVar[dict[str, Any]] = {}
    # Whether `train` learns from the messages as processed by the earlier components.
    learns_from_messages: ClassVar[bool] = False
    # Whether later components learn from what it adds (tokens, features). A classifier's
    # or a selector's reading is not learned from, so training does not compute it.
    feeds_learners: ClassVar[bool] = True

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = {**self.defaults, **config}

    def train(self, messages: list[Message], data: TrainingData) -> None:
        """Learn from the featurised training messages (default: nothing to learn)."""

    def process(self, message: Message) -> None:
        raise NotImplementedError

    def persist(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """JSON-able state and named arrays, enough for `restore` to serve."""
        return {}, {}

    def restore(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Load what `persist` produced."""


REGISTRY: dict[str, type[Component]] = {}


def register(cls: type[Component]) -> type[Component]:
    REGISTRY[cls.name] = cls
    return cls


def build_component(index: int, spec: dict[str, Any]) -> Component:
    """Instantiate one `pipeline` entry, refusing unknown names and parameters."""
    if not isinstance(spec, dict) or "name" not in spec:
        raise ConfigError(f"config.yml: pipeline[{index}] needs a 'name'")
    name = spec["name"]
    cls = REGISTRY.get(name)
    if cls is None:
        known = ", ".join(sorted(REGISTRY))
        raise ConfigError(
            f"config.yml: pipeline[{index}]: unknown component {name!r}; this engine knows {known}"
        )
    params = {key: value for key, value in spec.items() if key != "name"}
    unknown = sorted(set(params) - set(cls.defaults))
    if unknown:
        allowed = ", ".join(sorted(cls.defaults)) or "none"
        raise ConfigError(
            f"config.yml: pipeline[{index}] ({name}): unknown parameter(s) "
            f"{', '.join(unknown)}; allowed: {allowed}"
        )
    return cls(params)
