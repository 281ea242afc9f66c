"""The phone channel as an adapter on the dialogue engine.

The dialogue decides what a caller hears (answers, offers, the refill form, emergencies)
from the same Rasa files as every channel; its `twilio_voice` response variations carry
the spoken wording and, in `custom`, how the call waits for the answer. This module only
runs the call: one step per Twilio request, named in the URL the last TwiML gave
(`/twilio/voice/<prompt>?step=N`). Its state table:

| prompt    | reached by                               | keys                               |
|-----------|------------------------------------------|------------------------------------|
| menu      | the call's start, "menu", 1 after others  | the menu's buttons (1 what NH is...) |
| more      | an answer that asked nothing back         | 1 the menu, 2 goodbye               |
| offer     | a reply with buttons (a yes/no, a check)  | that reply's buttons               |
| entry     | the refill form asking for a number       | digits, ended by # or counted      |
| emergency | the 911 instruction                      | 1 the menu; silence ends the call  |

Everywhere: 0 is a person (a transfer, or voicemail when closed), star says it again, 9
switches between English and Spanish (except while keying a number), and no input, a key
not offered or words that answer nothing at the menu are asked again twice, then a person.
Words the NLU cannot place after an answer or at an offer go to the dialogue, which may
read them as a follow-up; the second time it cannot, it puts the caller through. The call
speaks the conversation's language (the dialogue's `language` slot): its responses'
Spanish variations, a Spanish voice, and `<Gather language="es-US">` with Spanish hints.
Speech is understood once: keys said aloud, sounds and "repeat" are the call's own;
everything else goes to the dialogue. Whatever breaks, the caller hears 911, an apology
and the number to call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from twilio.twiml.voice_response import VoiceResponse

from bot.channels.voice.listening import listen
from bot.channels.voice.person import SpecialistLine
from bot.channels.voice.step import Step
from bot.channels.voice.twiml import CHANNEL, MAX_TWIML_BYTES, OTHER, VoiceScript
from bot.engine.messages import BotReply, Turn, UserMessage
from bot.engine.processor import MessageProcessor
from bot.nlu import safety
from bot.privacy import mask_phone
from bot.records.calls import CallState, CallStates
from bot.records.deliveries import TwilioDeliveries

log = logging.getLogger(__name__)

PROMPTS = ("menu", "more", "offer", "entry", "emergency")
MAX_REPROMPTS = 2  # then a person (or voicemail)
STEP_TTL = 15 * 60  # a step's answer may read back a prescription number: kept briefly
TWIN_WAIT_SECONDS = 4.0
TO_MENU = "menu"  # a button payload of the call's own: back to the main menu
PERSON, AGAIN, OTHER_LANGUAGE = "0", "*", "9"
# The other language offered at the main menu, said in that language's voice.
OFFER = {"en": "utter_voice_offer_spanish", "es": "utter_voice_offer_english"}
SWITCH_TO = {"en": "español", "es": "English"}  # what the dialogue is told a 9 means
MENU, MORE, AFTER_EMERGENCY = "utter_voice_menu", "utter_anything_else", "utter_voice_after_emergency"
# At the main menu, what a caller says that answers none of its choices is asked again.
# After an answer or at an offer, what the NLU cannot place goes to the dialogue all the
# same: it may be a follow-up ("and a third one?") or a feeling, and the dialogue asks
# which topic was meant, then (the second time) puts the caller through to a person.
ANSWERS_NOTHING = {"menu": {"affirm", "deny", "greet", "nlu_fallback"}}
class CallFlow:
    def __init__(self, processor: MessageProcessor, script: VoiceScript, person: SpecialistLine,
                 calls: CallStates, deliveries: TwilioDeliveries) -> None:
        self.processor = processor
        self.script = script
        self.person = person
        self.calls = calls
        self.deliveries = deliveries
        self.steps: dict[str, Callable[[Step], VoiceResponse]] = {
            "start": self.on_call, **{name: self.on_prompt for name in PROMPTS},
            "transfer": self.person.on_dial_result, "voicemail": self.person.on_recording,
        }
        self.script.check([MENU, MORE, AFTER_EMERGENCY, "utter_emergency_alert_failed",
                           "utter_voice_no_input", "utter_voice_reprompt", "utter_voice_trouble",
                           "utter_voice_help_coming", "utter_voice_emergency_goodbye",
                           "utter_voice_one_moment", "utter_voice_error"])

    # -- a request: once per (CallSid, step), failing soft ------------------------------
    def respond(self, name: str, form: Mapping[str, Any], number: int, base_url: str) -> str:
        call_sid = str(form.get("CallSid") or "").strip()
        if not call_sid or number < 0:
            log.warning("voice webhook %s without a CallSid or step number", name)
            return self.failure(form)
        delivery = f"{call_sid}:{number}"
        try:
            return self.deliveries.answer(
                "voice", delivery, lambda: self._run(name, form, number, call_sid, base_url),
                keep_seconds=STEP_TTL, wait_seconds=TWIN_WAIT_SECONDS,
                busy=lambda: self._one_moment(name, number, base_url))
        except Exception as exc:
            log.error("call %s step %d (%s) failed: %s", call_sid, number, name, type(exc).__name__)
            twiml = self.failure(form)
            try:  # a repeat then gets the same apology
                self.deliveries.keep("voice", delivery, twiml, keep_seconds=STEP_TTL)
            except Exception:
                log.error("call %s step %d: the apology could not be kept", call_sid, number)
            return twiml

    def _run(self, name: str, form: Mapping[str, Any], number: int, call_sid: str,
             base_url: str) -> str:
        phone = str(form.get("From") or "")
        state = self.calls.load(call_sid) or CallState(phone=phone)
        step = Step(name, number, call_sid, state.phone or phone, form, state, base_url,
                    self.script.speaking(state.language), misses_before=state.misses)
        state.misses = 0
        step.heard = listen(form)
        twiml = str(self.steps[name](step))
        if len(twiml.encode()) > MAX_TWIML_BYTES:
            raise ValueError(f"TwiML of {len(twiml)} characters")
        self.calls.save(call_sid, state)
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
        """Sorry, the number to call and 911; in business hours, try a specialist first.
        The call's language may be unknown here (Redis may be what failed): both are said."""
        response = VoiceResponse()
        scripts = (self.script, self.script.other)
        speech = str(form.get("SpeechResult") or "")
        if speech and safety.check(speech).matched:
            for script in scripts:
                script.say(response, [script.text("utter_emergency_alert_failed")])
        if self.person.available():  # a person, if one is there; no action: Twilio goes on below
            for script in scripts:
                script.say(response, [script.text("utter_voice_error_connecting")])
            self.person.dial(response, action=None)
            # Heard after the specialist hangs up too, so it must not say something failed.
            for script in scripts:
                script.say(response, [script.text("utter_voice_error_after_dial")])
        else:
            for script in scripts:
                script.say(response, [script.text("utter_voice_error")])
        response.hangup()
        return str(response)

    # -- the call's start and its prompts ---------------------------------------------
    def on_call(self, step: Step) -> VoiceResponse:
        turn = self.processor.start_session(step.call_sid, CHANNEL, self._metadata(step))
        log.info("call %s from %s", step.call_sid, mask_phone(step.phone))
        return self.ask_menu(step, turn.texts)

    def on_prompt(self, step: Step) -> VoiceResponse:
        heard, prompt = step.heard, step.state.prompt
        if prompt == "emergency":
            return self._after_emergency(step)
        if heard.silence:
            return self.missed(step, silent=True)
        if heard.digits.strip("#*") == PERSON:
            return self.person.transfer(step)
        if heard.digits == OTHER_LANGUAGE and prompt != "entry":
            return self.switch_language(step)
        if prompt == "entry":
            return self.again(step) if heard.repeat else self.converse(
                step, heard.digits.strip("#*") or heard.speech)
        if heard.digits == AGAIN or heard.repeat:
            return self.again(step)
        if heard.digits:
            return self._chosen(step, step.state.choices.get(heard.digits), heard.digits)
        if heard.filler:
            return self.missed(step)
        if heard.menu:
            return self.ask_menu(step)
        parse = self.processor.understand_text(heard.speech)
        intent = parse["intent"]["name"]
        if intent in ANSWERS_NOTHING.get(prompt, set()):
            return self.missed(step)
        if prompt == "more" and intent in {"affirm", "greet"}:  # "yes, something else"
            return self.ask_menu(step)
        return self.converse(step, heard.speech, parse=parse)

    def switch_language(self, step: Step) -> VoiceResponse:
        """9: the other language, told to the dialogue (so the conversation follows), and
        the main menu in it."""
        turn = self.processor.handle_message(UserMessage(
            text=SWITCH_TO[step.script.spoken_language], sender_id=step.call_sid,
            input_channel=CHANNEL, message_id=f"{step.call_sid}:{step.number}",
            metadata=self._metadata(step)))
        step.speak(turn.language or OTHER[step.script.spoken_language])
        return self.ask_menu(step, turn.texts)

    def _chosen(self, step: Step, payload: str | None, key: str) -> VoiceResponse:
        if not payload:
            return self.missed(step)  # a key that is not on this prompt's list
        if payload == TO_MENU:
            return self.ask_menu(step)
        return self.converse(step, key, payload=payload)

    def _after_emergency(self, step: Step) -> VoiceResponse:
        heard = step.heard
        if heard.speech and safety.help_is_on_the_way(heard.speech):
            # "I called 911 already": not a new emergency; the 911 message again would loop.
            return self.ask_menu(step, [step.script.text("utter_voice_help_coming")])
        if heard.digits.strip("#*") == PERSON:
            return self.person.transfer(step)
        if heard.digits == AGAIN or heard.repeat:
            return self.again(step)
        if heard.digits == "1" or heard.menu:
            return self.ask_menu(step)
        spoke = heard.speech and not heard.filler
        intent = self.processor.understand_text(heard.speech)["intent"]["name"] if spoke else ""
        if intent == "affirm":
            return self.ask_menu(step)
        if intent == "request_specialist":
            return self.person.transfer(step)
        # Silence after an emergency: the caller is busy with it; end with 911, do not ask again.
        if heard.silence or intent in {"deny", "goodbye"} or (step.misses_before >= 1 and not intent):
            response = VoiceResponse()
            step.script.say(response, [step.script.text("utter_voice_emergency_goodbye")])
            response.hangup()
            return response
        if intent:  # anything else said goes to the dialogue, which leads with 911 still
            return self.converse(step, heard.speech)
        return self.missed(step)

    # -- asking ------------------------------------------------------------------------
    def ask(self, step: Step, prompt: BotReply, lead: list[str], said: list[str] | None = None,
            aside: str = "") -> VoiceResponse:
        """Say `lead` (and `aside` in the other language's voice), then wait at `prompt`
        (its buttons are the keys, its `custom` says which prompt it is and, for an
        entry, how many digits)."""
        state = step.state
        state.prompt = str(prompt.custom.get("prompt") or ("offer" if prompt.buttons else "more"))
        state.choices = {str(number): button.payload for number, button in enumerate(prompt.buttons, 1)}
        state.entry = ({k: prompt.custom[k] for k in ("num_digits", "finish_on_key") if k in prompt.custom}
                       if state.prompt == "entry" else {})
        state.said = list(lead if said is None else said)
        state.asked = [prompt.text]
        response = VoiceResponse()
        step.script.say(response, lead)
        if aside:
            step.script.other.say(response, [aside])
        return step.script.gather(response, step.next_url(state.prompt), state.asked, state.entry or None)

    def again(self, step: Step) -> VoiceResponse:
        state = step.state
        response = VoiceResponse()
        step.script.say(response, state.said)
        return step.script.gather(response, step.next_url(state.prompt), state.asked, state.entry or None)

    def ask_menu(self, step: Step, lead: list[str] | None = None) -> VoiceResponse:
        """The main menu, with the other language offered first thing."""
        offer = step.script.other.text(OFFER[step.script.spoken_language])
        return self.ask(step, step.script.reply(MENU), lead or [], said=[], aside=offer)

    def missed(self, step: Step, *, silent: bool = False) -> VoiceResponse:
        """No input or no match: asked again, twice at most, then a person."""
        step.state.misses = step.misses_before + 1
        if step.state.misses > MAX_REPROMPTS:
            step.state.misses = 0
            return self.person.transfer(step, [step.script.text("utter_voice_trouble")])
        lead = step.script.text("utter_voice_no_input" if silent else "utter_voice_reprompt")
        response = VoiceResponse()
        step.script.say(response, [lead])
        state = step.state
        return step.script.gather(response, step.next_url(state.prompt), state.asked, state.entry or None)

    # -- the dialogue ------------------------------------------------------------------
    def _metadata(self, step: Step) -> dict[str, Any]:
        return {"phone": step.phone, "channel": CHANNEL}

    def converse(self, step: Step, text: str, *, payload: str | None = None,
                 parse: dict[str, Any] | None = None) -> VoiceResponse:
        turn = self.processor.handle_message(UserMessage(
            text=text, sender_id=step.call_sid, input_channel=CHANNEL,
            message_id=f"{step.call_sid}:{step.number}", metadata=self._metadata(step),
            payload=payload, parse_data=parse))
        return self.answer(step, turn)

    def answer(self, step: Step, turn: Turn) -> VoiceResponse:
        """What the dialogue said, and the prompt it leaves the caller at, in the
        conversation's language (it may just have changed: "español")."""
        step.speak(turn.language)
        replies = [reply for reply in turn.replies if reply.text]
        control = next((r.custom["call"] for r in replies if r.custom.get("call")), None)
        if turn.emergency or any(reply.urgent for reply in replies):
            return self.emergency_said(step, replies)
        if control == "hangup":
            response = VoiceResponse()
            step.script.say(response, [reply.text for reply in replies])
            response.hangup()
            return response
        if control == "transfer":
            lead = [reply.text for reply in replies if not reply.custom.get("call")]
            return self.person.transfer(step, lead)
        last = replies[-1] if replies else None
        if last is not None and (last.buttons or last.custom.get("prompt")):
            return self.ask(step, last, [reply.text for reply in replies[:-1]])
        return self.ask(step, step.script.reply(MORE), [reply.text for reply in replies])

    def emergency_said(self, step: Step, replies: list[BotReply]) -> VoiceResponse:
        texts = [reply.text for reply in replies]
        if not any(reply.urgent for reply in replies):
            texts.insert(0, step.script.text("utter_emergency_alert_failed"))
        return self.ask(step, step.script.reply(AFTER_EMERGENCY), texts)
