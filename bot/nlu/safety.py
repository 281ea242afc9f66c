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

from bot.nlu import safety_es

EMERGENCY_INTENT = "report_emergency"
# The first line said for each case (domain.yml): "Call 911 now" when a sign was named.
FIRST_LINES = {"general": "utter_emergency_general", "sign": "utter_emergency_sign",
               "newborn": "utter_emergency_newborn", "pregnancy": "utter_emergency_pregnancy",
               "infusion": "utter_emergency_infusion", "crisis": "utter_emergency_crisis"}

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
        r"\b(?:blue|gray|grey|purple|dusky|bluish|blueish|purplish|grayish)\s+(?:lips|face|skin|mouth|tongue)\b",
        r"\b(?:lips|face|skin|mouth)\s+(?:\w+\s+){0,3}(?:bluish|blueish|purplish|grayish|greyish|dusky)\b",
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
        r"\b(?:keeps?|kept|staring and|still)\s+(?:jerking|twitching|shaking)\b",
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
        r"\bwith (?:her|his|their|my) bleeding\b|\b(?:her|his|their|my) bleeding (?:after|later|tomorrow)\b",
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
        r"\bkick counts?\b.{0,40}\b(?:only|just|barely)\b|\bonly (?:got|felt|counted|had) (?:\d+|one|two|three) (?:kicks?|movements?)\b",
    ],
    "infusion reaction": [
        rf"\b(?:throat|chest)\s+(?:is\s+|feels\s+|getting\s+)?{_W}?(?:tight|closing|tightening|heavy)\b",
        r"\bchest\s+(?:\w+\s+)?(?:pain|pains|hurts|pressure)\b|\b(?:pain|pressure|tightness|heaviness) in (?:my|her|his|the) chest\b",
        r"\bthroat\s+(?:feels|is)\s+(?:weird|funny|strange|scratchy|thick)\b|\bhives\b",
        rf"\b(?:face|lips?|tongue|throat|eyes?|mouth)\s+(?:is\s+|are\s+|feels?\s+|getting\s+|started\s+)?{_W}?(?:swell(?:ing|in|en)|swollen|puff\w*|blowing up)\b",
        rf"\b(?:swell(?:ing|in|en)|swollen|puffy)\s+{_W}?(?:face|lips?|tongue|throat|eyes?|mouth)\b",
        rf"\b(?:leg|calf|calves|thigh)\s+{_W}{{0,3}}(?:swollen|swell(?:ing|in|en)|painful|hurts|red)\b",
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
        r"\bwanna die\b|\bend(?:ing)? it\b|\bkeep myself safe\b|\btake all (?:my|the|of my) pills\b|\bkms\b|\bunalive myself\b",
        r"\b(?:nobody|no one|noone) would (?:miss|notice|care)\b|\bif i (?:was|were) gone\b|\bhow (?:to|i would|i will|im going to) do it\b"
        r"|\bplanning (?:how|to do it|my)\b|\b(?:go to sleep|fall asleep) and (?:not|never) wake up\b|\bpills in my hand\b",
        r"\bend(?:ing)?\s+(?:my life|it all)\b|(?<!not )\bsuicid\w*\b|\bno reason to live\b",
        r"\b(?:took|taken|swallowed) (?:a bunch of|all my|a lot of|too many) pills\b|\boverdos\w*\b",
        # How grief says it: no plan named, but a parent who writes this needs 988 now.
        r"\b(?:whats|what is) the point (?:of|in) (?:living|life|going on|being here|anything)\b",
        r"\bno point (?:in )?(?:living|going on|being here)\b|\bcant (?:go on|keep going) (?:without|like this|anymore)\b",
        r"\bcant do this anymore\b|\bcant live without (?:him|her|them|my|our)\b",
        r"\bwant to be with (?:my|our) (?:baby|son|daughter|angel|boy|girl) again\b|\bjoin (?:my|our) (?:baby|son|daughter|angel)\b",
        r"\bbetter off without me\b|\bdont want to be here anymore\b|\bwish i (?:was|were) dead\b",
        r"\b(?:dont|do not|cant|no longer) see (?:the|any) point (?:of|in) (?:going on|living|life|anything|being here)\b|\bi have the pills\b",
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
}

