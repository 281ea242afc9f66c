"""Emergencies (nh-facts.md, safety rule 1): 911 first, staff alerted, and after it every
reply leads with the urgent line that fits, until staff resolve the escalation or
EMERGENCY_FOLLOW_UP_MINUTES pass (the processor ends the follow-up then).

The first line is worded to the case the emergency net saw (a newborn, a pregnancy, an
infusion reaction, self-harm): direct, "Call 911 now", when a warning sign was named.
Waiting, "is that normal?" or more symptoms get "please don't wait" - never a promise
of a reply next business day.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.answers import answer_for, answer_message
from actions.handoff import hands_over
from actions.reading import FOLLOWS, asked_as_a_question, selected
from actions.wording import OTHER_MEDICINE, SCHEDULE_CHANGE
from bot.hours import describe
from bot.nlu import safety, safety_es, whose

log = logging.getLogger(__name__)

# Each case has its first line (safety.FIRST_LINES); the follow-up lines fall back to the
# general one.
FIRST_LINES = safety.FIRST_LINES
DONT_WAIT = {case: f"utter_emergency_dont_wait_{case}" for case in FIRST_LINES}
REMINDERS = {"pregnancy": "utter_emergency_reminder_pregnancy", "crisis": "utter_emergency_reminder_crisis"}
REMINDER = "utter_emergency_reminder_general"
ANSWER_TOO_SURE = 0.6
CRISIS_HEARD = ("utter_crisis_heard", "utter_crisis_heard_again")
ANSWERED_TOO = {"ask_what_is_nh", "ask_recurrence_risk", "ask_ivig_treatment", "ask_copay_help"}
# In the hospital already: the nurse is the nearest help ("his lips are blue, nurse is down the hall").
IN_HOSPITAL = re.compile(r"\b(?:nicu|in the hospital|hospital room|at the hospital"
                         r"|nurse (?:is )?(?:down the hall|here|nearby|outside|at the desk)|ucin|en el hospital"
                         r"|la enfermera (?:esta )?(?:aqui|afuera|cerca))\b")
# "What do I do now?": with help on the way, the 911 operator's instructions answer it.
_WHAT_NOW = re.compile(r"\b(?:what (?:do|should|can|shall) (?:i|we) do|que (?:hago|hacemos|debo hacer|puedo hacer))\b")
# Questions asked in the middle of an emergency, each with its own line after the urgent
# one: a medicine ("should I take Benadryl?"), what to bring, whether to tell the doctors.
DURING = (
    (OTHER_MEDICINE, "utter_during_emergency_medicine"),
    (re.compile(r"\b(?:bring|pack|take with (?:me|us)|(?<!va a )(?<!van a )llevar|llevo|llevamos|empac\w+)\b"),
     "utter_during_emergency_bring"),
    (re.compile(r"\b(?:tell|mention|say)\b.{0,40}\b(?:doctors?|er|team|them|nurses?|hospital|paramedics|ivig"
                r"|infusions?|history|nh)\b|\bwhat (?:do|should) (?:i|we) (?:say|tell)\b"
                r"|\b(?:want|wants|need|needs|asking|asked) (?:me )?to know\b"
                r"|\b(?:le|les) (?:digo|cuento|menciono)\b|\bque (?:le |les )?(?:digo|cuento)\b"),
     "utter_during_emergency_tell_history"),
    # "do I call the nurse too or just 911?": 911 first, the others after.
    (re.compile(r"\b(?:nurse|doctor|ob|pediatrician|midwife|enfermera|doctora?|medico|pediatra)\b.{0,20}"
                r"\b(?:too|also|as well|or just|first|tambien|o solo|o nomas|primero)\b"
                r"|\b(?:too|also|tambien)\b.{0,12}\b(?:call|llamo|llamar)\b.{0,20}\b(?:nurse|doctor|enfermera|doctora?)\b"),
     "utter_during_emergency_911_first"),
    (re.compile(r"\burgent care\b|\b(?:urgencias|clinica)\b.{0,30}\b(?:o|or)\b|\bwhich (?:hospital|er)\b"
                r"|\b(?:er|hospital|emergencias) (?:or|o) (?:urgent care|urgencias|la clinica)\b"),
     "utter_during_emergency_er"),
    # "ya llamé, ¿alguien me puede llamar después?": yes, and when we are open.
    (re.compile(r"\b(?:call|ring) (?:me|us) (?:back|later|after)\b|\bcan (?:someone|somebody|you) call\b"
                r"|\b(?:me|nos) (?:puede|pueden|podrian) (?:llamar|marcar)\b|\bllamarme (?:despues|luego|mas tarde)\b"),
     "utter_during_emergency_callback"),
    (re.compile(r"\b(?:do|should|must) (?:i|we) still (?:need to |have to )?(?:call|go)\b|\bstill need to call\b"
                r"|\b(?:todavia|aun) (?:tengo|tenemos|debo) que (?:llamar|ir)\b|\baun asi (?:llamo|voy)\b"),
     "utter_during_emergency_still_call"),
    (re.compile(r"\b(?:finish|restart|rest of) (?:the |my )?(?:bag|infusion|ivig|drip)\b|\bfinish the rest\b"
                r"|\b(?:ivig|infusion|suero)\b.{0,40}\b(?:ya no|todavia|still|again|otra vez)\b"
                r"|\b(?:ya no|todavia|still|again)\b.{0,40}\b(?:ivig|infusion|suero)\b"
                # "what about my infusion thursday?", "y el ivig de mañana?"
                r"|\b(?:what about|and|y|que pasa con)\b.{0,12}\b(?:ivig|infusion|suero)\b"
                r"|\b(?:ivig|infusion|suero)\b.{0,20}\b(?:tomorrow|today|tonight|this week|monday|tuesday|wednesday"
                r"|thursday|friday|saturday|sunday|manana|de hoy|esta semana|lunes|martes|miercoles|jueves|viernes)\b"),
     "utter_during_emergency_infusion"),
)
# After the 988 line: no credit to call, 988 reached or someone coming, a matter put off.
CRISIS_LINES = (
    (re.compile(r"\b(?:can i|could i|do they take|is it ok to|puedo|se puede) (?:just )?(?:text|texts|send a text"
                r"|mandar (?:un )?(?:mensaje|texto)|escribir|escribirles|mensajear)\b"), "utter_crisis_text_ok"),
    (re.compile(r"\b(?:no (?:tengo|tiene) (?:saldo|credito|minutos|plan)|sin saldo|no (?:credit|minutes|phone plan)"
                r"|out of (?:minutes|credit))\b"), "utter_crisis_no_credit"),
    (re.compile(r"\b(?:i did|i texted|i called|they answered|they are talking|im talking to them"
                r"|they (?:said|say) (?:they )?(?:can|will|could|would)|(?:we )?talked for a (?:while|bit)"
                r"|ya (?:les |le )?(?:escribi|llame|hable|marque)|(?:les |le )?marque y|me contest[oa]"
                r"|hablamos (?:un rato|un poco)"
                r"|me estan contestando|(?:mom|mama|mi mama|sister|hermana|husband|esposo|friend|amiga)"
                r" (?:is|viene|esta) (?:coming|here|para aca|aqui|en camino)|viene para aca)\b"),
     "utter_crisis_glad_reached"),
    (re.compile(r"\b(?:later|another day|not today|mas tarde|otro dia|hoy no|despues)\b"), "utter_crisis_later"),
    (re.compile(r"^(?:ok |okay |bueno |pues )?(?:gracias|thank you|thanks|thx|ty)\b"), "utter_crisis_thanks"),
)
# A question asked beside "we're on our way" ("what's your number?"), answered too.
_A_QUESTION = re.compile(r"\?|\b(?:what|whats|how|when|where|who|which|should|can|could|will|would|do|does|is|are"
                         r"|que|como"
                         r"|cuando|donde|cual|puedo|debo)\b")
# The pharmacy's own facts, answered after the urgent line too ("we're going, what's your number?").
PHARMACY_FACTS = {"out_of_scope/hours", "out_of_scope/location", "out_of_scope/contact"}
# A pharmacy matter raised in an emergency: it can wait for a specialist.
_PHARMACY_MATTER = re.compile(r"\b(?:copay|card|bill|billing|insurance|refill|delivery|shipment|order|pedido|resurtido"
                              r"|envio|entrega|tarjeta|seguro|factura|cuenta)\b")
# Waiting, putting off, asking whether it is normal: in English and Spanish.
_WAITING = re.compile(
    r"\b(?:wait\w*|tomorrow|tmrw|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|later"
    r"|in the morning|next week|sleep on it|go(?:ing)? to bed|keep an eye|watch (?:her|him|it|them)|see how"
    r"|(?:call|see|ask|take (?:her|him) to) (?:my|the|her|his|our|a) (?:doctor|pediatrician|ob|midwife|nurse)"
    r"|ill call|i will call|is (?:that|this|it) normal|normal\?|should i (?:worry|be worried)|can it wait"
    # Letting a baby sleep it off, or calling it nerves: "my mom says let her sleep", "probably just anxiety right"
    r"|let (?:her|him|them|the baby) sleep|sleep it off|dejar(?:la|lo)s? dormir|que (?:se )?duerma"
    r"|probably (?:just|nothing)|just (?:anxiety|stress|nerves|panic|a panic attack)|(?:im|am i) overreacting"
    r"|nothing serious|no es nada|son (?:los |puros )?nervios|es (?:pura |solo )?ansiedad|estoy exagerando"
    r"|see if|wait it out|ice it|put ice|lie down|lay down|goes (?:down|away)|first|hold (?:off|till|until)"
    r"|esperar?|espero|manana|el lunes|mas tarde|es normal|llamo al doctor|al pediatra|primero|me acuesto"
    r"|luego(?! (?:le|les) (?:escribo|aviso|cuento))|aguant\w*|hasta (?:entonces|manana|el lunes)"
    r"|se (?:me |le )?quita)\b")


def _during(plain: str) -> str | None:
    """The line for a question asked in the middle of an emergency, if it is one of those."""
    text = safety_es.sin_acentos(plain)
    return next((line for pattern, line in DURING if pattern.search(text)), None)


def _case(tracker: Tracker) -> str:
    net = (tracker.latest_message or {}).get("emergency_net") or {}
    if net.get("sign") and net.get("case"):
        case = str(net["case"])
    else:
        found = safety.check(tracker.latest_message.get("text") or "")
        case = found.case if found.sign else "general"
    case = "sign" if case == "general" and net.get("sign") else case
    if case == "sign" and safety.own_body(tracker.latest_message.get("text") or ""):
        # Her own body, the baby not named: what the conversation told says whose signs.
        pregnant = _recently(tracker, whose.mentions_a_pregnancy)
        infused = _recently(tracker, whose.mentions_an_infusion)
        if (pregnant or infused) and net.get("group") in {"bleeding", "sangrado"} or pregnant and not infused:
            # "31 weeks on IVIG" ... "I'm bleeding a lot right now"; a mother on IVIG is pregnant, and
            # bleeding is a pregnancy's sign (F11), not an infusion's (F10): the OB or labour unit too
            return "pregnancy"
        if infused:
            return "infusion"  # "had my infusion this morning" ... "my lips feel swollen"
    return case


def _recently(tracker: Tracker, told: Callable[[str], bool]) -> bool:
    """One of the last few messages told it (a pregnancy, an infusion)."""
    texts = [event.get("text") or "" for event in tracker.events if event.get("event") == "user"][-4:]
    return any(told(text) for text in texts)


def _language(tracker: Tracker) -> list[EventType]:
    net = (tracker.latest_message or {}).get("emergency_net") or {}
    if net.get("sign") and net.get("language") == "es" and tracker.get_slot("language") != "es":
        return [SlotSet("language", "es")]
    return []


def _message_time(tracker: Tracker) -> float:
    return services.last_message_time(tracker) or 0.0


class ActionEmergency(services.ServiceAction, Action):
    """911 first in the words that fit, an urgent escalation for staff, any form paused
    (what was given is kept, so the request can go on afterwards)."""

    def name(self) -> str:
        return "action_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        case = _case(tracker)
        ongoing = bool(tracker.get_slot("emergency_active"))
        if ongoing and case in {"general", "sign"}:  # "do I call the nurse too or just 911?": still the baby
            case = str(tracker.get_slot("emergency_case") or case)
        if ongoing and safety.help_is_on_the_way(tracker.latest_message.get("text") or ""):
            return _help_on_the_way(dispatcher, tracker, self.services)
        # Again in an emergency already told: "please don't wait", not the same text again,
        # and what the message asked, if it is one of the questions asked during one.
        first = (DONT_WAIT if ongoing else FIRST_LINES)[case]
        if case == "crisis" and not ongoing and whose.about_someone_else(tracker.latest_message.get("text") or ""):
            first = "utter_emergency_crisis_other"  # "my sister is giving her things away"
        dispatcher.utter_message(response=first)
        if IN_HOSPITAL.search(safety_es.sin_acentos(safety.normalise(tracker.latest_message.get("text") or ""))):
            dispatcher.utter_message(response="utter_in_hospital_call_the_nurse")  # "nurse is down the hall"
        during = _during(safety.normalise(tracker.latest_message.get("text") or "")) if ongoing else None
        if during:
            dispatcher.utter_message(response=during, **_hours(self.services, tracker))
        if case == "crisis" and not ongoing and safety.tells_a_loss(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(response="utter_condolences_brief")  # "since my baby died..."
        events: list[EventType] = [*_language(tracker), *self._pause_form(tracker),
                                   SlotSet("emergency_active", True), SlotSet("emergency_case", case)]
        if not ongoing:
            events.append(SlotSet("emergency_since", _message_time(tracker)))
        try:
            escalation, _ = self.services.escalations.open_or_raise_urgency(
                sender_id=tracker.sender_id,
                phone=services.patient_phone(tracker),
                channel=services.channel(tracker),
                reason="self-harm risk" if case == "crisis" else "emergency reported",
                transcript=services.transcript(tracker),
                hand_over=hands_over(tracker),
                language="es" if _language(tracker) else services.language(tracker),
            )
        except Exception as exc:
            log.error("urgent escalation not stored: %s", type(exc).__name__)
            return events
        if case != "crisis" and not ongoing:
            dispatcher.utter_message(response="utter_emergency_team_alerted")
        return [*events, SlotSet("escalation_reference", escalation.reference)]

    @staticmethod
    def _pause_form(tracker: Tracker) -> list[EventType]:
        if tracker.active_loop.get("name"):
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        return []


class ActionEmergencyFollowup(services.ServiceAction, Action):
    """A message after an emergency: the urgent line first, then what it asked."""

    def name(self) -> str:
        return "action_emergency_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        case = str(tracker.get_slot("emergency_case") or "general")
        text = tracker.latest_message.get("text") or ""
        plain = safety.normalise(text)
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        if safety.help_is_on_the_way(text):
            return _help_on_the_way(dispatcher, tracker, self.services)
        net = (tracker.latest_message or {}).get("emergency_net") or {}
        unaccented = safety_es.sin_acentos(plain)
        if case == "crisis" and not net.get("sign"):
            line = next((line for pattern, line in CRISIS_LINES if pattern.search(unaccented)), None)
            if line:  # "no tengo saldo para llamar", "ya les escribí", "the bill thing later"
                dispatcher.utter_message(response=line)
                return [SlotSet("last_crisis_line", line)]
        if _WAITING.search(unaccented) or net.get("sign"):
            dispatcher.utter_message(response=DONT_WAIT.get(case, DONT_WAIT["general"]))
            during = _during(plain)  # "should I take a Benadryl first?": don't wait, and ask 911
            if during:
                dispatcher.utter_message(response=during, **_hours(self.services, tracker))
            elif not net.get("sign") and _PHARMACY_MATTER.search(unaccented):
                dispatcher.utter_message(response="utter_refill_can_wait")  # "who do I call about the bill later"
            return []
        if case != "crisis" and intent in {"thank", "goodbye"} and not asked_as_a_question(plain):
            dispatcher.utter_message(response=REMINDERS.get(case, REMINDER))  # "gracias, ahí le aviso"
            return []
        if case == "crisis" and intent in {"thank", "goodbye", "affirm"}:
            dispatcher.utter_message(response="utter_crisis_thanks")  # "ok. i'll try tonight", "thank you"
            return []
        asks = asked_as_a_question(plain)
        if case == "crisis" and not (intent in ANSWERED_TOO and asks):  # "no quiero preocupar a mi familia"
            # "No sé a quién decirle": heard, with 988 first, never the same line twice running.
            heard = tracker.get_slot("last_crisis_line") != CRISIS_HEARD[0]
            dispatcher.utter_message(response=CRISIS_HEARD[0 if heard else 1])
            return [SlotSet("last_crisis_line", CRISIS_HEARD[0 if heard else 1])]
        dispatcher.utter_message(response=REMINDERS.get(case, REMINDER))
        during = _during(plain)
        if during:
            dispatcher.utter_message(response=during, **_hours(self.services, tracker))
        elif intent == "share_loss":
            dispatcher.utter_message(response="utter_condolences_brief")
        else:
            _answer_too(dispatcher, tracker, self.services, intent)
        return []


def _hours(store: services.Services, tracker: Tracker) -> dict[str, Any]:
    """The pharmacy's hours and number, for a line that says when a person will call."""
    return {"business_hours": describe(store.hours, services.language(tracker)), "support_phone": store.support_phone}


