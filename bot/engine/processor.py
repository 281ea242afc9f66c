"""`handle_message`: one user message in, the bot's replies out.

Read top to bottom, it is the pipeline: hold the conversation (its lock and its events,
one round trip), understand the message, start a new session if the last one expired,
log the message, fill slots, let the policies pick actions until the bot listens again,
and save the turn as the conversation is released (one more round trip).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from bot.dialogue.actions import (
    Action,
    ActionContext,
    RemoteAction,
    RetrievalAction,
    UtterAction,
    default_action,
    utter,
)
from bot.dialogue.domain import ACTION_LISTEN, ACTION_SESSION_START, SESSION_STARTED_METADATA, Domain
from bot.dialogue.forms import FormAction
from bot.dialogue.policies import PolicyEnsemble
from bot.dialogue.responses import ResponseRenderer
from bot.dialogue.slot_mappings import extract_slots
from bot.dialogue.tracker import Event, Tracker
from bot.engine.conversations import Conversation
from bot.engine.handoff import Acknowledgement
from bot.engine.messages import BotReply, Turn, UserMessage
from bot.engine.runner import ActionRunner
from bot.engine.shortcuts import button_payload, not_understood, parse_shortcut
from bot.nlu import language
from bot.nlu.safety import EMERGENCY_INTENT

log = logging.getLogger(__name__)
# Custom actions that open or join an escalation (actions/handoff.py).
ESCALATING_ACTIONS = {"action_handoff", "action_emergency", "action_fallback"}

MAX_ACTIONS_PER_MESSAGE = 10
EMERGENCY_MODE = "emergency_active"
LANGUAGE = "language"
FORM_INTENTS = frozenset({"request_refill", "inform", "cancel"})
CHANGE_LANGUAGE = "change_language"
HANDED_OVER = "handed_over"  # user message metadata: a person has the conversation
# While a person has the conversation, the bot still answers these itself.
BOT_ANSWERS_WHILE_HANDED_OVER = frozenset({
    "ask_what_is_nh", "ask_recurrence_risk", "ask_ivig_treatment", "ask_copay_help",
    "request_refill", "inform", "cancel", "share_loss", EMERGENCY_INTENT,
})


class Parser(Protocol):
    def parse(self, text: str) -> dict[str, Any]: ...


class Conversations(Protocol):
    def hold(self, sender_id: str, message_id: str | None = None) -> AbstractContextManager[Conversation]: ...

    def load(self, sender_id: str, message_id: str | None = None) -> Conversation: ...

    def pseudonym(self, sender_id: str) -> str: ...


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


class MessageProcessor:
    def __init__(
        self,
        *,
        domain: Domain,
        parser: Parser,
        ensemble: PolicyEnsemble,
        runner: ActionRunner,
        custom_actions: set[str],
        store: Conversations,
        renderer: ResponseRenderer,
        desk: HandoffDesk | None = None,
        clock: Callable[[], float] = time.time,
        emergency_follow_up_seconds: float = 120 * 60,
        on_turn: Callable[[UserMessage, Turn], None] | None = None,  # every turn, once
    ) -> None:
        self.domain = domain
        self.parser = parser
        self.ensemble = ensemble
        self.runner = runner
        self.custom_actions = custom_actions
        self.store = store
        self.renderer = renderer
        self.desk = desk
        self.clock = clock
        self.emergency_follow_up_seconds = emergency_follow_up_seconds
        self.on_turn = on_turn
        self._domain_dict = domain.as_dict()

    # -- the pipeline -----------------------------------------------------------------
    def handle_message(self, message: UserMessage) -> Turn:
        turn = self._handle_message(message)
        if self.on_turn is not None:
            self.on_turn(message, turn)
        return turn

    def _handle_message(self, message: UserMessage) -> Turn:
        with self.store.hold(message.sender_id, message.message_id) as conversation:
            if conversation.duplicate:  # a repeated delivery: what that turn said, again
                said = [e for e in conversation.turn_of(message.message_id or "") if e.get("event") == "bot"]
                return Turn(self._emergency_first([BotReply.from_event(e) for e in said]), duplicate=True)
            tracker = Tracker(message.sender_id, self.domain, conversation.events)
            parse_data = self.understand(message, tracker)
            ctx = self._context(message.input_channel)
            self._start_session_if_needed(tracker, ctx, message.metadata, opening=message)
            introduced = len(tracker.latest_bot_utterances())
            first_message = tracker.last_user_time() is None
            parse_data = self._with_language_request(message, parse_data)
            tracker.update(self._stamp(self._user_event(message, parse_data,
                                                          handed_over=conversation.handoff is not None)))
            self._follow_language(tracker, message, first_message)
            intent = parse_data["intent"]["name"]
            self._end_emergency_follow_up_if_over(tracker, conversation)
            with_person = self._record_for_staff(tracker, conversation, message, intent)
            if with_person and not self._bot_answers_while_handed_over(tracker, intent):
                self._acknowledge(tracker, ctx, conversation.handoff or "", intent)
            else:
                for event in extract_slots(tracker, self.domain):
                    tracker.update(self._stamp(event))
                self._predict_and_run(tracker, ctx)
            conversation.save(tracker.new_events, replace=tracker.replaced)
        said = tracker.latest_bot_utterances()[introduced if with_person else 0:]  # no introduction to a
        replies = self._emergency_first([BotReply.from_event(e) for e in said])  # person's conversation
        self._copy_replies(tracker, conversation.handoff if with_person else None, message.sender_id, replies)
        actions = [e["name"] for e in tracker.new_events
                   if e.get("event") == "action" and e.get("policy")]
        log.info("turn conv=%s channel=%s intent=%s replies=%d",
                 self.store.pseudonym(message.sender_id), message.input_channel, intent, len(replies))
        return Turn(replies, intent, handed_off=with_person, emergency=intent == EMERGENCY_INTENT,
                    actions=actions, requested_slot=self._requested_slot(tracker),
                    language=tracker.slots.get(LANGUAGE))

    def start_session(self, sender_id: str, channel: str, metadata: dict[str, Any]) -> Turn:
        """Begin a conversation before its first message (a phone call being answered)."""
        with self.store.hold(sender_id) as conversation:
            tracker = Tracker(sender_id, self.domain, conversation.events)
            self._start_session_if_needed(tracker, self._context(channel), metadata, before_message=True)
            conversation.save(tracker.new_events, replace=tracker.replaced)
        return Turn([BotReply.from_event(e) for e in tracker.latest_bot_utterances()],
                    language=tracker.slots.get(LANGUAGE))

    def conversation_language(self, sender_id: str) -> str | None:
        """The conversation's language as last set (its `language` slot), read without
        taking the conversation's lock: for answers given outside the dialogue (keywords)."""
        for event in reversed(self.store.load(sender_id).events):
            if event.get("event") == "slot" and event.get("name") == LANGUAGE:
                return str(event.get("value")) if event.get("value") else None
        return None

    def parse(self, text: str) -> dict[str, Any]:
        """What the NLU makes of a text, as Rasa's `/model/parse` reads it (an intent
        shortcut there is only parsed: it changes no conversation)."""
        return parse_shortcut(text) or self.parser.parse(text)

    def understand_text(self, text: str) -> dict[str, Any]:
        """What the NLU makes of a text a person typed or said. A shortcut typed as text
        (`/report_emergency`) is no message a patient writes: it is not understood, not
        read for the intent name it spells."""
        if parse_shortcut(text) is not None:
            return not_understood(text)
        return self.parser.parse(text)

    def understand(self, message: UserMessage, tracker: Tracker) -> dict[str, Any]:
        """The message's parse: a shortcut from our own keypad or one of the buttons the
        bot just offered (by number, title or payload), else the NLU's reading."""
        payload = message.payload or button_payload(message.text, tracker)
        if payload:
            shortcut = parse_shortcut(payload, message.text)
            if shortcut is not None:
                return shortcut
            # A button whose payload is words (a clarifying question's options): read
            # them, as Rasa reads a payload sent as the message.
            return self.understand_text(payload)
        return message.parse_data or self.understand_text(message.text)

    # -- steps ------------------------------------------------------------------------
    def _context(self, channel: str) -> ActionContext:
        return ActionContext(
            domain=self.domain,
            renderer=self.renderer,
            runner=self.runner,
            custom_actions=self.custom_actions,
            channel=channel,
            domain_dict=self._domain_dict,
            clock=self.clock,
        )

    def _stamp(self, event: Event) -> Event:
        if not event.get("timestamp"):
            event = {**event, "timestamp": self.clock()}
        return event

    def _user_event(self, message: UserMessage, parse_data: dict[str, Any], *,
                    handed_over: bool = False) -> Event:
        # `handed_over` tells the actions a person has the conversation: an answer then
        # offers no person (one is already on the way).
        metadata = {**message.metadata, HANDED_OVER: True} if handed_over else message.metadata
        return {
            "event": "user",
            "text": message.text,
            "parse_data": parse_data,
            "input_channel": message.input_channel,
            "message_id": message.message_id,
            "metadata": metadata,
        }

    def _session_expired(self, tracker: Tracker) -> bool:
        if not tracker.events:
            return True
        expiry = self.domain.session_expiration_minutes
        last = tracker.last_user_time()
        if expiry <= 0 or last is None:
            return False
        return self.clock() - last > expiry * 60

    def _start_session_if_needed(self, tracker: Tracker, ctx: ActionContext, metadata: dict[str, Any],
                                 *, before_message: bool = False, opening: UserMessage | None = None) -> None:
        if not self._session_expired(tracker):
            return
        first: list[Event] = [{"event": "slot", "name": SESSION_STARTED_METADATA, "value": metadata or None}]
        if opening is not None and not opening.payload and LANGUAGE in self.domain.slots:
            # The introduction is said in the language of the message it answers.
            found = language.language_of(opening.text, tracker.slots.get(LANGUAGE), True)
            if found:
                first.append({"event": "slot", "name": LANGUAGE, "value": found})
        previous = Tracker(tracker.sender_id, self.domain, [*tracker.events, *first])
        events = self._action(ACTION_SESSION_START).run(previous, ctx)
        tracker.replace_session(
            [self._stamp(e) for e in
             [*first, {"event": "action", "name": ACTION_SESSION_START,
                       # Its introduction came before any message (a call answered), not
                       # in reply to one (actions/services.py `transcript`).
                       **({"metadata": {"before_message": True}} if before_message else {})},
              *events]]
        )

    def _predict_and_run(self, tracker: Tracker, ctx: ActionContext) -> None:
        for _ in range(MAX_ACTIONS_PER_MESSAGE):
            if tracker.paused and tracker.latest_intent != "restart":
                # As in Rasa: a paused conversation is logged, not answered.
                if tracker.latest_action_name != ACTION_LISTEN:
                    tracker.update(self._stamp({"event": "action", "name": ACTION_LISTEN}))
                return
            prediction = self.ensemble.predict(tracker)
            events = self._action(prediction.action).run(tracker, ctx)
            if any(e.get("event") == "action_execution_rejected" for e in events):
                for event in events:
                    tracker.update(self._stamp(event))
                continue
            tracker.update(self._stamp({
                "event": "action",
                "name": prediction.action,
                "policy": prediction.policy,
                "confidence": prediction.confidence,
            }))
            for event in events:
                tracker.update(self._stamp(event))
            if prediction.action in {ACTION_LISTEN, ACTION_SESSION_START} or any(
                e.get("event") == "rewind" for e in events
            ):
                return
        log.warning("circuit breaker: %d actions without listening", MAX_ACTIONS_PER_MESSAGE)
        tracker.update(self._stamp({"event": "action", "name": ACTION_LISTEN}))

    # -- the conversation's language --------------------------------------------------------
    @staticmethod
    def _with_language_request(message: UserMessage, parse_data: dict[str, Any]) -> dict[str, Any]:
        """ "español", "English please": a switch of language, whatever the NLU read."""
        if message.payload or language.requested(message.text) is None:
            return parse_data
        switch = {"name": CHANGE_LANGUAGE, "confidence": 1.0}
        return {**parse_data, "intent": switch, "intent_ranking": [switch]}

    def _follow_language(self, tracker: Tracker, message: UserMessage, first_message: bool) -> None:
        """The language slot follows what the patient writes or says (bot/nlu/language.py)."""
        if message.payload or LANGUAGE not in self.domain.slots:
            return
        current = tracker.slots.get(LANGUAGE)
        found = language.language_of(message.text, current, first_message)
        if found and found != current:
            tracker.update(self._stamp({"event": "slot", "name": LANGUAGE, "value": found}))

    # -- a conversation a person has, and after an emergency ------------------------------
    def _end_emergency_follow_up_if_over(self, tracker: Tracker, conversation: Conversation) -> None:
        """After an emergency, replies lead with 911 until staff resolve its escalation or
        `emergency_follow_up_seconds` pass since it was told."""
        if not tracker.slots.get(EMERGENCY_MODE):
            return
        since = float(tracker.slots.get("emergency_since") or 0)
        resolved = bool(tracker.slots.get("escalation_reference")) and not (
            conversation.handoff or conversation.open_escalation)
        if resolved or self.clock() - since > self.emergency_follow_up_seconds:
            tracker.update(self._stamp({"event": "slot", "name": EMERGENCY_MODE, "value": False}))

    def _record_for_staff(self, tracker: Tracker, conversation: Conversation, message: UserMessage,
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
    def _bot_answers_while_handed_over(tracker: Tracker, intent: str) -> bool:
        """A question of fact, a form, grief and emergencies are the bot's still; other
        messages wait for the person, with an honest word on when they will see them."""
        if intent in FORM_INTENTS and not tracker.active_loop_name:
            return intent == "request_refill"  # a number or date out of the blue is for the person
        return bool(tracker.slots.get(EMERGENCY_MODE)) or intent in BOT_ANSWERS_WHILE_HANDED_OVER

    def _acknowledge(self, tracker: Tracker, ctx: ActionContext, reference: str, intent: str) -> None:
        assert self.desk is not None
        tracker.update(self._stamp({"event": "action", "name": ACTION_LISTEN}))
        ack = self.desk.acknowledgement(reference, asks_for_a_person=intent == "request_specialist",
                                        language=str(tracker.slots.get("language") or "en"))
        if ack is None:
            return
        for event in utter(ack.response, tracker, ctx, **ack.values):
            tracker.update(self._stamp(event))

    def _copy_replies(self, tracker: Tracker, handed_to: str | None, sender_id: str,
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
    def _requested_slot(tracker: Tracker) -> str | None:
        return tracker.slots.get("requested_slot") if tracker.active_loop_name else None

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

    def _action(self, name: str) -> Action:
        if name in self.custom_actions:
            return RemoteAction(name)
        if name in self.domain.forms:
            return FormAction(name)
        if name.startswith("utter_") and name in self.domain.responses:
            return UtterAction(name)
        if name.startswith("utter_") and name[len("utter_"):] in self.domain.retrieval_intents:
            return RetrievalAction(name)
        action = default_action(name)
        if action is None:
            raise LookupError(f"no action named {name!r}")
        return action

    @staticmethod
    def _emergency_first(replies: list[BotReply]) -> list[BotReply]:
        """The 911 instruction goes before anything else said in the same turn."""
        return [r for r in replies if r.urgent] + [r for r in replies if not r.urgent]
