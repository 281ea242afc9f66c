"""Speaking on a call: domain responses rendered for `twilio_voice`, shaped for the ear,
and the TwiML verbs the IVR uses, all built with twilio's VoiceResponse."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from twilio.twiml.voice_response import Gather, VoiceResponse

from bot.dialogue.responses import ResponseRenderer
from bot.engine.messages import BotReply
from bot.records.refill_details import digit_by_digit
from bot.settings import Settings

CHANNEL = "twilio_voice"
MAX_TWIML_BYTES = 64_000  # Twilio refuses larger documents (error 11750)
HINTS = {
    "en": ("NH, neonatal hemochromatosis, IVIG, copay, insurance, refill, prescription, "
           "pharmacist, specialist, person, repeat, main menu, emergency, pregnancy, yes, no, Spanish, español"),
    "es": ("HN, hemocromatosis neonatal, IVIG, inmunoglobulina, copago, aseguranza, seguro, resurtido, "
           "receta, farmacéutico, especialista, persona, repita, menú, emergencia, embarazo, sí, no, "
           "inglés, English"),
}
OTHER = {"en": "es", "es": "en"}
MENU_TIMEOUT = 6  # seconds of silence before a Gather gives up
ENTRY_TIMEOUT = 10  # between keypad digits of a number

_REFERENCE = re.compile(r"\b([A-Z])-(\d{3,})\b")  # E-1042, R-100001


def spoken(text: str) -> str:
    """Reference numbers are read one character at a time, so they can be written down."""
    return _REFERENCE.sub(lambda m: digit_by_digit(m.group(1) + m.group(2)), text)


class VoiceScript:
    """Turns response names into `<Say>`s and builds the Gather / Dial / Record verbs, in
    one language: its responses' variations for that language (the `language` slot's
    condition), its voice, and speech recognition set for it (`speaking` gives the same
    script in the other language)."""

    def __init__(self, renderer: ResponseRenderer, settings: Settings, language: str = "en") -> None:
        self.renderer = renderer
        self.settings = settings
        self.spoken_language = "es" if language == "es" else "en"
        spanish = self.spoken_language == "es"
        self.voice = settings.voice_name_es if spanish else settings.voice_name
        self.language = settings.voice_language_es if spanish else settings.voice_language
        self.support_phone = settings.support_phone

    def speaking(self, language: str | None) -> VoiceScript:
        """This script in `language` ("en" or "es")."""
        if (language or "en") == self.spoken_language:
            return self
        return VoiceScript(self.renderer, self.settings, language or "en")

    @property
    def other(self) -> VoiceScript:
        return self.speaking(OTHER[self.spoken_language])

    def check(self, names: Iterable[str]) -> None:
        """Fail at start-up, naming the response, rather than mid-call."""
        missing = sorted(n for n in names if not self.renderer.variations(n, CHANNEL, self.slots))
        if missing:
            raise LookupError(f"domain.yml: the phone channel needs responses {', '.join(missing)}")

    @property
    def slots(self) -> dict[str, str]:
        return {"language": self.spoken_language}

    def reply(self, name: str, **values: str) -> BotReply:
        """A response as the call says it (its `twilio_voice` variation if it has one),
        in this script's language."""
        values = {"support_phone": self.support_phone, **values}
        message = self.renderer.render(name, CHANNEL, self.slots, values)
        if not message or not message.get("text"):
            raise LookupError(f"domain.yml: no text for {name}")
        data = {k: v for k, v in message.items() if k not in {"text", "response"}}
        return BotReply.from_event({"text": message["text"], "data": data,
                                    "metadata": {"utter_action": name}})

    def text(self, name: str, **values: str) -> str:
        return self.reply(name, **values).text

    # -- verbs ------------------------------------------------------------------------
    def say(self, parent: VoiceResponse | Gather, texts: Iterable[str]) -> None:
        for text in texts:
            if text:
                parent.say(spoken(text), voice=self.voice, language=self.language)

    def gather(self, response: VoiceResponse, action: str, texts: Iterable[str],
               entry: Mapping[str, Any] | None = None) -> VoiceResponse:
        """Keypad or speech, the prompt nested so a caller can answer before it ends;
        Twilio comes back to `action` even when it heard nothing. A key picks a choice,
        unless `entry` asks for a number (`num_digits`, or digits ended by `finish_on_key`)."""
        num_digits: int | None = 1
        finish_on_key: str | None = None
        timeout = MENU_TIMEOUT
        if entry:
            num_digits = int(entry["num_digits"]) if entry.get("num_digits") else None
            finish_on_key = entry.get("finish_on_key") or "#"
            timeout = ENTRY_TIMEOUT
        gather = response.gather(
            input="dtmf speech",
            action=action,
            method="POST",
            num_digits=num_digits,
            finish_on_key=finish_on_key,
            timeout=timeout,
            speech_timeout="auto",
            language=self.language,
            hints=HINTS[self.spoken_language],
            action_on_empty_result=True,
        )
        self.say(gather, texts)
        return response

    def dial(self, response: VoiceResponse, number: str, *, caller_id: str | None,
             action: str | None) -> VoiceResponse:
        dial = response.dial(caller_id=caller_id or None, timeout=20, action=action,
                             method="POST" if action else None)
        dial.number(number)
        return response

    def record(self, response: VoiceResponse, action: str,
               transcribe_callback: str) -> VoiceResponse:
        """A voicemail. Twilio transcribes English recordings only: a Spanish one is kept
        without a transcript (staff listen to it in the console)."""
        english = self.spoken_language == "en"
        response.record(
            action=action,
            method="POST",
            max_length=110,
            timeout=5,
            finish_on_key="#",
            play_beep=True,
            transcribe=english,
            transcribe_callback=transcribe_callback if english else None,
        )
        return response

    def goodbye(self, response: VoiceResponse, texts: Iterable[str] = ()) -> VoiceResponse:
        """The one deliberate end of a call: kind words, then hang up."""
        self.say(response, [*texts, self.text("utter_voice_goodbye")])
        response.hangup()
        return response
