"""Business hours, e.g. `Mon-Fri 08:00-18:00; Sat 09:00-12:00`, in a given time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_SEGMENT = re.compile(
    r"^\s*(?P<first>[A-Za-z]{3})(?:\s*-\s*(?P<last>[A-Za-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


class HoursError(ValueError):
    """BUSINESS_HOURS or TIMEZONE cannot be understood."""


@dataclass(frozen=True)
class Window:
    days: frozenset[int]
    start: time
    end: time


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24 and minutes == 0:
        return time(23, 59, 59)
    return time(hours, minutes)


@dataclass(frozen=True)
class BusinessHours:
    windows: tuple[Window, ...]
    zone: ZoneInfo

    @classmethod
    def parse(cls, spec: str, timezone: str) -> BusinessHours:
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise HoursError(f"TIMEZONE: unknown time zone {timezone!r}") from None
        windows = []
        for part in re.split(r"[;,]", spec):
            if not part.strip():
                continue
            match = _SEGMENT.match(part)
            if not match:
                raise HoursError(f"BUSINESS_HOURS: cannot read {part.strip()!r} (like 'Mon-Fri 08:00-18:00')")
            first = match.group("first").lower()
            last = (match.group("last") or first).lower()
            if first not in DAYS or last not in DAYS:
                raise HoursError(f"BUSINESS_HOURS: unknown day in {part.strip()!r}")
            a, b = DAYS.index(first), DAYS.index(last)
            days = range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]
            windows.append(Window(frozenset(days), _clock(match.group("start")), _clock(match.group("end"))))
        if not windows:
            raise HoursError("BUSINESS_HOURS is empty")
        return cls(tuple(windows), zone)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return any(
            local.weekday() in w.days and w.start <= local.time() < w.end for w in self.windows
        )

    def is_open_at(self, epoch: float) -> bool:
        return self.is_open(datetime.fromtimestamp(epoch, tz=self.zone))

    def next_opening(self, epoch: float) -> datetime:
        """When a specialist is next available (now, if open)."""
        local = datetime.fromtimestamp(epoch, tz=self.zone)
        if self.is_open(local):
            return local
        for offset in range(0, 8):
            day = (local + timedelta(days=offset)).date()
            starts = sorted(w.start for w in self.windows if day.weekday() in w.days)
            for start in starts:
                candidate = datetime.combine(day, start, tzinfo=self.zone)
                if candidate > local:
                    return candidate
        return local

    def closing_time(self, epoch: float) -> datetime | None:
        """When the window open at `epoch` closes (None when closed)."""
        local = datetime.fromtimestamp(epoch, tz=self.zone)
        ends = [datetime.combine(local.date(), w.end, tzinfo=self.zone) for w in self.windows
                if local.weekday() in w.days and w.start <= local.time() < w.end]
        return max(ends) if ends else None


_DAY_NAMES = {"en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
              "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]}


def clock_time(moment: datetime, language: str = "en") -> str:
    """`8 AM`, `5:30 PM`; in Spanish `8:00`, `17:30`."""
    if language == "es":
        return f"{moment.hour}:{moment.minute:02d}"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {'AM' if moment.hour < 12 else 'PM'}"


def when(moment: datetime, now: datetime, language: str = "en") -> str:
    """`today at 8 AM`, `tomorrow at 8 AM`, `Monday at 8 AM` (Spanish alike)."""
    days = (moment.date() - now.astimezone(moment.tzinfo).date()).days
    at = clock_time(moment, language)
    if language == "es":
        day = "hoy" if days == 0 else "mañana" if days == 1 else f"el {_DAY_NAMES['es'][moment.weekday()]}"
        return f"{day} a las {at}"
    day = "today" if days == 0 else "tomorrow" if days == 1 else _DAY_NAMES["en"][moment.weekday()]
    return f"{day} at {at}"
