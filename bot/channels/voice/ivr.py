"""`POST /twilio/voice` and the steps of a call that its TwiML names.

A call: the emergency line and the greeting, then the main menu (keypad or speech).
Topics go through the same dialogue as SMS (keypad keys as Rasa intent shortcuts,
speech as plain text, so the emergency net hears every word); answers are spoken, then
"anything else?". No input or no match is asked again twice, then a person.

Beside this file: `voice_calls.py` (the call's state in Redis, one run per CallSid and
step, the TwiML cached for Twilio's repeats), `voice_twiml.py` (words and verbs),
`voice_refill.py` (a refill by keypad), `voice_person.py` (`<Dial>` in business hours,
else a voicemail that becomes an escalation). Whatever breaks, the caller hears an
apology, the number to call and the 911 line: never an error page, never silence.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Request, Response, abort, request
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from bot.channels.twilio.signature import TwilioSignatureCheck
from bot.channels.voice.calls import CallLog, CallState, Heard, Step, Voicemails, as_int
from bot.channels.voice.person import SpecialistLine
from bot.channels.voice.refill import RefillByPhone
from bot.channels.voice.twiml import CHANNEL, MAX_TWIML_BYTES, VoiceScript
from bot.engine.processor import TurnResult, UserMessage
from bot.nlu import safety
from bot.nlu.safety import EMERGENCY_INTENT
from bot.privacy import mask_phone

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

MAX_REPROMPTS = 2  # then a person (or voicemail)
MAX_SPEECH = 500
MENU_TOPICS = {"1": "/ask_what_is_nh", "2": "/ask_recurrence_risk", "3": "/ask_ivig_treatment",
               "4": "/ask_copay_help"}
OFFERS = {"utter_copay_help", "utter_offer_specialist", "utter_refill_too_many_attempts"}
NOT_SPOKEN = {"utter_anything_else"}  # the call asks this itself, with its keys
REFILL_INTENTS = {"request_refill", "inform"}
_REPEAT = re.compile(r"\b(repeat|say (that|it) again|hear (that|it) again|one more time)\b")
# Asking for the menu itself, not a question that mentions options ("my copay options").
_MENU = re.compile(r"^(?:(?:go )?(?:back )?(?:to )?(?:the )?(?:main )?(?:menu|options)|start (?:over|again))"
                   r"(?: please)?$")
# A key said aloud ("two", "press zero", "9"): the same as pressing it.
_NUMBERS = {"zero": "0", "one": "1", "won": "1", "two": "2", "to": "2", "too": "2", "three": "3",
            "four": "4", "for": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "ate": "8",
            "nine": "9", **{str(n): str(n) for n in range(10)}}
_SPOKEN_KEY = re.compile(r"^(?:(?:press|push|option|number|key|dial)\s+)?(\w+)(?:\s+please)?$")
# Sounds, not words: a no-match, asked again (and counted towards a person).
_FILLER = re.compile(r"^(?:u+[mh]+|e+r+m*|h+m+|m+h*m*|a+h+|u+h+ h+u+h+|hello\?*)$")
_HELP_COMING = re.compile(r"\b(?:already )?(?:called|dialed|rang|phoned) (?:9 ?1 ?1|nine one one|an ambulance)\b"
                          r"|\b(?:ambulance|paramedics|911) (?:is|are) (?:here|coming|on (?:the|their|its) way)\b")
# "I haven't called 911", "has anyone called 911", "I called 911 but now she is seizing"
_NOT_YET = re.compile(r"\b(?:not|havent|hasnt|didnt|nobody|no one|noone|anyone|should i|can you|but|still)\b")


def _help_is_coming(speech: str) -> bool:
    """Only a plain "I called 911 already": anything doubtful is an emergency still."""
    plain = re.sub(r"[^\w\s]", "", speech.lower())
    if not _HELP_COMING.search(plain) or _NOT_YET.search(plain):
        return False
    return not safety.check(_HELP_COMING.sub(" ", plain)).matched


_SHORT_NO = 4  # words: "no thanks", "no that's all"; longer "no"-sounding sentences are asked again

Prompt = Callable[[Step, list[str]], VoiceResponse]  # asks again, after these lead texts


class VoiceIvr:
    """The call's steps, by the name their URL carries (`/twilio/voice/<name>?step=N`)."""

    def __init__(self, services: Services) -> None:
        self.processor = services.processor
        self.script = VoiceScript(services.engine.renderer, services.settings)
        self.calls = CallLog(services.redis, services.keys.prefix)
        self.person = SpecialistLine(
            self.script, services.settings, services.hours, services.clock,
            Voicemails(services.redis, services.keys.prefix, services.escalations),
        )
        self.transfer = self.person.transfer
        self.refill = RefillByPhone(self, services.refills, services.hours, services.clock)
        self.steps: dict[str, Callable[[Step], VoiceResponse]] = {
            "start": self.on_call, "menu": self.on_menu, "more": self.on_more,
            "offer": self.on_offer, "emergency": self.on_emergency,
            **self.person.steps(), **self.refill.steps(),
        }
        self.script.check(name for name in services.engine.domain.responses
                          if name.startswith("utter_voice_"))
        self.script.check(["utter_emergency_alert_failed", "utter_refill_submitted",
                           "utter_refill_failed", "utter_refill_cancelled", *OFFERS])

    # -- the request wrapper: de-duplication and failing soft -------------------------
    def respond(self, name: str, form: Mapping[str, Any], number: int, base_url: str) -> Response:
        call_sid = str(form.get("CallSid") or "").strip()
        if not call_sid or number < 0:
            log.warning("voice webhook %s without a CallSid or step number", name)
            return _xml(self.failure(form))
        try:
            twiml = self._run(name, form, number, call_sid, base_url)
        except Exception as exc:
            log.error("call %s step %d (%s) failed: %s", call_sid, number, name, type(exc).__name__)
            twiml = self.failure(form)
            with contextlib.suppress(Exception):  # a retry then gets the same apology
                self.calls.finish(call_sid, number, None, twiml)
        return _xml(twiml)

    def _run(self, name: str, form: Mapping[str, Any], number: int, call_sid: str,
             base_url: str) -> str:
        answered = self.calls.answered(call_sid, number)
        if answered is not None:
            log.info("call %s step %d repeated: same answer again", call_sid, number)
            return answered
        if not self.calls.claim(call_sid, number):
            twin = self.calls.wait_for_twin(call_sid, number)
            return twin if twin is not None else self._one_moment(name, number, base_url)
        phone = str(form.get("From") or "")
        state = self.calls.load(call_sid) or CallState(phone=phone)
        step = Step(name, number, call_sid, state.phone or phone, form, state, base_url,
                    misses_before=state.misses)
        state.misses = 0
        step.heard = self.hear(step)
        twiml = str(self.steps[name](step))
        if len(twiml.encode()) > MAX_TWIML_BYTES:
            raise ValueError(f"TwiML of {len(twiml)} characters")
        self.calls.finish(call_sid, number, state, twiml)
        log.info("call %s step %d %s answered", call_sid, number, name)
        return twiml

    def _one_moment(self, name: str, number: int, base_url: str) -> str:
        """A copy of a step still running elsewhere: come back for its answer."""
        response = VoiceResponse()
        self.script.say(response, [self.script.text("utter_voice_one_moment")])
        response.pause(length=1)
        path = "/twilio/voice" if name == "start" else f"/twilio/voice/{name}?step={number}"
        response.redirect(base_url + path, method="POST")
        return str(response)

    def failure(self, form: Mapping[str, Any]) -> str:
        """Sorry, the number to call and 911; in business hours, try a specialist first."""
        response = VoiceResponse()
        speech = str(form.get("SpeechResult") or "")
        if speech and safety.check(speech).matched:
            self.script.say(response, [self.script.text("utter_emergency_alert_failed")])
        if self.person.available():  # a person, if one is there; no action: Twilio goes on below
            self.script.say(response, [self.script.text("utter_voice_error_connecting")])
            self.person.dial(response, action=None)
            # Heard after the specialist hangs up too, so it must not say something failed.
            self.script.say(response, [self.script.text("utter_voice_error_after_dial")])
        else:
            self.script.say(response, [self.script.text("utter_voice_error")])
        response.hangup()
        return str(response)

    # -- listening ----------------------------------------------------------------------
    def hear(self, step: Step) -> Heard:
        digits = str(step.form.get("Digits") or "").strip()
        speech = str(step.form.get("SpeechResult") or "").strip().lstrip("/")[:MAX_SPEECH]
        if digits or not speech:
            return Heard(digits=digits)
        plain = re.sub(r"[^\w\s]", "", speech.lower()).strip()
        key = _SPOKEN_KEY.match(plain)
        if key and key.group(1) in _NUMBERS:
            return Heard(digits=_NUMBERS[key.group(1)])
        if _FILLER.match(plain):
            return Heard(speech=speech, intent="nlu_fallback")
        intent = self.processor.parse(speech)["intent"]["name"]
        lowered, short = plain, len(speech.split()) <= 6
        meaning = {EMERGENCY_INTENT: "emergency", "request_specialist": "specialist",
                   "affirm": "yes", "deny": "no", "cancel": "cancel"}.get(intent)
        if meaning != "emergency" and short and _REPEAT.search(lowered):
            meaning = "repeat"
        elif meaning != "emergency" and short and _MENU.search(lowered):
            meaning = "menu"
        return Heard(speech=speech, intent=intent, meaning=meaning)

    def missed(self, step: Step, ask: Prompt) -> VoiceResponse:
        """No input or no match: ask again, twice at most, then a person."""
        step.state.misses = step.misses_before + 1
        if step.state.misses > MAX_REPROMPTS:
            step.state.misses = 0
            return self.transfer(step, [self.script.text("utter_voice_trouble")])
        lead = "utter_voice_no_input" if step.heard.silence else "utter_voice_reprompt"
        return ask(step, [self.script.text(lead)])

    # -- the menu and the dialogue ----------------------------------------------------
    def on_call(self, step: Step) -> VoiceResponse:
        metadata = {"channel": CHANNEL, "phone": step.phone}
        self.processor.start_session(step.call_sid, CHANNEL, metadata)
        log.info("call %s from %s", step.call_sid, mask_phone(step.phone))
        response = VoiceResponse()
        self.script.say(response, [self.script.text("utter_voice_greeting")])
        menu = [self.script.text("utter_voice_menu")]
        return self.script.gather(response, step.next_url("menu"), menu)

    def ask_menu(self, step: Step, lead: list[str] | None = None) -> VoiceResponse:
        texts = [*(lead or []), self.script.text("utter_voice_menu")]
        return self.script.gather(VoiceResponse(), step.next_url("menu"), texts)

    def on_menu(self, step: Step) -> VoiceResponse:
        heard = step.heard
        if heard.digits:
            if heard.digits in MENU_TOPICS:
                return self.converse(step, MENU_TOPICS[heard.digits])
            keys = {"5": self.refill.start, "0": self.transfer, "9": self.ask_menu}
            return self._key(step, keys, self.ask_menu)
        if heard.meaning == "no":
            # Nothing was asked that "no" could answer: a stray word must not end the call.
            return self.missed(step, self.ask_menu)
        return self.on_words(step, self.ask_menu)

    def _key(self, step: Step, keys: Mapping[str, Callable[[Step], VoiceResponse]],
             ask_again: Prompt) -> VoiceResponse:
        """A key on this prompt's list, or asked again."""
        action = keys.get(step.heard.digits)
        return action(step) if action else self.missed(step, ask_again)

    def on_words(self, step: Step, ask_again: Prompt) -> VoiceResponse:
        """What a caller said at the menu or at "anything else?"."""
        heard = step.heard
        if heard.silence:
            return self.missed(step, ask_again)
        if heard.meaning == "emergency":
            return self.emergency(step)
        if heard.meaning == "specialist":
            return self.transfer(step)
        if heard.meaning == "repeat":
            return ask_again(step, [])
        if heard.meaning == "menu":
            return self.ask_menu(step)
        if heard.meaning == "yes" or heard.intent == "greet":
            # "yes, something else" at "anything else?"; at the menu it answers nothing,
            # and counts towards a person so that no caller loops on the menu.
            return self.missed(step, ask_again) if ask_again == self.ask_menu else self.ask_menu(step)
        if heard.intent in REFILL_INTENTS:
            return self.refill.start(step)
        if heard.intent == "nlu_fallback":
            return self.missed(step, ask_again)
        return self.converse(step, heard.speech)

    def converse(self, step: Step, text: str) -> VoiceResponse:
        result = self.processor.handle_message(UserMessage(
            text=text,
            sender_id=step.call_sid,
            input_channel=CHANNEL,
            message_id=f"{step.call_sid}:{step.number}",
            metadata={"phone": step.phone, "channel": CHANNEL},
        ))
        return self.answer(step, result)

    def answer(self, step: Step, result: TurnResult) -> VoiceResponse:
        names = [m.get("response") or "" for m in result.messages]
        texts = [m["text"] for m in result.messages
                 if m.get("text") and m.get("response") not in NOT_SPOKEN]
        if result.emergency or any(n.startswith("utter_emergency") for n in names):
            return self.emergency_said(step, result)
        if "utter_goodbye" in names:
            response = VoiceResponse()
            self.script.say(response, texts)
            response.hangup()
            return response
        if any(n in OFFERS for n in names):
            step.state.said = texts
            return self.script.gather(VoiceResponse(), step.next_url("offer"), texts)
        return self.say_then_ask_more(step, texts)

    def say_then_ask_more(self, step: Step, texts: list[str]) -> VoiceResponse:
        step.state.said = texts
        response = VoiceResponse()
        self.script.say(response, texts)
        return self.script.gather(response, step.next_url("more"),
                                  [self.script.text("utter_voice_anything_else")])

    def ask_more(self, step: Step, lead: list[str] | None = None) -> VoiceResponse:
        texts = [*(lead or []), self.script.text("utter_voice_anything_else")]
        return self.script.gather(VoiceResponse(), step.next_url("more"), texts)

    def on_more(self, step: Step) -> VoiceResponse:
        heard = step.heard
        if heard.digits == "9" or heard.meaning == "repeat":
            return self.say_then_ask_more(step, step.state.said)
        if heard.digits:
            keys = {"1": self.ask_menu, "2": lambda s: self.script.goodbye(VoiceResponse()),
                    "0": self.transfer}
            return self._key(step, keys, self.ask_more)
        if heard.meaning == "no" and len(heard.speech.split()) > _SHORT_NO:
            # "I'm not sure what that means" reads as a no; a confused caller is asked again.
            return self.missed(step, self.ask_more)
        return self.on_words(step, self.ask_more)

    def ask_offer(self, step: Step, lead: list[str] | None = None) -> VoiceResponse:
        texts = [*lead, self.script.text("utter_voice_yes_no")] if lead else step.state.said
        return self.script.gather(VoiceResponse(), step.next_url("offer"), texts)

    def on_offer(self, step: Step) -> VoiceResponse:
        """A yes or no to the dialogue's offer of a specialist's call."""
        heard = step.heard
        if heard.digits == "9" or heard.meaning == "repeat":
            return self.ask_offer(step)
        if heard.digits:
            keys = {"1": lambda s: self.converse(s, "/affirm"),
                    "2": lambda s: self.converse(s, "/deny"),
                    "0": self.transfer}
            return self._key(step, keys, self.ask_offer)
        if heard.silence or heard.intent == "nlu_fallback":
            return self.missed(step, self.ask_offer)
        if heard.meaning == "emergency":
            return self.emergency(step)
        if heard.meaning == "specialist":
            return self.transfer(step)
        if heard.intent in REFILL_INTENTS:  # by keypad, never the text form's questions
            self.converse(step, "/deny")  # the offer is declined, not left standing
            return self.refill.start(step)
        return self.converse(step, heard.speech)

    # -- emergencies --------------------------------------------------------------------
    def emergency(self, step: Step) -> VoiceResponse:
        """Spoken words that read as an emergency: the dialogue runs action_emergency
        (911 first, an urgent escalation). If that fails, the failure answer still
        leads with 911."""
        return self.converse(step, step.heard.speech)

    def emergency_said(self, step: Step, result: TurnResult) -> VoiceResponse:
        texts = [m["text"] for m in result.messages if m.get("text")]
        names = [m.get("response") or "" for m in result.messages]
        if not any(name.startswith("utter_emergency") for name in names):
            texts.insert(0, self.script.text("utter_emergency_alert_failed"))
        step.state.clear_refill()
        step.state.said = texts
        response = VoiceResponse()
        self.script.say(response, texts)
        return self.script.gather(response, step.next_url("emergency"),
                                  [self.script.text("utter_voice_after_emergency")])

    def on_emergency(self, step: Step) -> VoiceResponse:
        heard = step.heard
        if heard.speech and _help_is_coming(heard.speech):
            # "I called 911 already": not a new emergency; the 911 message again would loop.
            return self.ask_menu(step, [self.script.text("utter_voice_help_coming")])
        if heard.meaning == "emergency":
            return self.emergency(step)
        if heard.digits == "9" or heard.meaning == "repeat":
            response = VoiceResponse()
            self.script.say(response, step.state.said)
            return self.script.gather(response, step.next_url("emergency"),
                                      [self.script.text("utter_voice_after_emergency")])
        if heard.digits == "1" or heard.meaning in {"menu", "yes"}:
            return self.ask_menu(step)
        if heard.digits == "0" or heard.meaning == "specialist":
            return self.transfer(step)
        # Silence after an emergency: the caller is busy with it; end with 911, do not ask again.
        if heard.silence or heard.meaning == "no" or heard.intent == "goodbye" or step.misses_before >= 1:
            response = VoiceResponse()
            self.script.say(response, [self.script.text("utter_voice_emergency_goodbye")])
            response.hangup()
            return response
        return self.missed(step, self.ask_after_emergency)

    def ask_after_emergency(self, step: Step, lead: list[str] | None = None) -> VoiceResponse:
        texts = [*(lead or []), self.script.text("utter_voice_after_emergency")]
        return self.script.gather(VoiceResponse(), step.next_url("emergency"), texts)


