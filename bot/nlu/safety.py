"""The emergency safety net: patterns that catch an emergency the classifier missed.

It runs after the pipeline on every message, independent of the classifier, in English
and Spanish (bot/nlu/safety_es.py), and answers two questions (nh-facts.md, safety rule
1): does the message name a warning sign of F10/F11 (or self-harm), and is an emergency
happening *now*? Only an emergency now is paged to staff and handed to a person; a
question about signs, a "what if", a memory, a nightmare or grief gets the warning signs
with "call 911 if this is happening now", and nobody is paged.

The net leans towards 911: a sign with nothing saying otherwise is taken as happening
now, and something saying it is happening now ("right now", "still", "ten minutes ago",
"she's ...") wins over everything but a plain statement that all is well again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu import questions, safety_es
from bot.nlu.safety_en import _BABY, _ENGLISH_WORDS, _INFUSION, _NEWBORN_GROUPS, _PREGNANCY, EXPLICIT, SIGNS
from bot.nlu.tense_en import _LOSS, MARKERS

EMERGENCY_INTENT = "report_emergency"
# The first line said for each case (domain.yml): "Call 911 now" when a sign was named.
FIRST_LINES = {"general": "utter_emergency_general", "sign": "utter_emergency_sign",
               "newborn": "utter_emergency_newborn", "pregnancy": "utter_emergency_pregnancy",
               "infusion": "utter_emergency_infusion", "crisis": "utter_emergency_crisis"}

_COMPILED = [(group, re.compile("|".join(f"(?:{p})" for p in patterns))) for group, patterns in SIGNS.items()]
_APOSTROPHES = re.compile(r"['\u2019`]")
_NON_WORD = re.compile(r"[^\w!?.]+")


@dataclass(frozen=True)
class NetResult:
    matched: bool  # an emergency happening now: 911 first, staff paged
    group: str | None = None  # the kind of sign named
    sign: bool = False  # a warning sign (or self-harm) is named, whatever the tense
    loss: bool = False  # told as a loss: a past death, grief
    case: str = "general"  # newborn, pregnancy, infusion, crisis or general: which 911 line fits
    language: str = "en"


# An insurer's name is not a colour: "she has blue cross through work".
_INSURERS = re.compile(r"\b(?:anthem )?blue (?:cross|shield|care|choice|advantage|kc)\b|\bbcbs\w*|\bbluecross\w*")


# A sign said to be absent is none: "no trouble breathing or anything", "sin dificultad para respirar".
_ABSENT = re.compile(r"\b(?:no|not any|without) (?:trouble|problems?|difficulty|issues?) (?:with )?breathing\b"
                     r"|\b(?:no|without) (?:swelling|hives|rash|chest pain|fever)\b(?! (?:is|and) )"
                     r"|\bsin (?:dificultad|problemas?) para respirar\b|\bno (?:tiene|tengo) (?:dificultad|problemas?)"
                     r" para respirar\b")


def normalise(text: str) -> str:
    lowered = _APOSTROPHES.sub("", text.lower())
    return _ABSENT.sub(" ", _INSURERS.sub(" insurer ", _NON_WORD.sub(" ", lowered))).strip()


# The writer's own body, no baby in it: "my lips feel swollen and it's hard to breathe".
_OWN_BODY = re.compile(r"\bmy (?:lips|face|throat|tongue|chest|mouth|eyes|skin)\b|\bi (?:cant|cannot|can not) breathe\b"
                       r"|\b(?:im|i am) (?:\w+ )?(?:bleeding|spotting|gushing)\b|\bestoy sangrando\b|\bsangro mucho\b"
                       r"|\bim (?:having )?(?:trouble|struggling|having a hard time) breathing\b"
                       r"|\b(?:mis labios|mi cara|mi garganta|mi lengua)\b|\bme cuesta (?:mucho )?respirar\b"
                       r"|\bno puedo respirar\b|\bse me (?:hincha\w*|cierra\w*)\b")


_BABY_ES = re.compile(rf"\b{safety_es._BABY}\b")


def own_body(text: str) -> bool:
    """Signs in the writer's own body, with no baby named: a mother's, not a newborn's."""
    plain = safety_es.sin_acentos(normalise(text))
    return bool(_OWN_BODY.search(plain)) and not (_BABY.search(plain) or _BABY_ES.search(plain))


