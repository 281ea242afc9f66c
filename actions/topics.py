"""What each answer is about, as a short question a patient could pick: the options of a
clarifying question. Each is both the button's title and its payload, so a tap (or a
typed number) is read like any message, in this engine and in Rasa alike."""

from __future__ import annotations

# intent_response_key: (English, Spanish)
LABELS: dict[str, tuple[str, str]] = {
    "ask_what_is_nh/definition": ("What is NH?", "¿Qué es la HN?"),
    "ask_what_is_nh/cause": ("What causes NH?", "¿Qué causa la HN?"),
    "ask_what_is_nh/blame": ("Did I cause NH?", "¿Yo causé la HN?"),
    "ask_what_is_nh/blame_other": ("Did she cause NH?", "¿Ella causó la HN?"),
    "ask_what_is_nh/not_genetic": ("Is NH genetic?", "¿La HN es genética?"),
    "ask_what_is_nh/iron": ("Why is there iron in NH?", "¿Por qué hay hierro en la HN?"),
    "ask_what_is_nh/organs": ("Which organs does NH affect?", "¿Qué órganos afecta la HN?"),
    "ask_what_is_nh/rare": ("How rare is NH?", "¿Qué tan rara es la HN?"),
    "ask_what_is_nh/diagnosis": ("How is NH found?", "¿Cómo se detecta la HN?"),
    "ask_what_is_nh/cannot_diagnose": ("Can you tell from test results if it is NH?",
                                       "¿Puede saber por los resultados si es HN?"),
    "ask_what_is_nh/warning_signs_newborn": ("What are the warning signs in a newborn?",
                                             "¿Qué señales de alarma hay en un recién nacido?"),
    "ask_what_is_nh/warning_signs_pregnancy": ("What are the warning signs in pregnancy?",
                                               "¿Qué señales de alarma hay en el embarazo?"),
    "ask_recurrence_risk/chance": ("What is the chance NH comes back?",
                                   "¿Qué probabilidad hay de que la HN vuelva?"),
    "ask_recurrence_risk/with_treatment": ("What is the chance with IVIG treatment?",
                                           "¿Qué probabilidad hay con el tratamiento de IVIG?"),
    "ask_recurrence_risk/each_pregnancy": ("Does the risk change with each pregnancy?",
                                           "¿El riesgo cambia en cada embarazo?"),
    "ask_recurrence_risk/partner": ("Does a different father change the risk?",
                                    "¿Un padre diferente cambia el riesgo?"),
    "ask_recurrence_risk/relatives": ("Can NH run in the family?", "¿La HN puede darse en la familia?"),
    "ask_recurrence_risk/next_steps": ("What should I do if I am pregnant again?",
                                       "¿Qué debo hacer si estoy embarazada otra vez?"),
    "ask_recurrence_risk/surrogacy": ("What if a surrogate carries the baby?",
                                      "¿Y si una gestante subrogada lleva al bebé?"),
    "ask_recurrence_risk/trying_again": ("Should we try for another baby?",
                                         "¿Debemos intentar tener otro bebé?"),
    "ask_ivig_treatment/overview": ("What is IVIG treatment?", "¿Qué es el tratamiento con IVIG?"),
    "ask_ivig_treatment/name": ("What does IVIG stand for?", "¿Qué significa IVIG?"),
    "ask_ivig_treatment/schedule": ("When and how often is IVIG given?",
                                    "¿Cuándo y cada cuánto se da la IVIG?"),
    "ask_ivig_treatment/late_start": ("Am I too late to start IVIG?", "¿Es tarde para empezar la IVIG?"),
    "ask_ivig_treatment/already_started": ("I already started IVIG", "Ya empecé la IVIG"),
    "ask_ivig_treatment/baby_born": ("Our baby was born healthy!", "¡Nació nuestro bebé y está bien!"),
    "ask_ivig_treatment/storage": ("How do I store IVIG?", "¿Cómo guardo la IVIG?"),
    "ask_ivig_treatment/side_effect_had": ("I feel unwell after infusions", "Me siento mal después de cada infusión"),
    "ask_ivig_treatment/infusion_length": ("How long does an infusion take?",
                                           "¿Cuánto dura una infusión?"),
    "ask_ivig_treatment/home_or_clinic": ("Can infusions be at home?", "¿Las infusiones pueden ser en casa?"),
    "ask_ivig_treatment/dose": ("What is the IVIG dose?", "¿Cuál es la dosis de IVIG?"),
    "ask_ivig_treatment/dose_unit": ("Is the dose in mg or g per kg?", "¿La dosis es en mg o en g por kg?"),
    "ask_ivig_treatment/dose_cap": ("Is there a maximum dose?", "¿Hay una dosis máxima?"),
    "ask_ivig_treatment/who_decides": ("Who decides my dose and schedule?", "¿Quién decide mi dosis y mi calendario?"),
    "ask_ivig_treatment/double_dose": ("Can I double an infusion?", "¿Puedo ponerme dos infusiones?"),
    "ask_ivig_treatment/missed_dose_worry": ("Does a missed infusion hurt the baby?",
                                             "¿Una infusión perdida le hace daño al bebé?"),
    "ask_ivig_treatment/schedule_change": ("Can I change my infusion schedule?",
                                           "¿Puedo cambiar mi calendario de infusiones?"),
    "ask_ivig_treatment/missed_dose": ("I missed an infusion. What now?",
                                       "Falté a una infusión. ¿Qué hago?"),
    "ask_ivig_treatment/side_effects": ("What are the side effects of IVIG?",
                                        "¿Qué efectos secundarios tiene la IVIG?"),
    "ask_ivig_treatment/safe_for_baby": ("Is IVIG safe for the baby?", "¿La IVIG es segura para el bebé?"),
    "ask_ivig_treatment/effectiveness": ("How well does IVIG work?", "¿Qué tan bien funciona la IVIG?"),
    "ask_ivig_treatment/prevents": ("Does IVIG prevent NH?", "¿La IVIG previene la HN?"),
    "ask_ivig_treatment/newborn_treatment": ("How is a sick newborn treated?",
                                             "¿Cómo se trata a un recién nacido enfermo?"),
    "ask_ivig_treatment/newborn_outcome": ("What are a sick newborn's chances?",
                                           "¿Qué posibilidades tiene un recién nacido enfermo?"),
    "ask_ivig_treatment/exchange_transfusion": ("What is an exchange transfusion?",
                                                "¿Qué es una exanguinotransfusión?"),
    "ask_ivig_treatment/transplant": ("Will the baby need a liver transplant?",
                                      "¿El bebé necesitará un trasplante de hígado?"),
    "ask_ivig_treatment/after_birth": ("What checks does the baby need after birth?",
                                       "¿Qué análisis necesita el bebé al nacer?"),
    "ask_copay_help/overview": ("Can I get help paying for IVIG?", "¿Puedo recibir ayuda para pagar la IVIG?"),
    "ask_copay_help/medicaid_medicare": ("What about Medicaid or Medicare?", "¿Y con Medicaid o Medicare?"),
    "ask_copay_help/insurance_denied": ("My insurance said no. What can I do?",
                                        "Mi seguro lo negó. ¿Qué puedo hacer?"),
    "ask_copay_help/cost_amount": ("How much will it cost?", "¿Cuánto va a costar?"),
    "ask_copay_help/foundations": ("Are there charities that help?", "¿Hay fundaciones que ayuden?"),
    "ask_copay_help/apply_for_me": ("Can you apply for help for me?", "¿Pueden solicitar la ayuda por mí?"),
    "ask_copay_help/not_eligible": ("What if I don't qualify?", "¿Qué pasa si no califico?"),
    "ask_copay_help/coverage_promise": ("Will it be covered?", "¿Lo va a cubrir el seguro?"),
    "out_of_scope/hours": ("When are you open?", "¿Cuándo están abiertos?"),
    "out_of_scope/location": ("Where is the pharmacy?", "¿Dónde está la farmacia?"),
    "request_refill/shipment_status": ("Where is my shipment?", "¿Dónde está mi envío?"),
    "request_refill/cancel_delivery": ("Can I cancel my deliveries?", "¿Puedo cancelar mis envíos?"),
    "request_refill/delivery_days": ("When will my delivery arrive?", "¿Cuándo llega mi entrega?"),
    "out_of_scope/contact": ("How do I call you?", "¿Cómo les llamo?"),
    "out_of_scope/helping_someone": ("How can I help someone going through this?",
                                     "¿Cómo puedo ayudar a alguien que pasa por esto?"),
    "out_of_scope/what_can_you_do": ("What can you help with?", "¿En qué me puede ayudar?"),
}

# Intents that are not retrieval intents but can be among the likely topics.
INTENT_LABELS: dict[str, tuple[str, str]] = {
    "request_refill": ("I need a refill", "Necesito un resurtido"),
    "request_specialist": ("Talk with a pharmacy specialist", "Hablar con un especialista de la farmacia"),
}


def label(key: str, language: str) -> str | None:
    """The option for an answer key (`ask_ivig_treatment/schedule`) or a plain intent."""
    pair = LABELS.get(key) or INTENT_LABELS.get(key)
    if pair is None:
        return None
    return pair[1] if language == "es" else pair[0]
