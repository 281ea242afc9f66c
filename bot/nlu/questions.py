"""Whether a message asks something, in English or in Spanish: a loss told with a
question gets the answer too, and a sign asked about gets the warning signs.

Patterns read the message as safety.normalise leaves it (lower case, no apostrophes,
"?" kept), and for Spanish without accents as well.
"""

from __future__ import annotations

import re

QUESTION_EN = re.compile(r"\?|\b(?:what|why|how|when|will|would|could|can|should|is|are|does|do|did)\b(?! have been)")
# "I don't even know why I'm texting": said, not asked.
NOT_ASKED = re.compile(r"\b(?:i )?(?:dont|don't|do not) (?:even |really )?know (?:why|what|how)\b|would have been")
# Spanish asks with a question word, written without "¿" or "?" as often as with them:
# "q es eso", "cuando empieza la ivig", "a las cuantas semanas". Not "dijeron que era" or
# "cuando nació": "que" and "cuando" start a question only before a verb that asks.
QUESTION_ES = re.compile(
    r"\?|\b(?:que|q|cual|cuales) (?:es|son|significa|quiere decir|pasa|hago|hacemos|puedo|debo|sigue|tan)\b"
    r"|\b(?:cuando|cuanto|cuantos|cuantas|como|donde|cada cuanto|a las cuantas) (?:\w+ )?"
    r"(?:empieza\w*|inicia\w*|comienza\w*"
    r"|es|son|cuesta|dura|duran|puedo|podemos|debo|debe|tengo|tiene|hay|va|van|semanas)\b"
    r"|\bpor ?que\b(?! (?:no|nunca) )|\b(?:es|fue|sera) (?:mi|su|nuestra) culpa\b"
    r"|^(?:y )?(?:puedo|podemos|se puede|hay|tengo que|debo|es normal|es verdad)\b")


# Grief asked about is heard, question or not: "will it ever get easier?", "¿algún día duele menos?"
GRIEF_ASKED = re.compile(
    r"\b(?:it|this|grief|the pain|things|life) (?:ever |will )?(?:gets?|getting|becomes?) (?:any |a little |a bit )?"
    r"easier\b|\b(?:ever )?stops? hurting\b|\bhurt less\b"
    r"|\b(?:se hace|se vuelve|va a ser|sera) (?:un poco )?(?:mas )?facil\b|\bduele menos\b|\bdeja de doler\b")


def asks(english: str, spanish_text: str, spanish: bool) -> bool:
    """Does the message ask something? `english` is the normalised text, `spanish_text`
    the same without accents."""
    if spanish:
        return bool(QUESTION_ES.search(spanish_text))
    return bool(QUESTION_EN.search(NOT_ASKED.sub("", english)))
