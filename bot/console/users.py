"""Staff console users, stored in Redis with scrypt-hashed passwords, and the number
each may be texted at when a patient on their escalation writes again (optional)."""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass

import redis
from werkzeug.security import check_password_hash, generate_password_hash

from bot.records.keys import Keys

NAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")
PHONE = re.compile(r"^\+[1-9]\d{6,14}$")  # E.164, as Twilio takes it
MIN_PASSWORD = 10


@dataclass(frozen=True)
class StaffUser:
    name: str
    phone: str  # "" when none is on record


@functools.cache
def _decoy_hash() -> str:
    """A hash to check unknown names against, made once: checking one costs what checking
    a real user's does, so the time taken does not tell which names exist."""
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class StaffUsers:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.client = client
        self.keys = keys

    def add(self, name: str, password: str, phone: str | None = None) -> None:
        """Create the user or set a new password; `phone` "" removes their number, None
        keeps it as it is."""
        if not NAME.match(name):
            raise ValueError("a staff name is 2-64 letters, digits or . _ @ -")
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
        phone = phone.strip() if phone is not None else None
        if phone and not PHONE.match(phone):
            raise ValueError("a staff phone number is written as +15551234567 (E.164)")
        key = self.keys.staff_user(name)
        pipe = self.client.pipeline(transaction=True)
        # Staff accounts are kept until removed: no expiry, deliberately.
        pipe.hset(key, mapping={
            "name": name,
            "password": generate_password_hash(password, method="scrypt"),
            # A new password (or a new account under an old name) ends earlier sessions.
            "generation": secrets.token_hex(8),
        })
        if phone:
            pipe.hset(key, "phone", phone)
        elif phone == "":
            pipe.hdel(key, "phone")
        pipe.execute()

    def phone(self, name: str) -> str:
        """The number to text this staff member at; "" when none is on record."""
        found = self.client.hget(self.keys.staff_user(name), "phone") if NAME.match(name) else None
        return _text(found) if found else ""

    def all(self) -> list[StaffUser]:
        """Every staff user, by name."""
        pattern = self.keys.staff_user("*")
        users = []
        for key in self.client.scan_iter(match=pattern, count=200):
            name, phone = self.client.hmget(key, "name", "phone")
            if name is not None:
                users.append(StaffUser(_text(name), _text(phone) if phone else ""))
        return sorted(users, key=lambda user: user.name.lower())

    def generation(self, name: str) -> str | None:
        """Changes whenever the password is set; None once the user is removed."""
        found = self.client.hmget(self.keys.staff_user(name), "name", "generation")
        if found[0] is None:
            return None
        return _text(found[1]) if found[1] is not None else ""

    def remove(self, name: str) -> bool:
        return bool(self.client.delete(self.keys.staff_user(name)))

    def check(self, name: str, password: str) -> bool:
        stored = None
        if NAME.match(name):
            stored = self.client.hget(self.keys.staff_user(name), "password")
        if stored is None:
            check_password_hash(_decoy_hash(), password)
            return False
        return check_password_hash(_text(stored), password)
