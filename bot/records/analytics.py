"""The manager's figures: how the line is doing, day by day, as aggregates only.

Each day (in the pharmacy's time zone) has a hash of counters (`analytics:2026-11-24`:
messages per channel, messages per topic, fallbacks, clarifications, emergencies,
escalations opened per channel, urgent ones, claims, resolutions, refill requests, opt-outs),
a HyperLogLog per channel that estimates the conversations seen that day (it keeps
no conversation's name, only registers), and lists of durations in seconds (time to claim,
to the first staff text, to resolve) for medians and percentiles. Nothing here holds a
phone number, a message or a reference. Every key expires 400 days after its day.

Counting never gets in the way of what is counted: a failed write is logged and dropped.
"""

from __future__ import annotations

import logging
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import redis

from bot.records.keys import Keys

log = logging.getLogger(__name__)

LIFETIME_DAYS = 400
MAX_RANGE_DAYS = LIFETIME_DAYS
DURATIONS = ("claim", "first_reply", "resolve")


@dataclass
class Day:
    """One day's counters, as read back."""

    day: date
    counts: dict[str, int] = field(default_factory=dict)
    conversations: dict[str, int] = field(default_factory=dict)  # per channel
    seconds: dict[str, list[float]] = field(default_factory=dict)  # per duration

    def total(self, prefix: str) -> int:
        """The sum of the counters named `prefix:...` (e.g. every channel's messages)."""
        return sum(v for k, v in self.counts.items() if k.startswith(prefix + ":"))

    def by(self, prefix: str) -> dict[str, int]:
        return {k.split(":", 1)[1]: v for k, v in self.counts.items() if k.startswith(prefix + ":")}

    def get(self, name: str) -> int:
        return self.counts.get(name, 0)


@dataclass
class Report:
    days: list[Day]
    conversations: dict[str, int]  # distinct conversations over the whole range, per channel
    all_conversations: int  # distinct over the range and every channel

    def total(self, prefix: str) -> int:
        return sum(day.total(prefix) for day in self.days)

    def by(self, prefix: str) -> dict[str, int]:
        summed: dict[str, int] = {}
        for day in self.days:
            for key, value in day.by(prefix).items():
                summed[key] = summed.get(key, 0) + value
        return summed

    def get(self, name: str) -> int:
        return sum(day.get(name) for day in self.days)

    def seconds(self, measure: str) -> list[float]:
        return [s for day in self.days for s in day.seconds.get(measure, [])]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (`share` 0.9 for the 90th): a value that was seen."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Analytics:
    def __init__(self, client: redis.Redis, keys: Keys, zone: ZoneInfo,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.keys = keys
        self.zone = zone
        self.clock = clock

    # -- counting -----------------------------------------------------------------------
    def today(self) -> date:
        return datetime.fromtimestamp(self.clock(), tz=self.zone).date()

    def _day_key(self, day: date) -> str:
        return f"{self.keys.prefix}analytics:{day.isoformat()}"

    def _expires(self, day: date) -> int:
        start = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        return int((start + timedelta(days=LIFETIME_DAYS)).timestamp())

    def _write(self, stage: Callable[[redis.client.Pipeline, str, date], list[str]]) -> None:
        """Run `stage` on today's keys in one round trip, then give them their lifetime."""
        day = self.today()
        try:
            pipe = self.client.pipeline(transaction=False)
            for key in stage(pipe, self._day_key(day), day):
                pipe.expireat(key, self._expires(day))
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("analytics not counted: %s", type(exc).__name__)

    def count(self, **counters: int) -> None:
        """Add to today's counters: `count(**{"refills:twilio_sms": 1})`."""
        def stage(pipe: redis.client.Pipeline, key: str, day: date) -> list[str]:
            for name, amount in counters.items():
                pipe.hincrby(key, name, amount)
            return [key]

        self._write(stage)

    def count_turn(self, *, channel: str, conversation: str, topic: str, fallback: bool,
                   clarified: bool, emergency: bool) -> None:
        """One message from a patient (`conversation` is its pseudonym: it only feeds the
        day's HyperLogLog, which cannot give it back)."""
        def stage(pipe: redis.client.Pipeline, key: str, day: date) -> list[str]:
            pipe.hincrby(key, f"messages:{channel}", 1)
            pipe.hincrby(key, f"topic:{topic}", 1)
            for name, happened in (("fallbacks", fallback), ("clarifications", clarified),
                                   ("emergencies", emergency)):
                if happened:
                    pipe.hincrby(key, name, 1)
            seen = f"{key}:conversations:{channel}"
            pipe.pfadd(seen, conversation)
            return [key, seen]

        self._write(stage)

    def duration(self, measure: str, seconds: float, **counters: int) -> None:
        """A time to claim, to the first staff text or to resolve, and its counters."""
        def stage(pipe: redis.client.Pipeline, key: str, day: date) -> list[str]:
            for name, amount in counters.items():
                pipe.hincrby(key, name, amount)
            durations = f"{key}:seconds:{measure}"
            pipe.rpush(durations, round(max(0.0, seconds), 1))
            return [key, durations]

        self._write(stage)

    # -- reading ------------------------------------------------------------------------
    def report(self, first: date, last: date, channels: list[str]) -> Report:
        """Every day from `first` to `last` (inclusive), and the range's distinct
        conversations per channel (`channels`: those to look for)."""
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        pipe = self.client.pipeline(transaction=False)
        for day in days:
            key = self._day_key(day)
            pipe.hgetall(key)
            for channel in channels:
                pipe.pfcount(f"{key}:conversations:{channel}")
            for measure in DURATIONS:
                pipe.lrange(f"{key}:seconds:{measure}", 0, -1)
        results: list[Any] = list(pipe.execute())
        read: list[Day] = []
        for day in days:
            counts = {k.decode(): int(v) for k, v in results.pop(0).items()}
            conversations = {channel: int(results.pop(0)) for channel in channels}
            seconds = {measure: [float(s) for s in results.pop(0)] for measure in DURATIONS}
            read.append(Day(day, counts, {c: n for c, n in conversations.items() if n}, seconds))
        union = self.client.pipeline(transaction=False)
        per_channel = [[f"{self._day_key(day)}:conversations:{c}" for day in days] for c in channels]
        for keys in per_channel:
            union.pfcount(*keys)
        union.pfcount(*[key for keys in per_channel for key in keys])
        counted = [int(n) for n in union.execute()]
        distinct = {c: n for c, n in zip(channels, counted, strict=False) if n}
        return Report(read, distinct, counted[-1] if counted else 0)
