"""What the conversation so far calls for: a short message read in the light of what was
just said or done (a refill made, a birth told, the copay answer given, a dose discussed),
whatever intent the classifier read. actions/wording.py asks it first."""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions.asked import TESTS, asked_in_context
from actions.reading import IVIG_PLAN, MEDICAID, MEDICAID_ANSWER, TOPIC, asks_when_it_comes
from bot.nlu.safety_es import sin_acentos

CAP = re.compile(r"\b(?:cap|capped|max|maximum|limit|ceiling|tope|maximo|limite|tops? out|stops? at)\b|\bthe most\b"
                 r"|\blo mas que\b|\beven if (?:im|i am|shes|she is|you are|youre) (?:bigger|heavier|big|heavy)\b"
                 r"|\bno matter (?:how much|my weight|the weight)\b|\baunque pese\b")
# Good news told after a birth.
BORN = re.compile(r"\b(?:born|birth|delivered|had the baby|nacio|naci\w*|di a luz|tuve (?:a )?(?:mi|la|el) beb\w*"
                  r"|(?:baby|girl|boy|son|daughter|one) (?:is|came|arrived) (?:here|early|home)|(?:hes"
                  r"|shes) (?:finally )?here"
                  r"|ya llego (?:mi|la|el) beb\w*)\b")
# Deliveries stopped: "ya no voy a necesitar las cajas que faltan", "stop sending the boxes".
CANCEL_DELIVERIES = re.compile(
    r"\b(?:cancel\w*|stop (?:sending|shipping|the)|no (?:me )?manden|ya no (?:voy a )?necesit\w*|dont need|do not need"
    r"|no longer need)\b.{0,40}\b(?:deliver\w*|shipments?|boxes|box|orders?|cajas?|envios?|entregas?|pedidos?)\b")
CANCEL_DELIVERY = "request_refill/cancel_delivery"
GLAD = "glad_it_went_well"  # utter_glad_it_went_well: not a retrieval answer
HOLIDAY_HOURS = "holiday_hours"  # utter_holiday_hours: BUSINESS_HOURS has no holidays, so it says so
HOLIDAY = re.compile(r"\b(?:christmas|xmas|new years?|thanksgiving|easter|holidays?|fourth of july|july 4th|labor day"
                     r"|memorial day|navidad|nochebuena|ano nuevo|dias? festivos?|feriados?)\b")
OPEN_ASKED = re.compile(r"\b(?:open|closed|close|hours|working|abren|abiertos?|cierran|cerrad[oa]s?|horario|trabajan"
                        r"|atienden)\b")
# "so even with him it's the same chance?", "is there anything that lowers it?": after the odds.
SAME_CHANCE = re.compile(r"\b(?:same|still the same|also the same|as high a|different) (?:chance|risk|odds)\b"
                         r"|\b(?:el mismo|igual de alto el|mismo) (?:riesgo|chance|porcentaje)\b")
WITH_HIM = re.compile(r"\bwith (?:him|this one|my new|the new|a new|a different|another)\b"
                      r"|\bcon (?:el|mi nuevo|otro|mi nueva pareja)\b")
LOWERS = re.compile(r"\b(?:lower|lowers|lowering|reduce|reduces|decrease|bring down|cut)\b.{0,15}"
                    r"\b(?:it|risk|chance|chances|odds|that)\b"
                    r"|\b(?:baja|bajar|reducir|reduce|disminuir|disminuye)\b.{0,15}\b(?:riesgo|probabilidad|chance)\b")
# A baby born and well, told as news: "she's 3 weeks old and perfect", "ya tiene 2 meses y está sanita".
BORN_WELL = re.compile(r"\b(?:\d+|one|two|three|four|a few) (?:days?|weeks?|wks?|months?) old\b.{0,30}"
                       r"\b(?:healthy|perfect|doing (?:great|well|good|so well)|thriving)\b"
                       r"|\b(?:nacio|tiene \d+ (?:dias|semanas|meses))\b.{0,30}"
                       r"\b(?:san[oa]|sanit[oa]|perfect[oa]|muy bien)\b")


def _said_before(tracker: Tracker, pattern: re.Pattern[str]) -> bool:
    """Did one of the patient's last few messages before this one say it?"""
    said = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    return any(pattern.search(sin_acentos(text.lower())) for text in said[-6:-1])



