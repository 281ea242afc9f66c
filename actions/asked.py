"""What a message asks, read from its wording and the answer just given, where the
classifier's topic or answer is not what was asked (judged rounds 9 to 13): "how often?"
after an infusion told of, "should I ask for the higher one?" after a dose, records wanted
by a hospital, when results come, a sign told as over, an older child's risk, a member ID
offered by text, the article's "survival up 80%".

`asked_in_context` is read first by actions/thread.py (`context_answer`), so by every
answer whatever the intent, and by the condolences for a question told with a loss. Each
pattern is narrow on purpose (a question of blame must be asked, "what tests" needs a baby
or a sibling named): a rule that fires on the wrong message answers it with the wrong text.
Answers that are not retrieval answers are `utter_<name>` responses in domain.yml."""

from __future__ import annotations

import re

from actions.signs_asked import A_BABY, AFTER_INFUSION, IVIG_TALK, signs_asked
from bot.nlu.whose import told_as_past

RECORDS_ANSWER = "records_request"  # utter_records_request: not a retrieval answer
RESULTS_TIMING = "results_timing"  # utter_results_timing: when test results come
SIDE_EFFECT_HAD = "ask_ivig_treatment/side_effect_had"  # what happens after each infusion: tell the care team
COPAY_DONT_STOP = "copay_dont_stop"  # utter_copay_dont_stop: a bill, and "do I have to stop?"
COMMERCIAL_PLAN = "copay_commercial"  # utter_copay_commercial: a plan through work named
SIGN_RESOLVED = "sign_resolved"  # utter_sign_resolved: a sign told as over, nothing asked
IN_THE_BODY = "ivig_in_the_body"  # utter_ivig_in_the_body: how long IVIG stays (no fact: a person)
NO_IDS = "no_ids_by_text"  # utter_no_ids_by_text: member IDs are not sent by text (rule 7)
ARTICLE_SURVIVAL = "article_survival"  # utter_article_survival: the source article's unsupported 80%
OLDER_CHILD = "older_child"  # utter_older_child: NH begins before birth; a child's doctor for the rest

HOW_OFTEN = re.compile(r"\bhow (?:often|many times)\b|\bcada (?:cuanto|cuando)\b"
                       r"|\bwhen (?:is|s) (?:the|my) next (?:one|infusion|dose)\b"
                       r"|\bcuando (?:es|me toca) la (?:siguiente|proxima)\b")
SIDE_WORDS = re.compile(r"\b(?:side effects?|headaches?|reactions?|rash|fever|hives|nausea|chills|dolor\w*|reaccion\w*"
                        r"|efectos?|fiebre|happen(?:s)? (?:to|after))\b")
# Another dose than the one given: "should I ask for the higher one?", "¿le pido la más alta?"
OTHER_DOSE = re.compile(r"\b(?:higher|lower|bigger|smaller|larger) (?:one|dose|amount|number)\b"
                        r"|\bthe (?:higher|lower|bigger)\b"
                        r"|\b(?:more|less) (?:grams|ivig)\b|\b(?:la|una) (?:dosis )?mas (?:alta|baja)\b"
                        r"|\b(?:mas|menos) (?:gramos|dosis)\b")
# Records wanted from us: "can the delivery nurse get my history from you?"
RECORDS = re.compile(r"\b(?:records?|history|historial|registros?|expediente)\b.{0,30}\b(?:from (?:you|the pharmacy)"
                     r"|de (?:ustedes|la farmacia))\b"
                     r"|\b(?:send|fax|get|share|pass|mandar|mandan|enviar|envian|pasar|pasan)\w* (?:\w+ ){0,4}"
                     r"(?:records?|(?:my|her|our) (?:infusion |treatment )?history|historial|registros|expediente)\b")