# Something in the message says it is happening now.
_NOW_STRONG = re.compile(
    r"\b(?:right now|currently|at the moment|just now|just started|hurry|asap|please help|help me|keeps"
    r"|(?:someone|somebody|anyone|anybody) (?:\w+ )?help|help (?:us|her|him|my|our)"
    r"|still(?! (?:remember|think|miss|dream|cry|can|have nightmares|wonder))"
    r"|(?:\w+ )?minutes? ago|an? (?:hour|few minutes) ago|(?:for|since) (?:the (?:last|past) )?(?:\d+|a few|ten|five|two|three|an?) ?(?:min|mins|minutes|hours?|hrs?)"
    r"|since (?:last night|this morning|yesterday|an hour ago)|all (?:day|night|morning)|wont stop|will not stop)\b"
)
_NOW = re.compile(
    r"\b(?:now|today|tonight|this (?:morning|afternoon|evening))\b|\bwhat (?:do|should) (?:i|we) do\b(?! if)"
    r"|\b(?:shes|hes|theyre|she is|he is|baby is|babys|my (?:\w+ ){1,2}(?:is|isnt|are|feels|looks|hurts)|she isnt|he isnt)\b"
    r"|\b(?:it|this|that) (?:is|feels|looks|hurts)\b|\bhurts\b"
    r"|\b(?:im|i am) (?!a |an |the |\d|so sorry|sorry|just|wondering|curious|asking|scared|afraid|worried"
    r"|pregnant again|expecting again|trying|learning|exhausted|so tired|tired|dying to)"
    # A new baby named beside a lost one: "our first baby had NH. the new one is yellow".
    r"|\b(?:this|the new|our new|my new|new) (?:baby|one|newborn|little one)\b|\b(?:my|our) newborns?\b"
    r"|\bborn (?:yesterday|today|last night|this week|\w+ days ago)\b|\b(?:one|newborn) is\b"
)
# Imagining one, or saying plainly it is not happening: beats "she's ..." and "today".
_GENERAL_STRONG = re.compile(
    r"\bwhat (?:if|would happen if)\b|\b(?:if|in case|whenever) (?:my|the|our|she|he|i|we|it|her|his|baby|ever)\b"
    r"|\bhow (?:would|do|can|will) (?:i|we|you) (?:know|tell)\b|\bno emergency\b|\bnot an emergency\b|\bits not\b"
    r"|\bjust (?:learning|wondering|asking|curious)\b|\bjust want(?:ed)? to (?:know|learn|ask|be ready)\b|\bi just want a\b"
    r"|\b(?:wants?|wanted) to know (?:if|whether|what|how)\b|\bwondering (?:if|whether)\b|\bis that true\b"
    r"|\bhow (?:much|little|many|long) is too\b|\b(?:told|taught|asked) (?:me|us) to (?:watch|look) for\b"
    r"|\b(?:afraid of|scared of|worry|worried|worries|worrying)\b|\b(?:im|i am) so tired i could\b|\blol\b"
    r"|\bjust (?:checking|making sure)\b|\b(?:explain|tell me about)\b|\bwhat (?:\w+ ){0,5}(?:mean|means)\b"
    r"|\bwill (?:that|it|this) happen\b|\bhow (?:common|often|likely|rare|long)\b|\b(?:im|i am) not suicidal\b"
    r"|^(?:is|are|does|do|can|could|will|would)\s+(?!(?:she|he|my|the baby|baby|it|this|that|her|his|i|we|they|there|you|u"
    r"|possible|someone|somebody|anyone|anybody)\b)"
)
# Asking about warning signs in general.
_GENERAL = re.compile(
    r"\b(?:what|which)\s+(?:are|is|were|would|should)?\s*(?:the\s+)?(?:\w+\s+)?"
    r"(?:signs?|symptoms?|side effects?|warning|watch for|look out for|counts?|risks?)\b"
    r"|\b(?:signs?|symptoms?|side effects?) (?:of|to watch|to look)\b|\bthe (?:emergency|warning) signs\b"
    r"|\bwhat to (?:look|watch) (?:out )?for\b|\b(?:when|how) (?:should|do|would|can|will|could) (?:i|we|you)\b"
    r"|\bwhat (?:does|do|is|are|should|would|will|happens)\b|\bwhy (?:did|do|does|would|is)\b"
    r"|\b(?:can|could|does|do|will|would) (?:ivig|nh|gald|babies|infusions?|it|the infusion|every)\b"
    r"|\b(?:is|are) (?:\w+\s+){0,3}(?:always|common|bad|dangerous|safe|a side effect|a (?:common )?reaction)\b"
    r"|\bshould (?:we|i) (?:go|call)\b.{0,40}\bif\b|\b(?:scared that|afraid that|scared my|afraid my)\b"
)
# Remembering a past event (a loss retold is not a new emergency).
_PAST = re.compile(
    r"\b(?:died|pa+ss?ed away|pa+ss?ed on|lost (?:him|her|them|our|my|a|the)|before (?:he|she|they) (?:died|pa+ss?ed)"
    r"|stillb(?:orn|irth)|grieve|grieving|replay\w*|cant forget|close my eyes|at the end|the night (?:he|she|our|my)"
    r"|years? ago|last (?:year|month|week|pregnancy|time)|in (?:19|20)\d\d|first (?:baby|pregnancy)"
    r"|previous (?:baby|pregnancy)|our loss|remember|went away|at birth|when (?:he|she) was born|as a newborn"
    r"|fixed it|i had|we had|i was|he was|she was|they (?:checked|monitored|said)|airlifted)\b"
)
_DREAM = re.compile(r"\b(?:nightmares?|dream\w*|dreamt|keep (?:thinking|seeing|picturing|remembering)|cant stop thinking)\b")
# Said to be over: "she's fine now", "it went away", "all is good".
_RESOLVED = re.compile(
    r"(?<!not )(?<!isnt )(?<!arent )(?<!wont )(?<!not be )"
    r"(?:(?:is|s|are|re) (?:fine|ok|okay|good|great|healthy|strong|up) (?:now|again)|doing (?:well|great|fine|good)"
    r"|(?:has|have) been (?:fine|good|great|ok|okay|normal)"
    r"|feeding (?:well|great|fine)|went away|fixed it|all is (?:good|well|fine)|everything is fine|was negative"
    r"|pink again|(?:hes|shes) (?:a toddler|\d+) now|just gas|said (?:its|that is|thats) (?:normal|common)"
    r"|(?:monitored|checked|looked at|examined) (?:me|her|him|us|the baby)\b.{0,60}\b(?:fine|ok|okay|good|normal|healthy)"
    r"|(?:home|discharged) (?:and|now)|\b(?:went|been|were) to (?:the )?(?:er|l d|hospital|emergency room|urgent care)\b.{0,80}\b(?:fine|ok|okay|good|normal|home))\b"
)
_LOSS = re.compile(
    r"\bwould have been (?:his|her|their|our|my) (?:\w+ )?(?:birthday|due date)|\b(?:first|1st) birthday without\b"
    r"|\b(?:heavenly|angel) (?:birthday|baby|babies)\b|\bsince (?:we|i) lost\b"
    r"|\b(?:he|she|they|baby|son|daughter|boy|girl|child|twins?) (?:\w+ )?pa+ss?ed\b(?! (?:the|a|an|her|his|my) )"
    r"|\bpa+ss?ed (?:from|of)\b|\bdid(?:n'?t| not) (?:make it|survive)\b"
    r"|\b(?:died|pa+ss?ed away|pa+ss?ed on|stillb(?:orn|irth)|angel|funeral|grave"
    r"|lost (?:him|her|them|(?:our|my|a) (?:\w+ )?(?:baby|son|daughter|boy|girl|child|twins?|newborn|angel|pregnancy))"
    r"|before (?:he|she|they) (?:died|pa+ss?ed)|at the end|the night (?:he|she|our|my) \w+ (?:died|passed|stopped))\b"
)
_PREGNANCY = re.compile(r"\b(?:pregnan\w*|\d+ ?(?:weeks?|wks?)\b(?! old)|trimester|contractions?|labou?r|ob|obgyn|midwife|l ?d|kicks?|fetal)\b")
_INFUSION = re.compile(r"\b(?:infusions?|ivig|ivg|iv|drip|treatment)\b")
_BABY = re.compile(r"\b(?:baby|babys|newborn|infant|son|daughter|he|she|hes|shes|him|her|little one|weeks? old|days? old|months? old)\b")
_ENGLISH_WORDS = re.compile(
    r"\b(?:the|my|is|are|and|but|she|he|her|his|what|how|if|i|im|it|its|not|of|to|in|have|has|was|this|that"
    r"|with|you|your|can|will|do|does|did|been|just|get|got|after|she|we|our)\b")
