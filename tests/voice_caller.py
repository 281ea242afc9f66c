"""A caller on the phone, played the way Twilio plays one: it starts a call at
`/twilio/voice`, reads each TwiML document as XML, speaks the `<Say>`s into `heard`,
and follows `<Gather>`, `<Dial>` and `<Record>` actions and `<Redirect>`s with requests
signed exactly as Twilio signs them (the absolute URL, query string included).

Every document is checked on the way as Twilio would need it: XML served as text/xml,
under 64 kB, a `<Response>` that never just runs out (it hangs up or names what comes
next), every callback URL absolute, under our base URL and free of PHI.
"""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.nlu.language import detect
from tests.helpers import FIXTURES, PATIENT, TwilioClient, Twiml

MAX_TWIML_BYTES = 64_000
MAX_REDIRECTS = 10
VOICE = "Polly.Joanna-Neural"
LANGUAGE = "en-US"
VOICES = {"en-US": VOICE, "es-US": "Polly.Lupe-Neural"}  # each language's voice (settings)


def fixture(name: str) -> dict[str, str]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def check_document(reply: Twiml, base_url: str, caller: str) -> ET.Element:
    """What Twilio needs from every answer; returns the <Response> element."""
    assert reply.status == 200, (reply.status, reply.raw[:300])
    assert reply.content_type.startswith("text/xml"), reply.content_type
    assert len(reply.raw.encode()) < MAX_TWIML_BYTES
    assert "Traceback" not in reply.raw
    root = reply.root
    assert root is not None and root.tag == "Response", reply.raw
    verbs = list(root)
    assert verbs, "an empty <Response/> hangs up on the caller"
    last = verbs[-1]
    goes_on = last.tag in {"Gather", "Hangup", "Redirect"} or (
        last.tag == "Dial" and last.get("action"))
    assert goes_on, f"the call would run off the end after <{last.tag}>: {reply.raw}"
    for say in root.iter("Say"):
        # Every sentence in its own language's voice: Spanish is never read by the English one.
        assert VOICES.get(str(say.get("language"))) == say.get("voice"), ET.tostring(say)
        text = (say.text or "").strip()
        assert text
        found, margin = detect(text)
        if found and margin >= 2:
            assert say.get("language") == f"{found}-US", ET.tostring(say)
    for gather in root.iter("Gather"):
        assert gather.get("input") == "dtmf speech"
        assert gather.get("actionOnEmptyResult") == "true"
        assert gather.get("speechTimeout") == "auto" and gather.get("speechModel") is None
        assert gather.get("language") in VOICES and gather.get("hints") and gather.get("timeout")
        assert gather.findall("Say"), "the prompt is nested in the Gather (barge-in)"
    digits = "".join(c for c in caller if c.isdigit())
    for url in _callback_urls(root):
        assert url.startswith(base_url + "/twilio/voice"), url
        query = parse_qs(urlsplit(url).query)
        assert set(query) <= {"step"}, url
        assert digits[-7:] not in url, f"the caller's number is in {url}"
    return root


def _callback_urls(root: ET.Element) -> list[str]:
    urls = []
    for element in root.iter():
        for attribute in ("action", "transcribeCallback", "recordingStatusCallback"):
            if element.get(attribute):
                urls.append(element.get(attribute, ""))
        if element.tag == "Redirect":
            urls.append((element.text or "").strip())
    return urls


@dataclass
class Turn:
    """What the caller heard until the call waited for them again (or ended)."""

    documents: list[ET.Element] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    waiting: str = ""  # Gather, Dial, Record or Hangup
    element: ET.Element | None = None

    @property
    def text(self) -> str:
        return " ".join(self.said)

    @property
    def hung_up(self) -> bool:
        return self.waiting == "Hangup"

    @property
    def gather(self) -> ET.Element:
        assert self.waiting == "Gather" and self.element is not None, (self.waiting, self.said)
        return self.element


