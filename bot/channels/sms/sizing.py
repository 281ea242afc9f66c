"""SMS sizing: GSM-7 only, at most two segments per message, at most two messages a turn."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

# The GSM 03.38 basic character set (one septet each).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: allowed, but each costs two septets.
GSM7_EXTENDED = set("^{}\\[~]|€\f")
SINGLE_SEGMENT = 160
CONCATENATED_SEGMENT = 153
MAX_SEGMENTS = 2
MAX_MESSAGE = CONCATENATED_SEGMENT * MAX_SEGMENTS  # 306 septets
MAX_MESSAGES_PER_TURN = 2

_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ", "\u2022": "-", "\t": " ",
    # Numbers must never change meaning ("1/2" read as "12").
    "\u00bd": "1/2", "\u00bc": "1/4", "\u00be": "3/4", "\u2153": "1/3", "\u2154": "2/3",
    "\u0111": "d", "\u0110": "D",
    "\u2044": "/", "\u2265": ">=", "\u2264": "<=", "\u00b5": "mc",
}


_DEGREES = re.compile("\u00b0\\s*([CF](?![a-z]))?")
_MIXED_FRACTION = re.compile("(\\d)([\u00bd\u00bc\u00be\u2153\u2154])")


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def septets(text: str) -> int:
    return sum(2 if char in GSM7_EXTENDED else 1 for char in text)


def segments(text: str) -> int:
    """How many SMS segments Twilio bills for this text (UCS-2 counted if not GSM-7)."""
    if is_gsm7(text):
        size = septets(text)
        return 1 if size <= SINGLE_SEGMENT else -(-size // CONCATENATED_SEGMENT)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


_GSM7_ALL = frozenset(GSM7_BASIC | GSM7_EXTENDED)


def to_gsm7(text: str) -> str:
    """Replace typographic characters; drop anything GSM-7 cannot carry."""
    if _GSM7_ALL.issuperset(text):  # the usual case: nothing to do
        return text
    text = _MIXED_FRACTION.sub(r"\1 \2", text)  # 1½ -> 1 1/2, not 11/2
    text = _DEGREES.sub(lambda m: " degrees" + (f" {m.group(1)}" if m.group(1) else ""), text)
    for bad, good in _REPLACEMENTS.items():
        text = text.replace(bad, good)
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            out.append(char)
            continue
        # A letter with accents keeps its letter (a for á); anything else that cannot be
        # sent is dropped rather than turned into something else (NFKD makes ½ "12").
        base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        out.append(base if len(base) == 1 and base.isalpha() and base in GSM7_BASIC else "")
    return "".join(out)


def pack(texts: list[str]) -> list[str]:
    """Join short replies so a turn needs as few messages as possible.

    Each result is GSM-7 and at most two segments (when each text is). More than two
    results means the turn said too much for SMS: `fit_turn` decides what gives way.
    """
    packed: list[str] = []
    for raw in texts:
        text = to_gsm7(raw).strip()
        if not text:
            continue
        if packed and septets(packed[-1]) + 2 + septets(text) <= MAX_MESSAGE:
            packed[-1] = f"{packed[-1]}\n\n{text}"
        else:
            packed.append(text)
    return packed


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def fit_turn(texts: list[str], expendable: Sequence[str] = (), stand_ins: Mapping[str, str] | None = None) -> list[str]:
    """A turn's replies as at most MAX_MESSAGES_PER_TURN messages, joined where they fit.

    `expendable` names texts of the turn that may give way, least important first (the
    introduction, then a notice): each is cut to its first sentences, or left out, until
    the turn fits. Anything else (the answer) is always kept. Should the turn still not
    fit, only its first messages are sent, and the log says so.

    A text with a short stand-in (`stand_ins`: the introduction's "automated, not medical
    advice", safety rule 6) keeps at least its first two sentences or gives way in full to
    the stand-in, said at the end of the turn; where even that has no room, the stand-in is
    a message of its own, the one time a turn may be a message longer.
    """
    kept = list(texts)
    owed: str | None = None
    for text in expendable:
        if len(pack(kept)) <= MAX_MESSAGES_PER_TURN:
            break
        if text not in kept:
            continue
        where = kept.index(text)
        sentences = _SENTENCE_END.split(text.strip())
        stand_in = (stand_ins or {}).get(text)
        shortest = 2 if stand_in else 1  # the introduction's first two sentences say what it must
        for count in range(len(sentences) - 1, -1, -1):  # the longest start that fits, or nothing
            if 0 < count < shortest:
                continue
            kept[where] = " ".join(sentences[:count])
            if len(pack(kept)) <= MAX_MESSAGES_PER_TURN:
                break
        if not kept[where] and stand_in:
            owed = stand_in
    if owed is None:
        return pack(kept)
    if len(pack([*kept, owed])) <= MAX_MESSAGES_PER_TURN:
        return pack([*kept, owed])
    return [*pack(kept)[:MAX_MESSAGES_PER_TURN], to_gsm7(owed).strip()]
