"""`POST /twilio/sms`: Twilio's messaging webhook in, TwiML `<Message>`s out.

Order of business for each text: signature (403 if wrong), once per MessageSid (a
repeated delivery gets the answer the first one got), consent keywords, the opted-out
check, pictures, then the dialogue. Whatever fails inside, the patient gets valid TwiML
with an apology and the number to call, never an error page.
"""

from __future__ import annotations

import contextlib
import logging
import math
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.apology import apology_texts
from bot.channels.sms import keywords as sms_keywords
from bot.channels.sms.sizing import MAX_MESSAGES_PER_TURN, fit_turn, to_gsm7
from bot.channels.twilio.signature import TwilioSignatureCheck
from bot.dialogue.responses import ResponseRenderer
from bot.engine.messages import UserMessage
from bot.engine.processor import MessageProcessor
from bot.nlu import safety
from bot.privacy import mask_phone
from bot.records.consent import ConsentLedger
from bot.records.deliveries import TwilioDeliveries
from bot.records.escalations import EscalationStore

log = logging.getLogger(__name__)

CHANNEL = "twilio_sms"
DEDUP_TTL = 48 * 3600  # a repeated delivery gets the same answer for this long
TWIN_WAIT_SECONDS = 10.0  # a copy waits this long for the first one's answer
MAX_BODY = 1600
INTRO = "utter_intro"  # the first text of a conversation: gives way first when a turn is long
SHORT_INTRO = "utter_intro_short"  # what of it is said at the end when it has no room


