"""The Flask app factory: builds the bot's parts once and registers the routes."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.channels import rest
from bot.channels.sms import webhook as twilio_sms
from bot.channels.twilio.signature import TwilioSignatureCheck
from bot.channels.voice import ivr as twilio_voice
from bot.console import views as console
from bot.engine.assembly import Engine, build_processor, load_engine
from bot.engine.handoff import EscalationDesk
from bot.engine.processor import MessageProcessor
from bot.hours import BusinessHours
from bot.jobs.queue import enqueue_staff_notification
from bot.logs import configure_logging
from bot.project import Project
from bot.records.connection import EmbeddedRedis, client_for_url, resolve_redis_url
from bot.records.consent import ConsentLedger
from bot.records.escalations import EscalationStore
from bot.records.keys import Keys
from bot.records.refills import RefillStore
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything a request may need, built once per process (`app.extensions`)."""

    settings: Settings
    redis: redis.Redis
    engine: Engine
    processor: MessageProcessor
    escalations: EscalationStore
    refills: RefillStore
    consent: ConsentLedger
    hours: BusinessHours
    keys: Keys
    clock: Callable[[], float]
    embedded: EmbeddedRedis | None = None


def build_services(settings: Settings, *, clock: Callable[[], float] = time.time,
                   engine: Engine | None = None) -> Services:
    url, embedded = resolve_redis_url(settings.redis_url, settings.var_dir)
    # In-process custom actions read their settings from the same environment variables
    # an action server would use: make them agree with the settings given here.
    os.environ.update({
        "REDIS_URL": url,
        "REDIS_KEY_PREFIX": settings.key_prefix,
        "SUPPORT_PHONE": settings.support_phone,
        "BUSINESS_HOURS": settings.business_hours,
        "TIMEZONE": settings.timezone,
    })
    client = client_for_url(url)
    keys = Keys(settings.key_prefix)
    hours = BusinessHours.parse(settings.business_hours, settings.timezone)
    engine = engine or load_engine(Project(settings.project_dir), settings)
    escalations = EscalationStore(
        client, keys, clock=clock,
        on_opened=lambda reference: enqueue_staff_notification(client, keys.prefix, reference),
    )
    processor = build_processor(
        engine, client, settings, desk=EscalationDesk(escalations, hours, clock), clock=clock
    )
    return Services(
        settings=settings,
        redis=client,
        engine=engine,
        processor=processor,
        escalations=escalations,
        refills=RefillStore(client, keys, clock),
        consent=ConsentLedger(client, keys, clock),
        hours=hours,
        keys=keys,
        clock=clock,
        embedded=embedded,
    )


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Flask:
    settings = settings or (services.settings if services else Settings.from_env())
    configure_logging()
    services = services or build_services(settings)

    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=settings.max_body_bytes, JSON_SORT_KEYS=False)
    if settings.trusted_proxy_hops:
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.extensions["nh_support"] = services

    if settings.environment == "production" and not settings.public_base_url:
        log.warning("PUBLIC_BASE_URL is not set: signatures are checked against forwarded "
                    "headers, and staff notifications link to the address requests came in on")
    signature = TwilioSignatureCheck(
        [t for t in (settings.twilio_auth_token, settings.twilio_auth_token_secondary) if t],
        settings.public_base_url,
        settings.twilio_validate_signatures,
    )
    app.register_blueprint(rest.create_blueprint(services))
    sms = twilio_sms.SmsChannel(
        processor=services.processor,
        consent=services.consent,
        escalations=services.escalations,
        renderer=services.engine.renderer,
        redis=services.redis,
        keys=services.keys,
        support_phone=settings.support_phone,
    )
    app.register_blueprint(twilio_sms.create_blueprint(sms, signature))
    app.register_blueprint(twilio_voice.create_blueprint(services, signature))
    app.register_blueprint(console.create_blueprint(services))
    _register_health(app, services)
    _register_errors(app)
    return app


def _register_health(app: Flask, services: Services) -> None:
    @app.get("/healthz")
    def healthz() -> Any:
        checks = {"model": services.engine.nlu.fingerprint, "redis": "ok"}
        try:
            services.redis.ping()
        except redis.RedisError:
            checks["redis"] = "unavailable"
            return jsonify(status="unavailable", **checks), 503
        return jsonify(status="ok", **checks)


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
