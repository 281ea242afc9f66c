"""Reading the latest message: its intent, the answer each ResponseSelector chose, and
whether it is a short follow-up to the answer just given (the `topic` slot)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.feelings import asked_as_a_question, tells_a_feeling  # noqa: F401 (read here by many)
from bot.nlu.safety_es import sin_acentos

# The topics a question can be about (each a retrieval intent). out_of_scope and
# request_refill are retrieval intents too, for everyday pharmacy questions and shipments.
RETRIEVAL_INTENTS = ("ask_what_is_nh", "ask_recurrence_risk", "ask_ivig_treatment", "ask_copay_help")
# What else a message may have meant, when offered as an option.
OTHER_TOPICS = ("request_refill", "request_specialist")
TOPIC = "topic"

SURE = 0.8  # an intent this confident is not read as a follow-up to another topic
FOLLOWS = 0.5  # the topic's own selector at least this sure: answered without asking
MAX_FOLLOW_UP_WORDS = 9
_CONNECTIVE = re.compile(
    r"^(?:and|so|but|or|also|then|what about|how about|what if|ok so|okay so|ok but|okay but|ok and"
    r"|okay and|and if|even"
    r"|y|entonces|pero|o sea|tambi[eé]n|y si|qu[eé] tal|y con|y sin|y el|y la|y los|y las)\b")
# A short question that leans on the answer just given: "how often?", "till when", "who
# decides?", "what's the max", "cada cuanto?".
_STEM = re.compile(
    r"^(?:how (?:often|long|many|much|soon|far|come)|why|for how long|till when|until when|up to when|when|who|whom"
    r"|which|where|what(?:s| is| are)? the (?:max|maximum|most|least|limit|dose|next step|next steps)"
    r"|is there (?:a|an|any)|are there any|so what do (?:i|we) do|then what"
    r"|cada cuanto|cuanto|cuantos|cuantas|hasta cuando|cuando|quien|quienes|con quien|a quien|donde|cual"
    r"|hay (?:un|una|algun|alguna)|entonces que)\b")
_ANAPHOR = re.compile(r"\b(?:it|that|this|they|them|those|these|one|ones|he|she|eso|esto|esa|ese|ellos|ellas)\b")


# "ok I'll ask them", "ok le pregunto al doctor": a closing remark, not a question to place.
_CLOSING = re.compile(
    r"^(?:ok|okay|k|alright|all right|sure|got it|thanks|thank you|gracias|vale|bueno|esta bien|perfecto|sale)\b"
    r"[^?]{0,50}\b(?:ill|i ll|i will|we will|well|we ll|voy a|vamos a|le pregunto|les pregunto|le hablo|le llamo"
    r"|les hablo|les llamo|lo hablo|lo platico|lo consulto|hablo con (?:ella|el|mi doctora?))\b[^?]*$")


# "hang on", "one sec", "un momento": still looking for it, not an answer and not a no.
_WAIT = re.compile(
    r"(?:ok |okay |um+ |uh+ |sorry )?(?:hang on|hold on|one sec\w*|one moment|just a (?:sec\w*|minute|moment)"
    r"|wait(?: a (?:sec\w*|minute|moment))?|give me a (?:sec\w*|minute|moment)|gimme a (?:sec\w*|minute)|brb"
    r"|un momento|un momentito|un segundo|espere\w*|espera|deje (?:busco|lo busco|veo)|dejeme (?:buscar|ver)|tantito)"
    # Only that, and perhaps "let me look": "wait, what's my copay?" is a question.
    r"(?: (?:please|pls|plz|porfa|por favor|let me (?:look|check|find it|get it|see)|im looking|lo busco"
    r"|ya lo busco))*")


def asks_to_wait(text: str) -> bool:
    plain = re.sub(r"[^\w ]+", " ", sin_acentos(text).replace("'", ""))
    return bool(_WAIT.fullmatch(" ".join(plain.split())))


# "I need a refill and does the copay card cover it?": a refill asked for beside a
# question, not a question about refills ("does the copay cover my refill?").
_REFILL_REQUEST = re.compile(
    r"\b(?:i need|i want|need|needs|want|wanna|order|ordering|request|requesting|get|can i have|time for|due for"
    r"|ready for|send|ship|necesito|quiero|pedir|solicitar|me toca|mandar|manden|ocupo)\b[^.?!]{0,25}"
    r"\b(?:refill|refil|refills|reorder|next box|resurtido|resurtir|el siguiente envio)\b"
    r"|\b(?:running (?:low|out)|almost out|se me (?:acaba|esta acabando)|ya casi no tengo)\b"
    r"|\b(?:order|reorder|pedir)\b[^.?!]{0,25}\b(?:ivig|box|boxes|medicine|medicina|supply|caja|cajas)\b"
    # "i need my next ivig delivery set up", "necesito programar mi siguiente envio"
    r"|\bnext (?:ivig |iv |infusion )?(?:delivery|shipment|box) (?:set up|scheduled|ordered|sent)\b"
    r"|\b(?:set up|schedule) (?:my |the )?next (?:ivig |infusion )?(?:delivery|shipment)\b"
    r"|\b(?:programar|pedir) (?:mi |el )?(?:siguiente|proximo) envio\b")


def asks_for_a_refill(text: str) -> bool:
    return bool(_REFILL_REQUEST.search(sin_acentos(text.lower())))


# At a YES/NO offer: "y si no califico?", "what if they say no" ask something first; a
# yes with a question after it ("yes, will they call today?") is still a yes.
_YES_FIRST = re.compile(r"^(?:(?:ok|okay|alright|ok then) )?(?:yes|yeah|yep|yup|sure|please|pls|si(?! no\b)"
                        r"|claro|dale|correct|go ahead|that works|sounds good|por favor|de acuerdo|connect me"
                        r"|put me through|hook me up|have (?:them|someone) (?:call|contact|text)|conecteme|comuniqueme"
                        r"|paseme)\b")
_QUESTION_FIRST = re.compile(
    r"^(?:(?:ok|okay|and|so|but|hmm|y|pero|bueno|entonces),? )*(?:what if|and if|if|what happens if|si no|si me"
    r"|que pasa si|y si|how|what|why|when|where|will|would|does|do|is|are|can|could|como|que|por que|cuando"
    r"|cuanto|donde|puedo|puede|hay)\b")


def _reply_words(text: str) -> str:
    """A reply to an offer as its words: lower case, no accents or apostrophes, punctuation
    as spaces ("Sí, porfa!" is "si porfa")."""
    unquoted = sin_acentos(text.lower()).replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^\w ]+", " ", unquoted).split())


def asks_at_an_offer(text: str) -> bool:
    """A message at an offer of a person that asks a question rather than answering it."""
    plain = _reply_words(text)
    return not _YES_FIRST.match(plain) and bool(_QUESTION_FIRST.match(plain))


def closing_remark(text: str) -> bool:
    return bool(_CLOSING.match(text.replace("'", "").replace("\u2019", "")))


def lowered(tracker: Tracker) -> str:
    return " ".join((tracker.latest_message.get("text") or "").lower().split())


def intent_of(tracker: Tracker) -> tuple[str, float]:
    intent = tracker.latest_message.get("intent") or {}
    return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)


def selected(tracker: Tracker, intent: str) -> tuple[str | None, float, list[dict[str, Any]]]:
    """What `intent`'s ResponseSelector chose for the latest message: (key, confidence, ranking)."""
    selectors = tracker.latest_message.get("response_selector") or {}
    chosen = selectors.get(intent) or selectors.get("default") or {}
    response = chosen.get("response") or {}
    key = response.get("intent_response_key")
    if not key or not str(key).startswith(f"{intent}/"):
        return None, 0.0, []
    ranking = [r for r in chosen.get("ranking") or [] if str(r.get("intent_response_key", "")).startswith(f"{intent}/")]
    return str(key), float(response.get("confidence") or 0.0), ranking


