"""Voicemail audio for the console, fetched from Twilio with the account's credentials.

Twilio recordings of a HIPAA project need HTTP auth, which a staff member's browser does
not have: the console fetches the audio on their behalf (a staff request, never a
webhook) and only from Twilio's API host, so a stored URL cannot point it elsewhere.
"""

from __future__ import annotations

import requests

from bot.settings import Settings

TIMEOUT = 10  # seconds
MAX_BYTES = 20 * 1024 * 1024  # Twilio voicemails here last at most 110 s


class RecordingUnavailable(Exception):
    """The recording cannot be fetched; the message says why, without PHI."""


def fetch_recording(settings: Settings, recording_url: str) -> bytes:
    """The recording as MP3."""
    base = (settings.twilio_api_base_url or "https://api.twilio.com").rstrip("/") + "/"
    if not recording_url.startswith(base):
        raise RecordingUnavailable("the stored link is not a Twilio recording")
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise RecordingUnavailable("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set")
    url = recording_url if recording_url.endswith(".mp3") else f"{recording_url}.mp3"
    try:
        with requests.get(url, auth=(settings.twilio_account_sid, settings.twilio_auth_token),
                          timeout=TIMEOUT, stream=True, allow_redirects=False) as response:
            if response.status_code != 200:
                raise RecordingUnavailable(f"Twilio answered HTTP {response.status_code}")
            audio = bytearray()
            for chunk in response.iter_content(64 * 1024):
                audio += chunk
                if len(audio) > MAX_BYTES:
                    raise RecordingUnavailable("the recording is too large")
            return bytes(audio)
    except requests.RequestException as exc:
        raise RecordingUnavailable(f"Twilio could not be reached ({type(exc).__name__})") from None
