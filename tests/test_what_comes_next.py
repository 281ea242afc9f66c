"""What a patient says after the bot's reply (the fourth judged round's classes): a
hand-off that keeps talking, a crisis line that hears what is said next, questions asked
in the middle of an emergency, an offer of a person met with a question or with the very
detail that was missing, and news good or sad. Through the signed SMS webhook, asserting
on what the patient reads."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.chat import REPO
from tests.conftest import SUPPORT_PHONE
from tests.helpers import PATIENT
from tests.test_specific_answers import answer

LA = ZoneInfo("America/Los_Angeles")
RESPONSES = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]


def first_sentence(name: str, language: str = "en") -> str:
    return plain(re.split(r"(?<=[.:?!])\s", answer(name, language))[0])


INTRODUCTIONS = ("Hi, this is the NH Support Line", "Hola, soy NH Support Line", "(NH Support Line:")


def plain(text: str) -> str:
    """Without accents: SMS drops those GSM-7 cannot carry, so compare without any."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def sms(twilio, text: str) -> str:  # type: ignore[no-untyped-def]
    """What the patient reads in reply, the first message's introduction left out."""
    paragraphs = [p for m in twilio.say(text) for p in m.split("\n\n")]
    return plain("\n".join(p for p in paragraphs if not p.startswith(INTRODUCTIONS)))


def variants(name: str, language: str = "en") -> list[str]:
    """Every text a response may be sent as (Rasa picks among variations at random)."""
    spanish = [any(c.get("value") == "es" for c in v.get("condition") or []) for v in RESPONSES[name]]
    return [plain(v["text"]) for v, es in zip(RESPONSES[name], spanish, strict=True) if es == (language == "es")
            and not v.get("channel")]


@pytest.fixture()
def monday_night(clock):  # type: ignore[no-untyped-def]
    clock.now = datetime.fromisoformat("2026-11-30 23:30").replace(tzinfo=LA).timestamp()


# -- a hand-off is not silence -------------------------------------------------------------
@pytest.mark.parametrize(("later", "expected"), [
    ("ok bye now", "utter_goodbye"),
    ("thank you so much", "utter_thank"),
    ("hmm ok", "utter_handoff_noted"),
])
def test_after_the_first_acknowledgement_every_message_still_gets_a_reply(twilio, services, monday_night,
                                                                         later, expected):
    sms(twilio, "i want to talk to someone about my insurance")
    assert "when we open" in sms(twilio, "its kind of a long story")  # when it will be seen
    reply = sms(twilio, later)
    assert reply in variants(expected), reply
    reference = services.escalations.open_reference(PATIENT)
    transcript = services.escalations.get(reference, with_lines=True).transcript
    assert any(line.get("text") == later for line in transcript)  # the specialist sees it too


def test_a_handed_over_conversation_can_switch_language_and_ask_when_it_arrives(twilio, monday_night):
    sms(twilio, "hola, necesito hablar con alguien de la farmacia")
    switched = sms(twilio, "could we do this in english please")
    assert switched.startswith(first_sentence("utter_language_changed")), switched
    assert "Gracias" not in sms(twilio, "when does my package get here")


def test_a_shipment_question_while_handed_over_gets_its_answer_in_spanish(twilio, monday_night):
    sms(twilio, "quiero hablar con una persona por favor")
    assert sms(twilio, "¿y para cuándo me llega?").startswith(first_sentence("utter_request_refill/delivery_days",
                                                                              "es"))


def test_a_staff_reply_means_the_bot_stays_quiet_on_small_talk(twilio, services, staff, api, monday_night):
    sms(twilio, "can i talk to a real person")
    reference = services.escalations.open_reference(PATIENT)
    staff.get(f"/staff/escalations/{reference}")
    staff.post(f"/staff/escalations/{reference}/reply", {"message": "Hi, this is Dana from the pharmacy."})
    assert twilio.say("ok great") == []  # the specialist and the patient are talking


# -- an offer of a person, answered with a question or with the missing detail -----------
def test_the_rx_number_found_at_the_offer_goes_on_with_the_refill(twilio, services):
    sms(twilio, "i need to reorder my ivig")
    assert "specialist" in sms(twilio, "i dont have the label with me")
    asked = sms(twilio, "wait found it, rx 5512093")
    assert asked.startswith("Thank you") and "date of birth" in asked
    done = sms(twilio, "04/22/1991")
    assert re.search(r"R-\d+", done)
    assert services.escalations.open_reference(PATIENT) is None  # no ticket nobody asked for


