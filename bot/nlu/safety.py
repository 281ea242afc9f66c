"""The emergency safety net: keyword patterns that catch an emergency the classifier missed.

It runs after the pipeline on every message, independent of the classifier, and only
ever turns a parse *into* `report_emergency` (nh-facts.md, safety rule 1). A false
alarm costs a calm "if this is an emergency, call 911" line; a miss can cost a life,
so the patterns lean towards catching. They cover the warning signs of F10 and F11.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMERGENCY_INTENT = "report_emergency"

_NOT = r"(?:not|isnt|is not|arent|stopped|stops|cant|can not|cannot|wont|will not|doesnt|hasnt|havent|no longer)"
_PERSON = r"(?:baby|babys|he|she|they|son|daughter|newborn|infant|i|im|me|my|her|his)"

_SIGNS = [
    # breathing
    rf"\b{_NOT}\s+(?:\w+\s+)?(?:breathing|breathe|breath)\b",
    r"\b(?:trouble|hard time|difficulty|problems?|struggling|hard)\s+(?:\w+\s+)?(?:breathing|breathe|to breathe)\b",
    r"\b(?:gasping|choking|short of breath|shortness of breath|catch (?:my|her|his|their) breath)\b",
    r"\bstopped breathing\b|\bapnea\b",
    # colour
    r"\b(?:turning|turned|going|gone|looks?|looking|is|are|lips|face|skin)\s+(?:\w+\s+)?(?:blue|gray|grey|purple)\b",
    r"\b(?:blue|gray|grey|purple)\s+(?:lips|face|skin|mouth)\b",
    # seizures and consciousness
    r"\b(?:seizing|seizure|seizures|convulsing|convulsions?|fitting)\b",
    rf"\b{_NOT}\s+(?:\w+\s+)?(?:wake|waking|woken|respond|responding|responsive)\b",
    r"\b(?:unresponsive|floppy|limp|unconscious|passed out|fainted|collapsed|lethargic)\b",
    r"\bhard to (?:wake|rouse)\b",
    # bleeding
    r"\b(?:vomit\w*|throw\w* up|spit\w* up|puk\w*)\s+(?:\w+\s+)?blood\b",
    r"\bblood\s+(?:in|on)\s+(?:her|his|the|their|my)?\s*(?:poop|stool|diaper|vomit|spit|nappy)\b",
    r"\bbloody\s+(?:poop|stool|diaper|vomit|spit up|nappy)\b",
    r"\b(?:heavy|heavily|lots of|a lot of|so much)\s+(?:\w+\s+)?bleed\w*\b",
    rf"\b(?:{_PERSON}|is|am|are|started|keeps|still)\s+(?:\w+\s+)?bleeding\b",
    r"\bbleeding\s+(?:a lot|heavily|wont stop|will not stop|everywhere|badly|through)\b",
    r"\b(?:hemorrhag\w*|haemorrhag\w*)\b",
    # newborn liver signs
    r"\b(?:yellow|jaundice\w*)\b.{0,60}\b(?:not|wont|isnt|poor\w*|refus\w*|stopped|barely|wouldnt)\s+(?:\w+\s+)?(?:eat\w*|feed\w*|nurs\w*|drink\w*|tak\w+|latch\w*|suck\w*)\b",
    r"\b(?:not|wont|isnt|poor\w*|refus\w*|stopped|barely|wouldnt)\s+(?:\w+\s+)?(?:eat\w*|feed\w*|nurs\w*|drink\w*|latch\w*)\b.{0,60}\b(?:yellow|jaundice\w*)\b",
    r"\b(?:swollen|swelling|bloated|distended|hard|huge|big)\s+(?:\w+\s+)?(?:belly|stomach|tummy|abdomen)\b",
    r"\b(?:belly|stomach|tummy|abdomen)\s+(?:is\s+|looks\s+|seems\s+|getting\s+)?(?:\w+\s+)?(?:swollen|swelling|distended|bloated|hard)\b",
    # pregnancy
    r"\b(?:baby|babys|she|he)\s+(?:\w+\s+)?(?:not|isnt|hasnt|stopped|no longer|barely|hardly)\s+(?:\w+\s+)?(?:moving|moved|kicking|kicked|move)\b",
    r"\b(?:less|fewer|no|reduced|decreased)\s+(?:fetal\s+|baby\s+)?(?:movement|movements|kicks|kicking|moving)\b",
    r"\b(?:havent|have not|cant|can not|cannot|not|didnt)\s+(?:\w+\s+)?(?:felt|feel|feeling)\s+(?:\w+\s+){0,2}(?:move|moving|movement|kick\w*)\b",
    r"\b(?:severe|really bad|terrible|horrible|intense|extreme|worst)\s+(?:\w+\s+)?(?:pain|cramp\w*|headache)\b",
    r"\bwater (?:broke|broken|is leaking)\b",
    # infusion reactions (F10)
    r"\b(?:throat|chest)\s+(?:is\s+|feels\s+|getting\s+)?(?:\w+\s+)?(?:tight|closing|tightening|heavy)\b",
    r"\bchest\s+(?:pain|pains|hurts|pressure)\b|\bpain in (?:my|her|his) chest\b",
    r"\b(?:face|lips?|tongue|throat|eyes?|mouth)\s+(?:is\s+|are\s+|feels?\s+|getting\s+|started\s+)?(?:\w+\s+)?(?:swelling|swollen|puff\w*|blowing up)\b",
    r"\b(?:swelling|swollen|puffy)\s+(?:\w+\s+)?(?:face|lips?|tongue|throat|eyes?|mouth)\b",
    r"\b(?:leg|calf|calves|thigh)\s+(?:is\s+|are\s+|feels\s+)?(?:\w+\s+)?(?:swollen|swelling|painful|hurts|red and)\b",
    r"\b(?:swollen|swelling|painful)\s+(?:\w+\s+)?(?:leg|calf|thigh)\b",
    r"\b(?:barely|hardly|not|havent|have not|cant|cannot|cant|no)\s+(?:\w+\s+)?(?:peeing|pee|peed|urinat\w*|wet diapers?)\b",
    r"\b(?:very little|hardly any|barely any|no)\s+(?:urine|pee|wet diapers?)\b",
    r"\b(?:anaphyla\w*|allergic reaction|hives all over|epipen|epi pen)\b",
    # explicit
    r"\b911\b|\bambulance\b|\bparamedics?\b",
    r"\b(?:this is|its|it is|having|have|we have|got)\s+(?:an?\s+)?(?:medical\s+)?emergency\b",
    r"\bemergency\s*(?:!|please|help|now)",
    r"\b(?:is|am|are|were)\s+dying\b|\bdying\b",
]

# Questions about warning signs in general, or about the past, are not an emergency now.
_GENERAL_QUESTION = re.compile(
    r"\b(?:what|which)\s+(?:are|is|were|would|should)?\s*(?:the\s+)?(?:\w+\s+)?"
    r"(?:signs?|symptoms?|side effects?|warning|watch for|look out for|counts?|risks?)\b"
    r"|\b(?:signs?|symptoms?|side effects?) (?:of|to watch|to look)\b"
    r"|\bwhat (?:should|do) (?:i|we) (?:watch|look) (?:for|out)\b"
    r"|\bis (?:\w+\s+)?(?:a )?(?:side effect|common|normal)\b"
)
_PAST = re.compile(
    r"\b(?:died|passed away|passed|lost (?:him|her|them|our|my)|before (?:he|she|they) (?:died|passed)"
    r"|years? ago|last (?:year|pregnancy)|in (?:19|20)\d\d|first baby|previous baby|our loss)\b"
)
_NOW = re.compile(
    r"\b(?:now|right now|currently|today|tonight|this (?:morning|afternoon|evening)|again|still|keeps?)\b"
)

_COMPILED = [re.compile(pattern) for pattern in _SIGNS]
_APOSTROPHES = re.compile(r"['\u2019`]")
_NON_WORD = re.compile(r"[^\w!?.]+")


@dataclass(frozen=True)
class NetResult:
    matched: bool
    pattern: int | None = None


def normalise(text: str) -> str:
    lowered = _APOSTROPHES.sub("", text.lower())
    return _NON_WORD.sub(" ", lowered).strip()


def check(text: str) -> NetResult:
    """Does this message read as an emergency happening now?"""
    normalised = normalise(text)
    for index, pattern in enumerate(_COMPILED):
        if pattern.search(normalised):
            if _NOW.search(normalised):
                return NetResult(True, index)
            if _GENERAL_QUESTION.search(normalised) or _PAST.search(normalised):
                continue
            return NetResult(True, index)
    return NetResult(False)
