"""`python -m bot worker`: the RQ worker that runs the outbound jobs (bot/jobs/tasks.py).

It survives Redis going away. Its client (bot/records/connection.py `worker_client`)
retries each command for about twenty seconds, so a restart or a Sentinel failover
under a running job only delays that job: it goes on where it was, and a text Twilio
took is never sent again. A longer outage ends RQ's work loop; this process then waits
for Redis and starts a new worker loop, and jobs cut off on the way are retried by RQ
once their heartbeat lapses. Only a stop request (SIGTERM, SIGINT) ends the process.

Jobs run in this process (RQ's SimpleWorker, no fork per job): they are short HTTP
calls, and their outcomes are counted here for `/metrics` (WORKER_METRICS_PORT).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from types import FrameType
from typing import Any

import redis
from rq import Queue, SimpleWorker
from rq.exceptions import StopRequested

from bot.jobs.queue import queue_names
from bot.metrics import Metrics
from bot.records.connection import resolve_redis_url, worker_client
from bot.settings import Settings

log = logging.getLogger(__name__)

# The worker's heartbeat: it blocks on the queue for WORKER_TTL - 15 s at a time, and
# beats before each wait; RQ forgets a worker silent for WORKER_TTL + 60 s.
WORKER_TTL = 60
MAINTENANCE_SECONDS = 60  # a job left by a dead worker is retried in ~90 s plus this
RESTART_SECONDS = 5  # between two work loops when RQ ended one with Redis answering
KINDS = {"notify_staff": "staff_page", "notify_staff_summary": "staff_page_summary",
         "notify_patient_replied": "staff_notice", "send_staff_reply": "staff_reply"}
OUTCOMES = {"sent": "sent", "failed": "failed", "not configured": "failed",
            "unconfirmed": "unconfirmed"}


class OutboundWorker(SimpleWorker):
    """RQ's SimpleWorker that remembers a stop request (so the process knows a loop
    ended on purpose, not because Redis went away) and counts each job's outcome."""

    def __init__(self, *args: Any, stopping: threading.Event, metrics: Metrics,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopping = stopping
        self.metrics = metrics

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping.set()
        super().request_stop(signum, frame)

    def check_for_suspension(self, burst: bool) -> None:
        """Also where a stop asked for before RQ's own signal handlers were in place
        ends the loop (RQ checks this first on every round)."""
        if self.stopping.is_set():
            raise StopRequested()
        super().check_for_suspension(burst)

    def subscribe(self) -> None:
        """RQ's command channel (`rq` CLI commands), its thread waking every second:
        RQ's own sleeps up to a minute in a read that a stop request has to wait out."""
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler)

    def stop_scheduler(self) -> None:
        """RQ's joins its scheduler process with no limit. A stop sent just after the
        fork can be lost (CPython clears signals that arrive before the child is set
        up), and a scheduler releasing its lock with Redis gone waits out the retries:
        ask again, then kill it (its lock lapses by itself within a minute)."""
        process = self.scheduler._process if self.scheduler else None
        if process is None or not process.pid:
            return
        for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(OSError):
                os.kill(process.pid, sig)
            process.join(wait)
            if not process.is_alive():
                return

    def perform_job(self, job: Any, queue: Queue, execution: Any) -> bool:
        done = super().perform_job(job, queue, execution)
        kind = KINDS.get(str(job.func_name).rsplit(".", 1)[-1], "other")
        if done:
            outcome = OUTCOMES.get(str(getattr(job, "_result", "")), "skipped")
        else:
            outcome = "retrying" if job.get_status(refresh=False) in {"scheduled", "queued"} else "failed"
        self.metrics.outbound_job(kind, outcome)
        return done


def run_worker(settings: Settings) -> int:
    url, embedded = resolve_redis_url(settings.redis_url, settings.var_dir)
    os.environ["REDIS_URL"] = url  # the jobs read their settings as the worker does
    metrics = Metrics()
    stopping = threading.Event()
    client = worker_client(url, on_error=metrics.redis_error, give_up=stopping.is_set)
    # twilio's client logs every request at INFO; ours say what matters without PHI.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    if settings.worker_metrics_port:
        from bot.jobs.worker_metrics import serve_metrics

        serve_metrics(metrics, settings.worker_metrics_port, settings.metrics_token,
                      open_without_token=settings.environment != "production")
    # Urgent staff texts first: RQ takes from the queues in this order.
    queues = [Queue(name, connection=client) for name in queue_names(settings.key_prefix)]
    _stop_on_signals(stopping)  # until RQ installs its own
    try:
        while not stopping.is_set():
            worker = OutboundWorker(queues, connection=client, stopping=stopping,
                                    metrics=metrics, worker_ttl=WORKER_TTL,
                                    maintenance_interval=MAINTENANCE_SECONDS)
            try:
                worker.work(with_scheduler=True)
            except redis.RedisError as exc:  # RQ's own clean-up could not reach Redis
                log.error("worker loop ended with Redis unreachable (%s)", type(exc).__name__)
            if stopping.is_set():
                break
            _stop_on_signals(stopping)
            if _redis_answers(client):  # RQ ended its loop for another reason (logged above)
                log.error("the worker loop ended; starting a new one in %d s", RESTART_SECONDS)
                stopping.wait(RESTART_SECONDS)
                continue
            log.error("the worker lost Redis; waiting for it to come back")
            if _wait_for_redis(client, stopping):
                log.info("Redis is back: the worker goes on")
    finally:
        if embedded is not None:
            embedded.stop()
    return 0


def _stop_on_signals(stopping: threading.Event) -> None:
    """Outside RQ's work loop, a stop request only has to end the wait. A process forked
    from this one (RQ's scheduler, before it installs its own handlers) just stops."""
    owner = os.getpid()

    def stop(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def _redis_answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def _wait_for_redis(client: redis.Redis, stopping: threading.Event) -> bool:
    while not stopping.is_set():
        try:
            client.ping()  # retried with backoff inside, for about twenty seconds
            return True
        except redis.RedisError:
            stopping.wait(1.0)
    return False
