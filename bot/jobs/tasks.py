"""Background jobs (run by `python -m bot worker`): texts sent through Twilio's REST API.

- `notify_staff`: each number in STAFF_NOTIFY_NUMBERS gets a text with no PHI at all
  (reference, channel, urgency, console link).
- `send_staff_reply`: a specialist's reply from the console, to the patient; their text
  replies then go to the escalation (even one opened by a phone call).

Sending has no idempotency key at Twilio, so every text is recorded before it is sent
and after: intent (`sending`), then the result. A retry never sends again what Twilio
accepted; when the result is unknown (no answer in time, the worker died mid-send), the
text is marked unconfirmed for the staff to check, never sent twice. Failures that can
pass (Twilio 5xx, unreachable) raise, and RQ retries them with backoff; the failure
callbacks record every failed attempt on the escalation, and the last one as `failed`,
which the console shows.
"""

from __future__ import annotations

import logging
from typing import Any

import redis

from bot.jobs import queue as notify
from bot.jobs.paging import console_base, text_staff
from bot.jobs.queue import ATTEMPTS, reply_field
from bot.jobs.sending import (
    NOT_CONFIGURED,
    SENT_TTL,
    Context,
    Refused,
    SendFailed,
    Unconfirmed,
    _configuration_problem,
    _context,
    _text,
    send_text,
)
from bot.jobs.twilio_rest import twilio_client
from bot.privacy import mask_phone
from bot.records.consent import ConsentLedger
from bot.records.escalation import Escalation
from bot.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["SENT_TTL", "Refused", "SendFailed", "Unconfirmed", "notify_staff", "send_staff_reply",
           "send_text"]

NO_NUMBERS = ("no staff numbers to text: set STAFF_NOTIFY_NUMBERS (comma-separated, e.g. "
              "+15551234567,+15557654321) and TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
              "TWILIO_PHONE_NUMBER to text staff when an escalation opens")
CHANNELS = {"twilio_sms": "SMS", "twilio_voice": "phone call", "cmdline": "shell",
            "rest": "web chat"}

# Move a reply from queued/retrying to sending; anything else is returned as it is.
_CLAIM_REPLY = """
local status = redis.call('HGET', KEYS[1], ARGV[1])
if status == 'queued' or status == 'retrying' then
  redis.call('HSET', KEYS[1], ARGV[1], 'sending')
  return 'claimed'
end
return status or ''
"""


# -- staff notifications ------------------------------------------------------------------
def channel_label(channel: str) -> str:
    return CHANNELS.get(channel, channel or "unknown channel")


def console_link(settings: Settings, reference: str) -> str:
    return f"{console_base(settings)}/staff/escalations/{reference}"


def notification_text(reference: str, channel: str, urgency: str, link: str) -> str:
    """No PHI: nothing about the patient, not even the last digits of their number."""
    label = "URGENT escalation" if urgency == "urgent" else "Escalation"
    return (f"NH Support Line: {label} {reference} ({channel_label(channel)}). "
            f"Open the console: {link}")


def notify_staff(reference: str) -> str:
    ctx = _context()
    escalation = ctx.store.get(reference)
    if escalation is None:
        return "escalation gone"
    settings = ctx.settings
    numbers = settings.staff_notify_numbers
    if not numbers:
        # Nothing was meant to be sent (a local try-out): said calmly, with what to set.
        ctx.store.update(reference, "worker", "staff not texted", NO_NUMBERS,
                         fields={"notify_status": NOT_CONFIGURED, "notify_detail": NO_NUMBERS})
        log.info("staff notification for %s: not configured (STAFF_NOTIFY_NUMBERS)", reference)
        return "not configured"
    problem = _configuration_problem(settings)
    if problem:
        ctx.store.update(reference, "worker", "staff not notified", problem,
                         fields={"notify_status": "failed", "notify_detail": problem})
        log.error("staff notification for %s not sent: %s", reference, problem)
        return "not configured"
    body = notification_text(reference, escalation.channel, escalation.urgency,
                             console_link(settings, reference))
    # A raised urgency is a new event worth a new text.
    retry, problems = text_staff(ctx, f"{reference}:{escalation.urgency}", body)
    if retry:
        raise SendFailed("; ".join(retry + problems))
    if problems:
        detail = "; ".join(problems)
        ctx.store.update(reference, "worker", "staff notification failed", detail,
                         fields={"notify_status": "failed", "notify_detail": detail})
        log.error("staff notification for %s: %s", reference, detail)
        return "failed"
    ctx.store.update(reference, "worker", "staff notified", present_count(len(numbers), "number"),
                     fields={"notify_status": "sent", "notify_detail": ""})
    return "sent"


def present_count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _attempt_note(job: Any, exc_type: Any, exc_value: Any) -> tuple[bool, str]:
    """(whether RQ will try again, a PHI-free note on this failed attempt)."""
    retries_left = int(job.retries_left or 0)
    attempt = ATTEMPTS - retries_left
    own = exc_type in {SendFailed, Refused, Unconfirmed}
    reason = str(exc_value) if own else getattr(exc_type, "__name__", "error")
    if retries_left > 0:
        return True, (f"attempt {attempt} of {ATTEMPTS} failed ({reason}); "
                      f"trying again in {job.get_retry_interval()} s")
    return False, f"all {ATTEMPTS} attempts failed ({reason})"


