"""Compliance keywords in texts: opt-out, opt-in and help, and plain-language opt-outs."""

from __future__ import annotations

import re
import string
import unicodedata

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
START_WORDS = {"START", "UNSTOP", "YES"}
HELP_WORDS = {"HELP", "INFO"}
# Spanish, as a Messaging Service's Advanced Opt-Out would list them. Twilio's built-in
# filter knows the English words only, so for these the bot itself confirms (webhook.py).
STOP_WORDS_ES = {"PARAR", "ALTO", "CANCELAR", "BAJA", "DETENER"}
START_WORDS_ES = {"COMENZAR", "INICIO", "SI"}  # SI, like YES, only after an opt-out
HELP_WORDS_ES = {"AYUDA"}
SPANISH_WORDS = STOP_WORDS_ES | START_WORDS_ES | HELP_WORDS_ES
YES_WORDS = {"YES", "SI"}  # otherwise an answer to the bot's question

STOP, START, HELP = "stop", "start", "help"


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def bare_word(body: str) -> str:
    """The message as one upper-case word, without accents: spaces and punctuation
    around it dropped ("¡Sí!" is SI)."""
    return _unaccented(body.strip().strip(string.punctuation + "¡¿ \t\r\n")).upper()


def keyword_language(body: str) -> str | None:
    """"es" for a Spanish keyword, "en" for an English one, None for no keyword."""
    word = bare_word(body)
    if word in SPANISH_WORDS:
        return "es"
    return "en" if word in STOP_WORDS | START_WORDS | HELP_WORDS else None


def keyword(body: str, opt_out_type: str | None = None) -> str | None:
    """STOP/START/HELP when the whole message is one keyword (any case, punctuation and
    spaces around it ignored), or when Twilio's Advanced Opt-Out matched one."""
    matched = (opt_out_type or "").strip().upper()
    if matched in {"STOP", "START", "HELP"}:
        return matched.lower()
    word = bare_word(body)
    if word in STOP_WORDS | STOP_WORDS_ES:
        return STOP
    if word in START_WORDS | START_WORDS_ES:
        return START
    if word in HELP_WORDS | HELP_WORDS_ES:
        return HELP
    return None


# -- plain-language opt-outs ---------------------------------------------------------------
# A revocation is about the texts themselves ("stop texting me", "no more messages",
# "take me off your list") or a bare stop with only politeness around it ("stop please").
# "Stop sending my refill", "unsubscribe from paper bills" or "can i stop ivig" are about
# something else and go to the bot. The patterns read the message lower-cased, with
# apostrophes dropped ("don't" -> "dont") and every other non-letter made a space.

_POLITE = (r"(?:please|pls|plz|now|right now|it|that|this|thanks|thank you|thx|ty|ok|okay|just"
           r"|asap|immediately|already|seriously|again|all|no)")
_END = rf"(?:\s+{_POLITE})*\s*$"  # nothing but politeness to the end of the message
_MESSAGES = r"(?:texts?|txts?|text messages?|messages?|msgs?|sms|reminders?|alerts?|notifications?)"
# Words that may stand between "no more" / "don't want" and the messages: "any more", "these".
_DETERMINERS = r"(?:these|those|this|the|your|ur|any|anymore|more|further|all|such|of|automated)"
_ME = r"(?:me|us|this number|my number|my phone)"
# "this list" or "your texting list" ending the message, or the messages themselves.
_LIST = (rf"(?:(?:{_DETERMINERS}\s+)*(?:(?:texting|text|sms|contact|mailing|call)\s+)?list{_END}"
         rf"|(?:{_DETERMINERS}\s+)*{_MESSAGES}\b)")

