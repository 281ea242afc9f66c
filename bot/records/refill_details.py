"""Reading what a patient gives to verify a refill: prescription number and date of birth."""

from __future__ import annotations

import re
from datetime import date

RX_MIN_DIGITS, RX_MAX_DIGITS = 6, 10

_MONTHS = {
    name: index
    for index, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
} | {
    # Spanish: "15 de agosto de 1988"
    name: index
    for index, names in enumerate(
        [("ene", "enero"), ("febrero",), ("marzo",), ("abr", "abril"), ("mayo",), ("junio",), ("julio",),
         ("ago", "agosto"), ("set", "septiembre", "setiembre"), ("octubre",), ("noviembre",),
         ("dic", "diciembre")],
        start=1,
    )
    for name in names
}
_SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "to": "2", "too": "2",
    "three": "3", "four": "4", "for": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9",
}
_NUMERIC = re.compile(r"(\d{1,4})[/.\-\s](\d{1,2})[/.\-\s](\d{2,4})")
_MONTH_FIRST = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2,4})")
_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?([a-z]+)\.?,?\s+(?:del?\s+)?(\d{2,4})")


def prescription_number(text: str | None) -> str | None:
    """The digits of an Rx number ("RX# 123-4567", "one two three ..."), or None."""
    if not text:
        return None
    words = re.findall(r"[a-z]+|\d+", text.lower())
    if words and all(w in _SPOKEN_DIGITS or w.isdigit() or w in {"rx", "number", "is", "my", "it", "its"}
                     for w in words):
        digits = "".join(_SPOKEN_DIGITS.get(w, w if w.isdigit() else "") for w in words)
    else:
        runs = re.findall(r"\d[\d\s-]*\d|\d", text)
        candidates = [re.sub(r"\D", "", run) for run in runs]
        candidates = [c for c in candidates if RX_MIN_DIGITS <= len(c) <= RX_MAX_DIGITS]
        if len(candidates) != 1:
            return None
        digits = candidates[0]
    if RX_MIN_DIGITS <= len(digits) <= RX_MAX_DIGITS:
        return digits
    return None


def _year(raw: str, today: date) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year <= today.year % 100 else 1900
    return year


def _valid(year: int, month: int, day: int, today: date) -> date | None:
    try:
        candidate = date(year, month, day)
    except ValueError:
        return None
    if candidate > today or candidate.year < 1900:
        return None
    return candidate


MAX_DATE_TEXT = 120


def date_of_birth(text: str | None, today: date | None = None) -> str | None:
    """An ISO date (YYYY-MM-DD) from how people write or key a birth date, or None.

    US order (month first) is assumed; a first number above 12 is read as the day.
    """
    if not text:
        return None
    today = today or date.today()
    # A date is short; a long message is searched only where a date could fit (the
    # patterns below would take quadratic time on thousands of characters).
    lowered = text.lower().strip()[:MAX_DATE_TEXT]
    digits_only = re.sub(r"\D", "", lowered)
    if re.fullmatch(r"[\d\s#*]+", lowered) and len(digits_only) == 8:  # keypad MMDDYYYY
        found = _valid(int(digits_only[4:]), int(digits_only[:2]), int(digits_only[2:4]), today)
        return found.isoformat() if found else None
    match = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", lowered)
    if match:
        found = _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)), today)
        return found.isoformat() if found else None
    match = _NUMERIC.search(lowered)
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3), today)
        month, day = (second, first) if first > 12 >= second else (first, second)
        found = _valid(year, month, day, today)
        return found.isoformat() if found else None
    for pattern, month_group, day_group in ((_MONTH_FIRST, 1, 2), (_DAY_FIRST, 2, 1)):
        for match in pattern.finditer(lowered):
            found_month = _MONTHS.get(match.group(month_group))
            if found_month is None:
                continue
            month = found_month
            found = _valid(_year(match.group(3), today), month, int(match.group(day_group)), today)
            if found:
                return found.isoformat()
    return None


def digit_by_digit(digits: str) -> str:
    """`7654321` -> `7, 6, 5, 4, 3, 2, 1`: said one digit at a time, with small pauses."""
    return ", ".join(digits)


_MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def spoken_date(iso: str, language: str = "en") -> str:
    """`1990-03-14` -> `March 14, 1990`; in Spanish `14 de marzo de 1990`."""
    day = date.fromisoformat(iso)
    if language == "es":
        return f"{day.day} de {_MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{_MONTHS_EN[day.month - 1]} {day.day}, {day.year}"