# An order named, or a refill just made: "when does it normally get here" is its delivery.
ORDER = re.compile(r"\b(?:deliver\w*|ship\w*|package|box|boxes|order|refill|pedido|caja|cajas|envio|entrega"
                   r"|medicina)\b")
DELIVERY_DAYS = "request_refill/delivery_days"


# After a birth: "¿le tienen que hacer análisis?" is the tests a baby has after birth (F8).
SCAN = re.compile(r"\b(?:scan|ultrasound|anatomy|checkup|check up|ecografia|ultrasonido|sonograma|chequeo)\b")
AFTER_BIRTH = "ask_ivig_treatment/after_birth"
# "they're checking his liver numbers, even though I did the IVIG": the tests after birth.
IVIG_DONE = re.compile(r"\b(?:even (?:tho|though|if) i (?:did|had|got)|after (?:all )?(?:the |my )?|despite (?:the )?"
                       r"|aunque (?:me )?(?:puse|hice|recibi)) ?(?:the |la |el )?ivig\b")
TELL_PEDIATRICIAN = re.compile(r"\b(?:tell|say to|mention to|ask)\b.{0,25}\b(?:pediatrician|peds|baby'?s doctor"
                               r"|pediatra)\b")
# At the copay answers: "¿y si me lo niegan?" is a denial.
DENIED = re.compile(r"\b(?:niega\w*|nieg\w*|nega\w*|deny|denies|denied|declin\w*|say no|says no|rechaz\w*"
                    r"|turn(?:s|ed)? (?:me |us )?down|no me aprueb\w*|not approved)\b")
DENIAL = "ask_copay_help/insurance_denied"
FOUNDATIONS = re.compile(r"\b(?:foundations?|fundacion\w*|charit\w*|non ?profits?)\b")
APPROVAL = re.compile(r"\b(?:how long|when|cuanto tarda|en cuanto tiempo|cuando)\b.{0,40}\b(?:approv\w*"
                      r"|aprob\w*|aprueb\w*"
                      r"|hear back|decide|respuesta)\b")
# A short follow-up on the chance it comes back: "and with it?", "y sin tratamiento?"
WITH_TREATMENT = re.compile(r"^(?:(?:and|so|but|ok|y|pero) )*(?:with|con) (?:it|ivig|treatment|the ivig|el ivig|la ivig"
                            r"|tratamiento|el tratamiento|eso)\W*$")
WITHOUT_TREATMENT = re.compile(r"^(?:(?:and|so|but|ok|y|pero) )*(?:without|sin) (?:it|ivig|treatment|the ivig|el ivig"
                               r"|la ivig|tratamiento|el tratamiento|eso)\W*$")
RECURRENCE = {"ask_recurrence_risk/chance", "ask_recurrence_risk/with_treatment", "ask_recurrence_risk/each_pregnancy",
              "ask_recurrence_risk/partner", "ask_recurrence_risk/trying_again", "ask_ivig_treatment/effectiveness"}
# "every single week?" after the dose: the schedule.
WEEKLY = re.compile(r"\b(?:every|each|a|per|once a) (?:single )?week\b|\bweekly\b|\bcada semana\b"
                    r"|\btodas las semanas\b")
# "my doctor wrote 70g, is she wrong?": a dose checked against the protocol (rule 2).
DOSE_CHECKED = re.compile(r"\b(?:wrong|right|correct|too (?:much|high|low|little)|mistake|esta mal|esta bien|correcta"
                          r"|demasiado|equivoc\w*)\b")
# "¿cuánto voy a pagar esta vez?": the cost, never "not necessarily".
HOW_MUCH = re.compile(r"\b(?:cuanto (?:voy a pagar|pago|cuesta|me cuesta|me toca pagar|me van a cobrar)"
                      r"|how much (?:will|do|does|would) (?:i|it|we) (?:pay|cost|owe))\b")
# "el ivig se pone en la vena, verdad?": how it is given (its name says so).
IN_A_VEIN = re.compile(r"\b(?:en la vena|por la vena|por vena|in(?:to)? (?:the|a|my) vein|through (?:a"
                       r"|the) vein|by iv|an iv)\b")
# Good results told: shared, not read as a diagnosis asked for.
GOOD_RESULTS = re.compile(r"\b(?:good news|great news|buenas noticias|salieron bien|came back (?:good|normal"
                          r"|fine|great)"
                          r"|(?:look|looks|looked|are|were) (?:good|normal|great|perfect))\b")