def _help_on_the_way(dispatcher: CollectingDispatcher, tracker: Tracker,
                     store: services.Services) -> list[EventType]:
    """ "ok im calling", "they said come in": glad help is coming. "What do I do while they
    come?" is answered by that line; another question asked with it is answered too."""
    plain = safety.normalise(tracker.latest_message.get("text") or "")
    unaccented = safety_es.sin_acentos(plain)
    dispatcher.utter_message(response="utter_emergency_help_coming")
    during = _during(plain)
    if during:
        dispatcher.utter_message(response=during, **_hours(store, tracker))
    elif _A_QUESTION.search(unaccented) and not _WHAT_NOW.search(unaccented):
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        _answer_too(dispatcher, tracker, store, intent)  # a question, not "we're on our way"
    return []


def _answer_too(dispatcher: CollectingDispatcher, tracker: Tracker, store: services.Services,
                intent: str) -> None:
    """After the urgent line, the question the message also asked, if it is one the
    bot answers: a topic's answer, or the pharmacy's hours, address or number."""
    answer: dict[str, Any] = {}
    sure = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0)
    text = safety_es.sin_acentos((tracker.latest_message.get("text") or "").lower())
    if intent == "request_refill" or _PHARMACY_MATTER.search(text):  # "should I cancel the delivery?", "the card thing"
        answer = {"response": "utter_refill_can_wait"}
    elif SCHEDULE_CHANGE.search(tracker.latest_message.get("text") or ""):
        # "will they still do my ivig friday": for the care team, however unsure the intent
        answer = answer_message("ask_ivig_treatment/schedule_change", tracker, store)
    elif intent in ANSWERED_TOO and sure >= ANSWER_TOO_SURE:  # no guess at a topic in an emergency
        answer = answer_for(tracker, store)
    elif intent == "out_of_scope":
        key, sure, _ = selected(tracker, "out_of_scope")
        if key in PHARMACY_FACTS and sure >= FOLLOWS:
            answer = answer_message(str(key), tracker, store)
    if answer.get("response"):
        dispatcher.utter_message(**answer)
