"""Each class of question issue 13 found answered by topic and not by question, asked as
a parent would, through the signed SMS webhook, a phone call and the web chat; the
assertions are on what the patient reads or hears."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from actions.topics import INTENT_LABELS, LABELS
from bot.app import create_app
from bot.parts import build_parts
from tests.chat import REPO
from tests.conftest import AUTH_TOKEN, SUPPORT_PHONE, make_settings
from tests.helpers import TwilioClient
from tests.voice_caller import VoiceCaller

LA = ZoneInfo("America/Los_Angeles")
WEBHOOK = "/webhooks/rest/webhook"
RESPONSES = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]


def answer(name: str, language: str = "en") -> str:
    """A response's plain text in a language (its SMS/web variation)."""
    for variation in RESPONSES[name]:
        spanish = any(c.get("value") == "es" for c in variation.get("condition") or [])
        if not variation.get("channel") and spanish == (language == "es"):
            return str(variation["text"])
    raise LookupError(name)


def start_of(name: str) -> str:
    """The first sentence of an answer: enough to know which one was sent."""
    return re.split(r"(?<=[.:?])\s", answer(name))[0]


def sms(twilio, text: str) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(twilio.say(text))


@pytest.fixture()
def open_hours(clock):  # type: ignore[no-untyped-def]
    clock.now = datetime.fromisoformat("2026-11-24 10:00").replace(tzinfo=LA).timestamp()  # a Tuesday


# -- questions with an answer of their own ----------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("how many hours does one infusion last", "utter_ask_ivig_treatment/infusion_length"),
    ("what does the I and V in IVIG mean", "utter_ask_ivig_treatment/name"),
    ("could a nurse give the infusions at my house instead of the clinic", "utter_ask_ivig_treatment/home_or_clinic"),
    ("what side effects could I get from the ivig", "utter_ask_ivig_treatment/side_effects"),
    ("is it safe for my unborn baby if I get ivig", "utter_ask_ivig_treatment/safe_for_baby"),
    ("which signs in my pregnancy mean I need help right away", "utter_ask_what_is_nh/warning_signs_pregnancy"),
    ("how do doctors find out a baby has NH", "utter_ask_what_is_nh/diagnosis"),
    ("just found out im pregnant again, what should i do first", "utter_ask_recurrence_risk/next_steps"),
    ("our son is very sick with nh, do babies like him survive", "utter_ask_ivig_treatment/newborn_outcome"),
])
def test_a_question_with_its_own_answer_gets_that_answer_by_text(twilio, text, expected):
    assert start_of(expected) in sms(twilio, text)


def test_the_web_chat_answers_what_was_asked_too(app):
    client = app.test_client()
    replies = client.post(WEBHOOK, json={"sender": "web-13", "message": "how long is an ivig infusion"}).get_json()
    assert start_of("utter_ask_ivig_treatment/infusion_length") in " ".join(r["text"] for r in replies)


def test_a_caller_asking_aloud_hears_the_answer_to_the_question(twilio, open_hours):
    caller = VoiceCaller(twilio)
    caller.start()
    heard = caller.say("what are the side effects of IVIG")
    assert start_of("utter_ask_ivig_treatment/side_effects") in heard.text


# -- follow-ups keep the thread -----------------------------------------------------------
def test_follow_ups_about_the_chance_stay_on_the_chance(twilio):
    assert start_of("utter_ask_recurrence_risk/chance") in sms(twilio, "will it happen to our next baby")
    assert start_of("utter_ask_recurrence_risk/each_pregnancy") in sms(twilio, "and a third one?")
    assert start_of("utter_ask_recurrence_risk/with_treatment") in sms(twilio, "is that with or without treatment?")


@pytest.mark.parametrize("then", ["so no guarantee", "so it's not a sure thing"])
def test_a_no_that_asks_something_is_answered_not_said_goodbye_to(twilio, then):
    sms(twilio, "will it happen to our next baby")
    said = sms(twilio, then)
    assert "does not remove it" in said and "Goodbye" not in said


def test_a_plain_no_after_an_answer_still_says_goodbye(twilio):
    sms(twilio, "will it happen to our next baby")
    assert "reach out again" in sms(twilio, "no thanks, that's all")


