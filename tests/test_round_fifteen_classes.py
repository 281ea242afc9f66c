"""What the fifteenth judged round saw (written and judged by a helper who never saw data/):
a loss told in Spanish with a question got sympathy only; a grief question after thanks
was thanked; "thanks, who do I talk to at the pharmacy" got "you're welcome"; a crisis
long past and helped, read as a loss, lost its 988 line. Through the signed SMS webhook;
the sentences are new, not the round's."""

from __future__ import annotations

from tests.test_what_comes_next import first_sentence, sms


def test_a_loss_told_in_spanish_with_a_question_without_a_question_mark_gets_the_answer(twilio):
    said = sms(twilio, "buenas, mi hijo fallecio en abril, los doctores dijeron hemocromatosis neonatal. q es eso")
    assert said.startswith(first_sentence("utter_condolences_brief", "es")), said
    assert first_sentence("utter_ask_what_is_nh/definition", "es") in said, said


def test_weeks_and_a_loss_told_with_when_does_it_start_gets_the_schedule(twilio):
    said = sms(twilio, "voy en 8 semanas y mi primera bebe murio de gald, cuando empiezan a ponerme la ivig")
    assert said.startswith(first_sentence("utter_condolences_brief", "es")), said
    assert "14 semanas" in said, said


def test_a_loss_told_alone_in_spanish_is_still_sympathy_and_a_person(twilio):
    said = sms(twilio, "nuestra bebita fallecio a los cinco dias de nacida")
    assert said.startswith(first_sentence("utter_condolences", "es")), said


def test_a_grief_question_after_thanks_is_heard_not_thanked(twilio):
    sms(twilio, "what is nh")
    said = sms(twilio, "thanks. will the pain ever get easier")
    assert "glad I could help" not in said and said.startswith(first_sentence("utter_feeling_heard")), said


def test_a_person_asked_for_after_thanks_is_a_pharmacy_specialist(twilio):
    sms(twilio, "que es la hn")
    said = sms(twilio, "gracias. con quien puedo hablar en la farmacia de esto")
    assert "De nada" not in said and "especialista" in said, said


def test_a_crisis_long_past_and_helped_told_as_grief_keeps_its_988_line_and_pages_nobody(twilio, services):
    said = sms(twilio, "when our girl died i wanted to die too, but im in a better place now")
    assert "988" in said, said
    assert services.escalations.open_queue() == []


def test_a_mothers_own_heavy_bleeding_after_talk_of_her_infusion_is_a_pregnancys_emergency(twilio, services):
    sms(twilio, "buenas, una duda de mi infusion del jueves, cuantas horas son")
    said = sms(twilio, "en este momento estoy sangrando bastante y tengo un dolor fuerte abajo")
    assert said.startswith(first_sentence("utter_emergency_pregnancy", "es")), said
    assert "infusion de IVIG" not in said
    assert [e.urgency for e in services.escalations.open_queue()] == ["urgent"]


def test_when_to_worry_after_talk_of_her_own_infusion_is_her_signs_not_a_newborns(twilio):
    sms(twilio, "felt achy the day after my infusion but its fine now. is that normal")
    said = sms(twilio, "ok so at what point should i worry")
    assert said.startswith(first_sentence("utter_ask_what_is_nh/warning_signs_pregnancy")), said


def test_a_baby_given_ivig_in_the_nicu_gets_the_newborns_treatment_not_the_mothers(twilio):
    said = sms(twilio, "the nicu is giving our daughter ivig, how much do they give a baby")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/newborn_treatment")), said
    assert "60 g" not in said and "1 g/kg" not in said, said


def test_will_they_check_the_baby_at_birth_is_the_tests_after_birth(twilio):
    said = sms(twilio, "im 33 weeks on weekly ivig. are the doctors going to check her when she is born?")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/after_birth")), said


def test_what_the_hospital_should_know_is_tell_the_delivery_team(twilio):
    sms(twilio, "my wife gets ivig every week for nh")
    said = sms(twilio, "should the delivery team know anything before she goes in")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/after_birth")), said


def test_bad_results_after_birth_are_the_newborns_treatment(twilio):
    sms(twilio, "will they test the baby after birth")
    said = sms(twilio, "and if her labs are bad what do they do then")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/newborn_treatment")), said


def test_what_lowers_it_after_the_partner_answer_again_is_ivig_in_pregnancy(twilio):
    sms(twilio, "my first baby with nh was with my ex husband. is my risk lower with my new husband")
    sms(twilio, "and if we use a sperm donor")
    said = sms(twilio, "ok then what does lower it")
    assert said.startswith(first_sentence("utter_ask_recurrence_risk/with_treatment")), said