def topic_base(tracker: Tracker) -> str | None:
    topic = tracker.get_slot(TOPIC)
    return str(topic).split("/", 1)[0] if topic else None


def is_follow_up(text: str) -> bool:
    """Short, and leaning on what was said before: "and a third one?", "how often are they?"."""
    words = len(text.split())
    return 0 < words <= MAX_FOLLOW_UP_WORDS and bool(_CONNECTIVE.match(text) or _STEM.match(text)
                                                     or _ANAPHOR.search(text))


# "Who decides that?" after an answer that ends in "your care team decides": that answer.
WHO_DECIDES = "ask_ivig_treatment/who_decides"
# The answers about a mother's own IVIG plan, where "who decides?" means her care team.
IVIG_PLAN = frozenset(f"ask_ivig_treatment/{name}" for name in (
    "dose", "dose_unit", "dose_cap", "schedule", "schedule_change", "missed_dose", "double_dose",
    "missed_dose_worry", "late_start", "already_started", "who_decides", "overview", "infusion_length"))
_WHO_DECIDES = re.compile(
    r"^(?:(?:ok|okay|and|so|but|then|y|pero|entonces|bueno) )*(?:who|quien|quienes)"
    r"(?: \w+)? (?:decides?|chooses?|says|determines?|sets?|picks?|decide|dice|lo decide|fija|lo fija|kno"
    r"|knows?|sabe|sabria"
    r"|makes? (?:that|the) (?:call|decision))\b")


