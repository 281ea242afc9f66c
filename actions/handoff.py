"""Handing a patient to a pharmacy specialist: on request, on an emergency, after two
fallbacks in a row. The patient hears "a specialist will contact you" only after the
escalation is stored; if it cannot be stored, they are given the number to call."""

from __future__ import annotations

import logging
import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, clarify, grief, reading, refill, services, wording

log = logging.getLogger(__name__)


VOICE_CHANNEL = "twilio_voice"
WEB_CHAT = "rest"
COPAY_REASON = "copay help"  # the copay team calls back; they take no live calls


def hands_over(tracker: Tracker) -> bool:
    """A text conversation goes to the specialist. A phone call stays with the bot (its
    escalation is a call-back request: nobody can take over a live call from the console),
    and so does a web chat (staff cannot answer in it)."""
    return services.channel(tracker) not in {VOICE_CHANNEL, WEB_CHAT}


def _open(store: services.Services, tracker: Tracker, reason: str) -> str | None:
    """Store an escalation and hand the conversation over; its reference, or None."""
    try:
        escalation = store.escalations.open(
            sender_id=tracker.sender_id,
            phone=services.patient_phone(tracker),
            channel=services.channel(tracker),
            reason=reason,
            transcript=services.transcript(tracker),
            hand_over=hands_over(tracker),
            language=services.language(tracker),
        )
    except Exception as exc:
        log.error("escalation not stored: %s", type(exc).__name__)
        return None
    return escalation.reference


# A question asked in a reply to an offer, anywhere in it ("... can the nurse come?").
_A_QUESTION_TOO = re.compile(r"\?|\b(?:can|could|will|would|does|do|is|are) (?:the|a|you|they|she|he|it|we|i)\b"
                             r"|\b(?:puede|pueden|se puede|hay)\b")
# A person asked for in so many words: the ticket is theirs, whatever was on offer.
_FOR_A_PERSON = re.compile(r"\b(?:real person|a person|someone|somebody|a human|alguien|una persona)\b")