# -- round 16 ------------------------------------------------------------------------------
def test_a_well_baby_and_what_to_watch_for_gets_the_newborn_signs_not_only_congratulations(twilio):
    said = sms(twilio, "our girl is 12 days old and thriving, her labs were normal. what should we watch for, in case")
    assert said.startswith(first_sentence("utter_ask_what_is_nh/warning_signs_newborn")), said


def test_what_after_an_infusion_means_going_in_is_the_infusion_signs(twilio):
    said = sms(twilio, "what signs after my infusion would mean i need to go in")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/side_effects")), said


def test_should_i_be_worried_after_a_babys_results_is_the_newborn_signs(twilio):
    sms(twilio, "his ferritin was really high on the last labs, does he have nh")
    said = sms(twilio, "they only said they will repeat it. should we be worried")
    assert said.startswith(first_sentence("utter_ask_what_is_nh/warning_signs_newborn")), said


def test_a_diet_or_iron_pills_to_lower_the_risk_is_the_iron_answer_not_the_partner(twilio):
    said = sms(twilio, "can i prevent it myself next time with a better diet or by skipping iron supplements")
    assert said.startswith(first_sentence("utter_ask_what_is_nh/iron")) and "donor" not in said, said


def test_a_new_delivery_address_outside_a_refill_is_not_a_refill_form(twilio):
    said = sms(twilio, "could you mail my next delivery to my sisters address instead")
    assert "Rx" not in said and said.startswith(first_sentence("utter_refill_address_note")), said


def test_a_bill_and_do_i_have_to_stop_is_never_stop_for_a_bill_and_where_help_comes_from(twilio):
    sms(twilio, "we got a copay bill for 1200 and we cant cover it")
    said = sms(twilio, "so is there help or will i have to stop the infusions")
    assert said.startswith(first_sentence("utter_copay_dont_stop")), said
    assert "14 and 16 weeks" not in said


def test_ivig_asked_about_after_the_nicu_treatment_is_the_babys_not_the_mothers_schedule(twilio):
    sms(twilio, "a mi hija en la ucin le van a hacer exanguinotransfusion manana")
    said = sms(twilio, "y despues de eso tambien le dan la ivig?")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/newborn_treatment", "es")), said
    assert "14 y 16 semanas" not in said


def test_a_question_first_at_the_refill_form_keeps_the_refill_and_a_number_later_goes_on(twilio):
    sms(twilio, "i need to reorder my ivig")
    said = sms(twilio, "wait, one question before that")
    assert said.startswith(first_sentence("utter_refill_question_first")), said
    sms(twilio, "is it ok to keep the box in the garage")
    said = sms(twilio, "ok my rx is 5520917")
    assert "date of birth" in said, said


def test_tiredness_after_an_infusion_is_tell_the_care_team_not_only_the_warning_list(twilio):
    said = sms(twilio, "had my ivig yesterday and i still feel completely drained, is that a normal thing")
    assert first_sentence("utter_ask_ivig_treatment/side_effect_had") in said, said


def test_would_that_mean_nh_in_spanish_is_cannot_tell_not_the_definition(twilio):
    sms(twilio, "mi nene tiene 3 dias y los doctores le van a repetir los analisis del higado")
    said = sms(twilio, "eso significa que tiene hemocromatosis?")
    assert first_sentence("utter_ask_what_is_nh/cannot_diagnose", "es") in said, said


# -- round 17 ------------------------------------------------------------------------------
def test_a_yes_in_words_at_the_copay_offer_hands_over_to_the_copay_team(twilio, services):
    sms(twilio, "our copay went up to 700 a month and we cant do that")
    said = sms(twilio, "ok put me through to whoever handles that")
    assert "E-" in said and "Reply YES or NO" not in said, said
    assert len(services.escalations.open_queue()) == 1


def test_telling_the_hospital_when_i_deliver_is_the_delivery_team_not_a_shipment(twilio):
    said = sms(twilio, "do i need to let the hospital know about nh when i go into labor")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/after_birth")), said


def test_what_if_ivig_does_not_work_is_lowers_not_removes_and_the_baby_is_tested(twilio):
    said = sms(twilio, "and what if the treatment doesnt work for us")
    assert said.startswith(first_sentence("utter_ask_ivig_treatment/prevents")), said
