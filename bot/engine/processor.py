"""`handle_message`: one user message in, the bot's replies out.

Read top to bottom, it is the pipeline: parse, lock the conversation, load it, start a
new session if the last one expired, log the message, fill slots, then let the policies
pick actions until the bot listens again, and save everything in one transaction.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.dialogue.actions import Action, ActionContext, RemoteAction, UtterAction, default_action
from bot.dialogue.domain import ACTION_LISTEN, ACTION_SESSION_START, SESSION_STARTED_METADATA, Domain
from bot.dialogue.forms import FormAction
from bot.dialogue.policies import PolicyEnsemble
from bot.dialogue.responses import ResponseRenderer
from bot.dialogue.slot_mappings import extract_slots
from bot.dialogue.tracker import Event, Tracker
from bot.engine.lock import ConversationLock
from bot.engine.runner import ActionRunner
from bot.engine.tracker_store import RedisTrackerStore
from bot.nlu.safety import EMERGENCY_INTENT
from bot.records.keys import conversation_id

log = logging.getLogger(__name__)
# Custom actions that open or join an escalation (actions/handoff.py).
ESCALATING_ACTIONS = {"action_handoff", "action_emergency", "action_fallback"}

MAX_ACTIONS_PER_MESSAGE = 10
_INTENT_SHORTCUT = re.compile(r"^/(?P<intent>[A-Za-z0-9_-]+)(?P<entities>\{.*\})?$", re.DOTALL)


@dataclass
class UserMessage:
    text: str
    sender_id: str
    input_channel: str
    message_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class TurnResult:
    messages: list[dict[str, Any]]
    intent: str | None = None
    duplicate: bool = False
    handed_off: bool = False
    emergency: bool = False
    actions: list[str] = field(default_factory=list)


class Parser(Protocol):
    def parse(self, text: str) -> dict[str, Any]: ...


class HandoffDesk(Protocol):
    """Where messages of a conversation handed to a person go (the escalation queue)."""

    def record_patient_message(self, reference: str, text: str, channel: str) -> str | None:
        """Add the message to the escalation; return a response name to acknowledge it."""

    def record_bot_messages(self, reference: str, texts: list[str]) -> None:
        """Add what the bot said to the escalation's transcript."""

    def open_reference(self, sender_id: str) -> str | None:
        """The conversation's open escalation, if any."""


def parse_shortcut(text: str) -> dict[str, Any] | None:
    """Rasa's `/intent{"entity": "value"}` syntax, used by buttons and the keypad."""
    match = _INTENT_SHORTCUT.match(text.strip())
    if not match:
        return None
    entities = []
    if match.group("entities"):
        try:
            values = json.loads(match.group("entities"))
        except json.JSONDecodeError:
            values = {}
        entities = [{"entity": k, "value": v} for k, v in values.items()] if isinstance(values, dict) else []
    intent = {"name": match.group("intent"), "confidence": 1.0}
    return {"text": text, "intent": intent, "entities": entities, "intent_ranking": [intent]}


