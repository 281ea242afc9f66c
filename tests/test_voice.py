"""Calling the support line: a simulated caller (tests/voice_caller.py) through the real
app, real signatures and a real Redis. Each test is a call someone would make."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.app import create_app
from bot.parts import build_parts
from tests.conftest import AUTH_TOKEN, SUPPORT_PHONE, make_settings
from tests.console_server import STAFF_NUMBERS, run_jobs, use_worker_environment
from tests.helpers import PATIENT, TwilioClient, urgent_first
from tests.voice_caller import VoiceCaller, check_document

DOMAIN = yaml.safe_load((Path(__file__).parent.parent / "domain.yml").read_text())
LA = ZoneInfo("America/Los_Angeles")
SPECIALIST = "+15005550009"
SUPPORT_LINE = "+15005550006"


def response_text(name: str, channel: str | None = None) -> str:
    return next(v["text"] for v in DOMAIN["responses"][name]
                if v.get("channel") == channel and not v.get("condition"))


def at(clock, when: str) -> None:  # type: ignore[no-untyped-def]
    """Move the fake clock to a local time in the pharmacy's time zone."""
    clock.now = datetime.fromisoformat(when).replace(tzinfo=LA).timestamp()


@pytest.fixture()
def open_hours(clock):  # type: ignore[no-untyped-def]
    at(clock, "2026-11-24 10:00")  # a Tuesday morning


@pytest.fixture()
def after_hours(clock):  # type: ignore[no-untyped-def]
    at(clock, "2026-11-28 22:00")  # a Saturday night


@pytest.fixture()
def caller(twilio, open_hours) -> VoiceCaller:  # type: ignore[no-untyped-def]
    return VoiceCaller(twilio)


# -- the greeting and the menu ----------------------------------------------------------
def test_the_greeting_puts_911_first_then_an_automated_assistant_and_the_menu(caller, services):
    turn = caller.start()
    assert turn.said[0].startswith("If this is a medical emergency, hang up and dial 911.")
    assert "automated assistant" in turn.said[0] and "not medical advice" in turn.said[0]
    assert "record" not in turn.text.lower()  # we do not record calls, so we do not say so
    menu = turn.gather
    assert menu.get("numDigits") == "1" and menu.get("timeout")
    assert "refill" in menu.get("hints", "") and "copay" in menu.get("hints", "")
    spoken_in_menu = " ".join(s.text or "" for s in menu.findall("Say"))
    for key, topic in [("1", "what NH is"), ("2", "comes back"), ("3", "IVIG"), ("4", "copay"),
                       ("5", "refill"), ("0", "pharmacy specialist"), ("star", "hear this again")]:
        assert re.search(rf"{topic}[^.]*press {key}|press {key}[^.]*{topic}", spoken_in_menu), topic
    # Spanish is offered first thing, in a Spanish voice (9, or saying "español").
    offer = [s for s in turn.documents[-1].iter("Say") if "español" in (s.text or "")]
    assert offer and offer[0].get("language") == "es-US" and "oprima 9" in offer[0].text
    # The session started for the call, without the SMS introduction.
    assert "NH Support Line, an automated assistant" not in turn.text
    assert services.conversations.load(caller.call_sid).events


@pytest.mark.parametrize(
    ("key", "answer"),
    [("1", "utter_ask_what_is_nh/definition"), ("2", "utter_ask_recurrence_risk/chance"),
     ("3", "utter_ask_ivig_treatment/overview")],
)
def test_each_topic_key_speaks_the_same_answer_as_sms_then_asks_anything_else(caller, key, answer):
    caller.start()
    turn = caller.press(key)
    assert turn.said[0] == response_text(answer)
    assert "anything else" in turn.text
    assert turn.gather.get("action", "").split("?")[0].endswith("/twilio/voice/more")


def test_copay_help_offers_the_copay_team_and_a_yes_opens_a_callback(caller, services):
    caller.start()
    offer = caller.press("4")
    assert offer.said[0] == response_text("utter_ask_copay_help/overview")
    assert response_text("utter_offer_copay_team", "twilio_voice") in offer.text
    assert "Reply YES" not in offer.text and "Press 1 or say yes" in offer.text
    done = caller.press("1")
    assert "Our copay team will contact you" in done.text  # the team the offer named
    # The reference is read one character at a time.
    assert "E, 1, 0, 0, 1" in done.text and "E-1001" not in done.text
    [escalation] = services.escalations.open_queue()
    assert (escalation.channel, escalation.phone) == ("twilio_voice", PATIENT)
    assert escalation.reason == "copay help"
    # The call goes on with the bot: a topic after the callback request is still answered.
    menu = caller.press("1")
    assert "press 5" in menu.text
    assert caller.press("3").said[0] == response_text("utter_ask_ivig_treatment/overview")


