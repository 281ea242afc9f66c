"""Fuzzing every public route with hypothesis: arbitrary unicode, huge and missing form
fields, values of the wrong type, broken JSON. Whatever arrives, the answer is well formed
and never a 500: TwiML with a `<Response>` root for a signed Twilio request, 403 for an
unsigned or altered one (and nothing processed), JSON on the JSON routes, 400 or 413
where the request itself is wrong.
"""

from __future__ import annotations

import json
import string
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from bot.app import create_app
from bot.parts import Parts, build_parts
from tests.conftest import AUTH_TOKEN, make_settings
from tests.helpers import TwilioClient
from tests.sensitive import SENSITIVE
from tests.voice_caller import fixture

MAX_BODY_BYTES = 64 * 1024  # the app's MAX_CONTENT_LENGTH (settings.max_body_bytes)
STEPS = ["menu", "more", "offer", "entry", "emergency", "transfer", "voicemail"]
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=HEALTH)
FUZZ_JSON = settings(max_examples=100, deadline=None, suppress_health_check=HEALTH)
APOLOGY = "something went wrong on our side"


@pytest.fixture(scope="module")
def services(redis_url: str, engine: Any) -> Iterator[Parts]:
    """One app for all examples (a fresh one per example would make this minutes)."""
    built = build_parts(make_settings(redis_url), engine=engine)
    built.redis.flushdb()
    yield built
    built.redis.flushdb()


@pytest.fixture(scope="module")
def client(services: Parts) -> Any:
    return create_app(services.settings, parts=services).test_client()


@pytest.fixture(scope="module")
def twilio(client: Any) -> TwilioClient:
    return TwilioClient(client, AUTH_TOKEN)


# -- what arrives ---------------------------------------------------------------------------
# Form values on the wire are strings; "wrong types" are numbers that are not numbers,
# lists where one value is expected, and so on.
odd_numbers = st.sampled_from(["", "-1", "1e400", "nan", "inf", "-inf", "0x10", "1.5", "١٢",
                               "99999999999999999999999", " 3 ", "None", "[]", "{}", "true"])
unicode_text = st.text(max_size=200)
huge_text = st.builds(lambda c, n: c * n, st.characters(codec="utf-8"),
                      st.integers(min_value=1_700, max_value=20_000))
value = st.one_of(unicode_text, odd_numbers, huge_text)
field_name = st.text(min_size=1, max_size=30)


@st.composite
def form(draw: st.DrawFn, base: dict[str, str], fields: list[str]) -> dict[str, Any]:
    """Twilio's own fields, some replaced, some dropped, and unknown ones added."""
    params: dict[str, Any] = dict(base)
    for name in fields:
        choice = draw(st.sampled_from(["keep", "replace", "drop", "list"]))
        if choice == "replace":
            params[name] = draw(value)
        elif choice == "drop":
            params.pop(name, None)
        elif choice == "list":
            params[name] = draw(st.lists(unicode_text, min_size=2, max_size=3))
    extra = draw(st.dictionaries(field_name, value, max_size=4))
    params.update({k: v for k, v in extra.items() if k not in params})
    return params


sids = st.text(string.ascii_letters + string.digits, min_size=34, max_size=34)


@st.composite
def sms_form(draw: st.DrawFn) -> dict[str, Any]:
    sid = draw(sids)
    params = {**fixture("sms_inbound"), "Body": "hello", "MessageSid": sid, "SmsSid": sid}
    return draw(form(params, ["Body", "From", "NumMedia", "OptOutType", "To", "MessageSid"]))


@st.composite
def call_form(draw: st.DrawFn) -> dict[str, Any]:
    params = {**fixture("voice_inbound"), **fixture("voice_gather_speech"),
              "CallSid": draw(sids)}
    return draw(form(params, ["CallSid", "From", "SpeechResult", "Digits", "Confidence",
                              "CallStatus", "RecordingSid", "RecordingUrl",
                              "RecordingDuration", "DialCallStatus"]))


def encoded_size(params: dict[str, Any]) -> int:
    """The form's size as werkzeug's test client encodes it."""
    return len(urlencode(params, doseq=True, safe="!$'()*,/:;?@").encode())


def sign(twilio: TwilioClient, path: str, params: dict[str, Any]) -> str:
    """Signed as Twilio signs, a field sent twice included (as werkzeug reads it)."""
    return twilio.sign(f"{twilio.base_url}{path}", MultiDict(params))  # type: ignore[arg-type]


def post(twilio: TwilioClient, path: str, params: dict[str, Any]) -> Any:
    return twilio.post(path, params, signature=sign(twilio, path, params))


# -- what must come back --------------------------------------------------------------------
def twiml_root(reply: Any) -> ET.Element:
    assert reply.status == 200, (reply.status, reply.raw[:300])
    assert reply.content_type.startswith("text/xml"), reply.content_type
    assert "Traceback" not in reply.raw
    root = ET.fromstring(reply.raw)  # well-formed XML, or this raises
    assert root.tag == "Response", reply.raw[:300]
    assert len(reply.raw.encode()) < 64_000
    return root


