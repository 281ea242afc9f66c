"""Outbound texts on the Redis job queue (RQ): staff notifications and staff replies.

Nothing here talks to Twilio. A web request records what is to be sent and queues a job;
the worker (`python -m bot worker`, bot/jobs/tasks.py) sends it, so no webhook and
no console page ever waits on Twilio's API.

Staff texts are limited (bot/records/pages.py): a held one goes into a summary text that
is scheduled for the end of its minute. Urgent texts and summaries go on a queue of
their own, which the worker reads before the other (`queue_names`): a real emergency's
text never waits behind a backlog of ordinary ones.

A staff reply lives on its escalation: the text in the transcript (what the patient gets,
exactly), and its delivery state in the escalation's hash (`reply:<id>:status`,
`reply:<id>:detail`), which the worker moves from `queued` to `sending` to `sent` (or
`retrying`, `failed`, `unconfirmed`). The job itself carries only the reference and the
reply id: no PHI sits in the job queue.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.channels.sms.sizing import MAX_MESSAGE, septets, to_gsm7
from bot.records.escalation import Escalation
from bot.records.escalations import EscalationStore
from bot.records.keys import Keys
from bot.records.pages import FIRST_HELD, PAGE, PageLimits, PageNote

log = logging.getLogger(__name__)

QUEUE = "notifications"
URGENT_QUEUE = "urgent"
JOB_TIMEOUT = 30  # seconds for one attempt (all numbers); each REST call times out sooner
RETRY_INTERVALS = [10, 30, 90, 300, 900]  # backoff between attempts, seconds
ATTEMPTS = len(RETRY_INTERVALS) + 1
FAILURE_TTL = 30 * 24 * 3600
RESULT_TTL = 24 * 3600

# Delivery states of a staff reply.
QUEUED, SENDING, RETRYING, SENT = "queued", "sending", "retrying", "sent"
FAILED, UNCONFIRMED = "failed", "unconfirmed"


def queue_name(prefix: str, queue: str = QUEUE) -> str:
    """One queue per key prefix, so a test run never reaches the real staff."""
    return f"{prefix}{queue}"


def queue_names(prefix: str) -> list[str]:
    """The queues a worker listens to, in the order it takes jobs from them."""
    return [queue_name(prefix, URGENT_QUEUE), queue_name(prefix, QUEUE)]


class OutboundQueue:
    """Queueing texts for the worker. Jobs carry only references and ids: no PHI."""

    def __init__(self, client: Any, keys: Keys, pages: PageLimits | None = None) -> None:
        self.client = client
        self.keys = keys
        self.pages = pages

    def _enqueue(self, function: str, args: tuple[Any, ...], on_failure: str, *,
                 queue: str = QUEUE, delay: float | None = None) -> None:
        from rq import Callback, Queue, Retry

        jobs = Queue(queue_name(self.keys.prefix, queue), connection=self.client)
        options: dict[str, Any] = dict(
            job_timeout=JOB_TIMEOUT,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            failure_ttl=FAILURE_TTL,
            result_ttl=RESULT_TTL,
            on_failure=Callback(on_failure),
        )
        if delay is None:
            jobs.enqueue(function, *args, **options)
        else:
            jobs.enqueue_in(timedelta(seconds=delay), function, *args, **options)

    def notify_staff(self, escalation: Escalation) -> PageNote | None:
        """Queue the staff text for a new or newly urgent escalation, within the limits
        of bot/records/pages.py; a note for its history when staff are not texted about it
        one by one. Never raises (the escalation is stored either way, and the queue shows
        it to staff who are looking)."""
        reference = escalation.reference
        urgent = escalation.urgency == "urgent"
        try:
            paging = (self.pages.decide(escalation.conversation, reference, urgent)
                      if self.pages is not None else None)
            if paging is None or paging.decision == PAGE:
                self._enqueue("bot.jobs.tasks.notify_staff", (reference,),
                              "bot.jobs.tasks.record_notification_failure",
                              queue=URGENT_QUEUE if urgent else QUEUE)
                return None
            if paging.decision == FIRST_HELD:
                assert self.pages is not None
                self._enqueue("bot.jobs.paging.notify_staff_summary", (paging.minute,),
                              "bot.jobs.paging.record_summary_failure", queue=URGENT_QUEUE,
                              delay=max(1.0, paging.summary_at - self.pages.clock()))
            return self.pages.note(paging) if self.pages is not None else None
        except Exception as exc:
            log.error("staff notification for %s not queued: %s", reference, type(exc).__name__)
            return None

    def notify_patient_replied(self, reference: str, notice: int) -> None:
        """Queue the "patient replied" text to whoever has the escalation; never raises."""
        try:
            self._enqueue("bot.jobs.notices.notify_patient_replied", (reference, str(notice)),
                          "bot.jobs.notices.record_notice_failure")
        except Exception as exc:
            log.error("patient-replied text for %s not queued: %s", reference, type(exc).__name__)

    def queue_staff_reply(self, store: EscalationStore, *, escalation: Escalation, who: str,
                          text: str, opted_out: Callable[[str], bool]) -> str:
        """Record a staff member's reply and queue it (see `queue_staff_reply`)."""
        return queue_staff_reply(store, self, escalation=escalation, who=who, text=text,
                                 opted_out=opted_out)


