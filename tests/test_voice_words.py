"""Words a caller says at the main menu that answer nothing, and the failure answer after
a specialist took the call: the call goes on sensibly instead of ending or apologising."""

from __future__ import annotations

from bot.app import build_services, create_app
from tests.conftest import AUTH_TOKEN, SUPPORT_PHONE, make_settings
from tests.helpers import TwilioClient
from tests.test_voice import SPECIALIST, at, caller, open_hours, response_text  # noqa: F401
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
    assert turn.hung_up and "take care" in turn.text.lower()


def test_after_the_specialist_took_the_call_the_failure_answer_does_not_say_it_failed(engine, clock):
    at(clock, "2026-11-24 10:00")
    settings = make_settings("redis://127.0.0.1:1/0")  # Redis is down
    app = create_app(settings, services=build_services(settings, clock=clock, engine=engine))
    call = VoiceCaller(TwilioClient(app.test_client(), AUTH_TOKEN))
    turn = call.start()
    assert "something went wrong" in turn.text and turn.waiting == "Dial"
    rest = call.dial_result("completed")
    assert rest.hung_up
    assert "went wrong" not in rest.text
    assert SUPPORT_PHONE in rest.text and "911" in rest.text
