"""The emergency net on its own, and with the classifier: every emergency recognised."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.nlu import safety
from bot.nlu.training_data import load_training_data

HERE = Path(__file__).parent
NET = yaml.safe_load((HERE / "nlu" / "emergency_net.yml").read_text())
HOLDOUT = load_training_data(HERE / "nlu" / "holdout.yml")
HOLDOUT_EMERGENCIES = [e.text for e in HOLDOUT.examples if e.intent == "report_emergency"]
HOLDOUT_OTHERS = [e.text for e in HOLDOUT.examples if e.intent != "report_emergency"]
# The blind emergency sets, kept after their first score: every emergency in them counts.
BLIND_NOW = [text for path in sorted((HERE / "nlu").glob("emergency_cases*.yml"))
             for kind, texts in yaml.safe_load(path.read_text()).items() if kind in ("now", "now_es")
             for text in texts]


@pytest.mark.parametrize("text", NET["emergencies"] + HOLDOUT_EMERGENCIES)
def test_the_net_alone_catches_every_emergency(text):
    assert safety.check(text).matched, text


def test_the_net_rarely_alarms_on_questions_memories_and_other_topics():
    false_alarms = [t for t in NET["not_emergencies"] + HOLDOUT_OTHERS if safety.check(t).matched]
    # A false alarm costs one calm "if this is an emergency, call 911" line; keep them rare.
    assert len(false_alarms) <= 3, false_alarms


@pytest.mark.parametrize(
    "text",
    ["my baby isnt breething", "she is having a cease your", "hes turnin blu",
     "i passed out after the infusion", "soaking through pads at 30 weeks"],
)
def test_typos_and_misheard_speech_still_count(text):
    assert safety.check(text).matched


@pytest.mark.parametrize(
    "text",
    ["what are the warning signs in a newborn", "our son stopped breathing in the nicu and passed away",
     "when should i call 911 for my baby", "is bleeding a side effect of ivig", "no emergency",
     "yes please help me", "urgent refill"],
)
def test_general_questions_past_losses_and_yes_are_not_alarms(text):
    assert not safety.check(text).matched


def test_self_harm_is_recognised_as_its_own_kind():
    assert safety.check("i dont want to live anymore without her").group == "self-harm"


@pytest.mark.parametrize(("text", "group"), [
    ("lately i keep thinking about not waking up", "self-harm"),
    ("honestly i hope i dont wake up tomorrow", "self-harm"),
    ("ojala ya no despertara, la extraño tanto", "autolesion"),
    ("all i want is to go where my daughter is", "self-harm"),
    ("i already said goodbye to my sister and my kids", "self-harm"),
    ("ya me despedi de mi familia, quiero estar con mi bebe", "autolesion"),
])
def test_wishing_not_to_wake_up_or_to_join_the_baby_is_the_parent_at_risk(text, group):
    result = safety.check(text)
    assert result.matched and result.group == group and result.case == "crisis"


def test_through_model_parse_every_emergency_is_report_emergency(app):
    client = app.test_client()
    for text in NET["emergencies"] + HOLDOUT_EMERGENCIES:
        parsed = client.post("/model/parse", json={"text": text}).get_json()
        assert parsed["intent"]["name"] == "report_emergency", text


def test_the_net_alone_catches_every_emergency_of_the_blind_sets():
    # Not the classifier: new examples move it, and twice one of these slipped through.
    assert [text for text in BLIND_NOW if not safety.check(text).matched] == []


def test_every_emergency_of_the_blind_sets_is_report_emergency(app):
    client = app.test_client()
    missed = [text for text in BLIND_NOW
              if client.post("/model/parse", json={"text": text}).get_json()["intent"]["name"] != "report_emergency"]
    assert len(BLIND_NOW) > 500 and missed == []


@pytest.mark.parametrize("text", [
    "pretty sure my water just broke and im only 29 weeks",
    "fluid keeps leaking out of me, 33 weeks",
    "contractions every 4 minutes and im 26 weeks",
    "se me rompio la fuente y tengo 30 semanas",
    "my dog is barking like crazy and the baby is not breathing",  # a person named: it counts
    "i gave my sister all my stuff, i wont be needing any of it",
    "since the infusion i only peed once, a little",  # very little urine after IVIG (F10)
])
def test_labour_too_early_and_quiet_self_harm_are_emergencies(text):
    assert safety.check(text).matched, text


@pytest.mark.parametrize("text", [
    "our cat has been vomiting blood, which vet do you use",
    "mi perrita no respira bien, conocen un veterinario",
    "my truck is leaking fluid so i'll be late for the infusion",
    "the night he died he was so still and grey",
    "my phone is dying, can you send the number by text",
    "at what point exactly do we call 911 for the baby",
    "do you fill the seizure medication the neurologist prescribed",
    "the ER checked him for the vomiting, hes eating fine now",
    "en una pelicula vi un bebe que no respiraba y llore",
    "se me hinchan los tobillos a las 32 semanas, es normal",
    "could someone help me out with the bill, its too much",
    "necesito ayuda financiera ya, no me alcanza para el copago",
    "things we should look out for after the infusion, like a rash or pain?",
])
def test_an_animal_a_thing_a_film_a_memory_or_a_question_about_when_is_not_an_alarm(text):
    assert not safety.check(text).matched, text


def test_a_parent_who_might_hurt_themselves_is_given_988_first(twilio):
    reply = twilio.sms("i don't want to live anymore since we lost her")
    assert "988" in reply.messages[0]
    assert any("911" in message for message in reply.messages)


@pytest.mark.parametrize("text", [
    "im not suicidal, i just cant stop missing him",
    "no voy a hacerme daño, solo la extraño",
    "the hives went away an hour ago after the benadryl",
    "falsa alarma, ya paró el sangrado de la nariz",
])
def test_harm_plainly_denied_or_a_sign_plainly_over_pages_nobody(text):
    assert not safety.check(text).matched, text


@pytest.mark.parametrize("text", [
    "im not suicidal but i have all the pills in my hand",
    "the swelling went away but now her lips are blue",
    "no voy a hacerme daño pero me quiero morir",
])
def test_a_crisis_word_or_a_sign_outside_the_denial_still_counts(text):
    assert safety.check(text).matched, text


@pytest.mark.parametrize("text", [
    "his nosebleed hasnt stopped for 20 minutes, hes 9 days old",
    "la niña devolvio algo negro como cafe hace un rato",
    "nena morada y no llora",
    "respira como si se estuviera ahogando y se pone gris",
    "esta noche voy a acabar con todo, ya no puedo",
    "she was fine last week but now shes not breathing right",
])
def test_a_sign_said_as_a_simile_a_colour_beside_the_baby_or_a_plan_to_end_it_counts(text):
    assert safety.check(text).matched, text


@pytest.mark.parametrize("text", [
    "he had a seizure from a fever in may and hes been fine ever since",
    "her puffy face was an allergy to the new soap, the doctor took care of it",
    "the ultrasound came back perfect after the cramping scare",
    "se le hinchó la cara por un piquete de abeja pero ya la llevamos al doctor",
    "la bebé tuvo una convulsión al nacer en 2021, ahora tiene 3 años y está bien",
    "ok ya entendi lo del 911, pero no esta pasando, nomas queria saber",
    "que sigue con la ivig ahora que la bebe esta en la nicu estable?",
    "mi gato no come, como le explico a mi hija que esta enfermo",
    "the rash went away with the antihistamine, do we still report it to the nurse",
    "a mom in my support group said her baby bled from the cord, is that related to nh",
])
def test_a_sign_that_is_over_told_by_someone_else_or_about_a_pet_pages_nobody(text):
    assert not safety.check(text).matched, text


@pytest.mark.parametrize("text", [
    "the spot where they drew blood is still oozing after half an hour of pressing",
    "her hives are spreading up her neck while the infusion runs",
    "my lips are getting huge since the nurse started the bag",
    "he keeps twitching nonstop on his left side",
    "le toco la pansita y la tiene dura y muy hinchada",
    "mi esposa se trago todas sus pastillas, no se que hacer",
    "ya no tiene sentido seguir, me despido para siempre",
])
def test_oozing_spreading_hives_a_tongue_or_lips_growing_and_nonstop_twitching_count(text):
    assert safety.check(text).matched, text


@pytest.mark.parametrize("text", [
    "all my plants are dying while we are at the hospital so much",
    "i saw a documentary where a newborn wasnt breathing and i could not sleep",
    "only kidding about the ambulance before, everything is okay",
    "estabamos viendo una serie donde un bebe se ponia morado, que miedo",
    "se me estan secando las plantas, ni tiempo tengo",
    "she threw up her formula, no blood in it at all",
])
def test_a_plant_a_show_a_joke_taken_back_or_a_sign_said_to_be_absent_pages_nobody(app, text):
    parsed = app.test_client().post("/model/parse", json={"text": text}).get_json()
    assert parsed["intent"]["name"] != "report_emergency", text


@pytest.mark.parametrize("text", [
    "there is no reason left to keep going since we lost him",
    "this is my goodbye, tell my husband i love him",
    "ive been hoarding my meds for a while now",
    "sorry to bother you about the copay but he just went grey on me",
    "ya no tengo ninguna razon para vivir",
    "este mensaje es mi adios",
    "mi bb se acaba de poner morado",
    "el nino esta amarillo y no ha querido mamar",
    "my son no esta breathing bien",
])
def test_quiet_goodbyes_saved_pills_a_sign_that_just_began_and_spanglish_count(text):
    assert safety.check(text).matched, text


@pytest.mark.parametrize("text", [
    "she just turned three weeks old and is doing great",
    "we went to labour and delivery last night and everything checked out",
    "my older boy bumped his knee, hes running around and fine",
    "i want to be with my baby soon, when do nicu visits start",
    "mi bebe se acaba de dormir por fin",
])
def test_an_age_a_visit_that_checked_out_or_wanting_to_see_the_baby_pages_nobody(app, text):
    parsed = app.test_client().post("/model/parse", json={"text": text}).get_json()
    assert parsed["intent"]["name"] != "report_emergency", text
