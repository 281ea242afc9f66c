"""The escalation's transcript shows the conversation in the order the patient saw it:
their message, then the bot's replies as they were sent (the 911 line first), whether the
turn opened the escalation, joined it, or came before it."""

from __future__ import annotations

from tests.helpers import PATIENT, urgent_first
from tests.voice_caller import VoiceCaller


def lines(services, reference: str | None = None) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    if reference is None:
        [escalation] = services.escalations.open_queue()
        reference = escalation.reference
    found = services.escalations.get(reference, with_lines=True)
    return [(line["from"], line["text"]) for line in found.transcript]


def as_sent(transcript: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The transcript with the bot's lines of a turn packed the way SMS sends them."""
    packed: list[tuple[str, str]] = []
    for who, text in transcript:
        if who == "bot" and packed and packed[-1][0] == "bot":
            packed[-1] = ("bot", f"{packed[-1][1]}\n\n{text}")
        else:
            packed.append((who, text))
    return packed


def test_a_first_text_that_is_an_emergency_comes_before_the_911_reply_and_the_introduction(
        twilio, services):
    replies = twilio.say("my baby is not breathing")
    assert urgent_first(replies[0])
    assert as_sent(lines(services)) == [("patient", "my baby is not breathing"),
                                        ("bot", "\n\n".join(replies))]


def test_earlier_turns_keep_their_order_and_the_introduction_answers_the_first_text(
        twilio, services):
    first = twilio.say("what is nh")
    second = twilio.say("can I talk to a pharmacist")
    assert first[0].startswith("Hi, this is the NH Support Line")
    assert lines(services) == [
        ("patient", "what is nh"), *[("bot", text) for text in first],
        ("patient", "can I talk to a pharmacist"), *[("bot", text) for text in second],
    ]


def test_an_emergency_in_a_handed_over_conversation_goes_after_what_came_before(
        twilio, services):
    twilio.say("can I talk to a pharmacist")
    later = twilio.say("she is turning blue")
    assert urgent_first(later[0])
    assert as_sent(lines(services))[-2:] == [("patient", "she is turning blue"), ("bot", "\n\n".join(later))]


def test_a_self_harm_message_joins_with_the_patients_words_then_the_crisis_line(
        twilio, services):
    twilio.say("can I talk to a pharmacist")
    said = twilio.say("I want to kill myself")
    assert said[0].startswith("If you might hurt yourself, please call or text 988")
    assert as_sent(lines(services))[-2:] == [("patient", "I want to kill myself"), ("bot", "\n\n".join(said))]


def test_on_a_call_the_greeting_heard_when_answered_comes_first(twilio, services):
    caller = VoiceCaller(twilio)
    greeting = caller.start()
    caller.press("4")
    caller.press("1")  # yes: the copay team calls back
    transcript = lines(services)
    assert transcript[0][0] == "bot" and transcript[0][1] in greeting.text
    assert [who for who, _ in transcript].index("patient") > 0
    assert PATIENT not in " ".join(text for _, text in transcript)
