"""The Rasa-compatible HTTP API and how every route fails: JSON errors, never a stack trace."""

from __future__ import annotations

import re

import pytest

from bot.app import create_app
from bot.channels.rest import conversation_sender
from bot.jobs.queue import ReplyRefused
from bot.parts import build_parts
from bot.settings import SettingsError
from tests.chat import said
from tests.conftest import AUTH_TOKEN, PUBLIC_BASE_URL, SUPPORT_PHONE, make_settings
from tests.helpers import PATIENT, TwilioClient

WEBHOOK = "/webhooks/rest/webhook"
TRACEBACK = re.compile(r"Traceback|File \"/|\.py\", line \d+|werkzeug debugger", re.IGNORECASE)


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def _assert_json_error(response, status: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response.is_json, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] and isinstance(body.get("message", ""), str)
    assert not TRACEBACK.search(response.get_data(as_text=True))


# -- the REST channel ------------------------------------------------------------------------------
def test_the_webhook_answers_in_the_rest_channels_shape(client):
    response = client.post(WEBHOOK, json={"sender": PATIENT, "message": "what is nh"})
    assert response.status_code == 200
    replies = response.get_json()
    assert isinstance(replies, list) and replies
    for reply in replies:
        assert reply["recipient_id"] == PATIENT
        assert isinstance(reply["text"], str) and reply["text"]


def test_the_webhook_carries_a_conversation_across_requests(client):
    client.post(WEBHOOK, json={"sender": PATIENT, "message": "i need a refill"})
    replies = client.post(WEBHOOK, json={"sender": PATIENT, "message": "1234567"}).get_json()
    assert "date of birth" in replies[-1]["text"].lower()
    other = client.post(WEBHOOK, json={"sender": "+15550009999", "message": "1234567"}).get_json()
    assert other != replies  # another sender is another conversation


# -- a REST sender is not a phone number -----------------------------------------------------------
def _escalations(services) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.decode() for r in services.redis.zrange(services.keys.escalation_all, 0, -1)]


def test_a_rest_sender_cannot_finish_a_refill_begun_by_sms(client, twilio, services):
    twilio.say("i need a refill")
    assert "date of birth" in " ".join(twilio.say("1234567")).lower()
    replies = client.post(WEBHOOK, json={"sender": PATIENT, "message": "02/13/1991"}).get_json()
    assert all(reply["recipient_id"] == PATIENT for reply in replies)
    assert not re.search(r"R-\d+", " ".join(reply.get("text", "") for reply in replies))
    assert services.refills.recent() == []
    # The patient's own conversation still waits for their date of birth.
    assert re.search(r"R-\d+", " ".join(twilio.say("02/13/1991")))


def test_a_rest_yes_does_not_accept_an_offer_made_by_sms(client, twilio, services):
    assert "Reply YES or NO" in " ".join(twilio.say("can i get help paying my copay"))
    client.post(WEBHOOK, json={"sender": PATIENT, "message": "yes"})
    assert _escalations(services) == []


def test_rest_messages_stay_out_of_an_opted_out_patients_sms_conversation(client, twilio, services):
    twilio.sms("STOP")
    assert services.consent.is_opted_out(PATIENT)
    replies = client.post(WEBHOOK, json={"sender": PATIENT, "message": "what is nh"}).get_json()
    assert replies and all(reply["recipient_id"] == PATIENT for reply in replies)
    sms_events = services.conversations.load(PATIENT).events
    assert not any(event.get("input_channel") == "rest" for event in sms_events)
    rest_events = services.conversations.load(conversation_sender(PATIENT)).events
    assert any(event.get("text") == "what is nh" for event in rest_events)


