"""Writes that must survive a failover: a refill reference the patient is told, an
opt-out. Redis replicates asynchronously, so a master that dies can take its last writes
with it; with REDIS_WAIT_REPLICAS=N each of these writes waits (WAIT, at most
REDIS_WAIT_TIMEOUT_MS) until N replicas have it. Sentinel promotes the replica that has
the most, so a write a replica acknowledged survives the master's death.

When fewer replicas answer in time the write stands (it is on the master, flushed to its
disk with `appendfsync always`): the patient is answered as usual, and the shortfall is
logged at ERROR and counted, for staff to check that record after a failover. Refusing
the refill instead would turn a slow replica into an outage of refills.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis

log = logging.getLogger(__name__)


class ReplicaWait:
    def __init__(self, client: Any, replicas: int, timeout_ms: int,
                 on_short: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.replicas = replicas
        self.timeout_ms = timeout_ms
        self.on_short = on_short

    def confirm(self, record: str, name: str) -> bool:
        """Wait for the replicas after writing `record` (a kind: "refill", "consent");
        `name` says which in the log (a reference, never a phone number). True when
        enough replicas have it (or none is asked for)."""
        if self.replicas <= 0:
            return True
        try:
            acknowledged = int(self.client.wait(self.replicas, self.timeout_ms))
        except redis.ResponseError as exc:  # a managed Redis may not offer WAIT
            acknowledged = 0
            log.error("WAIT refused (%s): set REDIS_WAIT_REPLICAS=0 for this Redis", exc)
        if acknowledged >= self.replicas:
            return True
        log.error("%s %s is on the master only: %d of %d replicas had it after %d ms; a "
                  "failover now would lose it (check it once Redis has failed over)", record,
                  name, acknowledged, self.replicas, self.timeout_ms)
        if self.on_short is not None:
            self.on_short(record)
        return False
