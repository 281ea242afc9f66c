"""What the tenth judged round saw (written and judged by a helper who never saw data/):
a yellow baby already seen and feeding well paged as an emergency, a yes to the copay
team lost to the topic it named, thanks before a question, a headache told with the
medicine taken, a sign said to be absent, and a refill asked for as "my next delivery".
Through the signed SMS webhook, asserting on what the patient reads and on what staff get."""

from __future__ import annotations

from tests.test_what_comes_next import first_sentence, plain, sms, variants


# -- safety ------------------------------------------------------------------------------------
def test_a_yellow_newborn_seen_today_and_feeding_well_pages_nobody(twilio, services):
    said = sms(twilio, "mi nena tiene 5 dias, se ve un poco amarilla pero mama bien y la doctora dijo que esta bien")
    assert "avisado" not in said and services.escalations.open_queue() == []
    assert not said.startswith("Si esto es una emergencia")


def test_a_sign_said_to_be_absent_is_no_warning_signs_list(twilio, services):
    sms(twilio, "got a little headache after my ivig yesterday, took a tylenol, gone now. normal?")
    said = sms(twilio, "no trouble breathing or anything, just curious")
    assert "In a newborn" not in said and services.escalations.open_queue() == []


# -- the question asked -------------------------------------------------------------------------
def test_a_medicine_told_as_taken_is_the_side_effect_answer_not_other_medicines(twilio):
    said = sms(twilio, "i had a headache after the infusion so i took tylenol, it went away. does that happen a lot?")
    assert said.startswith((first_sentence("utter_ask_ivig_treatment/side_effects"),
                            first_sentence("utter_ask_ivig_treatment/side_effect_had"))), said


def test_a_medicine_asked_about_is_still_for_the_care_team(twilio):
    said = sms(twilio, "can i take tylenol for the headache after my infusion?")
    assert said.startswith(first_sentence("utter_other_medicines")), said


def test_thanks_then_was_it_my_fault_answers_the_question(twilio):
    sms(twilio, "perdi a mi bebe por hemocromatosis, puede volver a pasar?")
    said = sms(twilio, "gracias. fue mi culpa?")
    assert said.startswith(first_sentence("utter_ask_what_is_nh/blame", "es")), said


def test_a_yes_naming_the_copay_team_at_its_offer_is_a_yes(twilio, services):
    sms(twilio, "tenemos medicaid, hay ayuda con el costo?")
    said = sms(twilio, "si, conecteme con el equipo de copago")
    assert "E-" in said and "copagos" in said, said
    assert len(services.escalations.open_queue()) == 1


def test_my_next_delivery_set_up_is_a_refill(twilio):
    said = sms(twilio, "hey i need my next ivig delivery set up, the nurse comes thursday")
    assert "prescription (Rx) number" in said, said


def test_bloodwork_asked_after_coming_home_from_the_nicu_is_the_newborns_tests(twilio):
    said = sms(twilio, "we came home from the nicu on monday. when does she need more blood tests")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/after_birth")), said


def test_starting_ivig_early_to_be_safe_is_the_schedule_and_the_care_team(twilio):
    sms(twilio, "im about 9 weeks pregnant again, our first baby had gald")
    said = sms(twilio, "could i begin it now just to be safe")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/schedule")), said


def test_moving_an_infusion_gets_the_care_team_and_a_person_to_help(twilio):
    said = sms(twilio, "i need to reschedule my friday infusion, we will be out of town")
    assert "care team" in said
    assert said.endswith(plain(variants("utter_offer_pharmacy_specialist")[0])), said


def test_a_loss_told_at_the_rx_prompt_gets_sympathy_not_a_bad_number(twilio):
    sms(twilio, "refill please")
    said = sms(twilio, "i dont have the number on me. today would have been my first babys birthday")
    assert "could not read" not in said and "so sorry" in said, said


def test_a_number_sent_after_a_refill_paused_by_a_loss_goes_on_with_the_refill(twilio):
    sms(twilio, "i need a refill please")
    sms(twilio, "i cant find the number right now. today would have been my first babys birthday")
    sms(twilio, "is it true iron is not the cause")
    said = sms(twilio, "ok found it, rx 5520183")
    assert said.startswith(first_sentence("utter_refill_resumed")) and "date of birth" in said, said
    assert "R-" in sms(twilio, "03/14/1990")


def test_a_number_out_of_the_blue_is_still_asked_about(twilio):
    assert sms(twilio, "4471902").startswith(first_sentence("utter_inform_outside_form"))


def test_back_to_the_refill_at_the_birth_date_prompt_counts_nothing(twilio):
    sms(twilio, "i need a refill")
    sms(twilio, "rx 4471902")
    said = sms(twilio, "ok back to the refill then")
    assert "could not read" not in said and "date of birth" in said, said


def test_how_often_inside_the_refill_form_is_the_schedule_and_the_form_goes_on(twilio):
    sms(twilio, "i need a refill")
    sms(twilio, "rx 4471902")
    said = sms(twilio, "wait, how often do i get it after 18 weeks")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/schedule")) and "date of birth" in said, said


def test_the_bill_asked_about_during_an_emergency_can_wait(twilio):
    sms(twilio, "my left calf is swollen red and hot since my infusion yesterday")
    said = sms(twilio, "ok and who do i call about the bill later")
    assert said.startswith("Please don't wait: call 911 now"), said
    assert first_sentence("utter_refill_can_wait") in said


def test_a_loss_and_the_fear_of_trying_again_gets_the_choice_not_the_iron(twilio):
    said = sms(twilio, "our daughter died of neonatal hemochromatosis last year and im afraid to try again")
    assert said.startswith(first_sentence("utter_condolences_brief")), said
    assert first_sentence("utter_ask_recurrence_risk/trying_again") in said


def test_which_tests_a_newborn_needs_after_a_brothers_gald_is_the_blood_tests(twilio):
    said = sms(twilio, "que pruebas le tienen que hacer a mi bebe por lo que tuvo su hermano")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/after_birth", "es")), said


def test_should_i_tell_my_nurse_after_a_side_effect_is_yes_tell_the_care_team(twilio):
    sms(twilio, "i get a headache after every infusion, is that a side effect")
    said = sms(twilio, "should i tell my nurse next time?")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/side_effect_had")), said


def test_how_long_ivig_stays_in_the_body_says_there_is_no_fact_here_and_offers_a_person(twilio):
    said = sms(twilio, "how long does the ivig stay in my system after each dose")
    assert said.startswith(first_sentence("utter_ivig_in_the_body")), said
    assert said.endswith(plain(variants("utter_offer_pharmacy_specialist")[0]))


def test_already_on_weekly_ivig_asking_what_else_is_the_delivery_team_and_the_babys_tests(twilio):
    said = sms(twilio, "im 26 weeks and getting my ivig every week, anything else i should do")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/after_birth")), said
