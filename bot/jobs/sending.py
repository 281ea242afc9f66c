"""Sending texts through Twilio's REST API from a job, each once, and what a job needs:
the worker's settings from its environment, Redis from the running job. Errors carry
no PHI."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from bot.jobs.twilio_rest import twilio_client
from bot.privacy import mask_phone
from bot.records.connection import client_for_url
from bot.records.escalations import EscalationStore
from bot.records.keys import Keys
from bot.settings import Settings

log = logging.getLogger(__name__)

SENT_TTL = 30 * 24 * 3600  # a text's "sent" mark


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


NOT_CONFIGURED = "not_configured"


@dataclass
class Outcome:
    """What texting several numbers came to: those to try again, those that failed for
    good (masked, with why), and how many went out."""

    retry: list[str]
    problems: list[str]
    sent: int


def send_to_each(ctx: Context, numbers: list[str], body: str, marker_for: Callable[[str], str],
                 what: str) -> Outcome:
    """Text `body` to each number once: the marker `marker_for(number)` records the intent
    before sending and the result after, so a retry never sends again what Twilio took
    (and one cut off mid-send is reported, not repeated). `what` names it in the log."""
    rest = twilio_client(ctx.settings)
    outcome = Outcome([], [], 0)
    for number in numbers:
        marker = marker_for(number)
        if not ctx.client.set(marker, b"sending", nx=True, ex=SENT_TTL):
            state = _text(ctx.client.get(marker))
            if state == "sending":
                outcome.problems.append(f"{mask_phone(number)}: unconfirmed, an earlier try was cut off")
            elif state != "sent":
                outcome.problems.append(f"{mask_phone(number)}: {state}")
            continue
        try:
            sid = send_text(rest, to=number, from_=ctx.settings.twilio_phone_number or "", body=body)
        except SendFailed as exc:
            ctx.client.delete(marker)  # not sent: the next attempt may send it
            outcome.retry.append(f"{mask_phone(number)}: {exc}")
        except Refused as exc:
            ctx.client.set(marker, str(exc).encode(), ex=SENT_TTL)
            outcome.problems.append(f"{mask_phone(number)}: {exc}")
        except Unconfirmed as exc:
            outcome.problems.append(f"{mask_phone(number)}: unconfirmed, {exc}")
        else:
            ctx.client.set(marker, b"sent", ex=SENT_TTL)
            outcome.sent += 1
            log.info("%s: texted %s (%s)", what, mask_phone(number), sid)
    return outcome


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
