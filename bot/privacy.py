"""Keeping PHI out of logs: phone numbers masked to their last four digits."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")


def mask_phone(number: str | None) -> str:
    """`+15551234567` -> `***4567`; anything without four digits -> `***`."""
    if not number:
        return "***"
    digits = _DIGITS.findall(number)
    return "***" + "".join(digits[-4:]) if len(digits) >= 4 else "***"
