"""What the tests send that is private to a patient, and a watch on every log record of
the session. A patient's phone number, message, speech, date of birth or prescription
number that shows up in a log record, or in the output of a server or worker process a
test started, is a leak: tests/conftest.py fails the run at the end of the session.

Values are registered as the tests send them (`TwilioClient.post` does it for every
signed webhook, so texts, calls and the fuzzer are covered). Only values that cannot
turn up in a log by chance count: a text of twelve characters or more (six of them
different), a phone number of ten to fifteen digits, a prescription number of six or
more; digit strings only where they stand alone, not inside a longer number. A value
the tests also sent as an identifier (a CallSid, a MessageSid) is not counted: the
fuzzer reuses strings across fields, and identifiers may be logged. Nor is a string
constant of the bot's own code (bot/, actions/): hypothesis draws text from the constants
of the modules under test, so the fuzzer may send "plain language", and the code logs its
own constants by design.
"""

from __future__ import annotations

import ast
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from bot.records import refill_details as verification

MESSAGE, SPEECH, PHONE = "message body", "speech result", "phone number"
BIRTH_DATE, PRESCRIPTION = "date of birth", "prescription number"
TEXT_FIELDS = {"Body": MESSAGE, "SpeechResult": SPEECH, "TranscriptionText": SPEECH}
PHONE_FIELDS = ("From", "Caller")
MIN_TEXT, MIN_DISTINCT = 12, 6
SHORT_ANSWER = 40  # a text this short that reads as a date or an Rx number is one
_FORMAT = logging.Formatter()


@dataclass(frozen=True)
class Leak:
    kind: str
    size: int  # of the value: the report says where it leaked, not what
    where: str  # "log record from <logger>" or a process's output file
    context: str

    def describe(self) -> str:
        return f"{self.kind} ({self.size} chars) in {self.where}: ...{self.context!r}..."


@dataclass
class SensitiveValues:
    values: dict[str, str] = field(default_factory=dict)  # value -> kind
    identifiers: set[str] = field(default_factory=set)
    files: list[Path] = field(default_factory=list)

    # -- registering what the tests send ----------------------------------------------------
    def add_request(self, params: Mapping[str, Any]) -> None:
        """A Twilio webhook's parameters, as a test sends them."""
        for name, value in _flat(params):
            if name in TEXT_FIELDS:
                self.add_text(TEXT_FIELDS[name], value)
            elif name in PHONE_FIELDS:
                self.add_phone(value)
            elif name == "Digits":
                self.add_keys(value)
            else:
                self.identifiers.add(value.strip())

    def add_text(self, kind: str, text: str) -> None:
        """A message or speech; a date of birth or Rx number that is all of a short one."""
        value = text.strip()
        if len(value) >= MIN_TEXT and len(set(value)) >= MIN_DISTINCT:
            self.values.setdefault(value, kind)
        if value and len(value) <= SHORT_ANSWER:
            self.add_birth_date(value)
            rx = verification.prescription_number(value)
            if rx:
                self.values.setdefault(rx, PRESCRIPTION)

    def add_birth_date(self, written: str) -> None:
        today = date.today()
        iso = verification.date_of_birth(written, today)
        # A date of the last few days would match the logs' own timestamps.
        if not iso or date.fromisoformat(iso) > today - timedelta(days=3):
            return
        self.values.setdefault(iso, BIRTH_DATE)
        if len(written) >= 8:
            self.values.setdefault(written, BIRTH_DATE)

    def add_phone(self, number: str) -> None:
        digits = re.sub(r"\D", "", number)
        if not 10 <= len(digits) <= 15:  # E.164 numbers have at most 15 digits
            return
        self.values.setdefault(number.strip(), PHONE)
        self.values.setdefault(digits, PHONE)
        self.values.setdefault(digits[-10:], PHONE)  # without the country code

    def add_keys(self, keys: str) -> None:
        """Keys pressed on a call: a date of birth (MMDDYYYY) or an Rx number."""
        keys = keys.strip().strip("#*")
        if keys.isdigit() and len(keys) >= verification.RX_MIN_DIGITS:
            self.add_birth_date(keys)
            self.values.setdefault(keys, PRESCRIPTION)

    def watch_file(self, path: Path) -> None:
        """The output of a process a test started, read at the end of the session."""
        if path not in self.files:
            self.files.append(path)

    # -- looking for them -----------------------------------------------------------------------
    def leaks(self, records: Iterable[tuple[str, str]], *, files: bool = True) -> list[Leak]:
        """Every registered value found in the (where, text) records or watched files,
        once per place it was found."""
        sources = [*records, *(self._outputs() if files else [])]
        everything = "\n".join(text for _, text in sources)
        found: dict[tuple[str, int], Leak] = {}
        for needle, kind in self._needles():
            pattern = _pattern(needle)
            if not pattern.search(everything):
                continue
            for index, (where, text) in enumerate(sources):
                match = pattern.search(text)
                if match and (where, index) not in found:
                    context = text[max(0, match.start() - 60):match.end() + 60]
                    found[(where, index)] = Leak(kind, len(needle), where, context)
                    break
        return list(found.values())

    def report(self, leaks: list[Leak], records: int, *, values: int | None = None) -> list[str]:
        if not leaks:
            sent = len(self.values) if values is None else values
            return [f"PHI watch: {records} log records and the process outputs "
                    f"hold none of the {sent} private values the tests sent"]
        return [f"PHI IN THE LOGS: {len(leaks)} place(s) hold a value the tests sent",
                *(leak.describe() for leak in leaks[:20])]

    def _needles(self) -> Iterable[tuple[str, str]]:
        identifiers = "\n".join(self.identifiers)
        constants = code_constants()
        for value, kind in self.values.items():
            if value in identifiers or value in constants:
                continue
            # As sent, and as %r or JSON would write it.
            for form in {value, repr(value)[1:-1], json.dumps(value)[1:-1]}:
                yield form, kind

    def _outputs(self) -> list[tuple[str, str]]:
        return [(path.name, path.read_text(errors="replace"))
                for path in self.files if path.exists()]


@cache
def code_constants() -> frozenset[str]:
    """Every string literal in the bot's own modules, stripped as sent values are."""
    root = Path(__file__).resolve().parent.parent
    found: set[str] = set()
    for path in [*root.glob("bot/**/*.py"), *root.glob("actions/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value.strip())
    return frozenset(found)


def _pattern(needle: str) -> re.Pattern[str]:
    """Text as it is; a digit string only where no other digit touches it."""
    if needle.isdigit():
        return re.compile(rf"(?<!\d){needle}(?!\d)")
    return re.compile(re.escape(needle))


def _flat(params: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for name, value in params.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            yield str(name), str(item)


class LogCapture(logging.Handler):
    """Every record logged in this process, its message and traceback as they were
    before any filter (the app's own redaction included) could change them."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[tuple[str, str]] = []

    def handle(self, record: logging.LogRecord) -> bool:  # filters skipped on purpose
        try:
            text = record.getMessage()
        except Exception:  # a broken format string is still worth reading
            text = f"{record.msg} {record.args}"
        if record.exc_info:
            text += "\n" + _FORMAT.formatException(record.exc_info)
        if record.stack_info:
            text += "\n" + record.stack_info
        self.records.append((f"log record from {record.name}", text))
        return True

    def emit(self, record: logging.LogRecord) -> None:
        self.handle(record)

    def install(self) -> None:
        """First on the root logger, so no other handler's filter has touched a record."""
        logging.getLogger().handlers.insert(0, self)


SENSITIVE = SensitiveValues()
LOGS = LogCapture()
