"""Words a caller says at the main menu that answer nothing, and the failure answer after
a specialist took the call: the call goes on sensibly instead of ending or apologising."""

from __future__ import annotations

import pytest

from bot.app import create_app
from bot.parts import build_parts
from tests.conftest import AUTH_TOKEN, SUPPORT_PHONE, make_settings
from tests.helpers import TwilioClient, urgent_first
from tests.test_voice import SPECIALIST, after_hours, at, caller, open_hours, response_text  # noqa: F401
from tests.voice_caller import VoiceCaller


def test_a_stray_no_at_the_menu_asks_again_instead_of_hanging_up(caller):  # noqa: F811
    caller.start()
    turn = caller.say("no")
    assert not turn.hung_up
    assert turn.said[0] == response_text("utter_voice_reprompt")
    assert "press 1" in turn.gather.findtext("Say", "") or "press 1" in turn.text
    # Said twice more, it is a caller the menu is not helping: a person, not a hang-up.
    caller.say("no")
    turn = caller.say("nope")
    assert turn.waiting == "Dial" and turn.element.findtext("Number") == SPECIALIST


def test_hello_at_the_menu_gets_the_menu_not_anything_else(caller):  # noqa: F811
    caller.start()
    turn = caller.say("hello")
    assert "anything else" not in turn.text.lower()
    assert turn.gather.get("action", "").split("?")[0].endswith("/twilio/voice/menu")
    assert "press 1" in turn.text


def test_goodbye_at_the_menu_still_ends_the_call_kindly(caller):  # noqa: F811
    caller.start()
    turn = caller.say("ok goodbye")
    assert turn.hung_up and "care" in turn.text.lower()


def test_after_the_specialist_took_the_call_the_failure_answer_does_not_say_it_failed(engine, clock):
    at(clock, "2026-11-24 10:00")
    settings = make_settings("redis://127.0.0.1:1/0")  # Redis is down
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    call = VoiceCaller(TwilioClient(app.test_client(), AUTH_TOKEN))
    turn = call.start()
    assert "something went wrong" in turn.text and turn.waiting == "Dial"
    rest = call.dial_result("completed")
    assert rest.hung_up
    assert "went wrong" not in rest.text
    assert SUPPORT_PHONE in rest.text and "911" in rest.text


# -- keys said aloud ----------------------------------------------------------------------
def test_two_said_at_the_read_back_enters_the_details_again_instead_of_submitting(caller, services):  # noqa: F811
    caller.start()
    caller.press("5")
    caller.press("1111111", finished_on_key="#")
    caller.press("03141990")
    again = caller.say("Two.")
    assert "prescription number" in again.text and "reference" not in again.text
    assert services.refills.recent() == []


def test_two_said_at_the_copay_offer_declines_it(caller, services):  # noqa: F811
    caller.start()
    caller.press("4")
    turn = caller.say("two")
    assert "specialist will contact you" not in turn.text
    assert services.escalations.open_queue() == []
    assert "anything else" in turn.text.lower()


def test_star_said_at_the_menu_repeats_it_and_zero_reaches_a_person(caller):  # noqa: F811
    caller.start()
    repeat = caller.say("Star.")
    assert not repeat.hung_up and "press 1" in repeat.text
    person = caller.say("zero")
    assert person.waiting == "Dial" and person.element.findtext("Number") == SPECIALIST


def test_a_question_about_options_is_answered_not_taken_for_the_menu(caller):  # noqa: F811
    caller.start()
    turn = caller.say("what are my copay options")
    assert "copay programs" in turn.text


# -- callers the menu is not helping --------------------------------------------------------
def test_um_and_hello_count_as_misses_so_no_caller_loops_on_the_menu(caller):  # noqa: F811
    caller.start()
    caller.say("um")
    caller.say("hola necesito ayuda")
    turn = caller.say("uh")
    assert turn.waiting == "Dial"


def test_a_confused_sentence_at_anything_else_is_asked_again_not_hung_up(caller):  # noqa: F811
    caller.start()
    caller.press("1")
    turn = caller.say("I'm not sure what that means")
    assert not turn.hung_up and "anything else" in turn.text.lower()
    assert caller.say("no thanks").hung_up  # a plain no still ends the call kindly


