"""Which links are Twilio recordings of this account.

The console fetches a voicemail's audio with the account's own credentials (a HIPAA
project's recordings need HTTP auth), so a stored link must name exactly one recording
of this account on Twilio's API host: `{api}/2010-04-01/Accounts/{AC...}/Recordings/RE<32
hex>`, nothing before or after it. Any other resource on that host (calls, messages, the
account) answers the same credentials, and must never be fetched and shown.
"""

from __future__ import annotations

import re

from bot.settings import Settings

TWILIO_API = "https://api.twilio.com"
_RECORDING_SID = re.compile(r"RE[0-9a-f]{32}")


def api_base(settings: Settings) -> str:
    return (settings.twilio_api_base_url or TWILIO_API).rstrip("/")


def recording_sid_of(url: str, settings: Settings) -> str | None:
    """The RecordingSid a link names, if it is one recording of this account; else None."""
    if not settings.twilio_account_sid:
        return None
    prefix = f"{api_base(settings)}/2010-04-01/Accounts/{settings.twilio_account_sid}/Recordings/"
    if not url.startswith(prefix):
        return None
    sid = url[len(prefix):]
    return sid if _RECORDING_SID.fullmatch(sid) else None
