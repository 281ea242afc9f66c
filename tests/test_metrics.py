"""Prometheus `/metrics` as an operator scrapes it: turns by channel and intent,
fallbacks, emergencies, escalations, HTTP statuses, Redis errors, the job queue; off in
production unless METRICS_TOKEN is set; no phone number, text or reference anywhere in
it; under gunicorn every worker's counts add up."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from twilio.request_validator import RequestValidator

from bot.app import create_app
from bot.metrics import Metrics
from bot.parts import build_parts
from tests.chat import free_port, gunicorn, server_environment, serving
from tests.conftest import AUTH_TOKEN, make_settings
from tests.helpers import TwilioClient, sms_params
from tests.processes import RedisServer
from tests.sensitive import SENSITIVE

PATIENT_A, PATIENT_B = "+15554700001", "+15554700002"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, by name and labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_scrape_counts_what_patients_did_and_names_none_of_them(twilio, app):
    twilio.say("hi", sender=PATIENT_A)
    twilio.say("what is nh", sender=PATIENT_A)
    twilio.say("my baby is not breathing", sender=PATIENT_B)
    twilio.say("can a pharmacist call me", sender=PATIENT_A)
    twilio.say("maybe iron money", sender=PATIENT_A)

    response = app.test_client().get("/metrics")  # BOT_ENV=test: open without a token
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    text = response.get_data(as_text=True)
    found = samples(text)
    turns = {labels: n for (name, labels), n in found.items() if name == "nh_turns_total"}
    assert sum(turns.values()) == 5
    assert value(found, "nh_turns_total", channel="twilio_sms", intent="ask_what_is_nh") == 1
    assert value(found, "nh_emergencies_total", channel="twilio_sms") == 1
    assert value(found, "nh_fallbacks_total", channel="twilio_sms") == value(
        found, "nh_turns_total", channel="twilio_sms", intent="nlu_fallback")
    # The emergency and the request for a person each opened one.
    assert value(found, "nh_escalations_opened_total") == 2
    assert value(found, "nh_turn_seconds_count", channel="twilio_sms") == 5
    assert value(found, "nh_http_responses_total", endpoint="twilio_sms.webhook", status="200") == 5
    # The two staff pages wait in the queue (no worker runs here).
    assert value(found, "nh_job_queue_depth") == 2
    assert value(found, "nh_job_oldest_age_seconds") >= 0
    assert value(found, "nh_job_workers") == 0 and value(found, "nh_redis_up") == 1

    for private in (PATIENT_A[-10:], PATIENT_B[-7:], "breathing", "pharmacist", "iron"):
        assert private not in text
    assert not re.search(r"\b[ER]-\d+\b", text)


def test_only_intents_of_the_domain_become_labels():
    metrics = Metrics({"greet"})
    metrics.turn("rest", "greet", False, 0.01)
    metrics.turn("rest", "call_me_at_5551234567", False, 0.01)
    metrics.turn("rest", "nlu_fallback", False, 0.01)
    found = samples(metrics.exposition().decode())
    assert value(found, "nh_turns_total", channel="rest", intent="greet") == 1
    assert value(found, "nh_turns_total", channel="rest", intent="other") == 1
    assert value(found, "nh_fallbacks_total", channel="rest") == 1
    assert "5551234567" not in metrics.exposition().decode()


def test_in_production_metrics_are_off_without_a_token_and_need_it_with_one(
        redis_url, engine, clock, redis_client):
    settings = make_settings(redis_url, BOT_ENV="production")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    assert app.test_client().get("/metrics").status_code == 404

    settings = make_settings(redis_url, BOT_ENV="production", METRICS_TOKEN="scrape-me-0123")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-me-0123"})
    assert ok.status_code == 200 and "nh_turns_total" in ok.get_data(as_text=True)


@pytest.fixture()
def own_redis() -> Iterator[RedisServer]:
    folder = Path(tempfile.mkdtemp(prefix="nh-mx-"))
    server = RedisServer(folder)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_redis_errors_are_counted_and_the_scrape_says_redis_is_down(own_redis, engine):
    settings = make_settings(own_redis.url)
    app = create_app(settings, parts=build_parts(settings, engine=engine))
    twilio = TwilioClient(app.test_client(), AUTH_TOKEN)
    assert twilio.say("hi", sender=PATIENT_A)
    own_redis.kill()
    apology = twilio.say("what is nh", sender=PATIENT_A)
    assert any("1-800-555-0100" in text for text in apology)
    web_chat = app.test_client().post("/webhooks/rest/webhook",
                                      json={"sender": "visitor-1", "message": "what is nh"})
    assert web_chat.status_code == 503
    found = samples(app.test_client().get("/metrics").get_data(as_text=True))
    assert value(found, "nh_redis_errors_total", error="ConnectionError") >= 1
    assert value(found, "nh_turn_errors_total", channel="rest", error="ConnectionError") == 1
    five_hundreds = [n for (name, labels), n in found.items()
                     if name == "nh_http_responses_total" and ("status", "503") in labels]
    assert sum(five_hundreds) == 1
    assert value(found, "nh_redis_up") == 0
    assert ("nh_job_queue_depth", ()) not in found  # no figure rather than a wrong one


@pytest.mark.slow
def test_under_gunicorn_every_workers_counts_add_up(tmp_path, redis_url):
    port = free_port()
    env = server_environment(redis_url, "mx:", PUBLIC_BASE_URL="https://support.example.org")
    with serving(gunicorn(port, workers=2), env, tmp_path / "web.log", port, "/healthz") as server:
        validator = RequestValidator(AUTH_TOKEN)
        for n in range(12):
            params = sms_params("what is nh", f"+155547100{n:02d}")
            SENSITIVE.add_request(params)
            signature = validator.compute_signature("https://support.example.org/twilio/sms", params)
            answer = requests.post(server.url + "/twilio/sms", data=params, timeout=10,
                                   headers={"X-Twilio-Signature": signature})
            assert answer.status_code == 200 and "<Message>" in answer.text
        # Whichever worker answers the scrape, it reports all twelve.
        for _ in range(4):
            found = samples(requests.get(server.url + "/metrics", timeout=5).text)
            assert value(found, "nh_turns_total", channel="twilio_sms", intent="ask_what_is_nh") == 12
