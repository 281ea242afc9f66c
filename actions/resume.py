"""A number sent outside a form: asked about ("what do you need it for?"), unless a refill
request this conversation was paused (by a loss told, an emergency, a question) and not
yet sent; then the refill goes on with it (issue 10: nothing given is lost)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.records import refill_details as verification

FORM = "refill_form"


def refill_paused(tracker: Tracker) -> bool:
    """A refill was asked for since the last one was sent, and its form is not running."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_submit_refill":
            return False
        if event.get("event") == "slot" and event.get("name") == "refill_wanted":
            return bool(event.get("value"))
    return False


class ActionInformOutsideForm(Action):
    def name(self) -> str:
        return "action_inform_outside_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        if refill_paused(tracker) and not (tracker.active_loop or {}).get("name"):
            given = _details(tracker)
            if given:  # "ok i found it, rx 5520183": the paused refill goes on
                dispatcher.utter_message(response="utter_refill_resumed")
                return [*(SlotSet(slot, value) for slot, value in given.items()), FollowupAction(FORM)]
        dispatcher.utter_message(response="utter_inform_outside_form")
        return []


def _details(tracker: Tracker) -> dict[str, str]:
    """The prescription number, or the birth date once the number is in, read from the message."""
    given: dict[str, str] = {}
    number = next(tracker.get_latest_entity_values("prescription_number"), None)
    digits = verification.prescription_number(str(number)) if number is not None else None
    if digits and not tracker.get_slot("prescription_number"):
        given["prescription_number"] = digits
    born = next(tracker.get_latest_entity_values("date_of_birth"), None)
    iso = verification.date_of_birth(str(born)) if born is not None else None
    if iso and (tracker.get_slot("prescription_number") or digits):
        given["date_of_birth"] = iso
    return given
