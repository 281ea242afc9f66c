"""Building the dialogue engine from a project's files, failing fast on inconsistencies."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.dialogue.domain import Domain, load_domain
from bot.dialogue.policies import EmergencyPolicy, Policy, PolicyEnsemble, build_policies
from bot.dialogue.responses import ResponseRenderer
from bot.dialogue.training import TrainingTracker, load_trackers
from bot.engine.messages import Turn, UserMessage
from bot.engine.metered import MeteredProcessor, TurnMetrics
from bot.engine.processor import Conversations, HandoffDesk, MessageProcessor
from bot.engine.runner import ActionRunner
from bot.nlu.model import NLUModel, load_or_train
from bot.project import Project, ProjectError
from bot.settings import Settings

log = logging.getLogger(__name__)


class StartupError(ProjectError):
    """The project cannot run as configured; the message says what to fix."""


@dataclass
class Engine:
    """What does not depend on Redis: domain, NLU, policies, responses."""

    project: Project
    domain: Domain
    nlu: NLUModel
    ensemble: PolicyEnsemble
    custom_actions: set[str]
    renderer: ResponseRenderer

    def check_runner(self, runner: ActionRunner, where: str | None = None) -> None:
        """Every custom action the domain lists is one the runner can run."""
        try:
            registered = runner.names()
        except Exception as exc:
            raise StartupError(f"ACTION_SERVER_URL: cannot list actions at {where} ({exc})") from None
        missing = sorted(self.custom_actions - registered)
        if missing:
            raise StartupError(
                f"domain.yml: actions {', '.join(missing)} are listed but not registered by any "
                "rasa_sdk Action in actions/"
            )


def _check_actions_known(domain: Domain, trackers: list[TrainingTracker],
                         policies: list[Policy]) -> None:
    """Every action a rule, story or policy can predict is one the engine can run."""
    known = domain.action_names
    for tracker in trackers:
        for event in tracker.events:
            if event["event"] == "action" and event["name"] not in known:
                kind = "rule" if tracker.is_rule else "story"
                raise StartupError(
                    f"{tracker.source}: {kind} '{tracker.name}' uses '{event['name']}', which "
                    "domain.yml neither lists as an action nor has a response for"
                )
    for policy in policies:
        fallback = policy.config.get("core_fallback_action_name")
        if fallback and fallback not in known:
            raise StartupError(f"config.yml: core_fallback_action_name '{fallback}' is not an "
                               "action or response in domain.yml")


def load_engine(project: Project, settings: Settings, *, nlu: NLUModel | None = None) -> Engine:
    domain = load_domain(project.domain_path)
    ensemble = PolicyEnsemble(build_policies(project.config()), domain)
    trackers = load_trackers(project.files_with("rules"), project.files_with("stories"))
    _check_actions_known(domain, trackers, ensemble.policies)
    ensemble.train(trackers)
    # As in Rasa, an utter_ name is a response even when listed under actions.
    custom = {name for name in domain.actions if not name.startswith("utter_")}
    if EmergencyPolicy.ACTION not in custom:
        raise StartupError(f"domain.yml: the safety action {EmergencyPolicy.ACTION} must be listed")
    model = nlu or load_or_train(project, settings.model_dir)
    return Engine(project, domain, model, ensemble, custom, ResponseRenderer(domain.responses))


def build_processor(
    engine: Engine,
    store: Conversations,
    runner: ActionRunner,
    *,
    desk: HandoffDesk | None = None,
    clock: Callable[[], float] = time.time,
    emergency_follow_up_seconds: float = 120 * 60,
    on_turn: Callable[[UserMessage, Turn], None] | None = None,
    metrics: TurnMetrics | None = None,
) -> MessageProcessor:
    parts: dict[str, Any] = dict(
        domain=engine.domain,
        parser=engine.nlu,
        ensemble=engine.ensemble,
        runner=runner,
        custom_actions=engine.custom_actions,
        store=store,
        renderer=engine.renderer,
        desk=desk,
        clock=clock,
        emergency_follow_up_seconds=emergency_follow_up_seconds,
        on_turn=on_turn,
    )
    if metrics is not None:  # the same processor, each turn reported (bot/engine/metered.py)
        return MeteredProcessor(metrics=metrics, **parts)
    return MessageProcessor(**parts)
