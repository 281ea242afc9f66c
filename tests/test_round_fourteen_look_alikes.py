"""What the fourteenth blind sets found (written by a helper who never saw data/): two
quiet goodbyes the net missed, and look-alikes that paged staff: a sign's question ("how
sleepy is too sleepy?"), a crisis long over and helped, a question about harm answered
no, a sign over "back then", a pet's sign with "what do I do", and a hard day coped with.
Through the signed SMS webhook; the sentences are new, not the sets'."""

from __future__ import annotations

import pytest

from tests.test_what_comes_next import first_sentence, sms
from tests.voice_caller import VoiceCaller


@pytest.mark.parametrize("text", [
    "i cant find a single reason to keep going without my boy",
    "forgive me for everything. bye",
    "no le veo sentido a seguir sin mi hija",
    "perdonenme por todo, adios para siempre",
])
def test_a_quiet_goodbye_gets_988_first_and_pages(twilio, services, text):
    said = sms(twilio, text)
    assert "988" in said.split(".")[0], said
    assert [e.urgency for e in services.escalations.open_queue()] == ["urgent"]


@pytest.mark.parametrize("text", [
    "how pale is too pale for a one week old",
    "how soon should a rash from ivig fade",
    "my counselor asked if i ever thought about ending my life and i said no",
    "two years ago i took a lot of pills but im in a good place now, therapy helps",
    "after the funeral i wanted to die but im getting help now",
    "her belly was swollen back then in the nicu but its normal now",
    "my cat is throwing up blood, what should i do",
    "hace tres anos me tome muchas pastillas pero ya lo supere",
    "cuanto se debe mover un bebe a las 30 semanas",
    # round 16: well now, and a parent's worry
    "hes nursing great and sleeping good at the moment, im only a little anxious",
    "ahorita come bien y hace pipi normal, nomas estoy preocupada",
])
def test_a_look_alike_pages_nobody(twilio, services, text):
    sms(twilio, text)
    assert services.escalations.open_queue() == [], text


def test_a_question_about_a_sign_gets_the_warning_signs_with_911_not_i_can_only_help(twilio, services):
    said = sms(twilio, "how limp is too limp for a newborn")
    assert "911" in said and "floppy" in said and "I can only help" not in said, said
    assert services.escalations.open_queue() == []


def test_a_hard_day_coped_with_is_heard_not_a_menu_or_911(twilio, services):
    said = sms(twilio, "some mornings i cant face getting up but i do, for my son")
    assert "911" not in said and "1)" not in said, said
    assert said.startswith(first_sentence("utter_feeling_heard")) or "sorry" in said.lower(), said
    assert services.escalations.open_queue() == []


# -- the same classes on a call and in the web chat -----------------------------------------
def test_a_quiet_goodbye_said_on_a_call_gets_988_first_and_pages(twilio, services):
    caller = VoiceCaller(twilio)
    caller.start()
    heard = caller.say("i cant find one reason to keep going without him")
    assert "988" in heard.said[0], heard.said
    assert [e.urgency for e in services.escalations.open_queue()] == ["urgent"]


def test_a_signs_degree_asked_on_a_call_is_the_signs_with_911_and_pages_nobody(twilio, services):
    caller = VoiceCaller(twilio)
    caller.start()
    heard = caller.say("how yellow is too yellow for a newborn")
    assert "911" in heard.text and "I can only help" not in heard.text, heard.text
    assert services.escalations.open_queue() == []


def test_past_self_harm_now_helped_in_the_web_chat_is_988_if_it_returns_and_no_page(app, services):
    client = app.test_client()
    told = "months ago i thought about ending it, i have a counselor now and im doing better"
    replies = client.post("/webhooks/rest/webhook", json={"sender": "web-31", "message": told}).get_json()
    assert "988" in " ".join(r["text"] for r in replies), replies
    assert services.escalations.open_queue() == []
