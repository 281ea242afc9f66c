"""The staff console, worked as a specialist works it: real Redis, signed Twilio webhooks,
a real RQ worker and the fake Twilio REST API."""

from __future__ import annotations

import base64
import html
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from bot.app import create_app
from bot.parts import build_parts
from bot.privacy import mask_phone
from bot.records.escalations import URGENT
from bot.settings import SettingsError
from tests.conftest import make_settings
from tests.console_server import (
    ACCOUNT_SID,
    PASSWORD,
    STAFF,
    SUPPORT_LINE,
    StaffClient,
    add_staff,
    outbound_queue,
    run_jobs,
)
from tests.helpers import PATIENT
from tests.voice_caller import VoiceCaller

OTHER = "+15557654321"


def ask_for_a_person(twilio, sender: str = PATIENT) -> str:  # type: ignore[no-untyped-def]
    replies = " ".join(twilio.say("can I talk to a pharmacist", sender))
    match = re.search(r"E-\d+", replies)
    assert match, f"no escalation reference in {replies!r}"
    return match.group(0)


# -- the queue -------------------------------------------------------------------------------
def test_the_queue_shows_a_new_escalation_with_the_number_masked(staff, twilio):
    reference = ask_for_a_person(twilio)
    page = staff.get("/staff/").get_data(as_text=True)
    assert reference in page
    assert mask_phone(PATIENT) in page and PATIENT not in page
    assert "SMS" in page and "patient asked for a person" in page
    assert "nobody yet" in page


def test_the_queue_puts_urgent_first_then_oldest(staff, services, clock):
    def open_one(sender: str, urgency: str = "normal") -> str:
        clock.advance(60)
        return services.escalations.open(sender_id=sender, phone=sender, channel="twilio_sms",
                                         reason="patient asked for a person",
                                         urgency=urgency).reference

    oldest = open_one("+15550000001")
    newer = open_one("+15550000002")
    urgent = open_one("+15550000003", URGENT)
    rows = staff.get("/staff/queue.json").get_json()["escalations"]
    assert [row["reference"] for row in rows] == [urgent, oldest, newer]
    assert rows[0]["urgent"] is True
    assert rows[1]["age"] == "2 min"
    assert {row["phone"] for row in rows} == {"***0001", "***0002", "***0003"}


def test_the_queue_page_refreshes_itself_from_the_json_endpoint(staff):
    page = staff.get("/staff/").get_data(as_text=True)
    assert 'data-source="/staff/queue.json"' in page
    assert 'data-login="/staff/login?next=/staff/"' in page
    assert "/staff/static/queue.js" in page
    assert staff.get("/staff/static/queue.js").status_code == 200


def test_the_queue_counts_in_its_title_and_status_line(staff, services):
    page = staff.get("/staff/").get_data(as_text=True)
    assert "<title>Queue - NH Support Line staff</title>" in page
    assert staff.get("/staff/queue.json").get_json()["title"] == "Queue"
    for number, urgency in (("+15550000001", "normal"), ("+15550000002", URGENT),
                            ("+15550000003", "normal")):
        services.escalations.open(sender_id=number, phone=number, channel="twilio_sms",
                                  reason="patient asked for a person", urgency=urgency)
    page = staff.get("/staff/").get_data(as_text=True)
    assert "<title>(3, 1 URGENT) Queue - NH Support Line staff</title>" in page
    assert '<p id="queue-status" class="muted" role="status" aria-live="polite">3 waiting, 1 urgent.</p>' in page
    feed = staff.get("/staff/queue.json").get_json()
    assert (feed["title"], feed["status"]) == ("(3, 1 URGENT) Queue", "3 waiting, 1 urgent.")


# -- one escalation ------------------------------------------------------------------------
def test_an_escalation_page_has_the_conversation_and_the_number_to_call(staff, twilio):
    twilio.say("what is nh")
    reference = ask_for_a_person(twilio)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "what is nh" in page and "can I talk to a pharmacist" in page
    assert f'href="tel:{PATIENT}"' in page
    assert "Claim" in page


RE1 = "RE" + "1" * 32  # a RecordingSid as Twilio writes them


