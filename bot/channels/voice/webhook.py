"""`POST /twilio/voice` and the steps of a call that its TwiML names, signed like every
Twilio webhook; bot/channels/voice/ivr.py runs them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Request, Response, abort, request
from werkzeug.exceptions import HTTPException

from bot.channels.twilio.signature import TwilioSignatureCheck
from bot.channels.voice.ivr import CallFlow
from bot.channels.voice.person import SpecialistLine
from bot.channels.voice.twiml import VoiceScript
from bot.dialogue.responses import ResponseRenderer
from bot.engine.processor import MessageProcessor
from bot.hours import BusinessHours
from bot.records.calls import CallStates
from bot.records.deliveries import TwilioDeliveries
from bot.records.voicemails import Voicemails
from bot.settings import Settings

log = logging.getLogger(__name__)


def _xml(twiml: str) -> Response:
    return Response(twiml, mimetype="text/xml")


def _step_number(value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return -1


def _base_url(signature: TwilioSignatureCheck, req: Request) -> str:
    """Where Twilio reaches us: PUBLIC_BASE_URL, else this request's scheme and host."""
    return (signature.public_base_url or f"{req.scheme}://{req.host}") + req.script_root


def build_call_flow(processor: MessageProcessor, renderer: ResponseRenderer, settings: Settings,
                    hours: BusinessHours, clock: Callable[[], float], calls: CallStates,
                    voicemails: Voicemails, deliveries: TwilioDeliveries) -> CallFlow:
    script = VoiceScript(renderer, settings)
    person = SpecialistLine(script, settings, hours, clock, voicemails)
    return CallFlow(processor, script, person, calls, deliveries)


def create_blueprint(flow: CallFlow, signature: TwilioSignatureCheck) -> Blueprint:
    voice = Blueprint("twilio_voice", __name__)

    @voice.post("/twilio/voice")
    @signature.require
    def incoming_call() -> Response:
        return _xml(flow.respond("start", request.form, 0, _base_url(signature, request)))

    @voice.post("/twilio/voice/transcription")
    @signature.require
    def transcription() -> Response:
        flow.person.on_transcription(request.form)
        return Response(status=204)

    @voice.post("/twilio/voice/<name>")
    @signature.require
    def call_step(name: str) -> Response:
        if name not in flow.steps or name == "start":
            abort(404)
        number = _step_number(request.args.get("step"))
        return _xml(flow.respond(name, request.form, number, _base_url(signature, request)))

    @voice.errorhandler(Exception)
    def failed(error: Exception) -> Any:
        if isinstance(error, HTTPException) and error.code in {403, 404, 405, 413}:
            return error
        log.error("voice webhook error on %r: %s", request.path[:200], type(error).__name__)
        if request.path == "/twilio/voice/transcription":
            return Response(status=503)
        return _xml(flow.failure(request.form))

    return voice
