"""The Rasa-compatible HTTP API and how every route fails: JSON errors, never a stack trace."""

from __future__ import annotations

import re

import pytest

from bot.app import build_services, create_app
from tests.conftest import make_settings
from tests.helpers import PATIENT

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


def test_a_repeated_message_id_is_answered_once(client):
    body = {"sender": PATIENT, "message": "what is nh", "message_id": "m-1"}
    assert client.post(WEBHOOK, json=body).get_json()
    assert client.post(WEBHOOK, json=body).get_json() == []


@pytest.mark.parametrize("body", [
    b"{not json",
    b'{"sender": "+1555", "message": "hi"',
    b"\xff\xfe",
])
def test_malformed_json_is_a_400_json_error(client, body):
    response = client.post(WEBHOOK, data=body, content_type="application/json")
    _assert_json_error(response, 400)
    _assert_json_error(client.post("/model/parse", data=body, content_type="application/json"), 400)


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
    return create_app(settings, services=build_services(settings, clock=clock, engine=engine))


def test_healthz_is_503_json_when_redis_is_down(app_without_redis):
    response = app_without_redis.test_client().get("/healthz")
    _assert_json_error_or_status(response, 503)
    assert response.get_json()["redis"] == "unavailable"


def _assert_json_error_or_status(response, status: int) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status and response.is_json
    assert not TRACEBACK.search(response.get_data(as_text=True))


def test_with_redis_down_a_message_gets_a_503_json_error(app_without_redis):
    client = app_without_redis.test_client()
    response = client.post(WEBHOOK, json={"sender": PATIENT, "message": "hi"})
    _assert_json_error(response, 503)
    # Parsing needs no Redis.
    parsed = app_without_redis.test_client().post("/model/parse", json={"text": "hi"})
    assert parsed.status_code == 200


# -- no stack traces, anywhere ---------------------------------------------------------------------
def test_an_unexpected_error_is_a_plain_500_without_details(app, services, monkeypatch):
    app.config["TESTING"] = False

    def broken(message):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret detail at /work/main/bot/dialogue/processor.py line 1")

    monkeypatch.setattr(services.processor, "handle_message", broken)
    response = app.test_client().post(WEBHOOK, json={"sender": PATIENT, "message": "hi"})
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
