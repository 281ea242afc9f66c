"""What one turn adds to the manager's figures (bot/records/analytics.py): a message on
its channel, its topic (the intent), whether the bot fell back or asked again, whether it
was an emergency. Counted after the turn; never in its way."""

from __future__ import annotations

import logging
from typing import Protocol

from bot.engine.messages import Turn, UserMessage
from bot.nlu.safety import EMERGENCY_INTENT
from bot.records.analytics import Analytics

log = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = {"action_fallback", "action_default_fallback"}
# Replies that ask the patient to say it again: the bot needed a clarification.
ASKING_AGAIN = {"utter_default", "utter_please_rephrase"}


class Pseudonyms(Protocol):
    def pseudonym(self, sender_id: str) -> str: ...


class TurnCounter:
    def __init__(self, analytics: Analytics, conversations: Pseudonyms) -> None:
        self.analytics = analytics
        self.conversations = conversations

    def count(self, message: UserMessage, turn: Turn) -> None:
        if turn.duplicate:
            return  # a repeated delivery: counted the first time
        try:
            self.analytics.count_turn(
                channel=message.input_channel or "unknown",
                conversation=self.conversations.pseudonym(message.sender_id),
                topic=turn.intent or "unknown",
                fallback=turn.intent == FALLBACK_INTENT or bool(FALLBACK_ACTIONS & set(turn.actions)),
                clarified=any(reply.response in ASKING_AGAIN for reply in turn.replies),
                emergency=turn.emergency or turn.intent == EMERGENCY_INTENT,
            )
        except Exception as exc:  # the patient has their answer; a figure is only a figure
            log.warning("turn not counted: %s", type(exc).__name__)
