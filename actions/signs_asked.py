"""Signs asked about, answered by whose they are: "when should I worry?" after the mother's
own infusions is her signs (F10, F11); "what should we watch for?" beside a baby doing well,
or "should we be worried?" after a baby's results, is a newborn's (F11); what after an
infusion means going in is the infusion's (F10)."""

from __future__ import annotations

import re

AFTER_INFUSION = re.compile(r"\bafter (?:my |the |her |last |each )?(?:infusion|ivig|drip|one|treatment)\b"
                            r"|\bdespues de (?:la|mi|su) (?:infusion|ivig)\b")
IVIG_TALK = frozenset({"ask_recurrence_risk/next_steps", "ask_ivig_treatment/late_start", "ask_ivig_treatment/overview",
                       "ask_ivig_treatment/dose", "ask_ivig_treatment/already_started"})
HER_INFUSIONS = frozenset(f"ask_ivig_treatment/{key}" for key in (
    "side_effects", "side_effect_had", "schedule", "schedule_change", "infusion_length", "home_or_clinic",
    "missed_dose", "missed_dose_worry", "double_dose", "dose_check", "dose_unit", "dose_cap", "prevents",
    "effectiveness"))
# "when should I actually worry?", "¿cuándo me debo preocupar?": which signs depends on whose
# treatment was just talked of.
WHEN_TO_WORRY = re.compile(
    r"\b(?:when|at what point) (?:should|do|would|will) (?:i|we) (?:\w+ )?(?:worry|be worried|call|go in|get help)\b"
    r"|\bwhat (?:should|do) (?:i|we) (?:watch|look) (?:out )?for\b|\bwhen is it (?:serious|an emergency)\b"
    r"|\bcuando (?:me )?(?:debo|tengo que|deberia) (?:preocupar\w*|llamar|ir)\b|\bque (?:debo|tengo que) vigilar\b")
# "what should I look out for just in case?", "should I be worried?": the signs to watch.
WATCH_FOR = re.compile(
    r"\bwhat (?:signs |symptoms |things |stuff )?(?:should|do|would|to) (?:i |we )?"
    r"(?:look out|watch out|watch|look) for\b"
    r"|\bwhat (?:signs|symptoms) (?:should|do) (?:i|we)\b"
    r"|\bwhat (?:stuff|things|signs|symptoms)\b.{0,40}\b(?:would be bad|mean (?:i|we) (?:need|have) to go)\b"
    r"|\bque (?:senales|signos|sintomas) (?:debo|tengo que|hay que) (?:vigilar|cuidar)\b")
SHOULD_WORRY = re.compile(r"\bshould (?:i|we) (?:be )?(?:worried|worry|concerned)\b"
                          r"|\b(?:debo|deberia|tengo que) preocupar\w*\b")
A_BABY = re.compile(r"\b(?:baby|babys|newborn|bebe|recien nacid\w*|(?:days?|weeks?) old"
                    r"|(?:dias|semanas) de nacid\w*)\b")
A_BABY_TALKED_OF = frozenset({"ask_what_is_nh/cannot_diagnose", "ask_ivig_treatment/baby_born",
                              "ask_ivig_treatment/after_birth", "ask_what_is_nh/warning_signs_newborn"})


def signs_asked(plain: str, talked_of: str) -> str | None:
    """The signs answer the question and the answer just given call for, or None."""
    if (WATCH_FOR.search(plain) or WHEN_TO_WORRY.search(plain)) and AFTER_INFUSION.search(plain):
        return "ask_ivig_treatment/side_effects"  # "what after the infusion would mean I need to go in" (F10)
    if (WATCH_FOR.search(plain) and A_BABY.search(plain) or (WATCH_FOR.search(plain) or SHOULD_WORRY.search(plain))
            and talked_of in A_BABY_TALKED_OF):
        return "ask_what_is_nh/warning_signs_newborn"  # "he's doing well... what should I look out for?"
    if WHEN_TO_WORRY.search(plain) and not A_BABY.search(plain) and (
            talked_of in HER_INFUSIONS | IVIG_TALK):
        return "ask_what_is_nh/warning_signs_pregnancy"  # her infusions just talked of: her signs, not a newborn's
    return None
