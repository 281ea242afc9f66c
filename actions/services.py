"""What the actions need from outside: the pharmacy's records and settings.

In-process, the engine builds each action with the `Services` its process already has
(bot/parts.py). On a rasa_sdk action server (`python -m rasa_sdk --actions actions`),
rasa_sdk builds the actions itself with no arguments: they then build their services
once from the same environment variables the web processes read (REDIS_URL, ...).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rasa_sdk import Tracker

from bot.hours import BusinessHours, when
from bot.records.escalations import EscalationStore
from bot.records.refills import RefillStore


@dataclass(frozen=True)
class Services:
    escalations: EscalationStore
    refills: RefillStore
    hours: BusinessHours
    support_phone: str
    clock: Callable[[], float] = field(default=time.time)
    bereavement_resource: str = ""


@functools.lru_cache(maxsize=1)
def from_environment() -> Services:
    """An action server's services, from its environment (built once per process)."""
    from bot.parts import action_services_from_environment

    return action_services_from_environment()


class ServiceAction:
    """For an action that reads or writes the pharmacy's records (a mixin beside rasa_sdk's
    Action, which rasa_sdk would otherwise try to register as an action of its own)."""

    def __init__(self, services: Services | None = None) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = from_environment()
        return self._services


_PHONE_NUMBER = re.compile(r"^\+\d{6,15}$")


def patient_phone(tracker: Tracker) -> str:
    """The patient's number: the message metadata a Twilio channel added, else the sender
    id if it is a phone number; "" for a web chat or the shell, which have no number."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    if metadata.get("phone"):
        return str(metadata["phone"])
    return tracker.sender_id if _PHONE_NUMBER.match(tracker.sender_id or "") else ""


def channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"


REFILL_DETAILS = ("prescription_number", "date_of_birth")
READBACK = "utter_ask_refill_confirmed"


def _gave_refill_details(events: list[dict[str, Any]], index: int, asking: Any) -> bool:
    """Was the user message at `index` an answer to the refill form's questions: read as a
    number or date (`inform`), or taken as one of its details?"""
    if asking not in REFILL_DETAILS:
        return False
    intent = ((events[index].get("parse_data") or {}).get("intent") or {}).get("name")
    if intent == "inform":
        return True
    for event in events[index + 1:]:
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") in REFILL_DETAILS and event.get("value"):
            return True
    return False


SESSION_START = "action_session_start"
URGENT_PREFIX = "utter_emergency"  # the 911 (or 988) line: sent first in its turn


def _said_first(event: dict[str, Any]) -> bool:
    return str((event.get("metadata") or {}).get("utter_action") or "").startswith(URGENT_PREFIX)


def transcript(tracker: Tracker, turns: int = 20) -> list[dict[str, Any]]:
    """The last `turns` turns of the conversation, for the specialist, in the order the
    patient saw them: each message, then what the bot answered, the 911 line first (as
    it was sent). Rasa logs a session's start before the message that began it, so the
    introduction is put after that message; a session begun before any message (a call
    being answered) keeps its introduction first. The bot's replies to the latest
    message are left out: that turn is under way, and the processor adds its replies as
    they were sent. What was given to verify a refill (and its read-back on a call) is
    left out: staff see the request itself, which holds it (minimum necessary)."""
    done: list[list[dict[str, Any]]] = []  # turns: the patient's line, then the bot's
    said: list[dict[str, Any]] = []  # bot events of the turn being read
    patient: dict[str, Any] | None = None
    started: list[dict[str, Any]] = []  # a session's introduction, waiting for its message
    in_start = before_message = False
    asking: Any = None
    events = list(tracker.events)

    def close() -> None:
        lines = [patient] if patient else []
        lines += [_line("bot", e) for e in sorted(said, key=lambda e: not _said_first(e))]
        if lines:
            done.append(lines)

    for index, event in enumerate(events):
        kind = event.get("event")
        if kind == "action" and event.get("name") == SESSION_START:
            in_start = True
            before_message = bool((event.get("metadata") or {}).get("before_message"))
        elif kind == "slot" and event.get("name") == "requested_slot":
            asking = event.get("value")
        elif kind == "active_loop" and not event.get("name"):
            asking = None
        elif kind == "user":
            close()
            text = event.get("text") or ""
            if _gave_refill_details(events, index, asking):
                text = "(refill details given)"
            patient = {"from": "patient", "text": text, "time": event.get("timestamp")} if text else None
            said, started, in_start = started, [], False
        elif kind == "bot" and event.get("text"):
            if in_start and not before_message:
                started.append(event)
            else:
                said.append(event)
    if patient is not None:
        done.append([patient])  # the latest message: its replies are still being said
    elif said or started:
        said += started
        close()  # a session begun before any message: the caller heard this first
    return [line for turn in done[-turns:] for line in turn]


def _line(who: str, event: dict[str, Any]) -> dict[str, Any]:
    text = event["text"]
    if (event.get("metadata") or {}).get("utter_action") == READBACK:
        text = "(refill details read back)"
    return {"from": who, "text": text, "time": event.get("timestamp")}


def last_message_time(tracker: Tracker) -> float | None:
    stamps = [e.get("timestamp") for e in tracker.events if e.get("event") == "user" and e.get("timestamp")]
    return float(stamps[-1]) if stamps else None


def next_opening(tracker: Tracker, hours: BusinessHours) -> str:
    """When a specialist is next there, said as the patient would say it."""
    now = last_message_time(tracker) or time.time()
    local = datetime.fromtimestamp(now, tz=hours.zone)
    return when(hours.next_opening(now), local, str(tracker.get_slot("language") or "en"))


def open_now(tracker: Tracker, hours: BusinessHours) -> bool:
    """Is the pharmacy open at the time of the patient's latest message?"""
    when = last_message_time(tracker)
    return True if when is None else hours.is_open_at(when)  # no time to go by: say nothing


def language(tracker: Tracker) -> str:
    """The conversation's language (the engine keeps the `language` slot): "en" or "es"."""
    return "es" if str(tracker.get_slot("language") or "").lower() == "es" else "en"


def handed_over(tracker: Tracker) -> bool:
    """Does a person have the conversation (the engine says so in the message's metadata)?"""
    return bool(((tracker.latest_message or {}).get("metadata") or {}).get("handed_over"))
