"""What a caller gave at a prompt, as the call (not the dialogue) needs to know it: keys,
or words; words that are keys said aloud ("two", "press zero"), sounds that are no
answer ("um", "hello?"), and asking to hear something again. Everything else a caller
says goes to the dialogue, which understands it once."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_SPEECH = 500

# Keys said aloud, in English and in Spanish ("dos", "oprima cero").
_NUMBERS = {"zero": "0", "one": "1", "won": "1", "two": "2", "to": "2", "too": "2", "three": "3",
            "four": "4", "for": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "ate": "8",
            "nine": "9", "star": "*", "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4",
            "cinco": "5", "seis": "6", "siete": "7", "ocho": "8", "nueve": "9", "asterisco": "*",
            **{str(n): str(n) for n in range(10)}}
_SPOKEN_KEY = re.compile(r"^(?:(?:press|push|option|number|key|dial|oprima|oprimo|marque|marco|opcion"
                         r"|numero|tecla|el|la)\s+)?(\w+)(?:\s+(?:please|por favor))?$")
_FILLER = re.compile(r"^(?:u+[mh]+|e+r+m*|h+m+|m+h*m*|a+h+|u+h+ h+u+h+|hello\?*|e+h+|este+|alo+|bueno+)$")
_REPEAT = re.compile(r"\b(repeat|say (that|it) again|hear (that|it) again|one more time"
                     r"|repita|repite|repetir|otra vez|de nuevo)\b")
# Asking for the menu itself, not a question that mentions options ("my copay options").
_MENU = re.compile(r"^(?:(?:go )?(?:back )?(?:to )?(?:the )?(?:main )?(?:menu|options)|start (?:over|again)"
                   r"|(?:(?:volver|regresar) al )?(?:el )?menu(?: principal)?|(?:las )?opciones"
                   r"|empezar de nuevo)(?: (?:please|por favor))?$")
_SHORT = 6  # words: navigation is said in a few words


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Heard:
    digits: str = ""
    speech: str = ""
    filler: bool = False  # a sound, not an answer
    repeat: bool = False
    menu: bool = False

    @property
    def silence(self) -> bool:
        return not self.digits and not self.speech


def listen(form: Mapping[str, Any]) -> Heard:
    digits = str(form.get("Digits") or "").strip()
    speech = str(form.get("SpeechResult") or "").strip().lstrip("/")[:MAX_SPEECH]
    if digits or not speech:
        return Heard(digits=digits)
    plain = re.sub(r"[^\w\s]", "", _without_accents(speech.lower())).strip()
    key = _SPOKEN_KEY.match(plain)
    if key and key.group(1) in _NUMBERS:
        return Heard(digits=_NUMBERS[key.group(1)])
    if _FILLER.match(plain):
        return Heard(speech=speech, filler=True)
    short = len(speech.split()) <= _SHORT
    return Heard(speech=speech, repeat=short and bool(_REPEAT.search(plain)),
                 menu=short and bool(_MENU.search(plain)))