# Words that ask without naming anything: a message of only these ("y cada cuanto?",
# "how often are they?") has no subject of its own, so it is about the one just discussed,
# however sure the classifier is of another ("cuanto" reads as a price).
_NO_SUBJECT = frozenset({
    "and", "so", "but", "or", "also", "then", "what", "about", "how", "often", "long", "many",
    "much", "soon", "far", "for", "till", "until", "when", "who", "which", "where", "is",
    "are", "was", "were", "do", "does", "did", "it", "that", "this", "they", "them", "those",
    "these", "one", "ones", "the", "a", "an", "times", "again", "last", "take", "takes", "y",
    "o", "pero", "entonces", "tambien", "cada", "cuanto", "cuantos", "cuantas", "cuando",
    "hasta", "quien", "quienes", "donde", "cual", "es", "son", "eso", "esto", "esa", "ese",
    "ellos", "ellas", "lo", "la", "las", "los", "el", "de", "veces", "tiempo", "dura", "duran",
    "otra", "vez", "ok", "okay", "why", "come", "not", "por", "que", "porque",
})


def bare_follow_up(text: str) -> bool:
    """A short follow-up that names no subject of its own: only question and little words."""
    words = re.findall(r"[a-z]+", sin_acentos(text))
    return is_follow_up(text) and bool(words) and all(word in _NO_SUBJECT for word in words)


# "Why?", "how come?", "por qué?" after the chance it comes back: why it does, the cause.
_WHY_ALONE = re.compile(
    r"^(?:(?:ok|okay|and|so|but|y|pero|entonces) )*(?:why|how come|but why|why is that|why does it"
    r"(?: come back| happen again| keep happening)?|por que|y eso por que|por que pasa|por que se repite)"
    r"(?: (?:though|tho|again|exactly|entonces))?$")
WHY_IT_COMES_BACK = "ask_what_is_nh/cause"


def follow_up(tracker: Tracker) -> tuple[str | None, float, list[dict[str, Any]]]:
    """The latest message read within the topic just discussed, if it is a follow-up:
    (the topic selector's answer, its confidence, its ranking); (None, 0, []) if not."""
    base = topic_base(tracker)
    text = lowered(tracker)
    if base and _WHO_DECIDES.match(sin_acentos(text)) and "/" in str(tracker.get_slot(TOPIC)):
        # "Who sets mine then?" after a dose or a schedule: the care team, said plainly.
        talked_of = str(tracker.get_slot(TOPIC))
        return (WHO_DECIDES if talked_of in IVIG_PLAN else talked_of), 1.0, []
    if base == "ask_recurrence_risk" and _WHY_ALONE.match(re.sub(r"[^\w ]+", "", sin_acentos(text)).strip()):
        return WHY_IT_COMES_BACK, 1.0, []
    if not base or not is_follow_up(text):
        return None, 0.0, []
    return selected(tracker, base)


def likely_topics(tracker: Tracker, limit: int = 3, floor: float = 0.08) -> list[str]:
    """The answers (or intents) the message most likely meant, best first: each likely
    retrieval intent's chosen answer, a close second answer of the top one, a refill or a
    person."""
    ranking = [r for r in tracker.latest_message.get("intent_ranking") or []
               if r.get("name") in RETRIEVAL_INTENTS + OTHER_TOPICS and float(r.get("confidence") or 0) >= floor]
    options: list[str] = []
    for entry in ranking:
        name = str(entry["name"])
        if name in OTHER_TOPICS:
            options.append(name)
            continue
        key, _, answers = selected(tracker, name)
        if key:
            options.append(key)
        if len(ranking) == 1 and len(answers) > 1 and float(answers[1].get("confidence") or 0) >= 0.2:
            options.append(str(answers[1]["intent_response_key"]))
    return list(dict.fromkeys(options))[:limit]


def only_topic(tracker: Tracker, floor: float = 0.2) -> str | None:
    """The one answer the message can mean, when it points to a single topic at least
    `floor` likely ("hola q es la hemocromatosis neonatal", read half as a greeting): a
    menu of one option would only ask the patient to repeat themselves."""
    options = likely_topics(tracker)
    if len(options) != 1 or "/" not in options[0]:
        return None
    base = options[0].split("/", 1)[0]
    ranking = tracker.latest_message.get("intent_ranking") or []
    sure = next((float(r.get("confidence") or 0) for r in ranking if r.get("name") == base), 0.0)
    return options[0] if sure >= floor else None