@pytest.mark.parametrize(("first", "then", "cause"), [
    ("will it happen to our next baby", "how come", "GALD"),
    ("will it happen to our next baby", "but why?", "GALD"),
    ("va a volver a pasar en mi siguiente embarazo", "y eso por que?", "GALD"),
])
def test_why_after_the_chance_is_the_cause(twilio, first, then, cause):
    sms(twilio, first)
    said = sms(twilio, then)
    assert cause in said and ("antibodies" in said or "anticuerpos" in said)


def test_how_long_for_after_an_answer_is_not_waved_off_as_out_of_scope(twilio):
    sms(twilio, "how long does the infusion take")
    said = sms(twilio, "how long for?")
    assert answer("utter_out_of_scope/other") not in said


def test_a_follow_up_about_infusions_is_read_as_about_infusions(twilio):
    sms(twilio, "how long does the infusion take")
    assert start_of("utter_ask_ivig_treatment/schedule") in sms(twilio, "how often are they?")


def test_so_it_prevents_it_gets_lowers_not_removes(twilio):
    sms(twilio, "what is ivig for")
    said = sms(twilio, "so it prevents it?")
    assert "does not remove it" in said and "prevents" not in said.replace("so it prevents it?", "")


@pytest.mark.parametrize(("first", "then"), [
    ("can we push my infusion back a week for a family trip", "who decides that?"),
    ("i missed my ivig appointment yesterday", "ok and who decides"),
    ("puedo mover mi infusion a otro dia porque vamos de viaje", "y quien decide eso"),
])
def test_who_decides_after_a_care_team_answer_gets_the_care_team_again_not_small_talk(twilio, first, then):
    sms(twilio, first)
    said = sms(twilio, then)
    assert re.search(r"care team decides|equipo m[eé]dico decide", said), said
    assert "automated assistant" not in said and "Goodbye" not in said and "algo m" not in said


def test_is_there_a_max_after_the_dose_is_about_the_dose_not_whether_this_is_a_bot(twilio):
    sms(twilio, "how much ivig do they give the mom each time")
    said = sms(twilio, "is there a max")
    assert "automated assistant" not in said
    assert "IVIG dose" in said or "maximum per dose" in said


def test_who_do_i_see_in_spanish_after_the_partner_answer_is_the_specialist_not_the_bot(twilio):
    sms(twilio, "mi esposo nuevo no es el papa de mi primer bebe, cambia el riesgo?")
    said = sms(twilio, "y con quien me atiendo")
    assert "asistente automatico" not in said and "materno-fetal" in said


def test_a_bare_how_often_stays_on_the_schedule_though_it_reads_as_a_price(twilio):
    # "cada cuanto" alone reads as "how much" (a price) to the classifier, quite sure.
    schedule = "En los protocolos publicados, la madre recibe IVIG a las 14 y 16 semanas"
    assert schedule in answer("utter_ask_ivig_treatment/schedule", "es")
    assert schedule in sms(twilio, "cuando me empiezan a poner el ivig en el embarazo")
    assert sms(twilio, "y cada cuanto?").startswith(schedule)
    assert "copago" in sms(twilio, "y cuanto cuesta")  # a subject of its own: a new question


def test_a_short_question_stem_after_an_answer_stays_on_that_answer(twilio):
    sms(twilio, "how often will i have the infusions while pregnant")
    said = sms(twilio, "until when?")
    assert "until delivery" in said


def test_a_real_goodbye_and_a_real_are_you_a_bot_after_an_answer_are_still_small_talk(twilio):
    sms(twilio, "how often will i have the infusions while pregnant")
    assert start_of("utter_bot_challenge") in sms(twilio, "wait are you a real person")
    assert "care team decides" not in sms(twilio, "ok thats all, bye")


def test_a_follow_up_that_fits_two_answers_is_asked_about_with_numbered_options(twilio):
    sms(twilio, "what is the chance it comes back")
    said = sms(twilio, "and then?")
    assert "which of these do you mean?" in said and "1) " in said and "2) " in said
    assert answer("utter_anything_else") not in said
    # Picking an option by its number answers it.
    options = dict(re.findall(r"(\d)\) (.+?\?)", said))
    picked = next(n for n, label in options.items() if label == LABELS["ask_recurrence_risk/each_pregnancy"][0])
    assert start_of("utter_ask_recurrence_risk/each_pregnancy") in sms(twilio, picked)