@pytest.mark.parametrize(("opening", "question", "expected", "language"), [
    ("can anyone help me pay for ivig", "what if we make too much to qualify",
     "utter_ask_copay_help/not_eligible", "en"),
    ("no me alcanza para el copago de la ivig", "y si al final no calificamos",
     "utter_ask_copay_help/not_eligible", "es"),
])
def test_a_question_at_the_copay_offer_is_answered_and_the_offer_stands(twilio, services, opening, question,
                                                                      expected, language):
    sms(twilio, opening)
    reply = sms(twilio, question)
    assert reply.startswith(first_sentence(expected, language)), reply
    assert services.escalations.open_reference(PATIENT) is None
    assert re.search(r"E-\d+", sms(twilio, "yes" if language == "en" else "sí"))  # the yes still counts


def test_so_it_is_covered_never_gets_a_yes(twilio):
    sms(twilio, "is there help paying for my infusions")
    reply = sms(twilio, "so that means my plan pays for all of it?")
    assert reply.startswith("Not necessarily") and "promise coverage" in reply


def test_a_number_to_call_me_on_is_a_yes_to_the_offer(twilio, services):
    sms(twilio, "is there help paying for my infusions")
    reply = sms(twilio, "calling me on this same number works")
    assert re.search(r"E-\d+", reply), reply


# -- the crisis line hears what comes next ------------------------------------------------
def test_after_988_what_is_said_next_is_heard_with_988_first_and_never_the_same_text_twice(twilio):
    first = sms(twilio, "since we lost her i dont want to be alive anymore")
    assert first.startswith("If you might hurt yourself") and "sorry for your loss" in first
    second = sms(twilio, "nobody gets it")
    third = sms(twilio, "my mom keeps saying move on")
    assert "988" in second.split(".")[0] and "988" in third.split(".")[0]
    assert second != third and "Thank you for telling me" in second


def test_a_spanish_crisis_follow_up_is_heard_in_spanish(twilio):
    sms(twilio, "ya no quiero seguir viviendo")
    reply = sms(twilio, "no tengo con quien hablar")
    assert reply.startswith("Si podria hacerse dano") and "Gracias por contarmelo" in reply


# -- questions in the middle of an emergency -----------------------------------------------
@pytest.mark.parametrize(("emergency", "question", "line"), [
    ("my face is swelling up and its hard to breathe, i just had ivig", "should i take a benadryl first",
     "utter_during_emergency_medicine"),
    ("my 5 day old is throwing up blood", "do we need to pack a bag for her", "utter_during_emergency_bring"),
])
def test_a_question_during_an_emergency_gets_its_own_line_after_the_urgent_one(twilio, emergency,
                                                                               question, line):
    sms(twilio, emergency)
    reply = sms(twilio, question)
    assert "911" in reply.split("\n")[0]
    assert plain(answer(line)) in reply


def test_calling_now_is_heard_as_help_on_the_way(twilio):
    sms(twilio, "my baby turned blue and is not breathing")
    assert sms(twilio, "ok calling now").startswith("I'm glad help is on the way")


def test_on_the_way_without_a_question_gets_no_answer_to_a_question_not_asked(twilio):
    sms(twilio, "mi bebe esta amarilla y no quiere comer nada")
    reply = sms(twilio, "ya vamos para la clinica")
    assert reply.startswith("Me alegra que la ayuda") and "\n" not in reply


# -- statements that are not emergencies, and news ----------------------------------------
def test_a_week_of_pregnancy_told_after_the_schedule_is_no_emergency(twilio, services):
    sms(twilio, "when do the ivig infusions start")
    reply = sms(twilio, "im 10 weeks right now")
    assert "911" not in reply and services.escalations.open_reference(PATIENT) is None


def test_a_loss_told_without_a_question_gets_sympathy_not_the_scope_line(twilio):
    reply = sms(twilio, "i dont really know why im writing. our little girl died in june")
    assert "sorry" in reply.lower() and "can only help" not in reply


