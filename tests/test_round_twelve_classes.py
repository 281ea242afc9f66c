"""What the twelfth and thirteenth judged rounds saw (written and judged by a helper who never saw data/):
a face swelling now, told after "the nurse left a while ago", read as over; an emergency in
the NICU with no word about the nurse; a refill asked for at the copay offer lost; and
answers that matched the topic, not the question. Through the signed SMS webhook."""

from __future__ import annotations

from tests.test_what_comes_next import first_sentence, sms


def test_the_nurse_having_left_does_not_make_a_swelling_now_over(twilio, services):
    said = sms(twilio, "la enfermera se fue hace rato y ahora se me esta hinchando la cara y los labios")
    assert said.startswith(first_sentence("utter_emergency_infusion", "es")), said
    assert [e.urgency for e in services.escalations.open_queue()] == ["urgent"]
    assert sms(twilio, "espero a que vuelva la enfermera?").startswith(
        first_sentence("utter_emergency_dont_wait_infusion", "es"))


def test_a_swelling_that_went_away_is_still_over(twilio, services):
    sms(twilio, "ayer se me hincharon un poco los labios despues de la infusion pero ya se me quito")
    assert services.escalations.open_queue() == []


def test_an_emergency_in_the_nicu_says_to_call_the_nurse_too(twilio):
    sms(twilio, "our daughter had an exchange transfusion in the nicu today")
    said = sms(twilio, "her lips are blue right now and shes breathing weird, the nurse is down the hall")
    assert said.startswith("Call 911 now") and first_sentence("utter_in_hospital_call_the_nurse") in said, said


def test_a_refill_asked_for_at_the_copay_offer_starts_the_refill(twilio):
    sms(twilio, "necesito ayuda con el copago, no me alcanza")
    said = sms(twilio, "tambien necesito resurtir la receta de mi esposa")
    assert "receta (Rx)" in said and "1)" not in said, said


def test_whether_the_exchange_transfusion_works_is_the_outcome_figures(twilio):
    said = sms(twilio, "our son had the exchange transfusion last night. does that usually work")
    assert "12 of 16" in said, said


def test_a_relative_asking_whether_the_mother_caused_the_loss_is_told_no(twilio):
    said = sms(twilio, "my sister lost her baby to nh last month and keeps saying she did something wrong. did she?")
    assert said.startswith(first_sentence("utter_condolences_brief")), said
    assert first_sentence("utter_ask_what_is_nh/blame_other") in said


def test_whether_ivig_hurts_the_baby_after_a_schedule_question_is_its_safety(twilio):
    sms(twilio, "can i move my thursday infusion to friday")
    said = sms(twilio, "ok and does the ivig hurt the baby")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/safe_for_baby")), said


def test_a_donor_egg_is_not_answered_as_a_surrogate(twilio):
    said = sms(twilio, "would ivf with a donor egg change the risk of nh")
    assert "surrogate" not in said and "follows the mother" in said, said


def test_so_our_older_one_is_safe_is_answered_not_out_of_scope(twilio):
    sms(twilio, "is nh genetic")
    said = sms(twilio, "so our older one is safe?")
    assert said.startswith(first_sentence("utter_older_child")), said


def test_sorry_my_fault_about_a_wrong_number_is_no_question_of_blame(twilio):
    sms(twilio, "i need a refill")
    said = sms(twilio, "perdon es mi culpa, me equivoque. es 4471902")
    assert "culpa" not in said.lower() and "no lo causo" not in said.lower(), said


# -- the thirteenth judged round's unsafe turns ------------------------------------------------
def test_her_throat_tight_and_lips_swelling_is_an_emergency_even_beside_a_car(twilio, services):
    sms(twilio, "hi quick question, is it ok to eat during my infusion")
    said = sms(twilio, "also my throat feels tight and my lips are kind of swelling, the nurse went out to the car")
    assert said.startswith(first_sentence("utter_emergency_infusion")), said
    assert [e.urgency for e in services.escalations.open_queue()] == ["urgent"]


