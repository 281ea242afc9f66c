"""Prometheus metrics (prometheus_client): what an operator watches.

Every process counts in memory, never in Redis: a turn pays no round trip for its
metrics. Under gunicorn the web workers count in prometheus_client's multiprocess mode
(gunicorn.conf.py gives them a PROMETHEUS_MULTIPROC_DIR), so `/metrics` on any worker
adds up all of that host's workers. The job queue's depth and the age of its oldest job
are read from Redis when `/metrics` is scraped, not when a turn runs.

No label holds a phone number, a text or a reference: channels, intents (only those the
domain declares; anything else is `other`), endpoints, outcomes and error types only.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

FALLBACK_INTENT = "nlu_fallback"
TURN_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 12.0)


class Metrics:
    """The counters of one process (a private registry: tests build many apps)."""

    def __init__(self, intents: set[str] | frozenset[str] = frozenset()) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.intents = set(intents) | {FALLBACK_INTENT}
        r = self.registry
        self.turns = Counter("nh_turns", "Messages the bot handled, by channel and intent",
                             ["channel", "intent"], registry=r)
        self.fallbacks = Counter("nh_fallbacks", "Messages the bot did not understand "
                                 "(nlu_fallback)", ["channel"], registry=r)
        self.emergencies = Counter("nh_emergencies", "Messages read as an emergency",
                                   ["channel"], registry=r)
        self.turn_errors = Counter("nh_turn_errors", "Messages that could not be handled (the "
                                   "caller got the apology), by error type", ["channel", "error"],
                                   registry=r)
        self.turn_seconds = Histogram("nh_turn_seconds", "Time to handle one message",
                                      ["channel"], buckets=TURN_BUCKETS, registry=r)
        self.escalations_opened = Counter("nh_escalations_opened",
                                          "Escalations opened for a pharmacy specialist, and open "
                                          "ones raised to urgent (each pages staff)", registry=r)
        self.redis_errors = Counter("nh_redis_errors", "Redis commands that failed after their "
                                    "retries (connection lost, timeout)", ["error"], registry=r)
        self.responses = Counter("nh_http_responses", "HTTP responses by endpoint and status",
                                 ["endpoint", "status"], registry=r)
        self.unreplicated = Counter("nh_unreplicated_writes", "Refills and opt-outs that "
                                    "REDIS_WAIT_REPLICAS replicas did not acknowledge in time",
                                    ["record"], registry=r)
        self.outbound = Counter("nh_outbound_jobs", "Staff pages and staff replies run by the "
                                "worker, by outcome (sent, failed, retrying, unconfirmed, skipped)",
                                ["kind", "outcome"], registry=r)

    # -- what the parts report -----------------------------------------------------------
    def turn(self, channel: str, intent: str | None, emergency: bool, seconds: float) -> None:
        label = intent if intent in self.intents else "other"
        self.turns.labels(channel, label).inc()
        if intent == FALLBACK_INTENT:
            self.fallbacks.labels(channel).inc()
        if emergency:
            self.emergencies.labels(channel).inc()
        self.turn_seconds.labels(channel).observe(seconds)

    def turn_failed(self, channel: str, error: BaseException) -> None:
        self.turn_errors.labels(channel, type(error).__name__).inc()

    def escalation_opened(self) -> None:
        self.escalations_opened.inc()

    def redis_error(self, error: Exception) -> None:
        self.redis_errors.labels(type(error).__name__).inc()

    def unreplicated_write(self, record: str) -> None:
        self.unreplicated.labels(record).inc()

    def response(self, endpoint: str | None, status: int) -> None:
        self.responses.labels(endpoint or "unknown", str(status)).inc()

    def outbound_job(self, kind: str, outcome: str) -> None:
        self.outbound.labels(kind, outcome).inc()

    # -- exposition --------------------------------------------------------------------
    def exposition(self, extra: Collector | None = None) -> bytes:
        """The text format: this process's counters (or, in multiprocess mode, those of
        every process writing to the same directory), and `extra` read now."""
        directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if directory:
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry, path=directory)
            if extra is not None:
                registry.register(extra)
            return generate_latest(registry)
        if extra is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        registry.register(_Both(self.registry, extra))
        return generate_latest(registry)


class _Both(Collector):
    def __init__(self, registry: CollectorRegistry, extra: Collector) -> None:
        self.registry, self.extra = registry, extra

    def collect(self) -> Iterator[Any]:
        yield from self.registry.collect()
        yield from self.extra.collect()


class QueueCollector(Collector):
    """The outbound job queue, read from Redis at scrape time (bot/health.py)."""

    def __init__(self, read: Callable[[], Any]) -> None:
        self.read = read

    def collect(self) -> Iterator[Any]:
        try:
            state = self.read()
        except Exception:  # Redis down: nh_redis_up says so; no queue figures
            yield GaugeMetricFamily("nh_redis_up", "Whether Redis answered this scrape", value=0)
            return
        yield GaugeMetricFamily("nh_redis_up", "Whether Redis answered this scrape", value=1)
        yield GaugeMetricFamily("nh_job_queue_depth", "Staff pages and replies waiting for the "
                                "worker", value=state.queued)
        yield GaugeMetricFamily("nh_job_oldest_age_seconds", "Age of the oldest job waiting "
                                "(0 when none waits)", value=state.oldest_job_seconds or 0.0)
        yield GaugeMetricFamily("nh_job_workers", "Workers with a live heartbeat",
                                value=state.workers)


def authorized(header: str | None, token: str | None) -> bool:
    """`Authorization: Bearer <METRICS_TOKEN>` (compared in constant time)."""
    if not token:
        return True
    given = (header or "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


__all__ = ["CONTENT_TYPE_LATEST", "Metrics", "QueueCollector", "authorized"]
