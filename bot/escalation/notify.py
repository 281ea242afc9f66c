"""Queueing staff notifications on the Redis job queue (RQ); a worker sends them."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

QUEUE = "notifications"
JOB_TIMEOUT = 30  # seconds for one attempt (all numbers)
RETRY_INTERVALS = [10, 30, 90, 300, 900]  # backoff between attempts, seconds


def queue_name(prefix: str) -> str:
    """One queue per key prefix, so a test run never reaches the real staff."""
    return f"{prefix}{QUEUE}"


def enqueue_staff_notification(client: Any, prefix: str, reference: str) -> None:
    """Queue the job; never raises (the escalation is stored either way)."""
    from rq import Callback, Queue, Retry

    try:
        Queue(queue_name(prefix), connection=client).enqueue_call(
            "bot.escalation.jobs.notify_staff",
            args=(reference,),
            timeout=JOB_TIMEOUT,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            failure_ttl=30 * 24 * 3600,
            result_ttl=24 * 3600,
            on_failure=Callback("bot.escalation.jobs.record_notification_failure"),
        )
    except Exception as exc:
        log.error("staff notification for %s not queued: %s", reference, type(exc).__name__)