_A_NEWBORN = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|a) (?:days?|weeks?) old\b|\bnewborn\b"
                        r"|\bdias? de nacid[oa]\b|\brecien nacid[oa]\b")


def _case(group: str, text: str, spanish: bool) -> str:
    if group in {"self-harm", "autolesion"}:
        return "crisis"
    pregnancy = safety_es.PREGNANCY if spanish else _PREGNANCY
    infusion = safety_es.INFUSION if spanish else _INFUSION
    if group in {"pregnancy", "embarazo"} or (group in {"bleeding", "sangrado", "explicit", "explicito"}
                                               and pregnancy.search(text)):
        return "pregnancy"
    if group in {"newborn liver", "higado"} or (group in _NEWBORN_GROUPS | safety_es.NEWBORN_GROUPS
                                                and _A_NEWBORN.search(text)):
        return "newborn"  # "a 4 day old, yellow, not eating; I had IVIG in pregnancy": the baby's signs
    if group in {"infusion reaction", "reaccion a la infusion"} or infusion.search(text):
        return "infusion"
    if group in _NEWBORN_GROUPS or group in safety_es.NEWBORN_GROUPS:
        return "sign" if own_body(text) else "newborn"
    return "general"


# "It went away but now her lips are blue": over, and then not.
_BACK_AGAIN = re.compile(
    r"(?:\bbut (?:now|then|again|still)\b|\bcame back\b|\bpero (?:ahora|otra vez|sigue)\b|\bvolvio\b)"
    # "but now she's 3 months and doing great", "pero ahora tiene 4 meses y está súper bien": not back
    r"(?!.{0,20}\b(?:shes|hes|tiene) (?:\d+|a|one|two|three|four|five|six) (?:months?|years?|meses|anos)\b)")


def _happening_now(text: str, spanish: bool) -> bool:
    """A sign was named: is it happening now? Leans towards yes. In order: something
    saying it is happening now, then a plain "it is over", a dream, a "what if" or "no
    emergency", then "she's ..." or "today", then a question or a memory. First of all:
    a message about an animal or a thing, with no person in it, is not one."""
    m = safety_es.MARKERS if spanish else MARKERS
    if m["not_a_person"].search(text):  # "my dog threw up blood": a vet's question
        return False
    if m["over"].search(text):  # "the hives went away an hour ago"
        return False
    if m["now_strong"].search(text):
        return True
    for name in ("resolved", "dream", "general_strong"):
        if m[name].search(text) and not (name == "resolved" and _BACK_AGAIN.search(text)):
            return False
    if m["now"].search(text):
        return True
    return not (m["general"].search(text) or m["past"].search(text))


def _harm_denied(pattern: re.Pattern[str], text: str, spanish: bool) -> bool:
    """Self-harm named only inside a plain denial or a past now treated ("I'm not
    suicidal"); a crisis word outside it still counts."""
    denial = (safety_es.MARKERS if spanish else MARKERS)["denies_harm"]
    return bool(denial.search(text)) and not pattern.search(denial.sub(" ", text))


def in_spanish(spanish_text: str) -> bool:
    """More Spanish little words than English ones (Spanglish counts as Spanish)."""
    return len(safety_es.SPANISH_WORDS.findall(spanish_text)) > len(_ENGLISH_WORDS.findall(spanish_text))


_SAD = re.compile(r"\b(?:sad|grieving|heartbroken|depressed|struggling|not suicidal)\b")
# A parent's worry said with the baby well now: "just anxious", "nomás estoy preocupada".
_ONLY_WORRIED = re.compile(r"\b(?:just|only|im just|i just|im only) (?:a (?:little|bit) )?(?:anxious|nervous|worried|worry"
                           r"|paranoid|overthinking|checking)\b|\b(?:nomas|solo|nada mas) (?:estoy )?(?:nervios|preocupad)\w*\b")
# Words that keep a message the classifier reads as an emergency from being taken for a
# question or a memory: what someone at risk of harming themselves might say.
_CRISIS_HINTS = re.compile(r"\b(?:end(?:ing)? it|gone|pills|tonight|do it|wake up|miss me|point|anymore|no more)\b")


