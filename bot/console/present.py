"""How records look in the console: local times, ages, labels, the queue's rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.jobs.tasks import channel_label
from bot.privacy import mask_phone
from bot.records.escalation import LANGUAGE_NAMES, Escalation

# The queue's badge for a staff notification (shown when it failed).
NOTIFY_LABELS = {
    "pending": "Staff text queued",
    "sending": "Sending staff text",
    "retrying": "Staff text retrying",
    "sent": "Staff texted",
    "failed": "Staff text FAILED",
    "not_configured": "No staff text (not configured)",
    "held": "Staff text held for a summary",
    "not sent": "Staff not texted again",
}
# The escalation page's "Staff notification" line.
NOTIFY_STATES = {
    "pending": "queued",
    "sending": "sending",
    "retrying": "retrying after a failed try",
    "sent": "sent",
    "failed": "FAILED",
    "not_configured": "not configured",
    "held": "held for a summary text",
    "not sent": "not sent",
}
REPLY_LABELS = {
    "queued": "queued",
    "sending": "sending",
    "retrying": "retrying",
    "sent": "sent",
    "failed": "NOT SENT",
    "unconfirmed": "UNCONFIRMED",
}


# Who wrote in, where there is no phone number to show.
NO_NUMBER = {"rest": "web chat visitor", "cmdline": "shell user"}


def patient_label(phone: str, channel: str) -> str:
    """`***4567`; `web chat visitor` for a conversation with no number (never `***`)."""
    return mask_phone(phone) if phone else NO_NUMBER.get(channel, "no phone number")


def language_name(code: str) -> str:
    """`Spanish` for "es": the patient's language as the console names it."""
    return LANGUAGE_NAMES.get(code, LANGUAGE_NAMES["en"])


def writes_in(code: str) -> str:
    """The reply form's reminder, only where staff might answer in the wrong language."""
    return f"The patient writes in {language_name(code)}." if code != "en" else ""


def count(number: int, noun: str) -> str:
    """`1 second`, `2 seconds`."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def age(seconds: float) -> str:
    """`45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def local_time(epoch: float, zone: ZoneInfo) -> str:
    """`Tue 1 Dec 2026, 22:25 PST`, in the pharmacy's time zone."""
    when = datetime.fromtimestamp(epoch, tz=zone)
    return f"{when:%a} {when.day} {when:%b %Y, %H:%M %Z}"


def time_of_day(epoch: float, zone: ZoneInfo) -> str:
    """`22:25 PST`."""
    return datetime.fromtimestamp(epoch, tz=zone).strftime("%H:%M %Z")


def birth_date(iso: str) -> str:
    """`03/14/2024` for `2024-03-14`, as US pharmacy staff read dates; anything else as it is."""
    try:
        return f"{date.fromisoformat(iso):%m/%d/%Y}"
    except ValueError:
        return iso


def iso_time(epoch: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(epoch, tz=zone).isoformat(timespec="seconds")


def notify_problem(escalation: Escalation) -> bool:
    return escalation.notify_status == "failed"


def queue_summary(rows: list[dict[str, Any]]) -> dict[str, str]:
    """The queue's status line and the start of its page title: `(3, 1 URGENT) Queue`."""
    waiting = len(rows)
    urgent = sum(1 for row in rows if row["urgent"])
    replied = sum(1 for row in rows if row["replied"])
    if not waiting:
        return {"status": "0 waiting.", "title": "Queue"}
    status = (f"{waiting} waiting" + (f", {urgent} urgent" if urgent else "")
              + (f", {replied} with a new patient reply" if replied else "") + ".")
    counts = f"{waiting}, {urgent} URGENT" if urgent else f"{waiting}"
    return {"status": status, "title": f"({counts}) Queue"}


def last_message(escalation: Escalation) -> str:
    """`Patient: ok thank you...` or `dana (staff): Hi, ...`: the preview the queue shows."""
    if not escalation.last_text:
        return ""
    who = "Patient" if escalation.last_from == "patient" else f"{escalation.last_who or 'staff'} (staff)"
    return f"{who}: {escalation.last_text}"


def waiting(escalation: Escalation, now: float) -> str:
    """How long the patient has waited for a person; `answered` when they have not."""
    if escalation.waiting_since is None:
        return "answered"
    return age(now - escalation.waiting_since)


def speaker(line: dict[str, Any]) -> str:
    """Who said a transcript line, as the page shows it."""
    if line.get("from") == "patient":
        return "Patient"
    if line.get("from") == "staff":
        return f"{line.get('who') or 'staff'} (staff)"
    return "Bot"


def escalation_update(escalation: Escalation, lines: list[dict[str, Any]],
                      replies: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """What an open escalation page needs to catch up (bot/console/static/escalation.js):
    the lines it has not shown, every staff text's delivery, the status and assignee."""
    def delivery(state: Any) -> dict[str, str]:
        label = REPLY_LABELS.get(state.status, state.status)
        return {"status": state.status, "text": f"Text {label}" + (f": {state.detail}" if state.detail else "")}

    return {
        "seen": escalation.lines_total,
        "lines": [{
            "from": line.get("from", "bot"), "speaker": speaker(line), "text": line.get("text", ""),
            "time": local_time(line["time"], zone) if line.get("time") else "",
            "iso": iso_time(line["time"], zone) if line.get("time") else "",
            "reply_id": line.get("reply_id") or "",
        } for line in lines],
        "deliveries": {reply_id: delivery(state) for reply_id, state in replies.items()},
        "status": escalation.status,
        "assignee": escalation.assignee or "nobody yet",
        "urgent": escalation.is_urgent,
        "language": escalation.language,
        "language_name": language_name(escalation.language),
        "writes_in": writes_in(escalation.language),
    }


def queue_row(escalation: Escalation, now: float, url: str) -> dict[str, Any]:
    """One escalation as the queue shows it: the number masked, the last message as a
    short preview (this JSON is the console's own, behind its login)."""
    return {
        "reference": escalation.reference,
        "url": url,
        "urgent": escalation.is_urgent,
        "channel": channel_label(escalation.channel),
        "language": escalation.language,
        "language_name": language_name(escalation.language),
        "reason": escalation.reason,
        "status": escalation.status,
        "assignee": escalation.assignee,
        "phone": patient_label(escalation.phone, escalation.channel),
        "age": age(now - escalation.created),
        "created": escalation.created,
        "notify": NOTIFY_LABELS.get(escalation.notify_status, escalation.notify_status),
        "notify_failed": notify_problem(escalation),
        "waiting": waiting(escalation, now),
        "answered": escalation.waiting_since is None,
        "last": last_message(escalation),
        "replied": escalation.patient_replied,
    }