def test_records_from_the_rest_channel_carry_no_phone_number_even_if_the_client_claims_one(
        client, services):
    def say(text: str) -> str:
        body = {"sender": PATIENT, "message": text, "metadata": {"phone": PATIENT, "channel": "twilio_sms"}}
        return " ".join(reply.get("text", "") for reply in client.post(WEBHOOK, json=body).get_json())

    say("i need a refill")
    say("1234567")
    assert re.search(r"R-\d+", say("03/14/1990"))
    [refill] = services.refills.recent()
    assert refill.channel == "rest" and refill.phone == ""
    reference = re.search(r"E-\d+", say("i want to talk to a person"))
    assert reference, "no escalation reference"
    escalation = services.escalations.get(reference.group())
    assert escalation.channel == "rest" and escalation.phone == ""
    assert escalation.sender_id == conversation_sender(PATIENT)
    # Staff cannot text a web chat: there is no number, and nothing is queued for Twilio.
    with pytest.raises(ReplyRefused, match="no phone number"):
        services.outbound.queue_staff_reply(services.escalations, escalation=escalation, who="ana", text="Hello",
                          opted_out=services.consent.is_opted_out)


def test_a_repeated_message_id_gets_the_same_answer_and_is_taken_once(client, services):
    body = {"sender": PATIENT, "message": "what is nh", "message_id": "m-1"}
    first = client.post(WEBHOOK, json=body).get_json()
    assert first
    # A client that never saw the first answer (a timeout) gets it again; the
    # conversation holds the message once.
    assert client.post(WEBHOOK, json=body).get_json() == first
    events = services.conversations.load(conversation_sender(PATIENT)).events
    assert sum(e["event"] == "user" for e in events) == 1


@pytest.mark.parametrize("body", [
    b"{not json",
    b'{"sender": "+1555", "message": "hi"',
    b"\xff\xfe",
])
def test_malformed_json_is_a_400_json_error(client, body):
    response = client.post(WEBHOOK, data=body, content_type="application/json")
    _assert_json_error(response, 400)
    _assert_json_error(client.post("/model/parse", data=body, content_type="application/json"), 400)


@pytest.mark.parametrize(("body", "message"), [
    ({"sender": PATIENT, "message": ""}, "'message' must not be empty"),
    ({"sender": PATIENT, "message": " \n\t "}, "'message' must not be empty"),
    ({"sender": "+1555" * 1000, "message": "hi"}, "'sender' is longer than 200 characters"),
    ({"sender": "  ", "message": "hi"}, "'sender' must be a non-empty string"),
])
def test_the_400_says_what_is_wrong(client, services, body, message):
    response = client.post(WEBHOOK, json=body)
    _assert_json_error(response, 400)
    assert response.get_json()["message"] == message
    assert _escalations(services) == []


@pytest.mark.parametrize("body", [
    {"message": "hi"},
    {"sender": PATIENT},
    {"sender": "", "message": "hi"},
    {"sender": PATIENT, "message": 42},
    {"sender": ["+1555"], "message": "hi"},
    [PATIENT, "hi"],
    "hi",
])
def test_missing_or_wrong_fields_are_a_400_json_error(client, body):
    _assert_json_error(client.post(WEBHOOK, json=body), 400)


# -- REST_API_TOKEN --------------------------------------------------------------------------------
TOKEN = "rest-token-0123456789"


@pytest.fixture()
def locked(redis_url, engine, clock, redis_client):  # type: ignore[no-untyped-def]
    settings = make_settings(redis_url, REST_API_TOKEN=TOKEN)
    return create_app(settings, parts=build_parts(settings, clock=clock, engine=engine)).test_client()


@pytest.mark.parametrize("path", [WEBHOOK, "/model/parse"])
@pytest.mark.parametrize("auth", [
    {},
    {"headers": {"Authorization": "Bearer wrong-token"}},
    {"headers": {"Authorization": TOKEN}},
    {"headers": {"Authorization": f"Basic {TOKEN}"}},
    {"query_string": {"token": "wrong-token"}},
    {"headers": {"Authorization": "Bearer wrong-token"}, "query_string": {"token": TOKEN}},
], ids=["none", "wrong-bearer", "no-scheme", "basic", "wrong-query", "wrong-header-wins"])
def test_with_a_token_set_a_request_without_it_is_a_401_json_error(locked, path, auth):
    response = locked.post(path, json={"sender": PATIENT, "message": "hi", "text": "hi"}, **auth)
    _assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("auth", [
    {"headers": {"Authorization": f"Bearer {TOKEN}"}},
    {"headers": {"Authorization": f"bearer  {TOKEN}"}},
    {"query_string": {"token": TOKEN}},  # Rasa's HTTP API: ?token=
], ids=["bearer", "bearer-lower-case", "query"])
def test_with_a_token_set_the_right_token_is_answered(locked, auth):
    replies = locked.post(WEBHOOK, json={"sender": PATIENT, "message": "what is nh"}, **auth)
    assert replies.status_code == 200 and replies.get_json()[0]["recipient_id"] == PATIENT
    parsed = locked.post("/model/parse", json={"text": "what is nh"}, **auth)
    assert parsed.status_code == 200 and parsed.get_json()["intent"]["name"] == "ask_what_is_nh"


