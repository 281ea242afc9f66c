"""Compliance keywords in texts: opt-out, opt-in and help, and plain-language opt-outs."""

from __future__ import annotations

import re
import string

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
START_WORDS = {"START", "UNSTOP", "YES"}
HELP_WORDS = {"HELP", "INFO"}

STOP, START, HELP = "stop", "start", "help"

# "stop texting me", "please don't text me anymore", "remove me from this list", ...
_REVOCATION = re.compile(
    r"\b(?:stop|quit|cease)\s+(?:\w+\s+)?(?:texting|messaging|txting|texts|messages|contacting|sending)\b"
    r"|\b(?:do\s*n[o']?t|dont|never)\s+(?:\w+\s+)?(?:text|txt|message|msg|contact|sms)\s+(?:me|us|this number)\b"
    r"|\bno\s+more\s+(?:texts|text messages|messages|sms)\b"
    r"|\b(?:unsubscribe|opt\s*out|remove)\s+(?:me|this number|my number)\b"
    r"|\bremove\s+me\s+from\b"
    r"|\b(?:take|get)\s+me\s+off\s+(?:this|your|the)\s+(?:list|texts?)\b"
    r"|\bi\s+(?:want|would like|wish)\s+to\s+(?:unsubscribe|opt\s*out)\b",
    re.IGNORECASE,
)


def keyword(body: str, opt_out_type: str | None = None) -> str | None:
    """STOP/START/HELP when the whole message is one keyword (any case, punctuation and
    spaces around it ignored), or when Twilio's Advanced Opt-Out matched one."""
    matched = (opt_out_type or "").strip().upper()
    if matched in {"STOP", "START", "HELP"}:
        return matched.lower()
    word = body.strip().strip(string.punctuation + " \t\r\n").upper()
    if word in STOP_WORDS:
        return STOP
    if word in START_WORDS:
        return START
    if word in HELP_WORDS:
        return HELP
    return None


def is_revocation(body: str) -> bool:
    """A plain-language request to stop texting (FCC 2025: any reasonable means)."""
    return bool(_REVOCATION.search(body))