# "¿y eso evita que el bebé lo tenga?": whether IVIG prevents it (F5: lowers, does not remove).
PREVENTS = re.compile(r"\b(?:evita|evitar|previene|prevenir|impide|impedir)\b")
# "cuándo me dan los resultados?": the hospital's, not ours to read (rule 3).
RESULTS_WHEN = re.compile(r"\bcuando (?:me |nos |le )?(?:dan|daran|van a dar|llegan|salen|estan|tendran)"
                          r" (?:\w+ )?resultados\b"
                          r"|\bwhen (?:do|will|would|can|should) (?:we|i) (?:get|hear|know|see) (?:\w+ ){0,2}results\b"
                          r"|\bwhen (?:are|will|do|should) (?:the |his |her |their )?(?:\w+ )?results (?:be |come )?"
                          r"(?:back|ready|in|out)\b")
# A plan through work named at the copay answer: "she has blue cross through work".
COMMERCIAL = re.compile(r"\b(?:through|from|thru) (?:my |her |his |our )?(?:work|job|employer|husbands job)\b"
                        r"|\b(?:blue cross|blue shield|bcbs|aetna|cigna|united ?health\w*|humana|kaiser|anthem)\b"
                        r"|\bseguro (?:del|de mi|de su) (?:trabajo|empleo)\b|\bpor (?:el|mi|su) trabajo\b")
SIGN_UP = re.compile(r"\b(?:sign (?:up|her up|me up)|enroll\w*|get (?:her|me|us) signed|inscrib\w*"
                     r"|registrar(?:me|la|nos))\b")
# Another father named for the mother who had the affected pregnancy: the risk follows her.
OTHER_FATHER = re.compile(r"\b(?:with|con) (?:someone|somebody|some1) else\b"
                          r"|\b(?:with|con) (?:another|a new|a different|otro) "
                          r"(?:man|guy|partner|husband|boyfriend|hombre|esposo|novio)\b|\bcon otra pareja\b")
# A sign told as over, nothing asked: "estuvo amarillo la semana pasada pero ya está bien".
SIGN_WORDS = re.compile(r"\b(?:yellow|jaundice\w*|amarill\w*|ictericia|seizures?|convulsion\w*|blue|azul\w*"
                        r"|bleeding|sangr\w*)\b")
OVER_NOW = re.compile(r"\b(?:(?:ya|ahora) (?:esta|se ve) bien|ya se le quito"
                      r"|(?:is|s) (?:fine|ok|okay|good|better) now"
                      r"|(?:shes|hes) (?:fine|ok|okay|doing (?:well|great|fine)) now|all better)\b")
# "¿qué puede hacer ella?" after the chance it comes back: the next steps (F9).
WHAT_TO_DO = re.compile(r"\bque (?:puede|podemos|puedo|debe|deberia|tiene que) hacer\b(?! (?:por|para))"
                        r"|\bwhat (?:can|should|could) (?:she|we|i|they) do\b|\bwhat do (?:we|i|they) do now\b")
# Tests named: "analisis", "bloodwork", "check the baby", "le van a hacer" (actions/thread.py reads it too).
TESTS = re.compile(r"\b(?:analisis|pruebas|examenes|estudios|tests?|testing|bloodwork|blood work|labs"
                   r"|sacar(?:le)? sangre"
                   r"|check (?:her|him|the baby)|checked|checking|liver numbers|levels|le (?:hacen|van a hacer))\b")
# Home from the NICU, tests asked about: the newborn's blood tests (F8), not NICU care.
HOME_FROM_NICU = re.compile(r"\b(?:home from|left|out of|discharged from|came home from) (?:the )?nicu\b"
                            r"|\b(?:salimos|salio|nos dieron de alta) de (?:la )?(?:ucin|uci|terapia intensiva)\b")
# "can I start it now to be safe?" at 8 weeks: protocols start at 14 weeks, the team decides.
START_EARLY = re.compile(r"\b(?:start|begin)\w* (?:it |ivig |the ivig |treatment |the infusions )?"
                         r"(?:now|early|earlier|sooner|right away|before 14)\b"
                         r"|\b(?:empezar|comenzar|empiezo|comienzo)(?:la|lo)? (?:ya|antes|desde ahora|ahorita)\b")
