"""What a patient is told when their message could not be handled, on a text channel:
the 911 instruction first if the message reads as an emergency, then whom to call."""

from __future__ import annotations

from bot.dialogue.responses import ResponseRenderer
from bot.nlu import safety

APOLOGY = "utter_error_apology"
EMERGENCY_APOLOGY = "utter_emergency_alert_failed"


def apology_texts(renderer: ResponseRenderer, channel: str, body: str, support_phone: str) -> list[str]:
    names = [EMERGENCY_APOLOGY, APOLOGY] if safety.check(body).matched else [APOLOGY]
    rendered = (renderer.render(name, channel, {}, {"support_phone": support_phone}) for name in names)
    return [message["text"] for message in rendered if message and message.get("text")]