def _xml(twiml: str) -> Response:
    return Response(twiml, mimetype="text/xml")


def _base_url(signature: TwilioSignatureCheck, req: Request) -> str:
    """Where Twilio reaches us: PUBLIC_BASE_URL, else this request's scheme and host."""
    return (signature.public_base_url or f"{req.scheme}://{req.host}") + req.script_root


def create_blueprint(services: Services, signature: TwilioSignatureCheck) -> Blueprint:
    ivr = VoiceIvr(services)
    voice = Blueprint("twilio_voice", __name__)

    @voice.post("/twilio/voice")
    @signature.require
    def incoming_call() -> Response:
        return ivr.respond("start", request.form, 0, _base_url(signature, request))

    @voice.post("/twilio/voice/transcription")
    @signature.require
    def transcription() -> Response:
        ivr.person.on_transcription(request.form)
        return Response(status=204)

    @voice.post("/twilio/voice/<name>")
    @signature.require
    def call_step(name: str) -> Response:
        if name not in ivr.steps or name == "start":
            abort(404)
        number = as_int(request.args.get("step"), -1)
        return ivr.respond(name, request.form, number, _base_url(signature, request))

    @voice.errorhandler(Exception)
    def failed(error: Exception) -> Any:
        if isinstance(error, HTTPException) and error.code in {403, 404, 405, 413}:
            return error
        log.error("voice webhook error on %r: %s", request.path[:200], type(error).__name__)
        if request.path == "/twilio/voice/transcription":
            return Response(status=503)
        return _xml(ivr.failure(request.form))

    return voice
