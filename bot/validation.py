"""`python -m bot validate`: cross-check config.yml, domain.yml, data/ and actions/."""

from __future__ import annotations

from bot.actions_runner import build_runner
from bot.dialogue.domain import DEFAULT_ACTIONS, Domain, load_domain
from bot.dialogue.policies import EmergencyPolicy, PolicyEnsemble, build_policies
from bot.dialogue.training import TrainingTracker, load_trackers
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
    _check_stories(domain, trackers, problems)
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
