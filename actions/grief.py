"""A parent telling of a loss (nh-facts.md: kind in tone): sympathy first, in a form too,
an offer of a person, and a support line the pharmacy trusts (BEREAVEMENT_RESOURCE).
A question asked with it is answered after the sympathy."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers, services, wording
from actions.asked import asked_in_context
from bot.nlu import safety
from bot.nlu.safety_es import sin_acentos

REASON = "a parent shared a loss"


class ActionCondolences(services.ServiceAction, Action):
    def name(self) -> str:
        return "action_condolences"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if wording.warning_signs(tracker) == wording.CRISIS_PAST:
            # "after we lost him I wanted to die, counseling has helped": 988 if it comes back
            dispatcher.utter_message(response="utter_condolences_brief")
            return answers.say_answer(dispatcher, tracker, self.services, wording.CRISIS_PAST)
        asked = None if safety.grief_without_a_question(text) else (
            asked_in_context(sin_acentos(text.lower()), "") or answers.question_asked(tracker))
        if asked:
            # A loss told with a question: sympathy first, then the answer, then a person.
            dispatcher.utter_message(response="utter_condolences_brief")
            events = answers.say_answer(dispatcher, tracker, self.services, asked)
            if answers.offer_for(asked) is None and not services.handed_over(tracker):
                dispatcher.utter_message(response="utter_offer_pharmacy_specialist")
                events += [SlotSet("handoff_offered", True), SlotSet("handoff_reason", REASON)]
            return events
        resource = self.services.bereavement_resource
        dispatcher.utter_message(response="utter_condolences",
                                 support_resource=f"{resource.rstrip('.')}. " if resource else "")
        return [SlotSet("handoff_offered", True), SlotSet("handoff_reason", REASON)]
