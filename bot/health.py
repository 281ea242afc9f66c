"""What a load balancer, Kubernetes and Prometheus ask the web process.

- `GET /livez`: the process is up and its app loaded (never asks Redis): restart it if not.
- `GET /readyz`: 200 when Redis answers and a job worker has a live heartbeat; 503 with
  the reason otherwise (staff pages and replies would wait).
- `GET /healthz`: as before, 200 when Redis and the model are ready; its body also says
  whether a worker is there and how long the oldest queued job has waited.
- `GET /metrics`: Prometheus text (bot/metrics.py). In production only with
  METRICS_TOKEN set, as `Authorization: Bearer <token>`; otherwise 404.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from flask import Blueprint, Response, abort, jsonify, request

from bot.jobs.watch import QueueState
from bot.metrics import CONTENT_TYPE_LATEST, Metrics, QueueCollector, authorized

log = logging.getLogger(__name__)


@dataclass
class HealthChecks:
    ping: Callable[[], Any]
    queue_state: Callable[[], QueueState]
    model: str
    metrics: Metrics
    metrics_token: str | None
    metrics_open: bool  # without a token: open outside production, off in production

    def redis_ok(self) -> bool:
        try:
            self.ping()
        except redis.RedisError:
            return False
        return True

    def queue(self) -> QueueState | None:
        try:
            return self.queue_state()
        except Exception as exc:  # Redis gone, or RQ's records unreadable: not ready
            log.warning("queue state unavailable: %s", type(exc).__name__)
            return None


def create_blueprint(checks: HealthChecks) -> Blueprint:
    health = Blueprint("health", __name__)

    @health.get("/livez")
    def livez() -> Any:
        return jsonify(status="ok", model=checks.model)

    @health.get("/healthz")
    def healthz() -> Any:
        body: dict[str, Any] = {"model": checks.model, "redis": "ok"}
        if not checks.redis_ok():
            body["redis"] = "unavailable"
            return jsonify(status="unavailable", **body), 503
        queue = checks.queue()
        if queue is not None:
            body.update(queue.as_dict())
        return jsonify(status="ok", **body)

    @health.get("/readyz")
    def readyz() -> Any:
        queue = checks.queue() if checks.redis_ok() else None
        if queue is None:
            return jsonify(status="unavailable", redis="unavailable", model=checks.model), 503
        body = {"model": checks.model, "redis": "ok", **queue.as_dict()}
        if not queue.worker_ok:
            return jsonify(status="unavailable", **body), 503
        return jsonify(status="ok", **body)

    @health.get("/metrics")
    def metrics() -> Any:
        if not checks.metrics_token and not checks.metrics_open:
            abort(404)
        if not authorized(request.headers.get("Authorization"), checks.metrics_token):
            return jsonify(error="Unauthorized", message="metrics need the bearer token"), 401
        body = checks.metrics.exposition(QueueCollector(checks.queue_state))
        return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                        headers={"Content-Type": CONTENT_TYPE_LATEST})

    return health
