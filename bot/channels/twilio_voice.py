"""`POST /twilio/voice` and the call steps its TwiML names (to be built: issue 4)."""

from __future__ import annotations

from flask import Blueprint

from bot.channels.twilio_auth import TwilioSignatureCheck


def create_blueprint(services: object, signature: TwilioSignatureCheck) -> Blueprint:
    return Blueprint("twilio_voice", __name__)
