"""How often staff are texted ("paged") about escalations.

Every escalation reaches the console's queue; only the texts are limited, so that a
flood (thirty emergencies posted at once) neither buries staff phones nor makes a real
emergency's text wait behind thirty others:

- per conversation: one text in PAGE_INTERVAL, unless the conversation became urgent
  since its last text (a resolved escalation opened again at once is in the queue, and
  its staff were just texted about it);
- across the line: STAFF_PAGES_PER_MINUTE texts a minute; beyond that an escalation is
  held, and the staff get one summary text of everything held when the minute is over.

Keys (references and digests only, no PHI): `pages:conv:{conv}` (urgency and time of
the last text, PAGE_INTERVAL), `pages:minute:{n}` (texts this minute, 2 minutes), and
`pages:held:{n}` (references held for minute n's summary, 1 day).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from bot.records.keys import Keys

PAGE_INTERVAL = 5 * 60
MINUTE = 60
HELD_TTL = 24 * 3600  # a summary delayed by an outage still finds what it is about

PAGE, NOT_AGAIN, HELD, FIRST_HELD = "page", "not again", "held", "first held"

# KEYS: the conversation's last text, this minute's count, this minute's held list.
# ARGV: urgency, interval, per minute, reference, held ttl, now.
_DECIDE = """
local last = redis.call('HMGET', KEYS[1], 'urgency', 'time')
local recent = last[2] and tonumber(ARGV[6]) - tonumber(last[2]) < tonumber(ARGV[2])
if recent and (last[1] == 'urgent' or ARGV[1] ~= 'urgent') then return 'not again' end
redis.call('HSET', KEYS[1], 'urgency', ARGV[1], 'time', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[2])
local count = redis.call('INCR', KEYS[2])
if count == 1 then redis.call('EXPIRE', KEYS[2], 120) end
if count <= tonumber(ARGV[3]) then return 'page' end
redis.call('RPUSH', KEYS[3], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[5])
if count == tonumber(ARGV[3]) + 1 then return 'first held' end
return 'held'
"""


@dataclass(frozen=True)
class Paging:
    decision: str  # PAGE, NOT_AGAIN, HELD or FIRST_HELD (held, and the summary is to be queued)
    minute: int  # the minute it counted in (the summary's)
    summary_at: float  # when that minute's summary is due


@dataclass(frozen=True)
class PageNote:
    """Why staff were not texted about an escalation one by one, for its history."""

    status: str  # the escalation's notify_status
    action: str
    note: str


class PageLimits:
    def __init__(self, client: redis.Redis, keys: Keys, *, per_minute: int,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.keys = keys
        self.per_minute = per_minute
        self.clock = clock
        self._decide = client.register_script(_DECIDE)

    def _key(self, kind: str, what: str | int) -> str:
        return f"{self.keys.prefix}pages:{kind}:{what}"

    def decide(self, conversation: str, reference: str, urgent: bool) -> Paging:
        now = self.clock()
        minute = int(now // MINUTE)
        keys = [self._key("conv", conversation), self._key("minute", minute),
                self._key("held", minute)]
        decision = self._decide(keys=keys, args=["urgent" if urgent else "normal", PAGE_INTERVAL,
                                                 self.per_minute, reference, HELD_TTL, repr(now)])
        text = decision.decode() if isinstance(decision, bytes) else str(decision)
        return Paging(text, minute, (minute + 1) * MINUTE + 1)

    def held(self, minute: int) -> list[str]:
        """The references held for minute `minute`'s summary."""
        return [r.decode() for r in self.client.lrange(self._key("held", minute), 0, -1)]

    def note(self, paging: Paging) -> PageNote | None:
        if paging.decision == NOT_AGAIN:
            return PageNote("not sent", "staff not texted again",
                            f"staff were texted about this conversation less than "
                            f"{PAGE_INTERVAL // 60} minutes ago; it is in the queue")
        if paging.decision in {HELD, FIRST_HELD}:
            return PageNote("held", "staff text held",
                            f"more than {self.per_minute} staff texts this minute: in one "
                            "summary text when the minute is over")
        return None
