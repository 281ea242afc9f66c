"""Every text the bot can send, checked: SMS-sized, GSM-7, and none of the source
article's errors (nh-facts.md) or individual medical advice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.clarify import options_text
from actions.topics import INTENT_LABELS, LABELS
from bot.channels.sms.sizing import MAX_MESSAGE, is_gsm7, segments, septets, to_gsm7
from bot.dialogue.responses import fill

DOMAIN = yaml.safe_load((Path(__file__).parent.parent / "domain.yml").read_text())
RESPONSES = [
    (name, index, variation)
    for name, variations in DOMAIN["responses"].items()
    for index, variation in enumerate(variations)
]
# The longest value each placeholder can take.
LONGEST = {
    "support_phone": "1-800-555-0100 ext 1234",
    "refill_reference": "R-1999999",
    "escalation_reference": "E-199999",
    "prescription_digits": "1, 2, 3, 4, 5, 6, 7, 8, 9, 0",
    "birth_date_spoken": "September 30, 1990",
    "next_open": "Wednesday at 10:30 AM",
    "closing_time": "10:30 PM",
    "support_resource": "Share Pregnancy and Infant Loss Support: 1-800-821-6819. ",
    "business_hours": "Monday to Friday, 8 AM to 6 PM, and Saturday, 9 AM to 12 PM (Pacific time)",
}
LONGEST_ES = {**LONGEST, "business_hours": "de lunes a viernes, de 8:00 a 18:00, y sábado, de 9:00 a 12:00 "
                                           "(hora del Pacífico)"}


def longest_options(variation: dict) -> str:
    """A clarifying question's options at their longest: the three longest labels."""
    spanish = in_spanish(variation)
    labels = sorted((pair[1] if spanish else pair[0] for pair in [*LABELS.values(), *INTENT_LABELS.values()]),
                    key=len, reverse=True)[:3]
    return options_text(labels, variation.get("channel") == "twilio_voice", "es" if spanish else "en")
FORBIDDEN = [
    r"\b1\s*mg\s*/\s*kg\b",
    r"third trimester only",
    r"fourth month",
    r"survival increased by 80",
    r"\bprevents?\b",
    r"\bguarantee",
    r"avoids? the need for a (liver )?transplant",
    r"\bskip\b|\bdouble (your|the) dose|\bdelay (your|the)",
    r"\bNH is (a )?genetic\b|\binherited disease\b",
    r"your fault|caused by the mother|something (you|she) did wrong",
    r"new partner (lowers|reduces)|donor sperm (lowers|reduces)|ivf (lowers|reduces)",
]


def in_spanish(variation: dict) -> bool:
    return any(c.get("name") == "language" and c.get("value") == "es" for c in variation.get("condition") or [])


@pytest.mark.parametrize(("name", "index", "variation"), RESPONSES,
                         ids=[f"{n}[{i}]" for n, i, _ in RESPONSES])
def test_every_response_fits_two_gsm7_segments(name, index, variation):
    values = LONGEST_ES if in_spanish(variation) else LONGEST
    text = fill(variation["text"], {**values, "options": longest_options(variation)})
    assert "{" not in text, f"{name}: unknown placeholder in {text!r}"
    if in_spanish(variation):
        # Spanish is written with its accents; a text goes out with those GSM-7 lacks
        # (á í ó ú) as plain letters (bot/channels/sms/sizing.py), so that is measured.
        text = to_gsm7(text)
    assert is_gsm7(text), f"{name}: not GSM-7: {[c for c in text if not is_gsm7(c)]}"
    assert septets(text) <= MAX_MESSAGE and segments(text) <= 2, f"{name}: {septets(text)} septets"


@pytest.mark.parametrize(("name", "index", "variation"), RESPONSES,
                         ids=[f"{n}[{i}]" for n, i, _ in RESPONSES])
def test_no_response_repeats_the_source_articles_errors(name, index, variation):
    text = variation["text"].lower()
    for pattern in FORBIDDEN:
        assert not re.search(pattern, text), f"{name}: {pattern!r} in {text!r}"


def test_study_figures_are_quoted_as_study_figures():
    for name, _, variation in RESPONSES:
        text = variation["text"]
        if re.search(r"\b(94|30) of 100\b|\b12 of 16\b|80% to", text):
            assert re.search(r"stud(y|ies)|estimate", text, re.I), name


def test_dose_answers_leave_the_dose_to_the_care_team():
    dose = " ".join(v["text"] for v in DOMAIN["responses"]["utter_ask_ivig_treatment/dose"])
    assert "1 g/kg" in dose and "care team decides" in dose.lower()


def test_emergency_texts_lead_with_911():
    for name in ("utter_emergency", "utter_emergency_alert_failed", "utter_emergency_general"):
        for variation in DOMAIN["responses"][name]:
            assert variation["text"].startswith(("If this is an emergency, call 911",
                                                 "Si esto es una emergencia, llame al 911"))


def test_every_urgent_line_names_911_or_988_in_its_first_sentence_in_both_languages():
    for name, variations in DOMAIN["responses"].items():
        if not name.startswith("utter_emergency") or name == "utter_emergency_team_alerted":
            continue
        languages = set()
        for variation in variations:
            first = re.split(r"(?<=\.)\s", variation["text"])[0]
            assert "911" in first or "988" in first or "help is on the way" in first \
                or "ayuda ya viene" in first, (name, first)
            languages.add("es" if in_spanish(variation) else "en")
        assert languages == {"en", "es"}, name


def test_refill_texts_say_nothing_about_the_medication():
    for name in ("utter_refill_submitted", "utter_refill_cancelled", "utter_refill_failed",
                 "utter_ask_prescription_number", "utter_ask_date_of_birth"):
        for variation in DOMAIN["responses"][name]:
            assert not re.search(r"ivig|immune globulin|\bNH\b|dose|g/kg", variation["text"], re.I), name
