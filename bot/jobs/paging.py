"""Texting the staff: each number in STAFF_NOTIFY_NUMBERS, never twice for one event, and
the summary text for escalations held back by the limits of bot/records/pages.py.

A summary names how many escalations (and how many urgent) were held in its minute and
links to the console's queue: no reference, no channel, nothing about any patient.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.jobs.sending import (
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
from bot.records.pages import PageLimits
from bot.settings import Settings

log = logging.getLogger(__name__)

SENT_TTL = 30 * 24 * 3600
FALLBACK_CONSOLE = "http://127.0.0.1:5005"  # outside production only (PUBLIC_BASE_URL is required there)


def console_base(settings: Settings) -> str:
    return settings.console_base_url or settings.public_base_url or FALLBACK_CONSOLE


def text_staff(ctx: Context, event: str, body: str) -> tuple[list[str], list[str]]:
    """Text `body` to every staff number that has not had this event yet; what may be
    tried again and what went wrong for good, each masked. Intent is recorded first, so
    a retry never sends what Twilio took, and a cut-off send is reported, not repeated."""
    settings = ctx.settings
    rest = twilio_client(settings)
    retry: list[str] = []
    problems: list[str] = []
    for number in settings.staff_notify_numbers:
        marker = ctx.keys.dedup("notify", f"{event}:{number}")
        if not ctx.client.set(marker, b"sending", nx=True, ex=SENT_TTL):
            state = _text(ctx.client.get(marker))
            if state == "sending":
                problems.append(f"{mask_phone(number)}: unconfirmed, an earlier try was cut off")
            elif state != "sent":
                problems.append(f"{mask_phone(number)}: {state}")
            continue
        try:
            sid = send_text(rest, to=number, from_=settings.twilio_phone_number or "", body=body)
        except SendFailed as exc:
            ctx.client.delete(marker)  # not sent: the next attempt may send it
            retry.append(f"{mask_phone(number)}: {exc}")
        except Refused as exc:
            ctx.client.set(marker, str(exc).encode(), ex=SENT_TTL)
            problems.append(f"{mask_phone(number)}: {exc}")
        except Unconfirmed as exc:
            problems.append(f"{mask_phone(number)}: unconfirmed, {exc}")
        else:
            ctx.client.set(marker, b"sent", ex=SENT_TTL)
            log.info("staff texted (%s) at %s (%s)", event.split(":")[0], mask_phone(number), sid)
    return retry, problems


def summary_text(held: int, urgent: int, link: str) -> str:
    urgent_part = f" ({urgent} URGENT)" if urgent else ""
    return (f"NH Support Line: {held} more escalation{'' if held == 1 else 's'}{urgent_part} "
            f"in the last minute, not texted one by one. Open the console: {link}")


def notify_staff_summary(minute: int) -> str:
    """The summary text for the escalations held in `minute` (a job scheduled for the end
    of that minute); each of them then shows how staff heard of it."""
    ctx = _context()
    references = PageLimits(ctx.client, ctx.keys, per_minute=0).held(minute)
    held = [found for found in (ctx.store.get(r) for r in references) if found is not None]
    if not held:
        return "nothing held"
    settings = ctx.settings
    problem = "STAFF_NOTIFY_NUMBERS is empty" if not settings.staff_notify_numbers \
        else _configuration_problem(settings)
    if problem:
        _mark(ctx, [e.reference for e in held], "failed", problem)
        log.error("summary staff text for minute %d not sent: %s", minute, problem)
        return "not configured"
    body = summary_text(len(held), sum(e.is_urgent for e in held), f"{console_base(settings)}/staff/")
    retry, problems = text_staff(ctx, f"summary-{minute}", body)
    if retry:
        raise SendFailed("; ".join(retry + problems))
    others = len(held) - 1
    detail = "; ".join(problems) or f"in a summary text with {others} other{'' if others == 1 else 's'}"
    _mark(ctx, [e.reference for e in held], "failed" if problems else "sent", detail)
    return "failed" if problems else "sent"


def _mark(ctx: Context, references: list[str], status: str, detail: str) -> None:
    action = "staff notified" if status == "sent" else f"staff notification {status}"
    for reference in references:
        ctx.store.update(reference, "worker", action, detail,
                         fields={"notify_status": status, "notify_detail": detail})


def record_summary_failure(job: Any, connection: Any, exc_type: Any, exc_value: Any,
                           traceback: Any) -> None:
    """RQ calls this after every failed attempt of a summary (see tasks'
    record_notification_failure): the held escalations show it."""
    from bot.jobs.tasks import _attempt_note

    minute = int(job.args[0]) if job.args else 0
    ctx = _context(connection)
    again, detail = _attempt_note(job, exc_type, exc_value)
    status = "retrying" if again else "failed"
    _mark(ctx, PageLimits(ctx.client, ctx.keys, per_minute=0).held(minute), status, detail)
    (log.warning if again else log.error)("summary staff text for minute %d: %s", minute, detail)
