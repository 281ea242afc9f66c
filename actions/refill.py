"""The refill form: verify the prescription number and date of birth, then file a request.

Three failed verification attempts end the form and offer a person instead. On a phone
call, where the details are keyed in, they are read back and confirmed first (one more
required slot, `refill_confirmed`, as rasa_sdk's dynamic forms allow).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, reading, services, thread, wording
from bot.records import refill_details as verification

log = logging.getLogger(__name__)

MAX_FAILED_ATTEMPTS = 3
FORM_SLOTS = ("prescription_number", "date_of_birth")
CONFIRMED = "refill_confirmed"
FORM = "refill_form"
NEEDS_HELP = "refill: the patient needs help with their details"  # the offer after "I don't have it"
VOICE_CHANNEL = "twilio_voice"


def clear_form() -> list[EventType]:
    """Verification details leave the conversation as soon as they have been used."""
    return [SlotSet(slot, None) for slot in (*FORM_SLOTS, CONFIRMED)] + [SlotSet("refill_failures", 0)]


# "ok let's do the refill" at the form's question: the refill named, no number in it.
_THE_REFILL = re.compile(r"\b(?:refill|reorder|resurtido|resurtir|el pedido)\b")


class ValidateRefillForm(services.ServiceAction, FormValidationAction):
    def name(self) -> str:
        return "validate_refill_form"

    def _answered_instead(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """An everyday pharmacy question typed at the form's question ("what are your
        hours?"): answered, and the question asked again, with no attempt counted. So is
        "hang on" or "un momento" (still looking for the label)."""
        if reading.asks_to_wait(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(response="utter_take_your_time")
            return True
        said = reading.lowered(tracker)
        if thread.ELSEWHERE.search(said):  # "can it go to my mom's house this time"
            dispatcher.utter_message(response="utter_refill_address_note")
            return True
        if note := thread.side_note(said):  # "does my new insurance card need to be on file"
            dispatcher.utter_message(response=f"utter_{note}")
            return True
        if (_THE_REFILL.search(said) and not re.search(r"\d", said)
                and tracker.get_slot("requested_slot") in FORM_SLOTS):
            return True  # "ok, back to the refill": the question is asked again, nothing counted
        if reading.asks_when_it_comes(said):  # "y q día me la mandan": answered
            dispatcher.utter_message(**answers.answer_message(answers.DELIVERY_DAYS, tracker, self.services))
            return True
        intent, _ = reading.intent_of(tracker)
        if intent != answers.OUT_OF_SCOPE:
            return False
        key, sure, _ = reading.selected(tracker, answers.OUT_OF_SCOPE)
        if not key or key == answers.NOT_OURS or sure < reading.FOLLOWS:
            return False
        dispatcher.utter_message(**answers.answer_message(key, tracker, self.services))
        return True

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_latest_input_channel() != VOICE_CHANNEL:
            return domain_slots
        if int(tracker.get_slot("refill_failures") or 0) >= MAX_FAILED_ATTEMPTS:
            return []  # done asking: action_submit_refill offers a person
        return [*domain_slots, CONFIRMED]

    def validate_refill_confirmed(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is True:
            return {CONFIRMED: True}
        # "Enter them again": both details are asked for anew.
        return {CONFIRMED: None, "prescription_number": None, "date_of_birth": None}

    def _failed(self, slot: str, hint: str, dispatcher: CollectingDispatcher,
                tracker: Tracker) -> dict[str, Any]:
        failures = int(tracker.get_slot("refill_failures") or 0) + 1
        if failures >= MAX_FAILED_ATTEMPTS:
            # Stop asking: the form ends and action_submit_refill offers a person.
            return {slot: None, "refill_failures": failures, "requested_slot": None}
        dispatcher.utter_message(response=hint)
        return {slot: None, "refill_failures": failures}

    def extract_refill_confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != CONFIRMED:
            return {}
        said = (tracker.latest_message or {}).get("intent", {}).get("name")
        return {CONFIRMED: {"affirm": True, "deny": False}[said]} if said in {"affirm", "deny"} else {}

    def validate_prescription_number(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if self._answered_instead(dispatcher, tracker):
            return {"prescription_number": None}
        kept = _given_before(tracker, "prescription_number")
        if kept and tracker.get_slot("requested_slot") != "prescription_number":
            # Digits given for another question (8 keyed birth-date digits look like an
            # Rx number): the number already given stands.
            return {"prescription_number": kept}
        digits = verification.prescription_number(str(value) if value is not None else None)
        if digits:
            return {"prescription_number": digits}
        return self._failed("prescription_number", "utter_invalid_prescription_number",
                            dispatcher, tracker)

    def validate_date_of_birth(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if self._answered_instead(dispatcher, tracker):
            return {"date_of_birth": None}
        iso = verification.date_of_birth(str(value) if value is not None else None)
        if iso:
            return {"date_of_birth": iso}
        return self._failed("date_of_birth", "utter_invalid_date_of_birth", dispatcher, tracker)


def _given_before(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest message."""
    value, seen_latest = None, False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest:
                break
            seen_latest = True
        elif seen_latest and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return value


