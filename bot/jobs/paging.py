"""Texting the staff: each number in STAFF_NOTIFY_NUMBERS, never twice for one event, and
the summary text for escalations held back by the limits of bot/records/pages.py.

A summary names how many escalations (and how many urgent) were held in its minute and
links to the console's queue: no reference, no channel, nothing about any patient.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.jobs.sending import Context, SendFailed, _configuration_problem, _context, send_to_each
from bot.records.pages import PageLimits
from bot.settings import Settings

log = logging.getLogger(__name__)

FALLBACK_CONSOLE = "http://127.0.0.1:5005"  # outside production only (PUBLIC_BASE_URL is required there)


def console_base(settings: Settings) -> str:
    return settings.console_base_url or settings.public_base_url or FALLBACK_CONSOLE


def text_staff(ctx: Context, event: str, body: str) -> tuple[list[str], list[str]]:
    """Text `body` to every staff number that has not had this event yet: (what may be
    tried again, what went wrong for good), each masked (see sending.send_to_each)."""
    outcome = send_to_each(ctx, list(ctx.settings.staff_notify_numbers), body,
                           lambda number: ctx.keys.dedup("notify", f"{event}:{number}"),
                           f"staff text ({event.split(':')[0]})")
    return outcome.retry, outcome.problems


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
