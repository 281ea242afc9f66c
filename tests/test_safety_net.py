"""The emergency net on its own, and with the classifier: every emergency recognised."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.nlu import safety
from bot.nlu.training_data import load_training_data

HERE = Path(__file__).parent
NET = yaml.safe_load((HERE / "nlu" / "emergency_net.yml").read_text())
HOLDOUT = load_training_data(HERE / "nlu" / "holdout.yml")
HOLDOUT_EMERGENCIES = [e.text for e in HOLDOUT.examples if e.intent == "report_emergency"]
HOLDOUT_OTHERS = [e.text for e in HOLDOUT.examples if e.intent != "report_emergency"]


@pytest.mark.parametrize("text", NET["emergencies"] + HOLDOUT_EMERGENCIES)
def test_the_net_alone_catches_every_emergency(text):
    assert safety.check(text).matched, text


def test_the_net_rarely_alarms_on_questions_memories_and_other_topics():
    false_alarms = [t for t in NET["not_emergencies"] + HOLDOUT_OTHERS if safety.check(t).matched]
    # A false alarm costs one calm "if this is an emergency, call 911" line; keep them rare.
    assert len(false_alarms) <= 3, false_alarms


@pytest.mark.parametrize(
    "text",
    ["my baby isnt breething", "she is having a cease your", "hes turnin blu",
     "i passed out after the infusion", "soaking through pads at 30 weeks"],
)
def test_typos_and_misheard_speech_still_count(text):
    assert safety.check(text).matched


@pytest.mark.parametrize(
    "text",
    ["what are the warning signs in a newborn", "our son stopped breathing in the nicu and passed away",
     "when should i call 911 for my baby", "is bleeding a side effect of ivig", "no emergency",
     "yes please help me", "urgent refill"],
)
def test_general_questions_past_losses_and_yes_are_not_alarms(text):
    assert not safety.check(text).matched


def test_self_harm_is_recognised_as_its_own_kind():
    assert safety.check("i dont want to live anymore without her").group == "self-harm"


def test_through_model_parse_every_emergency_is_report_emergency(app):
    client = app.test_client()
    for text in NET["emergencies"] + HOLDOUT_EMERGENCIES:
        parsed = client.post("/model/parse", json={"text": text}).get_json()
        assert parsed["intent"]["name"] == "report_emergency", text


def test_a_parent_who_might_hurt_themselves_is_given_988_first(twilio):
    reply = twilio.sms("i don't want to live anymore since we lost her")
    assert "988" in reply.messages[0]
    assert any("911" in message for message in reply.messages)