def asks_about_a_sign(text: str) -> bool:
    """A question about a person's sign ("how floppy is too floppy?"), not a pet's or a thing's."""
    english = normalise(text)
    spanish_text = safety_es.sin_acentos(english)
    spanish = in_spanish(spanish_text)
    not_a_person = (safety_es.MARKERS if spanish else MARKERS)["not_a_person"]
    return questions.asks(english, spanish_text, spanish) and not not_a_person.search(spanish_text if spanish else english)


def grief_without_a_question(text: str) -> bool:
    """A loss told with no question in it: sympathy first, whatever else was under way."""
    english = normalise(text)
    spanish_text = safety_es.sin_acentos(english)
    return tells_a_loss(text) and not questions.asks(english, spanish_text, in_spanish(spanish_text))


def tells_a_loss(text: str) -> bool:
    """Told as a loss: a baby's death, grief."""
    english = normalise(text)
    spanish_text = safety_es.sin_acentos(english)
    if in_spanish(spanish_text):
        return bool(safety_es.LOSS.search(spanish_text))
    return bool(_LOSS.search(english) or _SAD.search(english))


def check(text: str) -> NetResult:
    """Does this message read as an emergency happening now (or name a sign at all)?
    Signs are looked for in both languages; what says "now" or "what if" is read in the
    message's own language."""
    english = normalise(text)
    spanish_text = safety_es.sin_acentos(english)
    spanish = in_spanish(spanish_text)
    marked = spanish_text if spanish else english
    first: NetResult | None = None
    for compiled, normalised in ((_COMPILED, english), (safety_es.COMPILED, spanish_text)):
        for group, pattern in compiled:
            if not pattern.search(normalised):
                continue
            crisis = group in {"self-harm", "autolesion"}
            if crisis and _harm_denied(pattern, normalised, spanish):
                first = first or NetResult(False, group, True, False, "crisis", "es" if spanish else "en")
                continue
            now = crisis or _happening_now(marked, spanish)
            loss = bool((safety_es.LOSS if spanish else _LOSS).search(marked))
            result = NetResult(now, group, group not in EXPLICIT, loss and not crisis,
                               _case(group, marked, spanish), "es" if spanish else "en")
            if now:
                return result
            first = first or result
    return first or NetResult(False)


# "im 10 weeks right now", "tengo 12 semanas": how far along, with nothing else told.
_WEEKS_ONLY = re.compile(
    r"^(?:(?:ok|okay|so|and|well|y|pues|bueno|ahorita|ya) )*(?:im|i am|we are|were|shes|she is|at|just (?:hit|turned)"
    r"|tengo|voy (?:en|por)|estoy (?:en|de)|cumpli|cumplo)? ?(?:la semana )?\d{1,2} ?(?:weeks?|wks?|semanas?)"
    r"(?: (?:along|pregnant|now|right now|today|tomorrow|de embarazo|ahorita|ahora|hoy|ya))*$")


def tells_the_weeks(text: str) -> bool:
    """How far along a pregnancy is, said alone: a question about the schedule, not a sign."""
    return bool(_WEEKS_ONLY.match(safety_es.sin_acentos(normalise(text)).strip(" .!?")))


# How it will turn out, asked with no sign named: a question about outcomes.
_HOW_WILL_IT_GO = re.compile(
    r"^(?:(?:so|and|but|ok|okay) )*(?:will|is|are|would) (?:she|he|they|the baby|my daughter|my son|both)"
    r"(?: and the baby)? (?:be|going to be|gonna be) (?:ok|okay|alright|all right|fine|healthy)\b"
    r"|^(?:y )?(?:va|van) a estar bien\b|^(?:y )?(?:ella|el bebe|los dos) (?:va|van) a estar bien\b")


def asks_how_it_will_go(text: str) -> bool:
    """"Will she be ok?", with no sign named: how treatment turns out, not an emergency."""
    return bool(_HOW_WILL_IT_GO.search(safety_es.sin_acentos(normalise(text))))


