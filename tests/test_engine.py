"""The engine's own guarantees, seen from the channels: a shortcut is taken only from our
own buttons and keys, a choice offered with buttons can be picked by its number, and
Redis names conversations and phone numbers by a keyed digest."""

from __future__ import annotations

import hashlib

import pytest

from bot.channels.rest import conversation_sender
from bot.records.keys import Keys
from bot.settings import SettingsError
from tests.chat import said
from tests.conftest import make_settings
from tests.helpers import PATIENT

WEBHOOK = "/webhooks/rest/webhook"


@pytest.mark.parametrize("typed", ["/report_emergency", "/request_specialist", "/affirm",
                                   '/inform{"prescription_number": "1234567"}'])
def test_a_shortcut_typed_into_a_text_opens_nothing_and_pages_nobody(twilio, services, typed):
    twilio.say("hi")
    twilio.say(typed)
    assert services.escalations.open_queue() == []
    events = services.conversations.load(PATIENT).events
    [user] = [e for e in events if e["event"] == "user" and e["text"] == typed]
    assert user["parse_data"]["intent"]["name"] == "nlu_fallback"


def test_a_shortcut_typed_into_the_web_chat_is_read_as_text(app, services):
    client = app.test_client()
    for _ in range(3):
        client.post(WEBHOOK, json={"sender": "web-1", "message": "/report_emergency"})
    # Not understood (twice in a row brings in a person), never an emergency page.
    assert all(e.urgency != "urgent" for e in services.escalations.open_queue())


def test_a_button_the_bot_offered_can_be_clicked_in_the_web_chat(app, services, engine):
    """A web chat sends a button's payload as the message: that one is taken."""
    client = app.test_client()
    client.post(WEBHOOK, json={"sender": "web-2", "message": "hi"})
    services.conversations.append(conversation_sender("web-2"), [{
        "event": "bot", "text": "Would you like a pharmacy specialist to contact you?",
        "data": {"buttons": [{"title": "Yes", "payload": "/request_specialist"},
                             {"title": "No", "payload": "/deny"}]}}])
    replies = client.post(WEBHOOK, json={"sender": "web-2", "message": "/request_specialist"}).get_json()
    texts = [r["text"] for r in replies]
    assert said(engine.domain, texts, "utter_handoff_done") or said(engine.domain, texts, "utter_handoff_done_closed")


def test_a_number_picks_the_button_it_names(twilio, services, engine):
    twilio.say("hi")
    services.conversations.append(PATIENT, [{
        "event": "bot", "text": "Reply 1 for what NH is, 2 for a refill.",
        "data": {"buttons": [{"title": "What NH is", "payload": "/ask_what_is_nh"},
                             {"title": "A refill", "payload": "/request_refill"}]}}])
    assert said(engine.domain, twilio.say("2"), "utter_ask_prescription_number")


def test_a_number_with_no_buttons_offered_is_just_a_number(twilio, services):
    twilio.say("hi")
    twilio.say("2")
    assert services.escalations.open_queue() == [] and services.refills.recent() == []


# -- keyed pseudonyms ---------------------------------------------------------------------
def test_keys_name_a_phone_number_by_a_digest_only_the_key_holder_can_make():
    ours, theirs = Keys("nh:", b"our secret"), Keys("nh:", b"another secret")
    assert ours.conversation(PATIENT) != theirs.conversation(PATIENT)
    assert ours.conversation(PATIENT) == Keys("nh:", b"our secret").conversation(PATIENT)
    # Sweeping the numbering plan with plain SHA-256 finds nothing.
    assert hashlib.sha256(PATIENT.encode()).hexdigest()[:20] != ours.conversation(PATIENT)
    assert PATIENT[-4:] not in ours.conversation(PATIENT) + ours.phone(PATIENT)


def test_production_refuses_to_start_without_a_pseudonym_key(redis_url):
    with pytest.raises(SettingsError, match="PSEUDONYM_KEY"):
        make_settings(redis_url, BOT_ENV="production", PSEUDONYM_KEY="")


def test_no_key_or_value_in_redis_holds_the_patients_number_or_its_last_digits(twilio, services,
                                                                                 redis_client):
    twilio.say("hi")
    twilio.say("STOP")
    twilio.say("START")
    for key in redis_client.scan_iter(match=f"{services.settings.key_prefix}*"):
        assert b"4567" not in key, key
        if redis_client.type(key) == b"hash" and b"consent" in key:
            assert not any(b"4567" in value for value in redis_client.hvals(key)), key


def test_an_opt_out_kept_under_an_older_unkeyed_digest_still_holds(twilio, services, redis_client):
    legacy = services.keys.consent(hashlib.sha256(PATIENT.encode()).hexdigest()[:24])
    redis_client.hset(legacy, mapping={"status": "opted_out", "changed": "1", "source": "keyword",
                                       "phone_masked": "***4567"})
    assert twilio.say("what is nh") == []  # still opted out: nothing is texted back
    assert services.consent.is_opted_out(PATIENT)
    moved = services.keys.consent(services.keys.phone(PATIENT))
    assert not redis_client.exists(legacy) and redis_client.hget(moved, "status") == b"opted_out"
    assert redis_client.hget(moved, "phone_masked") is None  # no digits beside the digest