def test_no_thanks_to_the_copay_offer_goes_on_to_anything_else(caller, services):
    caller.start()
    caller.press("4")
    turn = caller.say("no thanks")
    assert "anything else" in turn.text and not turn.hung_up
    assert services.escalations.open_queue() == []


def test_star_repeats_the_menu_and_then_the_last_answer(caller):
    first = caller.start()
    again = caller.press("*")
    menu = [s.text for s in first.gather.findall("Say")]
    assert [s.text for s in again.gather.findall("Say")] == menu
    answer = caller.press("2")
    repeated = caller.press("*")
    assert repeated.said[0] == answer.said[0] == response_text("utter_ask_recurrence_risk/chance")
    assert caller.say("repeat that").said[0] == answer.said[0]


def test_a_spoken_question_is_answered_through_the_nlu(caller):
    caller.start()
    turn = caller.say("what is ivig")
    assert turn.said[0] == response_text("utter_ask_ivig_treatment/overview")
    assert "anything else" in turn.text


def test_after_an_answer_2_says_goodbye_and_hangs_up(caller):
    caller.start()
    caller.press("1")
    turn = caller.press("2")
    assert turn.hung_up and "Goodbye" in turn.text


def test_a_key_that_is_not_on_the_menu_is_asked_again(caller):
    caller.start()
    turn = caller.press("7")
    assert turn.said[0] == "Sorry, I did not catch that."
    assert "press 1" in turn.text


# -- silence ------------------------------------------------------------------------------
def test_silence_is_met_twice_with_the_menu_again_then_a_specialist_in_hours(caller):
    caller.start()
    for _ in range(2):
        turn = caller.silence()
        assert turn.said[0] == "Sorry, I did not hear anything." and "press 1" in turn.text
    transfer = caller.silence()
    assert transfer.waiting == "Dial" and "connect you with a pharmacy specialist" in transfer.text
    assert transfer.element.findtext("Number") == SPECIALIST


def test_silence_after_hours_ends_in_voicemail(twilio, after_hours):
    caller = VoiceCaller(twilio)
    caller.start()
    caller.silence()
    caller.silence()
    turn = caller.silence()
    assert turn.waiting == "Record" and not turn.documents[0].findall(".//Dial")
    assert "not available right now" in turn.text and "recorded" in turn.text


def test_an_answer_in_between_resets_the_count(caller):
    caller.start()
    caller.silence()
    caller.silence()
    caller.press("1")
    turn = caller.silence()
    assert turn.waiting == "Gather" and turn.said[0] == "Sorry, I did not hear anything."


# -- refills ------------------------------------------------------------------------------
def test_a_refill_with_a_mistyped_date_then_the_right_one(caller, services):
    caller.start()
    ask = caller.press("5")
    assert "prescription number" in ask.text and ask.gather.get("finishOnKey") == "#"
    assert ask.gather.get("numDigits") is None
    birth = caller.press("7654321", finished_on_key="#")
    assert "date of birth" in birth.text and birth.gather.get("numDigits") == "8"
    hint = caller.press("13451990")
    assert "could not read that date" in hint.text and "8 digits" in hint.text
    assert services.refills.recent() == []
    readback = caller.press("03141990")
    assert "7, 6, 5, 4, 3, 2, 1" in readback.text and "March 14, 1990" in readback.text
    assert "press 1" in readback.text and "press 2" in readback.text
    done = caller.press("1")
    [request] = services.refills.recent()
    assert (request.prescription_number, request.date_of_birth) == ("7654321", "1990-03-14")
    assert (request.channel, request.phone, request.status) == ("twilio_voice", PATIENT, "new")
    spelled = ", ".join(request.reference.replace("-", ""))
    assert f"Your reference is {spelled}." in done.text and request.reference not in done.text
    for private in ("1990", "7654321", "IVIG"):
        assert private not in done.text
    assert "anything else" in done.text
    assert caller.press("*").said[0] == done.said[0]  # the reference again, to write it down


def test_2_at_the_read_back_enters_both_again(caller, services):
    caller.start()
    caller.press("5")
    caller.press("1111111")
    caller.press("03141990")
    again = caller.press("2")
    assert "prescription number" in again.text
    caller.press("7654321")
    caller.press("03141990")
    caller.press("1")
    assert [r.prescription_number for r in services.refills.recent()] == ["7654321"]