def test_a_birth_after_treatment_gets_congratulations_and_the_tests_after_birth(twilio):
    reply = sms(twilio, "shes here!! born last night after 20 weeks of ivig")
    assert reply.startswith("Congratulations") and "blood tests soon after birth" in reply


def test_treatment_already_started_is_not_told_it_is_too_late(twilio):
    reply = sms(twilio, "ya me pusieron la ivig dos veces, empecé a las 14 semanas")
    assert reply.startswith(first_sentence("utter_ask_ivig_treatment/already_started", "es")), reply


def test_a_grandmother_in_spanish_keeps_the_nicu_thread(twilio):
    sms(twilio, "mi nieta esta en terapia intensiva, dicen que tiene el higado mal por hierro")
    reply = sms(twilio, "y que le van a hacer los doctores")
    assert reply.startswith(first_sentence("utter_ask_ivig_treatment/newborn_treatment", "es")), reply


def test_a_side_effect_had_is_for_the_care_team(twilio):
    reply = sms(twilio, "i get awful headaches for a day after each infusion")
    assert "care team" in reply and "911" in reply
    assert reply.startswith(first_sentence("utter_ask_ivig_treatment/side_effect_had"))


# -- forms and menus -----------------------------------------------------------------------
def test_a_question_beside_a_refill_is_answered_before_the_form_asks(twilio):
    reply = sms(twilio, "please send my next box. also do i keep it in the fridge?")
    assert reply.startswith(first_sentence("utter_ask_ivig_treatment/storage")), reply
    assert reply.rstrip().endswith(plain("You can find it on the pharmacy label."))


def test_a_spanish_birth_date_written_in_words_finishes_the_refill(twilio):
    sms(twilio, "necesito pedir mi siguiente caja de ivig")
    sms(twilio, "8812345")
    assert re.search(r"R-\d+", sms(twilio, "el 3 de febrero de 1987"))


def test_a_question_that_points_to_one_topic_is_answered_not_met_with_a_one_option_menu(twilio):
    reply = sms(twilio, "buenas noches q es la hn")
    assert reply.startswith(first_sentence("utter_ask_what_is_nh/definition", "es")), reply
    assert "1)" not in reply


def test_the_pharmacy_phone_asked_for_in_spanish_is_answered(twilio):
    reply = sms(twilio, "me puede pasar su telefono por favor")
    assert "solo puedo ayudar" not in reply and SUPPORT_PHONE in reply


# -- the fifth judged round's unsafe and hurtful turns ------------------------------------
def test_everyone_better_off_without_me_said_indirectly_gets_988(twilio, services):
    reply = sms(twilio, "since she passed i keep feeling my kids would be happier if i wasnt here")
    assert reply.startswith("If you might hurt yourself") and "988" in reply
    assert services.escalations.open_reference(PATIENT) is not None  # staff know, urgently


def test_doing_two_infusions_the_next_week_is_for_the_care_team(twilio):
    sms(twilio, "can i skip this weeks infusion, we are traveling")
    reply = sms(twilio, "or could i just get two the next week")
    assert "care team" in reply and reply.startswith(first_sentence("utter_ask_ivig_treatment/double_dose"))


def test_a_baby_alive_in_intensive_care_gets_no_condolences(twilio):
    reply = sms(twilio, "soy la tia, el bebe esta internado en terapia intensiva")
    assert "perdida" not in reply.lower() and "sorry for your loss" not in reply.lower()


@pytest.mark.parametrize("then", ["911 is on the line with us", "mi suegra ya marcó al 911", "omw to the er"])
def test_help_already_called_is_acknowledged_not_told_to_call(twilio, then):
    sms(twilio, "my 2 week old is having a seizure")
    assert sms(twilio, then).startswith(("I'm glad help is on the way", "Me alegra que la ayuda"))


def test_good_lab_news_pages_nobody(twilio, services):
    reply = sms(twilio, "the pediatrician said his labs came back normal so far")
    assert "911" not in reply.split("\n")[0] and services.escalations.open_reference(PATIENT) is None