# A loss and the fear of trying again: whether to try again (F4/F5), not the iron.
SCARED_TO_TRY = re.compile(r"\b(?:scared|afraid|terrified|nervous|miedo|temor)\b.{0,25}"
                           r"\b(?:try(?:ing)? again|another (?:baby|pregnancy)|get(?:ting)? pregnant again"
                           r"|embarazarme (?:otra vez|de nuevo)|intentarlo (?:otra vez|de nuevo)|otro bebe)\b")
# Which tests a newborn needs after a sibling's NH: the blood tests soon after birth (F8).
WHAT_TESTS = re.compile(r"^(?=.*\b(?:baby|babys|newborn|born|sibling|brother|sister|bebe|recien nacid\w*|nazca|nacer"
                        r"|hermano|hermana|hermanito|hermanita)\b)"
                        r".*(?:\b(?:que|cuales) (?:analisis|pruebas|estudios)\b"
                        r"|\bwhat (?:tests|bloodwork|labs|blood tests)\b)")
INFUSION_WORDS = re.compile(r"\b(?:ivig|infusions?|treatments?|i (?:get|have) (?:it|them|one)|drip|tratamiento"
                            r"|me la ponen)\b")
# "how long does IVIG stay in the body?": nh-facts has no such fact; said so, and a person.
STAYS = re.compile(r"\bhow long (?:does|do|will|would) (?:ivig|it|the ivig|the antibodies|the immune globulin)"
                   r" (?:stay|remain)\b(?! (?:in the fridge|out|good|at room))"
                   r"|\b(?:stay|stays|last|lasts|remain|remains) in (?:my|the|your|her) (?:body|system|blood)\b"
                   r"|\bcuanto (?:tiempo )?(?:dura|se queda|permanece) (?:la ivig )?en (?:el|mi|su)"
                   r" (?:cuerpo|sistema|sangre)\b")
# Already on IVIG, asking what else to do: the delivery team and the baby's tests (F8).
ON_IVIG = re.compile(r"\b(?:on|getting|doing|receiving|having) (?:weekly |my |the |her )?(?:ivig|infusions)\b"
                     r"|\b(?:estoy|voy|sigo) (?:con|en|recibiendo) (?:la )?(?:ivig|infusiones)\b")
WHAT_ELSE = re.compile(r"\bwhat else\b|\banything else (?:i|we) (?:should|need|can)\b"
                       r"|\bque mas (?:debo|tengo que|puedo)\b")
# "when would she have to start?": the schedule (F6), not the signs.
START_WHEN = re.compile(r"\bwhen (?:would|does|do|should|will|can|could) (?:she|i|we|my wife|my daughter|they)"
                        r" (?:have to |need to |get to )?(?:start|begin)\b"
                        r"|\bcuando (?:empieza|empezaria|comienza|comenzaria|debe empezar|tiene que empezar)\b")
# "how long does that usually take", asked about the copay team's help: the approval time.
HOW_LONG = re.compile(r"\bhow long (?:does|will|would|do) (?:that|it|this|they)"
                      r" (?:usually |normally |typically )?take\b"
                      r"|\bcuanto (?:tiempo )?(?:tarda|tardan|se tarda|demora|se demoran)\b")
# Identifiers offered by text: "do you need her member id? i can text it".
IDS = re.compile(r"\b(?:member|insurance|policy|medicaid|subscriber) (?:id|number|#)\b|\bsocial security\b|\bssn\b"
                 r"|\bnumero de (?:miembro|poliza|seguro social|afiliad[oa])\b")
# "ok how do I reach the copay people": a ticket for the copay team, not the cost again.
REACH_COPAY = re.compile(r"\bhow (?:do|can|would) (?:i|we) (?:reach|contact|get (?:a )?hold of|talk to"
                         r"|speak (?:to|with)|call)"
                         r" (?:the |your |a )?copay\b|\b(?:connect|put) (?:me|us) (?:with|through to|in touch with)"
                         r" (?:the |your )?copay\b|\bcomo (?:me comunico|nos comunicamos|contacto|hablo|puedo hablar)"
                         r" con (?:el )?(?:equipo de )?(?:los )?copagos?\b")
