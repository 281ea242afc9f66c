"""The bot's parts, built once per process from its settings: the Redis connection, the
record stores on it, the dialogue engine and the message processor.

`create_app` hands each blueprint the few parts it uses; the shell, `bot test` and the
tests build the same parts. Custom actions get theirs through their constructor
(bot/engine/runner.py), never through the process environment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import redis

from actions.services import Services as ActionServices
from bot.console.audit import AuditLog
from bot.console.auth import LoginThrottle, StaffSessions
from bot.console.users import StaffUsers
from bot.engine.assembly import Engine, build_processor, load_engine
from bot.engine.conversations import ConversationStore
from bot.engine.counting import TurnCounter
from bot.engine.handoff import EscalationDesk
from bot.engine.processor import MessageProcessor
from bot.engine.runner import build_runner
from bot.hours import BusinessHours
from bot.jobs.queue import OutboundQueue
from bot.jobs.watch import OutboundWatch
from bot.metrics import Metrics
from bot.project import Project
from bot.records.analytics import Analytics
from bot.records.calls import CallStates
from bot.records.connection import EmbeddedRedis, client_for_url, resolve_redis_url
from bot.records.consent import ConsentLedger
from bot.records.deliveries import TwilioDeliveries
from bot.records.escalation import Escalation
from bot.records.escalations import EscalationStore
from bot.records.keys import Keys
from bot.records.pages import PageLimits, PageNote
from bot.records.rates import RateLimits
from bot.records.refills import RefillStore
from bot.records.replication import ReplicaWait
from bot.records.voicemails import Voicemails
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def redis_address(url: str) -> str:
    """Where a Redis URL points, without its password: host:port/db, or the socket."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}{parts.path or ''}"


@dataclass
class Parts:
    settings: Settings
    redis: redis.Redis
    keys: Keys
    clock: Callable[[], float]
    hours: BusinessHours
    engine: Engine
    processor: MessageProcessor
    conversations: ConversationStore
    escalations: EscalationStore
    refills: RefillStore
    consent: ConsentLedger
    outbound: OutboundQueue
    deliveries: TwilioDeliveries
    calls: CallStates
    voicemails: Voicemails
    rates: RateLimits
    staff: StaffUsers
    sessions: StaffSessions
    throttle: LoginThrottle
    audit: AuditLog
    analytics: Analytics
    metrics: Metrics
    watch: OutboundWatch
    embedded: EmbeddedRedis | None = None


def _keys(settings: Settings) -> Keys:
    return Keys(settings.key_prefix, settings.pseudonym_secret)


def _outbound(client: redis.Redis, keys: Keys, settings: Settings,
              clock: Callable[[], float]) -> OutboundQueue:
    pages = PageLimits(client, keys, per_minute=settings.staff_pages_per_minute, clock=clock)
    return OutboundQueue(client, keys, pages)


def _escalations(client: redis.Redis, keys: Keys, outbound: OutboundQueue,
                 clock: Callable[[], float], analytics: Analytics,
                 metrics: Metrics | None = None) -> EscalationStore:
    def opened(escalation: Escalation) -> PageNote | None:
        if metrics is not None:
            metrics.escalation_opened()
        return outbound.notify_staff(escalation)

    return EscalationStore(client, keys, clock=clock, on_opened=opened,
                           on_patient_replied=outbound.notify_patient_replied, analytics=analytics)


def _analytics(client: redis.Redis, keys: Keys, settings: Settings,
               clock: Callable[[], float]) -> Analytics:
    return Analytics(client, keys, ZoneInfo(settings.timezone), clock)


def _replication(client: redis.Redis, settings: Settings, metrics: Metrics | None = None) -> ReplicaWait:
    return ReplicaWait(client, settings.redis_wait_replicas, settings.redis_wait_timeout_ms,
                       on_short=metrics.unreplicated_write if metrics is not None else None)