EXPLICIT = {"explicit", "explicito"}  # "emergency", "911", "help": no warning sign named
_NEWBORN_GROUPS = {"breathing", "colour", "seizure or not waking", "bleeding", "newborn liver"}

MARKERS = {"now_strong": _NOW_STRONG, "resolved": _RESOLVED, "dream": _DREAM,
           "general_strong": _GENERAL_STRONG, "now": _NOW, "general": _GENERAL, "past": _PAST}
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


def normalise(text: str) -> str:
    lowered = _APOSTROPHES.sub("", text.lower())
    return _NON_WORD.sub(" ", lowered).strip()


def _case(group: str, text: str, spanish: bool) -> str:
    if group in {"self-harm", "autolesion"}:
        return "crisis"
    pregnancy = safety_es.PREGNANCY if spanish else _PREGNANCY
    infusion = safety_es.INFUSION if spanish else _INFUSION
    if group in {"pregnancy", "embarazo"} or (group in {"bleeding", "sangrado", "explicit", "explicito"}
                                               and pregnancy.search(text)):
        return "pregnancy"
    if group in {"infusion reaction", "reaccion a la infusion"} or infusion.search(text):
        return "infusion"
    if group in _NEWBORN_GROUPS or group in safety_es.NEWBORN_GROUPS:
        return "newborn"
    return "general"


