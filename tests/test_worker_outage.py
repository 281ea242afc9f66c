"""The job worker and Redis going away (issue 11, finding 1), on real processes: a
redis-server of the test's own killed with SIGKILL under `python -m bot worker` while it
sends a staff page, with more pages and a staff reply queued behind it; `/readyz` says
when no worker is there and how long the oldest job has waited; a stop request ends the
worker promptly, even with Redis gone."""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from rq import Queue

from bot.app import create_app
from bot.jobs.queue import queue_name
from bot.parts import Parts, build_parts
from bot.records.escalations import EscalationStore
from tests.chat import free_port, wait_until
from tests.conftest import AUTH_TOKEN, make_settings
from tests.console_server import STAFF_NUMBERS, worker_environment
from tests.helpers import FakeTwilioApi, TwilioClient
from tests.processes import RedisServer, WorkerProcess

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = 2.0  # how long Redis stays down (a restart, or a Sentinel failover)


@dataclass
class Line:
    """The app on a Redis of the test's own, and the worker's environment."""

    redis: RedisServer
    parts: Parts
    twilio: TwilioClient
    env: dict[str, str]

    @property
    def store(self) -> EscalationStore:
        return self.parts.escalations

    def escalate(self, sender: str) -> str:
        replies = " ".join(self.twilio.say("can a pharmacist call me", sender=sender))
        match = re.search(r"E-\d+", replies)
        assert match, replies
        return match.group()


@pytest.fixture()
def line(engine, fake_twilio_api: FakeTwilioApi) -> Iterator[Line]:
    folder = Path(tempfile.mkdtemp(prefix="nh-wo-"))  # short: a socket path has a limit
    server = RedisServer(folder)
    server.start()
    try:
        settings = make_settings(server.url)
        parts = build_parts(settings, engine=engine)
        app = create_app(settings, parts=parts)
        env = {**os.environ, **worker_environment(fake_twilio_api, server.url)}
        yield Line(server, parts, TwilioClient(app.test_client(), AUTH_TOKEN), env)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def hold_the_outage(worker: WorkerProcess) -> None:
    """Redis stays down for OUTAGE_SECONDS; the worker must not exit meanwhile."""
    assert worker.process is not None
    ends = time.monotonic() + OUTAGE_SECONDS
    while time.monotonic() < ends:
        assert worker.process.poll() is None, worker.log.read_text()[-3000:]
        time.sleep(0.05)


def test_redis_killed_under_a_running_job_every_queued_text_goes_out_once_it_is_back(
        line: Line, fake_twilio_api: FakeTwilioApi, tmp_path: Path) -> None:
    api = fake_twilio_api
    api.hang_next = 1  # Twilio takes the first page and answers only once Redis is gone
    first = line.escalate("+15554100001")
    escalation = line.store.get(first)
    assert escalation is not None
    reply = line.parts.outbound.queue_staff_reply(
        line.store, escalation=escalation, who="dana", text="We will call you at 3 today.",
        opted_out=line.parts.consent.is_opted_out)
    others = [line.escalate(f"+1555410000{n}") for n in (2, 3)]
    worker = WorkerProcess(line.env, tmp_path / "worker.log")
    worker.start()
    try:
        wait_until(lambda: len(api.sent) == 1, timeout=20, what="the first page to reach Twilio")
        line.redis.kill()
        api.release()  # the worker learns the page went out, with Redis gone
        hold_the_outage(worker)
        line.redis.start()  # same socket, same data: nothing queued was lost

        def all_done() -> bool:
            pages = [line.store.get(ref) for ref in [first, *others]]
            states = [e.notify_status if e else "" for e in pages]
            fields = line.parts.redis.hget(line.parts.keys.escalation(first), f"reply:{reply}:status")
            return states == ["sent"] * 3 and fields == b"sent"

        wait_until(all_done, timeout=60, what="every page and the reply to be sent")
        queue = Queue(queue_name(line.parts.settings.key_prefix), connection=line.parts.redis)
        assert queue.count == 0
        assert worker.process is not None and worker.process.poll() is None  # never restarted
    finally:
        worker.stop()

    pages = sorted((re.findall(r"E-\d+", m.form["Body"])[0], m.form["To"])
                   for m in api.sent if "E-" in m.form["Body"])
    assert pages == sorted((ref, number) for ref in [first, *others] for number in STAFF_NUMBERS)
    replies = [m for m in api.sent if m.form["To"] == "+15554100001"]
    assert [m.form["Body"] for m in replies] == ["We will call you at 3 today."]
    log = worker.log.read_text()
    assert "quitting" not in log and "Traceback" not in log, log[-3000:]


def test_readyz_reports_a_missing_worker_and_the_oldest_job(
        line: Line, fake_twilio_api: FakeTwilioApi, tmp_path: Path) -> None:
    client = line.twilio.client
    before = client.get("/readyz")
    assert before.status_code == 503 and before.json["worker"] == "missing"
    assert before.json["redis"] == "ok" and before.json["queued_jobs"] == 0
    line.escalate("+15554200001")  # a page waits, with no worker to send it
    wait_until(lambda: (client.get("/readyz").json["oldest_job_seconds"] or 0) > 0.2, timeout=10,
               what="the waiting page to age")
    waiting = client.get("/readyz").json
    assert waiting["queued_jobs"] == 1 and waiting["worker"] == "missing"
    # /healthz keeps its meaning (Redis and the model) and says the same in its body.
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["worker"] == "missing"
    assert health.json["queued_jobs"] == 1

    metrics_port = free_port()
    worker = WorkerProcess({**line.env, "WORKER_METRICS_PORT": str(metrics_port)},
                           tmp_path / "worker.log")
    worker.start()
    try:
        wait_until(lambda: client.get("/readyz").status_code == 200, timeout=20,
                   what="the worker's heartbeat")
        wait_until(lambda: len(fake_twilio_api.sent) == len(STAFF_NUMBERS), timeout=20,
                   what="the page to be sent")
        ready = client.get("/readyz").json
        assert ready["worker"] == "ok" and ready["oldest_job_seconds"] is None
        assert ready["queued_jobs"] == 0
        # The worker's own /metrics counts the page it sent.
        scrape = f"http://127.0.0.1:{metrics_port}/metrics"
        wait_until(lambda: 'kind="staff_page",outcome="sent"} 1.0' in requests.get(scrape, timeout=5).text,
                   timeout=10, what="the worker to count the page")
    finally:
        worker.stop()
    # A worker that stopped unregisters: not ready again.
    assert client.get("/readyz").status_code == 503
    line.redis.kill()
    down = client.get("/readyz")
    assert down.status_code == 503 and down.json["redis"] == "unavailable"
    assert client.get("/livez").status_code == 200  # the process itself is fine


def test_a_stop_request_ends_the_worker_promptly_even_with_redis_gone(
        line: Line, tmp_path: Path) -> None:
    worker = WorkerProcess(line.env, tmp_path / "worker.log")
    worker.start()
    assert worker.process is not None
    client = line.parts.redis
    wait_until(lambda: _workers(client) == 1, timeout=20, what="the worker to register")
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(timeout=10) == 0  # RQ's pubsub thread sleeps up to 60 s
    assert _workers(client) == 0  # it unregistered on the way out

    worker.start()
    wait_until(lambda: _workers(client) == 1, timeout=20, what="the worker to register")
    line.redis.kill()
    hold_the_outage(worker)
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(timeout=10) == 0, worker.log.read_text()[-3000:]


def _workers(client: redis.Redis) -> int:
    from rq import Worker

    return len(Worker.all(connection=client))
