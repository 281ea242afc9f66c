"""Voicemail audio in the console (review finding 6). The console fetches a recording
from Twilio with the account's own credentials and hands it to a staff member's browser,
so the link it fetches must be that voicemail's recording and nothing else on Twilio's
API: checked when the webhook brings it and again before every fetch, and what comes
back must be audio."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import create_app
from bot.parts import build_parts
from tests.conftest import AUTH_TOKEN, make_settings
from tests.console_server import ACCOUNT_SID, StaffClient, add_staff
from tests.helpers import PATIENT, RECORDING_AUDIO, FakeTwilioApi, TwilioClient
from tests.voice_caller import VoiceCaller

RECORDING = "RE" + "4c" * 16
OTHER_ACCOUNT = "AC" + "1" * 32


@pytest.fixture()
def line(redis_url, engine, clock, redis_client, fake_twilio_api):  # type: ignore[no-untyped-def]
    """The app with Twilio's API at the fake; a Saturday night, so 0 goes to voicemail."""
    clock.now = datetime(2026, 11, 28, 22, 0, tzinfo=ZoneInfo("America/Los_Angeles")).timestamp()
    settings = make_settings(redis_url, TWILIO_API_BASE_URL=fake_twilio_api.base_url)
    services = build_parts(settings, clock=clock, engine=engine)
    app = create_app(settings, parts=services)
    add_staff(redis_client, settings)
    staff = StaffClient(app)
    staff.login()
    return services, staff, TwilioClient(app.test_client(), AUTH_TOKEN)


def recording_url(api: FakeTwilioApi, account: str = ACCOUNT_SID, sid: str = RECORDING) -> str:
    return f"{api.base_url}/2010-04-01/Accounts/{account}/Recordings/{sid}"


def leave_voicemail(twilio: TwilioClient, url: str) -> None:
    caller = VoiceCaller(twilio)
    caller.start()
    assert "record" in caller.press("0").text.lower()
    assert caller.leave_voicemail(RECORDING, recording_url=url).hung_up


def test_a_voicemail_plays_from_its_own_recording(line, fake_twilio_api):
    services, staff, twilio = line
    leave_voicemail(twilio, recording_url(fake_twilio_api))
    [escalation] = services.escalations.open_queue()
    response = staff.get(f"/staff/escalations/{escalation.reference}/voicemail.mp3")
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert response.data == RECORDING_AUDIO
    assert fake_twilio_api.fetched == [
        (f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{RECORDING}.mp3", ACCOUNT_SID)]


@pytest.mark.parametrize("path", [
    f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls",  # another resource of the account
    f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{RECORDING}/../../Calls",
    f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{RECORDING}.json",
    f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{RECORDING}?PageSize=1000",
    f"/2010-04-01/Accounts/{OTHER_ACCOUNT}/Recordings/{RECORDING}",
    f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE{'9' * 32}",  # not this voicemail's
    f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE123",
])
def test_a_recording_url_that_is_not_the_voicemails_recording_is_not_kept(line, fake_twilio_api,
                                                                          path):
    services, staff, twilio = line
    leave_voicemail(twilio, fake_twilio_api.base_url + path)
    [escalation] = services.escalations.open_queue()  # the voicemail is still an escalation
    assert escalation.reason == "voicemail" and escalation.recording_sid == RECORDING
    assert escalation.recording_url == ""
    assert staff.get(f"/staff/escalations/{escalation.reference}/voicemail.mp3").status_code == 404
    assert fake_twilio_api.fetched == []


@pytest.mark.parametrize("path", [
    f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls",
    f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{RECORDING}/../../Calls",
    f"/2010-04-01/Accounts/{OTHER_ACCOUNT}/Recordings/{RECORDING}",
])
def test_a_stored_link_that_is_not_a_recording_is_never_fetched(line, fake_twilio_api, path):
    """A record stored before links were checked, or changed in Redis: checked again."""
    services, staff, _ = line
    escalation = services.escalations.open(
        sender_id="CA" + "7" * 32, phone=PATIENT, channel="twilio_voice", reason="voicemail",
        recording_sid=RECORDING, recording_url=fake_twilio_api.base_url + path, hand_over=False)
    response = staff.get(f"/staff/escalations/{escalation.reference}/voicemail.mp3")
    assert response.status_code == 502
    assert "not a Twilio recording" in response.get_data(as_text=True)
    assert fake_twilio_api.fetched == []


def test_an_answer_that_is_not_audio_is_not_handed_to_the_browser(line, fake_twilio_api):
    services, staff, twilio = line
    fake_twilio_api.recording_type = "application/json"
    leave_voicemail(twilio, recording_url(fake_twilio_api))
    [escalation] = services.escalations.open_queue()
    response = staff.get(f"/staff/escalations/{escalation.reference}/voicemail.mp3")
    assert response.status_code == 502
    assert response.mimetype == "text/html" and RECORDING_AUDIO not in response.data
    assert "not audio" in response.get_data(as_text=True)
