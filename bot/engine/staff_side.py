"""The staff side of a turn: what goes to the escalation queue while a person has the
conversation (or after an emergency), and what the bot says about it.

The processor (bot/engine/processor.py) calls it at three points of a turn: before the
policies run (`end_emergency_follow_up_if_over`, `record_patient_message`, `bot_answers`
or `acknowledge`), and after the replies are known (`copy_replies`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Protocol

from bot.dialogue.actions import ActionContext, utter
from bot.dialogue.domain import ACTION_LISTEN
from bot.dialogue.tracker import Event, Tracker
from bot.engine.conversations import Conversation
from bot.engine.handoff import Acknowledgement
from bot.engine.messages import BotReply, UserMessage
from bot.nlu.safety import EMERGENCY_INTENT
from bot.nlu.safety_es import sin_acentos

log = logging.getLogger(__name__)
# Custom actions that open or join an escalation (actions/handoff.py).
ESCALATING_ACTIONS = {"action_handoff", "action_emergency", "action_fallback"}
EMERGENCY_MODE = "emergency_active"
LANGUAGE = "language"
FORM_INTENTS = frozenset({"request_refill", "inform", "cancel"})
# While a person has the conversation, the bot still answers these itself.
BOT_ANSWERS_WHILE_HANDED_OVER = frozenset({
    "ask_what_is_nh", "ask_recurrence_risk", "ask_ivig_treatment", "ask_copay_help",
    "request_refill", "inform", "cancel", "share_loss", "change_language", EMERGENCY_INTENT,
})
# "is this a real person?": automated, said plainly (safety rule 6); "are you there?" is for
# the person, with an honest word on when they will see it.
_ABOUT_THE_BOT = re.compile(r"\b(?:bot|robot|human|real person|a person|computer|machine|automated|ai"
                            r"|persona real|una persona|humano|maquina|computadora|automatico)\b")
# Where a word on when a person will see the message is due, a thank-you or a goodbye is
# met with one instead ("your message was added" is no answer to "thank you for listening").
KIND_WORDS = {"thank": "utter_thank", "goodbye": "utter_goodbye"}
# "after 5 is best, thanks": a detail for the specialist told with the thanks, so it is
# acknowledged as added, not only thanked.
_A_DETAIL = re.compile(
    r"\b(?:\d{1,2}(?::\d{2})? ?(?:am|pm)?|after|before|around|anytime|any time|morning|afternoon|evening|tonight"
    r"|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|text me|call me"
    r"|despues de las|antes de las|a las|en la (?:manana|tarde|noche)|manana|lunes|martes|miercoles|jueves"
    r"|viernes|sabado|domingo|llamenme|marquenme|mandenme)\b")
PHARMACY_FACTS = frozenset({"out_of_scope/hours", "out_of_scope/location", "out_of_scope/contact"})


# Told for the person who will answer, not asked of the bot: what the request is about,
# how to reach the patient.
_FOR_THE_PERSON = re.compile(
    r"^(?:ok |so |and )?(?:its|it s|it is|this is|es|se trata) (?:about|regarding|sobre|de lo de|por lo de)\b"
    r"|\b(?:text me|call me|by text|instead of (?:a )?call|(?:can|could) (?:they|you|someone) text|im at work"
    r"|(?:can|could|will|would|should) (?:they|you|she|he|someone|somebody) (?:call|ring|phone|reach)"
    r"|(?:have|tell) (?:them|her|him|someone) (?:to )?(?:call|text)|at work (?:till|until|til)"
    r"|how long (?:till|until|til|before) (?:they|someone|somebody|she|he) (?:call|text|reach|get back)"
    r"|llamenme|mandenme (?:un )?mensaje|por mensaje|estoy en el trabajo|trabajo hasta las"
    r"|(?:me )?(?:pueden|puede|podrian|podria) (?:llamar|marcar|hablar)|que me (?:llamen|marquen)"
    r"|cuanto (?:tardan|tarda|falta) (?:en|para) (?:llamar|que me))\b")


class HandoffDesk(Protocol):
    """Where messages of a conversation handed to a person go (the escalation queue)."""

    def record_patient_message(self, reference: str, text: str, channel: str, *,
                               urgent: bool = False, language: str | None = None) -> None:
        """Add the patient's message to the escalation (and the conversation's language)."""

    def acknowledgement(self, reference: str, *, asks_for_a_person: bool,
                        language: str = "en") -> Acknowledgement | None:
        """What to tell the patient about when a person will see their message, if anything."""

    def record_bot_messages(self, reference: str, texts: list[str], *, answered: bool = False) -> None:
        """Add what the bot said to the escalation's transcript."""

    def open_reference(self, sender_id: str) -> str | None:
        """The conversation's open escalation, if any."""