def test_a_short_and_what_about_her_is_a_follow_up_not_an_emergency(twilio, services):
    sms(twilio, "what is ivig")
    said = sms(twilio, "and my wife?")
    assert "Call 911 now" not in said and services.escalations.open_queue() == []


def test_a_caller_follow_up_stays_on_the_topic(twilio, open_hours):
    caller = VoiceCaller(twilio)
    caller.start()
    caller.say("what is the chance it comes back in another pregnancy")
    heard = caller.say("and a third one")
    assert start_of("utter_ask_recurrence_risk/each_pregnancy") in heard.text


# -- "your care team decides" --------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "can i skip next weeks infusion, we are going away",
    "is it ok to push my infusion back a few days",
    "can i move my thursday infusion to the weekend",
])
def test_a_change_to_an_infusion_is_for_the_care_team(twilio, text):
    said = sms(twilio, text)
    assert "talk with your care team before any change" in said
    assert answer("utter_offer_copay_team") not in said and "prescription (Rx) number" not in said


@pytest.mark.parametrize("text", [
    "can i take tylenol for the headache i get after my infusion",
    "is advil ok to take with ivig while pregnant",
])
def test_another_medicine_is_for_the_care_team_or_pharmacist(twilio, text):
    said = sms(twilio, text)
    assert start_of("utter_other_medicines") in said
    assert start_of("utter_ask_ivig_treatment/side_effects") not in said


def test_another_medicine_asked_in_spanish_gets_the_spanish_answer(twilio):
    said = sms(twilio, "puedo tomar tylenol con la ivig? me duele la cabeza despues")
    assert "pregunte a su equipo m" in said


@pytest.mark.parametrize("text", ["y puedo tomar advil?", "can i just take an aspirin"])
def test_a_medicine_asked_about_without_a_topic_is_for_the_care_team_not_out_of_scope(twilio, text):
    said = sms(twilio, text)
    assert "can only help" not in said and "solo puedo ayudar" not in said
    assert "care team" in said or "equipo m" in said


def test_a_missed_dose_gets_call_your_care_team(twilio):
    assert "call your care team soon about the missed infusion" in sms(twilio, "i missed my infusion yesterday")


def test_a_late_start_gets_the_general_protocol_and_the_care_team(twilio):
    said = sms(twilio, "I'm 13 weeks already, am I too late to begin ivig?")
    assert "care team" in said and "14 weeks" in said and answer("utter_offer_copay_team") not in said


def test_a_dose_in_milligrams_is_said_plainly_to_be_wrong(twilio):
    said = sms(twilio, "my paper says 1 mg per kg, is that right?")
    assert "grams per kilogram" in said and "milligrams (mg) is wrong" in said


# -- the facts for the situation ---------------------------------------------------------
def test_nicu_parents_get_the_newborn_figures_not_the_pregnancy_ones(twilio):
    said = sms(twilio, "our baby girl is in the nicu with nh, what are her odds")
    assert "12 of 16 babies" in said and "80% to over 90%" not in said


def test_a_relative_hears_that_the_risk_follows_the_mother(twilio):
    said = sms(twilio, "my sister lost a baby to nh, should i worry about my own kids")
    assert "follows the mother who had the affected pregnancy" in said
    assert "not the inherited hemochromatosis" in said and "80%" not in said


def test_does_ivig_prevent_it_gets_lowers_the_risk(twilio):
    said = sms(twilio, "will ivig stop nh from happening")
    assert "does not remove it" in said


def test_lab_values_get_no_diagnosis_but_a_way_forward(twilio, services):
    said = sms(twilio, "her bilirubin is 14 and ferritin 1200, does she have nh?")
    assert "can't tell if a baby has NH" in said
    assert "blood tests soon after birth" in said  # F8
    assert "Call 911" in said  # the warning signs
    assert "pharmacy specialist to contact you" in said  # a person
    assert re.search(r"E-\d+", sms(twilio, "yes"))
    assert services.escalations.open_queue()


# -- forms take only what is theirs ----------------------------------------------------------
def test_a_number_out_of_the_blue_is_asked_about_not_taken_for_a_refill(twilio, services):
    said = sms(twilio, "4471203")
    assert "What do you need it for?" in said and "prescription (Rx) number" not in said
    assert services.refills.recent() == []
    assert "prescription (Rx) number" in sms(twilio, "refill")  # the number was not kept


