"""What the queue shows beside an escalation, kept on its hash (so it lives as long as
the escalation), and the pacing of the texts that tell staff a patient wrote.

- `last_from`, `last_who`, `last_text`, `last_at`: the last message from the patient or
  from staff, as a short preview. Only the console shows it; no text, log or job has it.
- `waiting_since`: since when the patient has waited for a person: since the escalation
  opened, or since their first message after a staff text. None while answered.
- `patient_replied`: "1" once they wrote again, until the assignee (or anyone, while
  nobody has claimed it) opens the escalation or texts them.
- `notices`: how many "patient replied" texts were queued (each job's id).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from bot.records.keys import Keys

PREVIEW_CHARS = 90
NOTICE_GAP_SECONDS = 5 * 60  # one "patient replied" text per escalation this often; urgent at once


def preview(text: str) -> str:
    """The text on one line, cut to PREVIEW_CHARS with an ellipsis."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[:PREVIEW_CHARS - 1].rstrip() + "\u2026"


def stage_last(pipe: redis.client.Pipeline, key: str, line: dict[str, Any]) -> None:
    """The queue's "last message" becomes this patient's or staff member's line."""
    pipe.hset(key, mapping={
        "last_from": str(line.get("from") or ""),
        "last_who": str(line.get("who") or ""),
        "last_text": preview(line.get("text") or ""),
        "last_at": repr(float(line.get("time") or 0)),
    })


def stage_opened(pipe: redis.client.Pipeline, key: str, lines: list[dict[str, Any]],
                 now: float) -> None:
    """A new escalation: the patient waits from now; the last thing they wrote is shown."""
    said = [line for line in lines if line.get("from") == "patient"]
    if said:
        stage_last(pipe, key, said[-1])
    pipe.hset(key, "waiting_since", repr(now))


def stage_patient_wrote(pipe: redis.client.Pipeline, key: str, now: float,
                        line: dict[str, Any] | None) -> None:
    """The patient reached out again (a text, an emergency, a voicemail): marked, and
    waiting from now unless they were waiting already."""
    if line is not None and line.get("from") == "patient":
        stage_last(pipe, key, line)
    pipe.hsetnx(key, "waiting_since", repr(now))
    pipe.hset(key, "patient_replied", "1")


def stage_staff_replied(pipe: redis.client.Pipeline, key: str, line: dict[str, Any]) -> None:
    """A staff text answers them: no longer waiting, the mark is gone."""
    stage_last(pipe, key, line)
    pipe.hdel(key, "waiting_since")
    pipe.hset(key, "patient_replied", "0")


class NoticePacing:
    """Staff are texted about an escalation at most once every NOTICE_GAP_SECONDS (a
    patient often sends several texts in a row, and the page that an escalation opened
    counts too); `at_once` (an urgent message to someone who has claimed it) goes anyway."""

    def __init__(self, client: redis.Redis, keys: Keys, clock: Callable[[], float]) -> None:
        self.client = client
        self.keys = keys
        self.clock = clock
        # The time of the last text is kept (for a little longer than the gap) and
        # compared with ours, in one step, so two messages at once make one text.
        self._due = client.register_script(
            "local last = redis.call('GET', KEYS[1]) "
            "if ARGV[3] == '0' and last and tonumber(ARGV[1]) - tonumber(last) < tonumber(ARGV[2]) "
            "then return 0 end "
            "redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4]) return 1")

    def _run(self, reference: str, at_once: bool) -> bool:
        args = [repr(self.clock()), NOTICE_GAP_SECONDS, "1" if at_once else "0", NOTICE_GAP_SECONDS + 60]
        return bool(self._due(keys=[self._key(reference)], args=args))

    def _key(self, reference: str) -> str:
        return self.keys.dedup("patient-replied", reference)

    def stage_paged(self, pipe: redis.client.Pipeline, reference: str) -> None:
        """Staff are being paged that it opened (or became urgent): noted in the same
        transaction, so a message joining it a moment later is not a second text."""
        pipe.set(self._key(reference), repr(self.clock()), ex=NOTICE_GAP_SECONDS + 60)

    def due(self, reference: str, at_once: bool) -> bool:
        """May staff be texted now? If so, the time is noted: the next few may wait."""
        return self._run(reference, at_once)
