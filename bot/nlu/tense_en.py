"""What says an English message's warning sign is happening now, imagined, asked about,
remembered, dreamt or over, and what tells a loss (bot/nlu/safety.py reads them, in the
order its `_happening_now` gives). The signs themselves are in bot/nlu/safety_en.py.

Patterns read the message as safety.normalise leaves it: lower case, no apostrophes.
"""

from __future__ import annotations

import re

# Something in the message says it is happening now.
_NOW_STRONG = re.compile(
    r"\b(?:right now|currently|at the moment|just now|just started|hurry|asap|please help|help me|keeps(?! (?:saying|asking|telling|thinking|texting|calling|worrying))"
    r"|(?:someone|somebody|anyone|anybody) (?:\w+ )?help|help (?:us|her|him|my|our)"
    r"|(?<!so )(?<!very )(?<!lay )(?<!laid )(?<!lying )(?<!was )still(?! (?:remember|think|miss|dream|cry|can|have nightmares|wonder|see|hear|picture|replay|need|have to|get them|report|call|tell|go|count|do)\b)"
    r"|(?:\w+ )?minutes? ago|an? (?:hour|few minutes) ago|(?:for|since) (?:the (?:last|past) )?(?:\d+|a few|ten|five|two|three|an?) ?(?:min|mins|minutes|hours?|hrs?)"
    r"|since (?:last night|this morning|yesterday|an hour ago)|all (?:day|night|morning)|wont stop|will not stop"
    # "just turned gray", not "just turned two" or "just turned 20 weeks"
    r"|just (?:turned|went|got|became|started|stopped|threw up|passed out|collapsed|fainted)(?!\s+(?:\d|one|two|three|four|five|six|a |an |\w+ (?:weeks?|months?|years?)\b)))\b"
)
_NOW = re.compile(
    r"\b(?:now|today|tonight|this (?:morning|afternoon|evening))\b|\bwhat (?:do|should) (?:i|we) do\b(?! if)"
    r"|\b(?:shes|hes|theyre|she is|he is|baby is|babys|my (?:\w+ ){1,3}(?:is|isnt|are|feels|looks|hurts|wont|cant|hasnt)|she isnt|he isnt)\b"
    r"|\b(?:it|this|that) (?:is|feels|looks|hurts)\b|\bhurts\b"
    r"|\b(?:im|i am) (?!a |an |the |\d|so sorry|sorry|just|wondering|curious|asking|scared|afraid|worried"
    r"|pregnant again|expecting again|trying|learning|exhausted|so tired|tired|dying to)"
    # A new baby named beside a lost one: "our first baby had NH. the new one is yellow".
    r"|\b(?:this|the new|our new|my new|new) (?:baby|one|newborn|little one)\b|\b(?:my|our) newborns?\b"
    r"|\bborn (?:yesterday|today|last night|this week|\w+ days ago)\b|\b(?:one|newborn) is\b"
    r"|\b(?:i|she|he) (?:cant|cannot|can not) (?:stand|walk|breathe|get up|move)\b"
    r"|\b(?:days?|weeks?|months?) old (?:is|isnt|has|hasnt|wont|cant|keeps|just)\b"
    r"|\b(?:its|it has|its been|been going on for|for the (?:last|past)) (?:been )?(?:\d+|a few|ten|twenty|thirty) (?:min|mins|minutes|hours?)\b"
    r"|\bsince (?:the infusion|this morning|an hour ago|last night)\b|\bjust now\b|\bright now\b|\bupdate\b"
)
# Imagining one, or saying plainly it is not happening: beats "she's ..." and "today".
_GENERAL_STRONG = re.compile(
    r"\bwhat (?:if|would happen if)\b|\b(?:if|in case|whenever) (?:my|the|our|she|he|i|we|it|her|his|baby|ever|a|an)\b"
    r"|\bruns in (?:the|my|his|her|our|their) (?:\w+ )?family\b|\bhaha\w*\b|\blmao\b|\bjust venting\b"
    r"|\bhow (?:much|often|many times) (?:should|does|do|is|are) (?:the |a |my |our )?(?:baby|babies)\b"
    r"|\bhow (?:would|do|can|will) (?:i|we|you) (?:know|tell)\b|\bno emergency\b|\bnot an emergency\b|\bits not\b"
    r"|\bjust (?:learning|wondering|asking|curious)\b|\bjust want(?:ed)? to (?:know|learn|ask|be ready)\b|\b(?:i )?want to be (?:ready|prepared)\b|\bi just want a\b"
    r"|\b(?:wants?|wanted) to know (?:if|whether|what|how)\b|\bwondering (?:if|whether)\b|\bis that true\b"
    r"|\bhow (?:much|little|many|long)\b.{0,30}\bis too (?:much|little|many|long)\b|\bin case of\b|\bjust (?:a )?nervous\b"
    r"|\b(?:read|heard|saw|seen) (?:about|of|a story|stories|online|on facebook)\b|\b(?:in|at) (?:my|our|a|the) support group\b"
    r"|\b(?:a mom|a friend|my friend|someone|somebody|a lady|another mom) (?:in \\w+ \\w+ )?(?:said|told|posted|wrote)\b|\bis (?:that|it|this) related\b"
    r"|\bhow (?:much|little|many|long) is too\b|\bhow (?P<degree>\w+) (?:is|are) too (?P=degree)\b"
    # How long a sign lasts, asked: "how soon should the rash fade after ivig".
    r"|\bhow (?:fast|quickly|soon|long) (?:should|does|do|will|would|can) (?:\w+ ){1,4}(?:go away|go down|fade|clear up|clear|last|settle|wear off|get better)\b"
    r"|(?<!probably )(?<!hopefully )(?<!maybe )(?<!prob )\b(?:nothing|not) serious\b(?!.*\bbut\b)|\b(?:told|taught|asked) (?:me|us) to (?:watch|look) for\b"
    r"|\b(?:afraid of|scared of|worry|worried|worries|worrying)\b|\b(?:im|i am) so tired i could\b|\blol\b"
    r"|\b(?:so over|sick of|tired of|fed up with)\b|\b(?:arms?|iv site|needle|sticks?)\b.{0,30}\bbruis\w*"
    r"|\bjust (?:checking|making sure)\b|\b(?:explain|tell me about)\b|\bwhat (?:\w+ ){0,5}(?:mean|means)\b"
    r"|\b(?:when|at what point) (?:exactly |do |should |would )*(?:i|we) (?:call|go|dial)\b|\b911 rule\b"
    r"|\bwhen is it (?:time )?to (?:call|go|dial)\b|\b(?:something|anything) to ask (?:the |her |his |my |our )?\w+ about\b"
    r"|\b(?:seizure|anti seizure) (?:meds?|medicines?|medications?|pills|prescriptions?|drugs)\b"
    r"|\bwhat to do (?:if|when)\b|\bdid (?:his|her|their|the|my|our) (?:\w+ ){0,2}mean\b"
    r"|\bwill (?:that|it|this) happen\b|\bhow (?:common|often|likely|rare|long)\b|\b(?:im|i am) not suicidal\b"
    r"|^(?:is|are|does|do|can|could|will|would)\s+(?!(?:she|he|my|the baby|baby|it|this|that|her|his|i|we|they|there|you|u"
    r"|possible|someone|somebody|anyone|anybody)\b)"
)
# Asking about warning signs in general.
_GENERAL = re.compile(
    r"\b(?:what|which)\s+(?:are|is|were|would|should)?\s*(?:the\s+)?(?:\w+\s+)?"
    r"(?:signs?|symptoms?|side effects?|warning|watch for|look out for|counts?|risks?)\b"
    r"|\b(?:signs?|symptoms?|side effects?) (?:of|to watch|to look)\b|\b(?:a |the )?normal side effects?\b|\bthe (?:emergency|warning) signs\b"
    r"|\bwhat to (?:look|watch) (?:out )?for\b|\b(?:anything|something|things|stuff) (?:i|we) (?:should|need to|have to) (?:look|watch) (?:out )?for\b|\b(?:when|how) (?:should|do|would|can|will|could) (?:i|we|you)\b"
    r"|\bwhat (?:does|do|is|are|should|would|will|happens)\b|\bwhy (?:did|do|does|would|is)\b"
    r"|\b(?:can|could|does|do|will|would) (?:ivig|nh|gald|babies|infusions?|it|the infusion|every)\b"
    r"|\b(?:is|are) (?:\w+\s+){0,3}(?:always|common|(?<!so )(?<!really )(?<!very )(?<!too )bad|dangerous|safe|a side effect|a (?:common )?reaction|a (?:warning )?sign)\b"
    r"|\bshould (?:we|i) (?:go|call)\b.{0,40}\bif\b|\b(?:scared that|afraid that|scared my|afraid my)\b"
)
# Remembering a past event (a loss retold is not a new emergency).
_PAST = re.compile(
    r"\b(?:died|pa+ss?ed away|pa+ss?ed on|lost (?:him|her|them|our|my|a|the)|before (?:he|she|they) (?:died|pa+ss?ed)"
    r"|stillb(?:orn|irth)|grieve|grieving|replay\w*|cant forget|close my eyes|at the end|the night (?:he|she|they|our|my)|(?:at|by) (?:his|her|their) grave"
    r"|years? ago|back then|last (?:year|month|week|pregnancy|time|infusion|dose|treatment)|in (?:19|20)\d\d|first (?:baby|pregnancy)"
    r"|previous (?:baby|pregnancy)|our loss|remember|went away|at birth|when (?:he|she) was born|as a newborn"
    r"|fixed it|i had|we had|i was|he was|she was|they (?:checked|monitored|said)|airlifted"
    r"|when (?:my|our) (?:\w+ )?(?:daughter|son|baby|boy|girl) was born|thats how they (?:found|knew|diagnosed)"
    r"|(?:my|our|her|his) (?:sister|mom|mother|friend|cousin|aunt|wife|sister in law) had|(?:\w+ )?(?:pregnancies|babies) ago)\b"
)
_DREAM = re.compile(
    r"\b(?:nightmares?|dream\w*|dreamt|keep (?:thinking|seeing|picturing|remembering)|cant stop thinking"
    r"|(?:in|on) (?:a|the|this) (?:movie|film|show|tv show|episode|video|book)|on tv"
    r"|(?:watched|watching|saw|seen|read|reading) (?:a|an|this|that|the) (?:movie|film|show|tv show|episode|video|book"
    r"|documentary|story|post|article)|breath ?taking|took (?:my|our) breath away"
    r"|(?:shed|hed|theyd|she would|he would|they would) (?:be|have been|turn) (?:\w+ )?(?:today|this week|this month|now)"
    r"|cant breathe without (?:her|him|them|my|our)|grief (?:hits|gets|knocks|takes) (?:me|us))\b"
)
# About an animal or a thing, with no person named anywhere in the message: for a vet
# or a mechanic, not 911. It comes before everything that says "now".
_NOT_A_PERSON = re.compile(
    r"^(?!.*\b(?:baby|babys|newborn|infant|son|daughter|wife|husband|kid|child|pregnan\w*|me|my body|i(?! (?:do|should|think|guess|wonder|know|dont know)\b)|im|ive"
    r"|my (?:throat|lips|face|chest|tongue|skin|eyes|mouth|head|belly|stomach|legs?|arms?|heart)|nurse|mom|dad)\b)"
    r".*\b(?:my|our|the) (?:dog|puppy|cat|kitten|fish|goldfish|hamster|bird|parrot|rabbit|bunny|horse|pet|car|truck|van)\b"
)
# Said to be over: "she's fine now", "it went away", "all is good".
_RESOLVED = re.compile(
    r"(?<!not )(?<!isnt )(?<!arent )(?<!wont )(?<!not be )"
    r"(?:(?:is|s|are|re) (?:fine|ok|okay|good|great|healthy|strong|up|normal|back to normal) (?:now|again)|doing (?:well|great|fine|good)"
    r"|(?:has|have|shes|hes|theyve|ive|weve) been (?:fine|good|great|ok|okay|normal|healthy)(?! until)"
    r"|(?:im|i am|i feel|feeling|she feels|he feels) (?:fine|ok|okay|good|better|great) now|(?:now|and) stable|(?:is|s) stable"
    r"|(?:laughing|playing|smiling|nursing|feeding|eating) (?:and (?:\w+ )?\w+ )?(?:now|again|normally)"
    r"|(?:checked|tested|rechecked) (?:his|her|their|my) (?:levels|bloodwork|labs|numbers|bilirubin)\b.{0,40}\b(?:fine|ok|okay|good|normal)"
    r"|(?:er|doctor|dr|they|nurse|pediatrician|ob) (?:checked|looked at|examined) (?:it|that)\b.{0,40}\b(?:fine|ok|okay|good|normal)"
    r"|(?:pediatrician|doctor|dr|nurse|midwife|ob) (?:says|told (?:me|us)) (?:its|that is|thats|it is)? ?(?:normal|fine|ok|okay|common)"
    r"|(?:dentist|doctor|dr|er|pediatrician|ob|nurse|they) (?:took care of|treated|handled) (?:it|that|them)"
    r"|(?:ob|doctor|dr|midwife|pediatrician|nurse) (?:already )?(?:saw|checked|examined) (?:me|her|him|us|the baby)"
    r"|(?:monitoring|ultrasound|scan|heartbeat|nst) (?:was|looked|came back) (?:\w+ )?(?:perfect|fine|good|normal|great)"
    r"|(?:feeding|eating|breathing|sleeping|moving|kicking|pooping|peeing) (?:well|great|fine|good|normally|a ton|lots)|all (?:good|fine|ok|okay) now"
    r"|kicked (?:a ton|a lot|lots|again)|went away|fixed it|all is (?:good|well|fine)|everything (?:is|s) (?:fine|ok|okay|good|alright)"
    r"|everything (?:checked out|was (?:fine|ok|okay|normal|good))|(?:hes|shes|theyre) (?:\w+ )?(?:playing|eating|laughing|running around|running) and (?:fine|ok|okay|happy)"
    r"|(?<!not )(?<!no )(?<!im not )(?:just|only) (?:kidding|joking)|was (?:just )?(?:a )?joke|was negative"
    # Told as over, at the very end: "... the doctor said it was from my nipple, she's fine".
    r"|(?:shes|hes|she is|he is|theyre|they are|(?:the )?baby is|babys|both are) (?:fine|ok|okay|alright|all right|good)(?: now)?\s*[.!]*$"
    r"|(?:they|the doctors|the nurses|the nicu) saved (?:her|him|them)\b(?!.*\b(?:but|now)\b)"
    r"|pink again|(?:hes|shes|he is|she is) (?:a toddler|\d+|two|three|four|five|six)(?: years old| yrs old)? now"
    r"|(?:hes|shes|he is|she is) (?:\d+|two|three|four|five|six)(?: years old| yrs old)?(?: now)? and (?:fine|healthy|doing (?:great|well|fine)|thriving)|just gas|said (?:its|that is|thats) (?:normal|common)"
    r"|(?:it all|everything|it) went (?:fine|well|ok|okay|smoothly)|went (?:back )?down|then it passed|it passed"
    r"|pinked (?:right |back )?up|(?:pediatrician|doctor|dr|nurse|midwife|ob) said (?:\w+ )?(?:normal|fine|ok|okay)"
    r"|that was (?:in )?(?:19|20)\d\d|that was (?:\w+ ){0,2}(?:years?|months?) ago"
    r"|cleared up|(?:is|s|are|re) (?:thriving|stable now|running everywhere)|now (?:hes|shes|theyre) (?:thriving|\d+)"
    r"|(?:monitored|checked|looked at|examined) (?:me|her|him|us|the baby)\b.{0,60}\b(?:fine|ok|okay|good|normal|healthy)"
    r"|(?:(?<!at )home|discharged) (?:and (?:fine|ok|okay|well|doing)|now)|\b(?:went|been|were) to (?:the )?(?:er|l d|hospital|emergency room|urgent care)\b.{0,80}\b(?:fine|ok|okay|good|normal|perfect|great|home))\b"
)
_LOSS = re.compile(
    r"\bwould have been (?:his|her|their|our|my) (?:\w+ ){0,2}(?:birthday|due date)|\b(?:first|1st) birthday without\b"
    r"|\b(?:heavenly|angel) (?:birthday|baby|babies)\b|\bsince (?:we|i) lost\b"
    r"|\b(?:he|she|they|baby|son|daughter|boy|girl|child|twins?) (?:\w+ )?pa+ss?ed\b(?! (?:the|a|an|her|his|my) )"
    r"|\bpa+ss?ed (?:from|of)\b|\bdid(?:n'?t| not) (?:make it|survive)\b"
    r"|\b(?:died|pa+ss?ed away|pa+ss?ed on|stillb(?:orn|irth)|angel|funeral|grave"
    r"|lost (?:him|her|them|(?:our|my|a) (?:\w+ )?(?:baby|son|daughter|boy|girl|child|twins?|newborn|angel|pregnancy))"
    r"|before (?:he|she|they) (?:died|pa+ss?ed)|at the end|the night (?:he|she|our|my) \w+ (?:died|passed|stopped)"
    r"|never (?:got to )?(?:come|came) home|didnt (?:get to )?come home)\b"
)