def test_after_a_refill_a_shipping_question_is_answered_not_a_new_refill(twilio):
    sms(twilio, "i need my next refill")
    sms(twilio, "5550123")
    assert "R-" in sms(twilio, "04/02/1988")
    said = sms(twilio, "ok when will it ship?")
    assert said.startswith(answer("utter_request_refill/delivery_days")) and "prescription (Rx) number" not in said


def test_and_the_refill_after_a_copay_answer_starts_the_refill_and_cancel_still_cancels(twilio, services):
    assert "copay" in sms(twilio, "does the copay card pay for all of my ivig").lower()
    assert "prescription (Rx) number" in sms(twilio, "great. and the refill then?")
    assert "date of birth" in sms(twilio, "5520931")
    assert "stopped the refill" in sms(twilio, "actually cancel the refill")
    assert services.refills.recent() == []


@pytest.mark.parametrize(("first", "feeling", "heard"), [
    ("what are the odds if i do the ivig", "ok. its still really scary tho", "It makes sense to feel this way"),
    ("cual es la probabilidad con la ivig", "la verdad estoy muy asustada", "Es normal sentirse asi"),
])
def test_a_feeling_after_an_answer_is_heard_and_a_person_offered_not_a_menu(twilio, services, first, feeling, heard):
    sms(twilio, first)
    said = sms(twilio, feeling)
    assert said.startswith(heard) and "1)" not in said
    assert re.search(r"E-\d+", sms(twilio, "si" if heard.startswith("Es") else "yes"))
    [escalation] = services.escalations.open_queue()
    assert escalation.reason == "the patient is frightened or overwhelmed"


def test_a_fear_told_with_a_topic_is_heard_before_the_answer(twilio):
    said = sms(twilio, "im nervous about the side effects of the infusions")
    assert said.index("It makes sense to feel this way") < said.index("infusion reactions")


def test_a_name_is_not_taken_for_goodbye(twilio):
    said = sms(twilio, "hi its Maria")
    assert answer("utter_goodbye") not in said and "Goodbye" not in said


def test_i_dont_know_it_at_the_prescription_question_gets_help_and_a_person(twilio, services):
    assert "prescription (Rx) number" in sms(twilio, "can i order a refill")
    said = sms(twilio, "i dont know it")
    assert "pharmacy label" in said and "pharmacy specialist to contact you" in said
    assert "cancelled" not in said.lower()
    assert re.search(r"E-\d+", sms(twilio, "yes please"))
    [escalation] = services.escalations.open_queue()
    assert "help with their details" in escalation.reason


@pytest.mark.parametrize(("wait", "kind", "question"), [
    ("hang on", "Take your time", "prescription (Rx) number"),
    ("hold on, let me look", "Take your time", "prescription (Rx) number"),
    ("un momento porfa", "Tomese su tiempo", "numero de receta (Rx)"),  # and in Spanish from now on
])
def test_hang_on_at_a_refill_question_keeps_the_refill_and_asks_again(twilio, services, wait, kind, question):
    assert "prescription (Rx) number" in sms(twilio, "i need to reorder my ivig")
    said = sms(twilio, wait)
    assert said.startswith(kind) and question in said
    assert "stopped" not in said and "could not read" not in said
    sms(twilio, "4471203")
    assert "R-" in sms(twilio, "04/02/1988")
    assert len(services.refills.recent()) == 1


def test_a_caller_who_does_not_know_the_number_is_offered_a_person(twilio, open_hours):
    caller = VoiceCaller(twilio)
    caller.start()
    caller.press("5")
    heard = caller.say("I don't know it")
    assert "pharmacy label" in heard.text and "Press 1 or say yes" in heard.text


def test_a_prescription_number_sent_after_a_shipment_question_goes_to_a_person_with_it(twilio, services):
    assert "can't see shipments" in sms(twilio, "is my next ivig box going out this week or next")
    said = sms(twilio, "the rx is 5520931")
    assert re.search(r"E-\d+", said) and "What do you need it for?" not in said
    [escalation] = services.escalations.open_queue()
    transcript = services.escalations.get(escalation.reference, with_lines=True).transcript
    assert "the rx is 5520931" in [line["text"] for line in transcript]
    assert services.refills.recent() == []