class ActionAskRefillConfirmed(Action):
    """On a call: the details as keyed, read back one digit at a time."""

    def name(self) -> str:
        return "action_ask_refill_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        rx = str(tracker.get_slot("prescription_number") or "")
        dob = str(tracker.get_slot("date_of_birth") or "")
        dispatcher.utter_message(response="utter_ask_refill_confirmed",
                                 prescription_digits=verification.digit_by_digit(rx),
                                 birth_date_spoken=verification.spoken_date(
                                     dob, services.language(tracker)) if dob else "")
        return []


class ActionSubmitRefill(services.ServiceAction, Action):
    def name(self) -> str:
        return "action_submit_refill"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        rx = tracker.get_slot("prescription_number")
        dob = tracker.get_slot("date_of_birth")
        if not (rx and dob):
            dispatcher.utter_message(response="utter_refill_too_many_attempts")
            return [*clear_form(), SlotSet("handoff_offered", True),
                    SlotSet("handoff_reason", "refill verification failed 3 times")]
        try:
            request = self.services.refills.create(
                phone=services.patient_phone(tracker),
                prescription_number=str(rx),
                date_of_birth=str(dob),
                channel=services.channel(tracker),
            )
        except Exception as exc:  # the patient is told to call; nothing is claimed
            log.error("refill request not stored: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_refill_failed",
                                     support_phone=self.services.support_phone)
            return clear_form()
        dispatcher.utter_message(response="utter_refill_submitted",
                                 refill_reference=request.reference)
        return [*clear_form(), SlotSet("refill_reference", request.reference)]


class ActionCancelRefill(Action):
    def name(self) -> str:
        return "action_cancel_refill"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if _A_QUESTION_BEFORE.search(reading.lowered(tracker)):
            # "hold on, I have a question first": the refill waits with what was given (a
            # number sent later picks it up, see actions/resume.py); nothing is stopped.
            dispatcher.utter_message(response="utter_refill_question_first")
            return [SlotSet("refill_wanted", True)]
        dispatcher.utter_message(response="utter_refill_cancelled")
        return clear_form()


# A pause to ask something, not a no: "wait, one question first", "un momento, primero una pregunta".
_A_QUESTION_BEFORE = re.compile(
    r"\b(?:question|ask you something|pregunta|preguntar\w*)\b.{0,20}\b(?:first|before|primero|antes)\b"
    r"|\b(?:first|before that|primero|antes)\b.{0,15}\b(?:a |one |una )?(?:quick )?(?:question|pregunta)\b")


class ActionRefillNumberHelp(Action):
    """"I don't know it" at the form's question: where the number is found, and the offer
    of a person. What was given stays (the form is paused, not cleared): asking for a
    refill again picks up where it stopped."""

    def name(self) -> str:
        return "action_refill_number_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_refill_number_help")
        dispatcher.utter_message(response="utter_offer_pharmacy_specialist")
        return [SlotSet("handoff_offered", True),
                SlotSet("handoff_reason", NEEDS_HELP)]


