"""What the actions need from outside: Redis and the record stores, built from the
environment once per process (rasa_sdk instantiates actions itself, so nothing can be
handed to them)."""

from __future__ import annotations

import functools
import os
import re
from typing import Any

from rasa_sdk import Tracker

from bot.hours import BusinessHours
from bot.jobs.queue import enqueue_staff_notification
from bot.records.connection import client_for_url
from bot.records.escalations import EscalationStore
from bot.records.keys import Keys
from bot.records.refills import RefillStore
from bot.settings import Settings


@functools.lru_cache(maxsize=4)
def _client(url: str) -> Any:
    return client_for_url(url)


def settings() -> Settings:
    return Settings.from_env()


def _redis() -> Any:
    url = os.environ.get("REDIS_URL")
    if not url:
        raise RuntimeError("REDIS_URL is not set for the actions")
    return _client(url)


def escalations() -> EscalationStore:
    client = _redis()
    keys = Keys(settings().key_prefix)
    return EscalationStore(
        client,
        keys,
        on_opened=lambda reference: enqueue_staff_notification(client, keys.prefix, reference),
    )


def refills() -> RefillStore:
    return RefillStore(_redis(), Keys(settings().key_prefix))


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


def transcript(tracker: Tracker, turns: int = 20) -> list[dict[str, Any]]:
    """The last `turns` turns of the conversation, for the specialist."""
    lines = [
        {"from": "patient" if e["event"] == "user" else "bot", "text": e.get("text") or "",
         "time": e.get("timestamp")}
        for e in tracker.events
        if e.get("event") in {"user", "bot"} and e.get("text")
    ]
    return lines[-turns * 2 :]


def open_now(tracker: Tracker) -> bool:
    """Is the pharmacy open at the time of the patient's latest message?"""
    current = settings()
    hours = BusinessHours.parse(current.business_hours, current.timezone)
    stamps = [e.get("timestamp") for e in tracker.events if e.get("event") == "user" and e.get("timestamp")]
    if not stamps:
        return True  # no time to go by: say nothing about being closed
    return hours.is_open_at(float(stamps[-1]))