@dataclass
class SmsChannel:
    processor: MessageProcessor
    consent: ConsentLedger
    escalations: EscalationStore
    deliveries: TwilioDeliveries
    renderer: ResponseRenderer
    support_phone: str

    # -- replies ---------------------------------------------------------------------
    def text(self, response: str, language: str | None = None) -> str:
        slots = {"language": language} if language else {}
        message = self.renderer.render(response, CHANNEL, slots, {"support_phone": self.support_phone})
        return (message or {}).get("text") or ""

    def twiml(self, texts: list[str], expendable: list[str] | None = None,
              stand_ins: dict[str, str] | None = None) -> str:
        """TwiML for a turn; `expendable` texts (least important first) may be cut to fit,
        the introduction to its short stand-in at the end."""
        reply = MessagingResponse()
        messages = fit_turn(texts, expendable or [], stand_ins)
        # One message more only for the stand-in of the introduction (safety rule 6).
        limit = MAX_MESSAGES_PER_TURN + bool(stand_ins and messages and messages[-1] in
                                             {to_gsm7(text).strip() for text in stand_ins.values()})
        if len(messages) > limit:
            log.warning("a turn produced %d SMS messages; sending the first %d", len(messages), limit)
        for text in messages[:limit]:
            reply.message(text)
        return str(reply)

    def apology(self, body: str) -> str:
        """Something broke: 911 first if it reads as an emergency, then who to call."""
        return self.twiml(apology_texts(self.renderer, CHANNEL, body, self.support_phone))

    # -- the webhook -----------------------------------------------------------------
    def handle(self, form: Any) -> Response:
        return Response(self._answer(form), mimetype="text/xml")

    def _answer(self, form: Any) -> str:
        sender = (form.get("From") or "").strip()
        message_sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
        body = (form.get("Body") or "")[:MAX_BODY]
        if not sender or not message_sid:
            log.warning("SMS webhook without From or MessageSid: nothing to answer")
            return self.twiml([])
        try:
            return self.deliveries.answer(
                "sms", message_sid, lambda: self._handle(form, sender, message_sid, body),
                keep_seconds=DEDUP_TTL, wait_seconds=TWIN_WAIT_SECONDS, busy=lambda: self.twiml([]))
        except Exception as exc:
            log.error("SMS from %s failed: %s", mask_phone(sender), type(exc).__name__)
            self._forget(message_sid)
            if self._asks_to_stop(form, body):
                # The opt-out could not be recorded, but it is honoured in this reply: nothing
                # (911 only if it also reads as an emergency). Staff must record it by hand.
                log.error("OPT-OUT NOT RECORDED for %s (message %s, find it in Twilio's logs): "
                          "record it when storage is back", mask_phone(sender), message_sid)
                if safety.check(body).matched:
                    return self.twiml([self.text("utter_emergency_alert_failed")])
                return self.twiml([])
            return self.apology(body)

    def _forget(self, message_sid: str) -> None:
        """Twilio may send it again: that copy runs again (the dialogue itself never
        takes a message twice)."""
        with contextlib.suppress(Exception):
            self.deliveries.forget("sms", message_sid)

    @staticmethod
    def _asks_to_stop(form: Any, body: str) -> bool:
        try:
            word = sms_keywords.keyword(body, form.get("OptOutType"))
            return word == sms_keywords.STOP or sms_keywords.is_revocation(body)
        except Exception:
            return False

    def _handle(self, form: Any, sender: str, message_sid: str, body: str) -> str:
        word = sms_keywords.keyword(body, form.get("OptOutType"))
        opted_out = self.consent.is_opted_out(sender)

        if word == sms_keywords.STOP:
            self.consent.opt_out(sender, "keyword")
            log.info("opt-out (keyword) from %s", mask_phone(sender))
            if sms_keywords.keyword_language(body) == "es" and not form.get("OptOutType"):
                # Twilio's own filter knows English words only: no carrier confirmation
                # comes for PARAR, so the bot confirms, once, in Spanish.
                return self.twiml([self.text("utter_opt_out_confirm", "es")])
            return self.twiml([])  # Twilio sends the carrier confirmation itself
        # YES / SI opt back in only after an opt-out; otherwise they answer the bot's question.
        if word == sms_keywords.START and (opted_out or sms_keywords.bare_word(body) not in sms_keywords.YES_WORDS):
            self.consent.opt_in(sender, "keyword")
            log.info("opt-in from %s", mask_phone(sender))
            return self.twiml([self.text("utter_opt_in_confirm" if opted_out else "utter_already_subscribed",
                                         self._language(sender, body))])
        if opted_out:
            if safety.check(body).matched:  # nothing may be texted back; staff still hear
                self._alert_staff(sender, body)
            return self.twiml([])
        if word == sms_keywords.HELP:
            return self.twiml([self.text("utter_help_keyword", self._language(sender, body))])
        if sms_keywords.is_revocation(body):
            self.consent.opt_out(sender, "plain language")
            log.info("opt-out (plain language) from %s", mask_phone(sender))
            net = safety.check(body)
            language = self._language(sender, body)
            if net.matched:  # "stop texting me, my baby is not breathing"
                self._alert_staff(sender, body)
                # This one reply still goes out: 911 must come before the goodbye.
                first = net.case if net.sign else "general"
                return self.twiml([self.text(safety.FIRST_LINES[first], "es" if net.language == "es" else language),
                                   self.text("utter_opt_out_confirm", language)])
            return self.twiml([self.text("utter_opt_out_confirm", language)])

        notices = []
        if int(_number(form.get("NumMedia"))) > 0:
            # Nothing is fetched or stored: the media URLs are ignored.
            notices.append(self.text("utter_media_unsupported"))
            if not body.strip():
                return self.twiml(notices)
        elif not body.strip():
            return self.twiml([self.text("utter_please_rephrase")])

        result = self.processor.handle_message(
            UserMessage(
                text=body,
                sender_id=sender,
                input_channel=CHANNEL,
                message_id=message_sid,
                metadata={"phone": sender, "channel": CHANNEL},
            )
        )
        texts = result.texts
        # Too long for two texts: the introduction gives way first, then the notices,
        # never the answer.
        intros = [r.text for r in result.replies if r.text and r.response == INTRO]
        # "Automated, not medical advice" is said once a session (safety rule 6), even
        # when a long first answer leaves no room for the whole introduction.
        stand_ins = {text: self.text(SHORT_INTRO, "es" if text.startswith("Hola") else None) for text in intros}
        expendable = intros + notices
        if result.emergency:
            return self.twiml(texts + notices, expendable, stand_ins)
        return self.twiml(notices + texts, expendable, stand_ins)

    def _language(self, sender: str, body: str) -> str:
        """The patient's language for a keyword's answer: Spanish for a Spanish keyword or
        revocation, else the conversation's (English when it has none)."""
        if "es" in (sms_keywords.keyword_language(body), sms_keywords.revocation_language(body)):
            return "es"
        try:
            return self.processor.conversation_language(sender) or "en"
        except Exception as exc:  # the answer still goes, in English
            log.warning("conversation language not read: %s", type(exc).__name__)
            return "en"

    def _alert_staff(self, sender: str, body: str) -> None:
        """An urgent escalation for staff to call a patient who may not be texted."""
        self.escalations.open_or_raise_urgency(
            sender_id=sender,
            phone=sender,
            channel=CHANNEL,
            reason="emergency reported by a patient opted out of texts (call them)",
            transcript=[{"from": "patient", "text": body, "time": self.escalations.clock()}],
            hand_over=False,
            language=safety.check(body).language,  # whoever calls them back sees it
        )


def _number(value: Any) -> float:
    """A numeric field; anything that is not a finite number ("nan", "1e400") counts as 0."""
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def create_blueprint(channel: SmsChannel, signature: TwilioSignatureCheck) -> Blueprint:
    sms = Blueprint("twilio_sms", __name__)

    @sms.post("/twilio/sms")
    @signature.require
    def webhook() -> Response:
        return channel.handle(request.form)

    @sms.errorhandler(Exception)
    def failed(error: Exception) -> Any:
        from werkzeug.exceptions import HTTPException

        if isinstance(error, HTTPException) and error.code in {403, 405, 413}:
            return error
        log.error("SMS webhook error: %s", type(error).__name__)
        return Response(channel.apology(""), mimetype="text/xml")

    return sms
