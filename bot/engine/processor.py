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

from bot.dialogue.actions import Action, ActionContext, RemoteAction, UtterAction, default_action
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
from bot.nlu.safety import EMERGENCY_INTENT

log = logging.getLogger(__name__)
# Custom actions that open or join an escalation (actions/handoff.py).
ESCALATING_ACTIONS = {"action_handoff", "action_emergency", "action_fallback"}

MAX_ACTIONS_PER_MESSAGE = 10


class Parser(Protocol):
    def parse(self, text: str) -> dict[str, Any]: ...


class Conversations(Protocol):
    def hold(self, sender_id: str, message_id: str | None = None) -> AbstractContextManager[Conversation]: ...

    def pseudonym(self, sender_id: str) -> str: ...


class HandoffDesk(Protocol):
    """Where messages of a conversation handed to a person go (the escalation queue)."""

    def record_patient_message(self, reference: str, text: str, channel: str) -> str | None:
        """Add the message to the escalation; return a response name to acknowledge it."""

    def record_bot_messages(self, reference: str, texts: list[str]) -> None:
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
            self._start_session_if_needed(tracker, ctx, message.metadata)
            tracker.update(self._stamp(self._user_event(message, parse_data)))
            intent = parse_data["intent"]["name"]
            emergency = intent == EMERGENCY_INTENT
            handoff = conversation.handoff
            if handoff and not emergency and self.desk is not None:
                replies = self._hand_off(tracker, ctx, handoff, message)
            else:
                for event in extract_slots(tracker, self.domain):
                    tracker.update(self._stamp(event))
                self._predict_and_run(tracker, ctx)
                replies = None
            conversation.save(tracker.new_events, replace=tracker.replaced)
        if replies is not None:
            self._copy_to_escalation(handoff, [reply.text for reply in replies])
            return Turn(replies, intent, handed_off=True)
        replies = self._emergency_first([BotReply.from_event(e) for e in tracker.latest_bot_utterances()])
        if self.desk is not None and self._escalating(tracker.new_events):
            self._copy_to_escalation(self.desk.open_reference(message.sender_id), [r.text for r in replies])
        actions = [e["name"] for e in tracker.new_events
                   if e.get("event") == "action" and e.get("policy")]
        log.info("turn conv=%s channel=%s intent=%s replies=%d",
                 self.store.pseudonym(message.sender_id), message.input_channel, intent, len(replies))
        return Turn(replies, intent, emergency=emergency, actions=actions,
                    requested_slot=self._requested_slot(tracker))

    def start_session(self, sender_id: str, channel: str, metadata: dict[str, Any]) -> Turn:
        """Begin a conversation before its first message (a phone call being answered)."""
        with self.store.hold(sender_id) as conversation:
            tracker = Tracker(sender_id, self.domain, conversation.events)
            self._start_session_if_needed(tracker, self._context(channel), metadata, before_message=True)
            conversation.save(tracker.new_events, replace=tracker.replaced)
        return Turn([BotReply.from_event(e) for e in tracker.latest_bot_utterances()])

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

    def _user_event(self, message: UserMessage, parse_data: dict[str, Any]) -> Event:
        return {
            "event": "user",
            "text": message.text,
            "parse_data": parse_data,
            "input_channel": message.input_channel,
            "message_id": message.message_id,
            "metadata": message.metadata,
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
                                 *, before_message: bool = False) -> None:
        if not self._session_expired(tracker):
            return
        first: list[Event] = [{"event": "slot", "name": SESSION_STARTED_METADATA, "value": metadata or None}]
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

    def _hand_off(self, tracker: Tracker, ctx: ActionContext, reference: str,
                  message: UserMessage) -> list[BotReply]:
        """The conversation is with a person: keep the message for them, don't answer it."""
        assert self.desk is not None
        response = self.desk.record_patient_message(reference, message.text, message.input_channel)
        tracker.update(self._stamp({"event": "action", "name": ACTION_LISTEN}))
        if response is None:
            return []
        events = UtterAction(response).run(tracker, ctx)
        for event in events:
            tracker.update(self._stamp(event))
        return [BotReply.from_event(e) for e in events if e.get("event") == "bot"]

    @staticmethod
    def _requested_slot(tracker: Tracker) -> str | None:
        return tracker.slots.get("requested_slot") if tracker.active_loop_name else None

    @staticmethod
    def _escalating(events: list[Event]) -> bool:
        """Did this turn run an action that may open or join an escalation? Its transcript
        then ends with the patient's message, and this turn's replies go after it, in the
        order they were sent (actions/services.py `transcript`)."""
        return any(e.get("event") == "action" and e.get("name") in ESCALATING_ACTIONS for e in events)

    def _copy_to_escalation(self, reference: str | None, texts: list[str]) -> None:
        if not reference or not texts or self.desk is None:
            return
        try:
            self.desk.record_bot_messages(reference, texts)
        except Exception as exc:  # the patient has their answer; the copy is for staff
            log.error("bot replies not copied to %s: %s", reference, type(exc).__name__)

    def _action(self, name: str) -> Action:
        if name in self.custom_actions:
            return RemoteAction(name)
        if name in self.domain.forms:
            return FormAction(name)
        if name.startswith("utter_") and name in self.domain.responses:
            return UtterAction(name)
        action = default_action(name)
        if action is None:
            raise LookupError(f"no action named {name!r}")
        return action

    @staticmethod
    def _emergency_first(replies: list[BotReply]) -> list[BotReply]:
        """The 911 instruction goes before anything else said in the same turn."""
        return [r for r in replies if r.urgent] + [r for r in replies if not r.urgent]
