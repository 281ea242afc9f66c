"""Which answer a patient's question gets, through the real signed SMS webhook: the safety
rules of nh-facts.md decide as much as the topic does."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import SUPPORT_PHONE
from tests.helpers import urgent_first

LA = ZoneInfo("America/Los_Angeles")


def at(clock, when: str) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime.fromisoformat(when).replace(tzinfo=LA).timestamp()


def reply(twilio, text: str) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(twilio.say(text))


@pytest.mark.parametrize(
    ("text", "expected", "never"),
    [
        # Safety rule 3: never diagnose or rule out NH from what a parent types.
        ("my ferritin came back 900, does my baby have NH?", "can't tell if a baby has NH", "80%"),
        ("the ultrasound showed fluid, does that mean NH again?", "can't tell if a baby has NH", "rare, serious liver"),
        # F11 and F10: the warning signs, not a definition.
        ("what are the warning signs in a newborn", "In a newborn: not breathing", "rare, serious liver"),
        ("what should i watch for after the infusion", "chest pain", "made from donated plasma"),
        # Safety rule 2: never a personal schedule change.
        ("can i delay my infusion a few days for vacation", "talk with your care team before any change",
         "Older protocols"),
        # Safety rule 4 and F4: a new partner does not change the risk; a surrogate is beyond our facts.
        ("do i still need ivig if my new husband is different", "does not lower it", "made from donated plasma"),
        ("would a surrogate carrying our embryo lower the chance", "maternal-fetal medicine specialist",
         "donor sperm"),
        ("is NH the same as hemochromatosis my dad has", "not the inherited", "rare, serious liver"),
        ("How does IVIG work?", "made from donated plasma", "94 of 100"),
    ],
)
def test_questions_get_the_answer_the_safety_rules_call_for(twilio, text, expected, never):
    said = reply(twilio, text)
    assert expected in said
    assert never not in said


def test_a_parent_who_shares_a_loss_is_met_with_sympathy_first(twilio):
    said = reply(twilio, "my daughter passed away from nh last year")
    assert "so sorry for your loss" in said
    assert "I can only help" not in said


def test_the_cause_answer_speaks_to_the_parent_without_blame(twilio):
    said = reply(twilio, "is nh my fault")
    assert "no one is to blame" in said.lower() and "her fault" not in said


@pytest.mark.parametrize("text", ["help me", "i need help", "can you help me"])
def test_a_bare_request_for_help_is_not_paged_as_an_emergency(twilio, services, text):
    said = reply(twilio, text)
    assert "call 911 now" not in said
    assert services.escalations.open_queue() == []
    # The conversation was not handed over: the next question is answered.
    assert "made from donated plasma" in reply(twilio, "what is ivig")


@pytest.mark.parametrize(
    "text",
    [
        "our first baby had NH. the new one is really yellow and not feeding well",
        "i had a baby with nh before. my newborns belly is swollen",
        "Mi bebe no respira",
    ],
)
def test_an_emergency_now_is_caught_even_beside_a_past_loss_or_in_spanish(twilio, services, text):
    said = reply(twilio, text)
    assert urgent_first(said)
    assert services.escalations.open_queue()[0].urgency == "urgent"


@pytest.mark.parametrize("text", ["whats the point of living anymore", "i cant go on without my baby"])
def test_grief_that_sounds_like_giving_up_gets_the_crisis_line(twilio, text):
    assert "988" in reply(twilio, text)


def test_a_cost_question_mid_refill_answers_without_a_competing_yes_or_no(twilio, services):
    reply(twilio, "i need a refill")
    reply(twilio, "1234567")
    said = reply(twilio, "wait how much will this cost me")
    assert "copay programs" in said and "Reply YES or NO" not in said
    assert "date of birth" in said.lower()  # the form asks again for what it still needs
    said = reply(twilio, "03/14/1990")
    assert "R-" in said
    assert len(services.refills.recent()) == 1


def test_a_hand_off_after_hours_says_when_to_expect_the_specialist(twilio, clock):
    at(clock, "2026-11-28 22:00")  # a Saturday night
    said = reply(twilio, "can i talk to a real person")
    # When they open is said plainly (BUSINESS_HOURS): Monday, not "next business day".
    assert "closed now" in said and "when we open, Monday at 8 AM" in said and SUPPORT_PHONE in said
    assert "E-" in said


def test_a_hand_off_in_business_hours_does_not_say_closed(twilio, clock):
    at(clock, "2026-11-24 10:00")  # a Tuesday morning
    said = reply(twilio, "can i talk to a real person")
    assert "will contact you" in said and "closed" not in said


def test_the_specialist_sees_what_the_bot_told_the_patient(twilio, services, clock):
    at(clock, "2026-11-28 22:00")
    reply(twilio, "can i talk to a real person")
    reply(twilio, "is a fever after the infusion a side effect")
    [escalation] = services.escalations.open_queue()
    lines = services.escalations.get(escalation.reference, with_lines=True).transcript
    said = [(line["from"], line["text"]) for line in lines]
    handoff = next(i for i, (who, text) in enumerate(said) if who == "bot" and "closed now" in text)
    # As the patient saw it: their words, then the bot's introduction and the hand-off.
    assert said[0] == ("patient", "can i talk to a real person")
    assert [who for who, _ in said[1:handoff + 1]] == ["bot"] * handoff
    # The bot still answered the question (it is one of fact); the specialist sees the
    # patient's words and the bot's answer after them, marked as the bot's.
    assert said[-2] == ("patient", "is a fever after the infusion a side effect") and said[-1][0] == "bot"
    assert lines[-1].get("kind") == "answered by the bot"


def test_a_possible_dosing_mistake_reaches_a_person_not_the_dosing_facts(twilio, services):
    said = reply(twilio, "I need to talk to someone, I think I gave my daughter the wrong IVIG dose")
    assert "1 g/kg" not in said and "E-" in said
    assert len(services.escalations.open_queue()) == 1


@pytest.mark.parametrize("text", ["I lost my prescription label", "we lost the babys paperwork"])
def test_losing_a_label_is_not_met_with_condolences(twilio, text):
    assert "sorry for your loss" not in reply(twilio, text)


def test_a_specialists_text_that_was_never_sent_does_not_silence_the_acknowledgement(
        twilio, services):

    reply(twilio, "can i talk to a real person")
    [escalation] = services.escalations.open_queue()
    reply_id = services.outbound.queue_staff_reply(services.escalations, escalation=escalation, who="dana",
                                 text="I will call you at 9", opted_out=lambda _: False)
    services.redis.hset(services.keys.escalation(escalation.reference),
                        f"reply:{reply_id}:status", "failed")  # as the worker records a refusal
    assert "your message was added" in reply(twilio, "Hello? Is anyone going to call me?")