class FakeRecordings:
    """Twilio's recordings on loopback: answers GET with MP3 bytes to the right account."""

    AUDIO = b"ID3\x03\x00fake mp3 audio"

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        recordings = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                auth = self.headers.get("Authorization", "").split(" ", 1)[-1]
                user = base64.b64decode(auth or "").decode().partition(":")[0]
                recordings.requests.append((self.path, user))
                ok = user == ACCOUNT_SID and self.path.endswith(f"/Recordings/{RE1}.mp3")
                self.send_response(200 if ok else 401)
                self.send_header("Content-Type", "audio/mpeg")
                self.end_headers()
                self.wfile.write(recordings.AUDIO if ok else b"")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture()
def recordings() -> Iterator[FakeRecordings]:
    fake = FakeRecordings()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def voicemail(services, recording_url: str) -> str:  # type: ignore[no-untyped-def]
    escalation = services.escalations.open(
        sender_id=PATIENT, phone=PATIENT, channel="twilio_voice", reason="voicemail",
        recording_url=recording_url, recording_sid=RE1,
    )
    services.escalations.update(escalation.reference, "twilio", "transcription",
                                fields={"transcription": "Please call me back about the shipment"})
    return escalation.reference


def test_a_voicemail_plays_in_the_console_and_shows_its_transcription(
        redis_url, engine, clock, redis_client, recordings):
    settings = make_settings(redis_url, TWILIO_API_BASE_URL=recordings.base_url)
    services = build_parts(settings, clock=clock, engine=engine)
    staff = StaffClient(create_app(settings, parts=services))
    add_staff(redis_client, settings)
    staff.login()
    reference = voicemail(
        services, f"{recordings.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{RE1}")
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "Please call me back about the shipment" in page and "phone call" in page
    audio = f"/staff/escalations/{reference}/voicemail.mp3"
    assert f'<audio controls preload="none" src="{audio}"' in page
    response = staff.get(audio)
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert response.data == FakeRecordings.AUDIO
    assert recordings.requests == [
        (f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{RE1}.mp3", ACCOUNT_SID)]
    assert "played voicemail" in staff.get("/staff/audit").get_data(as_text=True)


def test_a_recording_link_off_twilio_is_never_fetched(staff, services, recordings):
    reference = voicemail(services, f"{recordings.base_url}/2010-04-01/Recordings/{RE1}")
    response = staff.get(f"/staff/escalations/{reference}/voicemail.mp3")
    assert response.status_code == 502
    assert "not a Twilio recording" in response.get_data(as_text=True)
    assert recordings.requests == []


def test_claiming_puts_my_name_on_it(staff, twilio, services):
    reference = ask_for_a_person(twilio)
    staff.get(f"/staff/escalations/{reference}")
    page = staff.follow(staff.post(f"/staff/escalations/{reference}/claim")).get_data(as_text=True)
    assert f"You have claimed {reference}" in page
    escalation = services.escalations.get(reference, with_lines=True)
    assert escalation.status == "claimed" and escalation.assignee == STAFF
    assert escalation.history[-1]["action"] == "claimed"
    assert staff.get("/staff/queue.json").get_json()["escalations"][0]["assignee"] == STAFF


def take_it(services, reference: str, who: str = "lee") -> None:  # type: ignore[no-untyped-def]
    services.escalations.claim(reference, who)


def test_taking_over_from_a_colleague_needs_a_second_step(staff, twilio, services):
    reference = ask_for_a_person(twilio)
    take_it(services, reference)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    form = re.search(r'<form method="post" action="[^"]*/claim"[^>]*>', page)
    assert form and f'data-confirm="lee is working on {reference}. Take it over?"' in form.group(0)
    assert '<input type="hidden" name="take_over_from" value="" data-confirmed="lee">' in page

    # One click (or the script's confirmation skipped): a page that asks, nothing changed.
    response = staff.post(f"/staff/escalations/{reference}/claim", {"take_over_from": ""})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"Take over {reference} from lee?" in page
    assert 'name="csrf_token"' in page and 'name="take_over_from" value="lee"' in page
    assert services.escalations.get(reference).assignee == "lee"

    response = staff.post(f"/staff/escalations/{reference}/claim", {"take_over_from": "lee"})
    assert f"You have claimed {reference}" in staff.follow(response).get_data(as_text=True)
    assert services.escalations.get(reference).assignee == STAFF


def test_a_take_over_confirmed_for_someone_else_asks_again(staff, twilio, services):
    reference = ask_for_a_person(twilio)
    take_it(services, reference)
    staff.get(f"/staff/escalations/{reference}")
    take_it(services, reference, "sam")  # while dana was deciding
    response = staff.post(f"/staff/escalations/{reference}/claim", {"take_over_from": "lee"})
    assert f"Take over {reference} from sam?" in response.get_data(as_text=True)
    assert services.escalations.get(reference).assignee == "sam"


def test_claiming_an_unclaimed_escalation_is_one_click(staff, twilio, services):
    reference = ask_for_a_person(twilio)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "data-confirm" not in page and "take_over_from" not in page
    staff.post(f"/staff/escalations/{reference}/claim")
    assert services.escalations.get(reference).assignee == STAFF


def test_replying_to_a_colleagues_escalation_warns_next_to_the_form(staff, twilio, services):
    reference = ask_for_a_person(twilio)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "Claimed by" not in page
    take_it(services, reference)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert '<p class="warning" id="claimed-note"><strong>Claimed by lee.</strong>' in page
    textarea = re.search(r'<textarea id="message"[^>]*>', page)
    assert textarea and "claimed-note" in textarea.group(0)
    staff.post(f"/staff/escalations/{reference}/claim", {"take_over_from": "lee"})
    assert "Claimed by" not in staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)


def test_after_an_action_the_outcome_is_a_status_region_focus_goes_to(staff, twilio):
    reference = ask_for_a_person(twilio)
    staff.get(f"/staff/escalations/{reference}")
    page = staff.follow(staff.post(f"/staff/escalations/{reference}/claim")).get_data(as_text=True)
    assert re.search(r'<div id="flashes" class="flashes" tabindex="-1">\s*'
                     rf'<p class="flash message" role="status">You have claimed {reference}', page)
    assert "/staff/static/console.js" in page
    assert "flashes.focus(" in staff.get("/staff/static/console.js").get_data(as_text=True)


def test_the_escalation_page_names_the_staff_notification_once(staff, twilio, services,
                                                              redis_client, settings,
                                                              api):
    reference = ask_for_a_person(twilio)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "<dt>Staff notification</dt><dd>queued</dd>" in page
    run_jobs(redis_client, settings)
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "<dt>Staff notification</dt><dd>sent</dd>" in page
    assert "Staff texted" not in page


def test_times_show_the_year_and_the_pharmacys_time_zone(staff, services, clock):
    clock.now = datetime(2026, 12, 1, 22, 25, tzinfo=ZoneInfo("America/Los_Angeles")).timestamp()
    escalation = services.escalations.open(sender_id=PATIENT, phone=PATIENT,
                                           channel="twilio_sms", reason="patient asked for a person")
    clock.now += 3600
    page = staff.get(f"/staff/escalations/{escalation.reference}").get_data(as_text=True)
    assert '<time datetime="2026-12-01T22:25:00-08:00">Tue 1 Dec 2026, 22:25 PST</time>' in page
    clock.now = datetime(2026, 7, 4, 9, 5, tzinfo=ZoneInfo("America/Los_Angeles")).timestamp()
    refill = services.refills.create(phone=PATIENT, prescription_number="7654321",
                                     date_of_birth="1990-04-12", channel="twilio_voice")
    page = staff.get(f"/staff/refills/{refill.reference}").get_data(as_text=True)
    assert "Sat 4 Jul 2026, 09:05 PDT" in page and "<dd>phone call</dd>" in page


def test_a_reply_goes_through_the_worker_to_the_patient(staff, twilio, services, redis_client,
                                                         settings, api):
    reference = ask_for_a_person(twilio)
    run_jobs(redis_client, settings)  # the staff notifications
    api.sent.clear()
    staff.get(f"/staff/escalations/{reference}")
    response = staff.post(f"/staff/escalations/{reference}/reply",
                          {"message": "Hi, this is Dana from the pharmacy. I can call you at 3pm."})
    assert "on its way" in staff.follow(response).get_data(as_text=True)
    assert api.sent == []  # the request only queued it

    run_jobs(redis_client, settings)
    [sent] = api.sent
    assert sent.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert sent.username == ACCOUNT_SID
    assert sent.form["To"] == PATIENT and sent.form["From"] == SUPPORT_LINE
    assert sent.form["Body"] == "Hi, this is Dana from the pharmacy. I can call you at 3pm."

    escalation = services.escalations.get(reference, with_lines=True)
    assert escalation.transcript[-1]["from"] == "staff"
    assert escalation.transcript[-1]["who"] == STAFF
    actions = [h["action"] for h in escalation.history]
    assert actions[-1] == "reply sent" and "reply queued" in actions
    assert escalation.assignee == STAFF  # replying claims it
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "I can call you at 3pm." in page and "Text sent" in page


def test_typographic_characters_are_sent_as_plain_sms(staff, twilio, redis_client, settings,
                                                      api):
    reference = ask_for_a_person(twilio)
    staff.get(f"/staff/escalations/{reference}")
    staff.post(f"/staff/escalations/{reference}/reply", {"message": "We\u2019ll call \u2013 soon"})
    run_jobs(redis_client, settings)
    assert api.bodies_to(PATIENT) == ["We'll call - soon"]


def test_a_reply_to_an_opted_out_patient_is_refused_and_nothing_is_queued(
        staff, twilio, redis_client, settings, api):
    reference = ask_for_a_person(twilio)
    run_jobs(redis_client, settings)
    twilio.say("STOP")
    staff.get(f"/staff/escalations/{reference}")
    assert "opted out of texts" in staff.page
    response = staff.post(f"/staff/escalations/{reference}/reply", {"message": "Hello?"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not sent: the patient has opted out of texts (STOP)" in page
    assert "Hello?" in page  # the draft, to read to them on the phone
    assert len(outbound_queue(redis_client, settings)) == 0
    run_jobs(redis_client, settings)
    assert api.bodies_to(PATIENT) == []


def test_an_opt_out_after_queueing_is_honoured_by_the_worker(staff, twilio, services,
                                                            redis_client, settings, api):
    reference = ask_for_a_person(twilio)
    staff.get(f"/staff/escalations/{reference}")
    staff.post(f"/staff/escalations/{reference}/reply", {"message": "Hello, Dana here."})
    twilio.say("STOP")  # arrives before the worker gets to the reply
    run_jobs(redis_client, settings)
    assert api.bodies_to(PATIENT) == []
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "Text NOT SENT: the patient has opted out of texts (STOP)" in page


def error_next_to(page: str, field: str) -> str:
    """The error shown with a form field: role=alert, and named by the field's
    aria-describedby (so a screen reader reads it with the field)."""
    match = re.search(rf'<p class="field-error" id="({field}-error)" role="alert">([^<]*)</p>', page)
    assert match, f"no error next to {field}"
    textarea = re.search(rf'<textarea id="{field}"[^>]*>', page)
    assert textarea and match.group(1) in textarea.group(0), textarea
    assert 'aria-invalid="true"' in textarea.group(0) and "autofocus" in textarea.group(0)
    return html.unescape(match.group(2))


def draft_in(page: str, field: str = "message") -> str:
    match = re.search(rf'<textarea id="{field}"[^>]*>([^<]*)</textarea>', page)
    assert match, f"no {field} field"
    return html.unescape(match.group(1))


@pytest.mark.parametrize(("message", "error"), [
    ("   ", "Write a message first."),
    ("Hello from the pharmacy. " * 16, "Too long for two texts: 399 characters, at most 306"),
    ("Price is [€20] {ok}. " * 14, "Too long for two texts: 363 characters"),  # € [ ] { }: 2 each
])
def test_an_empty_or_too_long_reply_is_refused_next_to_the_form_and_kept(
        staff, twilio, redis_client, settings, message, error):
    reference = ask_for_a_person(twilio)
    run_jobs(redis_client, settings)
    staff.get(f"/staff/escalations/{reference}")
    response = staff.post(f"/staff/escalations/{reference}/reply", {"message": message})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error in error_next_to(page, "message")
    assert draft_in(page) == message
    assert "<title>Error: " in page
    assert len(outbound_queue(redis_client, settings)) == 0


VIETNAMESE_AND_CHINESE = "Xin chào, đây là nhà thuốc. 您好，我们会给您回电话。 Sam"


@pytest.mark.parametrize(("message", "named"), [
    (VIETNAMESE_AND_CHINESE, ['"đ"', '"您"', '"好"']),
    ("Take \u00bd tablet, 5 \u00b5g", ['"\u00bd"', '"\u00b5"']),  # SMS would send "12", "5 g"
    ("See you soon \U0001f44d", ['"\U0001f44d"']),
    ("Call\u200bme", ['"U+200B"']),
])
def test_a_reply_that_sms_would_mangle_is_refused_naming_the_characters(
        staff, twilio, services, redis_client, settings, api, message, named):
    reference = ask_for_a_person(twilio)
    run_jobs(redis_client, settings)
    api.sent.clear()
    staff.get(f"/staff/escalations/{reference}")
    response = staff.post(f"/staff/escalations/{reference}/reply", {"message": message})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = error_next_to(page, "message")
    assert error.startswith("These characters cannot be sent by text:")
    assert all(name in error for name in named), error
    assert "Nothing was sent." in error
    assert draft_in(page) == message
    run_jobs(redis_client, settings)
    assert api.sent == []
    transcript = services.escalations.get(reference, with_lines=True).transcript
    assert [line for line in transcript if line.get("from") == "staff"] == []


def test_accents_are_dropped_but_the_staff_member_is_told(staff, twilio, redis_client, settings,
                                                          api):
    reference = ask_for_a_person(twilio)
    staff.get(f"/staff/escalations/{reference}")
    # The patient wrote in English: a Spanish reply is held once, then sent as confirmed.
    held = staff.post(f"/staff/escalations/{reference}/reply",
                      {"message": "Hola María, ¿cómo está? Le llamo mañana."})
    assert "looks like Spanish" in held.get_data(as_text=True)
    response = staff.post(f"/staff/escalations/{reference}/reply",
                          {"message": "Hola María, ¿cómo está? Le llamo mañana.", "send_anyway": "1"})
    page = staff.follow(response).get_data(as_text=True)
    assert "on its way" in page and "Accents SMS cannot carry were left off: í ó á." in page
    run_jobs(redis_client, settings)
    assert api.bodies_to(PATIENT) == ["Hola Maria, ¿como esta? Le llamo mañana."]


def test_resolving_needs_a_note_and_gives_the_conversation_back_to_the_bot(staff, twilio,
                                                                          services):
    reference = ask_for_a_person(twilio)
    first = twilio.say("hello? are you there")
    assert first and "specialist" in " ".join(first).lower()  # when a person will see it
    # When it will be seen is said once an hour at most; in between, a short word that
    # the message was added (never silence, which reads as lost).
    again = twilio.say("hello??")
    assert again == ["Got it, I added that for the pharmacy specialist. For an emergency, call 911."]
    # A question of fact is the bot's still, while the specialist has the conversation.
    assert "liver disease" in " ".join(twilio.say("what is nh"))

    staff.get(f"/staff/escalations/{reference}")
    response = staff.post(f"/staff/escalations/{reference}/resolve", {"note": "  "})
    assert response.status_code == 422
    assert "Add a note" in error_next_to(response.get_data(as_text=True), "note")
    assert services.escalations.get(reference).status == "open"

    note = "Called back, question answered."
    page = staff.follow(staff.post(f"/staff/escalations/{reference}/resolve",
                                   {"note": note})).get_data(as_text=True)
    assert f"{reference} is resolved" in page
    assert reference not in staff.get("/staff/queue.json").get_data(as_text=True)
    escalation = services.escalations.get(reference)
    assert escalation.status == "resolved" and escalation.resolved_note == note
    assert twilio.say("what is nh")  # the bot answers again


# -- a caller texted back -----------------------------------------------------------------------
def leave_a_voicemail(twilio, clock) -> str:  # type: ignore[no-untyped-def]
    """A Saturday-night call: 0 for a person goes straight to voicemail; its reference."""
    clock.now = datetime(2026, 11, 28, 22, 0, tzinfo=ZoneInfo("America/Los_Angeles")).timestamp()
    caller = VoiceCaller(twilio)
    caller.start()
    assert caller.press("0").waiting == "Record"
    saved = caller.leave_voicemail()
    match = re.search(r"E, (\d), (\d), (\d), (\d)", saved.text)
    assert saved.hung_up and match, saved.text
    return "E-" + "".join(match.groups())


def test_a_caller_texted_back_from_a_voicemail_answers_the_specialist_not_the_bot(
        staff, twilio, services, clock, redis_client, settings, api):
    reference = leave_a_voicemail(twilio, clock)
    staff.get(f"/staff/escalations/{reference}")
    staff.post(f"/staff/escalations/{reference}/reply",
               {"message": "Hi, this is Dana returning your call. When can I call you?"})
    run_jobs(redis_client, settings)
    assert api.bodies_to(PATIENT) == [
        "Hi, this is Dana returning your call. When can I call you?"]

    # A specialist is already talking with them: no intro, and no automatic
    # "a specialist will reply next business day" to contradict Dana.
    assert twilio.say("Any time after 3pm works") == []
    # A question of fact is still the bot's to answer; the specialist sees both.
    assert "liver disease" in " ".join(twilio.say("what is nh"))
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert "Any time after 3pm works" in page and "what is nh" in page and "liver disease" in page
    queue = staff.get("/staff/").get_data(as_text=True)
    assert reference in queue and mask_phone(PATIENT) in queue and PATIENT not in queue
    assert [e.reference for e in services.escalations.open_queue()] == [reference]

    staff.get(f"/staff/escalations/{reference}")
    staff.post(f"/staff/escalations/{reference}/resolve", {"note": "Called back at 3pm."})
    assert "NH" in " ".join(twilio.say("what is nh"))  # the bot answers again
    lines = services.escalations.get(reference, with_lines=True).transcript
    assert sum(line["text"] == "what is nh" for line in lines) == 1


def test_a_staff_text_leaves_a_conversation_another_open_escalation_has(
        staff, twilio, services, clock, redis_client, settings, api):
    by_text = ask_for_a_person(twilio)
    by_phone = leave_a_voicemail(twilio, clock)
    assert by_text != by_phone
    staff.get(f"/staff/escalations/{by_phone}")
    staff.post(f"/staff/escalations/{by_phone}/reply", {"message": "Dana here, returning your call."})
    run_jobs(redis_client, settings)
    assert api.bodies_to(PATIENT) == ["Dana here, returning your call."]

    twilio.say("I already texted you about this")
    texted = services.escalations.get(by_text, with_lines=True).transcript
    called = services.escalations.get(by_phone, with_lines=True).transcript
    assert [line["text"] for line in texted if line["from"] == "patient"][-1] == "I already texted you about this"
    assert all(line["text"] != "I already texted you about this" for line in called)


def test_once_resolved_a_new_emergency_from_an_opted_out_patient_opens_a_new_escalation(
        staff, twilio, services):
    twilio.sms("STOP", OptOutType="STOP")
    twilio.say("my baby is not breathing")
    [first] = services.escalations.open_queue()
    staff.get(f"/staff/escalations/{first.reference}")
    staff.post(f"/staff/escalations/{first.reference}/resolve", {"note": "Called: EMS came."})
    assert services.escalations.open_queue() == []
    twilio.say("she is turning blue again")
    [second] = services.escalations.open_queue()
    assert second.reference != first.reference and second.urgency == URGENT
    assert services.escalations.get(first.reference).status == "resolved"


def test_a_resolved_escalation_takes_no_reply(staff, twilio, services, redis_client, settings):
    reference = ask_for_a_person(twilio)
    run_jobs(redis_client, settings)
    services.escalations.resolve(reference, "someone", "done")
    staff.get(f"/staff/escalations/{reference}")
    assert "Send text" not in staff.page
    response = staff.post(f"/staff/escalations/{reference}/reply", {"message": "hello there"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is resolved" in page and "hello there" in page and "Send text" not in page
    assert len(outbound_queue(redis_client, settings)) == 0


def test_an_unknown_escalation_is_a_plain_not_found_page(staff):
    for path in ("/staff/escalations/E-999999", "/staff/escalations/nonsense",
                 "/staff/refills/R-1"):
        response = staff.get(path)
        assert response.status_code == 404
        assert "no such record" in response.get_data(as_text=True)


# -- refill requests -------------------------------------------------------------------------
def test_refill_requests_are_listed_masked_and_detailed_only_on_their_page(staff, services):
    request = services.refills.create(phone=PATIENT, prescription_number="7654321",
                                      date_of_birth="1990-04-12", channel="twilio_sms")
    listing = staff.get("/staff/refills").get_data(as_text=True)
    assert request.reference in listing and mask_phone(PATIENT) in listing
    for private in (PATIENT, "7654321", "1990-04-12"):
        assert private not in listing
    own = staff.get(f"/staff/refills/{request.reference}").get_data(as_text=True)
    assert "7654321" in own and "04/12/1990" in own


def test_a_refill_is_marked_processed_only_from_its_own_page(staff, services):
    request = services.refills.create(phone=PATIENT, prescription_number="7654321",
                                      date_of_birth="1990-04-12", channel="twilio_sms")
    listing = staff.get("/staff/refills").get_data(as_text=True)
    assert "/processed" not in listing and "Mark" not in listing
    assert f'href="/staff/refills/{request.reference}">Check and process' in listing
    page = staff.get(f"/staff/refills/{request.reference}").get_data(as_text=True)
    assert "7654321" in page and "Mark processed" in page
    response = staff.post(f"/staff/refills/{request.reference}/processed")
    assert response.headers["Location"].endswith(f"/staff/refills/{request.reference}")
    page = staff.follow(response).get_data(as_text=True)
    assert f"{request.reference} is marked processed" in page and f"by {STAFF}" in page
    stored = services.refills.get(request.reference)
    assert stored.status == "processed" and stored.processed_by == STAFF
    assert f"processed by {STAFF}" in staff.get("/staff/refills").get_data(as_text=True)


def test_a_refill_shows_the_channel_by_name_and_the_birth_date_as_staff_write_it(staff, services):
    request = services.refills.create(phone=PATIENT, prescription_number="7654321",
                                      date_of_birth="2024-03-14", channel="twilio_sms")
    page = staff.get(f"/staff/refills/{request.reference}").get_data(as_text=True)
    assert "<dt>Channel</dt><dd>SMS</dd>" in page and "twilio_sms" not in page
    assert "<dt>Date of birth</dt><dd>03/14/2024</dd>" in page and "2024-03-14" not in page


# -- the audit log ----------------------------------------------------------------------------
def test_every_view_and_action_is_in_the_audit_log(staff, twilio, services):
    reference = ask_for_a_person(twilio)
    request = services.refills.create(phone=PATIENT, prescription_number="7654321",
                                      date_of_birth="1990-04-12", channel="twilio_sms")
    staff.get("/staff/")
    staff.get(f"/staff/escalations/{reference}")
    staff.post(f"/staff/escalations/{reference}/claim")
    staff.get(f"/staff/escalations/{reference}")
    staff.post(f"/staff/escalations/{reference}/resolve", {"note": "done"})
    staff.get(f"/staff/refills/{request.reference}")
    staff.post(f"/staff/refills/{request.reference}/processed")

    page = staff.get("/staff/audit").get_data(as_text=True)
    for action in ("logged in", "viewed queue", "viewed escalation", "claimed", "resolved",
                   "viewed refill request", "marked refill processed"):
        assert action in page, action
    assert PATIENT not in page and "7654321" not in page

    only = staff.get(f"/staff/audit?target={request.reference}").get_data(as_text=True)
    assert "marked refill processed" in only and "claimed" not in only


def test_the_audit_log_keeps_entries_six_years(staff, redis_client, services):
    ttl = redis_client.ttl(services.keys.audit)
    assert 6 * 365 * 24 * 3600 <= ttl <= (6 * 365 + 2) * 24 * 3600


def test_the_audit_log_pages_back(staff, services):
    from bot.console.audit import AuditLog

    log = AuditLog(services.redis, services.keys, services.clock)
    for number in range(120):
        log.record("robot", f"action {number}", "E-1001")
    staff.get("/staff/audit")
    assert "action 119" in staff.page and "action 60" not in staff.page
    older = staff.page.split('href="/staff/audit?before=')[1].split('"')[0]
    page = staff.get(f"/staff/audit?before={older}").get_data(as_text=True)
    assert "action 60" in page and "action 119" not in page


# -- staff users and sessions ------------------------------------------------------------------
def test_staff_add_reads_the_password_from_stdin_and_the_user_can_log_in(app, settings,
                                                                       redis_url, tmp_path):
    command = [sys.executable, "-m", "bot", "staff", "add", "robin"]
    env = {"PATH": "/usr/bin:/bin", "REDIS_URL": redis_url, "BOT_ENV": "test",
           "PYTHONPATH": str(settings.project_dir)}
    done = subprocess.run(command, input="a long enough password\n", capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "robin" in done.stdout and "a long enough password" not in done.stdout + done.stderr
    short = subprocess.run(command, input="short\n", capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=60)
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    client = StaffClient(app)
    assert client.login("robin", "a long enough password").status_code == 302
    assert client.get("/staff/").status_code == 200
    # Removing the user ends the session at once.
    removed = subprocess.run([sys.executable, "-m", "bot", "staff", "remove", "robin"],
                             capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert removed.returncode == 0 and "removed" in removed.stdout
    assert client.get("/staff/").status_code == 302
    again = subprocess.run([sys.executable, "-m", "bot", "staff", "remove", "robin"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert again.returncode == 1


def test_logging_out_ends_the_session_on_the_server(staff, app):
    cookie = staff.client.get_cookie("__Host-nh-staff")
    assert cookie is not None
    staff.get("/staff/")
    page = staff.follow(staff.post("/staff/logout")).get_data(as_text=True)
    assert "You are logged out" in page
    # The old cookie, replayed, opens nothing.
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path="/")
    assert thief.get("/staff/").status_code == 302


def test_a_session_ends_after_twelve_hours_whatever_happens(staff, clock):
    assert staff.get("/staff/").status_code == 200
    clock.advance(12 * 3600 + 1)
    assert staff.get("/staff/").status_code == 302


def test_the_idle_timer_restarts_on_use_but_not_on_the_queues_polling(staff, redis_client,
                                                                    services):
    [key] = redis_client.keys(f"{services.keys.prefix}staff:session:*")
    assert 29 * 60 < redis_client.ttl(key) <= 30 * 60
    redis_client.expire(key, 100)
    assert staff.get("/staff/queue.json").status_code == 200
    assert redis_client.ttl(key) <= 100
    assert staff.get("/staff/").status_code == 200
    assert redis_client.ttl(key) > 29 * 60
    redis_client.delete(key)  # the idle timeout, run out
    ended = staff.get("/staff/queue.json")
    assert ended.status_code == 401
    assert ended.get_json()["login"] == "/staff/login?next=/staff/"  # where queue.js goes
    assert staff.get("/staff/").status_code == 302


def test_every_page_names_its_icon_so_browsers_do_not_ask_for_favicon_ico(staff, app):
    for path in ("/staff/", "/staff/refills", "/staff/audit", "/staff/escalations/E-1"):
        assert '<link rel="icon" href="data:,">' in staff.get(path).get_data(as_text=True)
    login = app.test_client().get("/staff/login").get_data(as_text=True)
    assert '<link rel="icon" href="data:,">' in login


def test_the_login_page_sends_a_logged_in_member_on(staff):
    assert staff.get("/staff/login").headers["Location"] == "/staff/"


def test_login_takes_the_staff_member_to_the_page_they_asked_for(app, settings, redis_client):
    add_staff(redis_client, settings)
    client = StaffClient(app)
    first = client.get("/staff/escalations/E-1001")
    assert first.headers["Location"].endswith("/staff/login?next=/staff/escalations/E-1001")
    client.follow(first)
    response = client.post("/staff/login", {"name": STAFF, "password": PASSWORD,
                                            "next": "/staff/escalations/E-1001"})
    assert response.headers["Location"] == "/staff/escalations/E-1001"


def test_the_session_cookie_is_secure_http_only_and_same_site(app):
    response = app.test_client().get("/staff/login")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-nh-staff=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie


def test_development_relaxes_only_the_secure_flag(redis_url, engine, clock, redis_client):
    settings = make_settings(redis_url, BOT_ENV="development", SECRET_KEY="")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    cookie = app.test_client().get("/staff/login").headers["Set-Cookie"]
    assert cookie.startswith("nh-staff=") and "Secure" not in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_needs_a_secret_key_and_secure_cookies(redis_url, engine, clock, redis_client):
    settings = make_settings(redis_url, BOT_ENV="production", SECRET_KEY="")
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    with pytest.raises(SettingsError, match="CONSOLE_SECURE_COOKIES"):
        make_settings(redis_url, BOT_ENV="production", CONSOLE_SECURE_COOKIES="false")