def record_notification_failure(job: Any, connection: Any, exc_type: Any, exc_value: Any,
                                traceback: Any) -> None:
    """RQ calls this after every failed attempt: the escalation shows `retrying`, and
    `failed` once no retry is left."""
    reference = job.args[0] if job.args else "?"
    ctx = _context(connection)
    again, detail = _attempt_note(job, exc_type, exc_value)
    status = "retrying" if again else "failed"
    ctx.store.update(reference, "worker", f"staff notification {status}", detail,
                     fields={"notify_status": status, "notify_detail": detail})
    (log.warning if again else log.error)("staff notification for %s: %s", reference, detail)


# -- staff replies ----------------------------------------------------------------------
def _reply_result(ctx: Context, reference: str, reply_id: str, status: str, detail: str,
                  action: str) -> str:
    ctx.store.update(reference, "worker", action, detail, fields={
        reply_field(reply_id, "status"): status,
        reply_field(reply_id, "detail"): detail,
    })
    return status


def send_staff_reply(reference: str, reply_id: str) -> str:
    ctx = _context()
    escalation = ctx.store.get(reference)
    if escalation is None:
        return "escalation gone"
    key = ctx.keys.escalation(reference)
    claimed = ctx.client.eval(_CLAIM_REPLY, 1, key, reply_field(reply_id, "status"))
    claimed = _text(claimed)
    if claimed == notify.SENDING:
        return _reply_result(ctx, reference, reply_id, notify.UNCONFIRMED,
                             "an earlier attempt was cut off while sending; it may have "
                             "arrived: check with the patient before sending it again",
                             "reply unconfirmed")
    if claimed != "claimed":
        return claimed or "reply gone"  # already sent, failed or unconfirmed: never twice
    # Consent is checked again here: the patient may have texted STOP since it was queued.
    if ConsentLedger(ctx.client, ctx.keys).is_opted_out(escalation.phone):
        return _reply_result(ctx, reference, reply_id, notify.FAILED,
                             "the patient has opted out of texts (STOP)",
                             "reply not sent")
    problem = _configuration_problem(ctx.settings)
    if problem:
        return _reply_result(ctx, reference, reply_id, notify.FAILED, problem, "reply not sent")
    text = _text(ctx.client.hget(key, reply_field(reply_id, "text")))
    try:
        sid = send_text(twilio_client(ctx.settings), to=escalation.phone,
                        from_=ctx.settings.twilio_phone_number or "", body=text)
    except SendFailed:
        ctx.client.hset(key, reply_field(reply_id, "status"), notify.RETRYING)
        raise
    except Refused as exc:
        return _reply_result(ctx, reference, reply_id, notify.FAILED, str(exc),
                             "reply not sent")
    except Unconfirmed as exc:
        status = _reply_result(ctx, reference, reply_id, notify.UNCONFIRMED,
                               f"{exc}; it may have arrived: check with the patient before "
                               "sending it again", "reply unconfirmed")
        _answers_come_here(ctx, escalation)  # it may have arrived, and an answer with it
        return status
    log.info("staff reply on %s sent to %s (%s)", reference, mask_phone(escalation.phone), sid)
    status = _reply_result(ctx, reference, reply_id, notify.SENT, "", "reply sent")
    _answers_come_here(ctx, escalation)
    return status


def _answers_come_here(ctx: Context, escalation: Escalation) -> None:
    """The patient may text back: their SMS conversation (keyed by their number, as
    bot/channels/sms/webhook.py keys it) goes to this escalation, unless another open
    escalation has it. A phone call's escalation needs this; an SMS one has it already.
    Never raises: the text is out, and a failed job would be retried and send it again."""
    try:
        taken = ctx.store.hand_over_conversation(escalation.reference, escalation.phone,
                                                 "worker")
    except redis.RedisError as exc:
        log.error("texts from %s NOT handed to %s: %s", mask_phone(escalation.phone),
                  escalation.reference, type(exc).__name__)
        return
    if not taken:
        log.info("texts from %s stay with another open escalation than %s",
                 mask_phone(escalation.phone), escalation.reference)


def record_reply_failure(job: Any, connection: Any, exc_type: Any, exc_value: Any,
                         traceback: Any) -> None:
    """After every failed attempt of a staff reply (see record_notification_failure)."""
    reference, reply_id = (list(job.args) + ["?", "?"])[:2]
    ctx = _context(connection)
    status_field = reply_field(reply_id, "status")
    current = _text(ctx.client.hget(ctx.keys.escalation(reference), status_field))
    if current == notify.SENDING:
        # Cut off mid-send (e.g. the job timed out): it may have gone out. Never resend.
        _reply_result(ctx, reference, reply_id, notify.UNCONFIRMED,
                      f"cut off while sending ({getattr(exc_type, '__name__', 'error')}); it may "
                      "have arrived: check with the patient before sending it again",
                      "reply unconfirmed")
        return
    again, detail = _attempt_note(job, exc_type, exc_value)
    _reply_result(ctx, reference, reply_id, notify.RETRYING if again else notify.FAILED, detail,
                  "reply retrying" if again else "reply not sent")
    (log.warning if again else log.error)("staff reply on %s: %s", reference, detail)