# The delivery hospital or the baby's tests after birth (F8), in either language.
AFTER_BIRTH_ASKED = re.compile(
    r"\b(?:hospital|equipo) (?:donde|en (?:el )?que) (?:voy a dar a luz|va a nacer|nacera|me aliviare)\b"
    r"|\b(?:van a|le van a|le tienen que|le haran|le hacen) (?:hacer )?(?:pruebas|analisis|estudios)\b"
    r"|\b(?:do|will|would|should|are) (?:they|the doctors|the hospital|the nicu|the pediatrician|you)"
    r"(?: going to| gonna)? (?:test|check|screen|look at|examine)"
    r" (?:him|her|them|the baby|my baby|our baby|the newborn)\b"
    r"|\bwhat happens (?:when|after|once) (?:the baby|he|she|baby|our baby) (?:comes|is born|arrives|gets here)\b"
    # What the delivery team should know (F8): "does the hospital need to know anything from us?"
    r"|\b(?:does|do|should) (?:the hospital|the delivery team|labor and delivery|l and d|the birth team|the nicu)"
    r" (?:need to |have to )?know\b"
    r"|\bwhat (?:does|should|do) (?:the hospital|the delivery team|l and d) (?:need to )?know\b"
    r"|\b(?:el hospital|el equipo del parto|los doctores del parto) (?:tiene|tienen|necesita|necesitan|debe|deben)"
    r" (?:que )?saber\b|\bque pasa cuando nazca\b|\ble van a (?:revisar|checar)\b"
    r"|\b(?:tell|let|inform) (?:the )?(?:hospital|delivery team|labor and delivery|l and d)\b.{0,30}"
    r"\b(?:deliver|delivery|give birth|labor|born|birth)\b")
IF_IT_FAILS = re.compile(r"\b(?:what if|and if|if)\b (?:the |my )?(?:ivig|it|treatment|infusions?|this|that)\b"
                         r".{0,15}\b(?:doesnt|does not|dont|didnt) (?:work|help)\b"
                         r"|\b(?:y si|que pasa si|si) no (?:funciona|sirve)\b")
# "and if the tests come back bad, what do they do?": the newborn's treatment (F7).
BAD_RESULTS = re.compile(
    r"\b(?:tests?|results?|labs|bloodwork|levels|numbers|analisis|pruebas|resultados)\b.{0,25}"
    r"\b(?:bad|abnormal|not good|off|mal|malos|anormales)\b.{0,40}\b(?:what (?:do|will|would) (?:they|you|we) do"
    r"|then what|what happens|what now|que (?:le )?hacen|que pasa|que sigue)\b")
# "if he's born fine, no more danger, right?": IVIG lowers the risk, does not remove it (F5, F8).
BORN_FINE = re.compile(r"\b(?:si|if) (?:sale|nace|is born|comes out|hes born|shes born|he is born|she is born)"
                       r" (?:bien|fine|healthy|ok|okay|sano|sana)\b")
# A reaction told as past, with the next infusion coming: tell the care team (side_effect_had).
REACTION = re.compile(r"\b(?:swell\w*|swollen|hives|rash|headaches?|fever|chills|vomit\w*|hinch\w*|ronchas"
                      r"|dolor de cabeza|fiebre)\b")
# "is my other daughter, she's 5, at risk?": NH begins before birth (F1).
OLDER_CHILD_RISK = re.compile(
    r"^(?=.*\b(?:daughter|son|kid|child|toddler|boy|girl|hija|hijo|nena|nene|nino|nina)\b)"
    r"(?=.*\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten) (?:years?|yrs?|anos)\b)"
    r"(?=.*\b(?:at risk|en riesgo|get it|get nh|tenerla|le puede dar|le va a dar)\b)")
