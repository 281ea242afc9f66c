"""How often staff are texted (review finding 3): 30 emergencies posted at once paged
staff 30 times, and real pages waited behind them. Now every escalation still reaches
the console's queue, but staff get at most STAFF_PAGES_PER_MINUTE texts a minute and one
summary text for the rest at the minute's end; a conversation is texted about at most
once in five minutes unless it became urgent; and urgent texts go ahead of everything
else queued, in a real `python -m bot worker`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.app import create_app
from bot.parts import build_parts
from tests.chat import REPO, wait_until
from tests.conftest import AUTH_TOKEN, make_settings
from tests.console_server import STAFF_NUMBERS, run_jobs, worker_environment
from tests.helpers import PATIENT, TwilioClient
from tests.sensitive import SENSITIVE

EMERGENCY = "my baby is not breathing and turning blue"
PERSON = "can I talk to a pharmacist"


@pytest.fixture()
def line(redis_url, engine, clock, redis_client, api):  # type: ignore[no-untyped-def]
    settings = make_settings(redis_url, STAFF_PAGES_PER_MINUTE="3")
    services = build_parts(settings, clock=clock, engine=engine)
    app = create_app(settings, parts=services)
    return settings, services, TwilioClient(app.test_client(), AUTH_TOKEN)


def later(seconds: float) -> time_machine.travel:
    """RQ runs a scheduled job by the wall clock: move it on, ticking."""
    return time_machine.travel(datetime.now(UTC) + timedelta(seconds=seconds), tick=True)


def reference_in(texts: list[str]) -> str:
    match = re.search(r"E-\d+", " ".join(texts))
    assert match, texts
    return match.group()


def test_beyond_the_pages_a_minute_staff_get_one_summary_text_at_the_minutes_end(
        line, api, redis_client, clock):
    settings, services, twilio = line
    for n in range(7):
        assert "911" in " ".join(twilio.say(EMERGENCY, sender=f"+1555010{n:04d}"))
    queue = services.escalations.open_queue()
    assert len(queue) == 7 and all(e.is_urgent for e in queue)  # every one is in the console
    run_jobs(redis_client, settings)
    pages = api.bodies_to(STAFF_NUMBERS[0])
    assert len(pages) == 3 and all("URGENT escalation" in page for page in pages)
    held = [e for e in services.escalations.open_queue() if e.notify_status == "held"]
    assert len(held) == 4
    page = staff_page(services, held[0].reference)
    assert "more than 3 staff texts this minute" in page

    run_jobs(redis_client, settings, with_scheduler=True)  # the minute is not over yet
    assert len(api.bodies_to(STAFF_NUMBERS[0])) == 3
    with later(62):
        run_jobs(redis_client, settings, with_scheduler=True)
    for number in STAFF_NUMBERS:
        *_, summary = api.bodies_to(number)
        assert len(api.bodies_to(number)) == 4
        assert summary.startswith("NH Support Line: 4 more escalations (4 URGENT) in the last minute")
        assert "https://console.example.org/staff/" in summary
        assert not re.search(r"\d{4}", summary.replace("E-", ""))  # no digits of a patient
    assert {e.notify_status for e in services.escalations.open_queue()} == {"sent"}

    clock.advance(60)  # a new minute: texted one by one again
    twilio.say(EMERGENCY, sender="+15550109999")
    run_jobs(redis_client, settings)
    assert "URGENT escalation" in api.bodies_to(STAFF_NUMBERS[0])[-1]


def staff_page(services, reference: str) -> str:  # type: ignore[no-untyped-def]
    found = services.escalations.get(reference, with_lines=True)
    return " ".join([found.notify_detail, *(entry.get("note", "") for entry in found.history)])


def test_a_conversation_is_texted_about_once_in_five_minutes_unless_it_becomes_urgent(
        line, api, redis_client, clock):
    settings, services, twilio = line
    first = reference_in(twilio.say(PERSON))
    services.escalations.resolve(first, "dana", "called back")
    again = reference_in(twilio.say(PERSON))  # a new escalation, a minute later
    assert again != first
    run_jobs(redis_client, settings)
    assert len(api.bodies_to(STAFF_NUMBERS[0])) == 1
    assert services.escalations.get(again).notify_status == "not sent"
    assert "texted about this conversation" in staff_page(services, again)

    twilio.say(EMERGENCY)  # the same escalation, now urgent: worth a text at once
    run_jobs(redis_client, settings)
    assert "URGENT escalation " + again in api.bodies_to(STAFF_NUMBERS[0])[-1]

    services.escalations.resolve(again, "dana", "called back")
    clock.advance(5 * 60 + 1)
    third = reference_in(twilio.say(PERSON))
    run_jobs(redis_client, settings)
    assert f"Escalation {third}" in api.bodies_to(STAFF_NUMBERS[0])[-1]


@pytest.mark.slow
def test_the_worker_sends_urgent_texts_before_everything_queued_ahead_of_them(
        redis_url, engine, clock, redis_client, fake_twilio_api, tmp_path):
    prefix = f"page{uuid.uuid4().hex[:6]}:"
    settings = make_settings(redis_url, REDIS_KEY_PREFIX=prefix)
    services = build_parts(settings, clock=clock, engine=engine)
    waiting = [services.escalations.open(sender_id=f"web-{n}", phone="", channel="rest",
                                         reason="patient asked for a person").reference
               for n in range(3)]
    SENSITIVE.add_phone(PATIENT)
    urgent, _ = services.escalations.open_or_raise_urgency(
        sender_id=PATIENT, phone=PATIENT, channel="twilio_sms", reason="emergency reported")
    log = tmp_path / "worker.log"
    SENSITIVE.watch_file(log)
    env = worker_environment(fake_twilio_api, redis_url, REDIS_KEY_PREFIX=prefix)
    with log.open("wb") as out:
        worker = subprocess.Popen([sys.executable, "-m", "bot", "worker"], cwd=REPO, stdout=out,
                                  stderr=subprocess.STDOUT, env={**os.environ, **env},
                                  start_new_session=True)
    try:
        wait_until(lambda: all(services.escalations.get(r).notify_status == "sent"
                               for r in [*waiting, urgent.reference]),
                   timeout=30, what="every staff text sent")
    finally:
        worker.terminate()
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:  # its work horse too: the group it leads
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    bodies = [message.form["Body"] for message in fake_twilio_api.sent]
    assert all(f"URGENT escalation {urgent.reference}" in body for body in bodies[:2]), bodies
    assert [reference_in([body]) for body in bodies[2:]] == [r for r in waiting for _ in (1, 2)]