def test_three_invalid_entries_offer_a_specialist(caller, services):
    caller.start()
    caller.press("5")
    assert "6 to 10 digits" in caller.press("12").text
    assert "6 to 10 digits" in caller.press("34").text
    offer = caller.press("56")
    assert offer.said[0] == response_text("utter_refill_too_many_attempts", "twilio_voice")
    transfer = caller.press("1")
    assert transfer.waiting == "Dial"
    assert services.refills.recent() == []


def test_a_repeated_step_gets_the_same_answer_and_files_one_refill(caller, services):
    caller.start()
    caller.press("5")
    caller.press("7654321")
    caller.press("03141990")
    done = caller.press("1")
    repeat = caller.again()
    assert repeat.raw == done.raw[0]
    check_document(repeat, caller.base_url, caller.caller)
    assert len(services.refills.recent()) == 1


def test_a_repeated_topic_key_is_answered_again_the_same_way(caller, services):
    first = caller.start()
    assert caller.again().raw == first.raw[0]
    answer = caller.press("2")
    repeat = caller.again()
    assert repeat.raw == answer.raw[0] and response_text("utter_ask_recurrence_risk/chance") in repeat.raw
    events = services.conversations.load(caller.call_sid).events
    assert sum(e.get("event") == "user" for e in events) == 1


def test_a_copy_arriving_while_the_first_still_runs_is_told_to_hold_on(caller, services,
                                                                     monkeypatch):
    monkeypatch.setattr("bot.channels.voice.ivr.TWIN_WAIT_SECONDS", 0.2)
    menu = caller.start().gather
    assert services.deliveries.claim("voice", f"{caller.call_sid}:1")  # another worker runs step 1
    action = menu.get("action", "")
    hold = caller.post(action, caller._params(Digits="1"))
    root = check_document(hold, caller.base_url, caller.caller)
    assert "One moment" in hold.raw and root.findtext("Redirect") == action
    # The first copy (played here) finishes; the held copy comes back and gets its answer.
    services.deliveries.forget("voice", f"{caller.call_sid}:1")
    first = caller.post(action, caller._params(Digits="1"))
    assert response_text("utter_ask_what_is_nh/definition") in first.raw
    assert caller.post(action, caller._params()).raw == first.raw


# -- a person -----------------------------------------------------------------------------
def test_0_in_hours_dials_the_specialist_who_answers(caller, services):
    caller.start()
    turn = caller.press("0")
    dial = turn.element
    assert turn.waiting == "Dial" and dial is not None
    assert dial.get("callerId") == SUPPORT_LINE and dial.get("timeout") == "20"
    assert dial.findtext("Number") == SPECIALIST
    assert dial.get("action", "").split("?")[0].endswith("/twilio/voice/transfer")
    end = caller.dial_result("completed")
    assert end.hung_up and "Goodbye" in end.text
    assert services.escalations.open_queue() == []


def test_asking_for_a_person_in_words_dials_too(caller):
    caller.start()
    assert caller.say("talk to a person").waiting == "Dial"


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed", "canceled"])
def test_an_unanswered_transfer_takes_a_voicemail_that_becomes_an_escalation(
        caller, services, status):
    caller.start()
    caller.press("0")
    prompt = caller.dial_result(status)
    assert prompt.said[0].startswith("I'm sorry, no pharmacy specialist could take your call")
    assert "Your message will be recorded" in prompt.text
    record = prompt.element
    assert prompt.waiting == "Record" and record is not None
    assert record.get("maxLength") == "110" and record.get("transcribe") == "true"
    assert record.get("playBeep") == "true"
    assert record.get("transcribeCallback", "").endswith("/twilio/voice/transcription")
    saved = caller.leave_voicemail("RE" + "5" * 32)
    recording_action = caller.last_request
    assert saved.hung_up and "E, 1, 0, 0, 1" in saved.text
    [escalation] = services.escalations.open_queue()
    assert escalation.reason == "voicemail" and escalation.channel == "twilio_voice"
    assert escalation.phone == PATIENT and escalation.recording_sid == "RE" + "5" * 32
    assert escalation.recording_url.endswith("/Recordings/RE" + "5" * 32)
    assert escalation.transcription == ""
    # Twilio posts the transcription later; it lands on the same escalation.
    reply = caller.transcription("RE" + "5" * 32, "Please call me back about my refill.")
    assert reply.status == 204
    stored = services.escalations.get(escalation.reference, with_lines=True)
    assert stored.transcription == "Please call me back about my refill."
    assert any(line["text"] == stored.transcription for line in stored.transcript)
    # A second delivery of the transcription or the recording changes nothing.
    caller.transcription("RE" + "5" * 32, "Please call me back about my refill.")
    assert recording_action is not None
    assert caller.post(*recording_action).raw == saved.raw[0]
    stored = services.escalations.get(escalation.reference, with_lines=True)
    assert len(services.escalations.open_queue()) == 1
    assert sum(line["text"] == stored.transcription for line in stored.transcript) == 1


