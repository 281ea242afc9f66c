"""Answering the four topics: the intent says which topic, the wording which answer."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

# (pattern on the patient's words, response); first match wins, the last is the default.
# Asking us to say whether a baby has NH (safety rule 3: never diagnose or rule it out).
DIAGNOSIS = (r"\b(?:does|do|did|could|might) (?:my|our|the|this) (?!next|future|later|second|other|another)"
             r"(?:\w+ )?(?:baby|son|daughter|newborn|fetus|one)"
             r" (?:\w+ )?(?:have|had|has|be getting)\b|\b(?:is|could) (?:it|this|that) (?:be )?(?:nh|gald)\b"
             r"|\bdoes (?:that|this|it) mean (?:\w+ )?(?:nh|gald|it)\b|\bferritin\b"
             r"|\b(?:my|our|her|his) (?:test|lab|blood) (?:results?|work|tests?)\b"
             r"|\bultrasound (?:showed|shows|found)\b|\bdiagnos|\b(?:liver )?enzymes\b|\bbilirubin\b"
             r"|\b(?:does|do|could|might|did) (?:he|she|they) (?:\w+ )?(?:have|has|had)\b")
PARTNER = (r"partner|husband|father|dad\b|donor|ivf|sperm|\begg|new (?:guy|man|boyfriend)"
           r"|different (?:guy|man|dad)")
WARNING_SIGNS = r"warning signs?|signs? (?:of|to watch|to look)|watch (?:out )?for|look out for|red flags?"

ANSWERS: dict[str, list[tuple[str, str]]] = {
    "ask_what_is_nh": [
        (DIAGNOSIS, "utter_cannot_diagnose"),
        (WARNING_SIGNS + r"|symptoms? in (?:a |the |my )?(?:newborn|baby)", "utter_newborn_warning_signs"),
        (r"same (?:thing )?as (?:the )?(?:\w+ )?hemochromatosis|hemochromatosis (?:my|that my|in my|like my)",
         "utter_nh_not_genetic"),
        (r"genetic|inherit|\bgenes?\b|hereditary|hfe|runs? in (the |our )?family|adult|dna|carrier",
         "utter_nh_not_genetic"),
        (r"cause|why did|why does|why do|how does .* happen|gald|alloimmune|antibod|fault|blame"
         r"|did i do|something i did|because of me", "utter_nh_cause"),
        (r"\biron\b", "utter_nh_iron"),
        (r"", "utter_what_is_nh"),
    ],
    "ask_recurrence_risk": [
        (DIAGNOSIS, "utter_cannot_diagnose"),
        # A gestational carrier is beyond what nh-facts.md covers: no guessing.
        (r"surrogat|gestational carrier|someone else carr", "utter_ask_care_team"),
        (PARTNER, "utter_recurrence_partner"),
        (r"\bmfm\b|maternal|specialist|what should (i|we) do|next step|plan|prepare|when should"
         r"|who should|see a|doctor", "utter_recurrence_next_steps"),
        (r"", "utter_recurrence_risk"),
    ],
    "ask_ivig_treatment": [
        (r"\b(?:skip|delay|postpone|push back|move|miss|double|stop|reschedule|change) (?:\w+ ){0,2}"
         r"(?:infusions?|doses?|treatments?|ivig|appointments?)\b|\b(?:skip|delay|postpone) (?:it|one)\b",
         "utter_ivig_schedule_change"),
        (DIAGNOSIS, "utter_cannot_diagnose"),
        (PARTNER, "utter_recurrence_partner"),
        (WARNING_SIGNS + r"|what to expect after", "utter_ivig_side_effects"),
        (r"dose|dosage|how much|g ?/ ?kg|grams?\b|\bmg\b|per kilo|weight", "utter_ivig_dose"),
        (r"newborn|nicu|exchange|transfusion|after (he|she|baby) (was|is) born|sick baby"
         r"|baby (is|was) sick|transplant|treat(ed|ment)? (for |of )?(the |a |my |our )?baby",
         "utter_ivig_newborn"),
        (r"side effect|safe|reaction|clot|kidney|headache|fever|allerg|tolerat|risks? of"
         r"|hurt the baby|harm", "utter_ivig_side_effects"),
        # "does it work" asks whether; "how does it work" is the overview.
        (r"(?<!how )\b(?:does|do|will|did|would) (?:\w+ ){0,2}(?:really |actually )?work\b"
         r"|works? (?:well|at all|every time)|effective|success|chance|guarantee|odds|percent|%|study|studies|prevent"
         r"|help(s)? (at all|really)", "utter_ivig_effectiveness"),
        (r"when|start|week|schedule|how often|how long|until|weekly|every|frequen|timing"
         r"|trimester", "utter_ivig_schedule"),
        (r"after (birth|delivery)|deliver|born|blood test|check(ed)? (the )?baby|test(s|ed)? (the |my )?baby",
         "utter_ivig_after_birth"),
        (r"", "utter_ivig_overview"),
    ],
}
# intent: (the answer with a yes/no offer of a specialist, the reason, the answer mid-form)
OFFERS_A_SPECIALIST = {"ask_copay_help": ("utter_copay_help", "copay help", "utter_copay_help_later")}



def choose_answer(intent: str, text: str) -> str | None:
    lowered = (text or "").lower()
    for pattern, response in ANSWERS.get(intent, []):
        if re.search(pattern, lowered):
            return response
    return None


def _warning_signs(tracker: Tracker) -> str | None:
    """A warning sign named in a question, a "what if" or a memory: the signs, with 911."""
    net = (tracker.latest_message or {}).get("emergency_net") or {}
    if not net.get("sign") or net.get("now"):
        return None
    return "utter_ivig_side_effects" if net.get("case") == "infusion" else "utter_newborn_warning_signs"


def answer_for(tracker: Tracker) -> dict[str, Any]:
    """The answer to the latest question, without any offer: `{"response": name}`, or {}."""
    intent: str = (tracker.latest_message.get("intent") or {}).get("name") or ""
    if intent in OFFERS_A_SPECIALIST:
        return {}
    response = _warning_signs(tracker) or choose_answer(intent, tracker.latest_message.get("text") or "")
    return {"response": response} if response else {}


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent: str = (tracker.latest_message.get("intent") or {}).get("name") or ""
        if intent in OFFERS_A_SPECIALIST and (tracker.active_loop or {}).get("name"):
            # Mid-refill, a yes/no offer would compete with the form's own question.
            dispatcher.utter_message(response=OFFERS_A_SPECIALIST[intent][2])
            return []
        if intent in OFFERS_A_SPECIALIST:
            response, reason, _ = OFFERS_A_SPECIALIST[intent]
            dispatcher.utter_message(response=response)
            return [SlotSet("handoff_offered", True), SlotSet("handoff_reason", reason)]
        answer = answer_for(tracker)
        dispatcher.utter_message(response=answer.get("response") or "utter_default")
        return []