# A car or a phone in trouble: the classifier can take "died" or "se murió" for a person.
_THING_TROUBLE = re.compile(
    r"\bse (?:me |le |nos )?(?:descargo|murio|acabo|poncho|descompuso) (?:la |el )?(?:bateria|pila|celular|cel|telefono|llanta|carro|coche|troca)\b"
    r"|\b(?:car|phone|cell|truck) (?:battery )?(?:died|is dead|broke down)\b|\b(?:flat tire|dead battery)\b"
    r"|\b(?:planta|plantas|flores|matita|matitas|arbol|arbolito) (?:se (?:me |nos )?)?(?:esta |estan )?(?:muriendo|murio|murieron|secando|seco)\b"
    r"|\b(?:plant|plants|flowers|garden|tree) (?:is |are |keeps |just )?(?:dying|died|dead|wilting)\b"
    # A sign said to be absent, the classifier alone taking the rest for one: "spit up milk, no blood".
    r"|\b(?:no|without|sin|nada de) (?:any )?(?:blood|sangre)\b")


def not_happening_now(text: str) -> bool:
    """For a message the classifier alone reads as an emergency, with no sign named:
    does it say it is a question, a dream, or over ("no emergency, just wondering...")?
    Then it is not paged. A memory alone is not enough: grief can say "I can't go on"."""
    english = normalise(text)
    spanish_text = safety_es.sin_acentos(english)
    spanish = in_spanish(spanish_text)
    m, normalised = (safety_es.MARKERS, spanish_text) if spanish else (MARKERS, english)
    if _ABSENT.search(_NON_WORD.sub(" ", text.lower())):  # "no trouble breathing or anything, just a headache"
        return True
    if _HOW_WILL_IT_GO.search(normalised):  # "will she and the baby be alright?", no sign named
        return True
    if _THING_TROUBLE.search(normalised):  # "se me descargó la batería del carro", no sign named
        return True
    if any(m[name].search(normalised) for name in ("over", "denies_harm", "dream")):
        return True  # "false alarm, it stopped", "I'm not suicidal", "this hold music is killing me"
    if spanish and m["past"].search(normalised) and safety_es.LOSS.search(normalised):
        return True  # "la noche que murió estaba moradita": a memory of the loss
    if m["resolved"].search(normalised) and _ONLY_WORRIED.search(normalised):
        return True  # "she's eating good and pooping fine right now, just anxious": well, and a parent's worry
    if m["now_strong"].search(normalised) or (m is MARKERS and _CRISIS_HINTS.search(normalised)
                                               and not _SAD.search(normalised)):
        return False
    return any(m[name].search(normalised) for name in ("not_a_person", "resolved", "dream", "general_strong", "general"))


# A short follow-up question ("and my wife?", "and the baby?", "y el bebé?"): it asks about
# what was just said; with no sign in it, it is not an emergency being reported.
_BARE_FOLLOW_UP = re.compile(r"^(?:and|or|what about|how about|so|also|y|o|y que tal|que tal)\b[^.!]{0,40}\??$")
_DISTRESS = re.compile(r"\b(?:help|911|emergency|urgent|now|hurry|please|ayuda|emergencia|urgente|ahora|ya)\b")


def bare_follow_up(text: str) -> bool:
    """A fragment like "and my wife?": at most five words, led by "and" / "what about",
    with no word of distress. Read with the topic just discussed, never paged on its own."""
    normalised = safety_es.sin_acentos(normalise(text)).strip()
    return (len(normalised.split()) <= 5 and bool(_BARE_FOLLOW_UP.match(normalised))
            and not _DISTRESS.search(normalised))


