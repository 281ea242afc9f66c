"""The patient's language in the staff console (issue 14): the queue and the escalation
page name it, and a reply that reads as the other language is held once, to be sent as
typed only when the staff member confirms. Real Redis, signed Twilio webhooks, the real
console routes and login, a real RQ worker and the fake Twilio REST API."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.console_server import (
    outbound_queue,
    run_jobs,
)
from tests.helpers import PATIENT

ASK_IN_SPANISH = "hola, quiero hablar con una persona por favor"
IN_ENGLISH = 'Hi, this is Dana from the pharmacy. I will call you at "3pm" today.'
IN_SPANISH = "Hola, soy Dana de la farmacia. Le llamo hoy a las 3 de la tarde."
HELD = "This reply looks like English; the patient writes in Spanish. Send it anyway?"


def hand_over(twilio, text: str) -> str:  # type: ignore[no-untyped-def]
    replies = " ".join(twilio.say(text))
    match = re.search(r"E-\d+", replies)
    assert match, f"no escalation reference in {replies!r}"
    return match.group(0)


class Forms(HTMLParser):
    """Each form on a page by its id: its action and the values of its fields."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.forms: dict[str, tuple[str, dict[str, str]]] = {}
        self._current: dict[str, str] | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = {}
            self.forms[found.get("id", "")] = (found.get("action", ""), self._current)
        elif tag == "input" and self._current is not None and "name" in found:
            self._current[found["name"]] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def language_cell(page: str, reference: str) -> str:
    """The Language cell of the queue's row for this escalation."""
    row = re.search(rf'<tr[^>]*>\s*<th scope="row"[^>]*><a href="[^"]*">{reference}</a>.*?</tr>',
                    page, re.S)
    assert row, f"{reference} is not in the queue"
    cell = re.search(r'<td data-label="Language">(.*?)</td>', row.group(0), re.S)
    assert cell, "the row has no Language cell"
    return cell.group(1)


def staff_lines(services, reference: str) -> list[str]:  # type: ignore[no-untyped-def]
    transcript = services.escalations.get(reference, with_lines=True).transcript
    return [line["text"] for line in transcript if line.get("from") == "staff"]


def audit_actions(services, reference: str) -> list[str]:  # type: ignore[no-untyped-def]
    entries, _ = services.audit.page(None, target=reference)
    return [entry.action for entry in entries]


# -- what staff see ------------------------------------------------------------------------
def test_a_spanish_conversation_shows_spanish_in_the_queue_and_on_its_page(staff, twilio):
    reference = hand_over(twilio, ASK_IN_SPANISH)
    queue = staff.get("/staff/").get_data(as_text=True)
    assert '<th scope="col">Language</th>' in queue
    assert language_cell(queue, reference) == '<span class="badge lang-es">Spanish</span>'
    [row] = staff.get("/staff/queue.json").get_json()["escalations"]
    assert (row["reference"], row["language"], row["language_name"]) == (reference, "es", "Spanish")

    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert ("<dt>Patient's language</dt><dd><span class=\"badge lang-es\" id=\"language-badge\">"
            "Spanish</span></dd>") in page
    assert '<p class="hint writes-in" id="language-hint">The patient writes in Spanish.</p>' in page
    assert re.search(r'<textarea id="message"[^>]*aria-describedby="[^"]*language-hint', page)


def test_an_english_conversation_says_english_and_no_reminder(staff, twilio):
    reference = hand_over(twilio, "can I talk to a pharmacist")
    assert language_cell(staff.get("/staff/").get_data(as_text=True), reference) == \
        '<span class="badge lang-en">English</span>'
    page = staff.get(f"/staff/escalations/{reference}").get_data(as_text=True)
    assert 'id="language-badge">English</span>' in page
    assert '<p class="hint writes-in" id="language-hint"></p>' in page  # empty: not shown
    assert "The patient writes in" not in page


def test_a_spanish_emergency_by_text_opens_a_spanish_escalation(staff, twilio, services):
    twilio.say("mi bebe no respira")
    [escalation] = services.escalations.open_queue()
    assert escalation.is_urgent and escalation.language == "es"
    page = staff.get(f"/staff/escalations/{escalation.reference}").get_data(as_text=True)
    assert 'id="language-badge">Spanish</span>' in page


def test_a_record_from_before_languages_were_kept_shows_english(staff, services, redis_client,
                                                                  settings):
    reference = services.escalations.open(sender_id=PATIENT, phone=PATIENT, channel="twilio_sms",
                                          reason="patient asked for a person",
                                          language="es").reference
    key = services.keys.escalation(reference)
    assert redis_client.hdel(key, "language") == 1  # as an escalation stored before issue 14
    [row] = staff.get("/staff/queue.json").get_json()["escalations"]
    assert (row["language"], row["language_name"]) == ("en", "English")
    assert language_cell(staff.get("/staff/").get_data(as_text=True), reference) == \
        '<span class="badge lang-en">English</span>'
    assert 'id="language-badge">English</span>' in staff.get(
        f"/staff/escalations/{reference}").get_data(as_text=True)