def _happening_now(text: str, spanish: bool) -> bool:
    """A sign was named: is it happening now? Leans towards yes. In order: something
    saying it is happening now, then a plain "it is over", a dream, a "what if" or "no
    emergency", then "she's ..." or "today", then a question or a memory."""
    m = safety_es.MARKERS if spanish else MARKERS
    if m["now_strong"].search(text):
        return True
    for name in ("resolved", "dream", "general_strong"):
        if m[name].search(text):
            return False
    if m["now"].search(text):
        return True
    return not (m["general"].search(text) or m["past"].search(text))


def _in_spanish(spanish_text: str) -> bool:
    """More Spanish little words than English ones (Spanglish counts as Spanish)."""
    return len(safety_es.SPANISH_WORDS.findall(spanish_text)) > len(_ENGLISH_WORDS.findall(spanish_text))


_SAD = re.compile(r"\b(?:sad|grieving|heartbroken|depressed|struggling|not suicidal)\b")
# Words that keep a message the classifier reads as an emergency from being taken for a
# question or a memory: what someone at risk of harming themselves might say.
_CRISIS_HINTS = re.compile(r"\b(?:end(?:ing)? it|gone|pills|tonight|do it|wake up|miss me|point|anymore|no more)\b")
_QUESTION = re.compile(r"\?|\b(?:what|why|how|when|will|would|could|can|should|is|are|does|do|did)\b(?! have been)")


def grief_without_a_question(text: str) -> bool:
    """A loss told with no question in it: sympathy first, whatever else was under way."""
    return tells_a_loss(text) and not _QUESTION.search(normalise(text).replace("would have been", ""))


def tells_a_loss(text: str) -> bool:
    """Told as a loss: a baby's death, grief."""
    english = normalise(text)
    spanish_text = safety_es.sin_acentos(english)
    if _in_spanish(spanish_text):
        return bool(safety_es.LOSS.search(spanish_text))
    return bool(_LOSS.search(english) or _SAD.search(english))


def check(text: str) -> NetResult:
    """Does this message read as an emergency happening now (or name a sign at all)?
    Signs are looked for in both languages; what says "now" or "what if" is read in the
    message's own language."""
    english = normalise(text)
    spanish_text = safety_es.sin_acentos(english)
    spanish = _in_spanish(spanish_text)
    marked = spanish_text if spanish else english
    first: NetResult | None = None
    for compiled, normalised in ((_COMPILED, english), (safety_es.COMPILED, spanish_text)):
        for group, pattern in compiled:
            if not pattern.search(normalised):
                continue
            crisis = group in {"self-harm", "autolesion"}
            now = crisis or _happening_now(marked, spanish)
            loss = bool((safety_es.LOSS if spanish else _LOSS).search(marked))
            result = NetResult(now, group, group not in EXPLICIT, loss and not crisis,
                               _case(group, marked, spanish), "es" if spanish else "en")
            if now:
                return result
            first = first or result
    return first or NetResult(False)


def not_happening_now(text: str) -> bool:
    """For a message the classifier alone reads as an emergency, with no sign named:
    does it say it is a question, a dream, or over ("no emergency, just wondering...")?
    Then it is not paged. A memory alone is not enough: grief can say "I can't go on"."""
    english = normalise(text)
    spanish_text = safety_es.sin_acentos(english)
    spanish = _in_spanish(spanish_text)
    m, normalised = (safety_es.MARKERS, spanish_text) if spanish else (MARKERS, english)
    if m["now_strong"].search(normalised) or (m is MARKERS and _CRISIS_HINTS.search(normalised)
                                               and not _SAD.search(normalised)):
        return False
    return any(m[name].search(normalised) for name in ("resolved", "dream", "general_strong", "general"))


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
    r"|\bya (?:llame|llamamos|marque) al 911\b|\b(?:la )?ambulancia (?:ya )?(?:viene|esta aqui|llego)\b")
# "I haven't called 911", "has anyone called 911", "I called 911 but now she is seizing"
_NOT_YET = re.compile(r"\b(?:not|havent|hasnt|didnt|nobody|no one|noone|anyone|should i|can you|but|still|no he|nadie)\b")


def help_is_on_the_way(text: str) -> bool:
    """Only a plain "I called 911 already": anything doubtful is an emergency still."""
    plain = safety_es.sin_acentos(normalise(text))
    if not _HELP_COMING.search(plain) or _NOT_YET.search(plain):
        return False
    return not check(_HELP_COMING.sub(" ", plain)).matched
