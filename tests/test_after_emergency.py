"""After the first reply (issue 10): an emergency still going on, what only looks like one,
a hand-off that keeps talking, a form that is not lost, and grief. Conversations through
the SMS, REST and voice channels, asserting on what the patient reads or hears."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.app import create_app
from bot.parts import build_parts
from tests.conftest import SUPPORT_PHONE, make_settings
from tests.helpers import PATIENT, TwilioClient, urgent_first
from tests.voice_caller import VoiceCaller

LA = ZoneInfo("America/Los_Angeles")
SETS = [yaml.safe_load((Path(__file__).parent / "nlu" / name).read_text())
        for name in ("emergency_cases.yml", "emergency_cases2.yml")]
CASES = {kind: [m for cases in SETS for m in cases[kind]] for kind in ("now", "now_es", "not_now", "not_now_es")}
WEBHOOK = "/webhooks/rest/webhook"


def at(clock, when: str) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime.fromisoformat(when).replace(tzinfo=LA).timestamp()


def text(twilio, message: str, sender: str = PATIENT) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(twilio.say(message, sender))


@pytest.fixture()
def saturday_night(clock):  # type: ignore[no-untyped-def]
    at(clock, "2026-11-28 22:00")


# -- an emergency still going on ------------------------------------------------------------
@pytest.mark.parametrize("follow_up", [
    "should I wait for the pediatrician on monday",
    "ok I'll call my doctor tomorrow",
    "is that normal?",
    "now her lips look kind of grey",
])
def test_after_an_emergency_waiting_or_more_signs_get_dont_wait_never_next_business_day(
        twilio, services, saturday_night, follow_up):
    first = text(twilio, "my baby is not breathing right")
    assert first.startswith("Call 911 now. These are emergency signs in a baby")
    reply = text(twilio, follow_up)
    assert reply.startswith("Please don't wait: call 911 now"), reply
    assert "business day" not in reply and "when we open" not in reply


def test_a_question_after_an_emergency_is_answered_after_the_urgent_line(twilio, saturday_night):
    text(twilio, "im 30 weeks and bleeding a lot")
    reply = text(twilio, "what is ivig")
    assert reply.startswith("If this is still happening, please call 911 or your labor and delivery unit now")
    assert "donated plasma" in reply
    assert text(twilio, "ok thanks").startswith("If this is still happening, please call 911")


def test_help_on_the_way_is_acknowledged_with_911_still_in_it(twilio, services):
    text(twilio, "my newborn is having a seizure")
    reply = text(twilio, "we called 911, the ambulance is on the way")
    assert reply.startswith("I'm glad help is on the way") and "911" in reply
    assert len(services.escalations.open_queue()) == 1


@pytest.mark.parametrize(("first", "then", "expected"), [
    ("my 4 day old is yellow and wont eat", "ok what do we do until the ambulance gets here",
     "I'm glad help is on the way. Follow what the 911 operator"),
    ("mi bebe de 3 dias no despierta para comer", "ya llamé",
     "Me alegra que la ayuda ya viene en camino. Siga lo que le indique el operador del 911"),
])
def test_asking_what_to_do_while_help_comes_gets_the_operator_not_a_topic(twilio, first, then, expected):
    text(twilio, first)
    reply = text(twilio, then)
    assert reply.startswith(expected) and "\n" not in reply.strip(), reply


def test_a_delivery_asked_about_in_an_emergency_can_wait_for_a_person(twilio, services, saturday_night):
    text(twilio, "my baby is not breathing right")
    reply = text(twilio, "do i need to reschedule the ivig delivery now")
    assert reply.startswith("If this is still happening, please call 911")
    assert "don't worry about the delivery, the refill or costs now" in reply
    assert "prescription (Rx) number" not in reply and services.refills.recent() == []


def test_each_message_after_an_emergency_reaches_staff_flagged_urgent(twilio, services, saturday_night):
    text(twilio, "my baby is turning blue")
    text(twilio, "should i just wait till morning")
    [escalation] = services.escalations.open_queue()
    lines = services.escalations.get(escalation.reference, with_lines=True).transcript
    patient = [line for line in lines if line["from"] == "patient"]
    assert patient[-1]["text"] == "should i just wait till morning" and patient[-1].get("urgent")
    assert lines[-1]["from"] == "bot" and lines[-1]["text"].startswith("Please don't wait")


def test_the_follow_up_ends_when_staff_resolve_the_emergency(twilio, services):
    text(twilio, "my baby is not breathing")
    [escalation] = services.escalations.open_queue()
    services.escalations.resolve(escalation.reference, "dana", "Called 911 with the family; baby is fine.")
    reply = text(twilio, "what is ivig")
    assert not urgent_first(reply) and "donated plasma" in reply


def test_the_follow_up_ends_after_the_set_time(twilio, clock):
    text(twilio, "my baby is not breathing")
    clock.advance(121 * 60)  # EMERGENCY_FOLLOW_UP_MINUTES is 120
    assert not urgent_first(text(twilio, "what is ivig"))


# -- the first line fits the case -----------------------------------------------------------
@pytest.mark.parametrize(("message", "opening", "absent"), [
    ("my newborn is limp and wont wake up", "Call 911 now. These are emergency signs in a baby", "OB"),
    ("im 24 weeks and the baby hasnt moved since last night",
     "Call 911 now, and call your OB or labor and delivery unit", None),
    ("my throat is closing up, i had my ivig infusion an hour ago",
     "Call 911 now. After an IVIG infusion, these signs need urgent care", "OB"),
    ("this is an emergency", "If this is an emergency, call 911 now", None),
])
def test_the_first_urgent_line_is_worded_to_the_case(twilio, services, message, opening, absent):
    reply = text(twilio, message)
    assert reply.startswith(opening), reply
    if absent:
        assert absent not in reply
    assert [e.urgency for e in services.escalations.open_queue()] == ["urgent"]


def test_self_harm_gets_988_only_and_988_first_again_on_the_next_turn(twilio, services):
    first = twilio.say("i dont want to live anymore since we lost her")
    assert first[0].startswith("If you might hurt yourself, please call or text 988")
    joined = "\n".join(first)
    assert "OB" not in joined and "labor and delivery" not in joined and "message was added" not in joined
    assert text(twilio, "i dont know").startswith("If you might hurt yourself, please call or text 988")
    [escalation] = services.escalations.open_queue()
    assert escalation.urgency == "urgent" and escalation.reason == "self-harm risk"


# -- what only looks like an emergency --------------------------------------------------------
@pytest.mark.parametrize("message", [
    "what if she turns yellow and stops eating",
    "how would I know the baby moves too little",
    "i keep having nightmares that she stops breathing",
    "our son turned blue the night he died",
    "i'm so tired i could pass out lol",
    "my husband worries about every little thing since our loss",
])
def test_hypotheticals_signs_memories_and_grief_page_nobody(twilio, services, message):
    reply = text(twilio, message)
    assert services.escalations.open_queue() == [], reply
    assert "message was added" not in reply and "team has been alerted" not in reply


def test_a_question_about_a_sign_gets_the_warning_signs_with_911_if_it_is_happening(twilio, services):
    reply = text(twilio, "what should I do if the baby ever stops breathing")
    assert "Call 911" in reply and "not breathing" in reply
    assert services.escalations.open_queue() == []
    # The conversation was not handed over: the next question is answered.
    assert "donated plasma" in text(twilio, "what is ivig")


def test_the_net_catches_every_emergency_and_rarely_alarms_on_look_alikes(app):
    client = app.test_client()

    def intent(message: str) -> str:
        return client.post("/model/parse", json={"text": message}).get_json()["intent"]["name"]

    missed = [m for m in CASES["now"] + CASES["now_es"] if intent(m) != "report_emergency"]
    assert missed == []
    alarms = [m for m in CASES["not_now"] + CASES["not_now_es"] if intent(m) == "report_emergency"]
    assert len(alarms) <= 0.05 * (len(CASES["not_now"]) + len(CASES["not_now_es"])), alarms


# -- a hand-off keeps talking ----------------------------------------------------------------
def test_a_handed_over_conversation_still_answers_a_question_of_fact(twilio, services, saturday_night):
    text(twilio, "can i talk to a real person")
    reply = text(twilio, "we have Medicaid, does that change anything?")
    assert "Medicaid" in reply
    [escalation] = services.escalations.open_queue()
    lines = services.escalations.get(escalation.reference, with_lines=True).transcript
    assert lines[-2]["text"] == "we have Medicaid, does that change anything?"
    assert lines[-1]["kind"] == "answered by the bot"


def test_waiting_for_a_person_is_told_honestly_when_they_will_see_it(twilio, clock):
    at(clock, "2026-11-27 17:30")  # a Friday, half an hour before closing
    text(twilio, "i need to talk to someone")
    assert "before we close at 6 PM" in text(twilio, "are you there?")
    at(clock, "2026-11-27 19:00")
    reply = text(twilio, "can someone call me back?")
    assert "when we open, Monday at 8 AM" in reply and "911" in reply


def test_the_web_chat_never_promises_contact_staff_cannot_make(app, services):
    client = app.test_client()
    replies = client.post(WEBHOOK, json={"sender": "web-7", "message": "can i talk to a person"}).get_json()
    said = " ".join(r["text"] for r in replies)
    assert "will contact you" not in said and SUPPORT_PHONE in said and "cannot answer in this chat" in said
    # Nobody can answer in the chat, so the bot goes on answering.
    again = client.post(WEBHOOK, json={"sender": "web-7", "message": "what is ivig"}).get_json()
    assert "donated plasma" in " ".join(r["text"] for r in again)


def test_an_emergency_in_the_web_chat_is_911_first_and_the_bot_goes_on(app, services):
    client = app.test_client()
    first = client.post(WEBHOOK, json={"sender": "web-8", "message": "my baby is not breathing"}).get_json()
    assert urgent_first(first[0]["text"])
    again = client.post(WEBHOOK, json={"sender": "web-8", "message": "is that normal"}).get_json()
    assert again[0]["text"].startswith("Please don't wait")


# -- nothing given is lost -------------------------------------------------------------------
def test_a_refill_interrupted_by_an_emergency_goes_on_afterwards_with_what_was_given(twilio, services):
    text(twilio, "i need a refill")
    text(twilio, "7654321")
    assert urgent_first(text(twilio, "my baby is not breathing"))
    [escalation] = services.escalations.open_queue()
    services.escalations.resolve(escalation.reference, "dana", "Family called 911; all well.")
    again = text(twilio, "refill please")
    assert "date of birth" in again and "prescription" not in again.lower()  # the Rx stands
    assert "R-" in text(twilio, "03/14/1990")
    [request] = services.refills.recent()
    assert request.prescription_number == "7654321"


def test_a_person_asked_for_mid_refill_sees_that_a_refill_was_under_way(twilio, services):
    text(twilio, "i need a refill")
    text(twilio, "7654321")
    text(twilio, "actually can a pharmacist call me")
    [escalation] = services.escalations.open_queue()
    assert "a refill request was in progress" in escalation.reason


# -- grief first, everywhere -------------------------------------------------------------------
def test_a_loss_told_mid_refill_gets_sympathy_not_the_form_and_an_offer_of_a_person(redis_url, engine, clock,
                                                                                    redis_client):
    settings = make_settings(redis_url, BEREAVEMENT_RESOURCE="Share Pregnancy and Infant Loss Support, 1-800-821-6819")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    twilio = TwilioClient(app.test_client(), "test-auth-token-0123456789abcdef")
    text(twilio, "i need a refill")
    reply = text(twilio, "sorry, today would have been her first birthday")
    assert "so sorry for your loss" in reply and "Share Pregnancy and Infant Loss Support" in reply
    assert "prescription" not in reply.lower() and "could not read" not in reply
    assert "YES" in reply
    assert "E-" in text(twilio, "yes please")


# -- by phone -----------------------------------------------------------------------------------
def test_a_caller_who_would_wait_is_told_not_to_wait(twilio, clock):
    at(clock, "2026-11-24 10:00")
    caller = VoiceCaller(twilio)
    caller.start()
    first = caller.say("my baby is not breathing")
    assert first.said[0].startswith("Call 911 now")
    again = caller.say("should I wait for the doctor to call back")
    assert again.said[0].startswith("Please don't wait: call 911 now")
    assert "press 1 for the main menu" in again.text  # the call stays at the emergency prompt


# -- Spanish emergencies are answered in Spanish -------------------------------------------------
@pytest.mark.parametrize(("message", "opening"), [
    ("mi bebe no respira", "Llame al 911 ahora. Estas son señales de emergencia en un bebé"),
    ("tengo 30 semanas y estoy sangrando mucho", "Llame al 911 ahora, y llame a su obstetra"),
    ("se me cierra la garganta despues de la infusion", "Llame al 911 ahora. Después de una infusión"),
    ("ya no quiero vivir", "Si usted podria hacerse daño"),
])
def test_a_spanish_emergency_gets_911_in_spanish_first(twilio, services, message, opening):
    reply = twilio.say(message)
    assert reply[0].startswith(opening.replace("ó", "o").replace("í", "i")), reply  # as SMS sends it
    assert "Call 911" not in " ".join(reply)
    assert [e.urgency for e in services.escalations.open_queue()] == ["urgent"]
    follow = " ".join(twilio.say("espero al doctor mañana?"))
    assert follow.startswith("Por favor, no espere")


def test_one_ambiguous_word_does_not_flip_the_language_but_a_request_does(twilio):
    twilio.say("hi, what is nh")
    assert "Spanish" not in " ".join(twilio.say("no"))  # "no" says nothing of a language
    assert not twilio.say("gracias")[0].startswith("De nada")  # one word does not flip it
    switched = " ".join(twilio.say("español por favor"))
    assert switched.startswith("De acuerdo, le contestaré en español")
    assert "Okay, I will answer in English" in " ".join(twilio.say("english please"))


def test_on_the_way_with_a_question_gets_help_coming_and_the_answer(twilio, saturday_night):
    text(twilio, "my baby is not breathing right")
    reply = text(twilio, "ok we're heading to the ER now, what's the pharmacy's phone number")
    help_coming = next(v["text"] for v in yaml.safe_load((Path(__file__).parent.parent / "domain.yml").read_text())
                       ["responses"]["utter_emergency_help_coming"] if not v.get("condition") and not v.get("channel"))
    assert reply.startswith(help_coming.split(".")[0])
    assert SUPPORT_PHONE in reply  # the question is answered too
    assert "business day" not in reply


@pytest.mark.parametrize("then", [
    "its not that bad i can wait till tomorrow right",
    "i can just see the dr on 12/09 right",
    "forget it, im fine",
])
def test_after_an_emergency_waiting_read_as_a_date_or_a_cancel_still_gets_dont_wait(twilio, saturday_night, then):
    first = text(twilio, "i had my infusion this morning and now my face and lips are swelling up")
    assert first.startswith("Call 911")
    reply = text(twilio, then)
    assert "911" in reply.split(".")[0] + reply.split(".")[1]
    assert "business day" not in reply and "will see it" not in reply and "message was added" not in reply


def test_a_newborns_signs_get_the_newborn_line_even_when_the_mother_had_ivig(twilio, saturday_night):
    reply = text(twilio, "our 5 day old is yellow and will not eat, i had ivig all through the pregnancy")
    assert reply.startswith("Call 911 now. These are emergency signs in a baby")