# "so our older one is safe?": the older child, NH beginning before birth (F1).
OLDER_ONE_SAFE = re.compile(r"\b(?:older|other|oldest|big) (?:one|child|kid|kids|children|son|daughter|brother"
                            r"|sister)\b"
                            r".{0,25}\b(?:safe|at risk|ok|okay|fine)\b"
                            r"|\b(?:el|la) (?:mayor|grande)\b.{0,25}\b(?:a salvo|en riesgo|corre riesgo|bien)\b")
# "does that usually work?" about the exchange transfusion: the outcome figures (F7).
WORKS = re.compile(r"\b(?:does|do|will|did|would) (?:that|it|this|they|the transfusion) (?:usually |normally |always )?"
                   r"work\b|\b(?:funciona|sirve|da resultado)\b")
EXCHANGE = re.compile(r"\bexchange transfus\w*|\bexanguino\w*|\brecambio\b")
# "she keeps saying she did something wrong, did she?": F2, whoever asks.
BLAME = re.compile(r"\b(?:(?:was|is) it (?:my|her|his|our|their|my \w+s) fault|(?:did|do|could) (?:i|she|we|my \w+)"
                   r" (?:have )?(?:do (?:something|anything) wrong|cause[ds]? (?:it|this|nh))"
                   r"|did (?:something|anything) wrong\b.{0,20}\bdid (?:she|i|we)"
                   r"|(?:is|was) (?:this|it) (?:my|her) doing|fue (?:mi|su|nuestra) culpa|es culpa (?:mia|suya|de)"
                   r"|(?:tengo|tiene|tuvo|tuve) (?:yo |ella )?la culpa"
                   r"|(?:yo |ella )?(?:hice|hizo) algo mal)\b")
SOMEONE_ELSES = re.compile(r"\b(?:she|her|his|sisters?|daughters?|friends?|wifes?|moms?|mothers?|girlfriends?"
                           r"|ella|hermana|hija|amiga|esposa|nuera|cunada|mama|madre|novia|prima|de ella)\b")
# The source article's "survival increased by 80%": no source, and it conflicts with F7.
SURVIVAL_80 = re.compile(r"\b(?:survival|surviv\w*|sobreviv\w*)\b.{0,40}\b80 ?(?:%|percent|por ciento)"
                         r"|\b80 ?(?:%|percent|por ciento)\b.{0,40}\b(?:survival|surviv\w*|sobreviv\w*)\b")
# "how many baby ok with ivg": the treated pregnancies' figures (F5), or a sick newborn's (F7).
HOW_MANY_OK = re.compile(r"\bhow many (?:babies|baby|babys|pregnancies)\b.{0,20}\b(?:ok|okay|fine|healthy|well|good"
                         r"|survive\w*|make it|born healthy)\b"
                         r"|\bcuant[oa]s (?:bebes|bebe|embarazos)\b.{0,20}\b(?:salen bien|sanos|bien|sobreviven)\b")
# "it work 100%?": IVIG lowers the risk, does not remove it (F5).
FOR_SURE = re.compile(r"\b(?:work|works|funciona)\b.{0,12}(?:\b100\b|\bfor sure\b|\balways\b|\bsiempre\b|\bseguro\b)")
# A sick newborn's answers (F7): what wording.py and this module read as "the NICU talked of".
NEWBORN_ANSWERS = frozenset({"ask_ivig_treatment/newborn_treatment", "ask_ivig_treatment/newborn_outcome",
                             "ask_ivig_treatment/exchange_transfusion", "ask_ivig_treatment/transplant"})
MEDICAL = ("ask_recurrence_risk/", "ask_what_is_nh/", "ask_ivig_treatment/")


# "could a diet or iron pills lower the risk?": iron is not the cause; food and vitamins are the care team's.
DIET = re.compile(r"\b(?:diet|eat (?:differently|better|healthy|healthier|less|more)|what i eat|foods?|iron pills?"
                  r"|vitamins?|supplements?|dieta|comer (?:diferente|mejor|sano)|lo que como|hierro|vitaminas)\b")
