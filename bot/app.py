"""The Flask app factory: builds the bot's parts once and registers the routes, each
blueprint with the parts it uses."""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.channels import rest
from bot.channels.sms.webhook import SmsChannel
from bot.channels.sms.webhook import create_blueprint as sms_blueprint
from bot.channels.twilio.signature import TwilioSignatureCheck
from bot.channels.voice.webhook import build_call_flow
from bot.channels.voice.webhook import create_blueprint as voice_blueprint
from bot.console.views import ConsoleStores
from bot.console.views import create_blueprint as console_blueprint
from bot.health import HealthChecks
from bot.health import create_blueprint as health_blueprint
from bot.logs import configure_logging
from bot.parts import Parts, build_parts
from bot.settings import Settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, parts: Parts | None = None) -> Flask:
    settings = settings or (parts.settings if parts else Settings.from_env())
    configure_logging()
    rest.check_settings(settings)  # before the model is loaded: fail fast
    parts = parts or build_parts(settings)

    app = Flask(__name__)
    # A path with a doubled slash is not ours: 404, not a redirect a webhook would follow unsigned.
    app.url_map.merge_slashes = False
    app.config.update(MAX_CONTENT_LENGTH=settings.max_body_bytes, JSON_SORT_KEYS=False)
    if settings.trusted_proxy_hops:
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    signature = TwilioSignatureCheck(
        [t for t in (settings.twilio_auth_token, settings.twilio_auth_token_secondary) if t],
        settings.public_base_url,
        settings.twilio_validate_signatures,
    )
    if settings.rest_api_enabled:
        app.register_blueprint(rest.create_blueprint(
            parts.processor, parts.engine.renderer, parts.rates, settings, parts.clock))
    app.register_blueprint(sms_blueprint(SmsChannel(
        processor=parts.processor,
        consent=parts.consent,
        escalations=parts.escalations,
        deliveries=parts.deliveries,
        renderer=parts.engine.renderer,
        support_phone=settings.support_phone,
    ), signature))
    app.register_blueprint(voice_blueprint(build_call_flow(
        parts.processor, parts.engine.renderer, settings, parts.hours, parts.clock, parts.calls,
        parts.voicemails, parts.deliveries), signature))
    app.register_blueprint(console_blueprint(ConsoleStores(
        parts.staff, parts.sessions, parts.throttle, parts.audit, parts.escalations, parts.refills,
        parts.consent, parts.outbound, parts.analytics), settings, parts.clock))
    app.register_blueprint(health_blueprint(HealthChecks(
        ping=parts.redis.ping,
        queue_state=parts.watch.state,
        model=parts.engine.nlu.fingerprint,
        metrics=parts.metrics,
        metrics_token=settings.metrics_token,
        metrics_open=settings.environment != "production",
    )))
    _register_errors(app)
    _count_responses(app, parts)
    app.after_request(_strict_transport_security)
    return app


HSTS = "max-age=31536000; includeSubDomains"  # a year; `preload` is the operator's choice


def _strict_transport_security(response: Response) -> Response:
    """Over HTTPS (as the proxy in front reports it): browsers keep to HTTPS from then on,
    so a staff member's session never goes over plain http by a mistyped link."""
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def _count_responses(app: Flask, parts: Parts) -> None:
    """Every response by endpoint and status (a 5xx rate to alert on); no URL, no PHI."""

    @app.after_request
    def count(response: Response) -> Response:
        parts.metrics.response(request.endpoint, response.status_code)
        return response


def _register_errors(app: Flask) -> None:
    """JSON errors with a short message, never a stack trace."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        return jsonify(error=error.name, message=error.description), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        log.error("unhandled %s on %r", type(error).__name__, request.path[:200])
        if isinstance(error, redis.RedisError):
            return jsonify(error="Service Unavailable", message="storage unavailable"), 503
        return jsonify(error="Internal Server Error", message="something went wrong"), 500