_REVOCATION = re.compile(
    "|".join([
        # "stop please", "please stop", "Stop it", "stop now", "i said stop"
        rf"^(?:{_POLITE}\s+)*(?:i\s+said\s+)?(?:{_POLITE}\s+)*(?:stop|stopall|quit|cease|unsubscribe|optout|opt\s+out){_END}",
        # "stop texting me", "please stop messaging", "quit spamming me"
        r"\b(?:stop|quit|cease|halt)\s+(?:\w+\s+){0,2}?(?:texting|txting|messaging|msging|spamming)\b",
        rf"\b(?:stop|quit|cease|halt)\s+(?:\w+\s+){{0,2}}?(?:contacting|calling|bothering|harassing|pestering)(?:\s+{_ME}\b|{_END})",
        # "stop the texts", "stop sending texts", "stop all these messages"
        rf"\b(?:stop|quit|cease|halt)\s+(?:\w+\s+){{0,3}}?{_MESSAGES}\b",
        # "stop sending me these", "stop sending them"
        rf"\b(?:stop|quit|cease|halt)\s+sending\s+(?:(?:me|us)\s+)?(?:these|those|them|this|that|anything|stuff)?{_END}",
        # "cease contact", "no further contact", "stop all communication"
        r"\b(?:stop|cease|end|halt|no\s+more|no\s+further)\s+(?:(?:all|any|further)\s+)?(?:contact|communications?)\b",
        # "don't text me", "please do not message this number", "never contact me again"
        rf"\b(?:dont|do\s+not|never)\s+(?:\w+\s+)?(?:text|txt|message|msg|sms|contact)\s+(?:{_ME}|again|anymore|any\s+more)\b",
        # "I don't want these texts", "i dont want any more texts", "no longer want to get messages"
        rf"\b(?:dont|do\s+not|no\s+longer|never)\s+(?:want|wish|need)\s+(?:to\s+(?:get|receive|have)\s+)?(?:{_DETERMINERS}\s+)*{_MESSAGES}\b",
        r"\b(?:dont|do\s+not|no\s+longer)\s+(?:want|wish)\s+to\s+be\s+(?:texted|messaged|contacted)\b",
        # "no more messages please", "no more texts"
        rf"\bno\s+(?:more|further)\s+(?:{_DETERMINERS}\s+)*{_MESSAGES}\b",
        # "unsubscribe me", "I want to opt out", "opt me out of these texts"
        rf"\b(?:unsubscribe|optout|opt\s+out|opt\s+me\s+out)(?:\s+{_ME})?(?:{_END}|\s+(?:from|of)\s+{_LIST})",
        # "take me off your list", "remove me from this list", "remove my number from your texts"
        rf"\b(?:remove|take|get|delete)\s+{_ME}\s+(?:from|off|off\s+of)\s+{_LIST}",
        r"\b(?:delete|lose|erase)\s+(?:my|this)\s+(?:phone\s+)?number\b",
        r"\bleave\s+(?:me|us)\s+alone\b",
        # "cancel these texts", "end the messages please", "I'd like to end the texts"
        rf"\b(?:cancel|end|turn\s+off|disable)\s+(?:{_DETERMINERS}\s+)*{_MESSAGES}\b",
        # "remove my number", "take my number off"
        rf"\b(?:remove|take)\s+(?:my|this)\s+(?:phone\s+)?number(?:\s+off)?(?:{_END}|\s+(?:from|off)\s+{_LIST})",
    ]),
)


# Spanish, as US Spanish speakers text it (no accents, "mensajes", "textos", Spanglish
# "los texts"): "ya no me manden mensajes", "dejen de mandarme mensajes", "no quiero
# recibir mas mensajes", "quitenme de la lista", "denme de baja". "No me manden el refill"
# or "ya no quiero la ivig" are about something else and go to the bot.
_ES_POLITE = r"(?:por\s+favor|porfa|porfavor|xfa|ya|gracias|ahora|ok|okey|pues|mas|nunca)"
_ES_END = rf"(?:\s+{_ES_POLITE})*\s*$"
_ES_MESSAGES = (r"(?:mensajes?|mensajitos?|msjs?|textos?|texts?|sms|recordatorios?|avisos?|alertas?"
                r"|notificaciones?|mensajes\s+de\s+texto)")
