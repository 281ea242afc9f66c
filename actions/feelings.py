"""Feelings told, and questions asked: "that's still scary" is heard before anything
else, "and how often?" is a question about what was just said."""

from __future__ import annotations

import re

from bot.nlu.questions import GRIEF_ASKED
from bot.nlu.safety_es import sin_acentos

# "that's still scary", "tengo mucho miedo": a feeling, told without a question.
_FEELING = re.compile(
    r"\b(?:scar(?:y|ed)|terrif\w*|afraid|frightening|frightened|overwhelm\w*|nervous|anxious|so hard"
    r"|(?<!from )(?<!is )(?<!is that )(?<!of )too much(?! iron| ivig| medicine| of)"
    r"|heartbroken|freaking out|worried sick|miedo|asustad\w*|nervios\w*|abrumad\w*|angustiad\w*|muy dificil"
    r"|ugh+|so tired of|sick of|harta|harto|cansad[ao] de|ya no aguanto (?:los|las|tanto)|tan dificil"
    r"|(?:just |so |really )tired|exhausted|worn out|drained|agotad[ao]|(?:muy|tan) cansad[ao]"
    r"|helpless|hopeless|so alone|impotente|sin esperanza|muy sola|tan sola)\b")
_QUESTION_WORDS = (r"what|how|why|when|where|who|which|can|could|will|would|is|are|do|does|should"
                   r"|que|como|por que|cuando|donde|quien|cual|puedo|puede|es|hay")
_ASKS = re.compile(rf"\?|^(?:{_QUESTION_WORDS})\b")
# The same, after a connective: "and how often?", "pero cuando?" ("no quiero que..." is not one).
_ASKED = re.compile(rf"\?|^(?:(?:y|and|so|but|pero|ok|okay) )?(?:{_QUESTION_WORDS})\b")


def asked_as_a_question(text: str) -> bool:
    """A question mark, or a question word first (after a connective, if any)."""
    return bool(_ASKED.search(sin_acentos(text)))


def tells_a_feeling(text: str) -> bool:
    plain = " ".join(sin_acentos(text).split())
    return bool(_FEELING.search(plain)) and not _ASKS.search(plain) or bool(GRIEF_ASKED.search(plain.lower()))
