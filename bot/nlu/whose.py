"""Whose signs, and when: readings of a message (and of the messages before it, in the
actions) that say whether a warning sign is the writer's own, a relative's, in pregnancy,
after an infusion, or a memory. bot/nlu/safety.py decides what is an emergency now."""

from __future__ import annotations

import re

from bot.nlu import safety_es
from bot.nlu.safety import in_spanish, normalise
from bot.nlu.safety_en import _INFUSION, _PREGNANCY
from bot.nlu.tense_en import MARKERS

# Feared for someone else: "my sister is saying goodbye to everyone", "mi hermana se despide".
_SOMEONE_ELSE = re.compile(r"\b(?:my|mi|our|nuestra?) (?:sister|wife|husband|partner|daughter|son|mom|mother|friend"
                           r"|brother|cousin|hermana|esposa|esposo|pareja|hija|hijo|mama|madre|amiga|amigo|hermano|prima|primo)\b")
_MYSELF = re.compile(r"\b(?:i|im|ive|me|myself|my life|yo|me quiero|matarme|morirme|quitarme)\b")


def about_someone_else(text: str) -> bool:
    """Self-harm feared for a relative or friend, nothing said of the writer's own."""
    plain = safety_es.sin_acentos(normalise(text))
    return bool(_SOMEONE_ELSE.search(plain)) and not _MYSELF.search(_SOMEONE_ELSE.sub(" ", plain))


def told_as_past(text: str) -> bool:
    """A sign told as a memory or as over ("had seizures when he was born", "last month")."""
    english = normalise(text)
    spanish_text = safety_es.sin_acentos(english)
    if in_spanish(spanish_text):
        markers = safety_es.MARKERS
        return bool(markers["past"].search(spanish_text) or markers["resolved"].search(spanish_text))
    return bool(MARKERS["past"].search(english) or MARKERS["resolved"].search(english))


def mentions_a_pregnancy(text: str) -> bool:
    plain = safety_es.sin_acentos(normalise(text))
    return bool(_PREGNANCY.search(plain) or safety_es.PREGNANCY.search(plain))


def mentions_an_infusion(text: str) -> bool:
    plain = safety_es.sin_acentos(normalise(text))
    return bool(_INFUSION.search(plain) or safety_es.INFUSION.search(plain))