# After a birth, or a past NH pregnancy: "y después?", "with him is it ok?", "otra vez?"
AFTER_THAT = re.compile(r"^(?:(?:y|and|so) )?(?:despues|and after|after that|then what|and then(?: what)?|y luego|y ya"
                        r"|y luego que|what happens next|what next)\W*$")
DOCTOR_ENOUGH = re.compile(r"\b(?:ob|obgyn|gyn|ginecolog\w*|doctor|doctora|clinica|clinic|midwife|partera)\b.{0,40}"
                           r"\b(?:esta bien|is (?:that|it|he|she) (?:ok|okay|enough|fine)|enough|suficiente|sirve)\b")
NEXT_PREGNANCY = re.compile(r"\b(?:si me vuelvo a embarazar|otro embarazo|next pregnancy|if i get pregnant again"
                            r"|next time i get pregnant|en el proximo embarazo)\b")
IVIG_AGAIN = re.compile(r"\b(?:ivig|infusion\w*|tratamiento|treatment|suero)\b")
CHANCE = re.compile(r"\b(?:chance\w*|risk|odds|likely|probabilidad|riesgo|volver a pasar|happen again|come back)\b")
APPLY = re.compile(r"\b(?:apply|application|aplicar|solicitar|for me|por mi)\b")
EVEN_IF_FINE = re.compile(r"\b(?:aunque (?:este|esta|el|ella|mi bebe|mi hija|mi hijo|la bebe|el bebe) (?:salio"
                          r"|esta|nacio) bien|even (?:though|tho"
                          r"|if) (?:this one"
                          r"|he|she|the baby) (?:was|is|came out) (?:fine|healthy|ok|okay))\b")
# "what can I say to her so she's calmer?": how to help someone.
HELP_HER = re.compile(r"\b(?:que le (?:puedo )?(?:digo|decir)|what (?:can|do|should) i (?:say|tell)(?: to)? (?:her|him)"
                      r"|how (?:can|do) i (?:help|calm|comfort) (?:her|him)|como la (?:calmo|ayudo|tranquilizo)"
                      r"|para que (?:este|se sienta) (?:mas )?tranquila)\b")
NOT_THERE = re.compile(r"\b(?:(?:still )?not (?:there|here)|hasnt (?:come|arrived|shown up)|doesnt (?:come|arrive|show)"
                       r"|no (?:ha )?llega\w*|no llegue|no aparece)\b")
IF = re.compile(r"\b(?:if|si|what if|y si|que hago si|in case)\b")  # "what if it's still not there thursday"
# "does it even make a difference?": how well IVIG works (F5).
DIFFERENCE = re.compile(r"\b(?:(?:does|will|would) (?:it|this|ivig|the ivig|any of (?:it|this)) (?:even "
                        r"|really |actually )?"
                        r"(?:make a difference|matter|help|work)|(?:sirve|ayuda) de algo|vale la pena"
                        r"|hace diferencia)\b")
# "doctors think it's NH, what does that even mean": what NH is, not a diagnosis asked for.
WHAT_IT_MEANS = re.compile(r"\bwhat (?:does|do) (?:that|it|this|nh|they) (?:even |actually )?mean\b"
                           r"|\bque (?:significa|quiere decir)"
                           r"|\bwhat even is (?:that|it|nh)\b")
# "then what damages the liver?": the cause (GALD, F2).
WHAT_HARMS = re.compile(r"\bwhat (?:damages|hurts|harms|attacks|causes|injures) (?:the |his |her |my baby'?s? )?liver\b"
                        r"|\bque (?:le )?(?:dana|lastima|ataca) (?:el|al) higado\b")
NURSE_VISIT = re.compile(r"\bnurse (?:still )?(?:come|comes|coming|visit\w*|show)|\benfermera (?:todavia "
                         r"|aun )?(?:viene|va a venir|vendra)\b")
# "what if it's her egg but I carry": who carries, a surrogacy question (no facts: an MFM specialist).
CARRIES = re.compile(r"\b(?:i carry|carries|carrying|gestational|surrogate|yo lo llevo|lo cargo yo"
                     r"|vientre de alquiler)\b"
                     r"|\b(?:egg|eggs|ovulo|ovulos)\b.{0,30}\b(?:carry|carries|carrying|llevo|cargo)\b")
