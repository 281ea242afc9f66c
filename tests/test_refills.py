"""Refill requests as staff receive them: one per patient and prescription at a time."""

from __future__ import annotations

import re

from tests.helpers import PATIENT


def _refill(twilio) -> str:  # type: ignore[no-untyped-def]
    twilio.say("i need a refill")
    twilio.say("7654321")
    reply = " ".join(twilio.say("03/14/1990"))
    found = re.search(r"R-\d+", reply)
    assert found, reply
    return found.group()


def test_asking_again_for_the_same_refill_gives_the_same_request(twilio, services):
    first = _refill(twilio)
    second = _refill(twilio)
    assert first == second
    assert [r.reference for r in services.refills.recent()] == [first]


def test_once_processed_a_new_request_is_filed(twilio, services):
    first = _refill(twilio)
    services.refills.mark_processed(first, "pat")
    second = _refill(twilio)
    assert second != first
    assert {r.reference for r in services.refills.recent()} == {first, second}


def test_another_patient_gets_their_own_request(twilio, services):
    first = _refill(twilio)
    twilio.say("i need a refill", sender="+15559870000")
    twilio.say("7654321", sender="+15559870000")
    reply = " ".join(twilio.say("03/14/1990", sender="+15559870000"))
    other = re.search(r"R-\d+", reply)
    assert other and other.group() != first
    phones = {r.phone for r in services.refills.recent()}
    assert phones == {PATIENT, "+15559870000"}