def test_the_record_follows_a_patient_who_switches_to_spanish(staff, twilio, services):
    reference = hand_over(twilio, "can I talk to a pharmacist")
    staff.get(f"/staff/escalations/{reference}")
    seen = staff.get(f"/staff/escalations/{reference}/updates.json").get_json()["seen"]
    twilio.say("hola, necesito hablar con alguien de la farmacia por favor")

    update = staff.get(f"/staff/escalations/{reference}/updates.json?seen={seen}").get_json()
    assert (update["language"], update["language_name"]) == ("es", "Spanish")
    assert update["writes_in"] == "The patient writes in Spanish."  # the open page updates itself
    [row] = staff.get("/staff/queue.json").get_json()["escalations"]
    assert row["language"] == "es"
    history = services.escalations.get(reference, with_lines=True).history
    assert [h["note"] for h in history if h["action"] == "language"] == [
        "the patient now writes in Spanish"]

    # One ambiguous word does not flip it back, and an unchanged language adds no history.
    twilio.say("ok")
    escalation = services.escalations.get(reference, with_lines=True)
    assert escalation.language == "es"
    assert [h["action"] for h in escalation.history].count("language") == 1


# -- replying in the other language ----------------------------------------------------------
def test_an_english_reply_to_a_spanish_patient_is_held_then_sent_as_typed_once_confirmed(
        staff, twilio, services, redis_client, settings, api):
    reference = hand_over(twilio, ASK_IN_SPANISH)
    run_jobs(redis_client, settings)  # the staff notifications
    api.sent.clear()
    staff.get(f"/staff/escalations/{reference}")

    held = staff.post(f"/staff/escalations/{reference}/reply", {"message": IN_ENGLISH})
    page = held.get_data(as_text=True)
    assert held.status_code == 200
    assert f"<strong>{HELD}</strong> Nothing was sent." in page
    assert '<div class="warning confirm" role="alert" id="language-warning">' in page
    assert "<title>Not sent yet: " in page
    assert "I will call you at &#34;3pm&#34; today.</textarea>" in page  # the draft, to change
    assert len(outbound_queue(redis_client, settings)) == 0
    assert staff_lines(services, reference) == []
    run_jobs(redis_client, settings)
    assert api.sent == []

    # The warning's own button sends exactly what was typed.
    action, fields = Forms(page).forms["send-anyway"]
    assert action == f"/staff/escalations/{reference}/reply"
    assert fields["message"] == IN_ENGLISH and fields["send_anyway"] == "1"
    sent = staff.post(action, fields, token=False)  # the form carries its own CSRF token
    assert "on its way" in staff.follow(sent).get_data(as_text=True)
    run_jobs(redis_client, settings)
    assert api.bodies_to(PATIENT) == [IN_ENGLISH]
    assert staff_lines(services, reference) == [IN_ENGLISH]
    actions = audit_actions(services, reference)
    assert actions.count("reply held (language)") == 1 and actions.count("replied by SMS") == 1
    assert actions.index("replied by SMS") < actions.index("reply held (language)")  # newest first


def test_confirming_still_needs_the_forms_csrf_token(staff, twilio, services, redis_client,
                                                      settings, api):
    reference = hand_over(twilio, ASK_IN_SPANISH)
    staff.get(f"/staff/escalations/{reference}")
    page = staff.post(f"/staff/escalations/{reference}/reply", {"message": IN_ENGLISH})
    _, fields = Forms(page.get_data(as_text=True)).forms["send-anyway"]
    del fields["csrf_token"]
    refused = staff.post(f"/staff/escalations/{reference}/reply", fields, token=False)
    assert refused.status_code == 400 and "Nothing was changed." in refused.get_data(as_text=True)
    assert staff_lines(services, reference) == []


@pytest.mark.parametrize("message", [IN_SPANISH, "ok", "3pm", "Dana"])
def test_a_reply_in_the_patients_language_or_that_cannot_be_told_goes_at_once(
        staff, twilio, services, redis_client, settings, api, message):
    reference = hand_over(twilio, ASK_IN_SPANISH)
    run_jobs(redis_client, settings)
    api.sent.clear()
    staff.get(f"/staff/escalations/{reference}")
    response = staff.post(f"/staff/escalations/{reference}/reply", {"message": message})
    assert "on its way" in staff.follow(response).get_data(as_text=True)
    run_jobs(redis_client, settings)
    assert api.bodies_to(PATIENT) == [message]
    assert "reply held (language)" not in audit_actions(services, reference)


def test_a_spanish_reply_to_an_english_patient_is_held_too(staff, twilio, services):
    reference = hand_over(twilio, "can I talk to a pharmacist")
    staff.get(f"/staff/escalations/{reference}")
    page = staff.post(f"/staff/escalations/{reference}/reply",
                      {"message": IN_SPANISH}).get_data(as_text=True)
    assert ("This reply looks like Spanish; the patient writes in English. Send it anyway?"
            in page)
    assert staff_lines(services, reference) == []


def test_a_reply_that_cannot_be_sent_is_refused_before_any_language_warning(staff, twilio):
    reference = hand_over(twilio, ASK_IN_SPANISH)
    staff.get(f"/staff/escalations/{reference}")
    response = staff.post(f"/staff/escalations/{reference}/reply",
                          {"message": "Hi, this is Dana. I will call you \U0001F600"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "cannot be sent by text" in page and "looks like English" not in page