# "I'm not suicidal, I just miss her", "I used to think about ending things, I have a
# therapist now": harm denied or over, said plainly (any other crisis word still counts).
_DENIES_HARM = re.compile(
    r"\b(?:im|i am) not (?:suicidal|going to (?:hurt|kill) myself|gonna (?:hurt|kill) myself)\b"
    r"|\bi (?:would|will) never (?:hurt|kill) myself\b"
    r"|\b(?:years?|months?) ago i (?:tried|wanted|thought about) (?:to )?(?:hurt|kill|end)\w*\b(?=.*\b(?:good place|better now|doing well|therap\w*|counsel\w*)\b)"
    r"|\bused to (?:think|thought) (?:about|of) (?:ending (?:it|things|my life)|killing myself|suicide|not being here)\b"
    r"(?=.*\b(?:therap\w*|counsel\w*|doing better|better now|getting help)\b)"
    # Told as past and helped: "I wanted to die after we lost him, but my therapist has helped a lot".
    r"|\b(?:felt like i|i) wanted to die\b(?=.*\b(?:therap\w*|counsel\w*)\b.{0,20}\b(?:has|have) (?:\w+ )?help\w*)"
    r"|\b(?:felt like i|i) wanted to die\b(?=.*\b(?:(?:im|i am) getting help|got help|behind me|(?:im|i am) (?:doing )?better now|in a (?:good|better) place)\b)"
    # Long ago, and over: "two years ago i swallowed a handful of pills, i'm in a good place now".
    r"|\b(?:years?|months?|a long time) ago,? i (?:took|swallowed|tried|wanted|thought about|attempted)\b[\w ]{0,40}?"
    r"\b(?:pills|to die|killing myself|ending it|suicide)\b(?=.*\b(?:behind me|past me|better now|doing (?:well|better)"
    r"|in a (?:good|better) place|therap\w*|counsel\w*|got help|getting help)\b)"
    # A question answered no: "my doctor asked if i had thoughts of hurting myself, i said no".
    r"|\basked (?:me )?(?:if|whether) i (?:\w+ ){0,4}(?:hurt\w*|kill\w*|harm\w*|suicid\w*|end\w*)(?: myself| it| my life)?\b.{0,20}\bi said no\b")

# Plainly over, whatever time words come with it ("went away an hour ago"), unless
# something says it is back.
_OVER = re.compile(r"^(?!.*\b(?:but|again|still(?! (?:report|call|tell|need|have to|go|count|get|do)\b)|came back|worse)\b).*\b(?:went away|are gone now|is gone now|cleared up"
                   r"|breathing fine|looked fine|false alarm|(?:it|that|the (?:bleeding|spotting|cramping|pain|swelling|rash|hives)) stopped"
                   r"|(?:im|she is|shes|hes|he is) (?:not|no longer) (?:bleeding|spotting) (?:now|anymore)|(?:just|only) a bruise"
                   r"|(?:bloodwork|labs?|tests?|results?|numbers) (?:looks?|came back|are|is|were|was) (?:\w+ )?(?:good|fine|normal|ok|okay))\b")

MARKERS = {"over": _OVER, "denies_harm": _DENIES_HARM, "not_a_person": _NOT_A_PERSON, "now_strong": _NOW_STRONG, "resolved": _RESOLVED, "dream": _DREAM,
           "general_strong": _GENERAL_STRONG, "now": _NOW, "general": _GENERAL, "past": _PAST}