def _check_reachable(client: redis.Redis, settings: Settings) -> None:
    """REDIS_URL answers, or one line says it does not: production does not start (a
    line that cannot store anything must not look up), elsewhere a warning."""
    if not settings.redis_url:
        return  # the embedded server was just started
    try:
        client.ping()
    except redis.RedisError as exc:
        problem = (f"REDIS_URL: cannot reach Redis at {redis_address(settings.redis_url)} "
                   f"({type(exc).__name__})")
        if settings.environment == "production":
            raise SettingsError(f"{problem}; check the address and that Redis is running") from None
        log.warning("%s; starting anyway: messages get the apology until it answers", problem)


def build_parts(settings: Settings, *, clock: Callable[[], float] = time.time,
                engine: Engine | None = None) -> Parts:
    engine = engine or load_engine(Project(settings.project_dir), settings)
    metrics = Metrics(engine.domain.all_intents)
    url, embedded = resolve_redis_url(settings.redis_url, settings.var_dir)
    client = client_for_url(url, on_error=metrics.redis_error)
    _check_reachable(client, settings)
    keys = _keys(settings)
    hours = BusinessHours.parse(settings.business_hours, settings.timezone)
    outbound = _outbound(client, keys, settings, clock)
    analytics = _analytics(client, keys, settings, clock)
    escalations = _escalations(client, keys, outbound, clock, analytics, metrics)
    replication = _replication(client, settings, metrics)
    refills = RefillStore(client, keys, clock, analytics=analytics, replication=replication)
    runner = build_runner(settings.action_server_url, ActionServices(
        escalations, refills, hours, settings.support_phone, clock, settings.bereavement_resource))
    engine.check_runner(runner, settings.action_server_url)
    conversations = ConversationStore(
        client, keys, ttl_seconds=settings.conversation_ttl, seen_ttl_seconds=settings.dedup_ttl,
        lease_ms=settings.lock_lease_ms, acquire_timeout_ms=settings.lock_acquire_timeout_ms,
    )
    processor = build_processor(engine, conversations, runner,
                                desk=EscalationDesk(escalations, hours, clock), clock=clock,
                                emergency_follow_up_seconds=settings.emergency_follow_up_minutes * 60,
                                on_turn=TurnCounter(analytics, conversations).count, metrics=metrics)
    return Parts(
        settings=settings,
        redis=client,
        keys=keys,
        clock=clock,
        hours=hours,
        engine=engine,
        processor=processor,
        conversations=conversations,
        escalations=escalations,
        refills=refills,
        consent=ConsentLedger(client, keys, clock, analytics=analytics, replication=replication),
        outbound=outbound,
        deliveries=TwilioDeliveries(client, keys),
        calls=CallStates(client, keys),
        voicemails=Voicemails(client, keys, escalations),
        rates=RateLimits(client, keys),
        staff=StaffUsers(client, keys),
        sessions=StaffSessions(client, keys, clock=clock,
                               idle_seconds=settings.console_session_minutes * 60),
        throttle=LoginThrottle(client, keys, clock=clock,
                               per_name=settings.console_login_max_failures,
                               per_address=settings.console_login_max_failures_per_ip,
                               lockout_seconds=settings.console_lockout_seconds,
                               checks_at_once=settings.console_password_checks_at_once,
                               checks_per_minute=settings.console_password_checks_per_minute),
        audit=AuditLog(client, keys, clock),
        analytics=analytics,
        metrics=metrics,
        watch=OutboundWatch(client, settings.key_prefix),
        embedded=embedded,
    )


def action_services_from_environment() -> ActionServices:
    """A rasa_sdk action server's services: the same environment as the web processes
    (REDIS_URL is required there; an action server never starts an embedded Redis)."""
    settings = Settings.from_env()
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set for the actions")
    client = client_for_url(settings.redis_url)
    keys = _keys(settings)
    analytics = _analytics(client, keys, settings, time.time)
    escalations = _escalations(client, keys, _outbound(client, keys, settings, time.time),
                               time.time, analytics)
    refills = RefillStore(client, keys, analytics=analytics, replication=_replication(client, settings))
    return ActionServices(escalations, refills,
                          BusinessHours.parse(settings.business_hours, settings.timezone),
                          settings.support_phone, time.time, settings.bereavement_resource)
