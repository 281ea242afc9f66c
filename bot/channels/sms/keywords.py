"""Compliance keywords in texts: opt-out, opt-in and help, and plain-language opt-outs."""

from __future__ import annotations

import re
import string

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
START_WORDS = {"START", "UNSTOP", "YES"}
HELP_WORDS = {"HELP", "INFO"}

STOP, START, HELP = "stop", "start", "help"


def bare_word(body: str) -> str:
    """The message as one upper-case word: spaces and punctuation around it dropped."""
    return body.strip().strip(string.punctuation + " \t\r\n").upper()


def keyword(body: str, opt_out_type: str | None = None) -> str | None:
    """STOP/START/HELP when the whole message is one keyword (any case, punctuation and
    spaces around it ignored), or when Twilio's Advanced Opt-Out matched one."""
    matched = (opt_out_type or "").strip().upper()
    if matched in {"STOP", "START", "HELP"}:
        return matched.lower()
    word = bare_word(body)
    if word in STOP_WORDS:
        return STOP
    if word in START_WORDS:
        return START
    if word in HELP_WORDS:
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


def _normalised(body: str) -> str:
    text = body.lower().replace("\u2019", "'").replace("\u2018", "'").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def is_revocation(body: str) -> bool:
    """A plain-language request to stop texting (FCC 2025: any reasonable means)."""
    return bool(_REVOCATION.search(_normalised(body)))
