"""Training, saving and loading the NLU pipeline; parsing with the emergency net on top."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.nlu import classifiers, extractors, featurizers, questions, response_selector, safety, tokenizers  # noqa: F401 (register)
from bot.nlu.message import Message
from bot.nlu.registry import Component, ConfigError, build_component
from bot.nlu.training_data import TrainingData, load_directory
from bot.project import Project

log = logging.getLogger(__name__)

MODEL_SUFFIX = ".npz"
WARNING_SIGNS_INTENT = "ask_what_is_nh"  # asked about the warning signs (F11)
LOSS_INTENT = "share_loss"
NEWBORN_INTENT = "ask_ivig_treatment"  # a sick newborn in care: her treatment (F7)
_IN_CARE = re.compile(r"\b(?:nicu|intensive care|cuidados intensivos|terapia intensiva|ucin|incubadora|in the hospital"
                      r"|en el hospital|hospitalizad\w*|internad\w*)\b")
WEEKS_INTENT = "ask_ivig_treatment"  # how far along, said alone: when IVIG starts (F6)
CANCEL_INTENT = "cancel"
REFILL_INTENT = "request_refill"
EMERGENCY_LEAN = 0.4  # a fallback whose likeliest intent is an emergency this sure is one
REFILL_LIKELY = 0.3  # "también necesito resurtir la receta": a refill this likely, and asked for, is one
LOSS_SURE = 0.8  # share_loss below this, with no word of a loss in the message, is not taken as one
FOLLOW_UP_INTENT = "nlu_fallback"  # a fragment for the dialogue to place (actions/reading.py)
# What a loss told without a question is sometimes read as; never a question's topic.
GRIEF_MISREAD_AS = frozenset({"out_of_scope", "nlu_fallback", "inform", "affirm", "deny", "greet", "thank"})
# "and the refill?" reads as "cancel the refill" to the classifier, or too unsure to say:
# with no word of stopping in it, a message naming the refill asks for it.
_STOP_WORDS = re.compile(
    r"\b(?:cancel\w*|stop\w*|never ?mind|nvm|forget|quit|dont|do not|doesnt|not|no|nope|anymore|longer|needed"
    r"|undo|scratch|drop|delete|remove|hold off|olvid\w*|deten\w*|para|pare|ya no|borra\w*|quita\w*|no quiero)\b")
_REFILL_WORDS = re.compile(r"\b(?:refill|refil|reorder|order|resurtido|resurtir|pedido|next box|shipment|envio)\b")


# A second question in one message ("my copay went up, also I get headaches after it, is
# that normal?"): each clause is read on its own, and one that is surely another topic's
# question is named in the parse (`also_asked`), for the dialogue to answer too.
TOPIC_INTENTS = frozenset({"ask_what_is_nh", "ask_recurrence_risk", "ask_ivig_treatment", "ask_copay_help"})
ALSO_SURE = 0.6
PERSON_SURE = 0.5  # "gracias. con quien hablo?": a person asked for after thanks
_CLAUSE_BREAK = re.compile(
    r"\?+|\b(?:and also|also|plus|another question|one more thing|y tambien|tambien|otra pregunta|ademas)\b"
    r"|\band (?=(?:does|do|is|are|can|will|how|what|when|should|would)\b)"
    r"|\by (?=(?:cuando|cuanto|como|me (?:la|lo) cubre|el seguro|si me cubre)\b)")


COURTESY_INTENTS = frozenset({"thank", "greet", "affirm"})
_COURTESY = re.compile(r"^(?:(?:ok(?:ay)?|thanks?|thank you(?: so much)?|thx|ty|gracias|muchas gracias|mil gracias"
                       r"|hi|hello|hey|hola|buenas(?: tardes| noches)?|buenos dias|good (?:morning|afternoon|evening))"
                       r"[\s,.!]+)+")


_A_FEELING = re.compile(r"\b(?:i |me )?(?:feel|feeling|siento)\b.{0,20}\b(?:helpless|hopeless|lost|alone|scared|sad"
                        r"|overwhelmed|tired|exhausted|impotente|sola|solo|triste|perdida|asustada|agotada|cansada)\b")


def _clauses(text: str) -> list[str]:
    """The message's clauses when it has more than one, each of at least three words."""
    parts = [part.strip(" ,.;:!") for part in _CLAUSE_BREAK.split(safety.safety_es.sin_acentos(text.lower()))]
    parts = [part for part in parts if part]
    return [part for part in parts if len(part.split()) >= 3] if len(parts) >= 2 else []


