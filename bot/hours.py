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


# How patients name the zones a US pharmacy is in; any other zone is named as configured.
_ZONE_NAMES = {
    "en": {"America/Los_Angeles": "Pacific time", "America/Denver": "Mountain time",
           "America/Phoenix": "Arizona time", "America/Chicago": "Central time",
           "America/New_York": "Eastern time", "America/Anchorage": "Alaska time",
           "Pacific/Honolulu": "Hawaii time", "America/Puerto_Rico": "Atlantic time"},
    "es": {"America/Los_Angeles": "hora del Pacífico", "America/Denver": "hora de la montaña",
           "America/Phoenix": "hora de Arizona", "America/Chicago": "hora del centro",
           "America/New_York": "hora del este", "America/Anchorage": "hora de Alaska",
           "Pacific/Honolulu": "hora de Hawái", "America/Puerto_Rico": "hora del Atlántico"},
}


def _day_span(days: frozenset[int], language: str) -> str:
    names = _DAY_NAMES[language]
    ordered = sorted(days)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    joiner, through = (" y ", " a ") if language == "es" else (" and ", " to ")
    parts = []
    for run in runs:
        if len(run) == 1:
            parts.append(names[run[0]])
        elif len(run) == 2:
            parts.append(names[run[0]] + joiner + names[run[1]])
        else:
            parts.append(("de " if language == "es" else "") + names[run[0]] + through + names[run[-1]])
    return ", ".join(parts)


def _span_time(moment: time, language: str) -> str:
    if moment == time(23, 59, 59):
        return "medianoche" if language == "es" else "midnight"
    return clock_time(datetime.combine(datetime(2000, 1, 3).date(), moment), language)


def describe(hours: BusinessHours, language: str = "en") -> str:
    """`Monday to Friday, 8 AM to 6 PM, and Saturday, 9 AM to 12 PM (Pacific time)`;
    in Spanish `de lunes a viernes, de 8:00 a 18:00, y sábado, de 9:00 a 12:00 (hora del Pacífico)`."""
    language = language if language in _DAY_NAMES else "en"
    parts = []
    for window in hours.windows:
        start, end = _span_time(window.start, language), _span_time(window.end, language)
        span = f"de {start} a {end}" if language == "es" else f"{start} to {end}"
        parts.append(f"{_day_span(window.days, language)}, {span}")
    last = ", y " if language == "es" else ", and "
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + last + parts[-1]
    zone = _ZONE_NAMES[language].get(str(hours.zone.key), str(hours.zone.key))
    return f"{joined} ({zone})"