# At an offer of a person: "can I just get a number to call?" wants the number, not a
# call back; "perfecto, ahí estaré" closes the conversation rather than saying yes.
_WANTS_THE_NUMBER = re.compile(
    r"\b(?:(?:phone )?number (?:to call|i can call|for (?:you|the pharmacy))|your (?:phone )?number"
    r"|(?:get|have|give me) (?:a|the) phone number"
    r"|(?:call|llamar|llamo) (?:you|ustedes|a la farmacia) (?:myself|directly|yo)"
    r"|numero (?:de telefono )?(?:de ustedes|de la farmacia|para llamar)"
    r"|(?:cual es|me da|me pasa|me das|tienen|tiene) (?:su|el|un) (?:numero|telefono))\b")
_CLOSES_AT_AN_OFFER = re.compile(
    r"\b(?:ahi estare|alli estare|ahi estaremos|nos vemos|i ll be there|ill be there|see you (?:then|there)"
    r"|(?:ok |okay )?(?:thanks|thank you|thx|ty|gracias)(?: so much| very much| muchas| mil)?$)")


def wants_the_number(text: str) -> bool:
    return bool(_WANTS_THE_NUMBER.search(sin_acentos(text.lower()).replace("'", " ")))


def closes_at_an_offer(text: str) -> bool:
    plain = _reply_words(text)
    return not _YES_FIRST.match(plain) and bool(_CLOSES_AT_AN_OFFER.search(plain))


# Deliveries stopped or changed: "ya no necesito las cajas, ¿cómo las cancelo?"
DELIVERIES = re.compile(r"\b(?:deliver\w*|shipments?|boxes|box|orders?|cajas?|envios?|entregas?|pedidos?|medicina)\b")
# Medicaid or Medicare named (Medi-Cal is California's Medicaid): its own copay answer.
MEDICAID = re.compile(r"\b(?:medi[ -]?cal|medicaid|medicare|chip|seguro del (?:gobierno|estado))\b")
MEDICAID_ANSWER = "ask_copay_help/medicaid_medicare"
# "¿Hablan español ahí?": about the people at the pharmacy, not a switch of language.
_STAFF_LANGUAGE = re.compile(
    r"\b(?:hablan|habla alguien|alguien (?:que )?habl\w*|hay alguien que hable|speak|speaks|anyone (?:who )?speak\w*"
    r"|someone (?:who )?speak\w*)\b.{0,30}\b(?:espanol|spanish|ingles|english)\b")


def asks_about_staff_language(text: str) -> bool:
    return bool(_STAFF_LANGUAGE.search(sin_acentos(text.lower())))
# When an order comes: "do you deliver on saturdays", "y q día me la mandan", "when does it
# normally get here" (not the baby's arrival, nor NH coming back).
_DELIVERY_WHEN = re.compile(
    r"(?:\b(?:when|what day|which day|what time|how long|how soon|q(?:ue)? dia|a q(?:ue)? hora|cuando|cuanto tarda\w*"
    r"|en cuanto tiempo)\b(?:(?!\b(?:baby|bebe|due|parto|nacer|born|she|he|ella)\b)[^.?!]){0,40}"
    r"\b(?:get here|gets here|arrive|arrives|come(?! back)|comes(?! back)|delivered|deliver|ship|ships"
    r"|shipped|llega|llegar|llegue|llegan|mandan|manda|envian|entregan|entregue)\b"
    r"|\b(?:deliver|ship)\w* on (?:the )?(?:saturday|sunday|weekend)s?\b|\b(?:entregan|mandan|reparten|envian)"
    r" (?:los |en )?(?:sabados?|domingos?|fines? de semana)\b)")


def asks_when_it_comes(text: str) -> bool:
    return bool(_DELIVERY_WHEN.search(sin_acentos(text.lower())))


def offer_was_pending(tracker: Tracker) -> bool:
    """Was a person on offer when this message came? (A topic's intent lapses the slot as
    the message arrives, domain.yml; "sí, conécteme con el equipo" is still a yes.)"""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == "handoff_offered":
            return bool(event.get("value"))
    return False


def starts_with_yes(text: str) -> bool:
    """ "sí porfa, en la tarde": a yes first, with a detail after it."""
    return bool(_YES_FIRST.match(_reply_words(text)))
