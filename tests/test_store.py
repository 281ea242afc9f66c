"""Conversation state in a real Redis: the tracker store, the fair conversation lock, and
the proof that one conversation is handled one message at a time, in order, even when
its messages reach two separate app processes at once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
import redis
import requests

from bot.app import create_app
from bot.channels.rest import conversation_sender
from bot.engine.conversations import ConversationStore, LockTimeout
from bot.parts import build_parts
from bot.records.connection import client_for_url
from bot.records.keys import Keys
from bot.records.refills import RefillStore
from tests.chat import (
    REPO,
    Chat,
    free_port,
    gunicorn,
    said,
    server_environment,
    serving,
    wait_until,
)
from tests.conftest import make_settings
from tests.helpers import PATIENT


class RoundTrips:
    """Counts what a client sends to Redis: one count per network round trip (a
    pipeline or a MULTI transaction is sent as one)."""

    def __init__(self, client: redis.Redis) -> None:
        counter = self
        base = client.connection_pool.connection_class

        class Counting(base):  # type: ignore[misc, valid-type]
            def send_packed_command(self, command: Any, check_health: bool = True) -> None:
                counter.count += 1
                super().send_packed_command(command, check_health)

        self.count = 0
        client.connection_pool.disconnect()
        client.connection_pool.connection_class = Counting
        client.ping()  # connect (and say hello) before counting
        self.count = 0


def _event(number: int) -> dict[str, Any]:
    return {"event": "user", "text": f"message {number}", "timestamp": 1000.0 + number,
            "parse_data": {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}}


@pytest.fixture()
def store(redis_client) -> ConversationStore:  # type: ignore[no-untyped-def]
    return ConversationStore(redis_client, Keys("t:"), ttl_seconds=3600, seen_ttl_seconds=600)


def save(store: ConversationStore, sender: str, events: list[dict[str, Any]], *,
         replace: bool = False, message_id: str | None = None) -> None:
    """A turn that stores these events."""
    with store.hold(sender, message_id) as conversation:
        conversation.save(events, replace=replace)


# -- the tracker store ----------------------------------------------------------------------------
def test_events_come_back_in_the_order_they_were_saved(store):
    save(store, PATIENT, [_event(1), _event(2)])
    save(store, PATIENT, [_event(3)])
    save(store, "+15550009999", [_event(9)])
    assert store.load(PATIENT).events == [_event(1), _event(2), _event(3)]
    save(store, PATIENT, [_event(4)], replace=True)  # a new session replaces the old one
    assert store.load(PATIENT).events == [_event(4)]
    assert store.load("+15550009999").events == [_event(9)]
    assert store.load("+15550000000").events == []


def test_a_message_id_marks_the_message_as_seen(store):
    assert not store.load(PATIENT, "SM1").duplicate
    save(store, PATIENT, [_event(1)], message_id="SM1")
    assert store.load(PATIENT, "SM1").duplicate
    assert not store.load(PATIENT, "SM2").duplicate


def test_a_turn_holds_loads_saves_and_releases_in_two_round_trips_however_long_the_history(
        redis_url, redis_client):
    client = client_for_url(redis_url)
    trips = RoundTrips(client)
    store = ConversationStore(client, Keys("t:"), ttl_seconds=3600, seen_ttl_seconds=600)
    for size in (1, 500):
        save(store, PATIENT, [_event(n) for n in range(size)], replace=True)
        trips.count = 0
        with store.hold(PATIENT, message_id="SM1") as conversation:
            assert (trips.count, len(conversation.events)) == (1, size)  # lock and load
            conversation.save([_event(size), _event(size + 1)])
        assert trips.count == 2  # save and unlock
        assert store.load(PATIENT, "SM1").duplicate


def test_a_turn_costs_the_same_round_trips_early_and_late_in_a_conversation(engine, settings,
                                                                           redis_url, redis_client):
    parts = build_parts(settings, engine=engine)
    trips = RoundTrips(parts.redis)  # the parts' own connection, counted
    chat = Chat(parts.processor)
    chat.say("hi")  # the session starts and the lock's scripts get loaded

    def turn_cost() -> int:
        trips.count = 0
        assert chat.say("hi")
        return trips.count

    early = turn_cost()
    for _ in range(30):
        chat.say("what is nh")
    assert turn_cost() == early <= 4  # lock, load, save, unlock


def test_every_conversation_key_and_refill_record_expires(services, redis_client):
    chat = Chat(services.processor)
    for text in ["hi", "i need a refill", "1234567", "03/14/1990", "can a pharmacist call me"]:
        chat.say(text)
    prefix = services.settings.key_prefix
    keys = [*redis_client.scan_iter(match=f"{prefix}conv:*"),
            *redis_client.scan_iter(match=f"{prefix}refill*")]
    assert any(b":events" in key for key in keys) and any(b"refill:R-" in key for key in keys)
    for key in keys:
        if not key.endswith(b":counter"):  # a reference number is never given twice
            assert redis_client.ttl(key) > 0, key


def test_the_conversation_lifetime_is_the_configured_one(redis_url, engine, clock, redis_client):
    settings = make_settings(redis_url, CONVERSATION_TTL_SECONDS="600")
    services = build_parts(settings, clock=clock, engine=engine)
    Chat(services.processor).say("hi")
    key = services.keys.events(services.keys.conversation(PATIENT))
    assert 590 < redis_client.ttl(key) <= 600


# -- the conversation lock -----------------------------------------------------------------------
def _lock(client: redis.Redis, *, lease_ms: int = 10_000,
          timeout_ms: int = 5_000) -> ConversationStore:
    return ConversationStore(client, Keys("t:"), ttl_seconds=3600, seen_ttl_seconds=600,
                             lease_ms=lease_ms, acquire_timeout_ms=timeout_ms)


def test_waiters_get_the_conversation_in_the_order_they_asked(redis_client):
    lock = _lock(redis_client)
    queue = f"{Keys('t:').lock(Keys('t:').conversation(PATIENT))}:queue"
    order: list[int] = []

    def wait_then_work(number: int) -> None:
        with lock.hold(PATIENT):
            order.append(number)
            time.sleep(0.005)

    threads = []
    with lock.hold(PATIENT):
        for number in range(6):
            thread = threading.Thread(target=wait_then_work, args=(number,))
            thread.start()
            threads.append(thread)
            wait_until(lambda n=number: redis_client.llen(queue) == n + 2, what="the waiter queued")
    for thread in threads:
        thread.join(10)
    assert order == list(range(6))


def test_other_conversations_are_not_held_up(redis_client):
    lock = _lock(redis_client, timeout_ms=100)
    with lock.hold(PATIENT), lock.hold("+15550009999"):
        pass


def test_a_busy_conversation_raises_lock_timeout_after_the_acquire_timeout(redis_client):
    holder = _lock(redis_client)
    impatient = _lock(redis_client, timeout_ms=300)
    with holder.hold(PATIENT):
        started = time.monotonic()
        with pytest.raises(LockTimeout), impatient.hold(PATIENT):
            pass
        assert 0.25 < time.monotonic() - started < 2.0
    # The waiter that gave up left the queue: it holds nobody up afterwards.
    started = time.monotonic()
    with impatient.hold(PATIENT):
        assert time.monotonic() - started < 0.2


HOLDER = """
import sys, time
from bot.records.connection import client_for_url
from bot.records.keys import Keys
from bot.engine.conversations import ConversationStore
lock = ConversationStore(client_for_url(sys.argv[1]), Keys("t:"), ttl_seconds=60,
                         seen_ttl_seconds=60, lease_ms=int(sys.argv[3]), acquire_timeout_ms=2000)