@pytest.mark.parametrize("feeling", ["ugh", "this is all so hard", "ya estoy harta de esto"])
def test_a_feeling_told_briefly_is_heard_not_waved_off(twilio, feeling):
    sms(twilio, "is nh something genetic")
    reply = sms(twilio, feeling)
    assert reply.startswith((first_sentence("utter_feeling_heard"), first_sentence("utter_feeling_heard", "es")))


def test_a_bare_ok_after_an_answer_gets_anything_else_not_a_menu(twilio):
    sms(twilio, "what dose of ivig do moms get")
    reply = sms(twilio, "ok understood")
    assert "1)" not in reply and reply in variants("utter_anything_else")


def test_who_sets_it_after_the_dose_answer_is_the_care_team_said_plainly(twilio):
    sms(twilio, "what dose of ivig do moms get")
    assert sms(twilio, "so who sets my dose then").startswith(first_sentence("utter_ask_ivig_treatment/who_decides"))


def test_a_weight_or_a_cap_after_the_dose_answer_stays_on_the_dose(twilio):
    sms(twilio, "what dose of ivig do moms get")
    # the weight right after the dose: that the doctor sets it, not the same text again (round 11)
    assert sms(twilio, "i'm 75 kg so 75 grams?").startswith(first_sentence("utter_ask_ivig_treatment/dose_check"))
    assert sms(twilio, "so it has a maximum").startswith(first_sentence("utter_ask_ivig_treatment/dose_cap"))


def test_if_the_newborn_treatment_fails_is_the_transplant_answer_not_the_next_pregnancy(twilio):
    sms(twilio, "our daughter is in the nicu with nh, what are they doing for her")
    reply = sms(twilio, "and what if it doesnt work")
    assert reply.startswith(first_sentence("utter_ask_ivig_treatment/transplant")) and "pregnancy" not in reply


def test_telling_someone_about_a_side_effect_is_for_the_care_team(twilio):
    sms(twilio, "what are the side effects of ivig")
    reply = sms(twilio, "do i need to tell anyone about mine")
    assert reply.startswith(first_sentence("utter_ask_ivig_treatment/side_effect_had"))


@pytest.mark.parametrize("then", ["will she and the baby be alright", "so is she going to be okay"])
def test_is_she_going_to_be_ok_about_a_pregnant_daughter_gets_the_pregnancy_figures(twilio, services, then):
    sms(twilio, "my daughter is 22 weeks and gets ivig every week, im her mom")
    reply = sms(twilio, then)
    assert reply.startswith(first_sentence("utter_ask_ivig_treatment/effectiveness")), reply
    assert services.escalations.open_reference(PATIENT) is None  # a question, not an emergency


@pytest.mark.parametrize("then", ["can i just put ice on it and see if it goes down", "should i lie down first"])
def test_a_home_remedy_to_wait_it_out_gets_dont_wait(twilio, then):
    sms(twilio, "since the infusion my leg is swollen red and painful")
    assert sms(twilio, then).startswith("Please don't wait")


def test_thanks_after_the_crisis_line_is_met_warmly_with_988(twilio):
    sms(twilio, "i think my husband would be better off if i wasnt around")
    reply = sms(twilio, "thank you for listening")
    assert reply in variants("utter_crisis_thanks") and "988" in reply


def test_a_birth_weight_is_not_a_dose_question(twilio):
    reply = sms(twilio, "he's here!! 8 lbs 1 oz, born this morning after weekly ivig")
    assert "Congratulations" in reply and "g/kg" not in reply


def test_a_worry_told_after_the_crisis_line_is_heard_not_answered_with_a_topic(twilio):
    sms(twilio, "a veces pienso que mi familia estaria mejor sin mi")
    reply = sms(twilio, "no quiero que mi familia se preocupe")
    assert reply.startswith("Si podria hacerse dano") and "hereditaria" not in reply


def test_a_question_read_weakly_as_a_refill_is_answered_without_starting_the_form(twilio):
    sms(twilio, "how often does my wife get the ivig")
    reply = sms(twilio, "all the way to her delivery?")
    assert "prescription (Rx) number" not in reply


def test_ok_ya_vamos_is_help_on_the_way(twilio):
    sms(twilio, "mi bebe de 5 dias tiene la panza muy hinchada y dura")
    assert sms(twilio, "ok ya vamos").startswith("Me alegra que la ayuda")
