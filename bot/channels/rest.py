"""Rasa-compatible JSON routes: the REST channel and `/model/parse`.

A REST conversation lives in its own namespace: the tracker behind sender `S` is
`rest:S`, so a REST client can never reach an SMS conversation (keyed by the phone
number) or a call (keyed by its CallSid), whatever sender it claims; answers still name
`S` as `recipient_id`. Nothing a client sends is taken as a verified phone number: its
metadata cannot set `phone` or `channel`. With REST_API_TOKEN set, both routes need
`Authorization: Bearer <token>` (or Rasa's `?token=<token>`); production does not start
with them open (set the token, or REST_API_ENABLED=false to go without them).

If a message cannot be handled, the answer is still a list of messages in the channel's
shape (the status says what went wrong): 911 first if it reads as an emergency, then
who to call, as the SMS channel answers.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from typing import Any

import redis
from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest

from bot.channels.apology import APOLOGY, EMERGENCY_APOLOGY, apology_texts
from bot.dialogue.responses import ResponseRenderer
from bot.engine.conversations import LockTimeout
from bot.engine.messages import BotReply, UserMessage
from bot.engine.processor import MessageProcessor
from bot.nlu import safety
from bot.records.rates import RateLimits
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)

CHANNEL = "rest"
WEBHOOK = "/webhooks/rest/webhook"
SENDER_NAMESPACE = "rest:"
MAX_TEXT = 5000
MAX_SENDER = 200
# The channel sets these itself: a client cannot claim a phone number or another channel.
RESERVED_METADATA = frozenset({"phone", "channel"})


INT64 = 2 ** 63


def _storable(value: Any, depth: int = 0) -> bool:
    """Metadata the conversation store can keep as JSON (no integer past 64 bits, no
    nesting past a few levels); anything else is dropped, not a failed turn."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, float)):
        return True
    if isinstance(value, int):
        return -INT64 <= value < INT64
    if depth < 4 and isinstance(value, list):
        return all(_storable(item, depth + 1) for item in value)
    if depth < 4 and isinstance(value, dict):
        return all(_storable(item, depth + 1) for item in value.values())
    return False


def conversation_sender(sender: str) -> str:
    """The tracker's sender id for a REST sender, in the REST channel's own namespace."""
    return SENDER_NAMESPACE + sender


def _json_object() -> dict[str, Any]:
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes (silent= covers ValueError only)
        data = None
    if data is None:
        raise BadRequest("body must be JSON with Content-Type: application/json")
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object")
    return data


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise BadRequest(f"'{key}' must be a string")
    if len(value) > MAX_TEXT:
        raise BadRequest(f"'{key}' is longer than {MAX_TEXT} characters")
    return value


def _sender(data: dict[str, Any]) -> str:
    sender = data.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest("'sender' must be a non-empty string")
    if len(sender) > MAX_SENDER:
        raise BadRequest(f"'sender' is longer than {MAX_SENDER} characters")
    return sender


def _given_token() -> str:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    return request.args.get("token", "")


def _authorized(expected: str) -> bool:
    return hmac.compare_digest(_given_token().encode(), expected.encode())


def _over_rate_limit(rates: RateLimits, limit: int, now: float) -> bool:
    """REST_RATE_LIMIT_PER_MINUTE messages per client address per minute (0: no limit):
    an open web chat must not let one client flood the queue and page the staff."""
    if limit <= 0:
        return False
    try:
        count = rates.count("rest", request.remote_addr or "?", now)
    except redis.RedisError:
        return False  # the webhook itself will answer with the apology
    if count == limit + 1:
        log.warning("REST rate limit reached for a client address (%d a minute)", limit)
    return count > limit


def check_settings(settings: Settings) -> None:
    """Fail fast: in production the REST routes are never open to anyone who can reach
    the server (thirty anonymous posts once opened thirty urgent escalations)."""
    if settings.environment == "production" and settings.rest_api_enabled \
            and not settings.rest_api_token:
        raise SettingsError(
            f"REST_API_TOKEN is not set: in production {WEBHOOK} and /model/parse need it. "
            "Set REST_API_TOKEN to a long random value, or REST_API_ENABLED=false to turn "
            "those routes off")


def create_blueprint(processor: MessageProcessor, renderer: ResponseRenderer, rates: RateLimits,
                     settings: Settings, clock: Callable[[], float]) -> Blueprint:
    check_settings(settings)
    rest = Blueprint("rest", __name__)
    missing = [name for name in (APOLOGY, EMERGENCY_APOLOGY)
               if not renderer.variations(name, CHANNEL, {})]
    if missing:
        raise LookupError(f"domain.yml: the REST channel needs responses {', '.join(missing)}")

    @rest.before_request
    def require_token() -> Any:
        token = settings.rest_api_token
        if token and not _authorized(token):
            log.warning("REST request to %r refused: missing or wrong token", request.path[:200])
            return (jsonify(error="Unauthorized",
                            message="a valid token is required: Authorization: Bearer <token>"),
                    401, {"WWW-Authenticate": 'Bearer realm="rest"'})
        return None

    def answer(sender: str, replies: list[BotReply]) -> list[dict[str, Any]]:
        answers = []
        for reply in replies:
            item: dict[str, Any] = {"recipient_id": sender}
            if reply.text:
                item["text"] = reply.text
            if reply.buttons:
                item["buttons"] = [button.as_dict() for button in reply.buttons]
            if reply.custom:
                item["custom"] = dict(reply.custom)
            answers.append(item)
        return answers

    def apology(sender: str, text: str) -> list[dict[str, Any]]:
        """Something broke: 911 first if it reads as an emergency, then who to call."""
        texts = apology_texts(renderer, CHANNEL, text, settings.support_phone)
        return answer(sender, [BotReply(t) for t in texts])

    @rest.post("/model/parse")
    def parse() -> Any:
        data = _json_object()
        result = processor.parse(_text(data, "text"))
        if data.get("message_id") is not None:
            result["message_id"] = str(data["message_id"])
        return jsonify(result)

    @rest.post(WEBHOOK)
    def webhook() -> Any:
        if _over_rate_limit(rates, settings.rest_rate_limit_per_minute, clock()):
            body = request.get_json(silent=True)
            text = body.get("message") if isinstance(body, dict) else None
            if isinstance(text, str) and safety.check(text).matched:
                # Refused, but never without the 911 instruction.
                first = apology_texts(renderer, CHANNEL, text, settings.support_phone)[0]
                return jsonify(error="Too Many Requests", message=first), 429
            return jsonify(error="Too Many Requests",
                           message="too many messages from this address; wait a minute"), 429
        data = _json_object()
        sender = _sender(data)
        text = _text(data, "message")
        if not text.strip():
            raise BadRequest("'message' must not be empty")
        metadata = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
        message = UserMessage(
            text=text,
            sender_id=conversation_sender(sender),
            input_channel=CHANNEL,
            message_id=str(data["message_id"]) if data.get("message_id") else None,
            metadata={**{k: v for k, v in metadata.items() if k not in RESERVED_METADATA and _storable(v)},
                      "channel": CHANNEL},
        )
        try:
            result = processor.handle_message(message)
        except LockTimeout:
            return jsonify({"error": "this conversation is busy, try again"}), 503
        except Exception as exc:  # the patient still learns whom to call
            log.error("REST message failed: %s", type(exc).__name__)
            status = 503 if isinstance(exc, redis.RedisError) else 500
            return jsonify(apology(sender, text)), status
        return jsonify(answer(sender, result.replies))

    return rest