# "what happens if she doesn't take it": the chance without treatment (F4).
WITHOUT_IT = re.compile(r"\bif (?:she|i|we|you|my wife) (?:doesnt|dont|does not|do not|decides? not to"
                        r"|refuse\w*|skip\w*)"
                        r" (?:take |get |do |have )?(?:it|ivig|the ivig|treatment)\b|\bsi no (?:se |me )?(?:lo |la )?"
                        r"(?:pone|pongo|recibe|recibo)\b")
BELIEFS = re.compile(r"\b(?:religio\w*|faith|beliefs?|jehovah\w*|creencias|mi fe|nuestra fe)\b.{0,50}"
                     r"\b(?:blood|sangre|plasma|products?|productos?|ivig)\b|\bblood products?\b.{0,50}"
                     r"\b(?:religio\w*|faith|beliefs?|cant|can not|cannot)\b")
HOURS_ASKED = re.compile(r"\b(?:a que hora|what time|when do you|horario|hours)\b.{0,30}"
                         r"\b(?:abren|empiezan|atienden|cierran|open|close|start)\b")
EMAIL = re.compile(r"\b(?:e ?mail|correo(?: electronico)?)\b")
GRAMS = re.compile(r"\b\d+ ?(?:g|grams?|gramos?)\b")
# "1 g/kg or 1 mg/kg, which is right?": the unit is the question, whoever wrote the figure.
UNITS_COMPARED = re.compile(r"\bmg\b|milligram|miligramo")
# How to store what came: "la caja va al refrigerador?"
STORING = re.compile(r"\b(?:fridge|refrigerat\w*|refrigerador|refri\w*|nevera|room temp\w*|store it|storing|storage"
                     r"|guard(?:o|ar|arla|arlo))\b")
# Not home when it comes: a delivery matter for a specialist.
NOT_HOME = re.compile(r"\b(?:not|wont be|nobody|no one|noone|no voy a estar|no estoy|no estare|nadie) (?:\w+ )?"
                      r"(?:home|en (?:la )?casa)\b")
LEFTOVER = re.compile(r"\b(?:left ?over|left in|extra (?:boxes|vials|tubing|supplies|bags)|unused|sharps"
                      r"|sobraron|me quedan"
                      r"|me quedaron|devolver|mail (?:it |them )?back|send (?:it |them )?back)\b")
LEFTOVER_SUPPLIES = "request_refill/leftover_supplies"
# "she only speaks Spanish": someone at home reads Spanish.
SPEAKS_SPANISH = re.compile(r"\b(?:only|just) speaks? spanish\b|\bsolo habla (?:espanol|spanish)\b|\bno habla ingles\b")
SPANISH_FOR_SOMEONE = "spanish_for_someone"  # utter_spanish_for_someone: not a retrieval answer
# Someone else blames herself: "she keeps saying she should've known", "¿cómo le explico a mi suegra?"
BLAMES_HERSELF = re.compile(
    r"\b(?:she|he|my (?:sister|wife|daughter|mom)|mi (?:hermana|esposa|hija|mama)|ella)\b.{0,30}"
    r"\b(?:should ?ve known|should have known|blames? (?:herself|himself)|her fault|se culpa|fue su culpa"
    r"|tiene la culpa)\b"
    r"|\b(?:how do i explain|how to explain|como le explico|como explicarle|que le digo)\b.{0,30}\b(?:her|him"
    r"|suegra|mama|ella)\b")
BLAME_OTHER = "ask_what_is_nh/blame_other"
# A relative's history, then "should I still mention it to my own OB?"
MY_OWN_DOCTOR = re.compile(r"\b(?:tell|mention|bring (?:it )?up|decirle|contarle|mencionar\w*|le digo"
                           r"|le cuento)\b.{0,30}"
                           r"\b(?:ob|obgyn|doctor|doctora|obstetra|ginecolog\w*|midwife|partera)\b")
RELATIVES = {"ask_recurrence_risk/relatives", "ask_what_is_nh/not_genetic", "ask_what_is_nh/cause"}