# -- staff replies ---------------------------------------------------------------------
class ReplyRefused(Exception):
    """The reply must not (or cannot) be sent; the message says why, for the staff."""


@dataclass(frozen=True)
class ReplyState:
    status: str
    detail: str = ""

    @property
    def in_flight(self) -> bool:
        return self.status in {QUEUED, SENDING, RETRYING}


def reply_field(reply_id: str, name: str) -> str:
    return f"reply:{reply_id}:{name}"


def reply_states(store: EscalationStore, reference: str) -> dict[str, ReplyState]:
    """Each reply's delivery state, by reply id."""
    raw = store.client.hgetall(store.keys.escalation(reference))
    fields = {k.decode(): v.decode() for k, v in raw.items() if k.startswith(b"reply:")}
    states = {}
    for name, value in fields.items():
        _, reply_id, part = name.split(":", 2)
        if part == "status":
            states[reply_id] = ReplyState(value, fields.get(reply_field(reply_id, "detail"), ""))
    return states


def sms_text(text: str) -> str:
    """What the patient's phone will show: GSM-7 only (as for the bot's own replies)."""
    return to_gsm7(text.replace("\r\n", "\n")).strip()


def queue_staff_reply(
    store: EscalationStore,
    outbound: OutboundQueue,
    *,
    escalation: Escalation,
    who: str,
    text: str,
    opted_out: Callable[[str], bool],
) -> str:
    """Record a staff member's reply (transcript, history, state `queued`) and queue it
    for the worker; its id. Raises ReplyRefused with a message for the staff."""
    if escalation.status == "resolved":
        raise ReplyRefused("This escalation is resolved: the bot has the conversation again.")
    if not escalation.phone:
        raise ReplyRefused("Not sent: this conversation has no phone number to text "
                           "(it came through the web chat).")
    if opted_out(escalation.phone):
        raise ReplyRefused("Not sent: the patient has opted out of texts (STOP). "
                           "Call them instead if they need an answer.")
    body = sms_text(text)
    if not body:
        raise ReplyRefused("Write a message first.")
    if septets(body) > MAX_MESSAGE:
        raise ReplyRefused(f"Too long for two texts: {septets(body)} characters, "
                           f"at most {MAX_MESSAGE}. Nothing was sent.")
    reply_id = uuid.uuid4().hex[:12]
    reference = escalation.reference
    now = store.clock()
    store.record_staff_reply(reference, {"from": "staff", "who": who, "text": body, "time": now,
                                         "reply_id": reply_id})
    store.update(reference, who, "reply queued", fields={
        reply_field(reply_id, "status"): QUEUED,
        reply_field(reply_id, "detail"): "",
        reply_field(reply_id, "text"): body,
    })
    try:
        outbound._enqueue("bot.jobs.tasks.send_staff_reply", (reference, reply_id),
                          "bot.jobs.tasks.record_reply_failure")
    except Exception as exc:
        log.error("staff reply on %s not queued: %s", reference, type(exc).__name__)
        store.update(reference, "console", "reply failed", "could not be queued", fields={
            reply_field(reply_id, "status"): FAILED,
            reply_field(reply_id, "detail"): "could not be queued; nothing was sent",
        })
        raise ReplyRefused("The text could not be queued, so nothing was sent. "
                           "Try again in a minute.") from None
    return reply_id
