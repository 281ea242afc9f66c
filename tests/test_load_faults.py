"""Load and faults, on real processes over loopback: two gunicorn app processes (as
gunicorn.conf.py configures them) share one durable redis-server of the test's own.

- Fifty patients text at once, twenty messages each, alternately to both processes,
  some messages delivered twice (the same signed request again, at the same moment or
  later, to either process): every message is handled once and in order, a second copy
  is answered with an empty <Response/>, one refill request per completed form.
- Redis killed (SIGKILL) in the middle of that, then started again on the same socket
  and data: while it is down every webhook answers the apology and the number to call
  within a second and /healthz is 503; afterwards the same app processes carry on and
  every reference a patient was given still exists.
- The job worker killed while one staff notification is being sent and another waits
  in the queue: after a restart each staff number gets each text exactly once.
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
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
import requests
from rq import Queue
from rq.registry import StartedJobRegistry
from rq.scheduler import RQScheduler

from bot.engine.conversations import ConversationStore
from bot.jobs.queue import queue_name
from bot.records.connection import client_for_url
from bot.records.escalations import EscalationStore
from bot.records.keys import Keys
from tests.chat import free_port, gunicorn, server_environment, serving, wait_until
from tests.conftest import SUPPORT_PHONE
from tests.console_server import STAFF_NUMBERS, worker_environment
from tests.crowd import (
    DOWN_ANSWER,
    PATIENTS,
    PUBLIC_URL,
    TURNS,
    TWILIO_PATIENCE,
    Exchange,
    Patient,
    Stack,
    check_no_tracebacks,
    check_references_exist,
    confirmed_refills,
    converse,
    patients,
    post,
    references,
    refills_of,
    stored_messages,
)
from tests.helpers import PATIENT, sms_params
from tests.processes import RedisServer, WorkerProcess
from tests.voice_caller import fixture

pytestmark = pytest.mark.slow

PREFIX = "load:"

@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = Path(tempfile.mkdtemp(prefix="nh-load-"))  # short: a socket path has a limit
    server = RedisServer(folder)
    server.start()
    env = server_environment(server.url, PREFIX, PUBLIC_BASE_URL=PUBLIC_URL)
    logs = tmp_path_factory.mktemp("app-processes")
    ports = [free_port(), free_port()]
    try:
        with serving(gunicorn(ports[0]), env, logs / "a.log", ports[0], "/healthz") as first, \
                serving(gunicorn(ports[1]), env, logs / "b.log", ports[1], "/healthz") as second:
            yield Stack(server, [first, second], client_for_url(server.url))
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# -- 1. load, duplicates and order ---------------------------------------------------------
def test_fifty_patients_at_once_on_two_processes_each_message_once_and_in_order(stack):
    crowd = patients(0, PATIENTS, seed=1)
    started = time.monotonic()
    converse(stack.urls, crowd)
    took = time.monotonic() - started

    deliveries = [e for p in crowd for m in p.messages for e in m.deliveries]
    assert len(deliveries) > PATIENTS * TURNS  # the duplicates were sent too
    for exchange in deliveries:
        exchange.check_twiml()
        assert not exchange.apology, exchange.raw
        assert exchange.seconds < TWILIO_PATIENCE
    assert {e.server for e in deliveries} == {0, 1}

    for patient in crowd:
        sent = [(m.sid, m.text) for m in patient.messages]
        assert len(sent) == TURNS
        # Every message stored once, in the order sent: none lost, none twice.
        assert stored_messages(stack, patient) == sent, patient.phone
        for message in patient.messages:
            # Twilio delivers a message again only when it did not take the first answer:
            # every copy gets the same answer, so the patient gets it once.
            answers = {e.raw for e in message.deliveries if not e.empty}
            assert len(answers) <= 1, f"{message.sid} answered {len(answers)} ways"

        # One refill request per completed form, the one the patient was told about.
        confirmed = confirmed_refills(patient)
        assert sorted(refills_of(stack, patient)) == confirmed
        assert len(confirmed) == (0 if patient.kind == "cancel" else 1), patient.kind

    check_references_exist(stack, crowd)
    # Each escalation opened was confirmed to its patient, and each patient who asked
    # for a person was given one ("ok" to an offer of the copay team counts as asking).
    told = {ref for ref in references(crowd) if ref.startswith("E-")}
    opened = {r.decode() for r in stack.client.zrange(Keys(PREFIX).escalation_all, 0, -1)}
    assert told == opened
    for patient in crowd:
        if patient.kind == "person":
            assert any(ref.startswith("E-") for ref in references([patient])), patient.phone
    check_no_tracebacks(stack)
    print(f"{len(deliveries)} webhooks for {PATIENTS} patients in {took:.1f} s")


# -- 2. Redis killed under that load -------------------------------------------------------
@dataclass
class Outage:
    """Kills Redis once `after` messages have been answered, keeps it down while
    probing every kind of webhook, then starts it again."""

    stack: Stack
    crowd: list[Patient]
    after: int
    down_for: float = 2.0
    back: threading.Event = field(default_factory=threading.Event)
    killed_at: float = 0.0
    restarted_at: float = 0.0
    probes: list[Exchange] = field(default_factory=list)
    health: list[tuple[int, float, dict[str, str]]] = field(default_factory=list)

    def answered(self) -> int:
        return sum(1 for p in self.crowd for m in p.messages if m.deliveries)

    def run(self) -> None:
        try:
            wait_until(lambda: self.answered() >= self.after, timeout=60,
                       what="the load to get going")
            self.stack.redis.kill()
            self.killed_at = time.monotonic()
            while time.monotonic() - self.killed_at < self.down_for:
                self.probe()
            self.stack.redis.start()  # same socket, same data directory
            self.restarted_at = time.monotonic()
        finally:
            self.back.set()

    def probe(self) -> None:
        urls = self.stack.urls
        n = len(self.probes)
        server = n % 2
        caller = f"+1555300{n:04d}"
        call = {**fixture("voice_inbound"), "From": caller, "Caller": caller,
                "CallSid": "CA" + uuid.uuid4().hex}
        sid = "SM" + uuid.uuid4().hex
        self.probes += [
            post(urls[server], server, "/twilio/sms",
                 sms_params("my baby needs a refill", caller, sid), sid),
            post(urls[server], server, "/twilio/voice", call, call["CallSid"]),
            post(urls[server], server, "/twilio/voice/menu?step=1",
                 {**call, **fixture("voice_gather_digits"), "Digits": "1"}, call["CallSid"]),
        ]
        started = time.monotonic()
        response = requests.get(urls[server] + "/healthz", timeout=5)
        self.health.append((response.status_code, time.monotonic() - started, response.json()))
        time.sleep(0.05)


def test_redis_killed_under_load_the_line_apologises_fast_then_carries_on(stack):
    crowd = patients(1000, PATIENTS, seed=2)
    outage = Outage(stack, crowd, after=PATIENTS * TURNS // 3)
    killer = threading.Thread(target=outage.run)
    killer.start()
    converse(stack.urls, crowd, outage)
    killer.join()
    assert outage.restarted_at, "Redis was not restarted"

    # While Redis was down: the apology and the number to call, within a second, from
    # every webhook; /healthz said so.
    assert len(outage.probes) >= 6 and outage.health
    everything = [e for p in crowd for m in p.messages for e in m.deliveries]
    down = [e for e in everything
            if e.started > outage.killed_at and e.finished < outage.restarted_at]
    assert down, "no patient texted while Redis was down"
    for exchange in [*outage.probes, *down]:
        exchange.check_twiml()
        assert exchange.seconds < DOWN_ANSWER, (exchange.path, exchange.seconds)
        assert exchange.apology and any(SUPPORT_PHONE in t for t in exchange.texts), exchange.raw
        if exchange.path.startswith("/twilio/voice"):
            assert exchange.root is not None and exchange.root[-1].tag == "Hangup"
            assert any("911" in text for text in exchange.texts)
    for status, seconds, body in outage.health:
        assert status == 503 and body["redis"] == "unavailable" and seconds < DOWN_ANSWER
    # Those under way when Redis died were answered as fast (the bot's answer or the
    # apology, whichever it came to).
    for exchange in everything:
        if exchange.started < outage.killed_at < exchange.finished:
            assert exchange.finished - outage.killed_at < DOWN_ANSWER

    # Every webhook, before, during and after, was valid TwiML in Twilio's time.
    for exchange in everything:
        exchange.check_twiml()
        assert exchange.seconds < TWILIO_PATIENCE, (exchange.seconds, exchange.raw[:200])

    # The same app processes carry on: once Redis was back every text was answered by
    # the bot, to the end of every patient's script.
    after = [e for e in everything if e.started > outage.restarted_at]
    assert after and not [e.raw for e in after if e.apology]
    assert all(patient.messages[-1].answered for patient in crowd)
    for server in stack.urls:
        assert requests.get(server + "/healthz", timeout=5).status_code == 200

    for patient in crowd:
        stored = stored_messages(stack, patient)
        sids = [sid for sid, _ in stored]
        assert len(sids) == len(set(sids)), "a message was handled twice"
        sent = [m.sid for m in patient.messages]
        assert sids == [sid for sid in sent if sid in sids], "out of order"
        missing = [m.text for m in patient.messages if m.answered and m.sid not in sids]
        assert not missing, f"answered but not stored: {missing}"
        # A refill confirmed is stored (an apology may have left one unconfirmed).
        assert set(confirmed_refills(patient)) <= set(refills_of(stack, patient))
    check_references_exist(stack, crowd)
    print(f"Redis down {outage.restarted_at - outage.killed_at:.1f} s: {len(down)} texts and "
          f"{len(outage.probes)} probes answered in at most "
          f"{max(e.seconds for e in [*outage.probes, *down]):.3f} s; afterwards the slowest "
          f"answer took {max(e.seconds for e in after):.2f} s")


def test_a_turn_cut_off_by_redis_dying_does_not_hold_its_conversation_once_it_is_back():
    """The turn's lock could not be released while Redis was gone; it is released with
    this process's next attempt, not a whole lease (10 s) later. Otherwise the patient's
    next text waits 8 s for the lock and gets the apology, and with sync workers every
    other conversation waits behind it."""
    folder = Path(tempfile.mkdtemp(prefix="nh-lock-"))
    server = RedisServer(folder)
    server.start()
    try:
        this_process = ConversationStore(client_for_url(server.url), Keys(PREFIX), ttl_seconds=60,
                                         seen_ttl_seconds=60, lease_ms=10_000, acquire_timeout_ms=8_000)
        other_process = ConversationStore(client_for_url(server.url), Keys(PREFIX), ttl_seconds=60,
                                          seen_ttl_seconds=60, lease_ms=10_000, acquire_timeout_ms=300)
        with pytest.raises(redis.ConnectionError), this_process.hold(PATIENT):
            server.kill()
            this_process.client.ping()  # the turn's save, with Redis gone
        server.start()
        with this_process.hold("+15550001111"):  # its next text, another conversation
            pass
        with other_process.hold(PATIENT):  # the patient's next text, elsewhere: no wait
            pass
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# -- 3. the job worker killed mid-send, with a notification waiting ------------------------
def as_if_the_dead_worker_timed_out(client: redis.Redis, queue: Queue) -> None:
    """What RQ does after about 90 s without a heartbeat from a dead worker, done now:
    its job's entry in the started registry expires and its scheduler lock lapses."""
    registry = StartedJobRegistry(queue=queue)
    for member in client.zrange(registry.key, 0, -1):
        client.zadd(registry.key, {member: time.time() - 1})
    client.delete(RQScheduler.get_locking_key(queue.name))