def test_a_shipping_question_about_the_next_box_is_not_a_new_refill(twilio, services):
    said = sms(twilio, "do you know when my next box leaves the pharmacy")
    assert "can't see shipments" in said and "prescription (Rx) number" not in said


@pytest.mark.parametrize("reply", ["no i dont have a question really", "no"])
def test_no_to_a_person_after_a_loss_gets_kind_words_not_anything_else(twilio, services, reply):
    assert "so sorry for your loss" in sms(twilio, "we lost our baby girl to nh in the spring")
    said = sms(twilio, reply)
    assert said == answer("utter_here_when_ready") and services.escalations.open_queue() == []


# -- everyday pharmacy questions ---------------------------------------------------------------
@pytest.mark.parametrize("unclear", ["no idea honestly", "the other one"])
def test_an_unclear_reply_to_the_offer_of_a_person_gets_the_offer_again_not_a_menu(twilio, services, unclear):
    sms(twilio, "where is my ivig shipment, it was supposed to come yesterday")
    said = sms(twilio, unclear)
    assert start_of("utter_offer_again") in said
    assert "which of these do you mean" not in said
    accepted = sms(twilio, "yes")
    assert re.search(r"E-\d+", accepted)


def test_the_phone_number_is_given_or_where_to_find_it_never_call_us_at_the_pharmacy(
        twilio, redis_url, engine, clock):
    assert SUPPORT_PHONE in sms(twilio, "whats the number to call you guys")
    settings = make_settings(redis_url, SUPPORT_PHONE="")  # not configured (make run)
    unset = TwilioClient(create_app(settings, parts=build_parts(settings, clock=clock, engine=engine)).test_client(),
                         AUTH_TOKEN)
    said = sms(unset, "whats the number to call you guys")
    assert "pharmacy label" in said and "call us at the pharmacy" not in said
    said = sms(unset, "y cual es su telefono")
    assert "etiqueta de la farmacia" in said and "llamarnos a la farmacia" not in said


@pytest.mark.parametrize(("shipment", "detail", "yes"), [
    ("donde esta mi caja de ivig, no ha llegado", "la necesito antes del viernes", "si"),
    ("where is my ivig box, it didnt come", "i need it before friday honestly", "yes"),
])
def test_a_detail_in_reply_to_an_offer_keeps_the_offer_and_a_yes_after_it_opens_a_ticket(
        twilio, services, shipment, detail, yes):
    sms(twilio, shipment)
    said = sms(twilio, detail)
    assert "solo puedo ayudar" not in said and "can only help" not in said
    assert re.search(r"E-\d+", sms(twilio, yes))
    assert len(services.escalations.open_queue()) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("is the pharmacy able to apply to the foundation for me", "I can't apply for you from here"),
    ("ustedes me pueden hacer la solicitud del programa de ayuda?", "No puedo solicitarlo desde aqui"),
])
def test_asked_to_apply_for_help_it_says_what_it_cannot_do_and_who_can(twilio, text, expected):
    said = sms(twilio, text)
    assert said.startswith(expected) or f"\n{expected}" in said
    assert "copay team" in said or "copagos" in said


def test_opening_hours_come_from_business_hours(twilio):
    said = sms(twilio, "what time do you close today")
    assert "Monday to Friday, 8 AM to 6 PM (Pacific time)" in said and SUPPORT_PHONE in said


def test_where_you_are_and_where_my_shipment_is_get_a_person_offered(twilio):
    said = sms(twilio, "whats your address, can i pick it up")
    assert "address" in said and "pharmacy specialist to contact you" in said
    sms(twilio, "no")
    assert "can't see shipments" in sms(twilio, "my delivery never came, where is it")


# -- unsure readings are asked about ----------------------------------------------------------
def test_an_unsure_reading_gets_a_short_question_not_anything_else(twilio):
    said = sms(twilio, "ok so the money and the medicine thing")
    assert answer("utter_anything_else") not in said
    assert "Do you mean one of these?" in said or "I did not understand" in said or "copay" in said.lower()