def json_answer(response: Any) -> Any:
    assert response.status_code != 500, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json", (response.status_code, response.mimetype)
    return json.loads(response.get_data(as_text=True))


def events_of(services: Parts, sender: str) -> int:
    return len(services.conversations.load(sender).events)


# -- Twilio routes, signed ------------------------------------------------------------------
@FUZZ
@given(params=sms_form())
def test_any_signed_text_message_gets_well_formed_twiml(twilio, params):
    size = encoded_size(params)
    assume(not MAX_BODY_BYTES - 4_000 < size < MAX_BODY_BYTES + 4_000)
    reply = post(twilio, "/twilio/sms", params)
    if size > MAX_BODY_BYTES:
        assert reply.status == 413
        return
    root = twiml_root(reply)
    messages = root.findall("Message")
    assert len(messages) <= 2 and len(list(root)) == len(messages)
    assert all((m.text or "").strip() for m in messages)
    sender, sid = params.get("From"), params.get("MessageSid")
    if isinstance(sender, str) and sender.strip() and isinstance(sid, str) and sid.strip():
        # Nothing inside failed: odd values are read, not turned into an apology.
        assert APOLOGY not in reply.raw, params


@FUZZ
@given(params=call_form())
def test_any_signed_incoming_call_gets_a_twiml_answer_that_goes_on(twilio, params):
    assume(encoded_size(params) < MAX_BODY_BYTES - 4_000)
    root = twiml_root(post(twilio, "/twilio/voice", params))
    verbs = list(root)
    assert verbs, "an empty <Response/> hangs up on the caller"
    assert verbs[-1].tag in {"Gather", "Hangup", "Redirect", "Dial"}, ET.tostring(root)


@FUZZ
@given(params=call_form(), name=st.one_of(st.sampled_from(STEPS), st.text(max_size=20)),
       step=st.one_of(st.integers(-5, 50).map(str), st.text(max_size=12)))
def test_any_signed_step_of_a_call_gets_twiml_or_404(twilio, params, name, step):
    assume(encoded_size(params) < MAX_BODY_BYTES - 4_000)
    path = f"/twilio/voice/{quote(name, safe='')}?step={quote(step, safe='')}"
    reply = post(twilio, path, params)
    if name not in STEPS:
        # Unknown steps are 404; the transcription callback answers 204, without TwiML.
        assert reply.status in {404, 405, 204}, (name, reply.status)
        return
    verbs = list(twiml_root(reply))
    assert verbs and verbs[-1].tag in {"Gather", "Hangup", "Redirect", "Dial"}, reply.raw


# -- signatures hold for every request ------------------------------------------------------
ROUTES = {"/twilio/sms": sms_form(), "/twilio/voice": call_form(),
          "/twilio/voice/menu?step=1": call_form()}


@st.composite
def tampered(draw: st.DrawFn, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """One change Twilio's signature covers: a value, a field added or removed."""
    changed = dict(params)
    how = draw(st.sampled_from(["value", "add", "remove"]))
    if how == "value":
        name = draw(st.sampled_from(sorted(changed)))
        old = changed[name]
        old_values = set(old) if isinstance(old, list) else {old}
        # Twilio signs each field's distinct values: ["a", "a"] and "a" sign alike.
        changed[name] = draw(unicode_text.filter(lambda v: {v} != old_values))
    elif how == "add":
        name = draw(field_name.filter(lambda n: n not in changed))
        changed[name] = draw(unicode_text)
    else:
        name = draw(st.sampled_from(sorted(changed)))
        del changed[name]
    return how, changed


@FUZZ
@given(data=st.data(), route=st.sampled_from(sorted(ROUTES)))
def test_a_signature_holds_only_for_the_request_it_was_made_for(twilio, services, data, route):
    params = data.draw(ROUTES[route])
    assume(encoded_size(params) < MAX_BODY_BYTES - 4_000)
    signature = sign(twilio, route, params)
    how, changed = data.draw(tampered(params))
    sender = changed.get("From") if isinstance(changed.get("From"), str) else ""
    before = events_of(services, sender) if sender else 0
    reply = twilio.post(route, changed, signature=signature)
    assert reply.status == 403, (how, reply.status)
    if sender:
        assert events_of(services, sender) == before, "a refused request was processed"
    # The same request as signed passes the check.
    assert twilio.post(route, params, signature=signature).status != 403


@FUZZ
@given(params=sms_form(), signature=st.one_of(
    st.just(""),
    # Any header value HTTP can carry: bytes read as latin-1, no control characters.
    st.text(st.characters(max_codepoint=255, exclude_categories=["Cc"]), max_size=40),
    st.binary(max_size=28).map(lambda b: b.hex())))
def test_an_unsigned_or_wrongly_signed_request_is_refused(twilio, params, signature):
    assume(encoded_size(params) < MAX_BODY_BYTES - 4_000)
    assume(signature != sign(twilio, "/twilio/sms", params))
    assert twilio.post("/twilio/sms", params, signature=signature).status == 403
    other = TwilioClient(twilio.client, "not-the-token")
    assert post(other, "/twilio/voice", params).status == 403


# -- the JSON routes ------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | unicode_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(unicode_text, children,
                                                                      max_size=4),
    max_leaves=20,
)


