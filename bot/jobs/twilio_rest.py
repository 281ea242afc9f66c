"""Twilio's REST client, with a timeout and an overridable API host (TWILIO_API_BASE_URL)."""

from __future__ import annotations

from typing import Any

from bot.settings import Settings

REST_TIMEOUT = 10  # seconds; twilio's default client waits forever


def twilio_client(settings: Settings, http_client: Any = None) -> Any:
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        raise RuntimeError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed to send texts")
    client = Client(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        http_client=http_client or TwilioHttpClient(timeout=REST_TIMEOUT),
    )
    if settings.twilio_api_base_url:
        client.api.base_url = settings.twilio_api_base_url
    return client
