"""Texting the support line: real signed webhooks, parsed TwiML, a real Redis."""

from __future__ import annotations

import json
import logging
import re

import pytest

from bot.app import create_app
from bot.channels.sms.sizing import is_gsm7, to_gsm7
from bot.parts import build_parts
from tests.conftest import AUTH_TOKEN, SUPPORT_PHONE, make_settings
from tests.helpers import FIXTURES, PATIENT, TwilioClient, sms_params, urgent_first

OTHER = "+15557654321"


def _check_sms_shape(reply) -> None:  # type: ignore[no-untyped-def]
    assert reply.status == 200
    assert reply.content_type.startswith("text/xml")
    assert reply.root is not None and reply.root.tag == "Response"
    assert len(reply.messages) <= 2
    for text in reply.messages:
        assert len(text) <= 320 and is_gsm7(text), text


# -- signatures -------------------------------------------------------------------------
def test_a_signed_text_is_answered_as_twiml(twilio):
    reply = twilio.sms("hi")
    _check_sms_shape(reply)
    assert reply.messages


def test_missing_or_wrong_signature_is_refused_and_nothing_is_processed(twilio, redis_client):
    params = sms_params("what is nh")
    assert twilio.post("/twilio/sms", params, signature="").status == 403
    assert twilio.post("/twilio/sms", params, signature="bm90IGEgc2lnbmF0dXJl").status == 403
    assert redis_client.dbsize() == 0


def test_a_tampered_body_is_refused(twilio):
    params = sms_params("what is nh")
    signature = twilio.sign("http://localhost/twilio/sms", params)
    tampered = {**params, "Body": "STOP"}
    assert twilio.post("/twilio/sms", tampered, signature=signature).status == 403


def test_without_a_configured_token_every_webhook_is_refused(redis_url, engine, clock, redis_client):
    settings = make_settings(redis_url, TWILIO_AUTH_TOKEN="")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    client = TwilioClient(app.test_client(), AUTH_TOKEN)
    assert client.sms("hi").status == 403


def test_behind_a_tls_proxy_the_https_url_is_the_one_checked(twilio):
    params = sms_params("hi")
    url = "https://support.example.org/twilio/sms"
    reply = twilio.post("/twilio/sms", params, signed_url=url,
                        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "support.example.org"})
    assert reply.status == 200
    # The same signature without the proxy's headers describes another URL.
    assert twilio.post("/twilio/sms", params, signature=twilio.sign(url, params)).status == 403


def test_public_base_url_and_a_rotated_token(redis_url, engine, clock, redis_client):
    settings = make_settings(redis_url, PUBLIC_BASE_URL="https://bot.example.org",
                             TWILIO_AUTH_TOKEN_SECONDARY="the-new-token-000000000000000")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    old = TwilioClient(app.test_client(), AUTH_TOKEN, base_url="http://localhost")
    new = TwilioClient(app.test_client(), "the-new-token-000000000000000")
    url = "https://bot.example.org/twilio/sms"
    assert old.post("/twilio/sms", sms_params("hi"), signed_url=url).status == 200
    assert new.post("/twilio/sms", sms_params("hi", sender=OTHER), signed_url=url).status == 200
    assert old.post("/twilio/sms", sms_params("hi")).status == 403  # the local URL is not the public one


def test_switching_validation_off_is_explicit_and_logged(redis_url, engine, clock, redis_client, caplog):
    settings = make_settings(redis_url, TWILIO_VALIDATE_SIGNATURES="false")
    with caplog.at_level(logging.WARNING):
        app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    assert "NOT authenticated" in caplog.text
    client = TwilioClient(app.test_client(), AUTH_TOKEN)
    assert client.post("/twilio/sms", sms_params("hi"), signature="").status == 200


# -- a conversation ---------------------------------------------------------------------
def test_the_first_text_introduces_an_automated_assistant(twilio):
    first = " ".join(twilio.say("hello"))
    assert "automated" in first and "not medical advice" in first
    for topic in ("NH", "IVIG", "copay", "refill"):
        assert topic in first
    second = " ".join(twilio.say("hello again"))
    assert "automated" not in second  # once per conversation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what is neonatal hemochromatosis", "liver"),
        ("what are the chances it happens again in my next pregnancy", "80%"),
        ("how does ivig treatment work", "IVIG"),
        ("can i get help paying my copay", "copay team"),
        ("can i talk to a pharmacist", "specialist will contact you"),
    ],
)
def test_each_topic_is_answered(twilio, text, expected):
    twilio.say("hi")
    reply = twilio.sms(text)
    _check_sms_shape(reply)
    assert expected in " ".join(reply.messages)


