"""Spanish on every channel (issue 14): a family that writes or speaks Spanish is answered
in Spanish from the first reply, through the signed SMS webhook, a phone call and the web
chat, for every topic, a refill, a hand-off, an emergency in the middle of a form and a
switch of language. Assertions are on what the patient reads or hears."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.nlu.language import detect
from tests.chat import REPO
from tests.helpers import PATIENT, urgent_first
from tests.voice_caller import VoiceCaller

LA = ZoneInfo("America/Los_Angeles")
WEBHOOK = "/webhooks/rest/webhook"
RESPONSES = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]


def spanish(name: str, channel: str | None = None) -> str:
    """A response's Spanish text (its variation for `channel`, else the plain one)."""
    found = [v for v in RESPONSES[name]
             if any(c.get("value") == "es" for c in v.get("condition") or [])]
    for variation in found:
        if variation.get("channel") == channel:
            return str(variation["text"])
    return str(next(v for v in found if not v.get("channel"))["text"])


def opening(name: str, channel: str | None = None) -> str:
    """The first sentence of a Spanish answer, as the SMS channel sends it (á í ó ú plain)."""
    first = re.split(r"(?<=[.:?])\s", spanish(name, channel))[0].split("{")[0]  # up to a value
    return first if channel == "twilio_voice" else first.translate(str.maketrans("áíóúÁÍÓÚ", "aiouAIOU"))


def in_spanish(text: str) -> bool:
    found, _ = detect(text)
    return found == "es"


def sms(twilio, text: str) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(twilio.say(text))


@pytest.fixture()
def open_hours(clock):  # type: ignore[no-untyped-def]
    clock.now = datetime.fromisoformat("2026-11-24 10:00").replace(tzinfo=LA).timestamp()


# -- texts --------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "answer"), [
    ("que es la hemocromatosis neonatal", "utter_ask_what_is_nh/definition"),
    ("mi primer bebe tuvo hn, puede volver a pasar en otro embarazo?", "utter_ask_recurrence_risk/chance"),
    ("para que sirve la ivig en el embarazo", "utter_ask_ivig_treatment/overview"),
    ("no puedo pagar el copay de la ivig, hay ayuda?", "utter_ask_copay_help/overview"),
    ("a que hora abren", "utter_out_of_scope/hours"),
])
def test_each_topic_is_answered_in_spanish_from_the_first_reply(twilio, text, answer):
    said = sms(twilio, text)
    assert opening(answer) in said
    assert "automated assistant" not in said  # the introduction is in Spanish too
    assert in_spanish(said)


def test_a_spanish_refill_by_text(twilio, services):
    assert in_spanish(sms(twilio, "necesito un refill de mi medicina"))
    assert in_spanish(sms(twilio, "7654321"))
    done = sms(twilio, "03/14/1990")
    assert re.search(r"R-\d+", done) and in_spanish(done)
    [request] = services.refills.recent()
    assert (request.prescription_number, request.date_of_birth) == ("7654321", "1990-03-14")


def test_an_emergency_in_the_middle_of_a_spanish_refill_comes_first(twilio, services):
    sms(twilio, "quiero pedir mi resurtido")
    said = twilio.say("mi bebe no respira y esta morado")
    assert urgent_first(said[0]) and "911" in said[0] and in_spanish(said[0])
    assert services.escalations.open_queue()[0].urgency == "urgent"


def test_a_spanish_hand_off_is_told_in_spanish(twilio, services, open_hours):
    said = sms(twilio, "quiero hablar con una persona por favor")
    assert re.search(r"E-\d+", said) and in_spanish(said)
    assert services.escalations.open_queue()


def test_a_switch_of_language_is_followed_at_once(twilio):
    english = sms(twilio, "what is nh")
    assert not in_spanish(english)
    switched = sms(twilio, "en español por favor")
    assert in_spanish(switched)
    assert opening("utter_ask_ivig_treatment/overview") in sms(twilio, "y que es la ivig?")
    back = sms(twilio, "English please")
    assert not in_spanish(back)


def test_one_ambiguous_word_does_not_flip_the_language(twilio):
    sms(twilio, "que es la hn")
    assert in_spanish(sms(twilio, "ok"))


# -- the web chat -----------------------------------------------------------------------------
def test_the_web_chat_answers_in_spanish(app):
    client = app.test_client()
    asked = {"sender": "web-es", "message": "cuales son los efectos secundarios de la ivig"}
    replies = client.post(WEBHOOK, json=asked).get_json()
    said = " ".join(r["text"] for r in replies)
    assert spanish("utter_ask_ivig_treatment/side_effects").split(".")[0] in said


# -- a phone call -------------------------------------------------------------------------------
def spanish_says(turn) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.text or "" for document in turn.documents for s in document.iter("Say")
            if s.get("language") == "es-US"]


