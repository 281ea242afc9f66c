"""What the eleventh judged round saw (written and judged by a helper who never saw data/):
heavy bleeding in pregnancy called a baby's signs, short follow-ups sent to another
topic, past signs answered with the warning list, a member ID offered by text, "is this a
real person?" while a person has the conversation. Through the signed SMS webhook,
asserting on what the patient reads."""

from __future__ import annotations

from tests.test_what_comes_next import first_sentence, sms


# -- whose signs ---------------------------------------------------------------------------
def test_her_own_heavy_bleeding_after_telling_the_weeks_is_a_pregnancy_emergency(twilio, services):
    sms(twilio, "hi im 32 wks on ivig, what should the hospital know when i deliver")
    first = sms(twilio, "oh no im bleeding so much right now, it wont stop")
    later = sms(twilio, "should i wait for my nurse, she comes at 3")
    assert first.startswith(first_sentence("utter_emergency_pregnancy")), first
    assert later.startswith(first_sentence("utter_emergency_dont_wait_pregnancy")), later
    assert "baby" not in (first + later).lower()
    assert [e.urgency for e in services.escalations.open_queue()] == ["urgent"]


def test_past_seizures_of_a_first_baby_told_with_a_new_pregnancy_get_the_next_steps(twilio, services):
    said = sms(twilio, "my daughter had seizures when she was born from nh, she is 4 now and fine. "
                       "im pregnant again, 8 wks")
    assert said.startswith(first_sentence("utter_ask_recurrence_risk/next_steps")), said
    assert services.escalations.open_queue() == []


def test_a_past_reaction_with_the_next_infusion_coming_is_tell_the_care_team(twilio, services):
    said = sms(twilio, "after my last infusion my face got swollen for a while but it went away. next one is friday")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/side_effect_had")), said
    assert services.escalations.open_queue() == []


# -- short follow-ups -------------------------------------------------------------------------
def test_when_would_she_start_after_the_odds_is_the_schedule(twilio):
    sms(twilio, "my wife lost a baby to nh before we met. does a different dad change anything")
    sms(twilio, "and with treatment?")
    said = sms(twilio, "when would she need to start")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/schedule")), said


def test_how_often_in_spanish_after_when_it_starts_is_the_schedule(twilio):
    sms(twilio, "perdi a mi bebe por hn hace 2 años. tengo 11 semanas. cuando empiezo el ivig")
    said = sms(twilio, "y cada cuanto es")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/schedule", "es")), said


def test_how_long_it_takes_after_the_copay_answer_is_the_approval_time(twilio):
    sms(twilio, "insurance denied the ivig for my wife, is there a foundation or something")
    said = sms(twilio, "how long does that usually take")
    assert said.startswith(first_sentence("utter_ask_copay_help/approval_time")), said


def test_a_weight_after_the_dose_is_the_doctor_sets_it_not_the_same_text_again(twilio):
    sms(twilio, "how much ivig do they give")
    said = sms(twilio, "i weigh 70 kg so how many grams would i get")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/dose_check")), said


def test_the_delivery_hospital_and_the_babys_tests_in_spanish_are_the_checks_after_birth(twilio):
    first = sms(twilio, "tengo 35 semanas con ivig, el hospital donde voy a dar a luz tiene que saber algo?")
    tests = sms(twilio, "le van a hacer pruebas al bebe?")
    fine = sms(twilio, "y si nace bien ya no hay peligro verdad")
    assert first.startswith(first_sentence("utter_ask_ivig_treatment/after_birth", "es")), first
    assert tests.startswith(first_sentence("utter_ask_ivig_treatment/after_birth", "es")), tests
    assert fine.startswith(first_sentence("utter_ask_ivig_treatment/prevents", "es")), fine


# -- people and numbers ---------------------------------------------------------------------
def test_how_to_reach_the_copay_team_opens_a_ticket_for_them(twilio, services):
    sms(twilio, "my deductible went up a lot this year, any help with the copay")
    said = sms(twilio, "ok how do i reach the copay people")
    assert "copay team will contact you" in said and "E-" in said, said
    assert len(services.escalations.open_queue()) == 1


def test_a_member_id_offered_by_text_is_declined(twilio):
    sms(twilio, "our insurance denied the ivig, is there any other help")
    said = sms(twilio, "do you need her member id? i can text it")
    assert said.startswith(first_sentence("utter_no_ids_by_text")), said


def test_is_this_a_real_person_while_handed_over_says_automated_and_that_a_person_has_it(twilio):
    sms(twilio, "i need to talk to a real person please")
    said = sms(twilio, "ok thanks. is this a real person?")
    assert said.startswith(first_sentence("utter_bot_challenge_handed_over")), said


def test_thanks_with_being_tired_is_heard_not_out_of_scope(twilio):
    sms(twilio, "my granddaughter is in the nicu with gald")
    said = sms(twilio, "thank you. sorry im just so tired")
    assert said.startswith(first_sentence("utter_feeling_heard")), said


def test_another_case_of_the_partner_answer_right_after_it_is_said_shortly_not_again(twilio):
    first = sms(twilio, "we are thinking of ivf this time, would that lower the chance of nh again")
    again = sms(twilio, "what about donor sperm")
    assert first.startswith(first_sentence("utter_ask_recurrence_risk/partner")), first
    assert again.startswith(first_sentence("utter_partner_again")) and again != first, again


def test_donor_sperm_in_spanish_after_another_father_is_said_shortly(twilio):
    sms(twilio, "si el papa es otro cambia el riesgo de hn?")
    assert sms(twilio, "y con esperma de donante?").startswith(first_sentence("utter_partner_again", "es"))


def test_an_older_living_childs_risk_is_that_nh_begins_before_birth_and_her_doctor(twilio):
    said = sms(twilio, "mi otra hija de 5 años esta en riesgo?")
    assert said.startswith(first_sentence("utter_older_child", "es")), said


def test_the_length_of_an_infusion_is_not_how_long_ivig_stays_in_the_body(twilio):
    said = sms(twilio, "how long does the infusion last")
    assert not said.startswith(first_sentence("utter_ivig_in_the_body")), said


def test_a_donor_egg_after_the_partner_answer_is_not_told_the_same_holds(twilio):
    sms(twilio, "my new husband is a different dad so the risk should be lower right")
    said = sms(twilio, "what about ivf with a donor egg")
    assert not said.startswith(first_sentence("utter_partner_again")), said
    assert "maternal-fetal medicine specialist" in said
