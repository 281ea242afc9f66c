"""`notify_patient_replied`: the patient wrote again on an escalation, so whoever has it
is texted: its assignee at the number `python -m bot staff add NAME --phone` gave them,
or STAFF_NOTIFY_NUMBERS while nobody has claimed it (or the assignee has no number).

The text has no PHI: the reference, "patient replied", the channel and the console link.
Each notice (numbered by the escalation store, which also paces them) goes to each
number once, marked before and after sending as the staff page is (bot/jobs/sending.py).
Its state is on the escalation (`notice_status`, `notice_detail`) for the console.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.console.users import StaffUsers
from bot.jobs.sending import (
    NOT_CONFIGURED,
    Context,
    SendFailed,
    _configuration_problem,
    _context,
    send_to_each,
)
from bot.jobs.tasks import _attempt_note, channel_label, console_link
from bot.records.escalation import Escalation

log = logging.getLogger(__name__)


def notice_text(reference: str, channel: str, urgent: bool, link: str) -> str:
    """No PHI: nothing the patient wrote, nothing about who they are."""
    what = "URGENT, patient replied" if urgent else "Patient replied"
    return f"NH Support Line: {what} on {reference} ({channel_label(channel)}). Open the console: {link}"


def recipients(ctx: Context, escalation: Escalation) -> tuple[list[str], str]:
    """The numbers to text, and whom they reach (as the console says it)."""
    if escalation.assignee:
        phone = StaffUsers(ctx.client, ctx.keys).phone(escalation.assignee)
        if phone:
            return [phone], escalation.assignee
    numbers = list(ctx.settings.staff_notify_numbers)
    return numbers, f"{len(numbers)} staff number{'' if len(numbers) == 1 else 's'}"


def not_configured(assignee: str) -> str:
    who = (f"{assignee} has no number on record (python -m bot staff add {assignee} --phone "
           "+1...) and " if assignee else "")
    return f"nobody to text: {who}STAFF_NOTIFY_NUMBERS is not set"


def _state(ctx: Context, reference: str, status: str, detail: str, action: str) -> None:
    ctx.store.update(reference, "worker", action, detail,
                     fields={"notice_status": status, "notice_detail": detail})


def notify_patient_replied(reference: str, notice: str) -> str:
    ctx = _context()
    escalation = ctx.store.get(reference)
    if escalation is None:
        return "escalation gone"
    if escalation.status == "resolved":
        return "resolved"  # the bot has the conversation again: nobody is waiting for this
    numbers, whom = recipients(ctx, escalation)
    if not numbers:
        detail = not_configured(escalation.assignee)
        _state(ctx, reference, NOT_CONFIGURED, detail, "staff not texted (patient replied)")
        log.info("patient-replied text for %s: not configured", reference)
        return "not configured"
    problem = _configuration_problem(ctx.settings)
    if problem:
        _state(ctx, reference, "failed", problem, "patient-replied text failed")
        log.error("patient-replied text for %s not sent: %s", reference, problem)
        return "failed"
    body = notice_text(reference, escalation.channel, escalation.is_urgent,
                       console_link(ctx.settings, reference))
    outcome = send_to_each(ctx, numbers, body,
                           lambda number: ctx.keys.dedup("notice", f"{reference}:{notice}:{number}"),
                           f"patient-replied text for {reference}")
    if outcome.retry:
        raise SendFailed("; ".join(outcome.retry + outcome.problems))
    if outcome.problems:
        detail = "; ".join(outcome.problems)
        _state(ctx, reference, "failed", detail, "patient-replied text failed")
        log.error("patient-replied text for %s: %s", reference, detail)
        return "failed"
    _state(ctx, reference, "sent", f"to {whom}", "staff texted: patient replied")
    return "sent"


def record_notice_failure(job: Any, connection: Any, exc_type: Any, exc_value: Any,
                          traceback: Any) -> None:
    """After every failed attempt (RQ retries with backoff): `retrying`, then `failed`."""
    reference = job.args[0] if job.args else "?"
    ctx = _context(connection)
    again, detail = _attempt_note(job, exc_type, exc_value)
    status = "retrying" if again else "failed"
    _state(ctx, reference, status, detail, f"patient-replied text {status}")
    (log.warning if again else log.error)("patient-replied text for %s: %s", reference, detail)
