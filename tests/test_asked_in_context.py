"""Conversations through the signed SMS webhook where what was asked depends on what came
before it: a dose's cap, who decides, a missed infusion's worry, a delivery day beside or
after a refill, the number asked for at an offer, a goodbye at an offer, Medi-Cal at the
copay answer, good news after a birth, who at the pharmacy speaks Spanish, a detail told
with thanks after a hand-off. Each asserts on what the patient reads."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SUPPORT_PHONE
from tests.helpers import PATIENT
from tests.test_what_comes_next import first_sentence, monday_night, sms, variants

__all__ = ["monday_night"]  # the fixture, used by name below


# -- the IVIG plan ---------------------------------------------------------------------------
def test_a_cap_and_who_sets_it_after_the_dose_are_answered_not_the_dose_again(twilio):
    dose = sms(twilio, "how much ivig does the mom get each week")
    cap = sms(twilio, "hold on so it stops at some number even if im bigger?")
    who = sms(twilio, "and who picks mine")
    assert cap.startswith(first_sentence("utter_ask_ivig_treatment/dose_cap")) and cap != dose
    assert who.startswith(first_sentence("utter_ask_ivig_treatment/who_decides"))


def test_after_a_missed_infusion_doubling_and_the_babys_safety_get_their_own_answers_in_spanish(twilio):
    sms(twilio, "no me pude poner la infusion del martes, se enfermo mi otro hijo")
    doubled = sms(twilio, "entonces me pongo dos el martes que viene?")
    worry = sms(twilio, "y eso le hace daño a la bebe?")
    assert doubled.startswith(first_sentence("utter_ask_ivig_treatment/double_dose", "es"))
    assert worry.startswith(first_sentence("utter_ask_ivig_treatment/missed_dose_worry", "es"))
    assert "equipo medico" in worry


def test_who_decides_in_spanish_after_the_schedule_is_the_care_team(twilio):
    sms(twilio, "puedo pasar mi infusion al sabado?")
    assert sms(twilio, "quién decide eso?").startswith(first_sentence("utter_ask_ivig_treatment/who_decides", "es"))


# -- deliveries --------------------------------------------------------------------------------
def test_a_delivery_day_asked_beside_a_refill_is_answered_then_the_form_asks(twilio):
    said = sms(twilio, "gotta order my next box of ivig. do you guys ship on sundays")
    assert said.startswith(first_sentence("utter_request_refill/delivery_days"))
    assert "prescription (Rx) number" in said


def test_a_delivery_day_asked_at_the_rx_prompt_is_answered_and_the_prompt_stands(twilio, services):
    sms(twilio, "necesito un resurtido")
    said = sms(twilio, "y que dia me lo entregan?")
    assert said.startswith(first_sentence("utter_request_refill/delivery_days", "es"))
    assert "no pude leer" not in said and "receta" in said
    sms(twilio, "7730412")
    assert "R-" in sms(twilio, "02/11/1990")  # nothing was counted against the patient


def test_when_it_gets_here_after_a_refill_is_the_delivery_even_beside_a_past_loss(twilio):
    sms(twilio, "i need a refill")
    sms(twilio, "6630418")
    assert "R-" in sms(twilio, "05/09/1991")
    said = sms(twilio, "we lost our first baby so im nervous about it being late, when does it usually arrive")
    assert said.startswith(first_sentence("utter_request_refill/delivery_days"))
    assert "maternal-fetal" not in said


def test_cancelling_the_deliveries_is_for_a_specialist_who_is_offered(twilio, services):
    said = sms(twilio, "ya no voy a necesitar las cajas que faltan, como las cancelo")
    assert said.startswith(first_sentence("utter_request_refill/cancel_delivery", "es"))
    assert "SI o NO" in said
    assert "E-" in sms(twilio, "si")
    assert services.escalations.open_reference(PATIENT)


# -- offers of a person ------------------------------------------------------------------------
def test_the_number_asked_for_at_an_offer_is_given_and_a_yes_after_it_still_counts(twilio, services):
    sms(twilio, "where is your pharmacy")
    said = sms(twilio, "could i just have your phone number instead")
    assert said.startswith("You can call us at") and SUPPORT_PHONE in said
    assert services.escalations.open_reference(PATIENT) is None  # no call back opened
    assert "E-" in sms(twilio, "actually yes")


def test_a_goodbye_at_an_offer_is_asked_about_not_taken_for_a_yes(twilio, services):
    sms(twilio, "donde queda la farmacia")
    said = sms(twilio, "perfecto, alli estare")
    assert said.startswith(first_sentence("utter_offer_check", "es"))
    assert services.escalations.open_reference(PATIENT) is None


def test_medi_cal_and_a_denial_at_the_copay_answer_get_their_answers(twilio):
    sms(twilio, "no puedo pagar el copago de la ivig")
    medicaid = sms(twilio, "tengo medi-cal por el embarazo")
    denied = sms(twilio, "y si me dicen que no o me lo niegan?")
    assert medicaid.startswith(first_sentence("utter_ask_copay_help/medicaid_medicare", "es"))
    assert denied.startswith(first_sentence("utter_ask_copay_help/insurance_denied", "es"))


# -- good news and languages -------------------------------------------------------------------
def test_after_a_birth_worth_it_is_shared_joy_and_tests_are_the_tests_after_birth(twilio):
    sms(twilio, "our little girl is here and healthy!!")
    joy = sms(twilio, "all those weeks of needles were so worth it")
    tests = sms(twilio, "do they still need to do bloodwork on her")
    assert joy in variants("utter_glad_it_went_well") and "100" not in joy
    assert tests.startswith(first_sentence("utter_ask_ivig_treatment/after_birth"))


def test_asking_whether_they_speak_spanish_there_is_about_the_staff(twilio, services):
    said = sms(twilio, "alguien habla español en la farmacia?")
    assert said.startswith(variants("utter_staff_language", "es")[0]) and "SI o NO" in said
    assert services.escalations.open_reference(PATIENT) is None
    assert "E-" in sms(twilio, "si por favor")


def test_a_patient_whose_english_is_weak_is_offered_spanish_and_can_take_it(twilio):
    said = sms(twilio, "hello sorry my english is not very good")
    assert said in variants("utter_offer_spanish") and "ESPANOL" in said
    assert sms(twilio, "español").startswith(first_sentence("utter_language_changed", "es"))


def test_a_weak_english_emergency_is_an_emergency(twilio):
    said = sms(twilio, "my english not good, baby not breathing")
    assert "911" in said.split("\n")[0]


# -- emergencies and hand-offs -----------------------------------------------------------------
def test_told_to_come_in_with_a_question_about_the_infusion_gets_both(twilio):
    sms(twilio, "33 weeks and my water just broke")
    said = sms(twilio, "l&d said come in. will they still give me my ivig thursday")
    assert said.startswith(first_sentence("utter_emergency_help_coming"))
    assert re.search(r"(?:care|medical) team (?:decides|will decide)", said) and "don't wait" not in said.lower()


def test_a_time_told_with_thanks_after_a_hand_off_is_acknowledged_as_added(twilio, services, monday_night):
    sms(twilio, "can someone call me about the copay")
    said = sms(twilio, "mornings before 10 work best, thanks")
    assert said not in variants("utter_thank")
    reference = services.escalations.open_reference(PATIENT)
    transcript = services.escalations.get(reference, with_lines=True).transcript
    assert any(line.get("text") == "mornings before 10 work best, thanks" for line in transcript)


@pytest.mark.parametrize("wish", [
    "ok so could they ring me after 6 then",
    "im at work until 4, have them call after that",
    "me pueden marcar despues de las 5? trabajo hasta esa hora",
])
def test_when_to_call_told_after_a_hand_off_is_added_for_the_specialist_not_answered_as_a_topic(
        twilio, services, wish):
    sms(twilio, "can someone from the pharmacy call me")
    said = sms(twilio, wish)
    assert re.search(r"added|agreg", said, re.I), said
    assert "IVIG" not in said and "pregnan" not in said and "embarazo" not in said
    reference = services.escalations.open_reference(PATIENT)
    transcript = services.escalations.get(reference, with_lines=True).transcript
    assert any(line.get("text") == wish for line in transcript)


def test_a_dose_from_the_doctor_beside_a_milligram_figure_read_online_gets_the_unit_answer(twilio):
    said = sms(twilio, "my mfm wrote 1 g/kg but a forum says 1 mg/kg, which one is right?")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/dose_unit"))


def test_the_adult_hemochromatosis_of_a_relative_is_the_not_genetic_answer(twilio):
    said = sms(twilio, "is this the same hemochromatosis thing my dad has")
    assert said.startswith(first_sentence("utter_ask_what_is_nh/not_genetic"))


# -- follow-ups read in their thread (conversation round 6) ------------------------------------
@pytest.mark.parametrize(("first", "then", "expected", "language"), [
    ("whats the chance nh comes back next time", "and with ivig?", "utter_ask_recurrence_risk/with_treatment", "en"),
    ("what dose of ivig do they use", "is that every week?", "utter_ask_ivig_treatment/schedule", "en"),
    ("when do the infusions start", "is there a limit if im heavier", "utter_ask_ivig_treatment/dose_cap", "en"),
    ("what dose of ivig do they use", "my ob ordered 75 g, is that too much",
     "utter_ask_ivig_treatment/dose_check", "en"),
    ("i cant afford the ivig, is there help", "what foundations", "utter_ask_copay_help/foundations", "en"),
    ("i cant afford the ivig, is there help", "and how long till they approve it",
     "utter_ask_copay_help/approval_time", "en"),
    ("is nh something that runs in families", "should i let my own doctor know about my cousin",
     "utter_ask_recurrence_risk/tell_your_doctor", "en"),
    ("cuando empiezan las infusiones", "y despues?", "utter_ask_ivig_treatment/after_birth", "es"),
    ("que probabilidad hay de que vuelva", "aunque mi bebe nacio bien?",
     "utter_ask_recurrence_risk/each_pregnancy", "es"),
])
def test_a_short_follow_up_is_answered_within_its_thread(twilio, first, then, expected, language):
    sms(twilio, first)
    said = sms(twilio, then)
    assert first_sentence(expected, language) in said and "?" not in said.split(".")[0], said


@pytest.mark.parametrize(("text", "expected", "language"), [
    ("my copay card was declined at the pharmacy counter", "utter_ask_copay_help/insurance_denied", "en"),
    ("three boxes left over in the fridge, what now", "utter_request_refill/leftover_supplies", "en"),
    ("la caja de ivig se guarda en el refrigerador?", "utter_ask_ivig_treatment/storage", "es"),
    ("mi esposa se culpa, dice que fue su culpa por no darse cuenta", "utter_ask_what_is_nh/blame_other", "es"),
    ("la ivig va por la vena, verdad?", "utter_ask_ivig_treatment/name", "es"),
    ("si me vuelvo a embarazar me tengo que poner el tratamiento otra vez?",
     "utter_ask_recurrence_risk/next_steps", "es"),
    ("how can i help her feel calmer, she is so scared", "utter_out_of_scope/helping_someone", "en"),
])
def test_what_the_wording_asks_is_answered_whatever_the_intent(twilio, text, expected, language):
    assert first_sentence(expected, language) in sms(twilio, text)


def test_good_lab_news_is_shared_joy_and_the_tests_after_it_are_the_tests_after_birth(twilio, services):
    joy = sms(twilio, "great news, his liver tests came back normal")
    assert joy in variants("utter_glad_it_went_well") and services.escalations.open_queue() == []
    assert sms(twilio, "do they keep doing more tests on him").startswith(
        first_sentence("utter_ask_ivig_treatment/after_birth"))


def test_liver_checks_in_the_nicu_after_ivig_are_the_tests_after_birth_not_a_sick_baby(twilio):
    said = sms(twilio, "nicu is checking her liver numbers even though i had the ivig, is that normal")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/after_birth")) and "exchange" not in said


def test_the_first_visit_after_a_birth_is_what_to_tell_the_pediatrician(twilio):
    sms(twilio, "shes here!! born this morning")
    said = sms(twilio, "what do i tell her pediatrician at the first visit")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/after_birth")) and "Call 911 at once" not in said


def test_a_loss_told_in_passing_gets_condolences_not_the_scope_line(twilio):
    said = sms(twilio, "sorry, its just that her brother never came home from the hospital")
    assert "sorry for your loss" in said.lower() and "I can only help" not in said


def test_someone_at_home_who_reads_spanish_and_not_being_home_for_the_box(twilio):
    sms(twilio, "is my ivig box still coming friday")
    said = sms(twilio, "my dad will sign for it, he only speaks spanish")
    assert said in variants("utter_spanish_for_someone")
    later = sms(twilio, "what if nobody is home when it comes")
    assert later.startswith(first_sentence("utter_request_refill/delivery_days"))


def test_a_box_still_not_there_before_the_infusion_is_the_late_delivery_answer(twilio):
    sms(twilio, "where is my shipment")
    said = sms(twilio, "what do i do if its still not here by wednesday")
    assert said.startswith(first_sentence("utter_request_refill/late_delivery")) and "care team" in said


def test_a_yes_with_a_time_at_an_offer_is_a_yes(twilio, services):
    sms(twilio, "donde estan ubicados")
    assert "E-" in sms(twilio, "si porfa, mejor en la mañana")
    assert services.escalations.open_reference(PATIENT)


@pytest.mark.parametrize(("text", "expected", "language"), [
    ("gotta reorder my ivig. also are you open saturdays", "utter_out_of_scope/hours", "en"),
    ("necesito pedir mi resurtido y cuanto voy a pagar esta vez?", "utter_ask_copay_help/cost_amount", "es"),
])
def test_a_question_beside_a_refill_is_answered_then_the_form_asks(twilio, text, expected, language):
    said = sms(twilio, text)
    assert first_sentence(expected, language).split(" {")[0] in said
    assert "(Rx)" in said


def test_a_pharmacy_matter_raised_in_an_emergency_can_wait(twilio):
    sms(twilio, "i can barely pee since yesterdays infusion and my back hurts bad")
    said = sms(twilio, "omw to the er. can someone check on my copay card while im there")
    assert said.startswith(first_sentence("utter_emergency_help_coming"))
    assert first_sentence("utter_refill_can_wait") in said


@pytest.mark.parametrize(("first", "then", "expected"), [
    ("how often are the infusions", "does any of this even make a difference",
     "utter_ask_ivig_treatment/effectiveness"),
    ("what is an exchange transfusion", "and then what", "utter_ask_ivig_treatment/newborn_treatment"),
    ("is nh from too much iron", "so what damages the liver then", "utter_ask_what_is_nh/cause"),
    ("can a surrogate carry for us", "what if i carry but its her egg", "utter_ask_recurrence_risk/surrogacy"),
    ("my wife was offered ivig", "what happens if she decides not to take it", "utter_ask_recurrence_risk/chance"),
])
def test_more_follow_ups_read_within_their_thread(twilio, first, then, expected):
    sms(twilio, first)
    assert first_sentence(expected) in sms(twilio, then)


def test_what_a_diagnosis_means_is_what_nh_is(twilio):
    said = sms(twilio, "the doctors think its nh, what does that even mean")
    assert said.startswith(first_sentence("utter_ask_what_is_nh/definition"))


def test_a_belief_about_blood_products_gets_the_care_team_not_the_name_again(twilio):
    sms(twilio, "is ivig made from blood")
    said = sms(twilio, "we cant take blood products because of our faith, is there anything else")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/alternatives"))


def test_an_address_change_inside_the_refill_form_is_for_the_specialist_and_the_form_goes_on(twilio):
    sms(twilio, "refill please")
    sms(twilio, "6619023")
    said = sms(twilio, "actually can you send it to my sisters house this time")
    assert said.startswith(first_sentence("utter_refill_address_note")) and "could not read" not in said
    assert "R-" in sms(twilio, "07/22/1992")
    nurse = sms(twilio, "and the nurse still comes to do it?")
    assert nurse.startswith(first_sentence("utter_request_refill/home_nurse")) and "(Rx)" not in nurse


def test_a_detail_or_a_contact_preference_after_a_hand_off_is_added_not_answered(twilio, services, monday_night):
    sms(twilio, "can i talk to someone")
    about = sms(twilio, "its about my insurance changing next month")
    text_me = sms(twilio, "can they text me instead, im at work")
    assert "copay programs" not in about and "Published protocols" not in text_me
    reference = services.escalations.open_reference(PATIENT)
    lines = [line.get("text") for line in services.escalations.get(reference, with_lines=True).transcript]
    assert "its about my insurance changing next month" in lines and "can they text me instead, im at work" in lines


# -- round 7: news told, and a holiday asked ------------------------------------------------
@pytest.mark.parametrize("news", [
    "great news, the ultrasound today looked perfect!!",
    "hes 5 weeks old and doing great, wanted you all to know",
    "ya tiene 2 meses y está sanita, gracias a todos",
])
def test_good_news_from_a_scan_or_a_baby_doing_well_is_met_with_joy(twilio, news):
    said = sms(twilio, news)
    glad = {first_sentence("utter_glad_it_went_well"), first_sentence("utter_glad_it_went_well", "es")}
    assert any(line in said for line in glad), said


@pytest.mark.parametrize(("asked", "language"), [
    ("will you be open the day after thanksgiving", "en"),
    ("trabajan en año nuevo?", "es"),
])
def test_a_holiday_asked_about_is_not_answered_with_the_weeks_hours_alone(twilio, asked, language):
    said = sms(twilio, asked)
    assert first_sentence("utter_holiday_hours", language) in said, said


@pytest.mark.parametrize(("asked", "note", "language"), [
    ("time to reorder my ivig, and what do i do with the old ice packs and cooler", "utter_refill_cooler_note", "en"),
    ("necesito mi resurtido, tengo seguro nuevo desde enero, cambia algo?", "utter_refill_insurance_note", "es"),
])
def test_the_cooler_or_a_new_plan_asked_beside_a_refill_is_answered_before_the_form(twilio, asked, note, language):
    said = sms(twilio, asked)
    assert first_sentence(note, language) in said, said
    assert "Rx" in said.split("\n")[-1], said


def test_both_of_the_articles_errors_in_one_question_are_both_corrected(twilio):
    said = sms(twilio, "i read ivig is 1mg/kg and you only start in the 3rd trimester, true?")
    assert said.startswith(first_sentence("utter_article_errors")), said
    assert "grams, not milligrams" in said and "14 weeks" in said


def test_the_same_chance_with_a_new_partner_and_what_lowers_it_follow_the_odds(twilio):
    sms(twilio, "whats the chance nh comes back next pregnancy")
    same = sms(twilio, "and with a different guy is it the same risk")
    lowers = sms(twilio, "ok so what can lower that")
    assert same.startswith(first_sentence("utter_ask_recurrence_risk/partner")), same
    assert lowers.startswith(first_sentence("utter_ask_recurrence_risk/with_treatment")), lowers


@pytest.mark.parametrize(("asked", "language"), [
    ("the scans are all good now, should i keep going with the weekly infusions", "en"),
    ("ya todo sale bien, ¿tengo que seguir con la ivig?", "es"),
])
def test_whether_to_keep_going_with_ivig_is_for_the_care_team(twilio, asked, language):
    said = sms(twilio, asked)
    assert first_sentence("utter_ask_ivig_treatment/schedule_change", language) in said, said


def test_what_if_we_are_not_accepted_at_the_copay_offer_is_answered_not_taken_for_a_no(twilio):
    sms(twilio, "nos quedamos sin seguro, hay fundaciones que ayuden?")
    asked = sms(twilio, "y si no nos aceptan en ninguna de esas?")
    assert first_sentence("utter_ask_copay_help/not_eligible", "es") in asked, asked
    assert "Responda SI o NO" in asked  # the offer stands (sent in GSM-7)
    declined = sms(twilio, "no gracias")
    assert declined.startswith(first_sentence("utter_anything_else", "es")), declined


# -- relief ------------------------------------------------------------------------------------
@pytest.mark.parametrize("first, second, language", [
    ("whew, that is good to hear", "ok that really eases my mind", "en"),
    ("uf, que alivio", "bueno saberlo, me quedo mas tranquila", "es"),
])
def test_relief_after_an_answer_is_welcomed_not_misunderstood_or_handed_over(twilio, services, first, second, language):
    asked = {"en": "what are the chances it happens again", "es": "que probabilidad hay de que vuelva a pasar"}
    sms(twilio, asked[language])
    said = [sms(twilio, first), sms(twilio, second)]
    assert all(s in variants("utter_thank", language) for s in said), said
    assert not services.escalations.open_queue()


@pytest.mark.parametrize(("text", "language"), [
    ("hey its her brother, texting for her", "en"),
    ("hola, escribo de parte de mi mama", "es"),
])
def test_someone_writing_for_a_relative_is_welcomed_not_told_it_is_out_of_scope(twilio, text, language):
    said = sms(twilio, text)
    assert said not in variants("utter_out_of_scope/other", language)
    assert said in variants("utter_greet", language) or said.endswith("?"), said


def test_a_new_insurance_card_asked_at_the_rx_prompt_gets_the_insurance_note_and_the_prompt(twilio):
    sms(twilio, "time to reorder my ivig")
    said = sms(twilio, "we switched to a new insurance plan, do you need the card before this ships?")
    assert said.startswith(first_sentence("utter_refill_insurance_note"))
    assert "prescription (Rx) number" in said
    assert "R-" in sms(twilio, "6614022") + sms(twilio, "03/04/1991")  # the request goes on


@pytest.mark.parametrize(("text", "language"), [
    ("do we still go in for her ivig if shes running a fever", "en"),
    ("todavia tengo que ir a mi infusion si estoy enferma?", "es"),
])
def test_whether_an_infusion_goes_ahead_is_for_the_care_team(twilio, text, language):
    said = sms(twilio, text)
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/schedule_change", language)), said


def test_where_deliveries_can_go_asked_is_for_the_specialist_not_a_new_refill(twilio):
    said = sms(twilio, "can you ship it to my work or does it have to go home")
    assert said in variants("utter_refill_address_note")
    assert "prescription (Rx) number" not in said
    assert "prescription (Rx) number" in sms(twilio, "ok then i need to reorder")


@pytest.mark.parametrize("language, ask, yes", [
    ("en", "can i get some help with what ivig costs me", "yes please"),
    ("es", "hay ayuda para pagar la ivig?", "si por favor"),
])
def test_a_yes_to_the_copay_offer_is_promised_the_copay_team_not_a_pharmacy_specialist(
        twilio, services, language, ask, yes):
    sms(twilio, ask)
    said = sms(twilio, yes)
    team = {"en": "copay team", "es": "equipo de copagos"}[language]
    assert team in said and re.search(r"E-\d+", said), said
    assert services.escalations.open_reference(PATIENT)


def test_a_new_insurance_card_typed_at_the_rx_prompt_and_a_refill_named_again_count_no_failed_attempt(twilio):
    sms(twilio, "refill please")
    note = sms(twilio, "hang on before that, our insurance switched, do u need the new card on file")
    assert note.startswith(first_sentence("utter_refill_insurance_note")) and "could not read" not in note
    again = sms(twilio, "ok go ahead with the refill")
    assert "could not read" not in again and "prescription (Rx) number" in again
    sms(twilio, "5520917")
    assert "R-" in sms(twilio, "07/22/1988")


def test_keeping_an_infusion_appointment_asked_is_for_the_care_team(twilio):
    said = sms(twilio, "is it alright to keep my ivig appointment thursday after a scare this morning")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/schedule_change")), said
