"""The emergency net in English: the warning signs of F10 and F11 and self-harm as
parents text and say them (typos, speech-to-text); what says that one is happening now,
a question, a memory, a dream or over is in bot/nlu/tense_en.py.

Patterns read the message as safety.normalise leaves it: lower case, no apostrophes.
"""

from __future__ import annotations

import re

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
        rf"\bno (?:esta|está)\s+{_BREATH}",  # Spanglish: "no esta breathing"
        rf"\b(?:trouble|hard time|difficulty|problems?|struggling|hard|labou?red)\s+{_W}?{_BREATH}",
        rf"\b{_BREATH}\s+(?:is\s+)?(?:so |really |very |too )?(?:fast|funny|weird|strange|hard|shallow|heavy|noisy|slow)\b",
        r"\b(?:gasping|choking|grunting|wheezing|short of breath|shortness of breath|apnea)\b",
        rf"\bpauses? in (?:his|her|their|the) {_BREATH}|\bpanting\b|\blabou?red\b",
        r"\bribs (?:are )?(?:pulling|sucking) in\b|\bcant get (?:air|a breath)\b|\bairway\b.{0,25}\bclos\w*",
        r"\bcatch (?:my|her|his|their) breath\b",
    ],
    "colour": [
        r"\bdusky\b",
        r"\blabios (?:\w+ )?(?:blue|azul\w*|morad\w*|gris\w*)\b",
        r"\b(?:blue|gray|grey|purple|dusky|bluish|blueish|purplish|grayish)\s+(?:lips|face|skin|mouth|tongue)\b",
        r"\b(?:lips|face|skin|mouth)\s+(?:\w+\s+){0,3}(?:bluish|blueish|purplish|grayish|greyish|dusky)\b",
        rf"\b(?:lips|face|skin|mouth|he|she|hes|shes|baby|babys)\s+{_W}{{0,3}}(?:blue|blu|blew|gray|grey|purple|dusky)\b",
        r"\b(?:turn\w*|went|gone|going|looks?|looking)\s+(?:\w+\s+)?(?:blue|blu|blew|gray|grey|purple)\b"
        r"|\b(?:turn\w*|went|going|looks?|looking|getting)\s+(?:\w+\s+)?(?:bluish|blueish|purplish|grayish|greyish)\b",
        r"\b(?:are|is)\s+(?:so |all |really |very )?(?:blue|blu|blew|gray|grey|purple)\b",
        r"\bblue baby(?: help|[!.]|$)|\bcolou?r is (?:off|wrong|bad|strange)\b|\b(?:pale|white) and (?:limp|floppy|cold|sweaty)\b",
    ],
    "seizure or not waking": [
        r"\bseiz\w*|\bsees her\b|\bcease your\b|\bhaving an? (?:sees your|see zure|seizer|seazure|seasure)\b",
        r"\b(?:stiff|rigid) and (?:twitch\w*|jerk\w*|shak\w*)\b|\b(?:twitch\w*|jerk\w*) and (?:stiff|rigid)\b",
        r"\b(?:jerk\w*|twitch\w*|shak\w*)\b.{0,40}\b(?:eyes|one side|over and over|not respond\w*|wont stop|keeps happening)\b",
        r"\beyes\b.{0,25}\b(?:rolling|rolled|stuck|fixed) (?:back|to one side|looking)",
        r"\b(?:she|he|baby) (?:just )?flops\b|\btrying to wake (?:her|him|the baby)\b.{0,30}\b(?:min|minutes|cant|wont|flops)\b",
        r"\b(?:seizing|seizure|seizures|seize|convuls\w*|fitting)\b|\bs[ei]+[sz]+ures?\b",
        r"\bwent stiff\b|\b(?:body|arms|legs) (?:is |are |went |got )?stiff\b|\beyes (?:are |keep )?roll\w* (?:back|up)\b",
        r"\bfainting\b|\bblack(?:ing|ed)? out\b|\bfound (?:my|our|the|her|him) (?:\w+ )?on the floor\b",
        r"\beyes (?:are |keep )?rolling\b|\b(?:shaking|twitching|jerking)\b.{0,30}\b(?:wont|cant|not) stop\b",
        r"\b(?:shaking|twitching|jerking) (?:all over|uncontrollably|nonstop|non stop|constantly|and wont stop)\b"
        r"|\bhaving fits\b",
        r"\b(?:keeps?|kept|staring and|still)\s+(?:jerking|twitching|shaking)\b",
        r"\bcant get (?:her|him|them|the baby|my baby) to wake\b",
        r"\bfeel(?:ing)? (?:faint|like fainting)\b|\bheart is (?:pounding|racing)\b",
        r"\b(?:going to|gonna|about to)\s+(?:pass out|faint)\b",
        r"\bcease (?:your|yer|ur|sure)\b",  # "seizure", misheard
        # (Not "I think about not waking up": that is the parent, see self-harm.)
        rf"(?<!about )(?<!of )(?<!and )\b{_NOT}\s+{_W}?(?:wake|waking|woken|respond|responding|responsive)\b",
        r"\b(?:wont|cant|not) open (?:her|his|their|my) eyes\b",
        r"\b(?:unresponsive|floppy|limp|unconscious|passed out|fainted|collapsed|lethargic|rag ?doll)\b",
        r"\b(?:hard|impossible|difficult) to (?:wake|rouse)\b|\btoo sleepy to\b",
    ],
    "bleeding": [
        r"\b(?:wont|will not|doesnt|does not|cant) stop bleeding\b|\bblood (?:all over|everywhere)\b",
        r"\bbruis\w*\b.{0,25}\b(?:all over|popping up|everywhere)\b",
        r"\b(?:vomit\w*|threw|throw\w*|spit\w*|puk\w*|cough\w*)\s+(?:up\s+)?(?:\w+\s+){0,3}(?<!no )(?<!without )(?<!not any )blood\b",
        r"\bblood\s+(?:in|on)\s+(?:her|his|the|their|my)?\s*(?:poop|stool|diaper|vomit|spit|nappy|pee|urine)\b",
        r"\bbloody\s+(?:poop|stool|diaper|vomit|spit up|nappy)\b",
        r"\b(?:poop|stool|diaper|nappy)\s+(?:\w+\s+){0,4}(?:bloody|blood|black)\b",
        r"\bblood in (?:\w+\s+){0,2}(?:poop|stool|diaper|nappy)\b|\bblack (?:tarry )?(?:poop|stool)\b|\btarry\b",
        r"\bpregnant\b.{0,20}\bbleed\w*|\bbleed\w*\b.{0,20}\bpregnant\b|\bpassing (?:big |large )?clots\b",
        r"\bcoffee grounds?\b|\bgushing\b|\bthroat\s+(?:is\s+)?clos\w*|\bthroat\b.{0,20}\bclosing\b",
        r"\bblood everywhere\b|\bbleed\w*\s+(?:bright|red|really|so much|so bad)\b",
        r"\bblood\s+(?:keeps\s+|is\s+still\s+|still\s+)?(?:coming|pouring|gushing|running|dripping|oozing|seeping)\b",
        r"\b(?:keeps|still|wont stop|hasnt stopped)\s+(?:oozing|seeping)\b",
        r"\bgush\w* of (?:\w+ ){0,2}blood\b|\bblood\b.{0,30}\bstill (?:coming|going|flowing|pouring|running)\b",
        r"\b(?:a lot of|lots of|so much|tons of|too much|heavy)\s+(?:\w+\s+)?(?:blood|bleeding)\b",
        r"\b(?:baby|babys|he|she|hes|shes|i|im|is|am|are|started|keeps|still)\s+(?:(?!not\b)\w+\s+)?bleeding\b",
        r"\bwith (?:her|his|their|my) bleeding\b|\b(?:her|his|their|my) bleeding (?:after|later|tomorrow)\b",
        r"\bbleed\w*\s+(?:heavily|a lot|badly|everywhere|through)\b",
        r"\b(?:nose ?)?bleed\w*\b.{0,40}\b(?:wont|will not|doesnt|does not|cant|not|hasnt|has not|isnt|wouldnt) stop(?:ped|ping)?\b",
        r"\bsoak\w*\s+(?:through\s+)?(?:a\s+|my\s+|the\s+)?pads?\b",
        r"\b(?:hemorrhag\w*|haemorrhag\w*)\b",
        # Vomit the colour of blood: "threw up dark red stuff", "spit up bright red".
        r"\b(?:vomit\w*|threw up|throw\w* up|spit\w* up|puk\w*)\b.{0,25}\b(?:dark red|bright red|red stuff|maroon)\b",
    ],
    "newborn liver": [
        r"\byellow\b.{0,40}\b(?:only (?:eaten|fed|ate|nursed)|hasnt (?:eaten|fed)|not (?:eating|feeding))\b",
        r"\b(?:stomach|belly|tummy)\b.{0,20}\b(?:puffed|bloated|distended|like a balloon)\b",
        rf"\b(?:yel+ow|jaundice\w*|orange)\b.{{0,60}}\b(?:not|wont|isnt|hasnt|has not|poor\w*|refus\w*|stopped|barely|wouldnt|too sleepy to)\s+{_W}{{0,2}}(?:{_FEED}|eaten|fed)",
        rf"\b(?:not|wont|isnt|hasnt|poor\w*|refus\w*|stopped|barely|wouldnt)\s+{_W}{{0,2}}{_FEED}.{{0,60}}\b(?:yellow|jaundice\w*)\b",
        r"\b(?:swollen|swelling|bloated|distended|hard|huge|tight)\s+(?:\w+\s+)?(?:belly|stomach|tummy|abdomen)\b",
        rf"\b(?:belly|stomach|tummy|abdomen)\s+{_W}{{0,4}}(?:swollen|swelling|distended|bloated|hard|tight)\b",
    ],
    "pregnancy": [
        r"\b(?:movement|movements)\b.{0,10}\bway (?:down|less)\b|\bmove way less\b|\bbarely moved since\b",
        r"\bbleed\w*\s+(?:a ?lot|alot|heavy|heavily|so much)\b",
        r"\bscreaming in pain\b|\bon the (?:bathroom )?floor\b.{0,15}\bbleed\w*",
        rf"\b(?:baby|babys|she|he)\s+{_W}?(?:not|isnt|hasnt|stopped|no longer|barely|hardly)\s+{_W}?(?:moving|moved|kicking|kicked|move)\b",
        r"\b(?:less|fewer|no|reduced|decreased|zero|0|none|not one|not a single)\s+(?:fetal\s+|baby\s+)?(?:movement|movements|kicks?|kicking|moving)\b",
        r"\b(?:moving|kicking|movements?)\s+(?:way |much |a lot |so |far )?less\b|\bnot moving as much\b",
        rf"\b(?:havent|have not|cant|can not|cannot|not|didnt|dont|do not)\s+{_W}?(?:felt|feel|feeling)\s+{_W}{{0,2}}(?:move|moving|movement|kick\w*)\b",
        rf"\b(?:severe|really bad|terrible|horrible|intense|extreme|worst|unbearable|sharp|stabbing)\s+{_W}?(?:pain|cramp\w*|headache)\b",
        r"\bstopped (?:moving|kicking)\b|\b(?:stomach|belly|tummy|chest|head) hurts so (?:bad|much)\b",
        r"\b(?:havent|have not|didnt|dont|do not|cant) (?:felt|feel) (?:the |my )?baby\b",
        r"\bmovements? (?:have |has )?(?:slowed|stopped|decreased)\b",
        r"\bpain is (?:unbearable|terrible|horrible|awful)\b|\bso much pain\b|\bpain is so bad\b",
        # Pain that stops the body: "cramping so bad i cant stand up", "hurts too much to walk".
        r"\b(?:pain\w*|cramp\w*|hurt\w*|contraction\w*)\b.{0,30}\b(?:cant|can not|cannot|unable to|too much to) (?:stand|walk|move|breathe|get up|sit up)\b",
        r"\b(?:cramp\w*|contractions?)\s+(?:are\s+|is\s+)?(?:so|really|very)\s+(?:bad|strong|severe|painful)\b",
        # Waters breaking or fluid leaking; contractions coming close or hard (preterm labour).
        r"\b(?:my )?waters? (?:just |has |have |had )?(?:broke|broken|breaking|burst|went)\b|\bbag of waters\b",
        r"^(?!.*\b(?:car|truck|engine|radiator|roof|sink|pipe|toilet|fridge)s?\b).*"
        r"(?:\b(?:leak\w*|gush\w*|pouring|trickl\w*)\s+(?:\w+\s+){0,3}(?:fluid|water)\b|\bfluid (?:\w+ ){0,3}(?:down my legs|leaking|everywhere)\b)",
        r"\bcontractions?\b.{0,40}\b(?:every (?:few|\d+|two|three|four|five|ten) ?(?:min\w*)|(?:really|so|very) (?:bad|strong|close)|cant (?:talk|breathe))\b",
        r"\bwater (?:broke|broken|is leaking)\b",
        r"\bkick counts?\b.{0,40}\b(?:only|just|barely)\b|\bonly (?:got|felt|counted|had) (?:\d+|one|two|three) (?:kicks?|movements?)\b",
    ],
    "infusion reaction": [
        r"\bchest\b.{0,12}\b(?:hurt\w*|pain\w*|tight\w*|pressure)\b(?!.{0,30}\?)",
        r"\bswell\w* (?:in|of) (?:my|her|his) (?:face|lips|tongue|throat)\b|\beye is (?:closing|swelling) (?:up|shut)\b",
        r"\bpeed (?:maybe|only|just) once\b",
        rf"\b(?:throat|chest)\s+(?:is\s+|feels\s+|getting\s+)?{_W}?(?:tight|closing|tightening|heavy)\b",
        r"\bchest\s+(?:\w+\s+)?(?:pain|pains|hurts|pressure)\b|\b(?:pain|pressure|tightness|heaviness) in (?:my|her|his|the) chest\b",
        r"\bthroat\s+(?:feels|is)\s+(?:weird|funny|strange|scratchy|thick)\b|\bhives\b",
        r"\b(?:tongue|lips?) (?:(?:is |are )?getting |feels |is |are |got |went |looks )?(?:so |really |kind of |all |too )?"
        r"(?:thick|fat|heavy|numb|big|bigger|huge|enormous)\b",
        rf"\b(?:face|lips?|tongue|throat|eyes?|mouth)\s+(?:is\s+|are\s+|feels?\s+|getting\s+|started\s+)?{_W}?(?:swell(?:ing|in|en)|swollen|puff\w*|blowing up)\b",
        rf"\b(?:swell(?:ing|in|en)|swollen|puffy)\s+{_W}?(?:face|lips?|tongue|throat|eyes?|mouth)\b",
        r"\b(?:face|lips|tongue|throat|mouth)\s+and\s+(?:\w+\s+){1,4}(?:swell(?:ing|in|en)|swollen|puff\w*)\b",
        r"\bchest\s+(?:\w+\s+){0,2}(?:hurt|hurting|aches?|aching)\b",
        rf"\b(?:leg|calf|calves|thigh)\s+{_W}{{0,3}}(?:swollen|swell(?:ing|in|en)|painful|hurts|red)\b",
        rf"\b(?:swollen|swelling|painful)\s+{_W}?(?:leg|calf|thigh)\b",
        rf"\b(?:barely|hardly|not|havent|have not|cant|cannot|no)\s+{_W}?(?:peeing|pee|peed|urinat\w*|wet diapers?)\b",
        r"\b(?:very little|hardly any|barely any|no)\s+(?:urine|pee|wet diapers?)\b",
        r"\b(?:pee|urine)\b.{0,30}\b(?:hardly any|barely any|very little)\b",
        # "only peed a tiny bit all day", "peeing just a little since the infusion"
        r"\b(?:only|just|barely|hardly)\s+(?:\w+\s+)?(?:peed|peeing|pee|urinated|urinating)\s+(?:\w+\s+)?(?:a (?:tiny|little) (?:bit|amount)|a little|a few drops|once)\b"
        r"|\b(?:peed|peeing|urinated|urinating)\s+(?:only |just )?(?:a (?:tiny|little) (?:bit|amount)|a few drops|once)\b",
        r"\b(?:anaphyla\w*|allergic reaction|hives all over|epipen|epi pen)\b",
        # A rash or hives spreading while it is watched: "rash spreading fast during the drip".
        r"\b(?:rash|hives|welts|blotches|red bumps)\s+(?:is\s+|are\s+|keeps\s+|started\s+)?spread\w*\b"
        r"|\bspreading (?:rash|hives|welts)\b",
        r"\bhaving a reaction\b|\breaction (?:to|during) (?:the |my )?(?:ivig|infusion)\b",
    ],
    "self-harm": [
        r"\bgo be with (?:my|our|her|him)\b|\bill be with (?:my|our|her|him) \w+ soon\b|\bi have a plan\b",
        r"\b(?:i )?(?:wont|will not) be (?:here|around)(?: (?:tomorrow|anymore|much longer|for long))?"
        r"(?! (?:on|for|at|until|till|next|this|that|monday|tuesday|wednesday|thursday|friday|saturday|sunday|when|because|so|but))\b",
        r"\b(?:im|i am) (?:\w+ ){0,6}and not coming back\b",
        r"\b(?:havent|have not|dont|do not) (?:wanted|want) to be alive\b|\bcut myself\b",
        r"\b(?:dont|do not|no longer)\s+want\s+to\s+(?:live|be alive|be here|wake up)\b",
        # Wanting to join the baby who died, goodbyes said to the living.
        r"\bwant(?:s|ed)?(?: is)? to (?:be|go) where (?:she|he|they|my \w+) (?:is|are)\b"
        r"|\bwant(?:s|ed)? to (?:be|go) with (?:her|him|them|my (?:baby|son|daughter|angel|boy|girl)) (?:again|now|in heaven|up there)\b"
        r"|\b(?:join|go join) (?:her|him|them|my (?:baby|son|daughter|angel))\b(?! (?:for|at|in the) )"
        r"|\bsaid (?:my )?goodbyes? to (?:my (?:mom|mum|dad|mother|father|family|husband|wife|kids|sister|brother|friends)|everyone|everybody)\b",
        # Not waking up wished for: "I think about not waking up", "I hope I don't wake up".
        r"\b(?:think\w*|thought|wish\w*|hop\w*|pray\w*|dream\w*)\s+(?:about\s+|of\s+)?(?:just\s+)?"
        r"(?:not|never)\s+waking\s+up\b"
        r"|\b(?:wish|hope|pray)\s+(?:that\s+)?i\s+(?:wouldnt|would not|wont|will not|dont|do not|didnt|never)\s+wake\s+up\b",
        r"\bwant(?:s|ed)?\s+to\s+die\b|\bkill(?:ing)?\s+myself\b|\bhurt(?:ing)?\s+myself\b",
        # Giving one's own things away, or no more need of them: a warning sign said quietly.
        r"\b(?:wont|will not|am not going to|not gonna) (?:be )?need(?:ing)? (?:mine|my (?:things|stuff|clothes|meds)|any of (?:it|this|my))\b"
        r"|\bgiv(?:e|ing|en) away (?:all )?(?:of )?my (?:things|stuff|belongings|clothes)\b",
        r"\b(?:fastest|quickest|easiest|painless|best|surest) way to (?:die|end it|kill myself)\b|\bhow (?:do i|can i|to) kill myself\b"
        r"|\bsaying (?:goodbye|bye) to (?:everyone|everybody|all of us|the family|her friends|his friends)\b"
        r"|\bgiv(?:e|es|ing|en) (?:away )?(?:all )?(?:of )?(?:her|his|their|my) (?:things|stuff|belongings|clothes) away\b"
        r"|\bgiv(?:e|es|ing|en) away (?:all )?(?:of )?(?:her|his|their) (?:things|stuff|belongings|clothes)\b",
        r"\b(?:wont|will not) be (?:texting|writing|messaging|talking to (?:you|anyone)) (?:anymore|again|after tonight)\b",
        r"\bwanna die\b|\bend(?:ing)? it\b|\bkeep myself safe\b|\btake all (?:my|the|of my) pills\b|\bkms\b|\bunalive myself\b",
        r"\b(?:nobody|no one|noone) would (?:miss|notice|care)\b|\bif i (?:was|were) gone\b|\bhow (?:to|i would|i will|im going to) do it\b"
        r"|\bplanning (?:how|to do it|my)\b|\b(?:go to sleep|fall asleep) and (?:not|never) wake up\b|\bpills in my hand\b",
        r"\bend(?:ing)?\s+(?:my life|it all)\b|(?<!not )\bsuicid\w*\b|\bno reason to live\b",
        r"\b(?:saving|saved|stockpil\w*|hoard\w*) (?:up )?(?:my |the |all my )?(?:pills|meds|medicine|tablets)\b"
        r"|\b(?:pills|meds|tablets)\b.{0,40}\b(?:going to|gonna) take (?:them|it) all\b"
        r"|\bwant to be with (?:my|our) (?:baby|son|daughter|angel|boy|girl)\b.{0,30}\b(?:im done|i am done)\b",
        r"\b(?:no|(?:dont|do not|cant|cannot|can not) (?:see|find|think of|have) (?:a|any|one)|without (?:a|any)) (?:single |good )?"
        r"reason (?:left )?(?:for me )?to (?:go on|keep going|carry on|be here|stay|get up|live|keep living|wake up)\b|\bnothing (?:left )?to live for\b"
        # A farewell with an apology for everything: "sorry for everything. bye", "forgive me for everything".
        r"|\b(?:sorry|forgive me) for everything\b.{0,40}\b(?:good ?bye|bye|farewell)\b|\bforgive me for everything\s*[.!]*$"
        r"|\b(?:good ?bye|farewell) (?:forever|for good|everyone|everybody|world)\b"
        r"|\bthis is (?:my )?goodbye\b|\btell (?:my|our) (?:\w+ )?(?:husband|wife|kids|children|family|mom|son|daughter|partner) i love\b",
        r"\b(?:took|taken|swallowed) (?:a bunch of|all my|a lot of|too many) pills\b|\boverdos\w*\b",
        # How grief says it: no plan named, but a parent who writes this needs 988 now.
        r"\b(?:whats|what is) the point (?:of|in) (?:living|life|going on|being here|anything)\b",
        r"\bno point (?:in )?(?:living|going on|being here)\b|\bcant (?:go on|keep going) (?:without|like this|anymore)\b",
        r"\bcant do this anymore\b|\bcant live without (?:him|her|them|my|our)\b",
        r"\bwant to be with (?:my|our) (?:baby|son|daughter|angel|boy|girl) again\b|\bjoin (?:my|our) (?:baby|son|daughter|angel)\b",
        r"\bbetter off without me\b|\bdont want to be here anymore\b|\bwish i (?:was|were) dead\b",
        r"\bmy work here is done\b|\b(?:im|i am) not needed (?:here )?anymore\b|\bno one needs me (?:anymore|now)\b"
        r"|\bnobody needs me (?:anymore|now)\b",
        r"\b(?:better off|happier|easier for (?:everyone|them)) if i (?:wasnt|was not|werent|were not|wasn t) (?:around|here|alive)\b"
        r"|\bbetter off if i (?:was|were) gone\b|\b(?:everyone|everybody|they|my family) would be better off\b",
        r"\b(?:dont|do not|cant|no longer) see (?:the|any) point (?:of|in) (?:going on|living|life|anything|being here)\b|\bi have the pills\b",
        # The means at hand, said without the word: pills lined up, a rope bought, a gun
        # with me, a car running in a closed garage, standing on a bridge or a ledge.
        r"\b(?:pills|tablets|gun|pistol|rope|razor|blades?)\b.{0,30}\b(?:lined up|laid out|counted out|in my hand|in front of me|with me"
        r"|next to me|loaded|ready)\b",
        r"\b(?:bought|got|have|found)\s+(?:a |the |my \w+s )?(?:rope|gun|pistol|noose)\b",
        r"\b(?:car|engine)\b.{0,40}\b(?:garage)\b.{0,30}\b(?:running|on)\b|\bgarage\b.{0,30}\bengine (?:running|on)\b",
        r"\b(?:standing|sitting|up) on (?:the|a|this) (?:bridge|ledge|roof|edge)\b",
        r"\b(?:took|swallowed|taken)\s+(?:a (?:bunch|handful|whole bottle) of|all (?:of )?(?:my|the|her|his)|a lot of|too many|the whole bottle"
        r"|the rest of (?:my|the))\b",
        # Goodbyes and an end told: letters to everyone, "tonight is the night", "not going
        # to be around much longer", "I want it all to end", "cant keep living".
        r"\b(?:wrote|written|writing|left)\s+(?:\w+\s+){0,2}(?:letters|notes|goodbyes?)\b.{0,40}\b(?:everyone|everybody|tonight|family|kids)\b",
        r"\btonight is the night\b|\bnot (?:going to|gonna) be (?:around|here) (?:much longer|anymore|tomorrow|after tonight)\b",
        r"\bwont be (?:around|here) (?:much longer|anymore|tomorrow|after tonight)\b|\bgave away (?:all )?(?:my|our) (?:things|stuff|belongings)\b",
        r"\bwant (?:it all|everything|all of it|this all|the pain) to (?:end|stop for good)\b|\bcant keep (?:living|going on|being alive)\b",
        r"\bwant (?:it all|everything|all of it|this all) to (?:just )?stop\b",
        r"\b(?:want|wanna|wish i could|going to|gonna) (?:to )?(?:just )?(?:disappear|vanish|not exist|stop existing)\b",
        # The means said as a thought: driving into the river, off the bridge.
        r"\b(?:think\w*|thought) (?:about|of) (?:just )?(?:driving|jumping|walking|swerving|going) (?:in|into|off)\b"
        r"|\b(?:drive|driving|swerve|swerving|jump|jumping)\s+(?:\w+\s+)?(?:into|off) (?:the |a )?(?:river|lake|bridge|cliff|ocean|water|wall|tree)\b",
        # A last message for the living: "please tell my husband im sorry".
        r"\btell (?:my )?(?:husband|wife|partner|mom|mum|dad|mother|father|kids|children|family|everyone|him|her|them)"
        r" (?:that )?(?:i(?:m| am) sorry|i love (?:him|her|them|you)(?: so much)?)\s*[.!]*$",
        r"\b(?:going|gonna|about) to be with (?:my|our) (?:son|daughter|baby|angel|boy|girl) (?:tonight|soon|in heaven)\b",
        # Someone else at risk: "my mom is saying she is going to hurt herself", a goodbye
        # text and no answer since.
        r"\b(?:going to|gonna|wants to|talking about|threatening to|saying (?:she|he|they)(?:s| is| are)? going to)\s+(?:hurt|kill|harm)"
        r"\s+(?:herself|himself|themselves)\b",
        r"\b(?:texted|sent|said|wrote)\s+(?:me\s+)?(?:a\s+)?goodbye\b.{0,60}\b(?:wont|not|doesnt|isnt|stopped) (?:answer|respond|pick)\w*\b",
    ],
    "explicit": [
        r"\b911\b|\bambulance\b|\bparamedics?\b",
        r"\b(?:this is|its|it is|having|have|we have|got)\s+(?:an?\s+)?(?:medical\s+)?emergency\b",
        r"\bemergency\s*(?:!|please|help|now|my|with)",
        r"^(?:its an? |this is an? )?emergency[!.? ]*$",
        r"(?<!yes )(?<!yeah )(?<!ok )(?<!sure )\bplease help(?: (?:me|us))?(?: now| asap)?[!. ]*$",
        # "financial help please" or "refill help asap" ask for the pharmacy, not for 911.
        r"(?<!financial )(?<!money )(?<!copay )(?<!co pay )(?<!billing )(?<!insurance )(?<!refill )(?<!payment )(?<!getting )(?<!got )"
        r"\bhelp (?:me )?(?:please|now|asap)\b|\b(?:somebody|someone) help\b(?! (?:me |us )?(?:w |with |on |out with )?(?:understand|with|find|figure|get|know|pay|move|reschedule|change|book|schedule|set up|sort|the (?:copay|bill|cost|insurance|refill|paperwork|forms?)|my (?:copay|bill|insurance|refill)))",
        r"\bsend help\b|\bneed help (?:right )?now\b|\bhurry\b|^urgent(?: please| help|[!.]|$)",
        r"(?<!no )(?<!not an )(?<!not a )\bemer+g+ency[!. ]*$",
        r"\b(?:urine|pee) is (?:almost )?nothing\b|\bdizzy\b.{0,25}\bcant (?:stand|walk)\b",
        r"\burgent help\b|\bits urgent\b|\burgent\b.{0,10}\bmy (?:baby|son|daughter)\b",
        # (Not "how do I help my daughter": a grandmother asking how to support her.)
        r"(?<!how do i )(?<!how can i )(?<!how do we )(?<!how can we )(?<!how could i )(?<!how should i )(?<!to )"
        r"\bhelp\b.{0,20}\b(?:my|our) (?:baby|son|daughter|newborn|wife|girl|boy)\b",
        r"\bsomething(?:s| is)? (?:really |very |seriously |terribly )?wrong with (?:my|the|our) (?:baby|son|daughter|newborn)\b",
        r"(?<!phone is )(?<!battery is )(?<!phones )(?<!battery )(?<!plant is )(?<!plants are )(?<!flowers are )(?<!garden is )(?<!tree is )\bdying\b(?! to (?:know|see|meet|find out|hear|try|tell))|\bmedical emergency\b|\bnot safe\b|\b(?:baby|son|daughter|wife) is in trouble\b",
    ],
}

_PREGNANCY = re.compile(r"\b(?:pregnan\w*|\d+ ?(?:weeks?|wks?)\b(?! old)|trimester|contractions?|labou?r|ob|obgyn|midwife|l ?d|kicks?|fetal)\b")
_INFUSION = re.compile(r"\b(?:infusions?|ivig|ivg|iv|drip|treatment)\b")
_BABY = re.compile(r"\b(?:baby|babys|newborn|infant|son|daughter|he|she|hes|shes|him|her|little one|weeks? old|days? old|months? old)\b")
_ENGLISH_WORDS = re.compile(
    r"\b(?:the|my|is|are|and|but|she|he|her|his|what|how|if|i|im|it|its|not|of|to|in|have|has|was|this|that"
    r"|with|you|your|can|will|do|does|did|been|just|get|got|after|she|we|our)\b")
EXPLICIT = {"explicit", "explicito"}  # "emergency", "911", "help": no warning sign named
_NEWBORN_GROUPS = {"breathing", "colour", "seizure or not waking", "bleeding", "newborn liver"}