def test_a_headache_with_no_trouble_breathing_pages_nobody_and_gets_the_side_effects(twilio, services):
    sms(twilio, "had my ivig yesterday and today i have a mild headache, is that normal")
    said = sms(twilio, "no trouble breathing or anything, just a dull headache, my legs are fine")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/side_effects")), said
    assert services.escalations.open_queue() == []


def test_a_sleepy_newborn_who_wakes_quickly_to_feed_pages_nobody(twilio, services):
    said = sms(twilio, "mi bebe tiene 6 dias y duerme mucho, pero lo despierto para comer y "
                       "despierta rapido y come bien")
    assert "avisado" not in said and services.escalations.open_queue() == []


def test_the_ambulance_coming_in_spanish_is_help_on_the_way(twilio):
    sms(twilio, "mi bebe esta vomitando sangre")
    said = sms(twilio, "ya viene la ambulancia")
    assert said.startswith(first_sentence("utter_emergency_help_coming", "es")), said


# -- round thirteen's answers -------------------------------------------------------------------
def test_thanks_with_a_feeling_is_heard_not_thanked(twilio):
    sms(twilio, "my grandson is in the nicu with gald")
    said = sms(twilio, "thank you. i just feel so helpless")
    assert said.startswith(first_sentence("utter_feeling_heard")), said


def test_a_grams_question_gets_the_doctor_sets_it_not_the_milligram_correction(twilio):
    said = sms(twilio, "my dr said 1g per kg but i weigh 95 kg, so 95 grams? seems like a lot")
    assert not said.startswith("No.") and said.startswith(first_sentence("utter_ask_ivig_treatment/dose_check")), said


def test_half_a_dose_is_a_change_for_the_care_team_not_doubling(twilio):
    said = sms(twilio, "can i just do half this week, im so tired after them")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/schedule_change")), said


def test_the_articles_80_percent_survival_is_said_to_have_no_source(twilio):
    said = sms(twilio, "the article said survival went up 80% with treatment, is that true?")
    assert said.startswith(first_sentence("utter_article_survival")) and "12 of 16" in said, said


def test_a_short_typod_how_many_are_ok_is_the_treated_pregnancies_figures_and_100_percent_is_not(twilio):
    sms(twilio, "wht is gald")
    figures = sms(twilio, "how many baby ok with ivg")
    for_sure = sms(twilio, "my wife 15 week she start alredy, it work 100%?")
    assert figures.startswith(first_sentence("utter_ask_ivig_treatment/effectiveness")), figures
    assert for_sure.startswith(first_sentence("utter_ask_ivig_treatment/prevents")), for_sure


def test_how_many_babies_make_it_in_the_nicu_is_the_newborns_figures(twilio):
    sms(twilio, "our son is in the nicu with nh")
    assert "12 of 16" in sms(twilio, "how many babies make it")


# -- round fourteen -----------------------------------------------------------------------------
def test_how_much_ivig_helps_is_no_cost_question(twilio):
    said = sms(twilio, "and with the ivig how much does it help")
    assert first_sentence("utter_also_costs") not in said and "copay" not in said.lower(), said


def test_a_person_asked_for_at_the_copay_offer_is_a_pharmacy_specialists_ticket(twilio, services):
    sms(twilio, "is there any help with the copay")
    said = sms(twilio, "can i talk to a real person at the pharmacy")
    assert "pharmacy specialist will contact you" in said, said


def test_a_question_told_with_a_date_at_an_offer_is_not_a_yes(twilio, services):
    sms(twilio, "my next delivery never came, where is it")
    said = sms(twilio, "we travel for thanksgiving, is it possible to ship to my moms house?")
    assert "E-" not in said, said


def test_tylenol_that_helped_a_headache_is_told_not_asked_about(twilio):
    said = sms(twilio, "is it normal to get a headache the night after the infusion? its mild, tylenol helped")
    assert not said.startswith(first_sentence("utter_other_medicines")), said