class VoiceCaller:
    """One call from `caller`; each method is something the caller (or Twilio) does."""

    def __init__(self, twilio: TwilioClient, *, caller: str = PATIENT, call_sid: str | None = None,
                 base_url: str | None = None) -> None:
        self.twilio = twilio
        self.base_url = base_url or twilio.base_url
        self.call = fixture("voice_inbound")
        self.call.update({"From": caller, "Caller": caller,
                          "CallSid": call_sid or "CA" + uuid.uuid4().hex})
        self.caller = caller
        self.turn = Turn()
        self.pending: ET.Element | None = None  # the verb whose action comes next
        self.rest: list[ET.Element] = []  # verbs after it, for a Dial/Record without result
        self.last_request: tuple[str, dict[str, str]] | None = None
        self.transcribe_callback: str | None = None

    @property
    def call_sid(self) -> str:
        return self.call["CallSid"]

    # -- the wire -----------------------------------------------------------------------
    def post(self, url: str, params: dict[str, str], *, signature: str | None = None) -> Twiml:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.last_request = (url, params)
        return self.twilio.post(target, params, signed_url=url, signature=signature)

    def _params(self, **extra: str) -> dict[str, str]:
        return {**self.call, "CallStatus": "in-progress", **extra}

    def _follow(self, url: str, params: dict[str, str]) -> Turn:
        self.turn = Turn()
        self._play(self.post(url, params))
        return self.turn

    def _play(self, reply: Twiml) -> None:
        assert len(self.turn.documents) < MAX_REDIRECTS, "redirected in a loop"
        root = check_document(reply, self.base_url, self.caller)
        self.turn.documents.append(root)
        self.turn.raw.append(reply.raw)
        self._run(list(root))

    def _run(self, verbs: list[ET.Element]) -> None:
        for index, verb in enumerate(verbs):
            if verb.tag == "Say":
                self.turn.said.append((verb.text or "").strip())
            elif verb.tag == "Redirect":
                self._play(self.post((verb.text or "").strip(), self._params()))
                return
            elif verb.tag in {"Gather", "Dial", "Record", "Hangup"}:
                if verb.tag == "Record":
                    self.transcribe_callback = verb.get("transcribeCallback")
                self.turn.said += [(s.text or "").strip() for s in verb.findall("Say")]
                self.turn.waiting, self.turn.element = verb.tag, verb
                self.pending, self.rest = verb, verbs[index + 1:]
                return

    def _action(self, tag: str) -> str:
        assert self.pending is not None and self.pending.tag == tag, (
            f"the call is not at a <{tag}> but at {self.turn.waiting}: {self.turn.said}")
        return self.pending.get("action", "")

    # -- what the caller does -----------------------------------------------------------
    def start(self) -> Turn:
        return self._follow(f"{self.base_url}/twilio/voice", dict(self.call))

    def press(self, digits: str, finished_on_key: str = "") -> Turn:
        params = {**fixture("voice_gather_digits"), "Digits": digits,
                  "FinishedOnKey": finished_on_key}
        return self._follow(self._action("Gather"), self._params(**params))

    def say(self, words: str) -> Turn:
        params = {**fixture("voice_gather_speech"), "SpeechResult": words}
        return self._follow(self._action("Gather"), self._params(**params))

    def silence(self) -> Turn:
        """Nothing heard: with actionOnEmptyResult Twilio still calls the action."""
        return self._follow(self._action("Gather"), self._params())

    def dial_result(self, status: str) -> Turn:
        action = self._action("Dial")
        if not action:  # no action: Twilio goes on with the next verb
            self.turn = Turn()
            self._run(self.rest)
            return self.turn
        params = {**fixture("voice_dial_action"), "DialCallStatus": status}
        return self._follow(action, self._params(**params))

    def leave_voicemail(self, recording_sid: str | None = None, duration: str = "23",
                        recording_url: str | None = None) -> Turn:
        params = fixture("voice_record_action")
        sid = recording_sid or params["RecordingSid"]
        url = recording_url or params["RecordingUrl"].rsplit("/", 1)[0] + "/" + sid
        params.update({"RecordingSid": sid, "RecordingDuration": duration, "RecordingUrl": url})
        return self._follow(self._action("Record"), self._params(**params))

    def stay_silent_at_the_beep(self) -> Turn:
        """An empty recording: Twilio skips the action and runs the verbs after <Record>."""
        self._action("Record")
        self.turn = Turn()
        self._run(self.rest)
        return self.turn

    def again(self) -> Twiml:
        """Twilio delivering the last request a second time."""
        assert self.last_request is not None
        url, params = self.last_request
        return self.post(url, params)

    def transcription(self, recording_sid: str, text: str, status: str = "completed") -> Any:
        body = fixture("voice_transcription")
        body.update({"CallSid": self.call_sid, "From": self.caller, "Caller": self.caller,
                     "RecordingSid": recording_sid, "TranscriptionText": text,
                     "TranscriptionStatus": status})
        url = self.transcribe_callback or f"{self.base_url}/twilio/voice/transcription"
        return self.post(url, body)