_ES_DETERMINERS = r"(?:los|las|estos|estas|esos|esas|sus|mas|ningun|ninguna|ningunos|todos|todas|tantos|de|mensajes)"
_ES_SEND = (r"(?:manden|mande|mandes|envien|envie|envies|escriban|escriba|escribas|textean|texteen"
            r"|textee|mensajeen|contacten|contacte|llamen|molesten|moleste)")
_ES_SENDING = (r"(?:mandar|mandarme|mandarnos|enviar|enviarme|enviarnos|escribir|escribirme|textear"
               r"|textearme|mensajear|contactar|contactarme|molestar|molestarme)")

_REVOCATION_ES = re.compile(
    "|".join([
        # "parar", "alto por favor", "ya basta", "basta de mensajes"
        rf"^(?:{_ES_POLITE}\s+)*(?:parar|pare|paren|alto|detener|basta|cancelar|baja){_ES_END}",
        rf"\bbasta\s+(?:de\s+)?(?:{_ES_DETERMINERS}\s+)*{_ES_MESSAGES}\b",
        # "ya no me manden mensajes", "no me escriban mas", "no me envien nada"
        rf"\b(?:ya\s+)?no\s+(?:me|nos)\s+(?:\w+\s+)?{_ES_SEND}\s+(?:{_ES_DETERMINERS}\s+)*(?:{_ES_MESSAGES}\b|nada\b|mas{_ES_END})",
        rf"\b(?:ya\s+)?no\s+(?:me|nos)\s+(?:\w+\s+)?{_ES_SEND}{_ES_END}",
        # "dejen de mandarme mensajes", "deje de escribirme", "paren de textearme"
        rf"\b(?:dejen|deje|dejes|paren|pare|para)\s+de\s+{_ES_SENDING}\b(?!\s+(?:el|la)\s)",
        # "paren los mensajes", "cancelen los textos", "quiten las alertas"
        rf"\b(?:paren|pare|parar|detengan|detenga|detener|cancelen|cancele|cancelar|quiten|quite|quitar"
        rf"|suspendan|suspender|apaguen|desactiven)\s+(?:{_ES_DETERMINERS}\s+)*{_ES_MESSAGES}\b",
        # "no quiero recibir mas mensajes", "ya no quiero mensajes", "no deseo mas textos"
        rf"\b(?:no|ya\s+no)\s+(?:quiero|queremos|deseo|deseamos|necesito)\s+(?:(?:recibir|que\s+me\s+manden|que\s+me\s+envien)\s+)?(?:{_ES_DETERMINERS}\s+)*{_ES_MESSAGES}\b",
        # "no mas mensajes por favor"
        rf"\bno\s+mas\s+{_ES_MESSAGES}\b",
        # "quitenme de la lista", "borren mi numero", "saquen mi numero de su lista"
        r"\b(?:quitenme|quiteme|sacarme|quitarme|sacame|quitame|saquenme|saqueme|borrenme|borreme|eliminenme|elimineme)"
        r"\s+de\s+(?:la|su|esta|sus)\s+(?:lista|listas|mensajes|textos)\b",
        r"\b(?:borren|borre|eliminen|elimine|quiten|quite|saquen|saque)\s+(?:mi|este)\s+(?:numero|telefono|celular)\b",
        # "denme de baja", "quiero darme de baja", "me doy de baja"
        r"\b(?:denme|deme|darme|dame|doy|dar)\s+de\s+baja\b",
        # "dejenme en paz"
        r"\b(?:dejenme|dejeme|dejame)\s+en\s+paz\b",
    ]),
)


def _normalised(body: str) -> str:
    text = _unaccented(body.lower().replace("\u2019", "'").replace("\u2018", "'").replace("'", ""))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def is_revocation(body: str) -> bool:
    """A plain-language request to stop texting (FCC 2025: any reasonable means, in the
    patient's language)."""
    text = _normalised(body)
    return bool(_REVOCATION.search(text) or _REVOCATION_ES.search(text))


def revocation_language(body: str) -> str | None:
    """"es" or "en" for the language a plain-language revocation is in, else None."""
    text = _normalised(body)
    if _REVOCATION_ES.search(text):
        return "es"
    return "en" if _REVOCATION.search(text) else None