def test_a_follow_up_the_nlu_cannot_place_is_still_answered_on_a_call(caller):  # noqa: F811
    """"What about the third" names no topic: the dialogue reads it within the answer just
    heard, as it does for a text, instead of "Sorry, I did not catch that"."""
    caller.start()
    caller.say("what is the chance it comes back in another pregnancy")
    turn = caller.say("what about the third")
    assert turn.said[0] == response_text("utter_ask_recurrence_risk/each_pregnancy")
    assert response_text("utter_voice_reprompt") not in turn.text


def test_a_caller_who_says_why_after_the_chance_hears_the_cause(caller):  # noqa: F811
    caller.start()
    caller.say("what is the chance it comes back in another pregnancy")
    turn = caller.say("how come")
    assert "GALD" in turn.said[0] and "antibodies" in turn.said[0]


def test_twice_not_understood_after_an_answer_puts_the_caller_through_to_a_person(caller, services):  # noqa: F811
    caller.start()
    caller.press("1")
    first = caller.say("qxz vbnm")
    assert first.waiting == "Gather" and not first.hung_up
    second = caller.say("plth krrg")
    assert second.waiting == "Dial" and second.element.findtext("Number") == SPECIALIST
    assert "trouble understanding" in second.text
    # Put through at once: no call-back request is left behind for staff as well.
    assert services.escalations.open_queue() == []


def test_twice_not_understood_after_hours_ends_in_voicemail(twilio, after_hours):  # noqa: F811
    call = VoiceCaller(twilio)
    call.start()
    call.press("3")
    call.say("qxz vbnm")
    turn = call.say("plth krrg")
    assert turn.waiting == "Record" and "not available right now" in turn.text


def test_a_refill_asked_for_at_the_copay_offer_goes_to_the_keypad_refill(caller):  # noqa: F811
    caller.start()
    caller.press("4")
    turn = caller.say("actually I need a refill")
    assert "Rx" not in turn.text
    assert turn.gather.get("finishOnKey") == "#" and "prescription number" in turn.text
    # The text form is not left running under the call: a later answer gets no form question.
    caller.press("7654321", finished_on_key="#")
    caller.press("03141990")
    done = caller.press("1")
    assert "Your reference is R" in done.text
    assert "Rx" not in caller.say("thank you so much").text


# -- after an emergency -------------------------------------------------------------------
def test_yes_after_the_emergency_message_goes_to_the_menu(caller):  # noqa: F811
    caller.start()
    caller.say("my baby is not breathing")
    turn = caller.say("yes")
    assert not turn.hung_up and "press 1" in turn.text


def test_help_already_coming_is_not_a_new_emergency(caller, services):  # noqa: F811
    caller.start()
    caller.say("my baby is not breathing")
    turn = caller.say("I called 911 already")
    assert "help is on the way" in turn.text and "press 1" in turn.text
    assert len(services.escalations.open_queue()) == 1


def test_a_voicemail_that_reads_as_an_emergency_becomes_urgent(caller, services):  # noqa: F811
    caller.start()
    caller.press("0")
    caller.dial_result("no-answer")
    sid = "RE" + "7" * 32
    caller.leave_voicemail(sid)
    [before] = services.escalations.open_queue()
    assert before.urgency == "normal"
    caller.transcription(sid, "Hi my baby isn't breathing and is turning blue please call me back")
    [after] = services.escalations.open_queue()
    assert after.reference == before.reference and after.urgency == "urgent"





@pytest.mark.parametrize("words", ["I haven't called 911", "has anyone called 911",
                                   "I called 911 but now she is having a seizure",
                                   "nobody has called 911 yet"])
def test_doubt_about_911_is_still_an_emergency(caller, words):  # noqa: F811
    caller.start()
    caller.say("my baby is not breathing")
    turn = caller.say(words)
    assert "help is on the way" not in turn.text
    assert urgent_first(turn.said[0])