def test_the_worker_killed_mid_send_and_with_a_text_queued_sends_each_once(
        tmp_path, redis_url, redis_client, settings, twilio, fake_twilio_api):
    """Two escalations: the first one's text to staff number 1 reaches Twilio, whose
    answer never comes back before the worker (`python -m bot worker`) is killed; the
    second one's job waits in the queue. After a restart each number has each text once:
    the second at once, the first retried for number 2 only (number 1 may have it, so
    it is reported as unconfirmed, never sent again)."""
    api = fake_twilio_api
    queue = Queue(queue_name(settings.key_prefix), connection=redis_client)
    worker = WorkerProcess({**os.environ, **worker_environment(api, redis_url)},
                           tmp_path / "worker.log")

    def escalate(sender: str) -> str:
        replies = " ".join(twilio.say("can a pharmacist call me", sender=sender))
        match = re.search(r"E-\d+", replies)
        assert match, replies
        return match.group()

    api.hang_next = 1  # Twilio takes the first text and then keeps the worker waiting
    first = escalate("+15554000001")
    worker.start()
    try:
        wait_until(lambda: len(api.sent) == 1, timeout=20, what="the worker to send")
        second = escalate("+15554000002")
        assert queue.count == 1  # queued behind the text being sent
        worker.kill()
        api.release()

        as_if_the_dead_worker_timed_out(redis_client, queue)
        worker.start()
        # The waiting text goes at once; the cut-off job is retried after its interval.
        wait_until(lambda: len(api.sent) == 4, timeout=30, what="every text to be sent")
        time.sleep(1.5)  # nothing more comes
    finally:
        worker.stop()

    sent = sorted((re.findall(r"E-\d+", m.form["Body"])[0], m.form["To"]) for m in api.sent)
    assert sent == sorted((ref, number) for ref in (first, second) for number in STAFF_NUMBERS)
    store = EscalationStore(redis_client, Keys(settings.key_prefix))
    assert store.get(second).notify_status == "sent"
    # The text cut off mid-send may have arrived: staff are told, it is not sent again.
    cut_off = store.get(first)
    assert cut_off.notify_status == "failed" and "unconfirmed" in cut_off.notify_detail
    assert "Traceback" not in worker.log.read_text()