def test_9_at_the_menu_turns_the_call_spanish(twilio, open_hours):
    caller = VoiceCaller(twilio)
    caller.start()
    menu = caller.press("9")
    gather = menu.gather
    assert gather.get("language") == "es-US" and "resurtido" in gather.get("hints", "")
    assert spanish("utter_voice_menu", "twilio_voice") in spanish_says(menu)
    assert all(s.get("voice") == "Polly.Lupe-Neural" for s in gather.findall("Say"))
    # Keys and spoken digits in Spanish: "dos" is 2, the chance it comes back.
    heard = caller.say("dos")
    assert opening("utter_ask_recurrence_risk/chance", "twilio_voice") in " ".join(spanish_says(heard))


def test_saying_espanol_turns_the_call_spanish_and_questions_are_answered(twilio, open_hours):
    caller = VoiceCaller(twilio)
    caller.start()
    caller.say("Español")
    heard = caller.say("que es la ivig")
    assert heard.gather.get("language") == "es-US"
    assert opening("utter_ask_ivig_treatment/overview", "twilio_voice") in " ".join(spanish_says(heard))


def test_a_spanish_refill_by_keypad_is_read_back_in_spanish(twilio, services, open_hours):
    caller = VoiceCaller(twilio)
    caller.start()
    caller.press("9")
    caller.press("5")
    caller.press("7654321", finished_on_key="#")
    check = caller.press("03141990")
    spoken = " ".join(spanish_says(check))
    assert "14 de marzo de 1990" in spoken and "7, 6, 5, 4, 3, 2, 1" in spoken
    done = caller.press("1")
    assert re.search(r"R, 1, 0, 0", " ".join(spanish_says(done)))
    [request] = services.refills.recent()
    assert request.date_of_birth == "1990-03-14"


def test_a_spanish_caller_reaching_a_person_hears_the_transfer_in_spanish(twilio, open_hours):
    caller = VoiceCaller(twilio)
    caller.start()
    caller.press("9")
    transfer = caller.press("0")
    assert transfer.waiting == "Dial"
    assert spanish("utter_voice_transfer", "twilio_voice") in spanish_says(transfer)


def test_a_spanish_voicemail_prompt_and_no_english_transcription(twilio, clock):
    clock.now = datetime.fromisoformat("2026-11-28 22:00").replace(tzinfo=LA).timestamp()  # closed
    caller = VoiceCaller(twilio)
    caller.start()
    caller.press("9")
    voicemail = caller.press("0")
    assert voicemail.waiting == "Record"
    assert spanish("utter_voice_voicemail", "twilio_voice") in spanish_says(voicemail)
    # Twilio transcribes English only: a Spanish voicemail is kept as a recording.
    assert voicemail.element.get("transcribe") == "false"


# -- SMS keywords in Spanish ---------------------------------------------------------------
@pytest.mark.parametrize("word", ["PARAR", "alto", "Cancelar", "BAJA", "detener."])
def test_a_spanish_opt_out_word_opts_out_and_is_confirmed_once_in_spanish(twilio, services, word):
    reply = twilio.sms(word)
    # Twilio's own filter knows English words only, so the bot confirms, in Spanish.
    assert len(reply.messages) == 1 and "Se dio de baja" in reply.messages[0]
    assert "COMENZAR" in reply.messages[0]
    assert services.consent.is_opted_out(PATIENT)
    assert services.consent.get(PATIENT).source == "keyword"
    assert twilio.sms("que es la hn").messages == []  # nothing more is texted


def test_after_parar_si_and_comenzar_opt_back_in_in_spanish(twilio, services):
    twilio.sms("PARAR")
    back = twilio.sms("Sí")
    assert "Le damos la bienvenida" in " ".join(back.messages)
    assert not services.consent.is_opted_out(PATIENT)
    twilio.sms("baja")
    assert "Le damos la bienvenida" in " ".join(twilio.sms("COMENZAR").messages)
    twilio.sms("alto")
    assert "Le damos la bienvenida" in " ".join(twilio.sms("inicio").messages)


def test_si_answers_the_bots_question_when_never_opted_out(twilio, services):
    twilio.say("necesito un refill")
    reply = " ".join(twilio.sms("si").messages)
    assert "bienvenida" not in reply and "activados" not in reply
    assert not services.consent.is_opted_out(PATIENT)


def test_ayuda_gets_the_help_text_in_spanish_and_help_follows_the_conversation(twilio):
    ayuda = " ".join(twilio.sms("AYUDA").messages)
    assert "ayuda automatica" in ayuda.replace("á", "a") and "911" in ayuda and "PARAR" in ayuda
    twilio.say("hola, mi bebe tuvo hemocromatosis, puede volver a pasar?")
    help_text = " ".join(twilio.sms("HELP").messages)
    assert "Para una emergencia, llame al 911" in help_text  # the conversation is in Spanish