def test_a_full_refill_gives_a_reference_and_nothing_about_the_medication(twilio, services):
    twilio.say("hi")
    assert "prescription" in " ".join(twilio.say("i need a refill")).lower()
    assert "date of birth" in " ".join(twilio.say("7654321")).lower()
    reply = " ".join(twilio.say("03/14/1990"))
    reference = re.search(r"R-\d+", reply)
    assert reference, reply
    for forbidden in ("IVIG", "immune globulin", "1990", "03/14", "g/kg", "NH"):
        assert forbidden not in reply
    request = services.refills.get(reference.group())
    assert request is not None and request.status == "new"
    assert request.phone_masked == "***4567"
    assert request.prescription_number == "7654321"
    assert request.date_of_birth == "1990-03-14"


def test_a_wrong_date_is_asked_again_with_a_hint(twilio, services):
    twilio.say("refill please")
    twilio.say("rx 7654321")
    hint = " ".join(twilio.say("13/45/1990"))
    assert "03/14/1990" in hint and "date of birth" in hint.lower()
    assert services.refills.recent() == []
    done = " ".join(twilio.say("3/14/90"))
    assert re.search(r"R-\d+", done)
    assert [r.date_of_birth for r in services.refills.recent()] == ["1990-03-14"]


def test_three_failed_attempts_offer_a_person(twilio, services):
    twilio.say("i need a refill")
    twilio.say("12")
    twilio.say("its on the bottle somewhere")
    offer = " ".join(twilio.say("abc"))
    assert "pharmacy specialist" in offer and "YES" in offer
    assert services.refills.recent() == []
    accepted = " ".join(twilio.say("yes"))
    assert re.search(r"E-\d+", accepted)
    queue = services.escalations.open_queue()
    assert [e.reason for e in queue] == ["refill verification failed 3 times"]


# -- consent ----------------------------------------------------------------------------
def test_stop_then_silence_then_start(twilio, services):
    twilio.say("hi")
    stop = twilio.sms("  stop. ")
    _check_sms_shape(stop)
    assert stop.messages == []
    assert services.consent.is_opted_out(PATIENT)
    assert twilio.sms("what is nh").messages == []
    start = twilio.sms("START")
    assert "Welcome back" in " ".join(start.messages)
    assert not services.consent.is_opted_out(PATIENT)
    assert twilio.sms("what is nh").messages


@pytest.mark.parametrize("word", ["STOPALL", "unsubscribe", "Cancel", "END", "quit!", "REVOKE", "optout", "STOP!!"])
def test_every_opt_out_keyword_opts_out(twilio, services, word):
    assert twilio.sms(word).messages == []
    assert services.consent.is_opted_out(PATIENT)


def test_twilio_advanced_opt_out_fields_are_honoured(twilio, services):
    params = json.loads((FIXTURES / "sms_inbound_stop.json").read_text())
    assert twilio.post("/twilio/sms", params).messages == []
    assert services.consent.is_opted_out(PATIENT)
    reply = twilio.sms("please", OptOutType="START")
    assert "Welcome back" in " ".join(reply.messages)


def test_plain_language_revocation_gets_one_confirmation(twilio, services):
    twilio.say("hi")
    reply = twilio.sms("please don't text me anymore")
    assert len(reply.messages) == 1 and "START" in reply.messages[0]
    assert services.consent.is_opted_out(PATIENT)
    assert twilio.sms("stop texting me").messages == []


@pytest.mark.parametrize(
    "text",
    ["stop please", "please stop", "stop now", "Stop it", "stop. please", "I said STOP",
     "I don't want these texts", "I don\u2019t want these texts", "i dont want any more texts",
     "cease contact", "leave me alone", "take me off your list", "remove me from this list",
     "no more messages please", "Stop sending me these", "unsubscribe me", "I want to opt out",
     "STOP TEXTING ME!!!"],
)
def test_plain_language_revocations_opt_out_with_one_confirmation(twilio, services, text):
    twilio.say("hi")
    reply = twilio.sms(text)
    _check_sms_shape(reply)
    assert len(reply.messages) == 1 and "unsubscribed" in reply.messages[0] and "START" in reply.messages[0]
    assert services.consent.is_opted_out(PATIENT)
    assert twilio.sms("what is nh").messages == []


@pytest.mark.parametrize(
    "text",
    ["Can you stop sending my refill to my old address? I moved.",
     "Please stop sending the shipment until I call",
     "remove me from the waitlist for the copay program",
     "I want to unsubscribe from paper bills",
     "stop the refill", "can i stop ivig", "when do i stop the infusions", "cancel my refill",
     "I want to stop taking ivig", "can you text me when my refill ships"],
)
def test_stopping_something_other_than_the_texts_is_a_question_for_the_bot(twilio, services, text):
    twilio.say("hi")
    reply = twilio.sms(text)
    _check_sms_shape(reply)
    assert reply.messages and "unsubscribed" not in " ".join(reply.messages)
    assert not services.consent.is_opted_out(PATIENT)
    assert "liver" in " ".join(twilio.say("what is neonatal hemochromatosis"))


