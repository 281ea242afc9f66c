"""Test helpers that play the outside world: Twilio's webhooks and REST API, and time."""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

from tests.sensitive import SENSITIVE

FIXTURES = Path(__file__).parent / "fixtures"
# How an urgent reply opens (domain.yml, utter_emergency_*): 911 or 988 in its first words.
URGENT_OPENINGS = ("Call 911 now", "If this is an emergency, call 911", "Please don't wait: call",
                   "If you might hurt yourself, please call or text 988",
                   "If this is still happening, please call 911", "I'm glad help is on the way",
                   "Llame al 911", "Si esto es una emergencia, llame al 911", "Por favor, no espere",
                   "Si usted podría hacerse daño", "Si esto sigue pasando")


def urgent_first(text: str) -> bool:
    """Does this reply open with the urgent line (911 or 988 first)?"""
    return text.startswith(URGENT_OPENINGS)
PATIENT = "+15551234567"
SUPPORT_LINE = "+15005550006"


class FakeClock:
    """A clock the tests move by hand: `clock()` is the time now, in epoch seconds."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Twiml:
    status: int
    content_type: str
    raw: str
    root: ET.Element | None

    @property
    def messages(self) -> list[str]:
        if self.root is None:
            return []
        return [(m.text or "") for m in self.root.findall("./Message")]

    def find(self, path: str) -> ET.Element | None:
        return None if self.root is None else self.root.find(path)

    def findall(self, path: str) -> list[ET.Element]:
        return [] if self.root is None else self.root.findall(path)


def parse_twiml(response: Any) -> Twiml:
    raw = response.get_data(as_text=True)
    root = ET.fromstring(raw) if response.status_code == 200 and raw.strip().startswith("<") else None
    return Twiml(response.status_code, response.content_type or "", raw, root)


def sms_params(body: str, sender: str = PATIENT, sid: str | None = None, **extra: str) -> dict[str, str]:
    """A messaging webhook body shaped like Twilio's (tests/fixtures/sms_inbound.json)."""
    params = json.loads((FIXTURES / "sms_inbound.json").read_text())
    sid = sid or "SM" + uuid.uuid4().hex
    params.update({"Body": body, "From": sender, "MessageSid": sid, "SmsSid": sid,
                   "SmsMessageSid": sid})
    params.update(extra)
    return params


class TwilioClient:
    """Sends webhook requests to the app signed exactly as Twilio signs them."""

    def __init__(self, client: Any, token: str, base_url: str = "http://localhost") -> None:
        self.client = client
        self.token = token
        self.base_url = base_url

    def sign(self, url: str, params: dict[str, str]) -> str:
        return RequestValidator(self.token).compute_signature(url, params)

    def post(self, path: str, params: dict[str, str], *, signed_url: str | None = None,
             headers: dict[str, str] | None = None, signature: str | None = None) -> Twiml:
        url = signed_url or f"{self.base_url}{path}"
        SENSITIVE.add_request(params)  # what a patient sent must not reach a log
        all_headers = {"X-Twilio-Signature": signature if signature is not None else self.sign(url, params)}
        all_headers.update(headers or {})
        response = self.client.post(path, data=params, headers=all_headers,
                                    base_url=self.base_url)
        return parse_twiml(response)

    def sms(self, body: str, sender: str = PATIENT, sid: str | None = None, **extra: str) -> Twiml:
        return self.post("/twilio/sms", sms_params(body, sender, sid, **extra))

    def say(self, body: str, sender: str = PATIENT) -> list[str]:
        """Text the bot; its replies."""
        reply = self.sms(body, sender)
        assert reply.status == 200, reply.raw
        return reply.messages


@dataclass
class SentMessage:
    path: str
    form: dict[str, str]
    username: str
    password: str


RECORDING_AUDIO = b"ID3\x03\x00fake mp3 audio"


@dataclass
class FakeTwilioApi:
    """Twilio's REST API on loopback: records every message created and every GET,
    answers like Twilio (a recording's `.mp3` as audio, any other resource as JSON)."""

    sent: list[SentMessage] = field(default_factory=list)
    fetched: list[tuple[str, str]] = field(default_factory=list)  # (path, account) of GETs
    recording_type: str = "audio/mpeg"
    fail_next: int = 0
    hang_next: int = 0  # take the next N messages, then answer only after release()
    _released: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                auth = self.headers.get("Authorization", "")
                user = base64.b64decode(auth.split(" ", 1)[-1] or "").decode().partition(":")[0]
                api.fetched.append((self.path, user))
                if self.path.split("?")[0].endswith(".mp3") and "/Recordings/RE" in self.path:
                    self.send_response(200)
                    self.send_header("Content-Type", api.recording_type)
                    self.send_header("Content-Length", str(len(RECORDING_AUDIO)))
                    self.end_headers()
                    self.wfile.write(RECORDING_AUDIO)
                    return
                self._answer(200, {"account_sid": user, "uri": self.path,
                                   "calls": [{"from": "+15550001111", "to": "+15005550006"}]})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                auth = self.headers.get("Authorization", "")
                user, _, password = base64.b64decode(auth.split(" ", 1)[-1] or "").decode().partition(":")
                if api.fail_next > 0:
                    api.fail_next -= 1
                    self._answer(500, {"code": 20500, "message": "Internal Server Error", "status": 500})
                    return
                if not self.path.endswith("/Messages.json"):
                    self._answer(404, {"code": 20404, "message": "not found", "status": 404})
                    return
                api.sent.append(SentMessage(self.path, form, user, password))
                if api.hang_next > 0:  # Twilio has the message but has not answered yet
                    api.hang_next -= 1
                    api._released.wait(60)
                sid = "SM" + uuid.uuid4().hex
                self._answer(201, {
                    "sid": sid, "account_sid": user, "to": form.get("To"), "from": form.get("From"),
                    "body": form.get("Body"), "status": "queued", "num_segments": "1",
                    "direction": "outbound-api", "api_version": "2010-04-01",
                    "date_created": "Tue, 24 Nov 2026 10:00:00 +0000",
                    "uri": f"/2010-04-01/Accounts/{user}/Messages/{sid}.json",
                })

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                with contextlib.suppress(OSError):  # the client may have died waiting
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def release(self) -> None:
        """Answer the messages held by `hang_next`."""
        self._released.set()

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def bodies_to(self, number: str) -> list[str]:
        return [m.form.get("Body", "") for m in self.sent if m.form.get("To") == number]