def test_the_token_is_checked_before_the_body_is_read(locked):
    _assert_json_error(locked.post(WEBHOOK, data=b"{broken", content_type="application/json"), 401)


def test_production_refuses_to_start_with_the_rest_channel_open(redis_url, engine, clock):
    settings = make_settings(redis_url, BOT_ENV="production", REST_API_TOKEN="")
    with pytest.raises(SettingsError, match="REST_API_TOKEN is not set.*REST_API_ENABLED=false"):
        create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    locked = make_settings(redis_url, BOT_ENV="production", REST_API_TOKEN=TOKEN)
    client = create_app(locked, parts=build_parts(locked, clock=clock, engine=engine)).test_client()
    _assert_json_error(client.post(WEBHOOK, json={"sender": "s", "message": "hi"}), 401)


def test_the_rest_routes_can_be_switched_off_and_then_need_no_token(redis_url, engine, clock,
                                                                    redis_client):
    settings = make_settings(redis_url, BOT_ENV="production", REST_API_TOKEN="",
                             REST_API_ENABLED="false")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    client = app.test_client()
    _assert_json_error(client.post(WEBHOOK, json={"sender": "s", "message": "hi"}), 404)
    _assert_json_error(client.post("/model/parse", json={"text": "hi"}), 404)
    assert client.get("/healthz").status_code == 200
    # The line itself still answers (signed for the address Twilio calls).
    assert TwilioClient(client, AUTH_TOKEN, PUBLIC_BASE_URL).say("what is nh")


def test_model_parse_needs_a_text(client):
    _assert_json_error(client.post("/model/parse", json={"message": "hi"}), 400)
    _assert_json_error(client.post("/model/parse", json={"text": None}), 400)


def test_a_body_over_64_kib_is_refused_with_413(client):
    big = {"sender": PATIENT, "message": "a" * (64 * 1024)}
    _assert_json_error(client.post(WEBHOOK, json=big), 413)
    _assert_json_error(client.post("/model/parse", json={"text": "a" * (64 * 1024)}), 413)
    assert client.post(WEBHOOK, json={"sender": PATIENT, "message": "hi"}).status_code == 200


def test_a_message_too_long_for_a_conversation_is_a_400(client):
    _assert_json_error(client.post(WEBHOOK, json={"sender": PATIENT, "message": "a" * 6000}), 400)


# -- health ----------------------------------------------------------------------------------------
def test_healthz_is_200_when_redis_and_the_model_are_ready(client, engine):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["model"] == engine.nlu.fingerprint


@pytest.fixture()
def app_without_redis(redis_url, engine, clock, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("REDIS_URL", redis_url)  # build_services points the actions at it
    settings = make_settings("redis://127.0.0.1:1/0")
    return create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))


def test_healthz_is_503_json_when_redis_is_down(app_without_redis):
    response = app_without_redis.test_client().get("/healthz")
    _assert_json_error_or_status(response, 503)
    assert response.get_json()["redis"] == "unavailable"