def test_every_option_label_reads_back_as_its_own_answer(app):
    """A clarifying question's options are read like any message (a tap sends the label):
    each must come back as the answer it names, in English and in Spanish."""
    client = app.test_client()
    wrong = []
    for key, labels in {**LABELS, **INTENT_LABELS}.items():
        for label in labels:
            parsed = client.post("/model/parse", json={"text": label}).get_json()
            got = parsed["intent"].get("full_retrieval_intent_name") or parsed["intent"]["name"]
            if got != key and parsed["intent"]["name"] != key:
                wrong.append((label, got))
    assert wrong == []


def test_a_due_date_is_not_met_with_condolences(twilio):
    said = sms(twilio, "she is due friday")
    assert "sorry for your loss" not in said.lower()


@pytest.mark.parametrize(("first", "closing", "expected"), [
    ("can i skip an infusion next week", "ok ill ask them then", "anything else"),
    ("puedo saltarme una infusion", "ok le pregunto al doctor", "algo m"),
])
def test_a_closing_remark_gets_anything_else_not_a_menu(twilio, first, closing, expected):
    sms(twilio, first)
    said = sms(twilio, closing)
    assert expected in said
    assert "which of these" not in said and "cual de estas" not in said


# -- two things in one message, a sick newborn's thread, a relative ---------------------------
@pytest.mark.parametrize(("first", "money"), [
    ("hi i need a refill of my ivig and does the copay card cover all of it?", "copay programs"),
    ("necesito un resurtido y tambien quiero saber si hay ayuda con el copago", "programas de copago"),
])
def test_a_refill_asked_for_beside_a_copay_question_gets_both(twilio, services, first, money):
    said = sms(twilio, first)
    assert money in said and ("prescription (Rx) number" in said or "receta (Rx)" in said)
    assert answer("utter_offer_copay_team") not in said  # one question at a time: the refill
    sms(twilio, "7654321")
    done = sms(twilio, "03/14/1990")
    assert "R-" in done and len(services.refills.recent()) == 1


def test_a_copay_question_about_a_refill_is_not_a_refill(twilio):
    said = sms(twilio, "does the copay card cover my refill?")
    assert "copay programs" in said and "prescription (Rx) number" not in said


def test_in_a_sick_newborns_thread_what_they_will_do_and_whether_it_works_are_about_her(twilio):
    sms(twilio, "our son is in the nicu, the doctors think it could be nh")
    said = sms(twilio, "what will they do for him")
    assert start_of("utter_ask_ivig_treatment/newborn_treatment") in said
    outcome = sms(twilio, "and does it work?")
    assert "12 of 16" in outcome and "94 of 100" not in outcome  # F7, not the pregnancy figure


def test_a_grandmother_asking_how_to_help_her_daughter_is_answered_and_offered_a_person(twilio):
    sms(twilio, "my daughter lost her baby to nh in the spring")
    said = sms(twilio, "what can i do to help her")
    assert "want to help" in said and "nothing the mother did" in said
    assert answer("utter_offer_pharmacy_specialist") in said
    assert answer("utter_out_of_scope/what_can_you_do") not in said


@pytest.mark.parametrize(("text", "language"), [
    ("is it my daughters fault?", "en"), ("did my wife do something to cause this", "en"),
    ("es culpa de mi nuera?", "es"),
])
def test_asked_whether_someone_else_caused_it_the_answer_speaks_of_her(twilio, text, language):
    said = sms(twilio, text)
    assert ("The mother did not cause this" if language == "en" else "La madre no lo caus") in said
    assert "You did not cause this" not in said and "Usted no lo caus" not in said


# -- the fourth judged round's unsafe turns ---------------------------------------------------
def test_wanting_to_disappear_after_a_loss_gets_988(twilio):
    sms(twilio, "our daughter died of nh in the summer")
    said = sms(twilio, "lately i just want to disappear")
    assert "988" in said


def test_the_third_trimester_claim_is_not_confirmed(twilio):
    said = sms(twilio, "ivig is only given in the third trimester isnt it")
    assert "14 and 16 weeks" in said and not said.lstrip().startswith("Yes")


def test_moving_an_infusion_said_as_do_it_later_is_for_the_care_team(twilio):
    sms(twilio, "how often are the ivig infusions")
    said = sms(twilio, "could i have it a day later instead")
    assert "talk with your care team before any change" in said
