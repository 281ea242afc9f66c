"""Patients texting real app processes over loopback, as Twilio delivers their texts
(signed, sometimes twice), and what must hold afterwards: each message stored once and
in order, every reference a patient was told still there. Shared by the load, fault and
failover tests."""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import redis
import requests
from twilio.request_validator import RequestValidator

from bot.engine.conversations import ConversationStore
from bot.records.escalations import EscalationStore
from bot.records.keys import Keys
from bot.records.refills import RefillStore
from tests.chat import Server
from tests.conftest import AUTH_TOKEN
from tests.helpers import sms_params
from tests.sensitive import SENSITIVE

PREFIX = "load:"


class Outage(Protocol):
    """Something that breaks Redis for a while; `back` is set once it is over."""

    back: threading.Event


PUBLIC_URL = "https://support.example.org"  # both processes sit behind one address
PATIENTS, TURNS = 50, 20
DUPLICATE_SHARE = 0.15
APOLOGY = "something went wrong on our side"
TWILIO_PATIENCE = 15.0  # seconds Twilio waits for a webhook before giving up (11205)
DOWN_ANSWER = 1.0  # seconds: how fast every webhook must answer while Redis is gone
_REFERENCE = re.compile(r"\b[ER]-\d+\b")


@dataclass
class Stack:
    redis: Any
    servers: list[Server]
    client: redis.Redis
    prefix: str = PREFIX

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    def tracker_store(self) -> ConversationStore:
        return ConversationStore(self.client, Keys(self.prefix), ttl_seconds=3600, seen_ttl_seconds=600)

    def refills(self) -> RefillStore:
        return RefillStore(self.client, Keys(self.prefix))

    def escalations(self) -> EscalationStore:
        return EscalationStore(self.client, Keys(self.prefix))


# -- Twilio on the wire ------------------------------------------------------------------------
@dataclass
class Exchange:
    """One webhook request and its answer."""

    path: str
    sid: str
    server: int
    started: float
    finished: float = 0.0
    status: int = 0
    content_type: str = ""
    raw: str = ""
    root: ET.Element | None = None

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def texts(self) -> list[str]:
        """What the caller reads (<Message>) or hears (<Say>)."""
        if self.root is None:
            return []
        return [(e.text or "").strip() for e in self.root.iter() if e.tag in {"Message", "Say"}]

    @property
    def empty(self) -> bool:
        return self.root is not None and len(self.root) == 0

    @property
    def apology(self) -> bool:
        return any(APOLOGY in text for text in self.texts)

    def check_twiml(self) -> None:
        assert self.status == 200, (self.path, self.status, self.raw[:300])
        assert self.content_type.startswith("text/xml"), self.content_type
        assert self.root is not None and self.root.tag == "Response", self.raw[:300]


def post(server_url: str, server: int, path: str, params: dict[str, str], sid: str) -> Exchange:
    """A webhook signed as Twilio signs it for the public address."""
    SENSITIVE.add_request(params)
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, params)
    exchange = Exchange(path, sid, server, time.monotonic())
    try:
        response = requests.post(server_url + path, data=params, timeout=30,
                                 headers={"X-Twilio-Signature": signature})
    finally:
        exchange.finished = time.monotonic()
    exchange.status = response.status_code
    exchange.content_type = response.headers.get("Content-Type", "")
    exchange.raw = response.text
    if response.status_code == 200 and exchange.raw.lstrip().startswith("<"):
        exchange.root = ET.fromstring(exchange.raw)
    return exchange


# -- patients ----------------------------------------------------------------------------------
TOPICS = ["what is nh exactly", "is it genetic", "could it happen again in my next pregnancy",
          "what does ivig do", "when does ivig start", "how long is the ivig treatment",
          "what causes nh", "will my next baby have it too"]
SMALL_TALK = ["thank you so much", "are you a real person", "ok", "thanks", "that helps"]


@dataclass
class Message:
    """One text a patient sent, and every delivery of it."""

    text: str
    sid: str
    deliveries: list[Exchange] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        """Handled by the bot: some delivery got something other than the apology."""
        return any(not e.apology for e in self.deliveries)


