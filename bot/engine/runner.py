"""Running custom actions: rasa_sdk's executor in-process, or a rasa_sdk action server.

Both speak Rasa's action protocol: a request with `next_action`, `sender_id`, `tracker`
and the full `domain`; a response with `events` and `responses`.
"""

from __future__ import annotations

import asyncio
import atexit
import inspect
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)

PROTOCOL_VERSION = "3.6.21"


class ActionRejected(Exception):
    """The action refused to run (rasa_sdk ActionExecutionRejection / HTTP 400)."""


class ActionFailed(Exception):
    """The action raised, or the action server could not be reached."""


@dataclass
class ActionResult:
    events: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)


class ActionRunner(Protocol):
    def names(self) -> set[str]: ...

    def run(self, action_call: dict[str, Any]) -> ActionResult: ...


def action_call(name: str, tracker: dict[str, Any], domain: dict[str, Any]) -> dict[str, Any]:
    return {
        "next_action": name,
        "sender_id": tracker["sender_id"],
        "tracker": tracker,
        "domain": domain,
        "version": PROTOCOL_VERSION,
    }


class InProcessRunner:
    """rasa_sdk's ActionExecutor with the `actions` package registered, on a private loop.

    An action server builds each action with no arguments (its dependencies then come
    from the environment); in-process, an action whose constructor takes one argument
    is built with `dependencies` instead, the stores this process already has."""

    def __init__(self, package: str = "actions", dependencies: Any = None) -> None:
        from rasa_sdk import utils
        from rasa_sdk.executor import ActionExecutor
        from rasa_sdk.interfaces import Action

        self.executor = ActionExecutor()
        self.executor.register_package(package)
        if dependencies is not None:
            for cls in utils.all_subclasses(Action):
                if _takes_one_argument(cls) and not inspect.isabstract(cls):
                    self.executor.register_action(cls(dependencies))
        self._local = threading.local()

    def names(self) -> set[str]:
        return set(self.executor.actions)

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop = getattr(self._local, "loop", None)
        if loop is None or loop.is_closed():
            loop = asyncio.new_event_loop()
            # Closed at exit, before interpreter teardown would collect it half-dismantled
            # (a traceback, "Invalid file descriptor: -1", on stderr after the shell's last turn).
            atexit.register(loop.close)
            self._local.loop = loop
        return loop

    def run(self, action_call: dict[str, Any]) -> ActionResult:
        from rasa_sdk.interfaces import ActionExecutionRejection

        try:
            result = self._loop().run_until_complete(self.executor.run(action_call))
        except ActionExecutionRejection as exc:
            raise ActionRejected(str(exc)) from None
        except Exception as exc:
            raise ActionFailed(f"{action_call['next_action']}: {type(exc).__name__}") from exc
        if result is None:
            return ActionResult()
        data = result.model_dump() if hasattr(result, "model_dump") else dict(result)
        return ActionResult(list(data.get("events") or []), list(data.get("responses") or []))


class HttpRunner:
    """A rasa_sdk action server at `ACTION_SERVER_URL` (`python -m rasa_sdk --actions actions`)."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.webhook = self.base_url if self.base_url.endswith("/webhook") else f"{self.base_url}/webhook"
        self.timeout = timeout
        self.session = requests.Session()

    def names(self) -> set[str]:
        root = self.webhook[: -len("/webhook")]
        response = self.session.get(f"{root}/actions", timeout=self.timeout)
        response.raise_for_status()
        return {item["name"] for item in response.json()}

    def run(self, action_call: dict[str, Any]) -> ActionResult:
        import requests

        try:
            response = self.session.post(self.webhook, json=action_call, timeout=self.timeout)
        except requests.RequestException as exc:
            raise ActionFailed(f"action server unreachable: {type(exc).__name__}") from None
        if response.status_code == 400:
            raise ActionRejected(response.json().get("error", "rejected"))
        if response.status_code != 200:
            raise ActionFailed(f"action server answered {response.status_code}")
        data = response.json()
        return ActionResult(list(data.get("events") or []), list(data.get("responses") or []))


def _takes_one_argument(cls: type) -> bool:
    try:
        parameters = list(inspect.signature(cls).parameters.values())
    except (TypeError, ValueError):
        return False
    return len(parameters) == 1 and parameters[0].kind in {
        inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD}


def build_runner(action_server_url: str | None, dependencies: Any = None) -> ActionRunner:
    if action_server_url:
        return HttpRunner(action_server_url)
    return InProcessRunner(dependencies=dependencies)
