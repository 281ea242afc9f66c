"""Which language a message is in: English or Spanish, from the little words people use.

Measured on the project's English held-out sets and the Spanish training data (README,
"Spanish"): this reads short texts better than lingua-language-detector limited to the
two languages (which is wrong on 12-15% of texts of three words or fewer, and costs
about 100 MB), and it says nothing when it cannot tell ("ok", "no", a number, a name),
so a conversation never flips language on one ambiguous word.
"""

from __future__ import annotations

import re
import unicodedata

_SPANISH = re.compile(
    r"\b(?:el|la|los|las|mi|mis|que|esta|estoy|tiene|tengo|bebe|hijo|hija|por|para|con|pero|como|donde"
    r"|cuando|porque|puedo|quiero|ayuda|gracias|hola|si|le|lo|se|de|del|al|en|un|una|muy|mucho|su|sus"
    r"|es|son|hay|nos|les|tambien|ahora|hoy|cuanto|cual|quien|esto|eso|aqui|nada|todo|toda|buenos|buenas"
    r"|dias|tardes|noches|usted|ustedes|necesito|quisiera|puede|favor|ella|ellos|era|fue|estaba|medicina"
    r"|embarazada|hablar|llamar|receta|aseguranza|espanol|porfa|adios|bueno|claro|vale|oiga|senora|senor"
    r"|no ha|han|llegado|llego|llega|todavia|aun)\b"
)
_ENGLISH = re.compile(
    r"\b(?:the|my|is|are|and|but|she|he|her|his|what|how|if|i|im|it|its|not|of|to|in|have|has|was|this"
    r"|that|with|you|your|can|will|do|does|did|been|just|get|got|after|we|our|please|thanks|thank|yes"
    r"|hi|hello|hey|bye|need|want|call|would|should|could|about|there|they|baby|when|why|who|where)\b"
)
_SPANISH_MARKS = re.compile(r"[ñ¿¡áíóú]")
_ASKS_FOR_SPANISH = re.compile(
    r"^\W*(?:(?:en |in )?(?:espanol|spanish)(?: (?:por favor|porfa|please))?|hablo espanol|habla espanol\W*"
    r"|(?:puede|pueden|podria) (?:hablar|contestar|escribir)(?:me)? en espanol|en espanol por favor)\W*$"
)
_ASKS_FOR_ENGLISH = re.compile(
    r"^\W*(?:(?:in |en )?(?:english|ingles)(?: (?:please|por favor))?|(?:speak|reply|write|answer) (?:in )?english"
    r"(?: please)?|do you speak english|can you speak english)\W*$"
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# "my english not so good", "sorry for my bad english", "no hablo mucho inglés": offered Spanish.
_WEAK_ENGLISH = re.compile(
    r"\b(?:my english (?:is )?(?:not|no|isnt)(?: so| very| too)? good"
    r"|my english (?:is )?(?:bad|poor|not great|a little)|(?:bad|poor|broken|little) english"
    r"|(?:dont|do not|no) speak (?:much |good |very good )?english|english (?:is )?hard for me"
    r"|no hablo (?:mucho |bien )?(?:el )?ingles|hablo poco (?:el )?ingles|no entiendo (?:bien )?(?:el )?ingles)\b")


def weak_english(text: str) -> bool:
    return bool(_WEAK_ENGLISH.search(_plain(text).replace("'", "")))


def requested(text: str) -> str | None:
    """A request to switch: "español", "en español por favor", "English please"."""
    plain = _plain(text).strip()
    if _ASKS_FOR_SPANISH.match(plain):
        return "es"
    if _ASKS_FOR_ENGLISH.match(plain):
        return "en"
    return None


def detect(text: str) -> tuple[str | None, int]:
    """The language ("en", "es" or None when it cannot tell) and how many more of its
    words the message has than of the other's (a letter only Spanish uses counts one)."""
    plain = _plain(text)
    spanish = len(_SPANISH.findall(plain)) + (1 if _SPANISH_MARKS.search(text.lower()) else 0)
    english = len(_ENGLISH.findall(plain))
    if spanish > english:
        return "es", spanish - english
    if english > spanish:
        return "en", english - spanish
    return None, 0


def language_of(text: str, current: str | None, first_message: bool) -> str | None:
    """The conversation's language after this message: a request switches at once; so
    does the first message of a conversation if it tells; later, only a message that
    clearly is in the other language (two words more of it)."""
    asked = requested(text)
    if asked:
        return asked
    found, margin = detect(text)
    if found is None or found == current:
        return current
    return found if first_message or margin >= 2 else current