def test_a_transcription_that_arrives_before_the_recording_action_is_kept(caller, services):
    caller.start()
    caller.press("0")
    caller.dial_result("no-answer")
    caller.transcription("RE" + "6" * 32, "It is about the copay card.")
    caller.leave_voicemail("RE" + "6" * 32)
    [escalation] = services.escalations.open_queue()
    assert escalation.transcription == "It is about the copay card."


def test_a_failed_transcription_is_noted_without_text(caller, services):
    caller.start()
    caller.press("0")
    caller.dial_result("busy")
    caller.leave_voicemail("RE" + "7" * 32)
    assert caller.transcription("RE" + "7" * 32, "", status="failed").status == 204
    [escalation] = services.escalations.open_queue()
    stored = services.escalations.get(escalation.reference, with_lines=True)
    assert stored.transcription == ""
    assert any(h["note"] == "no transcription available" for h in stored.history)


def test_0_after_hours_goes_straight_to_voicemail(twilio, services, after_hours):
    caller = VoiceCaller(twilio)
    caller.start()
    turn = caller.press("0")
    assert turn.waiting == "Record" and not turn.documents[0].findall(".//Dial")
    assert turn.said[0].startswith("I'm sorry, our pharmacy specialists are not available")
    caller.leave_voicemail()
    [escalation] = services.escalations.open_queue()
    assert escalation.reason == "voicemail" and escalation.recording_sid.startswith("RE")


def test_without_a_specialist_number_the_caller_can_still_leave_a_message(
        redis_url, engine, clock, redis_client):
    at(clock, "2026-11-24 10:00")
    settings = make_settings(redis_url, SPECIALIST_PHONE="")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    caller = VoiceCaller(TwilioClient(app.test_client(), AUTH_TOKEN))
    caller.start()
    assert caller.press("0").waiting == "Record"


def test_silence_at_the_beep_leaves_no_escalation_and_a_kind_goodbye(caller, services):
    caller.start()
    caller.press("0")
    caller.dial_result("no-answer")
    turn = caller.stay_silent_at_the_beep()
    assert turn.hung_up and "did not hear a message" in turn.text and SUPPORT_PHONE in turn.text
    assert services.escalations.open_queue() == []


# -- emergencies --------------------------------------------------------------------------
def test_an_emergency_spoken_mid_refill_gets_911_at_once_and_alerts_staff(caller, services):
    caller.start()
    caller.press("5")
    caller.press("7654321")
    turn = caller.say("help my baby is having a seizure")
    assert urgent_first(turn.said[0])
    assert "hang up now and dial 911" in turn.text
    [escalation] = services.escalations.open_queue()
    assert escalation.urgency == "urgent" and escalation.channel == "twilio_voice"
    assert escalation.phone == PATIENT
    lines = services.escalations.get(escalation.reference, with_lines=True).transcript
    assert any("seizure" in line["text"] for line in lines)
    assert not any("7654321" in line["text"] for line in lines)
    assert services.refills.recent() == []
    # If it was not an emergency after all, the menu is one key away.
    assert "press 5" in caller.press("1").text


def test_an_emergency_at_the_menu_and_silence_after_it_ends_the_call_with_911(caller, services):
    caller.start()
    turn = caller.say("my wife is pregnant and bleeding heavily")
    assert urgent_first(turn.said[0])
    end = caller.silence()
    assert end.hung_up and "dial 911" in end.text
    assert [e.urgency for e in services.escalations.open_queue()] == ["urgent"]


def test_a_second_emergency_in_one_call_goes_onto_its_escalation_and_pages_staff_once(
        caller, services, redis_client, settings, monkeypatch, fake_twilio_api, redis_url):
    use_worker_environment(monkeypatch, fake_twilio_api, redis_url)
    caller.start()
    caller.say("help my baby is having a seizure")
    again = caller.say("she's still seizing")
    assert urgent_first(again.said[0])
    [escalation] = services.escalations.open_queue()
    assert escalation.urgency == "urgent"
    lines = services.escalations.get(escalation.reference, with_lines=True).transcript
    assert [line["text"] for line in lines if line["from"] == "patient"][-2:] == [
        "help my baby is having a seizure", "she's still seizing"]
    run_jobs(redis_client, settings)
    assert sorted(m.form["To"] for m in fake_twilio_api.sent) == sorted(STAFF_NUMBERS)