@st.composite
def json_body(draw: st.DrawFn, keys: dict[str, st.SearchStrategy[Any]]) -> bytes:
    """A JSON object with the route's keys (right or wrong types), or anything else."""
    kind = draw(st.sampled_from(["object", "object", "object", "any", "bytes", "deep", "huge"]))
    if kind == "object":
        obj = {name: draw(strategy | json_values) for name, strategy in keys.items()
               if draw(st.booleans()) or name in {"text", "message"}}
        obj.update(draw(st.dictionaries(unicode_text, json_values, max_size=3)))
        return json.dumps(obj).encode()
    if kind == "any":
        return json.dumps(draw(json_values)).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "deep":  # nesting deeper than any parser's recursion
        depth = draw(st.integers(500, 30_000))
        return ("[" * depth + "]" * depth).encode()
    return json.dumps({name: "x" * 70_000 for name in keys}).encode()


def _post_json(client: Any, path: str, body: bytes, content_type: str) -> Any:
    return client.post(path, data=body, headers={"Content-Type": content_type})


content_types = st.sampled_from(["application/json", "application/json", "text/plain",
                                 "application/x-www-form-urlencoded", "application/json; charset=latin-1"])


@FUZZ_JSON
@given(body=json_body({"text": unicode_text, "message_id": unicode_text}),
       content_type=content_types)
def test_model_parse_answers_json_whatever_it_is_sent(client, body, content_type):
    _register_json(body)
    response = _post_json(client, "/model/parse", body, content_type)
    answer = json_answer(response)
    assert response.status_code in {200, 400, 413}, response.status_code
    if response.status_code == 200:
        assert {"text", "intent", "entities", "intent_ranking"} <= set(answer)
        assert isinstance(answer["intent"]["name"], str)
    else:
        assert "error" in answer


@FUZZ_JSON
@given(body=json_body({"sender": unicode_text, "message": unicode_text,
                       "message_id": unicode_text, "metadata": json_values}),
       content_type=content_types)
def test_the_rest_channel_answers_json_whatever_it_is_sent(client, body, content_type):
    _register_json(body)
    response = _post_json(client, "/webhooks/rest/webhook", body, content_type)
    answer = json_answer(response)
    assert response.status_code in {200, 400, 413}, response.status_code
    if response.status_code == 200:
        sender = json.loads(body)["sender"]
        assert isinstance(answer, list)
        assert all(reply["recipient_id"] == sender for reply in answer)
        assert all(isinstance(reply.get("text", ""), str) for reply in answer)
    else:
        assert "error" in answer


def _register_json(body: bytes) -> None:
    """A patient's words sent as JSON must stay out of the logs too."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return
    if isinstance(data, dict):
        for name in ("text", "message"):
            if isinstance(data.get(name), str):
                SENSITIVE.add_text("message body", data[name])


# -- what the fuzzing found, kept as plain examples ------------------------------------------
@pytest.mark.parametrize("signature", ["\x80", "é" * 28, "sig\u00a0"])
def test_a_signature_that_is_not_base64_text_is_refused_not_apologised_for(twilio, signature):
    params = {**fixture("sms_inbound"), "MessageSid": "SM" + "f" * 32}
    assert twilio.post("/twilio/sms", params, signature=signature).status == 403
    assert twilio.post("/twilio/voice", fixture("voice_inbound"), signature=signature).status == 403


@pytest.mark.parametrize("num_media", ["1e400", "nan", "inf", "-inf"])
def test_a_media_count_that_is_no_number_does_not_lose_the_text(twilio, num_media):
    params = {**fixture("sms_inbound"), "MessageSid": "SM" + num_media.encode().hex() * 4,
              "From": "+15550100998", "NumMedia": num_media}
    reply = post(twilio, "/twilio/sms", params)
    assert reply.messages and APOLOGY not in reply.raw


@pytest.mark.parametrize("path", ["/model/parse", "/webhooks/rest/webhook"])
def test_json_nested_deeper_than_the_parser_goes_is_a_400(client, path):
    response = _post_json(client, path, b"[" * 20_000 + b"]" * 20_000, "application/json")
    assert response.status_code == 400 and "error" in json_answer(response)


def test_healthz_is_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and json_answer(response)["redis"] == "ok"


def test_fuzzing_left_the_support_line_answering(twilio):
    """After all that, an ordinary text still gets an ordinary answer."""
    reply = twilio.sms("what is nh", sender="+15550100999")
    assert reply.status == 200 and reply.messages and APOLOGY not in reply.raw


def test_a_step_name_holding_a_slash_is_not_redirected(twilio):
    """Found by the fuzz test above: werkzeug merged "//" into "/" with a 308, which a
    webhook would follow to a page its signature never covered."""
    path = f"/twilio/voice/{quote('/menu', safe='')}?step=1"
    reply = post(twilio, path, {"CallSid": "CA" + "0" * 32, "From": "+15550001234"})
    assert reply.status == 404