def context_answer(text: str, tracker: Tracker) -> str | None:
    """The answer the conversation so far and the wording call for, whatever the intent
    (a delivery asked about after a refill, tests after a birth); None if none."""
    plain = sin_acentos(text.lower())
    talked_of = str(tracker.get_slot(TOPIC) or "")
    worded = asked_in_context(plain, talked_of)
    if worded:
        return worded
    if asks_when_it_comes(text) and (ORDER.search(plain) or tracker.get_slot("refill_reference")
                                     or talked_of.startswith("request_refill/")):
        return DELIVERY_DAYS
    if CANCEL_DELIVERIES.search(plain):
        return CANCEL_DELIVERY
    if SAME_CHANCE.search(plain) and WITH_HIM.search(plain):
        return "ask_recurrence_risk/partner"  # the risk follows the mother, whoever the father
    if LOWERS.search(plain) and (talked_of.startswith(("ask_recurrence_risk/", "ask_what_is_nh/"))
                                 or talked_of == "partner_again"):  # after "the same holds for donor sperm"
        return "ask_recurrence_risk/with_treatment"  # IVIG in pregnancy, and by how much
    if (talked_of.startswith("ask_ivig_treatment/dose") or talked_of in IVIG_PLAN) and CAP.search(plain):
        return "ask_ivig_treatment/dose_cap"  # "hold on so it stops at some number even if im bigger?"
    born = talked_of in {"ask_ivig_treatment/baby_born", GLAD, AFTER_BIRTH} or _said_before(tracker, BORN)
    if (TESTS.search(plain) and (born or IVIG_DONE.search(plain))) or (born and TELL_PEDIATRICIAN.search(plain)):
        return AFTER_BIRTH
    if WITHOUT_IT.search(plain) and talked_of not in {"ask_ivig_treatment/newborn_treatment",
                                                       "ask_ivig_treatment/exchange_transfusion"}:
        return "ask_recurrence_risk/chance"  # "what happens if she doesn't take it"
    if BELIEFS.search(plain):
        return "ask_ivig_treatment/alternatives"  # "we can't take blood products because of our faith"
    copay = (talked_of.startswith("ask_copay_help/") or tracker.get_slot("handoff_reason") == "copay help"
             or (tracker.latest_message.get("intent") or {}).get("name") == "ask_copay_help")
    if copay:
        followed = talked_of.startswith("ask_copay_help/")  # an answer given: a short follow-up to it
        for pattern, key, asked in ((DENIED, DENIAL, True), (MEDICAID, MEDICAID_ANSWER, True),
                                    (FOUNDATIONS, "ask_copay_help/foundations", followed and not APPLY.search(plain)),
                                    (APPROVAL, "ask_copay_help/approval_time", followed)):
            if asked and pattern.search(plain):  # "es que estoy con medi-cal", "what kind of foundation"
                return key
    if talked_of in RECURRENCE and WITH_TREATMENT.match(plain):
        return "ask_recurrence_risk/with_treatment"
    if talked_of in RECURRENCE and WITHOUT_TREATMENT.match(plain):
        return "ask_recurrence_risk/chance"
    if talked_of in IVIG_PLAN and WEEKLY.search(plain) and len(plain.split()) <= 6:
        return "ask_ivig_treatment/schedule"
    if DOSE_CHECKED.search(plain) and (talked_of.startswith("ask_ivig_treatment/dose") or GRAMS.search(plain)):
        return "ask_ivig_treatment/dose_unit" if UNITS_COMPARED.search(plain) else "ask_ivig_treatment/dose_check"
    if talked_of in RELATIVES and MY_OWN_DOCTOR.search(plain):
        return "ask_recurrence_risk/tell_your_doctor"
    if WHAT_IT_MEANS.search(plain) and re.search(r"\b(?:nh|gald|hn|hemochromatosis|hemocromatosis)\b", plain):
        return "ask_what_is_nh/definition"
    if WHAT_HARMS.search(plain):
        return "ask_what_is_nh/cause"
    if DIFFERENCE.search(plain) and talked_of in IVIG_PLAN | {"ask_ivig_treatment/side_effect_had"}:
        return "ask_ivig_treatment/effectiveness"
    if talked_of in {"ask_ivig_treatment/exchange_transfusion", "ask_ivig_treatment/transplant"} and (
            AFTER_THAT.match(plain)):
        return "ask_ivig_treatment/newborn_treatment"
    if talked_of.startswith("ask_recurrence_risk/") and CARRIES.search(plain):
        return "ask_recurrence_risk/surrogacy"
    if NURSE_VISIT.search(plain):
        return "request_refill/home_nurse"
    if "?" not in plain and ((GOOD_RESULTS.search(plain) and (TESTS.search(plain) or SCAN.search(plain)))
                             or BORN_WELL.search(plain)):
        return GLAD  # "buenas noticias!! le salieron bien los análisis", "3 weeks old and perfect"
    if HOLIDAY.search(plain) and OPEN_ASKED.search(plain):
        return HOLIDAY_HOURS  # "are you open christmas eve?": the week's hours would read as yes
    if HOW_MUCH.search(plain):
        return "ask_copay_help/cost_amount"
    if IN_A_VEIN.search(plain):
        return "ask_ivig_treatment/name"
    if talked_of == "ask_ivig_treatment/schedule" and AFTER_THAT.match(plain):
        return AFTER_BIRTH
    if (NEXT_PREGNANCY.search(plain) and IVIG_AGAIN.search(plain) and not CHANCE.search(plain)) or (
            talked_of.startswith("ask_recurrence_risk/") and EVEN_IF_FINE.search(plain)):
        return "ask_recurrence_risk/each_pregnancy" if EVEN_IF_FINE.search(plain) else "ask_recurrence_risk/next_steps"
    if DOCTOR_ENOUGH.search(plain) and (talked_of.startswith(("ask_recurrence_risk/", "ask_ivig_treatment/"))):
        return "ask_recurrence_risk/next_steps"  # "mi cita es con el ginecólogo, ¿con él está bien?"
    if HELP_HER.search(plain):
        return "out_of_scope/helping_someone"
    if NOT_THERE.search(plain) and IF.search(plain) and (ORDER.search(plain) or talked_of.startswith("request_refill/")
                                    or tracker.get_slot("handoff_reason") == "where a shipment is"):
        return "request_refill/late_delivery"
    if HOURS_ASKED.search(plain):
        return "out_of_scope/hours"  # "a qué hora empiezan a atender mañana?"
    if EMAIL.search(plain):
        return "out_of_scope/contact"
    for pattern, key in ((LEFTOVER, LEFTOVER_SUPPLIES), (STORING, "ask_ivig_treatment/storage"),
                         (SPEAKS_SPANISH, SPANISH_FOR_SOMEONE), (BLAMES_HERSELF, BLAME_OTHER)):
        if pattern.search(plain):
            return key
    if NOT_HOME.search(plain) and (ORDER.search(plain) or talked_of.startswith("request_refill/")
                                   or asks_when_it_comes(text) or "llegue" in plain):
        return DELIVERY_DAYS
    return None