def test_a_callback_request_then_an_emergency_in_one_call_is_one_escalation_made_urgent(
        caller, services, redis_client, settings, monkeypatch, fake_twilio_api, redis_url):
    use_worker_environment(monkeypatch, fake_twilio_api, redis_url)
    caller.start()
    caller.press("4")
    assert "E, 1, 0, 0, 1" in caller.press("1").text  # the copay team will call back
    run_jobs(redis_client, settings)
    turn = caller.say("my baby is not breathing")
    assert urgent_first(turn.said[0])
    [escalation] = services.escalations.open_queue()
    assert (escalation.reference, escalation.reason, escalation.urgency) == (
        "E-1001", "emergency reported; opened for: copay help", "urgent")
    run_jobs(redis_client, settings)  # raised to urgent: the staff are texted again, once
    bodies = [m.form["Body"] for m in fake_twilio_api.sent]
    assert len(bodies) == 2 * len(STAFF_NUMBERS)
    assert all("URGENT escalation E-1001" in body for body in bodies[len(STAFF_NUMBERS):])


def test_a_voicemail_after_an_emergency_in_one_call_joins_its_escalation(caller, services):
    caller.start()
    caller.say("my baby is not breathing")
    caller.press("0")  # a person: the specialist line does not answer
    caller.dial_result("no-answer")
    saved = caller.leave_voicemail("RE" + "8" * 32)
    assert saved.hung_up and "E, 1, 0, 0, 1" in saved.text
    [escalation] = services.escalations.open_queue()
    assert escalation.urgency == "urgent" and escalation.recording_sid == "RE" + "8" * 32


# -- security, privacy and failure --------------------------------------------------------
def test_unsigned_or_tampered_steps_are_refused(caller, services, redis_client):
    turn = caller.start()
    action = turn.gather.get("action", "")
    params = caller._params(Digits="5")
    assert caller.post(action, params, signature="").status == 403
    signature = caller.twilio.sign(action, params)
    assert caller.post(action, {**params, "Digits": "0"}, signature=signature).status == 403
    other_step = action.replace("step=1", "step=2")
    assert caller.post(other_step, params, signature=signature).status == 403
    other_route = action.replace("/menu", "/transfer")
    assert caller.post(other_route, params, signature=signature).status == 403
    transcription = f"{caller.base_url}/twilio/voice/transcription"
    assert caller.post(transcription, {"RecordingSid": "RE1"}, signature="bad").status == 403
    # Nothing was processed: the signed request still works as the first one.
    assert "prescription number" in caller.press("5").text


def test_callbacks_use_public_base_url_when_set(redis_url, engine, clock, redis_client):
    at(clock, "2026-11-24 10:00")
    settings = make_settings(redis_url, PUBLIC_BASE_URL="https://support.example.org")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    caller = VoiceCaller(TwilioClient(app.test_client(), AUTH_TOKEN),
                         base_url="https://support.example.org")
    turn = caller.start()
    assert turn.gather.get("action", "").startswith("https://support.example.org/twilio/voice/menu?step=")
    assert "prescription number" in caller.press("5").text


def test_the_callers_number_and_words_stay_out_of_the_logs(caller, caplog):
    with caplog.at_level(logging.DEBUG):
        caller.start()
        caller.say("what is ivig")
        caller.press("1")
        caller.press("5")
        caller.press("7654321")
    assert "***4567" in caplog.text
    for private in (PATIENT, "5551234567", "what is ivig", "7654321"):
        assert private not in caplog.text


def test_redis_down_still_answers_with_the_support_number_and_911(engine, clock):
    at(clock, "2026-11-28 22:00")
    settings = make_settings("redis://127.0.0.1:1/0")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    caller = VoiceCaller(TwilioClient(app.test_client(), AUTH_TOKEN))
    turn = caller.start()
    assert turn.hung_up and SUPPORT_PHONE in turn.text and "dial 911" in turn.text
    # In business hours it first tries to put the caller through to a person.
    at(clock, "2026-11-24 10:00")
    caller = VoiceCaller(TwilioClient(app.test_client(), AUTH_TOKEN))
    turn = caller.start()
    assert turn.waiting == "Dial" and turn.element.findtext("Number") == SPECIALIST
    rest = caller.dial_result("no-answer")
    assert rest.hung_up and SUPPORT_PHONE in rest.text


def test_a_failing_action_still_answers_with_the_support_number(twilio, monkeypatch, after_hours):
    def broken(tracker: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr("actions.answers.answer_key", broken)
    caller = VoiceCaller(twilio)
    caller.start()
    turn = caller.press("3")
    assert turn.hung_up and SUPPORT_PHONE in turn.text and "911" in turn.text
