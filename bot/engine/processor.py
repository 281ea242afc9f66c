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
)
from bot.dialogue.domain import ACTION_LISTEN, ACTION_SESSION_START, SESSION_STARTED_METADATA, Domain
from bot.dialogue.forms import FormAction
from bot.dialogue.policies import PolicyEnsemble
from bot.dialogue.responses import ResponseRenderer
from bot.dialogue.slot_mappings import extract_slots
from bot.dialogue.tracker import Event, Tracker
from bot.engine.conversations import Conversation
from bot.engine.messages import BotReply, Turn, UserMessage
from bot.engine.runner import ActionRunner
from bot.engine.shortcuts import button_payload, not_understood, parse_shortcut
from bot.engine.staff_side import LANGUAGE, HandoffDesk, StaffSide
from bot.nlu import language
from bot.nlu.safety import EMERGENCY_INTENT

log = logging.getLogger(__name__)

MAX_ACTIONS_PER_MESSAGE = 10
CHANGE_LANGUAGE = "change_language"
HANDED_OVER = "handed_over"  # user message metadata: a person has the conversation


class Parser(Protocol):
    def parse(self, text: str) -> dict[str, Any]: ...


class Conversations(Protocol):
    def hold(self, sender_id: str, message_id: str | None = None) -> AbstractContextManager[Conversation]: ...

    def load(self, sender_id: str, message_id: str | None = None) -> Conversation: ...

    def pseudonym(self, sender_id: str) -> str: ...


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
        self.staff = StaffSide(desk, clock, emergency_follow_up_seconds)
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
            self.staff.end_emergency_follow_up_if_over(tracker, conversation)
            with_person = self.staff.record_patient_message(tracker, conversation, message, intent)
            if with_person and not self.staff.bot_answers(tracker, intent):
                self.staff.acknowledge(tracker, ctx, conversation.handoff or "", intent)
            else:
                for event in extract_slots(tracker, self.domain):
                    tracker.update(self._stamp(event))
                self._predict_and_run(tracker, ctx)
            conversation.save(tracker.new_events, replace=tracker.replaced)
        said = tracker.latest_bot_utterances()[introduced if with_person else 0:]  # no introduction to a
        replies = self._emergency_first([BotReply.from_event(e) for e in said])  # person's conversation
        self.staff.copy_replies(tracker, conversation.handoff if with_person else None, message.sender_id, replies)
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
        """ "español", "English please": a switch of language, whatever the NLU read; "my
        English is not so good" is one too (the action offers Spanish)."""
        weak_english = (language.weak_english(message.text)  # never over an emergency or a question
                        and parse_data["intent"]["name"] in {"greet", "out_of_scope", "nlu_fallback", "inform"})
        if message.payload or (language.requested(message.text) is None and not weak_english):
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
    def _requested_slot(tracker: Tracker) -> str | None:
        return tracker.slots.get("requested_slot") if tracker.active_loop_name else None

    @staticmethod
    def _emergency_first(replies: list[BotReply]) -> list[BotReply]:
        """The 911 instruction goes before anything else said in the same turn."""
        return [r for r in replies if r.urgent] + [r for r in replies if not r.urgent]
