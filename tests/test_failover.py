"""A Redis Sentinel failover under load, on real processes over loopback (issue 15): one
master, one replica and three sentinels; two web servers (two gunicorn masters, as two
hosts would run them) and a job worker, all on `REDIS_URL=redis+sentinel://...`; patients
texting and calling; the master killed with SIGKILL in the middle.

While there is no master every webhook answers valid TwiML (the apology with the number
to call; on a call 911 first and a hang-up). Once a replica is promoted the same
processes go on, with no restart: no turn lost or stored twice, every reference a patient
was told exists, every staff page sent exactly once.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from bot.records.connection import client_for_url
from bot.records.keys import Keys
from tests.chat import free_port, gunicorn, server_environment, serving, wait_until
from tests.conftest import AUTH_TOKEN, SUPPORT_PHONE
from tests.console_server import STAFF_NUMBERS, worker_environment
from tests.crowd import (
    APOLOGY,
    PUBLIC_URL,
    TWILIO_PATIENCE,
    Patient,
    Stack,
    check_no_tracebacks,
    check_references_exist,
    confirmed_refills,
    converse,
    patients,
    references,
    refills_of,
    stored_messages,
)
from tests.helpers import FakeTwilioApi, TwilioClient
from tests.processes import WorkerProcess
from tests.sentinel_cluster import SentinelCluster
from tests.voice_caller import VoiceCaller

pytestmark = pytest.mark.slow

PREFIX = "fo:"
CROWD = 24  # patients texting, twenty messages each
CALLERS = 4  # callers ringing again and again until the failover is over
# A process learns of the new master on its next Redis error: from this long after the
# promotion, every answer is the bot's (a fresh clone's suite on 2 cores once saw a text
# begun just after it apologise).
SETTLE = 1.0


@dataclass
class Line:
    cluster: SentinelCluster
    stack: Stack
    worker: WorkerProcess
    api: FakeTwilioApi


@pytest.fixture()
def line(tmp_path: Path, fake_twilio_api: FakeTwilioApi) -> Iterator[Line]:
    cluster = SentinelCluster(Path(tempfile.mkdtemp(prefix="nh-fo-")), replicas=1)
    try:
        cluster.start()
        env = server_environment(cluster.url, PREFIX, PUBLIC_BASE_URL=PUBLIC_URL,
                                 REDIS_WAIT_REPLICAS="1")
        ports = [free_port(), free_port()]
        worker = WorkerProcess({**os.environ, **worker_environment(
            fake_twilio_api, cluster.url, REDIS_KEY_PREFIX=PREFIX)}, tmp_path / "worker.log")
        with ExitStack() as stack:
            servers = [stack.enter_context(serving(gunicorn(port), env, tmp_path / f"web{n}.log",
                                                   port, "/healthz"))
                       for n, port in enumerate(ports)]
            worker.start()
            stack.callback(worker.stop)
            yield Line(cluster, Stack(cluster, servers, client_for_url(cluster.url), PREFIX),
                       worker, fake_twilio_api)
    finally:
        cluster.stop()
        shutil.rmtree(cluster.folder, ignore_errors=True)


# -- the wire for callers: the VoiceCaller of the voice tests, over real HTTP --------------
class _Answer:
    def __init__(self, response: requests.Response) -> None:
        self.status_code = response.status_code
        self.content_type = response.headers.get("Content-Type", "")
        self._text = response.text

    def get_data(self, as_text: bool = True) -> str:
        return self._text


class _Http:
    """What TwilioClient needs of a test client, as HTTP to one web server."""

    def __init__(self, url: str) -> None:
        self.url = url

    def post(self, path: str, data: dict[str, str], headers: dict[str, str],
             base_url: str) -> _Answer:
        return _Answer(requests.post(self.url + path, data=data, headers=headers, timeout=30))


@dataclass
class Failover:
    """Kills the master once `after` texts were answered; `back` once a replica is
    promoted (patients told to call then text again, as people do)."""

    line: Line
    crowd: list[Patient]
    after: int
    back: threading.Event = field(default_factory=threading.Event)
    killed_at: float = 0.0
    promoted_at: float = 0.0
    calls: list[tuple[float, list[str]]] = field(default_factory=list)

    def run(self) -> None:
        try:
            wait_until(lambda: sum(1 for p in self.crowd for m in p.messages if m.deliveries)
                       >= self.after, timeout=120, what="the load to get going")
            old = self.line.cluster.kill_master()
            self.killed_at = time.monotonic()
            self.line.cluster.wait_for_new_master(old)
            self.promoted_at = time.monotonic()
        finally:
            self.back.set()

    def ring(self, number: int) -> None:
        """One caller calling again and again, each call a question and an answer,
        until two calls began more than SETTLE after the promotion."""
        server = self.line.stack.servers[number % 2]
        twilio = TwilioClient(_Http(server.url), AUTH_TOKEN, base_url=PUBLIC_URL)
        calls = after = 0
        while after < 2:
            after += self.back.is_set() and time.monotonic() > self.promoted_at + SETTLE
            calls += 1
            caller = VoiceCaller(twilio, caller=f"+1555500{number:02d}{calls:02d}",
                                 call_sid="CA" + uuid.uuid4().hex, base_url=PUBLIC_URL)
            started = time.monotonic()
            turn = caller.start()
            heard = list(turn.said)
            if turn.waiting == "Gather":
                heard += caller.say("is it genetic").said
            self.calls.append((started, heard))
            time.sleep(0.05)


def test_the_master_killed_under_load_loses_nothing_and_nobody_restarts(line: Line) -> None:
    stack = line.stack
    crowd = patients(3000, CROWD, seed=3)
    failover = Failover(line, crowd, after=CROWD * 20 // 3)
    web_pids = [server.process.pid for server in stack.servers]
    threads = [threading.Thread(target=failover.run)]
    threads += [threading.Thread(target=failover.ring, args=(n,)) for n in range(CALLERS)]
    for thread in threads:
        thread.start()
    converse(stack.urls, crowd, failover)
    for thread in threads:
        thread.join()
    assert failover.promoted_at, "no replica was promoted"

    # Every answer, before, during and after, was valid TwiML within Twilio's patience
    # (check_document held for every call step as it was played).
    everything = [e for p in crowd for m in p.messages for e in m.deliveries]
    for exchange in everything:
        exchange.check_twiml()
        assert exchange.seconds < TWILIO_PATIENCE
    during = [e for e in everything
              if e.started > failover.killed_at and e.finished < failover.promoted_at]
    assert during, "no patient texted while there was no master"
    for exchange in during:
        assert exchange.apology and any(SUPPORT_PHONE in t for t in exchange.texts), exchange.raw
    calls_during = [heard for started, heard in failover.calls
                    if failover.killed_at < started < failover.promoted_at - 1]
    for heard in calls_during:
        assert heard and "911" in heard[0] and any(APOLOGY in h for h in heard), heard
    calls_after = [heard for started, heard in failover.calls if started > failover.promoted_at + SETTLE]
    assert calls_after and all(not any(APOLOGY in h for h in heard) for heard in calls_after)

    # The same processes carried on: every text after the promotion answered by the bot
    # (one begun in the moment the test sees the promotion may still be retrying the dead
    # master in a process that has not yet asked Sentinel again: SETTLE).
    after = [e for e in everything if e.started > failover.promoted_at + SETTLE]
    assert after and not [e.raw for e in after if e.apology]
    assert [server.process.pid for server in stack.servers] == web_pids
    assert all(server.process.poll() is None for server in stack.servers)
    assert line.worker.process is not None and line.worker.process.poll() is None

    for patient in crowd:
        assert patient.messages[-1].answered, patient.phone
        sids = [sid for sid, _ in stored_messages(stack, patient)]
        assert len(sids) == len(set(sids)), f"a turn stored twice for {patient.phone}"
        sent = [m.sid for m in patient.messages]
        assert sids == [sid for sid in sent if sid in sids], "out of order"
        lost = [m.text for m in patient.messages if m.answered and m.sid not in sids]
        assert not lost, f"answered, then lost in the failover: {lost}"
        assert set(confirmed_refills(patient)) <= set(refills_of(stack, patient))
    check_references_exist(stack, crowd)

    # Every escalation opened was paged to each staff number exactly once.
    opened = {r.decode() for r in stack.client.zrange(Keys(PREFIX).escalation_all, 0, -1)}
    assert opened >= {ref for ref in references(crowd) if ref.startswith("E-")}
    expected = sorted((ref, number) for ref in opened for number in STAFF_NUMBERS)

    def paged() -> list[tuple[str, str]]:
        return sorted((re.findall(r"E-\d+", m.form["Body"])[0], m.form["To"])
                      for m in line.api.sent if "E-" in m.form["Body"])

    wait_until(lambda: len(paged()) >= len(expected), timeout=60, what="every page to go out")
    escalations = stack.escalations()
    wait_until(lambda: all(escalations.get(ref).notify_status == "sent" for ref in opened),
               timeout=30, what="every page to be recorded as sent")
    assert paged() == expected
    check_no_tracebacks(stack)
    log = line.worker.log.read_text()
    assert "quitting" not in log and "Traceback" not in log, log[-3000:]
    # It waited for the new master inside its retries, never giving a command up (which
    # a reconnect to the dead master's address would have made it do, 20 s later).
    assert "could not connect to Redis" not in log, log[-3000:]
    print(f"no master for {failover.promoted_at - failover.killed_at:.1f} s: {len(during)} texts "
          f"and {len(calls_during)} calls got the apology; {len(expected)} pages sent once")