STOP_IT = re.compile(r"\b(?:have to|going to|gonna|should i|need to|will i|tendre que|voy a tener que|tengo que)\b"
                     r".{0,12}\b(?:stop|quit|dejar\w*|parar\w*|suspender\w*)\b"
                     r"|\b(?:stop|quit) (?:the |my )?(?:ivig|infusions?|treatment)\b")
MONEY_WORDS = re.compile(r"\b(?:afford|bill|copay|co pay|cost\w*|pay|money|pagar|cuenta|dinero|copago)\b")
# How an infusion leaves her, told: nh-facts has nothing on tiredness, so her care team hears of it.
WORN_OUT = re.compile(r"\b(?:tired|exhausted|wiped out|drained|worn out|achy|fatigued?|run down|cansad\w*|agotad\w*"
                      r"|sin energia)\b")
OWN_WAY = re.compile(r"\b(?:lower|reduce|prevent|avoid|so it doesnt|bajar|reducir|evitar|prevenir)\b")


def asked_in_context(plain: str, talked_of: str) -> str | None:
    """The answer the wording and the answer just given call for, or None."""
    if DIET.search(plain) and OWN_WAY.search(plain):
        return "ask_what_is_nh/iron"
    if STOP_IT.search(plain) and (MONEY_WORDS.search(plain) or talked_of.startswith("ask_copay_help/")
                                  or talked_of in {COMMERCIAL_PLAN, COPAY_DONT_STOP}):
        return COPAY_DONT_STOP  # "is there any help or do I just have to stop": never stop for a bill
    signs = signs_asked(plain, talked_of)
    if signs:
        return signs
    if WORN_OUT.search(plain) and INFUSION_WORDS.search(plain) and not A_BABY.search(plain):
        return SIDE_EFFECT_HAD  # "so tired after each one": tell the care team (no fact on it)
    if SURVIVAL_80.search(plain):
        return ARTICLE_SURVIVAL
    if HOW_MANY_OK.search(plain):
        newborn = talked_of in NEWBORN_ANSWERS
        return "ask_ivig_treatment/newborn_outcome" if newborn else "ask_ivig_treatment/effectiveness"
    if FOR_SURE.search(plain) and not talked_of.startswith("ask_copay_help/"):
        return "ask_ivig_treatment/prevents"
    if RECORDS.search(plain):
        return RECORDS_ANSWER
    if STAYS.search(plain):
        return IN_THE_BODY
    if OLDER_CHILD_RISK.search(plain) or OLDER_ONE_SAFE.search(plain):
        return OLDER_CHILD
    if WORKS.search(plain) and (EXCHANGE.search(plain) or talked_of in {
            "ask_ivig_treatment/exchange_transfusion", "ask_ivig_treatment/newborn_treatment"}):
        return "ask_ivig_treatment/newborn_outcome"
    if BLAME.search(plain):
        return "ask_what_is_nh/blame_other" if SOMEONE_ELSES.search(plain) else "ask_what_is_nh/blame"
    if IDS.search(plain):
        return NO_IDS
    if IF_IT_FAILS.search(plain) and talked_of not in NEWBORN_ANSWERS:
        return "ask_ivig_treatment/prevents"  # "what if it doesnt work?": lowers, not removes; the baby is tested
    if BAD_RESULTS.search(plain):
        return "ask_ivig_treatment/newborn_treatment"
    if AFTER_BIRTH_ASKED.search(plain):
        return "ask_ivig_treatment/after_birth"
    if BORN_FINE.search(plain):
        return "ask_ivig_treatment/prevents"
    if REACTION.search(plain) and AFTER_INFUSION.search(plain) and told_as_past(plain) and "?" not in plain:
        return SIDE_EFFECT_HAD  # "last month my face swelled after it; next one is monday"
    if START_WHEN.search(plain):
        return "ask_ivig_treatment/schedule"
    if HOW_LONG.search(plain) and (talked_of.startswith("ask_copay_help/") or talked_of == COMMERCIAL_PLAN):
        return "ask_copay_help/approval_time"
    if how_often(plain) and len(plain.split()) <= 6 and (talked_of in IVIG_TALK or talked_of.startswith(
            "ask_ivig_treatment/sched")):
        return "ask_ivig_treatment/schedule"  # "y cada cuánto es?" after when it starts
    if ON_IVIG.search(plain) and WHAT_ELSE.search(plain):
        return "ask_ivig_treatment/after_birth"
    if SCARED_TO_TRY.search(plain):
        return "ask_recurrence_risk/trying_again"
    if WHAT_TESTS.search(plain) and not RESULTS_WHEN.search(plain):
        return "ask_ivig_treatment/after_birth"
    if how_often(plain) and INFUSION_WORDS.search(plain):
        return "ask_ivig_treatment/schedule"  # "how often do I get it after 18 weeks", under any topic
    if HOME_FROM_NICU.search(plain) and TESTS.search(plain):
        return "ask_ivig_treatment/after_birth"
    if START_EARLY.search(plain) and not SIDE_WORDS.search(plain):
        return "ask_ivig_treatment/schedule"
    if RESULTS_WHEN.search(plain):
        return RESULTS_TIMING
    if SIGN_WORDS.search(plain) and OVER_NOW.search(plain) and "?" not in plain:
        return SIGN_RESOLVED
    copay = talked_of.startswith("ask_copay_help/") or talked_of == COMMERCIAL_PLAN
    if copay and SIGN_UP.search(plain):
        return "ask_copay_help/apply_for_me"
    if copay and COMMERCIAL.search(plain) and len(plain.split()) <= 12:
        return COMMERCIAL_PLAN
    if talked_of.startswith(("ask_recurrence_risk/", "ask_what_is_nh/not_genetic")) and OTHER_FATHER.search(plain):
        return "ask_recurrence_risk/partner"
    if talked_of.startswith("ask_ivig_treatment/dose") and OTHER_DOSE.search(plain):
        return "ask_ivig_treatment/dose"  # the care team decides (safety rule 2)
    if (WHAT_TO_DO.search(plain) and talked_of.startswith(("ask_recurrence_risk/", "ask_what_is_nh/"))
            and len(plain.split()) <= 8):
        return "ask_recurrence_risk/next_steps"
    if PREVENTS.search(plain) and talked_of.startswith(MEDICAL):
        return "ask_ivig_treatment/prevents"
    if talked_of in NEWBORN_ANSWERS and IVIG_NAMED.search(plain) and not PREGNANT.search(plain):
        return "ask_ivig_treatment/newborn_treatment"  # "y luego le ponen ivig, verdad?" about the baby in the NICU
    baby_given_it = IN_THE_NICU.search(plain) and INFUSION_WORDS.search(plain)
    if baby_given_it and not (PREGNANT.search(plain) or HERS.search(plain)):
        return "ask_ivig_treatment/newborn_treatment"  # the baby is the one given IVIG (F7), not the mother
    return None


IN_THE_NICU = re.compile(r"\b(?:nicu|ucin|terapia intensiva|cuidados intensivos|incubadora)\b")
PREGNANT = re.compile(r"\b(?:pregnan\w*|embaraz\w*)\b")
IVIG_NAMED = re.compile(r"\b(?:ivig|inmunoglobulina)\b")
# The mother's own IVIG: "even though I had the IVIG", "aunque me pusieron la IVIG".
HERS = re.compile(r"\b(?:i|me) (?:had|got|was on|did|received|finished)\b|\bmy (?:ivig|infusions?)\b"
                  r"|\b(?:tuve|recibi|me pusieron|me dieron|mis infusiones)\b")


WORKS_OR_FAILS = re.compile(r"\b(?:work|works|worked|succeed\w*|fail\w*|funciona|falla)\b")


def how_often(plain: str) -> bool:
    """How often infusions come, not how often a side effect does."""
    return bool(HOW_OFTEN.search(plain)) and not SIDE_WORDS.search(plain) and not WORKS_OR_FAILS.search(plain)
