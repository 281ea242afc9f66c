"""How the outbound queue is doing, as readiness and `/metrics` report it: workers with
a live heartbeat, jobs waiting, and how long the oldest has waited. Read from RQ's own
records in Redis (a few round trips), only when asked: never on a patient's turn."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.jobs.queue import queue_name, queue_names

# A worker heartbeats at least every WORKER_TTL - 15 s while idle (its blocking wait on
# the queue), and before and after each job (at most JOB_TIMEOUT): older than this, it
# is gone (bot/jobs/worker.py).
HEARTBEAT_STALE_SECONDS = 90


@dataclass(frozen=True)
class QueueState:
    workers: int  # with a heartbeat younger than HEARTBEAT_STALE_SECONDS
    last_heartbeat_seconds: float | None  # the freshest worker's, None if none registered
    queued: int
    oldest_job_seconds: float | None  # None when nothing waits

    @property
    def worker_ok(self) -> bool:
        return self.workers > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "worker": "ok" if self.worker_ok else "missing",
            "workers": self.workers,
            "worker_heartbeat_seconds": _rounded(self.last_heartbeat_seconds),
            "queued_jobs": self.queued,
            "oldest_job_seconds": _rounded(self.oldest_job_seconds),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _age(moment: datetime | None, now: float) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, now - moment.timestamp())


class OutboundWatch:
    """Both queues (urgent staff texts and the rest) together: what waits and for how long."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client = client
        self.name = queue_name(prefix)  # the workers are found through this one
        self.names = queue_names(prefix)

    def state(self) -> QueueState:
        from rq import Queue, Worker
        from rq.job import Job

        now = time.time()
        queues = [Queue(name, connection=self.client) for name in self.names]
        workers = Worker.all(queue=Queue(self.name, connection=self.client))
        ages = [_age(worker.last_heartbeat, now) for worker in workers]
        known = [age for age in ages if age is not None]
        waiting = []
        for queue in queues:
            first = queue.get_job_ids(0, 1)
            if first and self._exists(first[0]):
                waiting.append(_age(Job.fetch(first[0], connection=self.client).enqueued_at, now))
        oldest = [age for age in waiting if age is not None]
        return QueueState(
            workers=sum(1 for age in known if age < HEARTBEAT_STALE_SECONDS),
            last_heartbeat_seconds=min(known) if known else None,
            queued=sum(queue.count for queue in queues),
            oldest_job_seconds=max(oldest) if oldest else None,
        )

    def _exists(self, job_id: str) -> bool:
        from rq.job import Job

        return bool(self.client.exists(Job.key_for(job_id)))
