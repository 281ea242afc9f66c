"""Sending one text through Twilio's REST API from a job, and what a job needs: the
worker's settings from its environment, Redis from the running job. Errors carry no PHI."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import redis

from bot.records.connection import client_for_url
from bot.records.escalations import EscalationStore
from bot.records.keys import Keys
from bot.settings import Settings


class SendFailed(Exception):
    """Twilio did not take the text, and trying again may work (RQ retries)."""


class Refused(Exception):
    """Twilio refused the text for good (a 4xx answer): trying again cannot help."""


class Unconfirmed(Exception):
    """The request may have reached Twilio, but no answer came: it may have been sent."""


def _text(value: Any) -> str:
    """A Redis answer as text ('' for none)."""
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass
class Context:
    settings: Settings
    client: redis.Redis
    store: EscalationStore
    keys: Keys


def _context(connection: Any = None) -> Context:
    """Settings from the worker's environment; Redis from the running job."""
    from rq import get_current_job

    settings = Settings.from_env()
    if connection is None:
        job = get_current_job()
        connection = job.connection if job is not None else client_for_url(os.environ["REDIS_URL"])
    keys = Keys(settings.key_prefix, settings.pseudonym_secret)
    return Context(settings, connection, EscalationStore(connection, keys), keys)


def _configuration_problem(settings: Settings) -> str | None:
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set"
    if not settings.twilio_phone_number:
        return "TWILIO_PHONE_NUMBER is not set"
    return None


def send_text(rest: Any, *, to: str, from_: str, body: str) -> str:
    """One text through the REST client; its message SID. Errors carry no PHI."""
    import requests
    from twilio.base.exceptions import TwilioRestException
    from urllib3.exceptions import ConnectTimeoutError

    try:
        return str(rest.messages.create(to=to, from_=from_, body=body).sid)
    except TwilioRestException as exc:
        code = f"HTTP {exc.status}, error {exc.code}" if exc.code else f"HTTP {exc.status}"
        if 400 <= exc.status < 500 and exc.status != 429:
            raise Refused(f"Twilio refused it ({code})") from None
        raise SendFailed(f"Twilio answered {code}") from None
    except requests.ConnectionError as exc:
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(exc, requests.ConnectTimeout) or isinstance(reason, ConnectTimeoutError):
            raise SendFailed("Twilio could not be reached") from None  # nothing was sent
        raise Unconfirmed("the connection to Twilio broke before it answered") from None
    except requests.Timeout:
        raise Unconfirmed("Twilio did not answer in time") from None
