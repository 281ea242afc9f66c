"""Small talk and a yes to nothing: a farewell, "are you a bot?", a bare "ok". Each is
said as such when it is plainly that; a short question the classifier read so, weakly,
is answered within the topic just discussed (actions/answers.py)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import clarify, services
from actions.answers import BARE_YES_WORDS, follow_up_or_ask, say_answer
from actions.reading import (
    DELIVERIES,
    RETRIEVAL_INTENTS,
    SURE,
    closing_remark,
    intent_of,
    is_follow_up,
    lowered,
    topic_base,
)
from actions.thread import CANCEL_DELIVERY
from actions.wording import ruled_answer
from bot.nlu.safety_es import sin_acentos


class ActionYesToNothing(services.ServiceAction, Action):
    """A yes when nothing was offered: a bare "ok" gets "anything else?"; a longer message
    read as a weak yes is a question the classifier missed: asked about, not waved off."""

    def name(self) -> str:
        return "action_yes_to_nothing"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        text = lowered(tracker)
        ruled = ruled_answer(text, tracker)
        if ruled:  # "aunque este salió bien?" read as a yes
            return say_answer(dispatcher, tracker, self.services, ruled)
        if closing_remark(text) or (len(text.split()) <= BARE_YES_WORDS and "?" not in text):
            dispatcher.utter_message(response="utter_anything_else")  # "ok got it": no menu
            return []
        answered = follow_up_or_ask(dispatcher, tracker, self.services)
        if answered is not None:
            return answered
        if len(lowered(tracker).split()) <= BARE_YES_WORDS:
            dispatcher.utter_message(response="utter_anything_else")
            return []
        return clarify.ask_topic(dispatcher, tracker)


# Said as small talk when it is what it seems: a farewell, a question about the bot.
SMALL_TALK = {"goodbye": "utter_goodbye", "bot_challenge": "utter_bot_challenge",
              "deny": "utter_goodbye", "cancel": "utter_anything_else"}
_PLAINLY = {
    "goodbye": re.compile(r"\b(?:bye|goodbye|good night|goodnight|thats all|that is all|talk later|see you"
                          r"|adios|chao|hasta luego|buenas noches|eso es todo)\b"),
    "bot_challenge": re.compile(r"\b(?:bot|robot|human|real person|computer|machine|ai|automated"
                                r"|persona real|humano|maquina|computadora)\b"),
    # A no that is only a no: "no thanks, that's all". "No guarantee then?" asks something.
    "deny": re.compile(r"^(?:no|nope|nah|not now|no thanks|no thank you|no gracias|ahorita no|todavia no)\b[^?]*$"),
    "cancel": re.compile(r"\b(?:cancel\w*|never ?mind|forget (?:it|about it)|stop|olvid\w+|ya no|dejalo)\b"),
}


class ActionSmallTalk(services.ServiceAction, Action):
    """A farewell or "are you a bot?": said as such, unless the classifier was unsure of a
    short question that leans on the answer just given ("who decides that?", "who do we
    see?"), which is answered within that topic, or asked about there."""

    def name(self) -> str:
        return "action_small_talk"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        intent, confidence = intent_of(tracker)
        text = lowered(tracker)
        plainly = _PLAINLY.get(intent)
        said_plainly = bool(plainly and plainly.search(text))
        ruled = None if said_plainly else ruled_answer(text, tracker)
        if ruled:  # "ya no necesito las cajas" read as a cancel, "¿y si me lo niegan?" as a no
            return say_answer(dispatcher, tracker, self.services, ruled)
        # "So no guarantee?" is not a no: the classifier's confidence does not make it one.
        unsure = confidence < SURE or (intent == "deny" and is_follow_up(text))
        if unsure and not said_plainly and topic_base(tracker) in RETRIEVAL_INTENTS:
            answered = follow_up_or_ask(dispatcher, tracker, self.services)
            if answered is not None:
                return answered
        if intent == "cancel" and DELIVERIES.search(sin_acentos(text)):  # "¿cómo cancelo las cajas?"
            return say_answer(dispatcher, tracker, self.services, CANCEL_DELIVERY)
        if intent == "deny" and not said_plainly:  # "I'm not sure what that means": no goodbye
            dispatcher.utter_message(response="utter_anything_else")
            return []
        if intent == "bot_challenge" and services.handed_over(tracker):
            dispatcher.utter_message(response="utter_bot_challenge_handed_over")  # a person is on the way
            return []
        dispatcher.utter_message(response=SMALL_TALK.get(intent, "utter_anything_else"))
        return []
