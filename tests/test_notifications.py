"""Staff notifications and staff replies: queued by the web process, sent by a real RQ
worker through the twilio REST client to the fake Twilio API, retried with backoff,
never sent twice, and a failure that staff can see."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests
import time_machine
from rq.registry import ScheduledJobRegistry
from twilio.base.exceptions import TwilioRestException

from bot.jobs import tasks as jobs
from bot.jobs.queue import RETRY_INTERVALS, reply_states
from bot.records.escalations import URGENT
from tests.conftest import AUTH_TOKEN
from tests.console_server import (
    ACCOUNT_SID,
    STAFF_NUMBERS,
    SUPPORT_LINE,
    StaffClient,
    add_staff,
    outbound_queue,
    run_jobs,
)
from tests.helpers import PATIENT, TwilioClient, urgent_first

MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


def escalate(twilio, text: str = "can I talk to a pharmacist") -> str:  # type: ignore[no-untyped-def]
    replies = " ".join(twilio.say(text))
    match = re.search(r"E-\d+", replies)
    assert match, replies
    return match.group(0)


def later(seconds: float) -> time_machine.travel:
    """RQ schedules retries by the wall clock: move it on, ticking."""
    return time_machine.travel(datetime.now(UTC) + timedelta(seconds=seconds), tick=True)


# -- what is sent ---------------------------------------------------------------------------
def test_each_staff_number_gets_a_text_through_the_rest_api(twilio, services, redis_client,
                                                           settings, api):
    reference = escalate(twilio)
    assert api.sent == []  # the webhook only queued a job
    assert len(outbound_queue(redis_client, settings)) == 1

    run_jobs(redis_client, settings)
    assert sorted(m.form["To"] for m in api.sent) == sorted(STAFF_NUMBERS)
    for message in api.sent:
        assert message.path == MESSAGES_PATH
        assert message.username == ACCOUNT_SID
        assert message.form["From"] == SUPPORT_LINE
        body = message.form["Body"]
        assert reference in body and "(SMS)" in body
        assert f"https://console.example.org/staff/escalations/{reference}" in body
    assert services.escalations.get(reference).notify_status == "sent"


def test_a_notification_carries_no_phi(twilio, redis_client, settings, api):
    twilio.say("my name is Maria Lopez and my rx is 7654321, born 1990-04-12")
    escalate(twilio)
    run_jobs(redis_client, settings)
    assert api.sent
    for message in api.sent:
        body = message.form["Body"]
        for private in (PATIENT, PATIENT[-4:], "Maria", "Lopez", "7654321", "1990", "pharmacist"):
            assert private not in body, private
        assert set(message.form) <= {"To", "From", "Body"}


def test_an_urgent_escalation_says_so_and_raising_urgency_texts_again(twilio, services,
                                                                     redis_client, settings, api):
    reference = escalate(twilio)
    run_jobs(redis_client, settings)
    services.escalations.open_or_raise_urgency(
        sender_id=PATIENT, phone=PATIENT, channel="twilio_sms", reason="emergency reported",
        transcript=[{"from": "patient", "text": "help", "time": 1.0}])
    run_jobs(redis_client, settings)
    assert len(api.sent) == 2 * len(STAFF_NUMBERS)
    urgent = [m.form["Body"] for m in api.sent[len(STAFF_NUMBERS):]]
    assert all(f"URGENT escalation {reference}" in body for body in urgent)
    assert services.escalations.get(reference).urgency == URGENT


def test_an_opted_out_patients_emergency_texts_make_one_escalation_and_page_staff_once(
        twilio, services, redis_client, settings, api):
    twilio.sms("STOP", OptOutType="STOP")
    texts = ["my baby is not breathing", "she is turning blue", "please help she is not waking up"]
    for text in texts:
        assert twilio.say(text) == []  # nothing may be texted to them
    [escalation] = services.escalations.open_queue()
    assert escalation.urgency == URGENT and "opted out" in escalation.reason
    lines = services.escalations.get(escalation.reference, with_lines=True).transcript
    assert [line["text"] for line in lines] == texts
    run_jobs(redis_client, settings)
    assert sorted(m.form["To"] for m in api.sent) == sorted(STAFF_NUMBERS)
    assert all(f"URGENT escalation {escalation.reference}" in m.form["Body"] for m in api.sent)


def test_emergency_texts_arriving_at_once_still_make_one_escalation(app, twilio, services,
                                                                    redis_client, settings, api):
    twilio.sms("STOP", OptOutType="STOP")  # so the texts do not wait for each other's turn
    texts = [f"my baby is not breathing {n}" for n in range(8)]

    def send(text: str) -> list[str]:
        return TwilioClient(app.test_client(), AUTH_TOKEN).say(text)

    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        assert list(pool.map(send, texts)) == [[]] * len(texts)
    [escalation] = services.escalations.open_queue()
    lines = services.escalations.get(escalation.reference, with_lines=True).transcript
    assert sorted(line["text"] for line in lines) == sorted(texts)
    run_jobs(redis_client, settings)
    assert sorted(m.form["To"] for m in api.sent) == sorted(STAFF_NUMBERS)


def test_a_text_joining_the_moment_before_staff_are_paged_is_not_a_second_text(
        app, twilio, services, redis_client, settings, api, monkeypatch):
    # The race the test above found under load: the second text joined the escalation
    # after it was stored but before its page was noted, and staff got two texts.
    twilio.sms("STOP", OptOutType="STOP")
    page = services.escalations.on_opened
    joined: list[list[str]] = []

    def page_after_another_text(escalation):  # type: ignore[no-untyped-def]
        if not joined:
            joined.append(TwilioClient(app.test_client(), AUTH_TOKEN).say("she is blue now"))
        return page(escalation)

    monkeypatch.setattr(services.escalations, "on_opened", page_after_another_text)
    assert twilio.say("my baby is not breathing") == [] and joined == [[]]
    [escalation] = services.escalations.open_queue()
    run_jobs(redis_client, settings)
    assert sorted(m.form["To"] for m in api.sent) == sorted(STAFF_NUMBERS)
    assert len(services.escalations.get(escalation.reference, with_lines=True).transcript) == 2


def test_a_second_emergency_text_goes_onto_the_urgent_escalation_without_a_second_page(
        twilio, services, redis_client, settings, api):
    twilio.say("my baby is not breathing")
    run_jobs(redis_client, settings)
    assert urgent_first(twilio.say("she's turning blue now")[0])
    run_jobs(redis_client, settings)
    [escalation] = services.escalations.open_queue()
    lines = services.escalations.get(escalation.reference, with_lines=True).transcript
    # The patient's words, then what the bot told them: the specialist sees both.
    assert [(line["from"], line["text"][:20]) for line in lines[-2:]] == [
        ("patient", "she's turning blue n"), ("bot", "Please don't wait: c")]
    assert sorted(m.form["To"] for m in api.sent) == sorted(STAFF_NUMBERS)


# -- never twice ------------------------------------------------------------------------------
def test_a_job_run_twice_texts_each_number_once(twilio, services, redis_client, settings, api):
    reference = escalate(twilio)
    jobs_queue = outbound_queue(redis_client, settings)
    jobs_queue.enqueue_call("bot.jobs.tasks.notify_staff", args=(reference,))
    run_jobs(redis_client, settings)
    assert sorted(m.form["To"] for m in api.sent) == sorted(STAFF_NUMBERS)


def test_a_send_cut_off_midway_is_not_repeated_but_reported(twilio, services, redis_client,
                                                           settings, api):
    reference = escalate(twilio)
    # An earlier attempt recorded its intent for the first number, then died.
    marker = services.keys.dedup("notify", f"{reference}:normal:{STAFF_NUMBERS[0]}")
    redis_client.set(marker, b"sending")
    run_jobs(redis_client, settings)
    assert [m.form["To"] for m in api.sent] == [STAFF_NUMBERS[1]]
    escalation = services.escalations.get(reference)
    assert escalation.notify_status == "failed"
    assert "unconfirmed" in escalation.notify_detail and "***0101" in escalation.notify_detail


# -- retries, backoff, and failure you can see ------------------------------------------------
def test_a_failed_attempt_is_retried_later_and_only_the_missing_text_is_sent(
        twilio, services, redis_client, settings, api):
    reference = escalate(twilio)
    api.fail_next = 1  # Twilio answers 500 to the first number
    run_jobs(redis_client, settings)
    assert [m.form["To"] for m in api.sent] == [STAFF_NUMBERS[1]]
    escalation = services.escalations.get(reference)
    assert escalation.notify_status == "retrying"
    assert escalation.notify_detail.startswith(
        "attempt 1 of 6 failed (***0101: Twilio answered HTTP 500, error 20500)")
    assert "trying again in 10 s" in escalation.notify_detail

    registry = ScheduledJobRegistry(queue=outbound_queue(redis_client, settings))
    [job_id] = registry.get_job_ids()
    due = registry.get_scheduled_time(job_id).timestamp()
    assert 5 <= due - time.time() <= RETRY_INTERVALS[0] + 1

    run_jobs(redis_client, settings, with_scheduler=True)  # not due yet: nothing happens
    assert len(api.sent) == 1
    with later(RETRY_INTERVALS[0] + 1):
        run_jobs(redis_client, settings, with_scheduler=True)
    assert sorted(m.form["To"] for m in api.sent) == sorted(STAFF_NUMBERS)
    assert services.escalations.get(reference).notify_status == "sent"


def test_when_every_attempt_fails_the_console_shows_it(app, twilio, services, redis_client,
                                                       settings, api):
    reference = escalate(twilio)
    api.fail_next = 1000
    run_jobs(redis_client, settings)
    waited = 0.0
    for interval in RETRY_INTERVALS:
        waited += interval + 1
        with later(waited):
            run_jobs(redis_client, settings, with_scheduler=True)
    assert api.sent == []
    escalation = services.escalations.get(reference, with_lines=True)
    assert escalation.notify_status == "failed"
    assert escalation.notify_detail.startswith("all 6 attempts failed")
    assert sum(h["action"] == "staff notification retrying" for h in escalation.history) == 5

    add_staff(redis_client, settings)
    staff = StaffClient(app)
    staff.login()
    row = staff.get("/staff/queue.json").get_json()["escalations"][0]
    assert row["notify_failed"] is True and row["notify"] == "Staff text FAILED"
    assert "Staff text FAILED" in staff.get("/staff/").get_data(as_text=True)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "The staff text for this escalation failed: all 6 attempts failed" in page


def test_the_jobs_have_a_timeout_and_backoff(twilio, redis_client, settings, api):
    escalate(twilio)
    [job] = outbound_queue(redis_client, settings).get_jobs()
    assert job.timeout == 30
    assert job.retries_left == len(RETRY_INTERVALS)
    assert job.retry_intervals == RETRY_INTERVALS == sorted(RETRY_INTERVALS)
    assert job.args == (job.args[0],)  # the reference only: no PHI in the queue


def test_no_staff_numbers_is_not_configured_calmly_saying_what_to_set(
        monkeypatch, app, twilio, services, redis_client, settings, api):
    monkeypatch.setenv("STAFF_NOTIFY_NUMBERS", "")
    reference = escalate(twilio)
    run_jobs(redis_client, settings)
    escalation = services.escalations.get(reference)
    assert escalation.notify_status == "not_configured"
    assert "set STAFF_NOTIFY_NUMBERS" in escalation.notify_detail
    assert api.sent == []
    add_staff(redis_client, settings)
    staff = StaffClient(app)
    staff.login()
    row = staff.get("/staff/queue.json").get_json()["escalations"][0]
    assert row["notify_failed"] is False
    assert "FAILED" not in staff.get("/staff/").get_data(as_text=True)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "failed" not in page.lower() and not re.search(r'role="alert"(?! hidden)', page)
    assert "not configured (no staff numbers to text: set STAFF_NOTIFY_NUMBERS" in page


def test_numbers_without_twilio_credentials_are_still_a_failure(monkeypatch, twilio, services,
                                                                redis_client, settings, api):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "")
    reference = escalate(twilio)
    run_jobs(redis_client, settings)
    escalation = services.escalations.get(reference)
    assert escalation.notify_status == "failed"
    assert "TWILIO_ACCOUNT_SID" in escalation.notify_detail


# -- staff replies -----------------------------------------------------------------------------
def test_a_failed_reply_is_retried_and_sent_once(app, twilio, services, redis_client, settings,
                                                 api):
    reference = escalate(twilio)
    run_jobs(redis_client, settings)
    api.sent.clear()
    add_staff(redis_client, settings)
    staff = StaffClient(app)
    staff.login()
    staff.get(f"/staff/escalations/{reference}")
    staff.post(f"/staff/escalations/{reference}/reply", {"message": "Calling you in 5 minutes."})
    api.fail_next = 1
    run_jobs(redis_client, settings)
    assert api.sent == []
    [state] = reply_states(services.escalations, reference).values()
    assert state.status == "retrying" and "trying again in 10 s" in state.detail
    assert "Text retrying" in staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    with later(RETRY_INTERVALS[0] + 1):
        run_jobs(redis_client, settings, with_scheduler=True)
        run_jobs(redis_client, settings, with_scheduler=True)
    assert api.bodies_to(PATIENT) == ["Calling you in 5 minutes."]
    [state] = reply_states(services.escalations, reference).values()
    assert state.status == "sent"


def test_a_reply_cut_off_while_sending_is_marked_unconfirmed_not_resent(
        app, twilio, services, redis_client, settings, api):
    reference = escalate(twilio)
    run_jobs(redis_client, settings)
    api.sent.clear()
    add_staff(redis_client, settings)
    staff = StaffClient(app)
    staff.login()
    staff.get(f"/staff/escalations/{reference}")
    staff.post(f"/staff/escalations/{reference}/reply", {"message": "Hello from Dana."})
    [reply_id] = reply_states(services.escalations, reference)
    redis_client.hset(services.keys.escalation(reference), f"reply:{reply_id}:status", "sending")
    run_jobs(redis_client, settings)
    assert api.sent == []
    state = reply_states(services.escalations, reference)[reply_id]
    assert state.status == "unconfirmed" and "check with the patient" in state.detail
    assert "Text UNCONFIRMED" in staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)


# -- how Twilio's answers are read ---------------------------------------------------------------
class _Rest:
    def __init__(self, error: Exception) -> None:
        self.messages = self
        self.error = error

    def create(self, **kwargs: str) -> None:
        raise self.error


@pytest.mark.parametrize(("error", "kind"), [
    (TwilioRestException(500, "/Messages.json", "oops"), jobs.SendFailed),
    (TwilioRestException(429, "/Messages.json", "slow down"), jobs.SendFailed),
    (TwilioRestException(400, "/Messages.json", f"The 'To' number {PATIENT} is not valid",
                         code=21211), jobs.Refused),
    (TwilioRestException(400, "/Messages.json", "unsubscribed", code=21610), jobs.Refused),
    (requests.ConnectTimeout("connect timed out"), jobs.SendFailed),
    (requests.ReadTimeout("read timed out"), jobs.Unconfirmed),
    (requests.ConnectionError("connection aborted"), jobs.Unconfirmed),
])
def test_twilio_answers_are_sorted_into_retry_give_up_or_unconfirmed(error, kind):
    with pytest.raises(kind) as raised:
        jobs.send_text(_Rest(error), to=PATIENT, from_=SUPPORT_LINE, body="hello")
    assert PATIENT not in str(raised.value) and "4567" not in str(raised.value)
