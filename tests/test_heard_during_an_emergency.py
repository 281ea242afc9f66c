"""What a parent says while help is coming, and after the 988 line, is heard: through the
signed SMS webhook, asserting on what the patient reads and what staff are sent."""

from __future__ import annotations

import pytest

from tests.test_what_comes_next import first_sentence, sms


@pytest.mark.parametrize("then", [
    "ok dialing",
    "ok my husband is calling them",
    "theyre here",
    "walking out the door now",
    "ya estoy marcando",
    "ya llegamos al hospital",
])
def test_help_already_called_is_met_with_glad_not_call_911_again(twilio, then):
    sms(twilio, "my 3 day old wont wake up to eat and shes limp")
    said = sms(twilio, then)
    assert said.startswith(first_sentence("utter_emergency_help_coming")) or said.startswith(
        first_sentence("utter_emergency_help_coming", "es")), said


def test_a_question_while_waiting_for_the_ambulance_is_not_told_to_stop_waiting(twilio):
    sms(twilio, "my newborn is bleeding from his belly button and it wont stop, 911 is coming")
    said = sms(twilio, "should i keep holding the gauze on it while we wait")
    assert said.startswith(first_sentence("utter_emergency_help_coming"))
    assert "don't wait" not in said.lower()


@pytest.mark.parametrize(("then", "line"), [
    ("can we just go to the urgent care down the street", "utter_during_emergency_er"),
    ("it eased off after they stopped the drip, do i still need to call", "utter_during_emergency_still_call"),
    ("can they finish the bag once im better", "utter_during_emergency_infusion"),
])
def test_a_question_during_an_infusion_reaction_gets_its_own_line_after_the_urgent_one(twilio, then, line):
    sms(twilio, "halfway through my ivig my lips are swelling and my chest hurts")
    said = sms(twilio, then)
    assert "911" in said.split("\n")[0]
    assert first_sentence(line) in said, said


def test_a_thank_you_in_an_emergency_gets_the_reminder_alone(twilio):
    sms(twilio, "tengo 29 semanas y estoy sangrando mucho")
    sms(twilio, "le digo a los doctores lo de mi primer bebe?")
    said = sms(twilio, "gracias, ahi le aviso")
    assert said.startswith("Si esto sigue pasando") and "cuenteles" not in said.lower()


def test_waiting_until_tomorrow_in_spanish_with_accents_is_told_not_to_wait(twilio):
    sms(twilio, "se me hinchó la pantorrilla y está roja y caliente después del suero")
    said = sms(twilio, "mañana tengo cita con mi doctora, ¿aguanto hasta entonces?")
    assert said.startswith("Por favor, no espere")


# -- after the 988 line ----------------------------------------------------------------------
@pytest.mark.parametrize(("then", "line", "language"), [
    ("is it ok to text them instead of calling", "utter_crisis_text_ok", "en"),
    ("i called, im talking to them now", "utter_crisis_glad_reached", "en"),
    ("and the copay stuff, can we do that another day", "utter_crisis_later", "en"),
    ("no tengo credito en el telefono", "utter_crisis_no_credit", "es"),
    ("mi hermana viene para aca", "utter_crisis_glad_reached", "es"),
])
def test_what_is_said_after_the_crisis_line_is_heard_with_988_still_there(twilio, then, line, language):
    first = "i just want to go be with my son, i cant do this anymore" if language == "en" else (
        "ya no quiero vivir, quiero estar con mi angelito")
    assert "988" in sms(twilio, first)
    said = sms(twilio, then)
    assert said.startswith(first_sentence(line, language)) and "988" in said + sms(twilio, "ok")


def test_a_wait_in_a_crisis_is_still_told_not_to_wait(twilio):
    sms(twilio, "no quiero seguir viviendo")
    assert sms(twilio, "mejor espero a mi cita del lunes").startswith("Por favor, no espere")


# -- a false alarm and what follows it ---------------------------------------------------------
def test_bruised_arms_from_weekly_sticks_page_nobody_and_the_questions_after_are_answered(twilio, services):
    said = sms(twilio, "so tired of the needle sticks every week, both my arms are bruised")
    assert "alerted" not in said and services.escalations.open_queue() == []  # nobody paged
    assert first_sentence("utter_ask_ivig_treatment/side_effect_had") in said
    assert "care team" in sms(twilio, "could i just quit at 33")
    assert sms(twilio, "sorry for the rant").startswith(first_sentence("utter_venting_ok"))


def test_a_closing_remark_after_an_answer_is_not_met_with_a_new_answer(twilio):
    sms(twilio, "what dose do they give")
    said = sms(twilio, "ok ill just go with what my doctor says then")
    assert said.startswith("Is there anything else")


def test_severe_pain_said_strongly_in_spanish_is_the_plain_911_line_and_a_ride_is_help_coming(twilio):
    first = sms(twilio, "tengo un dolor fuertisimo en el vientre y tengo 31 semanas")
    assert first.startswith("Llame al 911 ahora")
    assert sms(twilio, "mi mama me va a llevar al hospital").startswith(
        first_sentence("utter_emergency_help_coming", "es"))


def test_thanks_after_the_crisis_line_gets_the_warm_988_reply(twilio):
    sms(twilio, "ya no quiero seguir viviendo")
    assert sms(twilio, "gracias por escucharme").startswith(first_sentence("utter_crisis_thanks", "es"))


def test_opening_hours_asked_in_spanish_with_another_matter_get_the_hours(twilio):
    said = sms(twilio, "a que hora abren el lunes? tengo una duda de mi pedido")
    assert said.startswith("Nuestros especialistas atienden")


# -- round 7: a question inside an emergency, and a grief said without the words -----------
@pytest.mark.parametrize("then", [
    "my sister says let him sleep it off, is that ok",
    "its probably just nerves right",
])
def test_letting_a_baby_sleep_or_calling_it_nerves_is_told_not_to_wait(twilio, then):
    sms(twilio, "my 6 day old is so floppy and we cant wake him")
    said = sms(twilio, then)
    assert said.startswith(first_sentence("utter_emergency_dont_wait_newborn")), said


def test_calling_the_nurse_as_well_gets_911_first_in_the_words_of_the_baby(twilio):
    sms(twilio, "my 6 day old is so floppy and we cant wake him")
    said = sms(twilio, "should i ring his doctor too or just 911")
    assert said.startswith(first_sentence("utter_emergency_dont_wait_newborn")), said
    assert first_sentence("utter_during_emergency_911_first") in said


@pytest.mark.parametrize(("then", "line"), [
    ("the paramedics want to know her history, what should i say", "utter_during_emergency_tell_history"),
    ("and my ivig on friday?", "utter_during_emergency_infusion"),
])
def test_what_to_tell_them_and_the_next_infusion_are_answered_after_the_urgent_line(twilio, then, line):
    sms(twilio, "my throat is closing up since the infusion started")
    said = sms(twilio, then)
    assert "911" in said.split("\n")[0]
    assert first_sentence(line) in said, said


def test_a_mother_who_says_she_is_not_needed_anymore_gets_988_in_spanish(twilio):
    said = sms(twilio, "siento que ya terminé mi parte aquí, nadie me necesita")
    assert "988" in said.split("\n")[0] and "oprima 2" in said


def test_a_grandmother_asking_how_to_help_her_daughter_is_not_paged_as_an_emergency(twilio):
    said = sms(twilio, "how can i help my daughter, she lost her baby last month")
    assert "911" not in said.split("\n")[0]
