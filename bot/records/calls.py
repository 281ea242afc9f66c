"""What a phone call remembers between its steps (`voice:{conv}:state`, 2 hours): the
caller's number, the prompt they are at and what its keys do, the misses in a row there,
and what was said last (for "press 9"). The CallSid appears only as a keyed digest."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import redis

from bot.records.keys import Keys

CALL_TTL = 2 * 3600


@dataclass
class CallState:
    phone: str = ""
    prompt: str = "menu"  # the step the caller's next answer goes to
    choices: dict[str, str] = field(default_factory=dict)  # key -> payload at that prompt
    entry: dict[str, Any] = field(default_factory=dict)  # keypad entry: num_digits, finish_on_key
    misses: int = 0  # no input / no match in a row at the current prompt
    said: list[str] = field(default_factory=list)  # the last answer, for "press 9"
    asked: list[str] = field(default_factory=list)  # the prompt itself
    language: str = "en"

    def to_hash(self) -> dict[str, str]:
        return {k: json.dumps(v) for k, v in asdict(self).items()}

    @classmethod
    def from_hash(cls, data: dict[bytes, bytes]) -> CallState:
        known = {f.name for f in fields(cls)}
        values = {k.decode(): json.loads(v) for k, v in data.items() if k.decode() in known}
        return cls(**values)


class CallStates:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.client = client
        self.keys = keys

    def _key(self, call_sid: str) -> str:
        return f"{self.keys.prefix}voice:{{{self.keys.conversation(call_sid)}}}:state"

    def load(self, call_sid: str) -> CallState | None:
        data: dict[bytes, bytes] = self.client.hgetall(self._key(call_sid))  # type: ignore[assignment]
        return CallState.from_hash(data) if data else None

    def save(self, call_sid: str, state: CallState) -> None:
        key = self._key(call_sid)
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(key)
        pipe.hset(key, mapping=dict(state.to_hash()))  # type: ignore[arg-type]
        pipe.expire(key, CALL_TTL)
        pipe.execute()