def test_english_help_stays_english_for_an_english_conversation(twilio):
    twilio.say("what is nh")
    assert "automated help from your pharmacy" in " ".join(twilio.sms("HELP").messages)


@pytest.mark.parametrize("text", [
    "ya no me manden mensajes", "Ya no me manden mensajes por favor", "dejen de mandarme mensajes",
    "no quiero recibir mas mensajes", "quítenme de la lista", "denme de baja", "paren los textos",
    "no me escriban más", "basta de mensajes",
])
def test_plain_spanish_revocations_opt_out_with_one_spanish_confirmation(twilio, services, text):
    twilio.say("hola")
    reply = twilio.sms(text)
    assert len(reply.messages) == 1 and "Se dio de baja" in reply.messages[0]
    assert services.consent.is_opted_out(PATIENT)
    assert services.consent.get(PATIENT).source == "plain language"


@pytest.mark.parametrize("text", [
    "no me manden el refill todavia", "ya no quiero la ivig, es normal?", "dejen de mandarme el medicamento a la casa",
    "cancelar el refill",
])
def test_stopping_something_other_than_the_texts_is_a_question_for_the_bot_in_spanish(twilio, services, text):
    twilio.say("hola")
    assert twilio.sms(text).messages
    assert not services.consent.is_opted_out(PATIENT)


def test_a_spanish_emergency_in_a_revocation_gets_911_in_spanish_first(twilio, services):
    reply = twilio.sms("ya no me manden mensajes, mi bebe no respira")
    assert "911" in reply.messages[0] and in_spanish(reply.messages[0])
    assert "Se dio de baja" in reply.messages[-1]
    assert services.escalations.open_queue()[0].language == "es"


def test_without_a_support_number_spanish_texts_say_la_farmacia_not_the_pharmacy():
    from bot.dialogue.responses import UNSET_SUPPORT_PHONE, ResponseRenderer

    renderer = ResponseRenderer(RESPONSES)
    for name in ("utter_help_keyword", "utter_out_of_scope/contact", "utter_handoff_failed"):
        said = renderer.render(name, "twilio_sms", {"language": "es"}, {"support_phone": UNSET_SUPPORT_PHONE})
        assert said is not None and "the pharmacy" not in said["text"], name
        assert "la farmacia" in said["text"], name
    english = renderer.render("utter_help_keyword", "twilio_sms", {"language": "en"},
                              {"support_phone": UNSET_SUPPORT_PHONE})
    assert english is not None and "call the pharmacy" in english["text"]


@pytest.mark.parametrize(("asked", "answer"), [
    ("a que hora abren?", "utter_out_of_scope/hours"),
    ("donde estan ubicados?", "utter_out_of_scope/location"),
])
def test_with_a_person_on_it_the_pharmacys_facts_are_still_answered_in_spanish(twilio, services, open_hours,
                                                                              asked, answer):
    sms(twilio, "quiero hablar con una persona por favor")
    said = sms(twilio, asked)
    assert opening(answer) in said and in_spanish(said)
    assert "Agregamos su mensaje" not in said
    # The specialist sees the question and the bot's answer.
    found = services.escalations.get(services.escalations.open_queue()[0].reference, with_lines=True)
    assert [line["text"] for line in found.transcript if line.get("from") == "patient"][-1] == asked


def test_with_a_person_on_it_small_talk_still_waits_for_the_person(twilio, services, open_hours):
    sms(twilio, "quiero hablar con una persona por favor")
    said = sms(twilio, "oye y que opinas del clima de hoy")
    assert "Lo siento, solo puedo ayudar" not in said


def test_how_ivig_helps_asked_with_porfa_is_a_question_not_an_emergency(twilio, services):
    said = sms(twilio, "que es la ivig y como ayuda con la hn porfa")
    assert "Llame al 911 ahora" not in said and "inmunoglobulina" in said.lower()
    assert not [e for e in services.escalations.open_queue() if e.is_urgent]


def test_with_a_person_on_it_thanks_and_goodbye_get_an_answer_not_message_added(twilio, services, open_hours):
    sms(twilio, "quiero hablar con una persona por favor")
    said = sms(twilio, "muchas gracias por todo")
    assert "agregamos su mensaje" not in said.lower()
    assert said.strip()


def test_a_spanglish_first_message_is_answered_in_spanish(twilio):
    said = "\n".join(twilio.say("hola, the box no ha llegado"))
    assert said.startswith("Hola, soy NH Support Line") and "envios" in said.lower().replace("í", "i")