class MessageProcessor:
    def __init__(
        self,
        *,
        domain: Domain,
        parser: Parser,
        ensemble: PolicyEnsemble,
        runner: ActionRunner,
        custom_actions: set[str],
        store: RedisTrackerStore,
        lock: ConversationLock,
        renderer: ResponseRenderer,
        desk: HandoffDesk | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.domain = domain
        self.parser = parser
        self.ensemble = ensemble
        self.runner = runner
        self.custom_actions = custom_actions
        self.store = store
        self.lock = lock
        self.renderer = renderer
        self.desk = desk
        self.clock = clock
        self._domain_dict = domain.as_dict()

    # -- the pipeline -----------------------------------------------------------------
    def handle_message(self, message: UserMessage) -> TurnResult:
        parse_data = self.parse(message.text)
        intent = parse_data["intent"]["name"]
        sender, message_id = message.sender_id, message.message_id
        with self.lock.hold(sender, prefetch=lambda p: self.store.queue_load(p, sender, message_id)) as lease:
            assert lease.prefetched is not None
            loaded = self.store.loaded(lease.prefetched, message_id)
            if loaded.duplicate:
                return TurnResult([], intent, duplicate=True)
            tracker = Tracker(message.sender_id, self.domain, loaded.events)
            ctx = self._context(message.input_channel)
            self._start_session_if_needed(tracker, ctx, message.metadata)
            tracker.update(self._stamp(self._user_event(message, parse_data)))
            emergency = intent == EMERGENCY_INTENT
            if loaded.handoff and not emergency and self.desk is not None:
                reply = self._hand_off(tracker, ctx, loaded.handoff, message)
            else:
                for event in extract_slots(tracker, self.domain):
                    tracker.update(self._stamp(event))
                self._predict_and_run(tracker, ctx)
                reply = None
            self.store.save(
                message.sender_id,
                tracker.new_events,
                replace=tracker.replaced,
                message_id=message.message_id,
                also=lease.queue_release,
            )
            lease.released = True
        if reply is not None:
            self._copy_to_escalation(loaded.handoff, [m["text"] for m in reply])
            return TurnResult(reply, intent, handed_off=True)
        messages = self._emergency_first([self._message(e) for e in tracker.latest_bot_utterances()])
        said_after = self._said_after_escalating(tracker.new_events)
        if said_after and self.desk is not None:
            self._copy_to_escalation(self.desk.open_reference(sender), said_after)
        actions = [e["name"] for e in tracker.new_events
                   if e.get("event") == "action" and e.get("policy")]
        log.info(
            "turn conv=%s channel=%s intent=%s replies=%d",
            conversation_id(message.sender_id), message.input_channel, intent, len(messages),
        )
        return TurnResult(messages, intent, emergency=emergency, actions=actions)

    def start_session(self, sender_id: str, channel: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """Begin a conversation before its first message (a phone call being answered)."""
        with self.lock.hold(sender_id):
            loaded = self.store.load(sender_id)
            tracker = Tracker(sender_id, self.domain, loaded.events)
            self._start_session_if_needed(tracker, self._context(channel), metadata)
            self.store.save(sender_id, tracker.new_events, replace=tracker.replaced)
        return [self._message(e) for e in tracker.latest_bot_utterances()]

    def parse(self, text: str) -> dict[str, Any]:
        return parse_shortcut(text) or self.parser.parse(text)

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

    def _start_session_if_needed(self, tracker: Tracker, ctx: ActionContext, metadata: dict[str, Any]) -> None:
        if not self._session_expired(tracker):
            return
        first: list[Event] = [{"event": "slot", "name": SESSION_STARTED_METADATA, "value": metadata or None}]
        previous = Tracker(tracker.sender_id, self.domain, [*tracker.events, *first])
        action = self._action(ACTION_SESSION_START)
        events = action.run(previous, ctx)
        tracker.replace_session(
            [self._stamp(e) for e in
             [*first, {"event": "action", "name": ACTION_SESSION_START}, *events]]
        )

    def _predict_and_run(self, tracker: Tracker, ctx: ActionContext) -> None:
        for _ in range(MAX_ACTIONS_PER_MESSAGE):
            if tracker.paused and tracker.latest_intent != "restart":
                # As in Rasa: a paused conversation is logged, not answered.
                if tracker.latest_action_name != ACTION_LISTEN:
                    tracker.update(self._stamp({"event": "action", "name": ACTION_LISTEN}))
                return
            prediction = self.ensemble.predict(tracker)
            action = self._action(prediction.action)
            events = action.run(tracker, ctx)
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
                  message: UserMessage) -> list[dict[str, Any]]:
        """The conversation is with a person: keep the message for them, don't answer it."""
        assert self.desk is not None
        response = self.desk.record_patient_message(reference, message.text, message.input_channel)
        tracker.update(self._stamp({"event": "action", "name": ACTION_LISTEN}))
        if response is None:
            return []
        events = UtterAction(response).run(tracker, ctx)
        for event in events:
            tracker.update(self._stamp(event))
        return [self._message(e) for e in events if e.get("event") == "bot"]

    @staticmethod
    def _said_after_escalating(events: list[Event]) -> list[str]:
        """What the bot said in this turn from the first action that may open or join an
        escalation on: the escalation's transcript was taken before it was said."""
        said: list[str] = []
        started = False
        for event in events:
            if event.get("event") == "action" and event.get("name") in ESCALATING_ACTIONS:
                started = True
            elif started and event.get("event") == "bot" and event.get("text"):
                said.append(str(event["text"]))
        return said

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
    def _emergency_first(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The 911 instruction goes before anything else said in the same turn."""
        urgent = [m for m in messages if (m.get("response") or "").startswith("utter_emergency")]
        return urgent + [m for m in messages if m not in urgent]

    @staticmethod
    def _message(event: Event) -> dict[str, Any]:
        return {
            "text": event.get("text"),
            "response": (event.get("metadata") or {}).get("utter_action"),
            "data": event.get("data") or {},
        }