def test_start_from_a_number_that_never_opted_out_is_no_welcome_back(twilio, services):
    for word in ("start", "UNSTOP"):
        reply = twilio.sms(word)
        _check_sms_shape(reply)
        assert len(reply.messages) == 1
        text = reply.messages[0]
        assert "subscribed" in text and "STOP" in text and "welcome back" not in text.lower()
    assert not services.consent.is_opted_out(PATIENT)


@pytest.mark.parametrize("answer", ["yes", "Yes!", "YES."])
def test_yes_answers_the_bots_question_when_never_opted_out(twilio, services, answer):
    assert "Reply YES or NO" in " ".join(twilio.say("can i get help paying my copay"))
    reply = " ".join(twilio.say(answer))
    assert re.search(r"E-\d+", reply) and "Welcome back" not in reply
    assert len(services.escalations.open_queue()) == 1


def test_help_names_the_program_a_person_and_the_rules(twilio):
    text = " ".join(twilio.say("Help"))
    for required in ("NH Support Line", SUPPORT_PHONE, "Reply STOP to opt out", "Msg & data rates may apply"):
        assert required in text


def test_an_opted_out_patients_emergency_still_reaches_staff_silently(twilio, services):
    twilio.sms("STOP")
    reply = twilio.sms("my baby is not breathing and turning blue")
    assert reply.messages == []
    queue = services.escalations.open_queue()
    assert len(queue) == 1 and queue[0].urgency == "urgent"


def test_an_emergency_in_a_plain_language_opt_out_gets_911_first_and_reaches_staff(twilio, services):
    reply = twilio.sms("stop texting me, my baby is not breathing")
    _check_sms_shape(reply)
    said = "\n".join(reply.messages)
    assert urgent_first(said)
    assert "unsubscribed" in said.lower().split("call 911", 1)[1]
    assert services.consent.is_opted_out(PATIENT)
    queue = services.escalations.open_queue()
    assert len(queue) == 1 and queue[0].urgency == "urgent"


# -- safety -----------------------------------------------------------------------------
def test_an_emergency_mid_refill_gets_911_first_and_an_urgent_escalation(twilio, services):
    twilio.say("refill please")
    reply = twilio.sms("help my baby is having a seizure")
    _check_sms_shape(reply)
    assert urgent_first(reply.messages[0])
    queue = services.escalations.open_queue()
    assert len(queue) == 1 and queue[0].urgency == "urgent"
    escalation = services.escalations.get(queue[0].reference, with_lines=True)
    assert any("seizure" in line["text"] for line in escalation.transcript)
    # The refill was abandoned: the next text is not read as a prescription number.
    assert services.refills.recent() == []


def test_the_first_text_being_an_emergency_leads_with_911(twilio):
    reply = twilio.sms("my wife is pregnant and bleeding heavily")
    assert urgent_first(reply.messages[0])


# -- delivery ---------------------------------------------------------------------------
def test_a_repeated_message_sid_changes_nothing(twilio, services):
    twilio.say("refill please")
    twilio.say("7654321")
    params = sms_params("03/14/1990", sid="SM" + "a" * 32)
    first = twilio.post("/twilio/sms", params)
    assert re.search(r"R-\d+", " ".join(first.messages))
    again = twilio.post("/twilio/sms", params)
    _check_sms_shape(again)
    # Twilio delivers again only when it did not take the first answer: the same answer,
    # so the patient gets it once, and nothing happens twice.
    assert again.messages == first.messages
    assert len(services.refills.recent()) == 1


def test_a_repeated_form_step_is_not_taken_twice(twilio, services):
    twilio.say("refill please")
    params = sms_params("7654321", sid="SM" + "b" * 32)
    twilio.post("/twilio/sms", params)
    twilio.post("/twilio/sms", params)
    reply = " ".join(twilio.say("03/14/1990"))
    assert re.search(r"R-\d+", reply)


def test_pictures_are_neither_fetched_nor_stored(twilio, redis_client):
    params = json.loads((FIXTURES / "sms_inbound_mms.json").read_text())
    reply = twilio.post("/twilio/sms", params)
    _check_sms_shape(reply)
    text = " ".join(reply.messages)
    assert "cannot view pictures" in text and "pharmacy specialist" in text
    dump = b"".join(
        redis_client.dump(key) or b"" for key in redis_client.scan_iter()
    )
    assert b"ME33333333333333333333333333333333" not in dump


