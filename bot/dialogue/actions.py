"""Actions the engine runs: responses, Rasa's default actions, forms and custom actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.dialogue.domain import (
    ACTION_BACK,
    ACTION_DEACTIVATE_LOOP,
    ACTION_DEFAULT_FALLBACK,
    ACTION_LISTEN,
    ACTION_RESTART,
    ACTION_SESSION_START,
    ACTION_TWO_STAGE_FALLBACK,
    REQUESTED_SLOT,
    SESSION_STARTED_METADATA,
    Domain,
)
from bot.dialogue.responses import ResponseRenderer
from bot.dialogue.tracker import Event, Tracker
from bot.engine.runner import ActionRejected, ActionRunner, action_call


@dataclass
class ActionContext:
    domain: Domain
    renderer: ResponseRenderer
    runner: ActionRunner
    custom_actions: set[str]
    channel: str | None = None
    domain_dict: dict[str, Any] = field(default_factory=dict)
    clock: Callable[[], float] | None = None


class Action(Protocol):
    name: str

    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]: ...


def bot_event(message: dict[str, Any]) -> Event:
    data = {k: v for k, v in message.items() if k not in {"text", "response", "template"} and v}
    return {
        "event": "bot",
        "text": message.get("text"),
        "data": data,
        "metadata": {"utter_action": message.get("response")} if message.get("response") else {},
    }


def utter(name: str, tracker: Tracker, ctx: ActionContext, **extra: Any) -> list[Event]:
    message = ctx.renderer.render(name, ctx.channel, tracker.slots, extra)
    return [bot_event(message)] if message else []


@dataclass
class UtterAction:
    name: str

    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        return utter(self.name, tracker, ctx)


@dataclass
class RetrievalAction:
    """Rasa's `utter_<retrieval intent>`: the answer the ResponseSelector chose for the
    latest message (its own selector's, else the default one's); nothing without one."""

    name: str

    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        chosen = selected_answer(tracker.latest_message, self.name[len("utter_"):])
        return utter(chosen, tracker, ctx) if chosen else []


def selected_answer(parse: dict[str, Any], intent: str) -> str | None:
    """The `utter_<intent>/<answer>` a parse's response selector chose for `intent`."""
    selectors = parse.get("response_selector") or {}
    selected = selectors.get(intent) or selectors.get("default") or {}
    utter_action = (selected.get("response") or {}).get("utter_action")
    if not utter_action or not str(utter_action).startswith(f"utter_{intent}/"):
        return None
    return str(utter_action)


@dataclass
class ListenAction:
    name: str = ACTION_LISTEN

    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        return []


@dataclass
class SessionStartAction:
    """Rasa's default: a new session, slots carried over, then listen."""

    name: str = ACTION_SESSION_START

    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        events: list[Event] = [{"event": "session_started"}]
        if ctx.domain.carry_over_slots:
            events += [
                {"event": "slot", "name": key, "value": value}
                for key, value in tracker.slots.items()
                if value is not None and key != SESSION_STARTED_METADATA
            ]
        metadata = tracker.slots.get(SESSION_STARTED_METADATA)
        if metadata:
            events.append({"event": "slot", "name": SESSION_STARTED_METADATA, "value": metadata})
        events.append({"event": "action", "name": ACTION_LISTEN})
        return events


@dataclass
class RestartAction:
    name: str = ACTION_RESTART

    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        return [*utter("utter_restart", tracker, ctx), {"event": "restart"}]


@dataclass
class DefaultFallbackAction:
    name: str = ACTION_DEFAULT_FALLBACK

    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        return [*utter("utter_default", tracker, ctx), {"event": "rewind"}]


@dataclass
class DeactivateLoopAction:
    name: str = ACTION_DEACTIVATE_LOOP

    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        return [{"event": "active_loop", "name": None},
                {"event": "slot", "name": REQUESTED_SLOT, "value": None}]


@dataclass
class BackAction:
    name: str = ACTION_BACK

    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        return [*utter("utter_back", tracker, ctx), {"event": "rewind"}, {"event": "rewind"}]


@dataclass
class RemoteAction:
    """A custom action from `actions/`, run through rasa_sdk (in-process or over HTTP)."""

    name: str

    def run(self, tracker: Tracker, ctx: ActionContext) -> list[Event]:
        call = action_call(self.name, tracker.as_dict(), ctx.domain_dict)
        try:
            result = ctx.runner.run(call)
        except ActionRejected:
            return [{"event": "action_execution_rejected", "name": self.name}]
        events: list[Event] = []
        for response in result.responses:
            name = response.get("response") or response.get("template")
            if name:
                kwargs = {k: v for k, v in response.items() if k not in {"response", "template"}}
                rendered = ctx.renderer.render(name, ctx.channel, tracker.slots, kwargs)
                if rendered:
                    # As Rasa does: buttons sent with a response are added to its own.
                    extra_buttons = list(kwargs.get("buttons") or [])
                    if extra_buttons:
                        rendered["buttons"] = [*(rendered.get("buttons") or []), *extra_buttons]
                    events.append(bot_event(rendered))
            elif response.get("text") or response.get("custom") or response.get("buttons"):
                events.append(bot_event(response))
        events.extend(result.events)
        return events


def default_action(name: str) -> Action | None:
    actions: dict[str, Callable[[], Action]] = {
        ACTION_LISTEN: ListenAction,
        ACTION_SESSION_START: SessionStartAction,
        ACTION_RESTART: RestartAction,
        ACTION_DEFAULT_FALLBACK: DefaultFallbackAction,
        ACTION_TWO_STAGE_FALLBACK: DefaultFallbackAction,
        ACTION_DEACTIVATE_LOOP: DeactivateLoopAction,
        ACTION_BACK: BackAction,
    }
    factory = actions.get(name)
    return factory() if factory else None
