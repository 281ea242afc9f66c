"""A patient writes again in a conversation handed to staff: the queue marks it, shows the
last message and how long they have waited, the open escalation page catches up, and
whoever has it is texted (paced, urgent ones at once), without PHI, by a real RQ worker
through the fake Twilio API."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bot.console.users import StaffUsers
from tests.console_server import (
    STAFF,
    STAFF_NUMBERS,
    StaffClient,
    add_staff,
    run_jobs,
)
from tests.helpers import PATIENT, urgent_first

DANA_PHONE = "+15005550199"
LINK = "https://console.example.org/staff/escalations/"


@pytest.fixture()
def staff(app, settings, redis_client, services) -> StaffClient:  # type: ignore[no-untyped-def]
    add_staff(redis_client, settings)
    StaffUsers(redis_client, services.keys).add(STAFF, "correct horse battery", phone=DANA_PHONE)
    client = StaffClient(app)
    assert client.login().status_code == 302
    return client


def escalate(twilio) -> str:  # type: ignore[no-untyped-def]
    replies = " ".join(twilio.say("can I talk to a pharmacist"))
    match = re.search(r"E-\d+", replies)
    assert match, replies
    return match.group(0)


def opened_and_paged(twilio, redis_client, settings, api, clock) -> str:  # type: ignore[no-untyped-def]
    reference = escalate(twilio)
    run_jobs(redis_client, settings)  # the page that it opened
    api.sent.clear()
    clock.advance(10 * 60)  # past the pacing gap: the page counts as telling staff
    return reference


def row(staff: StaffClient, reference: str) -> dict:  # type: ignore[type-arg]
    rows = staff.get("/staff/queue.json").get_json()["escalations"]
    return next(r for r in rows if r["reference"] == reference)


# -- the text to staff ----------------------------------------------------------------------
def test_a_follow_up_in_a_claimed_conversation_texts_the_assignee_without_phi(
        staff, twilio, services, redis_client, settings, api, clock):
    reference = opened_and_paged(twilio, redis_client, settings, api, clock)
    services.escalations.claim(reference, STAFF)
    [ack] = twilio.say("my son Leo still has a fever of 39, born 2024-03-14")
    assert "your message was added" in ack
    run_jobs(redis_client, settings)
    assert api.bodies_to(DANA_PHONE) == [
        f"NH Support Line: Patient replied on {reference} (SMS). Open the console: {LINK}{reference}"]
    assert all(api.bodies_to(number) == [] for number in STAFF_NUMBERS)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "Patient-replied text</dt><dd>sent (to dana)" in page


def test_unclaimed_it_goes_to_the_staff_numbers_and_so_when_the_assignee_has_no_number(
        staff, twilio, services, redis_client, settings, api, clock):
    reference = opened_and_paged(twilio, redis_client, settings, api, clock)
    twilio.say("hello? anyone there?")
    run_jobs(redis_client, settings)
    assert sorted(m.form["To"] for m in api.sent) == sorted(STAFF_NUMBERS)
    api.sent.clear()
    services.escalations.claim(reference, "lee")  # lee has no number on record
    clock.advance(10 * 60)
    twilio.say("still waiting")
    run_jobs(redis_client, settings)
    assert sorted(m.form["To"] for m in api.sent) == sorted(STAFF_NUMBERS)


def test_texts_in_a_row_make_one_text_until_a_few_minutes_have_passed(
        staff, twilio, services, redis_client, settings, api, clock):
    reference = opened_and_paged(twilio, redis_client, settings, api, clock)
    services.escalations.claim(reference, STAFF)
    for text in ("one more thing", "actually two", "sorry, three"):
        twilio.say(text)
        clock.advance(20)
    run_jobs(redis_client, settings)
    assert len(api.bodies_to(DANA_PHONE)) == 1
    clock.advance(5 * 60)
    twilio.say("are you there?")
    run_jobs(redis_client, settings)
    assert len(api.bodies_to(DANA_PHONE)) == 2
    # Right after the escalation opened, the page to staff is the news.
    other = escalate_for(twilio, "+15557654321")
    twilio.say("hello?", "+15557654321")
    run_jobs(redis_client, settings)
    assert not any(other in m.form["Body"] and "replied" in m.form["Body"] for m in api.sent)


def escalate_for(twilio, sender: str) -> str:  # type: ignore[no-untyped-def]
    replies = " ".join(twilio.say("can I talk to a pharmacist", sender))
    return re.search(r"E-\d+", replies).group(0)  # type: ignore[union-attr]


def test_an_urgent_message_reaches_the_assignee_at_once(staff, twilio, services, redis_client,
                                                       settings, api, clock):
    reference = opened_and_paged(twilio, redis_client, settings, api, clock)
    services.escalations.claim(reference, STAFF)
    twilio.say("ok I will wait")
    run_jobs(redis_client, settings)
    assert api.bodies_to(DANA_PHONE)[0].startswith("NH Support Line: Patient replied")
    replies = twilio.say("she is not breathing")  # seconds later: not held back
    assert urgent_first(replies[0])
    run_jobs(redis_client, settings)
    urgent = [body for body in api.bodies_to(DANA_PHONE) if body.startswith("NH Support Line: URGENT")]
    assert urgent == [f"NH Support Line: URGENT, patient replied on {reference} (SMS). "
                      f"Open the console: {LINK}{reference}"]
    # The staff numbers get the urgent page too, as for any escalation that became urgent.
    assert all(any("URGENT escalation" in b for b in api.bodies_to(n)) for n in STAFF_NUMBERS)


def test_with_nobody_to_text_it_is_not_configured_and_says_what_to_set(
        monkeypatch, staff, twilio, services, redis_client, settings, api, clock):
    monkeypatch.setenv("STAFF_NOTIFY_NUMBERS", "")
    reference = opened_and_paged(twilio, redis_client, settings, api, clock)
    services.escalations.claim(reference, "lee")
    twilio.say("hello?")
    run_jobs(redis_client, settings)
    assert api.sent == []
    escalation = services.escalations.get(reference)
    assert escalation.notice_status == "not_configured"
    assert "python -m bot staff add lee --phone" in escalation.notice_detail
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert not re.search(r'role="alert"(?! hidden)', page) and "FAILED" not in page


# -- what the queue shows ----------------------------------------------------------------
def test_the_queue_marks_the_reply_shows_the_last_message_and_the_wait(
        staff, twilio, services, clock):
    reference = escalate(twilio)
    first = row(staff, reference)
    assert first["last"] == "Patient: can I talk to a pharmacist"
    assert first["waiting"] == "0 s" and first["replied"] is False
    services.escalations.claim(reference, STAFF)
    clock.advance(7 * 60)
    twilio.say("my son still has a fever and he will not eat anything at all since this morning, "
               "what should I do now")
    after = row(staff, reference)
    assert after["replied"] is True and after["waiting"] == "7 min"
    assert after["last"].startswith("Patient: my son still has a fever")
    assert after["last"].endswith("\u2026") and len(after["last"]) < 110
    assert "Patient replied" in staff.get("/staff/").get_data(as_text=True)
    assert "with a new patient reply" in staff.get("/staff/queue.json").get_json()["status"]
    # Opening it (as its assignee) takes the mark away; a text answers the wait.
    staff.get(f"/staff/escalations/{reference}")
    assert row(staff, reference)["replied"] is False
    staff.post(f"/staff/escalations/{reference}/reply", {"message": "Calling you now."})
    answered = row(staff, reference)
    assert answered["waiting"] == "answered" and answered["last"] == "dana (staff): Calling you now."


def test_a_colleague_looking_leaves_the_mark_for_the_assignee(staff, twilio, services, clock):
    reference = escalate(twilio)
    services.escalations.claim(reference, "lee")
    twilio.say("hello again")
    staff.get(f"/staff/escalations/{reference}")
    assert row(staff, reference)["replied"] is True


def test_a_web_chat_visitor_is_named_so_not_by_stars(staff, app):
    client = app.test_client()
    reply = client.post("/webhooks/rest/webhook", json={"sender": "visitor-1",
                                                        "message": "can I talk to a pharmacist"})
    reference = re.search(r"E-\d+", " ".join(m["text"] for m in reply.get_json())).group(0)  # type: ignore[union-attr]
    assert row(staff, reference)["phone"] == "web chat visitor"
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "none: web chat visitor" in page and 'href="tel:"' not in page
    assert "***" not in staff.get("/staff/").get_data(as_text=True)


# -- the open escalation page catches up ----------------------------------------------------------
def test_the_page_gets_only_what_it_has_not_shown_and_audits_what_it_showed(
        staff, twilio, services):
    reference = escalate(twilio)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    seen = int(re.search(r'data-seen="(\d+)"', page).group(1))  # type: ignore[union-attr]
    quiet = staff.get(f"/staff/escalations/{reference}/updates.json?seen={seen}").get_json()
    assert quiet["lines"] == [] and quiet["seen"] == seen
    twilio.say("it is about the shipment")
    news = staff.get(f"/staff/escalations/{reference}/updates.json?seen={seen}").get_json()
    assert [(line["speaker"], line["text"]) for line in news["lines"]][0] == (
        "Patient", "it is about the shipment")
    assert news["seen"] > seen and news["status"] == "open"
    audit = staff.get(f"/staff/audit?target={reference}").get_data(as_text=True)
    assert audit.count("viewed new messages") == 1


def test_the_pages_polling_needs_a_session_and_does_not_keep_it_alive(app, twilio, staff):
    reference = escalate(twilio)
    anonymous = app.test_client().get(f"/staff/escalations/{reference}/updates.json")
    assert anonymous.status_code == 401
    assert anonymous.get_json()["login"] == f"/staff/login?next=/staff/escalations/{reference}"


# -- staff numbers ------------------------------------------------------------------------------
def test_staff_add_with_a_phone_and_staff_list_shows_it_masked(settings, redis_url, redis_client,
                                                               services, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "REDIS_URL": redis_url, "BOT_ENV": "test",
           "PYTHONPATH": str(settings.project_dir)}

    def bot(*args: str, password: str = "a long enough password\n") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "staff", *args], input=password,
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)

    assert bot("add", "robin", "--phone", DANA_PHONE).returncode == 0
    assert bot("add", "sam").returncode == 0
    listed = bot("list")
    assert listed.returncode == 0
    assert re.search(r"robin\s+\*\*\*0199", listed.stdout) and re.search(r"sam\s+\(none\)", listed.stdout)
    assert DANA_PHONE not in listed.stdout + listed.stderr
    assert StaffUsers(redis_client, services.keys).phone("robin") == DANA_PHONE
    # A new password keeps the number; "" removes it; a malformed one is refused.
    assert bot("add", "robin").returncode == 0
    assert StaffUsers(redis_client, services.keys).phone("robin") == DANA_PHONE
    bad = bot("add", "robin", "--phone", "555-0199")
    assert bad.returncode == 2 and "E.164" in bad.stderr
    assert bot("add", "robin", "--phone", "").returncode == 0
    assert StaffUsers(redis_client, services.keys).phone("robin") == ""
    assert PATIENT not in listed.stdout