held = lock.hold(sys.argv[2])  # kept: collecting it would release the lock
held.__enter__()
print("holding", flush=True)
time.sleep(60)
"""


def test_a_holder_that_died_frees_the_conversation_when_its_lease_runs_out(redis_url, redis_client):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, redis_url, PATIENT, "1500"],
                              cwd=REPO, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"holding"
        held_at = time.monotonic()
    finally:
        holder.kill()
        holder.wait()
    with pytest.raises(LockTimeout), _lock(redis_client, timeout_ms=200).hold(PATIENT):
        pass  # the dead holder's lease is still running
    with _lock(redis_client, timeout_ms=5000).hold(PATIENT):
        waited = time.monotonic() - held_at
    assert 1.3 < waited < 3.5


# -- the proof: two app processes, one conversation ------------------------------------------------
def _post(url: str, sender: str, text: str) -> list[str]:
    response = requests.post(f"{url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": text}, timeout=30)
    assert response.status_code == 200, response.text
    replies = response.json()
    assert all(reply["recipient_id"] == sender for reply in replies)
    return [reply["text"] for reply in replies]


def _turns(events: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The stored conversation as (user text, the events of its turn)."""
    turns: list[tuple[str, list[dict[str, Any]]]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event["text"], []))
        elif turns:
            turns[-1][1].append(event)
    return turns