# The shipping cooler and its ice packs, and a new insurance plan, asked about beside a refill.
COOLER = re.compile(r"\b(?:cooler|ice ?packs?|gel packs?|styrofoam|hielera|hieleras|nevera|refrigerante|geles)\b")
NEW_INSURANCE = re.compile(r"\b(?:new|changed?|switch\w*|different|cambi\w* de|nuev[oa])\s+(?:\w+\s+)?"
                            r"(?:insurance|plan|seguro|aseguranza|aseguradora)\b"
                            r"|\b(?:insurance|seguro|aseguranza|aseguradora)"
                            r" (?:changed|switched|is new|cambio|es nuev[oa]|nuev[oa])\b")


def side_note(text: str) -> str | None:
    """What a refill request also asked that only a person can settle: the cooler's
    return, a new insurance plan ("...y cambié de aseguranza, eso afecta?"); None if neither."""
    plain = sin_acentos(text.lower())
    if COOLER.search(plain):
        return "refill_cooler_note"
    if NEW_INSURANCE.search(plain):
        return "refill_insurance_note"
    return None


# Where deliveries can go, asked ("do you deliver to the clinic or only home?"): the
# specialist settles the address; not a refill started.
DELIVERY_PLACE = re.compile(
    r"\b(?:do|can|will|could|would) (?:you|u|yall|y all|you guys|they|it)\b.{0,20}\b(?:deliver|ship|send|mail|go)\b"
    r".{0,40}\b(?:clinic|house|home|work|office|hospital|infusion cent\w*|address|place|apartment)\b"
    r"|\b(?:entregan|mandan|envian|llevan|lo mandan|la mandan|manden|mandar|enviar)\b.{0,30}"
    r"\b(?:clinica|casa|trabajo|hospital|oficina|direccion|domicilio)\b")
# A delivery address changed in the middle of the form.
ELSEWHERE = re.compile(r"\b(?:go|send|ship|deliver|mail|mandar\w*|enviar\w*|llegar)\b.{0,30}"
                       r"\b(?:house|address|place|home|casa|direccion|trabajo|work)\b")
