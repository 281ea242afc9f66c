"""A processor that reports each turn to the metrics (bot/metrics.py): its channel,
intent, whether it was an emergency, how long it took, or the error that stopped it.
The dialogue code itself knows nothing of metrics."""

from __future__ import annotations

import time
from typing import Any, Protocol

from bot.engine.messages import Turn, UserMessage
from bot.engine.processor import MessageProcessor


class TurnMetrics(Protocol):
    def turn(self, channel: str, intent: str | None, emergency: bool, seconds: float) -> None: ...

    def turn_failed(self, channel: str, error: BaseException) -> None: ...


class MeteredProcessor(MessageProcessor):
    def __init__(self, *, metrics: TurnMetrics, **parts: Any) -> None:
        super().__init__(**parts)
        self.metrics = metrics

    def handle_message(self, message: UserMessage) -> Turn:
        started = time.perf_counter()
        try:
            turn = super().handle_message(message)
        except Exception as exc:
            self.metrics.turn_failed(message.input_channel, exc)
            raise
        if not turn.duplicate:  # a repeated delivery is no new turn
            self.metrics.turn(message.input_channel, turn.intent, turn.emergency,
                              time.perf_counter() - started)
        return turn