class ActionHandoff(services.ServiceAction, Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        reason = tracker.get_slot("handoff_reason") or "patient asked for a person"
        events: list[EventType] = [SlotSet("handoff_offered", False), SlotSet("handoff_reason", None)]
        if reading.asks_about_staff_language(reading.lowered(tracker)) and not tracker.get_slot("handoff_offered"):
            # "¿Alguien habla español ahí?": what we can say about it, and a person offered.
            dispatcher.utter_message(response="utter_staff_language")
            dispatcher.utter_message(response="utter_offer_pharmacy_specialist")
            return [SlotSet("handoff_offered", True), SlotSet("handoff_reason", reason)]
        if reading.wants_the_number(reading.lowered(tracker)):  # "can I just get a number to call a person"
            # The number (or where to find it), and a person still on offer: a yes counts.
            dispatcher.utter_message(**answers.answer_message(answers.CONTACT, tracker, self.services))
            return [SlotSet("handoff_offered", True), SlotSet("handoff_reason", reason)]
        if tracker.get_slot("handoff_offered"):
            number = next(tracker.get_latest_entity_values("prescription_number"), None)
            if number and reason == refill.NEEDS_HELP:  # "found it, it's 6620485": the refill goes on
                return [*events, SlotSet("prescription_number", str(number)), FollowupAction(refill.FORM)]
            text = reading.lowered(tracker)
            if reading.closes_at_an_offer(text):  # "perfecto, ahí estaré": a goodbye, not a yes
                dispatcher.utter_message(response="utter_offer_check")
                return []
            if reading.asks_at_an_offer(text):  # "y si no califico?"
                answered = answers.follow_up_or_ask(dispatcher, tracker, self.services)
                if answered is not None:  # answered, and the offer made again
                    return answered
            if _A_QUESTION_TOO.search(text) and not reading.starts_with_yes(text):
                # "we travel for thanksgiving, can the nurse come to another state": a question
                # told with a date, no yes to the offer; the offer stands, asked again
                dispatcher.utter_message(response="utter_offer_again")
                return []
        said = reading.lowered(tracker)
        asked_for = reading.intent_of(tracker)[0] == "request_specialist" or _FOR_A_PERSON.search(said)
        if asked_for and not answers.MONEY.search(said):
            # "can I talk to a real person", "can the nurse come to another state" at the copay
            # offer: a pharmacy specialist's ticket, not the copay team's
            reason = "patient asked for a person"
        if services.channel(tracker) == VOICE_CHANNEL and reason != COPAY_REASON:
            # A caller is put through to a specialist (or their voicemail) at once.
            dispatcher.utter_message(response="utter_voice_transfer")
            return events
        to_copay_team = "_copay" if reason == COPAY_REASON else ""  # the team the offer named
        if tracker.get_slot("prescription_number") or tracker.get_slot("date_of_birth"):
            reason += "; a refill request was in progress (ask the patient to finish it)"
        reference = _open(self.services, tracker, reason)
        if reference is None:
            dispatcher.utter_message(response="utter_handoff_failed",
                                     support_phone=self.services.support_phone)
            return events
        if services.open_now(tracker, self.services.hours):
            dispatcher.utter_message(response=f"utter_handoff_done{to_copay_team}", escalation_reference=reference,
                                     support_phone=self.services.support_phone)
        else:
            dispatcher.utter_message(response=f"utter_handoff_done_closed{to_copay_team}",
                                     escalation_reference=reference, support_phone=self.services.support_phone,
                                     next_open=services.next_opening(tracker, self.services.hours))
        return [*events, SlotSet("escalation_reference", reference)]


class ActionDeclineSpecialist(services.ServiceAction, Action):
    """No to the offer of a person; but a question that starts with "no" or "if not" ("y si
    no nos aceptan en ninguna?") is answered within the topic, and the offer stands."""

    def name(self) -> str:
        return "action_decline_specialist"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if reading.asks_at_an_offer(reading.lowered(tracker)):
            answered = answers.follow_up_or_ask(dispatcher, tracker, self.services)
            if answered is not None:
                return answered
        after_loss = tracker.get_slot("handoff_reason") == grief.REASON
        dispatcher.utter_message(response="utter_here_when_ready" if after_loss else "utter_anything_else")
        return [SlotSet("handoff_offered", False), SlotSet("handoff_reason", None)]


class ActionFallback(services.ServiceAction, Action):
    """Did not understand: answer a follow-up or ask which topic was meant; the second
    time in a row, bring in a person."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if reading.closing_remark(reading.lowered(tracker)):  # "ok I'll ask them"
            dispatcher.utter_message(response="utter_anything_else")
            return [SlotSet("fallback_count", 0)]
        count = int(tracker.get_slot("fallback_count") or 0) + 1
        in_context = wording.ruled_answer(reading.lowered(tracker), tracker)
        if in_context:  # "y si me lo niegan?" at the copay answer, "when does it get here" after a refill
            return answers.say_answer(dispatcher, tracker, self.services, in_context)
        if tracker.get_slot("handoff_offered") and reading.starts_with_yes(reading.lowered(tracker)):
            return [FollowupAction("action_handoff")]  # "yes, after 3 is better": a yes with a detail
        if count < 2 and tracker.get_slot("handoff_offered"):
            # A person was just offered: what they wrote is likely for that person ("I need
            # it by Thursday"), so the offer is put again, not a menu of topics.
            dispatcher.utter_message(response="utter_offer_again")
            return [SlotSet("fallback_count", count)]
        answered = answers.follow_up_answer(dispatcher, tracker, self.services)
        if answered is not None:  # a follow-up to the topic just discussed
            return answered
        if count < 2:
            asked = answers.follow_up_or_ask(dispatcher, tracker, self.services)
            if asked is not None:
                return asked
            only = reading.only_topic(tracker)
            if only is not None:
                return answers.say_answer(dispatcher, tracker, self.services,
                                          answers.safe_answer(only, reading.lowered(tracker), tracker))
            return clarify.ask_topic(dispatcher, tracker)
        if services.channel(tracker) == VOICE_CHANNEL:
            # A caller is put through to a person (or their voicemail) now, not called back.
            dispatcher.utter_message(response="utter_voice_trouble")
            dispatcher.utter_message(response="utter_voice_transfer")
            return [SlotSet("fallback_count", 0)]
        reference = _open(self.services, tracker, "bot did not understand twice in a row")
        if reference is None:
            dispatcher.utter_message(response="utter_handoff_failed",
                                     support_phone=self.services.support_phone)
            return [SlotSet("fallback_count", 0)]
        dispatcher.utter_message(response="utter_fallback_handoff", escalation_reference=reference)
        return [SlotSet("fallback_count", 0), SlotSet("escalation_reference", reference)]


