"""`python -m bot validate`: cross-check config.yml, domain.yml, data/ and actions/.

Besides the stories and rules, the Python code names responses too (`response=
"utter_..."` in actions/, the channels' own texts in bot/): every name it spells out
must be in domain.yml, and every `{placeholder}` in a response must be something that
is filled in, a slot or one of TEMPLATE_VARIABLES.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.dialogue.domain import DEFAULT_ACTIONS, Domain, load_domain
from bot.dialogue.policies import EmergencyPolicy, PolicyEnsemble, build_policies
from bot.dialogue.training import TrainingTracker, load_trackers
from bot.engine.runner import build_runner
from bot.nlu.model import build_pipeline
from bot.nlu.training_data import TrainingData, load_directory
from bot.project import Project, ProjectError
from bot.settings import Settings


def _check_nlu(domain: Domain, data: TrainingData, problems: list[str], warnings: list[str]) -> None:
    for intent in sorted(set(data.intents) - domain.all_intents):
        problems.append(f"data: intent '{intent}' has examples but is not in domain.yml intents")
    for intent in sorted(set(domain.intents) - set(data.intents)):
        warnings.append(f"domain.yml: intent '{intent}' has no NLU examples")
    for entity in sorted(data.entity_names - set(domain.entities)):
        problems.append(f"data: entity '{entity}' is annotated but not in domain.yml entities")


def _check_retrieval(domain: Domain, data: TrainingData, config: dict[str, Any],
                     problems: list[str]) -> None:
    """Every answer a ResponseSelector can choose has its response, every retrieval
    response is trained for, and every retrieval intent has a selector (as Rasa needs)."""
    keys = set(data.response_keys)
    responses = {name[len("utter_"):] for intent in domain.retrieval_intents
                 for name in domain.retrieval_responses(intent)}
    for key in sorted(keys - responses):
        problems.append(f"data: '{key}' has examples but domain.yml has no response 'utter_{key}'")
    for key in sorted(responses - keys):
        problems.append(f"domain.yml: 'utter_{key}' answers a sub-intent with no NLU examples")
    selectors = [c for c in config.get("pipeline") or [] if isinstance(c, dict) and c.get("name") == "ResponseSelector"]
    covered = {c.get("retrieval_intent") for c in selectors}
    for intent in data.retrieval_intents:
        if intent not in covered and None not in covered:
            problems.append(f"config.yml: retrieval intent '{intent}' has no ResponseSelector")


def _check_stories(domain: Domain, trackers: list[TrainingTracker], problems: list[str]) -> None:
    actions = domain.action_names
    for tracker in trackers:
        kind = "rule" if tracker.is_rule else "story"
        where = f"{tracker.source}: {kind} '{tracker.name}'"
        for event in tracker.events:
            if event["event"] == "user":
                intent = event["parse_data"]["intent"]["name"]
                if intent not in domain.all_intents:
                    problems.append(f"{where}: intent '{intent}' is not in domain.yml")
            elif event["event"] == "action" and event["name"] not in actions:
                problems.append(f"{where}: action '{event['name']}' is not in domain.yml")
            elif event["event"] == "slot" and event["name"] not in domain.slots:
                problems.append(f"{where}: slot '{event['name']}' is not in domain.yml")
            elif event["event"] == "active_loop" and event["name"] and event["name"] not in domain.forms:
                problems.append(f"{where}: active_loop '{event['name']}' is not a form")


def _check_domain(domain: Domain, registered: set[str], used_actions: set[str],
                  problems: list[str], warnings: list[str]) -> None:
    for name in sorted(used_actions):
        if name.startswith("utter_") and name not in domain.responses:
            problems.append(f"domain.yml: '{name}' is used but has no response")
    for name in sorted(set(domain.actions) - registered):
        if name.startswith("utter_"):
            continue  # a response, as in Rasa
        problems.append(f"domain.yml: action '{name}' is listed but not registered in actions/")
    for name in sorted(registered - set(domain.actions) - set(DEFAULT_ACTIONS)):
        warnings.append(f"actions/: '{name}' is registered but not listed in domain.yml actions")
    if EmergencyPolicy.ACTION not in domain.actions:
        problems.append(f"domain.yml: the safety action '{EmergencyPolicy.ACTION}' must be listed")
    for form, slots in domain.forms.items():
        for slot in slots:
            mappings = domain.slots[slot].mappings
            fillable = any(m.get("type") != "custom" for m in mappings) or f"validate_{form}" in registered
            if not fillable:
                problems.append(f"domain.yml: form '{form}' slot '{slot}' has no mapping that can fill it")
            asks = [f"action_ask_{form}_{slot}", f"utter_ask_{form}_{slot}", f"action_ask_{slot}", f"utter_ask_{slot}"]
            if not any(a in domain.responses or a in registered for a in asks):
                problems.append(f"domain.yml: form '{form}' has no way to ask for '{slot}' (utter_ask_{slot})")
        for slot in slots:
            for mapping in domain.slots[slot].mappings:
                entity = mapping.get("entity")
                if entity and entity not in domain.entities:
                    problems.append(f"domain.yml: slot '{slot}' maps from unknown entity '{entity}'")


BOT_PACKAGE = Path(__file__).resolve().parent
# Placeholders the code fills in when it renders a response, besides the domain's slots
# (which every response may use). Keep in step with the callers named here.
TEMPLATE_VARIABLES: dict[str, str] = {
    "support_phone": "SUPPORT_PHONE: the SMS, REST and phone channels and actions/",
    "escalation_reference": "actions/handoff.py, bot/channels/voice/person.py",
    "refill_reference": "actions/refill.py",
    "prescription_digits": "actions/refill.py (read back on a call)",
    "support_resource": "actions/grief.py (BEREAVEMENT_RESOURCE)",
    "next_open": "actions/handoff.py, bot/engine/handoff.py (BUSINESS_HOURS)",
    "closing_time": "bot/engine/handoff.py (BUSINESS_HOURS)",
    "birth_date_spoken": "actions/refill.py (read back on a call)",
    "business_hours": "actions/answers.py (BUSINESS_HOURS, in the conversation's language)",
    "options": "actions/clarify.py (the numbered options of a clarifying question)",
}
# Spelled like response names in the code but not required in domain.yml: Rasa's
# metadata key for the response a bot message came from, and the responses Rasa's
# default actions (action_restart, action_back) say only when the domain has them.
NOT_REQUIRED = frozenset({"utter_action", "utter_restart", "utter_back"})
_RESPONSE_NAME = re.compile(r"utter_[a-z0-9_]*[a-z0-9]")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")  # as bot/dialogue/responses.py fills them


def response_names_in_code(files: Iterable[tuple[Path, Path]]) -> dict[str, list[str]]:
    """Every string constant that is a whole response name -> where (`file:line`), for
    (folder, file) pairs; the file is named from its folder.

    Names built at run time are not seen and so not checked: f-strings
    (`f"utter_ask_{slot}"`, the form's questions, which `_check_domain` checks), joined
    strings and prefixes (`"utter_voice_"`: a name cannot end in `_`). Docstrings and
    messages that mention a name among other words are not names.
    """
    found: dict[str, list[str]] = {}
    for root, path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        built = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                 for part in node.values}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in built and _RESPONSE_NAME.fullmatch(node.value)):
                found.setdefault(node.value, []).append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def _python_files(project: Project) -> list[tuple[Path, Path]]:
    """actions/*.py of the project and bot/**/*.py of this package."""
    actions = sorted((project.root / "actions").glob("*.py"))
    return [*((project.root, path) for path in actions),
            *((BOT_PACKAGE.parent, path) for path in sorted(BOT_PACKAGE.rglob("*.py")))]


def _check_code_responses(domain: Domain, project: Project, problems: list[str]) -> None:
    try:
        used = response_names_in_code(_python_files(project))
    except (OSError, SyntaxError, ValueError) as exc:
        problems.append(f"cannot read the code for the responses it uses ({type(exc).__name__}: {exc})")
        return
    for name in sorted(set(used) - set(domain.responses) - NOT_REQUIRED):
        where = used[name]
        more = f" (and {len(where) - 1} more places)" if len(where) > 1 else ""
        problems.append(f"{where[0]}{more}: response '{name}' is used but not in domain.yml responses")


def _check_placeholders(domain: Domain, problems: list[str]) -> None:
    known = set(domain.slots) | set(TEMPLATE_VARIABLES)
    for name, variations in domain.responses.items():
        texts = " ".join(str(variation.get("text") or "") for variation in variations)
        for placeholder in sorted(set(_PLACEHOLDER.findall(texts)) - known):
            problems.append(
                f"domain.yml: response '{name}' uses {{{placeholder}}}, which is neither a slot "
                f"nor a variable the code fills in ({', '.join(sorted(TEMPLATE_VARIABLES))})"
            )


# Said in one language on purpose: the call menu's offer of the other language.
ONE_LANGUAGE = frozenset({"utter_voice_offer_spanish", "utter_voice_offer_english"})


def _language_of(variation: dict[str, Any]) -> str | None:
    for condition in variation.get("condition") or []:
        if condition.get("type") == "slot" and condition.get("name") == "language":
            return str(condition.get("value"))
    return None


def _check_languages(domain: Domain, problems: list[str]) -> None:
    """Every response has a variation for each language the `language` slot can take
    besides its initial one, for each channel it has a variation for (Rasa picks a
    conditional variation only when its condition and its channel both match)."""
    slot = domain.slots.get("language")
    if slot is None:
        return
    others = [str(v) for v in slot.values if v != slot.initial_value]
    for name, variations in domain.responses.items():
        if name in ONE_LANGUAGE:
            continue
        channels = {v.get("channel") for v in variations if _language_of(v) is None}
        for language in others:
            has = {v.get("channel") for v in variations if _language_of(v) == language}
            for channel in sorted(channels - has, key=str):
                where = f" for channel '{channel}'" if channel else ""
                problems.append(f"domain.yml: response '{name}' has no '{language}' variation{where} "
                                f"(condition: slot language = {language})")


def validate_project(project: Project, settings: Settings) -> tuple[list[str], list[str]]:
    """All problems (errors) and warnings found; an empty error list means consistent."""
    problems: list[str] = []
    warnings: list[str] = []
    try:
        config = project.config()
        build_pipeline(config)
        policies = build_policies(config)
        domain = load_domain(project.domain_path)
        data = load_directory(project.files_with("nlu"))
        trackers = load_trackers(project.files_with("rules"), project.files_with("stories"))
    except (ProjectError, ValueError) as exc:
        return [str(exc)], warnings
    _check_nlu(domain, data, problems, warnings)
    _check_retrieval(domain, data, config, problems)
    _check_stories(domain, trackers, problems)
    _check_code_responses(domain, project, problems)
    _check_placeholders(domain, problems)
    _check_languages(domain, problems)
    try:
        PolicyEnsemble(policies, domain).train(trackers)
    except ValueError as exc:
        problems.append(str(exc))
    try:
        registered = build_runner(settings.action_server_url).names()
    except Exception as exc:
        problems.append(f"actions/: cannot load the custom actions ({type(exc).__name__}: {exc})")
        registered = set()
    used = {e["name"] for t in trackers for e in t.events if e["event"] == "action"}
    _check_domain(domain, registered, used, problems, warnings)
    return problems, warnings