_HELP_COMING = re.compile(
    r"\b(?:already )?(?:called|dialed|rang|phoned) (?:9 ?1 ?1|nine one one|an ambulance)\b"
    r"|\b(?:ambulance|paramedics|911|help) (?:is|are) (?:here|coming|on (?:the|their|its) way)\b"
    r"|\b(?:on (?:our|the) way to|at|in) the (?:er|hospital|emergency room)\b"
    r"|\b(?:were|we are|im|i am) (?:going|heading|driving|leaving) (?:to (?:the )?(?:er|hospital|emergency room|l ?and ?d|l d"
    r"|labor and delivery)|in now|there now|now)\b|\bon (?:our|my) way\b|\b(?:calling|called) (?:l ?and ?d|l d|labor and delivery)\b"
    r"|\b(?:ya )?vamos (?:para el|para la|al|a la|pa(?:l)?) (?:hospital|emergencias|er|clinica)\b|\bya vamos en camino\b"
    r"|\bya (?:llame|llamamos|marque) al 911\b|\b(?:la )?ambulancia (?:ya )?(?:viene|esta aqui|llego)\b"
    # "ya llamé", "what do I do while they come": the call is made.
    r"|^(?:ok |si |ya )*ya (?:llame|llamamos|marque|les llame|le llame)\b(?! (?:a la farmacia|al doctor|a mi doctor))"
    r"|\b(?:while|until|till) (?:they|the ambulance|the paramedics|help|the medics) (?:come|comes|get here|gets here|arrive|arrives)\b"
    r"|\b(?:mientras|hasta que) (?:llegan|lleguen|vienen|llegue la ambulancia|llega la ambulancia)\b|\bya vienen\b"
    r"|\bya (?:viene|llega|va a llegar) (?:la ambulancia|el 911|los paramedicos)\b|\b(?:ya )?vienen? en camino\b"
    # "911 is on the line", "mi esposo ya marcó al 911", "they said come in", "omw", "ya llegaron".
    r"|\b(?:911|they|dispatch|the operator|l ?and ?d|l d) (?:is|are) on the (?:line|phone)\b|\bon the phone with 911\b"
    r"|\b(?:ya )?(?:marco|llamo|marcaron|llamaron|hablo|hablamos) al 911\b|\bya (?:llegaron|llego la ambulancia|estan aqui)\b"
    r"|\b(?:they|l ?and ?d|l d|the nurse|the doctor) (?:said|told (?:me|us) to) (?:come|go) in\b|\bomw\b"
    r"|\b(?:theyre|they are) taking (?:us|her|him|me) to\b|^(?:ok |okay |k )*(?:leaving|heading out|going) now\b"
    r"|^(?:ok |okay |k |yes )*(?:dialing|calling)(?: 911| them| 9 1 1)? now\b|^(?:ok |si |bueno |va )*ya vamos$"
    # "ok im calling", "calling them now", "estoy llamando al 911": the call is being made.
    r"|^(?:ok |okay |k |yes |ya |si )*(?:im|i am|we are|were|estoy|estamos) (?:calling|llamando)\b"
    r"|^(?:ok |okay |k |yes )*calling (?:now|them|911|9 1 1)\b"
    # "ok dialing", "ok shes calling", "theyre here", "walking out the door", "while we wait",
    # "ya estoy marcando", "ya llegamos", "voy para allá": the call is made, help is coming.
    r"|^(?:ok |okay |k |yes |ya |si |bueno )*(?:dialing|calling|marcando|llamando)\b"
    r"|\b(?:shes|hes|she is|he is|my (?:\w+ ){1,2}is|mom is|dad is) (?:calling|dialing|driving (?:us|me|her|him))\b"
    r"|\b(?:theyre|they are|the ambulance is|paramedics are|ems is|help is) here\b|\bwalking out the door\b"
    r"|\b(?:headed|heading|driving|going|on the way) (?:to|for) (?:the )?(?:er|hospital|emergency room|l d|childrens)\b"
    r"|\bwhile (?:we|i) wait\b|\bya (?:estoy|estamos) (?:marcando|llamando)\b|\bya llegamos\b|\bya estamos (?:aqui|en)\b"
    r"|\b(?:voy|vamos) para (?:alla|el hospital|emergencias|urgencias)\b|\bya (?:le |les )?hable al (?:hospital|911)\b"
    r"|\b(?:me|nos|la|lo) (?:va|van) a llevar (?:a|al) (?:emergencias|hospital|urgencias)\b")
# "I haven't called 911", "has anyone called 911", "I called 911 but now she is seizing"
_NOT_YET = re.compile(r"\b(?:not|havent|hasnt|didnt|nobody|no one|noone|anyone|should i (?:call|dial|go|drive|wait)"
                      r"|can you|but|no he|nadie"
                      r"|still(?! (?:do|give|have|get|be able|happen|go ahead|be on)\b))\b")


def help_is_on_the_way(text: str) -> bool:
    """Only a plain "I called 911 already": anything doubtful is an emergency still."""
    plain = safety_es.sin_acentos(normalise(text))
    if not _HELP_COMING.search(plain) or _NOT_YET.search(plain):
        return False
    return not check(_HELP_COMING.sub(" ", plain)).matched
