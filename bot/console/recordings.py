"""Voicemail audio for the console, fetched from Twilio with the account's credentials.

Twilio recordings of a HIPAA project need HTTP auth, which a staff member's browser does
not have: the console fetches the audio on their behalf (a staff request, never a
webhook), only from a link that names one recording of this account (checked again here,
whatever is stored), and hands on only what Twilio answers as audio.
"""

from __future__ import annotations

import requests

from bot.channels.twilio.recordings import recording_sid_of
from bot.settings import Settings

TIMEOUT = 10  # seconds
MAX_BYTES = 20 * 1024 * 1024  # Twilio voicemails here last at most 110 s


class RecordingUnavailable(Exception):
    """The recording cannot be fetched; the message says why, without PHI."""


def fetch_recording(settings: Settings, recording_url: str) -> bytes:
    """The recording as MP3."""
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise RecordingUnavailable("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set")
    if recording_sid_of(recording_url, settings) is None:
        raise RecordingUnavailable("the stored link is not a Twilio recording of this account")
    try:
        with requests.get(f"{recording_url}.mp3", timeout=TIMEOUT, stream=True,
                          auth=(settings.twilio_account_sid, settings.twilio_auth_token),
                          allow_redirects=False) as response:
            if response.status_code != 200:
                raise RecordingUnavailable(f"Twilio answered HTTP {response.status_code}")
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if not kind.startswith("audio/"):
                raise RecordingUnavailable("Twilio's answer is not audio")
            audio = bytearray()
            for chunk in response.iter_content(64 * 1024):
                audio += chunk
                if len(audio) > MAX_BYTES:
                    raise RecordingUnavailable("the recording is too large")
            return bytes(audio)
    except requests.RequestException as exc:
        raise RecordingUnavailable(f"Twilio could not be reached ({type(exc).__name__})") from None
