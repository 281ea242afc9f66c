"""The refill form: verify the prescription number and date of birth, then file a request.

Three failed verification attempts end the form and offer a person instead.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from bot.records import refill_details as verification

log = logging.getLogger(__name__)

MAX_FAILED_ATTEMPTS = 3
FORM_SLOTS = ("prescription_number", "date_of_birth")


def clear_form() -> list[EventType]:
    """Verification details leave the conversation as soon as they have been used."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("refill_failures", 0)]


class ValidateRefillForm(FormValidationAction):
    def name(self) -> str:
        return "validate_refill_form"

    def _failed(self, slot: str, hint: str, dispatcher: CollectingDispatcher,
                tracker: Tracker) -> dict[str, Any]:
        failures = int(tracker.get_slot("refill_failures") or 0) + 1
        if failures >= MAX_FAILED_ATTEMPTS:
            # Stop asking: the form ends and action_submit_refill offers a person.
            return {slot: None, "refill_failures": failures, "requested_slot": None}
        dispatcher.utter_message(response=hint)
        return {slot: None, "refill_failures": failures}

    def validate_prescription_number(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        digits = verification.prescription_number(str(value) if value is not None else None)
        if digits:
            return {"prescription_number": digits}
        return self._failed("prescription_number", "utter_invalid_prescription_number",
                            dispatcher, tracker)

    def validate_date_of_birth(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        iso = verification.date_of_birth(str(value) if value is not None else None)
        if iso:
            return {"date_of_birth": iso}
        return self._failed("date_of_birth", "utter_invalid_date_of_birth", dispatcher, tracker)


class ActionSubmitRefill(Action):
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
            request = services.refills().create(
                phone=services.patient_phone(tracker),
                prescription_number=str(rx),
                date_of_birth=str(dob),
                channel=services.channel(tracker),
            )
        except Exception as exc:  # the patient is told to call; nothing is claimed
            log.error("refill request not stored: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_refill_failed",
                                     support_phone=services.settings().support_phone)
            return clear_form()
        dispatcher.utter_message(response="utter_refill_submitted",
                                 refill_reference=request.reference)
        return [*clear_form(), SlotSet("refill_reference", request.reference)]


class ActionCancelRefill(Action):
    def name(self) -> str:
        return "action_cancel_refill"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_refill_cancelled")
        return clear_form()