@dataclass
class Patient:
    number: int
    kind: str  # "refill", "cancel" (stops the refill) or "person" (also asks for a person)
    rng: random.Random
    messages: list[Message] = field(default_factory=list)

    @property
    def phone(self) -> str:
        return f"+1555200{self.number:04d}"

    @property
    def prescription(self) -> str:
        return str(4_400_000 + self.number * 7_919)

    @property
    def birth_date(self) -> str:
        return f"{self.number % 12 + 1:02d}/{self.number % 27 + 1:02d}/{1971 + self.number % 30}"

    def script(self) -> list[str]:
        """Twenty texts: questions, a refill (or one given up), small talk, a goodbye."""
        topics = self.rng.sample(TOPICS, 7)
        refill = (["i need a refill", "never mind", "hi again"] if self.kind == "cancel"
                  else ["i need a refill", f"it is {self.prescription}", self.birth_date])
        ending = (["can a pharmacist call me", "also my insurance changed last month",
                   "thank you for your patience"] if self.kind == "person"
                  else ["can you help with my copay", "no thanks", "that is all"])
        small_talk = self.rng.sample(SMALL_TALK, 3)
        lines = ["hi", *topics[:3], *refill, small_talk[0], *topics[3:5],
                 "how much does ivig cost", small_talk[1], "are you a bot", *topics[5:7],
                 small_talk[2], *ending, "bye"]
        assert len(lines) == TURNS
        return lines

    def talk(self, urls: list[str], outage: Outage | None = None) -> None:
        for turn, text in enumerate(self.script()):
            self.send(urls, turn, text)
            if outage is not None and not self.messages[-1].answered:
                # The patient was told to call; later, they text it again.
                outage.back.wait(60)
                self.send(urls, turn, text)
            time.sleep(self.rng.uniform(0, 0.01))

    def send(self, urls: list[str], turn: int, text: str) -> None:
        sid = "SM" + uuid.uuid4().hex
        message = Message(text, sid)
        self.messages.append(message)
        params = sms_params(text, self.phone, sid)
        first, other = (self.number + turn) % 2, (self.number + turn + 1) % 2

        def deliver(server: int) -> None:
            message.deliveries.append(post(urls[server], server, "/twilio/sms", params, sid))

        if self.rng.random() >= DUPLICATE_SHARE:
            deliver(first)
        elif self.rng.random() < 0.5:  # Twilio's retry crossing the first delivery
            start = threading.Barrier(2)
            twin = threading.Thread(target=lambda: (start.wait(), deliver(other)))
            twin.start()
            start.wait()
            deliver(first)
            twin.join()
        else:  # delivered again later, to either process
            deliver(first)
            deliver(self.rng.choice([first, other]))


def patients(offset: int, count: int, seed: int) -> list[Patient]:
    kinds = ["cancel" if n % 9 == 4 else "person" if n % 9 == 7 else "refill"
             for n in range(count)]
    return [Patient(offset + n, kind, random.Random(seed * 1000 + n))
            for n, kind in enumerate(kinds)]


def converse(urls: list[str], crowd: list[Patient], outage: Outage | None = None) -> None:
    with ThreadPoolExecutor(max_workers=len(crowd)) as pool:
        for future in [pool.submit(p.talk, urls, outage) for p in crowd]:
            future.result()


# -- what must hold ------------------------------------------------------------------------
def stored_messages(stack: Stack, patient: Patient) -> list[tuple[str, str]]:
    """The conversation in Redis as (MessageSid, text) of each user message."""
    events = stack.tracker_store().load(patient.phone).events
    return [(e.get("message_id"), e.get("text")) for e in events if e.get("event") == "user"]


def references(crowd: list[Patient]) -> dict[str, Patient]:
    """Every reference number a patient was told, and to whom."""
    told: dict[str, Patient] = {}
    for patient in crowd:
        for message in patient.messages:
            for exchange in message.deliveries:
                for text in exchange.texts:
                    for reference in _REFERENCE.findall(text):
                        told[reference] = patient
    return told


def check_references_exist(stack: Stack, crowd: list[Patient]) -> None:
    for reference, patient in references(crowd).items():
        if reference.startswith("R-"):
            refill = stack.refills().get(reference)
            assert refill is not None, f"refill {reference} was confirmed, then lost"
            assert refill.phone == patient.phone
        else:
            escalation = stack.escalations().get(reference)
            assert escalation is not None, f"escalation {reference} was confirmed, then lost"
            assert escalation.phone == patient.phone


def refills_of(stack: Stack, patient: Patient) -> list[str]:
    return [r.reference for r in stack.refills().recent(limit=10_000) if r.phone == patient.phone]


def confirmed_refills(patient: Patient) -> list[str]:
    return sorted({ref for message in patient.messages for e in message.deliveries
                   for text in e.texts for ref in _REFERENCE.findall(text) if ref.startswith("R-")})


def check_no_tracebacks(stack: Stack) -> None:
    for server in stack.servers:
        assert "Traceback" not in server.log.read_text(errors="replace"), server.output()