class StaffSide:
    """The escalation desk as one turn meets it; `desk` None: no staff side (the shell
    without storage, some tests), so nothing is recorded."""

    def __init__(self, desk: HandoffDesk | None, clock: Callable[[], float],
                 emergency_follow_up_seconds: float) -> None:
        self.desk = desk
        self.clock = clock
        self.emergency_follow_up_seconds = emergency_follow_up_seconds

    def _stamp(self, event: Event) -> Event:
        return event if event.get("timestamp") else {**event, "timestamp": self.clock()}

    def end_emergency_follow_up_if_over(self, tracker: Tracker, conversation: Conversation) -> None:
        """After an emergency, replies lead with 911 until staff resolve its escalation or
        `emergency_follow_up_seconds` pass since it was told."""
        if not tracker.slots.get(EMERGENCY_MODE):
            return
        since = float(tracker.slots.get("emergency_since") or 0)
        resolved = bool(tracker.slots.get("escalation_reference")) and not (
            conversation.handoff or conversation.open_escalation)
        if resolved or self.clock() - since > self.emergency_follow_up_seconds:
            tracker.update(self._stamp({"event": "slot", "name": EMERGENCY_MODE, "value": False}))

    def record_patient_message(self, tracker: Tracker, conversation: Conversation, message: UserMessage,
                          intent: str) -> bool:
        """The patient's message goes to the open escalation that has their conversation
        (any escalation after an emergency); True when a person has the conversation."""
        emergency_mode = bool(tracker.slots.get(EMERGENCY_MODE))
        reference = conversation.handoff or (conversation.open_escalation if emergency_mode else None)
        if self.desk is None or reference is None:
            return False
        if intent != EMERGENCY_INTENT and not message.payload:  # action_emergency adds its own
            self.desk.record_patient_message(reference, message.text, message.input_channel,
                                             urgent=emergency_mode,
                                             language=tracker.slots.get(LANGUAGE))
        return conversation.handoff is not None

    @staticmethod
    def bot_answers(tracker: Tracker, intent: str) -> bool:
        """A question of fact, a form, grief and emergencies are the bot's still; other
        messages wait for the person, with an honest word on when they will see them."""
        if tracker.slots.get(EMERGENCY_MODE):
            return True  # after an emergency every message is answered, urgent line first
        if intent in FORM_INTENTS and not tracker.active_loop_name:
            return intent == "request_refill"  # a number or date out of the blue is for the person
        said = sin_acentos(str(tracker.latest_message.get("text") or "").lower())
        if _FOR_THE_PERSON.search(said):  # "its about my insurance switching", "can they text me instead"
            return False
        if intent == "bot_challenge":
            return bool(_ABOUT_THE_BOT.search(said))
        if intent == "out_of_scope":  # the pharmacy's hours, address, number: facts too
            answer = (tracker.latest_message.get("intent") or {}).get("full_retrieval_intent_name")
            return answer in PHARMACY_FACTS
        return intent in BOT_ANSWERS_WHILE_HANDED_OVER

    def acknowledge(self, tracker: Tracker, ctx: ActionContext, reference: str, intent: str) -> None:
        assert self.desk is not None
        tracker.update(self._stamp({"event": "action", "name": ACTION_LISTEN}))
        ack = self.desk.acknowledgement(reference, asks_for_a_person=intent == "request_specialist",
                                        language=str(tracker.slots.get("language") or "en"))
        if ack is None:
            return
        said = sin_acentos(str(tracker.latest_message.get("text") or ""))
        response = ack.response if _A_DETAIL.search(said) else KIND_WORDS.get(intent, ack.response)
        for event in utter(response, tracker, ctx, **ack.values):
            tracker.update(self._stamp(event))

    def copy_replies(self, tracker: Tracker, handed_to: str | None, sender_id: str,
                      replies: list[BotReply]) -> None:
        """What the bot said goes to the escalation too: all of it while a person has the
        conversation (answers marked as the bot's), else what followed an action that
        opened or joined one (its transcript was taken before that was said)."""
        if self.desk is None:
            return
        if handed_to is not None:
            answered = any(e.get("event") == "action" and e.get("policy") and e.get("name") != ACTION_LISTEN
                           for e in tracker.new_events)
            self._copy_to_escalation(handed_to, [r.text for r in replies], answered=answered)
            return
        if self._escalating(tracker.new_events):
            # Its transcript ends with the patient's message: this turn's replies go after
            # it, in the order they were sent (actions/services.py `transcript`).
            self._copy_to_escalation(self.desk.open_reference(sender_id), [r.text for r in replies])

    @staticmethod
    def _escalating(events: list[Event]) -> bool:
        """Did this turn run an action that may open or join an escalation?"""
        return any(e.get("event") == "action" and e.get("name") in ESCALATING_ACTIONS for e in events)

    def _copy_to_escalation(self, reference: str | None, texts: list[str], *, answered: bool = False) -> None:
        if not reference or not texts or self.desk is None:
            return
        try:
            self.desk.record_bot_messages(reference, texts, answered=answered)
        except Exception as exc:  # the patient has their answer; the copy is for staff
            log.error("bot replies not copied to %s: %s", reference, type(exc).__name__)