def test_a_first_text_with_a_picture_still_gets_its_answer(twilio, engine):
    params = json.loads((FIXTURES / "sms_inbound_mms.json").read_text())
    reply = twilio.post("/twilio/sms", {**params, "Body": "How can I get help paying for this?"})
    _check_sms_shape(reply)
    text = " ".join(reply.messages)
    answer = engine.renderer.render("utter_ask_copay_help/overview", "twilio_sms", {})
    assert answer is not None and answer["text"] in text
    assert "cannot view pictures" in text
    assert "automated" in text and "not medical advice" in text  # the intro, cut short


@pytest.mark.parametrize(
    "body",
    ["", "   ", "x" * 1600, "what is nh " * 150, "\U0001f622\U0001f622\U0001f622",
     "\u0645\u0627 \u0647\u0648 \u0645\u0631\u0636", "\u6211\u7684\u5b9d\u5b9d", "\u201cIVIG\u201d \u2014 when?"],
)
def test_odd_bodies_get_a_sensible_sms_sized_reply(twilio, body):
    reply = twilio.sms(body)
    _check_sms_shape(reply)
    assert reply.messages


def test_a_failure_inside_still_answers_twiml_with_the_phone_number(twilio, monkeypatch):
    def broken(tracker: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr("actions.answers.answer_key", broken)
    reply = twilio.sms("what is neonatal hemochromatosis")
    _check_sms_shape(reply)
    assert SUPPORT_PHONE in " ".join(reply.messages)
    assert "Traceback" not in reply.raw


def test_redis_down_still_answers_twiml_with_the_phone_number(engine, clock):
    settings = make_settings("redis://127.0.0.1:1/0")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    client = TwilioClient(app.test_client(), AUTH_TOKEN)
    reply = client.sms("what is nh")
    _check_sms_shape(reply)
    assert SUPPORT_PHONE in " ".join(reply.messages)
    emergency = client.sms("my baby is turning blue")
    assert urgent_first(emergency.messages[0])



@pytest.mark.parametrize("body", ["STOP", "stop texting me", "please stop"])
def test_redis_down_an_opt_out_is_still_honoured_in_the_reply(engine, clock, caplog, body):
    settings = make_settings("redis://127.0.0.1:1/0")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    client = TwilioClient(app.test_client(), AUTH_TOKEN)
    reply = client.sms(body)
    assert reply.status == 200 and reply.messages == []
    assert "OPT-OUT NOT RECORDED" in caplog.text


def test_a_multipart_body_is_refused_even_with_a_signature_for_no_params(twilio):
    """Twilio posts form-encoded; a multipart form is not covered by the signature."""
    from twilio.request_validator import RequestValidator

    url = twilio.base_url + "/twilio/sms"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, {})
    response = twilio.client.post("/twilio/sms", data={"From": PATIENT, "Body": "hi", "MessageSid": "SMx"},
                                  content_type="multipart/form-data",
                                  headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_signature_checks_cannot_be_switched_off_in_production(redis_url):
    from bot.settings import SettingsError

    with pytest.raises(SettingsError, match="TWILIO_VALIDATE_SIGNATURES"):
        make_settings(redis_url, BOT_ENV="production", TWILIO_VALIDATE_SIGNATURES="false")
    make_settings(redis_url, BOT_ENV="development", TWILIO_VALIDATE_SIGNATURES="false")  # allowed


@pytest.mark.parametrize(("text", "sent"), [
    ("take \u00bd tablet", "take 1/2 tablet"),  # never "12"
    ("take 1\u00bd tablets", "take 1 1/2 tablets"),
    ("5 \u00b5g", "5 mcg"),
    ("\u2265 38\u00b0", ">= 38 degrees"),
    ("\u201cJos\u00e9\u201d \u2013 ok\u2026", '"Jos\u00e9" - ok...'),
    ("caf\u00e9 \u00f3", "caf\u00e9 o"),
    ("hi \U0001F600 \u4f60\u597d", "hi  "),
])
def test_text_going_out_is_gsm7_and_never_changes_a_number(text, sent):
    assert to_gsm7(text) == sent and is_gsm7(to_gsm7(text))


@pytest.mark.parametrize("body", ["cancel these texts", "remove my number",
                                  "I'd like to end the texts please", "turn off the reminders"])
def test_more_ways_of_asking_to_stop_the_texts(twilio, services, body):
    reply = twilio.sms(body)
    assert len(reply.messages) == 1 and "unsubscribed" in reply.messages[0]
    assert services.consent.is_opted_out(PATIENT)
    assert services.escalations.open_queue() == []  # and not paged as an emergency
