"""A parent telling of a loss (nh-facts.md: kind in tone): sympathy first, in a form too,
an offer of a person, and a support line the pharmacy trusts (BEREAVEMENT_RESOURCE)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services

REASON = "a parent shared a loss"


class ActionCondolences(services.ServiceAction, Action):
    def name(self) -> str:
        return "action_condolences"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        resource = self.services.bereavement_resource
        dispatcher.utter_message(response="utter_condolences",
                                 support_resource=f"{resource.rstrip('.')}. " if resource else "")
        return [SlotSet("handoff_offered", True), SlotSet("handoff_reason", REASON)]
