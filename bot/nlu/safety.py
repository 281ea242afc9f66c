"""The emergency safety net: patterns that catch an emergency the classifier missed.

It runs after the pipeline on every message, independent of the classifier, and only
ever turns a parse *into* `report_emergency` (nh-facts.md, safety rule 1). A false
alarm costs a calm "if this is an emergency, call 911" line; a miss can cost a life,
so the signs lean towards catching. They cover the warning signs of F10 and F11, how
speech recognition mishears them, and a parent who says they want to harm themselves.

A sign is not taken as an emergency now when the message only asks about warning signs
in general, imagines one, or remembers a past one, unless something in it says it is
happening now ("right now", "she's ...", "ten minutes ago", ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMERGENCY_INTENT = "report_emergency"

_W = r"(?:\w+\s+)"  # one word in between
_NOT = r"(?:not|isnt|is not|arent|stopped|stops|cant|can not|cannot|wont|will not|doesnt|hasnt|havent|no longer)"
_BREATH = r"(?:bre+a?t+h?\w*|bretah)"  # breathing, breething, breating, brethe, ...
_FEED = r"(?:eat\w*|feed\w*|nurs\w*|drink\w*|latch\w*|suck\w*|bottle|breast\w*|formula|milk)"

SIGNS: dict[str, list[str]] = {
    "breathing": [
        rf"\b{_NOT}\s+{_W}?{_BREATH}",
        rf"\bstop(?:s|ped|ping)?\s+{_BREATH}",
        rf"\b(?:barely|hardly)\s+{_BREATH}",
        rf"\b(?:not|isnt|stopped)\s+{_W}?breeding\b",  # "not breathing", misheard
        rf"\b(?:trouble|hard time|difficulty|problems?|struggling|hard|labou?red)\s+{_W}?{_BREATH}",
        rf"\b{_BREATH}\s+(?:is\s+)?(?:so |really |very |too )?(?:fast|funny|weird|strange|hard|shallow|heavy|noisy|slow)\b",
        r"\b(?:gasping|choking|grunting|wheezing|short of breath|shortness of breath|apnea)\b",
        rf"\bpauses? in (?:his|her|their|the) {_BREATH}|\bpanting\b|\blabou?red\b",
        r"\bribs (?:are )?(?:pulling|sucking) in\b|\bcant get (?:air|a breath)\b|\bairway\b.{0,25}\bclos\w*",
        r"\bcatch (?:my|her|his|their) breath\b",
    ],
    "colour": [
        r"\b(?:blue|gray|grey|purple|dusky)\s+(?:lips|face|skin|mouth|tongue)\b",
        rf"\b(?:lips|face|skin|mouth|he|she|hes|shes|baby|babys)\s+{_W}{{0,3}}(?:blue|blu|blew|gray|grey|purple|dusky)\b",
        r"\b(?:turn\w*|went|gone|going|looks?|looking)\s+(?:\w+\s+)?(?:blue|blu|blew|gray|grey|purple)\b",
        r"\b(?:are|is)\s+(?:so |all |really |very )?(?:blue|blu|blew|gray|grey|purple)\b",
        r"\bblue baby(?: help|[!.]|$)|\bcolou?r is (?:off|wrong|bad|strange)\b|\b(?:pale|white) and (?:limp|floppy|cold|sweaty)\b",
    ],
    "seizure or not waking": [
        r"\b(?:seizing|seizure|seizures|seize|convuls\w*|fitting)\b|\bs[ei]+[sz]+ures?\b",
        r"\bwent stiff\b|\b(?:body|arms|legs) (?:is |are |went |got )?stiff\b|\beyes (?:are |keep )?roll\w* (?:back|up)\b",
        r"\bfainting\b|\bblack(?:ing|ed)? out\b|\bfound (?:my|our|the|her|him) (?:\w+ )?on the floor\b",
        r"\beyes (?:are |keep )?rolling\b|\b(?:shaking|twitching|jerking)\b.{0,30}\b(?:wont|cant|not) stop\b",
        r"\b(?:shaking|twitching|jerking) (?:all over|uncontrollably)\b|\bhaving fits\b",
        r"\b(?:keeps?|kept|staring and)\s+(?:jerking|twitching|shaking)\b",
        r"\bcant get (?:her|him|them|the baby|my baby) to wake\b",
        r"\bfeel(?:ing)? (?:faint|like fainting)\b|\bheart is (?:pounding|racing)\b",
        r"\b(?:going to|gonna|about to)\s+(?:pass out|faint)\b",
        r"\bcease (?:your|yer|ur|sure)\b",  # "seizure", misheard
        rf"\b{_NOT}\s+{_W}?(?:wake|waking|woken|respond|responding|responsive)\b",
        r"\b(?:wont|cant|not) open (?:her|his|their|my) eyes\b",
        r"\b(?:unresponsive|floppy|limp|unconscious|passed out|fainted|collapsed|lethargic|rag ?doll)\b",
        r"\b(?:hard|impossible|difficult) to (?:wake|rouse)\b|\btoo sleepy to\b",
    ],
    "bleeding": [
        r"\b(?:vomit\w*|threw|throw\w*|spit\w*|puk\w*|cough\w*)\s+(?:up\s+)?(?:\w+\s+){0,3}blood\b",
        r"\bblood\s+(?:in|on)\s+(?:her|his|the|their|my)?\s*(?:poop|stool|diaper|vomit|spit|nappy|pee|urine)\b",
        r"\bbloody\s+(?:poop|stool|diaper|vomit|spit up|nappy)\b",
        r"\b(?:poop|stool|diaper|nappy)\s+(?:\w+\s+){0,4}(?:bloody|blood|black)\b",
        r"\bblood in (?:\w+\s+){0,2}(?:poop|stool|diaper|nappy)\b|\bblack (?:tarry )?(?:poop|stool)\b|\btarry\b",
        r"\bpregnant\b.{0,20}\bbleed\w*|\bbleed\w*\b.{0,20}\bpregnant\b|\bpassing (?:big |large )?clots\b",
        r"\bcoffee grounds?\b|\bgushing\b|\bthroat\s+(?:is\s+)?clos\w*|\bthroat\b.{0,20}\bclosing\b",
        r"\bblood everywhere\b|\bbleed\w*\s+(?:bright|red|really|so much|so bad)\b",
        r"\bblood\s+(?:coming|pouring|gushing|running|dripping)\b",
        r"\b(?:a lot of|lots of|so much|tons of|too much|heavy)\s+(?:\w+\s+)?(?:blood|bleeding)\b",
        r"\b(?:baby|babys|he|she|hes|shes|i|im|is|am|are|started|keeps|still)\s+(?:(?!not\b)\w+\s+)?bleeding\b",
        r"\bbleed\w*\s+(?:heavily|a lot|badly|everywhere|through)\b",
        r"\bbleed\w*\b.{0,40}\b(?:wont|will not|doesnt|does not|cant|not) stop\b",
        r"\bsoak\w*\s+(?:through\s+)?(?:a\s+|my\s+|the\s+)?pads?\b",
        r"\b(?:hemorrhag\w*|haemorrhag\w*)\b",
    ],
    "newborn liver": [
        rf"\b(?:yel+ow|jaundice\w*|orange)\b.{{0,60}}\b(?:not|wont|isnt|hasnt|has not|poor\w*|refus\w*|stopped|barely|wouldnt|too sleepy to)\s+{_W}{{0,2}}(?:{_FEED}|eaten|fed)",
        rf"\b(?:not|wont|isnt|hasnt|poor\w*|refus\w*|stopped|barely|wouldnt)\s+{_W}{{0,2}}{_FEED}.{{0,60}}\b(?:yellow|jaundice\w*)\b",
        r"\b(?:swollen|swelling|bloated|distended|hard|huge|tight)\s+(?:\w+\s+)?(?:belly|stomach|tummy|abdomen)\b",
        rf"\b(?:belly|stomach|tummy|abdomen)\s+{_W}{{0,4}}(?:swollen|swelling|distended|bloated|hard|tight)\b",
    ],
    "pregnancy": [
        rf"\b(?:baby|babys|she|he)\s+{_W}?(?:not|isnt|hasnt|stopped|no longer|barely|hardly)\s+{_W}?(?:moving|moved|kicking|kicked|move)\b",
        r"\b(?:less|fewer|no|reduced|decreased)\s+(?:fetal\s+|baby\s+)?(?:movement|movements|kicks|kicking|moving)\b",
        r"\b(?:moving|kicking|movements?)\s+(?:way |much |a lot |so |far )?less\b|\bnot moving as much\b",
        rf"\b(?:havent|have not|cant|can not|cannot|not|didnt|dont|do not)\s+{_W}?(?:felt|feel|feeling)\s+{_W}{{0,2}}(?:move|moving|movement|kick\w*)\b",
        rf"\b(?:severe|really bad|terrible|horrible|intense|extreme|worst|unbearable|sharp|stabbing)\s+{_W}?(?:pain|cramp\w*|headache)\b",
        r"\bstopped (?:moving|kicking)\b|\b(?:stomach|belly|tummy|chest|head) hurts so (?:bad|much)\b",
        r"\b(?:havent|have not|didnt|dont|do not|cant) (?:felt|feel) (?:the |my )?baby\b",
        r"\bmovements? (?:have |has )?(?:slowed|stopped|decreased)\b",
        r"\bpain is (?:unbearable|terrible|horrible|awful)\b|\bso much pain\b|\bpain is so bad\b|\bpain\b.{0,30}\b(?:cant|can not|cannot) (?:stand|walk|move|breathe)\b",
        r"\bwater (?:broke|broken|is leaking)\b",
    ],
    "infusion reaction": [
        rf"\b(?:throat|chest)\s+(?:is\s+|feels\s+|getting\s+)?{_W}?(?:tight|closing|tightening|heavy)\b",
        r"\bchest\s+(?:\w+\s+)?(?:pain|pains|hurts|pressure)\b|\bpain in (?:my|her|his) chest\b",
        r"\bthroat\s+(?:feels|is)\s+(?:weird|funny|strange|scratchy|thick)\b|\bhives\b",
        rf"\b(?:face|lips?|tongue|throat|eyes?|mouth)\s+(?:is\s+|are\s+|feels?\s+|getting\s+|started\s+)?{_W}?(?:swelling|swollen|puff\w*|blowing up)\b",
        rf"\b(?:swelling|swollen|puffy)\s+{_W}?(?:face|lips?|tongue|throat|eyes?|mouth)\b",
        rf"\b(?:leg|calf|calves|thigh)\s+{_W}{{0,3}}(?:swollen|swelling|painful|hurts|red)\b",
        rf"\b(?:swollen|swelling|painful)\s+{_W}?(?:leg|calf|thigh)\b",
        rf"\b(?:barely|hardly|not|havent|have not|cant|cannot|no)\s+{_W}?(?:peeing|pee|peed|urinat\w*|wet diapers?)\b",
        r"\b(?:very little|hardly any|barely any|no)\s+(?:urine|pee|wet diapers?)\b",
        r"\b(?:pee|urine)\b.{0,30}\b(?:hardly any|barely any|very little)\b",
        r"\b(?:anaphyla\w*|allergic reaction|hives all over|epipen|epi pen)\b",
        r"\bhaving a reaction\b|\breaction (?:to|during) (?:the |my )?(?:ivig|infusion)\b",
    ],
    "self-harm": [
        r"\b(?:dont|do not|no longer)\s+want\s+to\s+(?:live|be alive|be here|wake up)\b",
        r"\bwant(?:s|ed)?\s+to\s+die\b|\bkill(?:ing)?\s+myself\b|\bhurt(?:ing)?\s+myself\b",
        r"\bwanna die\b|\bend it\b|\bkeep myself safe\b|\btake all (?:my|the|of my) pills\b",
        r"\bend(?:ing)?\s+(?:my life|it all)\b|\bsuicid\w*\b|\bno reason to live\b",
        r"\b(?:took|taken|swallowed) (?:a bunch of|all my|a lot of|too many) pills\b|\boverdos\w*\b",
        # How grief says it: no plan named, but a parent who writes this needs 988 now.
        r"\b(?:whats|what is) the point (?:of|in) (?:living|life|going on|being here|anything)\b",
        r"\bno point (?:in )?(?:living|going on|being here)\b|\bcant (?:go on|keep going) (?:without|like this|anymore)\b",
        r"\bcant do this anymore\b|\bcant live without (?:him|her|them|my|our)\b",
        r"\bwant to be with (?:my|our) (?:baby|son|daughter|angel|boy|girl) again\b|\bjoin (?:my|our) (?:baby|son|daughter|angel)\b",
        r"\bbetter off without me\b|\bdont want to be here anymore\b|\bwish i (?:was|were) dead\b",
    ],
    "explicit": [
        r"\b911\b|\bambulance\b|\bparamedics?\b",
        r"\b(?:this is|its|it is|having|have|we have|got)\s+(?:an?\s+)?(?:medical\s+)?emergency\b",
        r"\bemergency\s*(?:!|please|help|now|my|with)",
        r"^(?:its an? |this is an? )?emergency[!.? ]*$",
        r"(?<!yes )(?<!yeah )(?<!ok )(?<!sure )\bplease help(?: (?:me|us))?(?: now| asap)?[!. ]*$",
        # "financial help please" or "refill help asap" ask for the pharmacy, not for 911.
        r"(?<!financial )(?<!money )(?<!copay )(?<!co pay )(?<!billing )(?<!insurance )(?<!refill )(?<!payment )"
        r"\bhelp (?:me )?(?:please|now|asap)\b|\b(?:somebody|someone) help\b(?! (?:me |us )?(?:understand|with|find|figure|get|know|pay))",
        r"\bsend help\b|\bneed help (?:right )?now\b|\bhurry\b|^urgent(?: please| help|[!.]|$)",
        r"(?<!no )(?<!not an )(?<!not a )\bemer+g+ency[!. ]*$",
        r"\b(?:urine|pee) is (?:almost )?nothing\b|\bdizzy\b.{0,25}\bcant (?:stand|walk)\b",
        r"\burgent help\b|\bits urgent\b|\burgent\b.{0,10}\bmy (?:baby|son|daughter)\b",
        r"\bhelp\b.{0,20}\b(?:my|our) (?:baby|son|daughter|newborn|wife|girl|boy)\b",
        r"\bsomething(?:s| is)? (?:really |very |seriously |terribly )?wrong with (?:my|the|our) (?:baby|son|daughter|newborn)\b",
        r"\bdying\b|\bmedical emergency\b|\bnot safe\b|\b(?:baby|son|daughter|wife) is in trouble\b",
    ],
    # Families who write in Spanish get the 911 line too, even though the bot answers in English.
    "spanish": [
        r"\bno (?:puede |puedo |est[aá] |esta )?respir\w*|\bdej[oó] de respirar\b|\bconvulsi\w*",
        r"\bemergencia\b|\binconsciente\b|\bno (?:se )?despierta\b|\bse desmay\w*",
        r"\b(?:se )?(?:puso|est[aá] poniendo|esta poniendo|est[aá]|esta) (?:azul|morad[oa]|gris)\b",
        r"\bsangr(?:a|ando|ado|e)\b|\bhemorragia\b|\bayuda\b.{0,25}\b(?:beb[eé]|hij[oa]|esposa|mam[aá])\b",
    ],
}

# Something in the message says it is happening now.
_NOW = re.compile(
    r"\b(?:now|right now|currently|today|tonight|this (?:morning|afternoon|evening)"
    r"|at the moment|hurry|asap|please help|help me|just now|just started|keeps"
    r"|(?:\w+ )?minutes? ago|an? (?:hour|few minutes) ago)\b"
    r"|\bwhat (?:do|should) (?:i|we) do\b(?! if)"
    r"|\b(?:shes|hes|theyre|she is|he is|baby is|babys|my \w+ is|my \w+ isnt|she isnt|he isnt)\b"
    r"|\b(?:im|i am) (?!a |an |the |\d|so sorry|sorry|just|wondering|curious|asking|scared|afraid|worried"
    r"|pregnant again|expecting again|trying)"
    # A new baby named beside a lost one: "our first baby had NH. the new one is yellow".
    r"|\b(?:this|the new|our new|my new|new) (?:baby|one|newborn|little one)\b|\b(?:my|our) newborns?\b"
    r"|\bborn (?:yesterday|today|last night|this week|\w+ days ago)\b|\b(?:one|newborn) is\b"
)
# Asking about warning signs in general, or imagining one.
_GENERAL = re.compile(
    r"\b(?:what|which)\s+(?:are|is|were|would|should)?\s*(?:the\s+)?(?:\w+\s+)?"
    r"(?:signs?|symptoms?|side effects?|warning|watch for|look out for|counts?|risks?)\b"
    r"|\b(?:signs?|symptoms?|side effects?) (?:of|to watch|to look)\b"
    r"|\b(?:when|how) (?:should|do|would|can|will|could) (?:i|we|you)\b"
    r"|\bwhat (?:if|does|do|is|are|should|would|will|happens)\b|\bwhy (?:did|do|does|would|is)\b"
    r"|\b(?:can|could|does|do|will|would) (?:ivig|nh|gald|babies|infusions?|it|the infusion)\b"
    r"|\bis (?:\w+\s+){0,3}(?:always|normal|common|bad|dangerous|safe|a side effect)\b"
    r"|\b(?:nightmares?|dreams?|scared that|afraid that|worried that|scared my|afraid my|worried my)\b"
)
# Remembering a past event (a loss retold is not a new emergency).
_PAST = re.compile(
    r"\b(?:died|pa+ss?ed away|pa+ss?ed on|lost (?:him|her|them|our|my|a|the)|before (?:he|she|they) (?:died|pa+ss?ed)"
    r"|stillb(?:orn|irth)|grieve|grieving|replay\w*|cant forget|close my eyes"
    r"|years? ago|last (?:year|month|week|pregnancy|time)|in (?:19|20)\d\d|first (?:baby|pregnancy)"
    r"|previous (?:baby|pregnancy)|our loss|remember|went away|at birth|fixed it|i had|we had|i was)\b"
)

# One alternation per group: a message is searched nine times, not a hundred.
_COMPILED = [(group, re.compile("|".join(f"(?:{p})" for p in patterns))) for group, patterns in SIGNS.items()]
_APOSTROPHES = re.compile(r"['\u2019`]")
_NON_WORD = re.compile(r"[^\w!?.]+")


@dataclass(frozen=True)
class NetResult:
    matched: bool
    group: str | None = None


def normalise(text: str) -> str:
    lowered = _APOSTROPHES.sub("", text.lower())
    return _NON_WORD.sub(" ", lowered).strip()


def check(text: str) -> NetResult:
    """Does this message read as an emergency happening now?"""
    normalised = normalise(text)
    for group, pattern in _COMPILED:
        if not pattern.search(normalised):
            continue
        if group == "self-harm" or _NOW.search(normalised):
            return NetResult(True, group)
        if _GENERAL.search(normalised) or _PAST.search(normalised):
            continue
        return NetResult(True, group)
    return NetResult(False)
