"""Rasa-compatible JSON routes: the REST channel and `/model/parse`."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest

from bot.dialogue.processor import MessageProcessor, UserMessage
from bot.store.lock import LockTimeout

log = logging.getLogger(__name__)

CHANNEL = "rest"
MAX_TEXT = 5000


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


def create_blueprint(processor: MessageProcessor) -> Blueprint:
    rest = Blueprint("rest", __name__)

    @rest.post("/model/parse")
    def parse() -> Any:
        data = _json_object()
        result = processor.parse(_text(data, "text"))
        if data.get("message_id") is not None:
            result["message_id"] = str(data["message_id"])
        return jsonify(result)

    @rest.post("/webhooks/rest/webhook")
    def webhook() -> Any:
        data = _json_object()
        sender = data.get("sender")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > 200:
            raise BadRequest("'sender' must be a non-empty string")
        metadata: dict[str, Any] = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
        message = UserMessage(
            text=_text(data, "message"),
            sender_id=sender,
            input_channel=CHANNEL,
            message_id=str(data["message_id"]) if data.get("message_id") else None,
            metadata={**metadata, "channel": CHANNEL},
        )
        try:
            result = processor.handle_message(message)
        except LockTimeout:
            return jsonify({"error": "this conversation is busy, try again"}), 503
        replies = []
        for reply in result.messages:
            item: dict[str, Any] = {"recipient_id": sender}
            if reply.get("text"):
                item["text"] = reply["text"]
            item.update({k: v for k, v in reply.get("data", {}).items() if k in {"buttons", "image", "custom"}})
            replies.append(item)
        return jsonify(replies)

    return rest