def _asks_for_the_refill(text: str) -> bool:
    lowered = text.lower()
    return bool(_REFILL_WORDS.search(lowered)) and not _STOP_WORDS.search(lowered)


def build_pipeline(config: dict[str, Any]) -> list[Component]:
    pipeline = config.get("pipeline")
    if not isinstance(pipeline, list) or not pipeline:
        raise ConfigError("config.yml: 'pipeline' must be a non-empty list of components")
    return [build_component(index, spec) for index, spec in enumerate(pipeline)]


@dataclass
class NLUModel:
    components: list[Component]
    fingerprint: str

    def parse_message(self, text: str) -> Message:
        message = Message(text=text)
        for component in self.components:
            component.process(message)
        return message

    def parse(self, text: str) -> dict[str, Any]:
        """Rasa's parse result, with the emergency net applied after the pipeline: an
        emergency happening now is `report_emergency` whatever the classifier says; one
        the classifier alone sees in a question, a memory or a dream is not (it is asked
        about the warning signs, or told as a loss), so nobody is paged for it."""
        message = self.parse_message(text)
        if (message.intent or {}).get("name") in COURTESY_INTENTS:
            message = self._question_after_courtesy(message) or message
        net = safety.check(text)
        if net.matched and safety.help_is_on_the_way(text):  # "I called 911 already"
            net = safety.NetResult(False, net.group, net.sign, net.loss, net.case, net.language)
        predicted = (message.intent or {}).get("name")
        if predicted == classifiers.NLU_FALLBACK and self._leans_to_emergency(message):
            # The fallback never hides an emergency the classifier leans to.
            predicted = safety.EMERGENCY_INTENT
            self._set_intent(message, predicted, message.intent_ranking[1]["confidence"])
        leaning = [r for r in message.intent_ranking if r["name"] != classifiers.NLU_FALLBACK]
        refill_likely = any(r["name"] == REFILL_INTENT and r["confidence"] >= REFILL_LIKELY for r in leaning[:2])
        if (leaning and (leaning[0]["name"] in {CANCEL_INTENT, REFILL_INTENT} or refill_likely)
                and predicted != REFILL_INTENT
                and not net.matched and _asks_for_the_refill(text)):
            predicted = REFILL_INTENT
            self._set_intent(message, predicted, leaning[0]["confidence"])
        if predicted in GRIEF_MISREAD_AS and safety.grief_without_a_question(text) and not net.matched:
            self._set_intent(message, LOSS_INTENT)
        elif net.matched and predicted != safety.EMERGENCY_INTENT:
            self._set_intent(message, safety.EMERGENCY_INTENT)
        elif predicted == LOSS_INTENT and not net.matched and not safety.tells_a_loss(text) and _IN_CARE.search(
                safety.safety_es.sin_acentos(text.lower())):
            # "Mi nieto está en cuidados intensivos": a baby alive and in care, never a loss.
            self._set_intent(message, NEWBORN_INTENT, confidence=0.5)
        elif (predicted == LOSS_INTENT and not net.matched and (message.intent or {}).get("confidence", 0) < LOSS_SURE
              and not safety.tells_a_loss(text)):
            # Condolences to someone who lost nobody ("she is due friday") hurt: an unsure
            # reading with no word of a loss in it is asked about instead.
            self._set_intent(message, FOLLOW_UP_INTENT, confidence=0.0)
        elif not net.matched and predicted == safety.EMERGENCY_INTENT and not net.sign and (
                safety.asks_how_it_will_go(text)):
            self._set_intent(message, NEWBORN_INTENT, confidence=0.5)  # "will she be ok?": the outcome figures
        elif not net.matched and predicted == safety.EMERGENCY_INTENT and not net.sign and safety.tells_the_weeks(text):
            self._set_intent(message, WEEKS_INTENT, confidence=0.5)  # "im 11 weeks now": when IVIG starts
        elif not net.matched and predicted == safety.EMERGENCY_INTENT and not net.sign and safety.bare_follow_up(text):
            self._set_intent(message, FOLLOW_UP_INTENT, confidence=0.0)  # "and my wife?": asked within the topic
        elif not net.matched and predicted == safety.EMERGENCY_INTENT and (
                net.sign or safety.not_happening_now(text)):
            told_a_loss = net.loss or (not net.sign and safety.tells_a_loss(text))
            self._set_intent(message, LOSS_INTENT if told_a_loss else WARNING_SIGNS_INTENT)
            message.extra["read_as_signs"] = not told_a_loss  # the signs answer, not the selector's pick
        elif (not net.matched and net.sign and predicted in {"out_of_scope", classifiers.NLU_FALLBACK}
              and (net.case == "crisis" or safety.asks_about_a_sign(text))):
            # "how floppy is too floppy?": the signs (911 if it is happening now), not "I can only help";
            # harm thought of once and now helped: 988 if it comes back (actions/wording.py)
            self._set_intent(message, WARNING_SIGNS_INTENT)
            message.extra["read_as_signs"] = True
        self._name_full_retrieval_intent(message)
        main = (message.intent or {}).get("name")
        if main in TOPIC_INTENTS and not net.sign:
            also = self._also_asked(text, str(main))
            if also:
                message.extra["also_asked"] = also
        message.extra["emergency_net"] = {"now": net.matched, "sign": net.sign, "case": net.case,
                                          "group": net.group, "language": net.language}
        return message.as_parse_data()

    def _question_after_courtesy(self, message: Message) -> Message | None:
        """ "gracias. ¿fue mi culpa?": thanks or a greeting first, then a topic's question,
        which is what the message asks; None if what follows is no sure question."""
        text = message.text
        rest = _COURTESY.sub("", text.lower(), count=1).strip()
        if rest == text.lower().strip() or len(rest.split()) < 2 or "?" not in rest and len(rest.split()) < 4:
            return None
        part = self.parse_message(rest)
        name, sure = (part.intent or {}).get("name"), float((part.intent or {}).get("confidence") or 0)
        plain_rest = safety.safety_es.sin_acentos(rest)
        if _A_FEELING.search(plain_rest) or questions.GRIEF_ASKED.search(plain_rest):
            # "thank you. i just feel so helpless": heard (action_out_of_scope), not thanked
            part.intent, part.intent_ranking = {"name": "out_of_scope", "confidence": 0.0}, []
        elif not (name in TOPIC_INTENTS and sure >= ALSO_SURE or name == "request_specialist" and sure >= PERSON_SURE):
            return None
        part.text, part.entities = text, message.entities  # the entities' offsets are the whole text's
        return part

    def _also_asked(self, text: str, main: str) -> dict[str, Any] | None:
        """Another topic's question asked in a clause of its own, if one is sure."""
        for clause in _clauses(text):
            part = self.parse_message(clause)
            name, sure = (part.intent or {}).get("name"), float((part.intent or {}).get("confidence") or 0)
            if name in TOPIC_INTENTS and name != main and sure >= ALSO_SURE and not safety.check(clause).sign:
                self._name_full_retrieval_intent(part)
                key = (part.intent or {}).get("full_retrieval_intent_name")
                if key:
                    return {"intent": name, "response_key": key, "confidence": sure}
        return None

    @staticmethod
    def _leans_to_emergency(message: Message) -> bool:
        ranking = [r for r in message.intent_ranking if r["name"] != classifiers.NLU_FALLBACK]
        return bool(ranking) and ranking[0]["name"] == safety.EMERGENCY_INTENT \
            and ranking[0]["confidence"] >= EMERGENCY_LEAN

    @staticmethod
    def _name_full_retrieval_intent(message: Message) -> None:
        """As Rasa's processor does: a retrieval intent's parse names the answer chosen
        (`intent.full_retrieval_intent_name`)."""
        intent = message.intent or {}
        selectors = message.extra.get("response_selector") or {}
        if intent.get("name") in selectors.get("all_retrieval_intents", []):
            chosen = selectors.get(intent["name"]) or selectors.get("default") or {}
            key = (chosen.get("response") or {}).get("intent_response_key")
            if key:
                intent["full_retrieval_intent_name"] = key

    @staticmethod
    def _set_intent(message: Message, name: str, confidence: float = 1.0) -> None:
        message.intent = {"name": name, "confidence": confidence}
        message.intent_ranking = [dict(message.intent),
                                  *[r for r in message.intent_ranking if r["name"] != name]]

    @property
    def intents(self) -> list[str]:
        for component in self.components:
            if isinstance(component, classifiers.LogisticRegressionClassifier):
                return list(component.classes)
        return []

    # -- persistence ----------------------------------------------------------------
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        states, arrays = [], {}
        for index, component in enumerate(self.components):
            state, component_arrays = component.persist()
            states.append({"name": component.name, "state": state})
            for key, array in component_arrays.items():
                arrays[f"{index}.{key}"] = array
        meta = json.dumps({"fingerprint": self.fingerprint, "components": states})
        # A name of this process's own: two processes training the same model at once (the
        # suite's workers on a fresh clone) each write their copy, and the last rename wins.
        temporary = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(temporary, __meta__=np.array(meta), **arrays)  # type: ignore[arg-type]
        temporary.replace(path)  # atomic: a concurrent loader never sees half a model

    @classmethod
    def load(cls, path: Path, config: dict[str, Any]) -> NLUModel:
        components = build_pipeline(config)
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(str(archive["__meta__"]))
            arrays = {key: archive[key] for key in archive.files if key != "__meta__"}
        saved = meta["components"]
        if [entry["name"] for entry in saved] != [c.name for c in components]:
            raise ConfigError(f"{path}: model was trained with a different pipeline")
        for index, (component, entry) in enumerate(zip(components, saved, strict=True)):
            prefix = f"{index}."
            own = {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
            component.restore(entry["state"], own)
        return cls(components, meta["fingerprint"])


def train(config: dict[str, Any], data: TrainingData, fingerprint: str = "") -> NLUModel:
    """Train every component in order, as Rasa's graph does for this linear pipeline."""
    if not data.examples:
        raise ConfigError("no NLU training examples found under data/")
    components = build_pipeline(config)
    messages = []
    for example in data.examples:
        message = Message(text=example.text)
        message.extra["training_intent"] = example.base_intent
        message.extra["training_response_key"] = example.response_key
        messages.append(message)
    # Messages only need processing up to the last component that learns from them, and
    # only by the components whose output is learned from (tokens and features).
    last_learner = max((i for i, c in enumerate(components) if c.learns_from_messages), default=-1)
    for index, component in enumerate(components):
        component.train(messages, data)
        if index < last_learner and component.feeds_learners:
            for message in messages:
                component.process(message)
    return NLUModel(components, fingerprint)


def model_path(project: Project, model_dir: Path) -> Path:
    return model_dir / f"nlu-{project.nlu_fingerprint()}{MODEL_SUFFIX}"


def train_project(project: Project, model_dir: Path) -> tuple[NLUModel, Path]:
    started = time.perf_counter()
    data = load_directory(project.files_with("nlu"))
    model = train(project.config(), data, project.nlu_fingerprint())
    path = model_path(project, model_dir)
    model.save(path)
    log.info("trained NLU model %s in %.1f s", path.name, time.perf_counter() - started)
    return model, path


def load_or_train(project: Project, model_dir: Path) -> NLUModel:
    """The model matching the current config and data, training one if there is none."""
    path = model_path(project, model_dir)
    if path.exists():
        return NLUModel.load(path, project.config())
    log.info("no model for the current config and data; training %s", path.name)
    model, _ = train_project(project, model_dir)
    return model
