"""Background jobs (run by `python -m bot worker`): text the staff about an escalation.

A notification carries no PHI at all: the reference, channel, urgency and a console
link. Each number is recorded as sent once Twilio accepted the message, so a retry or
a restarted worker never texts a number twice for the same escalation event.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from bot.escalation.notify import queue_name
from bot.escalation.store import EscalationStore
from bot.privacy import mask_phone
from bot.settings import Settings
from bot.store.connection import client_for_url, resolve_redis_url
from bot.store.keys import Keys
from bot.twilio_rest import twilio_client

log = logging.getLogger(__name__)

SENT_TTL = 30 * 24 * 3600


def _context() -> tuple[Settings, Any, EscalationStore]:
    settings = Settings.from_env()
    client = client_for_url(os.environ["REDIS_URL"])
    return settings, client, EscalationStore(client, Keys(settings.key_prefix))


def notification_text(reference: str, channel: str, urgency: str, link: str) -> str:
    label = "URGENT escalation" if urgency == "urgent" else "Escalation"
    return f"NH Support Line: {label} {reference} ({channel}). Open the console: {link}"


def notify_staff(reference: str) -> str:
    settings, client, store = _context()
    escalation = store.get(reference)
    if escalation is None:
        return "escalation gone"
    base = settings.console_base_url or settings.public_base_url or "http://127.0.0.1:5005"
    link = f"{base}/staff/escalations/{reference}"
    body = notification_text(reference, escalation.channel, escalation.urgency, link)
    numbers = settings.staff_notify_numbers
    if not numbers:
        store.update(reference, "worker", "not notified", "STAFF_NOTIFY_NUMBERS is empty",
                     fields={"notify_status": "no staff numbers configured"})
        return "no numbers"
    rest = twilio_client(settings)
    keys = Keys(settings.key_prefix)
    event = escalation.urgency  # a raised urgency is a new event worth a new text
    for number in numbers:
        marker = keys.dedup("notify", f"{reference}:{event}:{number}")
        if client.get(marker) == b"sent":
            continue
        message = rest.messages.create(to=number, from_=settings.twilio_phone_number, body=body)
        client.set(marker, b"sent", ex=SENT_TTL)
        log.info("staff notified for %s at %s (%s)", reference, mask_phone(number), message.sid)
    store.update(reference, "worker", "staff notified", f"{len(numbers)} number(s)",
                 fields={"notify_status": "sent", "notify_detail": ""})
    return "sent"


def record_notification_failure(job: Any, connection: Any, exc_type: Any, exc_value: Any,
                                traceback: Any) -> None:
    """Called by RQ after the last retry failed: make it visible in the console."""
    reference = job.args[0] if job.args else "?"
    settings = Settings.from_env()
    store = EscalationStore(connection, Keys(settings.key_prefix))
    detail = f"{getattr(exc_type, '__name__', 'error')} after {job.retries_left or 0} retries left"
    store.update(reference, "worker", "notification failed", detail,
                 fields={"notify_status": "failed", "notify_detail": detail})
    log.error("staff notification for %s failed: %s", reference, detail)


def run_worker(settings: Settings) -> int:
    from rq import Queue, Worker

    url, embedded = resolve_redis_url(settings.redis_url, settings.var_dir)
    os.environ["REDIS_URL"] = url
    client = client_for_url(url)
    # The worker blocks on the queue; it needs no short socket timeout.
    client.connection_pool.connection_kwargs["socket_timeout"] = None
    try:
        worker = Worker([Queue(queue_name(settings.key_prefix), connection=client)], connection=client)
        worker.work(with_scheduler=True)
    finally:
        if embedded is not None:
            embedded.stop()
    return 0