SHIPMENT = "request_refill/shipment_status"
AFTER_BIRTH = "ask_ivig_treatment/after_birth"  # "deliver" said of a birth, not a box
STORAGE = "ask_ivig_treatment/storage"
_HOURS = re.compile(r"\b(?:open|close|closed|closing|hours|abren|cierran|horario|abierto)\b")
# A question asked beside the refill: "..., also does it need to stay in the fridge?"
_ALSO_ASKS = re.compile(r"\?|\b(?:also|and|plus|y|tambien|ademas)\b,? (?:\w+ ){0,2}(?:does|do|is|are|can|could|will"
                        r"|should|how|what|when|where|why|se|puedo|hay|es|como|que|cuando)\b")


class ActionRefillOrShipment(services.ServiceAction, Action):
    """A refill asked for, or where a shipment is? (request_refill covers both; its
    ResponseSelector tells them apart.) A shipment question is answered, with a person
    offered; a refill starts the form (the rules follow `refill_wanted`)."""

    def name(self) -> str:
        return "action_refill_or_shipment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        key, sure, _ = reading.selected(tracker, "request_refill")
        text = reading.lowered(tracker)
        refill_asked = reading.asks_for_a_refill(text)
        # (handoff_offered is reset by this intent's slot mapping; the reason stays.)
        if (tracker.get_slot("handoff_reason") == answers.OFFERS[SHIPMENT][1]
                and tracker.get_slot(reading.TOPIC) == SHIPMENT and not refill_asked):
            # "I need it before Friday" after the shipment answer: a detail for the person
            # offered, not a new refill; the offer stands, and a yes after it counts.
            dispatcher.utter_message(response="utter_offer_again")
            return [SlotSet("refill_wanted", False), SlotSet("handoff_offered", True)]
        if thread.DELIVERY_PLACE.search(thread.sin_acentos(text)) and not refill_asked:
            dispatcher.utter_message(response="utter_refill_address_note")  # where it can go: the specialist's
            return [SlotSet("refill_wanted", False)]
        if reading.asks_when_it_comes(text) and not refill_asked:
            key, sure = answers.DELIVERY_DAYS, 1.0  # "y cuánto tarda en llegar": its days, not tracking
        in_context = wording.context_answer(text, tracker)
        birth_asked = in_context == AFTER_BIRTH and not refill_asked
        if in_context and (in_context.startswith("request_refill/") or birth_asked):
            key, sure = in_context, 1.0  # "stop sending the boxes"; "should I tell the hospital when I deliver?"
        if key not in {SHIPMENT, "request_refill/refill", None} and sure >= reading.FOLLOWS and not refill_asked:
            # Deliveries cancelled, late or asked about, leftovers: answered, no new refill.
            return [*answers.say_answer(dispatcher, tracker, self.services, str(key)), SlotSet("refill_wanted", False)]
        if key == SHIPMENT and sure >= reading.FOLLOWS:
            return [*answers.say_answer(dispatcher, tracker, self.services, key),
                    SlotSet("refill_wanted", False)]
        asked = None
        if reading.asks_when_it_comes(text) and refill_asked:  # "...next week's ivig. do you deliver on saturdays"
            asked = answers.DELIVERY_DAYS
        elif _HOURS.search(text) and refill_asked:  # "need to reorder. also r u open fridays till 6"
            asked = "out_of_scope/hours"
        elif refill_asked and (note := thread.side_note(text)):  # "...oh and do i send the cooler back"
            asked = note
        elif _ALSO_ASKS.search(text) and refill_asked:
            asked = STORAGE if thread.STORING.search(text) else answers.question_asked(tracker, floor=0.03)
        if asked:  # "need my next box, also does it need to stay in the fridge": answered, then the form
            return [*answers.say_answer(dispatcher, tracker, self.services, asked, refill_next=True),
                    SlotSet("refill_wanted", True)]
        _, confidence = reading.intent_of(tracker)
        asked = answers.question_asked(tracker) if "?" in text and not refill_asked else None
        if asked and confidence < reading.SURE:
            # "like up until delivery day?": a question read weakly as a refill, answered, no form.
            return [*answers.say_answer(dispatcher, tracker, self.services, asked), SlotSet("refill_wanted", False)]
        return [SlotSet("refill_wanted", True)]
