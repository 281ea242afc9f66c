"""Answering a question with the answer it asks for.

The intent says which topic (a retrieval intent), its ResponseSelector which answer
(`ask_ivig_treatment/side_effects`). On top of the selector, the safety rules pick the
answer where the wording calls for one (actions/wording.py). The `topic` slot remembers
the answer just given, so a short follow-up ("and a third one?") is read within it.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import clarify, services
from actions.asked import COMMERCIAL_PLAN, COPAY_DONT_STOP, IN_THE_BODY, REACH_COPAY, RECORDS_ANSWER
from actions.reading import (
    FOLLOWS,
    RETRIEVAL_INTENTS,
    SURE,
    TOPIC,
    asked_as_a_question,
    asks_for_a_refill,
    bare_follow_up,
    closing_remark,
    follow_up,
    intent_of,
    lowered,
    offer_was_pending,
    selected,
    starts_with_yes,
    tells_a_feeling,
    topic_base,
)
from actions.thread import CANCEL_DELIVERY, DELIVERY_DAYS, ELSEWHERE, side_note
from actions.wording import DIAGNOSIS, OTHER_MEDICINE, OTHER_MEDICINES, ruled_answer, safe_answer
from bot.dialogue.responses import UNSET_SUPPORT_PHONE
from bot.hours import describe
from bot.nlu import safety
from bot.nlu.safety_es import sin_acentos

OUT_OF_SCOPE = "out_of_scope"
NOT_OURS = "out_of_scope/other"  # the answer for what this line does not cover
CONTACT = "out_of_scope/contact"
OUT_OF_SCOPE_SURE = 0.7  # an out-of-scope reading this confident is not taken as a follow-up
FEELING_WORDS = 8  # a feeling told this briefly is the whole message, not a question's preamble
BARE_YES_WORDS = 3  # "yes", "ok sure": a yes to nothing; longer is a question read weakly
# A price named: a question about money, even said as a follow-up ("and what does it cost?").
MONEY = re.compile(r"\b(?:cost|costs|price|prices|pay|paying|copay|copays|bill|bills|cuesta|cuestan|costo"
                   r"|costos|precio|precios|pagar|pago|copago|copagos|biles)\b")

REFILL_FORM = "refill_form"
# Cost asked beside another question: "when do I start, and does insurance cover it?"
ASKS_COST = re.compile(
    r"\b(?:does|will|would|is) (?:my |our |her |his |the )?insurance (?:cover|pay|going to (?:cover|pay))"
    r"|\bcovered by (?:my |our |her )?insurance\b|\bhow much (?:does|will|would) (?:it|this|that|ivig|each \w+) cost\b"
    r"|\bhow much is (?:it|this|that|ivig|each \w+)\b(?! (?:help|helping|working|going to help))"
    r"|\b(?:me |nos |le )?(?:la |lo )?(?:cubre|paga|va a cubrir) (?:el|mi|su) seguro\b"
    r"|\b(?:el|mi|su) seguro (?:me |le |nos )?(?:la |lo )?(?:cubre|paga|va a cubrir)\b"
    r"|\bcuanto (?:cuesta|cuestan|me va a costar)\b")
# A question inside what reads as a closing: "ok I'll be 14 weeks next week, when do I start"
_STILL_ASKS = re.compile(r"\b(?:when (?:do|does|will|should|can)|how (?:much|long|often|do|does)|should i|can i|do i"
                         r"|is it|cuando|cuanto|como (?:se|le|me))\b")

# Answers that only a person can complete, and the offer that follows them:
# (offer response, the reason an escalation names).
COPAY_OFFER = ("utter_offer_copay_team", "copay help")
OFFERS = {
    "ask_ivig_treatment/schedule_change": ("utter_offer_pharmacy_specialist", "moving or changing an infusion"),
    "ask_ivig_treatment/home_or_clinic": ("utter_offer_pharmacy_specialist", "home or clinic infusion"),
    # Results or symptoms typed in: no diagnosis (rule 3), but a way forward with a person.
    "ask_what_is_nh/cannot_diagnose": ("utter_offer_pharmacy_specialist", "worried about symptoms or results"),
    RECORDS_ANSWER: ("utter_offer_pharmacy_specialist", "records for a hospital or doctor"),
    COMMERCIAL_PLAN: COPAY_OFFER,
    COPAY_DONT_STOP: COPAY_OFFER,
    IN_THE_BODY: ("utter_offer_pharmacy_specialist", "how long IVIG stays in the body"),
    "out_of_scope/location": ("utter_offer_pharmacy_specialist", "pharmacy address or pickup"),
    "out_of_scope/helping_someone": ("utter_offer_pharmacy_specialist", "a relative asks how to help"),
    "request_refill/shipment_status": ("utter_offer_pharmacy_specialist", "where a shipment is"),
    CANCEL_DELIVERY: ("utter_offer_pharmacy_specialist", "cancel or change deliveries"),
    DELIVERY_DAYS: ("utter_offer_pharmacy_specialist", "when a delivery arrives"),
    "request_refill/late_delivery": ("utter_offer_pharmacy_specialist", "a late delivery"),
    "request_refill/home_nurse": ("utter_offer_pharmacy_specialist", "a home nurse visit"),
    "request_refill/leftover_supplies": ("utter_offer_pharmacy_specialist", "leftover IVIG or supplies"),
}


def offer_for(key: str) -> tuple[str, str] | None:
    return COPAY_OFFER if key.startswith("ask_copay_help/") else OFFERS.get(key)


def answer_key(tracker: Tracker) -> str | None:
    """The answer the latest message asks for, the topic just discussed taken into account:
    an unsure reading of a short follow-up is answered within that topic."""
    intent, confidence = intent_of(tracker)
    if intent not in RETRIEVAL_INTENTS:
        return None
    key, _, _ = selected(tracker, intent)
    text = lowered(tracker)
    about_money = intent == "ask_copay_help" and MONEY.search(text)  # "y cuanto cuesta"
    if (confidence < SURE and not about_money) or (intent != topic_base(tracker) and bare_follow_up(text)):
        within, sure, _ = follow_up(tracker)
        # The answer just given, again, is no reply to a question the classifier fairly
        # reads as another ("so what happens now for her" after the definition).
        again = (within == tracker.get_slot(TOPIC) and key != within and confidence >= FOLLOWS
                 and not bare_follow_up(text))
        if within and sure >= FOLLOWS and not again:
            key = within
    return safe_answer(key, lowered(tracker), tracker) if key else None


def question_asked(tracker: Tracker, floor: float = 0.15) -> str | None:
    """The answer to a question told inside something else (a loss with "am I late?"):
    the likeliest retrieval intent of the ranking, if any is this likely."""
    for entry in tracker.latest_message.get("intent_ranking") or []:
        name = str(entry.get("name") or "")
        if name in RETRIEVAL_INTENTS and float(entry.get("confidence") or 0.0) >= floor:
            key, _, _ = selected(tracker, name)
            return safe_answer(key, lowered(tracker), tracker) if key else None
    return None


def answer_message(key: str, tracker: Tracker, store: services.Services) -> dict[str, Any]:
    """What to utter for `key`: its response, with the values its text may name."""
    if key == CONTACT and store.support_phone == UNSET_SUPPORT_PHONE:
        return {"response": "utter_contact_no_number"}  # no "call us at the pharmacy"
    return {"response": f"utter_{key}", "support_phone": store.support_phone,
            "business_hours": describe(store.hours, services.language(tracker))}


def answer_for(tracker: Tracker, store: services.Services) -> dict[str, Any]:
    """The answer to the latest question without any offer (said after the 911 line), or {}."""
    key = answer_key(tracker)
    return answer_message(key, tracker, store) if key else {}


def say_answer(dispatcher: CollectingDispatcher, tracker: Tracker, store: services.Services,
               key: str, *, refill_next: bool = False) -> list[EventType]:
    """Utter `key`'s answer, and the offer of a person it calls for (after the refill
    form, if one is under way or comes next); the events that remember it."""
    dispatcher.utter_message(**answer_message(key, tracker, store))
    events: list[EventType] = [SlotSet(TOPIC, key), SlotSet("fallback_count", 0)]
    offer = offer_for(key)
    if offer is None or services.handed_over(tracker):  # a person is on the way already
        return events
    if (tracker.active_loop or {}).get("name") or refill_next:
        dispatcher.utter_message(response="utter_offer_after_refill")
        return events
    dispatcher.utter_message(response=offer[0])
    return [*events, SlotSet("handoff_offered", True), SlotSet("handoff_reason", offer[1])]


class ActionAnswerQuestion(services.ServiceAction, Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if REACH_COPAY.search(sin_acentos(lowered(tracker))) and not services.handed_over(tracker):
            return [SlotSet("handoff_reason", COPAY_OFFER[1]), FollowupAction("action_handoff")]
        if (offer_was_pending(tracker) and not services.handed_over(tracker)
                and starts_with_yes(lowered(tracker)) and not asked_as_a_question(lowered(tracker))):
            return [FollowupAction("action_handoff")]  # "sí, conécteme con el equipo de copago"
        if (tracker.active_loop or {}).get("name") and ELSEWHERE.search(lowered(tracker)):
            # "can you send it to my sister's this time", read as a question inside the refill
            dispatcher.utter_message(response="utter_refill_address_note")
            return []
        if (closing_remark(lowered(tracker)) and not asked_as_a_question(lowered(tracker))
                and not _STILL_ASKS.search(sin_acentos(lowered(tracker)))):
            # "ok I'll just go with what she says then": no new answer
            dispatcher.utter_message(response="utter_anything_else")
            return []
        told = tracker.latest_message.get("text") or ""
        if (safety.grief_without_a_question(told) and intent_of(tracker)[1] < SURE
                and not (tracker.active_loop or {}).get("name")):
            # "my first baby had seizures in the NICU before she passed": told, not asked
            return [FollowupAction("action_condolences")]
        key = answer_key(tracker)
        if key is None:  # a retrieval intent without a selector's answer (not trained)
            return clarify.ask_topic(dispatcher, tracker)
        text = tracker.latest_message.get("text") or ""
        if safety.tells_a_loss(text):
            dispatcher.utter_message(response="utter_condolences_brief")  # sympathy first
        elif tells_a_feeling(text):
            dispatcher.utter_message(response="utter_feeling_heard")  # "I'm scared of the side effects"
        # "I need a refill, and does the copay card cover it?": the question, then the refill.
        refill_next = (asks_for_a_refill(text) and not (tracker.active_loop or {}).get("name")
                       and not key.startswith("request_refill/"))
        in_refill = bool((tracker.active_loop or {}).get("name"))
        note = side_note(text) if refill_next or in_refill else None  # at the form's question too
        if note:
            key = note  # "I need a refill, and I changed insurance, does that matter?"
        also = None if refill_next or in_refill else _also_asked(tracker, key)
        if also:
            # "my copay went up, also I get headaches after it": both questions, the one
            # with an offer of a person last, so the offer ends the turn
            first, second = (also, key) if offer_for(key) else (key, also)
            events = say_answer(dispatcher, tracker, self.services, first)
            return [*events, *say_answer(dispatcher, tracker, self.services, second)]
        events = say_answer(dispatcher, tracker, self.services, key, refill_next=refill_next)
        if refill_next:
            return [*events, FollowupAction(REFILL_FORM)]
        if (ASKS_COST.search(sin_acentos(text.lower())) and offer_for(key) is None and not in_refill
                and not services.handed_over(tracker)):
            # the second question of the message, answered too, with the copay team offered
            dispatcher.utter_message(response="utter_also_costs")
            dispatcher.utter_message(response=COPAY_OFFER[0])
            events += [SlotSet("handoff_offered", True), SlotSet("handoff_reason", COPAY_OFFER[1])]
        return events


def _also_asked(tracker: Tracker, key: str) -> str | None:
    """Another topic's question in a clause of its own (the parse's `also_asked`); not
    when both answers would offer a person (two offers do not fit a turn's two texts)."""
    also = (tracker.latest_message or {}).get("also_asked") or {}
    second = str(also.get("response_key") or "")
    if not second or second.split("/")[0] == key.split("/")[0] or (offer_for(key) and offer_for(second)):
        return None
    return safe_answer(second, lowered(tracker), tracker)


def follow_up_answer(dispatcher: CollectingDispatcher, tracker: Tracker,
                     store: services.Services) -> list[EventType] | None:
    """The answer within the topic just discussed, when the message is a follow-up its
    selector places; None otherwise."""
    key, sure, _ = follow_up(tracker)
    if key is None or sure < FOLLOWS:
        return None
    return say_answer(dispatcher, tracker, store, safe_answer(key, lowered(tracker), tracker))


def follow_up_or_ask(dispatcher: CollectingDispatcher, tracker: Tracker,
                     store: services.Services) -> list[EventType] | None:
    """A message not read as a question, if it is a follow-up to the topic just
    discussed: answered within it, or asked about when two answers fit. None otherwise."""
    answered = follow_up_answer(dispatcher, tracker, store)
    if answered is not None:
        return answered
    if follow_up(tracker)[0] is None:
        return None
    # "Could I have it a day later instead?": a safety rule's answer, never a menu.
    just_given = str(tracker.get_slot(TOPIC))
    ruled = safe_answer(just_given, lowered(tracker), tracker)
    if ruled != just_given:
        return say_answer(dispatcher, tracker, store, ruled)
    return clarify.ask_within_topic(dispatcher, tracker, str(topic_base(tracker)))


class ActionOutOfScope(services.ServiceAction, Action):
    """Outside the four topics: a follow-up the classifier could not place is read within
    the topic just discussed; an everyday pharmacy question (hours, where we are, how to
    reach us) gets its own answer; anything else, what this line can and cannot do."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        _, confidence = intent_of(tracker)
        text = lowered(tracker)
        ruled = ruled_answer(text, tracker)
        if ruled:  # "le tienen que hacer análisis?" after a birth, "can i just stop at 32", "sorry for venting"
            return say_answer(dispatcher, tracker, self.services, ruled)
        if safety.grief_without_a_question(text):  # "his big sister never got to come home"
            dispatcher.utter_message(response="utter_condolences_brief")
            return [SlotSet(TOPIC, None)]
        if tells_a_feeling(text) and len(text.split()) <= FEELING_WORDS:  # "ugh", "this is so hard": heard first
            return clarify.feeling_heard(dispatcher, tracker)
        if OTHER_MEDICINE.search(text) and not DIAGNOSIS.search(text):  # "puedo tomar tylenol?"
            return say_answer(dispatcher, tracker, self.services, OTHER_MEDICINES)
        # "How long for?", "how come?": no subject of their own, so about the last answer,
        # however sure the out-of-scope reading.
        if ((tracker.get_slot("handoff_offered") or offer_was_pending(tracker)) and starts_with_yes(text)
                and not asked_as_a_question(text)):
            return [FollowupAction("action_handoff")]  # "sí porfa, en la tarde", "ok connect me to whoever does that"
        if ((confidence < OUT_OF_SCOPE_SURE or bare_follow_up(text))
                and topic_base(tracker) in RETRIEVAL_INTENTS):
            answered = follow_up_or_ask(dispatcher, tracker, self.services)
            if answered is not None:
                return answered
        key, sure, _ = selected(tracker, OUT_OF_SCOPE)
        if key and key != NOT_OURS and sure >= FOLLOWS:
            return say_answer(dispatcher, tracker, self.services, key)
        if tells_a_feeling(text):  # "tengo mucho miedo": heard, not waved off
            return clarify.feeling_heard(dispatcher, tracker)
        if tracker.get_slot("handoff_offered"):
            # "I need it by Thursday" in reply to an offer of a person: a detail for them;
            # the offer is made again, and a yes after it still counts.
            dispatcher.utter_message(response="utter_offer_again")
            return []
        dispatcher.utter_message(response=f"utter_{NOT_OURS}")
        return [SlotSet(TOPIC, None)]
