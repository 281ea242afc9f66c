"""A new session: introduce the bot (automated, not medical advice) before anything else."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import reading, services
from bot.nlu import language


class ActionSessionStart(services.ServiceAction, Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        metadata = tracker.get_slot("session_started_metadata") or {}
        events: list[EventType] = [SessionStarted()]
        if metadata:
            events.append(SlotSet("session_started_metadata", metadata))
        events.append(SlotSet("support_phone", self.services.support_phone))
        language = tracker.get_slot("language")
        if language:  # the conversation's language carries over into the new session
            events.append(SlotSet("language", language))
        # On a call, its `twilio_voice` variation: the 911 line first, spoken.
        dispatcher.utter_message(response="utter_intro")
        events.append(ActionExecuted("action_listen"))
        return events


class ActionChangeLanguage(Action):
    """A change of language (the engine sets the `language` slot). "¿Hablan español ahí?"
    asks about the people at the pharmacy; "my English is not so good" is offered Spanish."""

    def name(self) -> str:
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if language.requested(text) is None:
            if reading.asks_about_staff_language(text):
                dispatcher.utter_message(response="utter_staff_language")
                return []
            if language.weak_english(text):
                dispatcher.utter_message(response="utter_offer_spanish")
                return []
        dispatcher.utter_message(response="utter_language_changed")
        return []