def _check_processed_whole(events: list[dict[str, Any]], replies: dict[str, list[str]]) -> None:
    """Each message once, its turn complete and uninterrupted, its reply its own."""
    turns = _turns(events)
    assert sorted(text for text, _ in turns) == sorted(replies)  # none lost, none twice
    times = [event["timestamp"] for event in events]
    assert times == sorted(times)  # no turn started before the previous one was saved
    first_user = next(i for i, e in enumerate(events) if e["event"] == "user")
    # The session's start, said before the first answer.
    opening = [e["text"] for e in events[:first_user] if e["event"] == "bot"]
    for number, (text, turn) in enumerate(turns):
        # The turn ran to the end: the bot listened again (a conversation handed to a
        # person listens first, then acknowledges).
        assert any(e["event"] == "action" and e["name"] == "action_listen" for e in turn), text
        said_in_turn = [e["text"] for e in turn if e["event"] == "bot"]
        assert (opening if number == 0 else []) + said_in_turn == replies[text], text


@pytest.mark.slow
def test_concurrent_messages_to_two_app_processes_are_handled_one_at_a_time_in_order(
        engine, redis_url, redis_client, tmp_path):
    prefix = f"proof{uuid.uuid4().hex[:6]}:"
    env = server_environment(redis_url, prefix)
    ports = [free_port(), free_port()]
    with serving(gunicorn(ports[0]), env, tmp_path / "a.log", ports[0], "/healthz") as first, \
            serving(gunicorn(ports[1]), env, tmp_path / "b.log", ports[1], "/healthz") as second:
        servers = [first.url, second.url]
        store = ConversationStore(redis_client, Keys(prefix), ttl_seconds=3600, seen_ttl_seconds=600)
        lock = ConversationStore(redis_client, Keys(prefix), ttl_seconds=3600, seen_ttl_seconds=600,
                                 lease_ms=30_000,
                                acquire_timeout_ms=1000)
        conversation = conversation_sender(PATIENT)  # the REST channel's own namespace
        queue = f"{Keys(prefix).lock(Keys(prefix).conversation(conversation))}:queue"

        # 1. A refill, its four messages arriving alternately at the two processes while
        #    the conversation is busy: they queue, then run in the order they arrived.
        refill = ["i need a refill", "1234567", "03/14/1990", "thanks"]
        with ThreadPoolExecutor(max_workers=4) as pool:
            with lock.hold(conversation):
                futures = []
                for number, text in enumerate(refill):
                    futures.append(pool.submit(_post, servers[number % 2], PATIENT, text))
                    wait_until(lambda n=number: redis_client.llen(queue) == n + 2,
                               what=f"message {number + 1} queued")
            answers = [future.result() for future in futures]
        domain = engine.domain
        assert said(domain, answers[0], "utter_ask_prescription_number")
        assert said(domain, answers[1], "utter_ask_date_of_birth")
        assert said(domain, answers[2], "utter_refill_submitted")
        assert said(domain, answers[3], "utter_thank")
        events = store.load(conversation).events
        assert [text for text, _ in _turns(events)] == refill
        _check_processed_whole(events, dict(zip(refill, answers, strict=True)))
        assert len(RefillStore(redis_client, Keys(prefix)).recent()) == 1

        # 2. A burst: twelve messages fired at once, six at each process.
        burst = ["hi", "hello", "what is nh", "is nh genetic", "what is ivig",
                 "when does ivig start", "will it happen again", "are you a bot",
                 "am i talking to a robot", "thanks", "thank you", "what about my next pregnancy"]
        sender = "+15557650000"
        start = threading.Barrier(len(burst))

        def fire(number: int) -> list[str]:
            start.wait()
            return _post(servers[number % 2], sender, burst[number])

        with ThreadPoolExecutor(max_workers=len(burst)) as pool:
            answers = list(pool.map(fire, range(len(burst))))
        assert all(answers), answers
        _check_processed_whole(store.load(conversation_sender(sender)).events, dict(zip(burst, answers, strict=True)))
        for server in (first, second):
            assert "Traceback" not in server.output()


def test_a_conversation_busy_for_too_long_answers_503_and_the_message_is_not_lost(
        redis_url, engine, clock, redis_client):
    settings = replace(make_settings(redis_url), lock_acquire_timeout_ms=200)
    services = build_parts(settings, clock=clock, engine=engine)
    client = create_app(settings, parts=services).test_client()
    busy = ConversationStore(redis_client, Keys(settings.key_prefix), ttl_seconds=60,
                             seen_ttl_seconds=60, lease_ms=10_000,
                            acquire_timeout_ms=1000)
    with busy.hold(conversation_sender(PATIENT)):
        response = client.post("/webhooks/rest/webhook", json={"sender": PATIENT, "message": "hi"})
    assert response.status_code == 503
    assert "busy" in response.get_json()["error"]
    assert json.loads(response.get_data()) and "Traceback" not in response.get_data(as_text=True)
    # The client can send it again once the conversation is free.
    response = client.post("/webhooks/rest/webhook", json={"sender": PATIENT, "message": "hi"})
    assert response.status_code == 200 and response.get_json()
