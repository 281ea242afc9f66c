"""What a staff member's draft becomes as a text, checked before it is queued.

A text goes out as GSM-7 (bot/escalation/notify.py `sms_text`): typographic quotes and
dashes become plain ones, accented letters outside GSM-7 lose their accents, a few signs
are spelled out (½ as 1/2, µ as mc, ≥ as >=), and anything else is dropped without a trace
(Chinese, emoji). The console refuses a draft that would lose or change more than quotes,
dashes and accents, and says which characters are the problem.

A reply clearly in the other language than the patient's (bot/nlu/language.py `detect`)
is held once for the staff member to confirm; one that cannot be told ("ok", a time, a
name) goes as it is.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.channels.sms.sizing import GSM7_BASIC, GSM7_EXTENDED, MAX_MESSAGE, septets
from bot.jobs.queue import sms_text
from bot.nlu.language import detect

# What sms_text turns into plain GSM-7 without changing the meaning.
TYPOGRAPHIC = set("\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u2013\u2014\u2012\u2212"
                  "\u2026\u00a0\u2022\t")
SHOWN = 12  # unsendable characters named in the error, at most
CLEARLY = 2  # words more of the other language, as the conversation itself switches


def plain_letter(char: str) -> str | None:
    """The Latin letter under an accented one (ó -> o), if that is all the accent hides."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if base.isascii() and base.isalpha() and marks and all(unicodedata.combining(m) for m in marks):
        return base
    return None


def shown(char: str) -> str:
    """A character as the error names it: itself, or its code point if it is invisible."""
    if unicodedata.category(char)[0] in {"C", "M", "Z"}:
        return f"U+{ord(char):04X}"
    return char


@dataclass(frozen=True)
class Draft:
    text: str
    body: str  # exactly what the patient's phone will show
    unsendable: tuple[str, ...]  # characters a text would drop or change, in order, once each
    unaccented: tuple[str, ...]  # accented letters sent without their accents

    @property
    def problem(self) -> str | None:
        """Why this draft is not sent as it is; None when it can be."""
        if not self.body:
            return "Write a message first. Nothing was sent."
        if self.unsendable:
            names = " ".join(f'"{shown(c)}"' for c in self.unsendable[:SHOWN])
            more = len(self.unsendable) - SHOWN
            extra = f" and {more} more" if more > 0 else ""
            return (f"These characters cannot be sent by text: {names}{extra}. Rewrite the "
                    "message without them (plain letters, digits and punctuation), or call "
                    "the patient. Nothing was sent.")
        if septets(self.body) > MAX_MESSAGE:
            return (f"Too long for two texts: {septets(self.body)} characters, at most "
                    f"{MAX_MESSAGE}. Nothing was sent.")
        return None


def read_draft(text: str) -> Draft:
    """The draft as it would be texted; composed first (e + \u0301 is é, which GSM-7 has)."""
    text = unicodedata.normalize("NFC", text)
    unsendable: list[str] = []
    unaccented: list[str] = []
    for char in text.replace("\r\n", "\n"):
        if char in GSM7_BASIC or char in GSM7_EXTENDED or char in TYPOGRAPHIC:
            continue
        found = unaccented if plain_letter(char) else unsendable
        if char not in found:
            found.append(char)
    return Draft(text=text, body=sms_text(text), unsendable=tuple(unsendable),
                 unaccented=tuple(unaccented))


def other_language(text: str, patient: str) -> str | None:
    """The language this reply is clearly in ("en" or "es") when it is not the patient's;
    None when it is theirs or cannot be told."""
    found, margin = detect(text)
    return found if found is not None and found != patient and margin >= CLEARLY else None