def _assert_json_error_or_status(response, status: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status and response.is_json
    assert not TRACEBACK.search(response.get_data(as_text=True))


def _failure_texts(response, status: int) -> list[str]:  # type: ignore[no-untyped-def]
    """A failed turn: the status says so, the body is still the channel's list of messages."""
    _assert_json_error_or_status(response, status)
    replies = response.get_json()
    assert isinstance(replies, list) and all(reply["recipient_id"] == PATIENT for reply in replies)
    return [reply["text"] for reply in replies]


def test_with_redis_down_a_message_gets_a_503_with_whom_to_call(app_without_redis, engine):
    client = app_without_redis.test_client()
    texts = _failure_texts(client.post(WEBHOOK, json={"sender": PATIENT, "message": "hi"}), 503)
    assert len(texts) == 1 and said(engine.domain, texts, "utter_error_apology")
    assert SUPPORT_PHONE in texts[0]
    # Parsing needs no Redis.
    parsed = app_without_redis.test_client().post("/model/parse", json={"text": "hi"})
    assert parsed.status_code == 200


def test_with_redis_down_an_emergency_is_told_to_call_911_first(app_without_redis, engine):
    client = app_without_redis.test_client()
    body = {"sender": PATIENT, "message": "my baby is not breathing"}
    texts = _failure_texts(client.post(WEBHOOK, json=body), 503)
    assert said(engine.domain, texts[:1], "utter_emergency_alert_failed") and "911" in texts[0]
    assert said(engine.domain, texts[1:], "utter_error_apology") and SUPPORT_PHONE in texts[1]


# -- no stack traces, anywhere ---------------------------------------------------------------------
def test_an_unexpected_error_is_a_plain_500_without_details(app, services, monkeypatch):
    app.config["TESTING"] = False

    def broken(message):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret detail at /work/main/bot/dialogue/processor.py line 1")

    monkeypatch.setattr(services.processor, "handle_message", broken)
    response = app.test_client().post(WEBHOOK, json={"sender": PATIENT, "message": "hi"})
    assert "secret detail" not in response.get_data(as_text=True)
    assert SUPPORT_PHONE in _failure_texts(response, 500)[0]
    monkeypatch.setattr(services.processor, "parse", broken)
    response = app.test_client().post("/model/parse", json={"text": "hi"})
    _assert_json_error(response, 500)
    assert "secret detail" not in response.get_data(as_text=True)


def test_no_route_answers_with_a_stack_trace(app):
    app.config["TESTING"] = False
    client = app.test_client()
    bodies = [
        {"data": b"{broken", "content_type": "application/json"},
        {"data": b"\x00\xff" * 100, "content_type": "application/octet-stream"},
        {"data": {"Body": "hi", "From": "+1555"}},
        {"json": {"sender": PATIENT, "message": "hi", "text": "hi"}},
    ]
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert any(rule.rule == WEBHOOK for rule in rules)
    for rule in rules:
        path = re.sub(r"<[^>]+>", "x1", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for body in bodies if method != "GET" else [{}]:
                response = client.open(path, method=method, **body)
                text = response.get_data(as_text=True)
                assert response.status_code < 500 or response.is_json, (method, path, text[:300])
                assert not TRACEBACK.search(text), (method, path, text[:300])
    for path in ["/no/such/route", "/webhooks/rest", "/model/parse/extra"]:
        _assert_json_error(client.get(path), 404)
    _assert_json_error(client.get(WEBHOOK), 405)


def test_one_client_address_cannot_flood_the_queue_through_the_rest_channel(redis_url, engine, clock):
    settings = make_settings(redis_url, REST_RATE_LIMIT_PER_MINUTE="5", REDIS_KEY_PREFIX="flood:")
    services = build_parts(settings, clock=clock, engine=engine)
    client = create_app(settings, parts=services).test_client()
    answers = [client.post(WEBHOOK, json={"sender": f"attacker-{n}", "message": "my baby is not breathing"})
               for n in range(8)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    assert answers[-1].get_json()["error"] == "Too Many Requests"
    assert "911" in answers[-1].get_json()["message"]  # refused, but never without 911
    assert len(services.escalations.open_queue()) == 5
    clock.now += 60  # a new minute
    assert client.post(WEBHOOK, json={"sender": "someone", "message": "what is nh"}).status_code == 200


def test_metadata_the_store_cannot_keep_is_dropped_and_the_message_still_answered(client):
    response = client.post(WEBHOOK, json={"sender": PATIENT, "message": "what is nh",
                                          "metadata": {"counter": 2 ** 70, "source": "app"}})
    assert response.status_code == 200
    assert "liver disease" in response.get_json()[-1]["text"]
