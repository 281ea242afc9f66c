"""Asking instead of guessing: a short question with the two or three answers the
message most likely meant, as numbered options (keys on a call, buttons in a web chat)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.reading import likely_topics, selected, tells_a_feeling
from actions.topics import label

VOICE_CHANNEL = "twilio_voice"
FRIGHTENED = "the patient is frightened or overwhelmed"


def options_text(labels: list[str], voice: bool, language: str) -> str:
    """`1) What is NH? 2) Is NH genetic?`, or on a call `Press 1 for: What is NH? ...`."""
    if voice:
        press = "Oprima {n} para: {label}" if language == "es" else "Press {n} for: {label}"
        return " ".join(press.format(n=n, label=_sentence(text)) for n, text in enumerate(labels, 1))
    return " ".join(f"{n}) {text}" for n, text in enumerate(labels, 1))


def _sentence(text: str) -> str:
    return text if text.endswith(("?", ".", "!")) else f"{text}."


def offer_options(dispatcher: CollectingDispatcher, tracker: Tracker, response: str,
                  keys: list[str]) -> bool:
    """Utter `response` with `keys` as its options; False if none has a label."""
    language = services.language(tracker)
    labels = [text for text in (label(key, language) for key in keys) if text]
    if not labels:
        return False
    voice = services.channel(tracker) == VOICE_CHANNEL
    dispatcher.utter_message(response=response, options=options_text(labels, voice, language),
                             buttons=[{"title": text, "payload": text} for text in labels])
    return True


def feeling_heard(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A feeling, not a question to place: it is heard, and a person offered (unless one
    has the conversation already)."""
    dispatcher.utter_message(response="utter_feeling_heard")
    if services.handed_over(tracker):
        return []
    dispatcher.utter_message(response="utter_offer_pharmacy_specialist")
    return [SlotSet("handoff_offered", True), SlotSet("handoff_reason", FRIGHTENED)]


def _leans_to_grief(tracker: Tracker) -> bool:
    """Too unsure to name, but nearest to grief and asking nothing ("some days I can't
    face getting up"): a feeling to hear, not a menu of topics."""
    text = tracker.latest_message.get("text") or ""
    ranking = [r for r in tracker.latest_message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    return bool(ranking) and ranking[0].get("name") == "share_loss" and "?" not in text


def ask_topic(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Which of the likely topics was meant; the general "I did not understand" when the
    message points nowhere. Counts as not understood (see action_fallback)."""
    if tells_a_feeling(tracker.latest_message.get("text") or "") or _leans_to_grief(tracker):
        return feeling_heard(dispatcher, tracker)
    count = int(tracker.get_slot("fallback_count") or 0) + 1
    options = likely_topics(tracker)
    if len(options) == 1 and options[0] != "request_specialist":
        options.append("request_specialist")  # never a menu of one option
    if not offer_options(dispatcher, tracker, "utter_clarify_topic", options):
        dispatcher.utter_message(response="utter_default")
    return [SlotSet("fallback_count", count)]


def ask_within_topic(dispatcher: CollectingDispatcher, tracker: Tracker, base: str) -> list[EventType]:
    """A follow-up that fits more than one answer of the topic just discussed."""
    if tells_a_feeling(tracker.latest_message.get("text") or ""):
        return feeling_heard(dispatcher, tracker)
    _, _, ranking = selected(tracker, base)
    keys = [str(r["intent_response_key"]) for r in ranking[:3]]
    count = int(tracker.get_slot("fallback_count") or 0) + 1
    if not offer_options(dispatcher, tracker, "utter_clarify_follow_up", keys):
        dispatcher.utter_message(response="utter_default")
    return [SlotSet("fallback_count", count)]
