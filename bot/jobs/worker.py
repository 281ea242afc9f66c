"""`python -m bot worker`: the RQ worker that runs the outbound jobs (bot/jobs/tasks.py)."""

from __future__ import annotations

import logging
import os

from bot.jobs.queue import queue_names
from bot.records.connection import client_for_url, resolve_redis_url
from bot.settings import Settings


def run_worker(settings: Settings) -> int:
    from rq import Queue, Worker

    url, embedded = resolve_redis_url(settings.redis_url, settings.var_dir)
    os.environ["REDIS_URL"] = url
    client = client_for_url(url)
    # The worker blocks on the queue; it needs no short socket timeout.
    client.connection_pool.connection_kwargs["socket_timeout"] = None
    # twilio's client logs every request at INFO; ours say what matters without PHI.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    try:
        # Maintenance every minute: a job left by a worker that died is noticed in
        # about 90 s (its heartbeat) plus this, not RQ's default ten minutes.
        # Urgent staff texts first: RQ takes from the queues in this order.
        queues = [Queue(name, connection=client) for name in queue_names(settings.key_prefix)]
        worker = Worker(queues, connection=client, maintenance_interval=60)
        worker.work(with_scheduler=True)
    finally:
        if embedded is not None:
            embedded.stop()
    return 0
