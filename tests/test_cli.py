"""The command line as a newcomer uses it: train, validate, shell and test, each run as
`python -m bot ...` in a subprocess against a copy of the project or the project itself."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml

from bot.commands.check import run_stories
from bot.nlu.model import NLUModel
from bot.project import Project
from bot.records.keys import Keys
from bot.records.refills import RefillStore
from tests.chat import REPO, free_port, serving
from tests.conftest import make_settings


def bot(*args: str, env: dict[str, str], stdin: str = "",
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture()
def project_dir(redis_url: str) -> Path:
    """The project the suite runs against (BOT_PROJECT_DIR or the repository)."""
    return make_settings(redis_url).project_dir


@pytest.fixture()
def cli_env(redis_url: str, project_dir: Path) -> dict[str, str]:
    return {**os.environ, "REDIS_URL": redis_url, "BOT_PROJECT_DIR": str(project_dir),
            "REDIS_KEY_PREFIX": f"cli{uuid.uuid4().hex[:6]}:", "SUPPORT_PHONE": "1-800-555-0100"}


def copy_project(source: Path, target: Path) -> Path:
    """config.yml, domain.yml and data/ copied (so they can be broken); actions/ linked."""
    (target / "data").mkdir(parents=True)
    for name in ("config.yml", "domain.yml"):
        shutil.copyfile(source / name, target / name)
    for path in sorted((source / "data").glob("*.yml")):
        shutil.copyfile(path, target / "data" / path.name)
    (target / "actions").symlink_to(REPO / "actions", target_is_directory=True)
    return target


def _edit_yaml(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    document = yaml.safe_load(path.read_text())
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))


# -- train -----------------------------------------------------------------------------------------
def _fewer_examples(project: Path, per_intent: int = 12) -> None:
    """The first few examples of each intent and answer: training the whole data takes a
    quarter of a minute of CPU, and this test is about what `bot train` writes."""
    for path in sorted((project / "data").glob("nlu*.yml")):
        def trim(document: dict[str, Any]) -> None:
            for item in document.get("nlu", []):
                if "examples" in item:
                    lines = [line for line in item["examples"].splitlines() if line.strip()]
                    item["examples"] = "\n".join(lines[:per_intent]) + "\n"
        _edit_yaml(path, trim)


def test_train_writes_a_model_named_by_the_hash_of_config_and_data(tmp_path, project_dir, cli_env):
    copy = copy_project(project_dir, tmp_path / "project")
    _fewer_examples(copy)
    result = bot("train", env={**cli_env, "BOT_PROJECT_DIR": str(copy)})
    assert result.returncode == 0, result.stderr
    [model] = (copy / "models").glob("*.npz")
    assert model.name == f"nlu-{Project(copy).nlu_fingerprint()}.npz"
    assert f"models/{model.name}" in result.stdout
    loaded = NLUModel.load(model, Project(copy).config())
    assert loaded.parse("what is ivig")["intent"]["name"] == "ask_ivig_treatment"


# -- validate --------------------------------------------------------------------------------------
def test_validate_passes_on_the_project(cli_env):
    result = bot("validate", env=cli_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "consistent" in result.stdout
    assert "error" not in result.stdout.lower()


def _undeclared_intent(project: Path) -> None:
    with (project / "data" / "rules.yml").open("a") as rules:
        rules.write("\n- rule: parking\n  steps:\n"
                    "  - intent: ask_parking\n  - action: utter_greet\n")


def _response_missing(project: Path) -> None:
    _edit_yaml(project / "data" / "stories.yml", lambda stories: stories["stories"].append({
        "story": "parking directions",
        "steps": [{"intent": "greet"}, {"action": "utter_greet"},
                  {"intent": "affirm"}, {"action": "utter_parking_info"}],
    }))


def _form_slot_without_mappings(project: Path) -> None:
    _edit_yaml(project / "domain.yml",
               lambda domain: domain["slots"]["date_of_birth"].update(mappings=[]))


def _action_not_registered(project: Path) -> None:
    _edit_yaml(project / "domain.yml",
               lambda domain: domain["actions"].append("action_check_insurance"))


def _emergency_response_deleted(project: Path) -> None:
    _edit_yaml(project / "domain.yml",
               lambda domain: domain["responses"].pop("utter_emergency_team_alerted"))


def _placeholder_renamed(project: Path) -> None:
    def rename(domain: dict[str, Any]) -> None:
        for variation in domain["responses"]["utter_refill_submitted"]:
            variation["text"] = variation["text"].replace("{refill_reference}", "{refill_ref}")

    _edit_yaml(project / "domain.yml", rename)


def _response_renamed_in_an_action(project: Path) -> None:
    (project / "actions").unlink()  # a copy of its own to break, instead of the link
    shutil.copytree(REPO / "actions", project / "actions",
                    ignore=shutil.ignore_patterns("__pycache__"))
    refill = project / "actions" / "refill.py"
    code = refill.read_text()
    assert 'response="utter_refill_cancelled"' in code
    refill.write_text(code.replace('response="utter_refill_cancelled"', 'response="utter_refill_canceled"'))


def _spanish_answer_missing(project: Path) -> None:
    def drop(domain: dict[str, Any]) -> None:
        domain["responses"]["utter_ask_copay_help/overview"] = [
            v for v in domain["responses"]["utter_ask_copay_help/overview"] if not v.get("condition")]

    _edit_yaml(project / "domain.yml", drop)


def _spanish_voice_variation_missing(project: Path) -> None:
    def drop(domain: dict[str, Any]) -> None:
        domain["responses"]["utter_intro"] = [
            v for v in domain["responses"]["utter_intro"]
            if not (v.get("condition") and v.get("channel") == "twilio_voice")]

    _edit_yaml(project / "domain.yml", drop)


@pytest.mark.parametrize(("breakage", "message"), [
    (_undeclared_intent, r"intent 'ask_parking' is not in domain\.yml"),
    (_response_missing, r"'utter_parking_info' is used but has no response"),
    (_form_slot_without_mappings, r"slots\.date_of_birth: needs a non-empty 'mappings' list"),
    (_action_not_registered, r"action 'action_check_insurance' is listed but not registered"),
    (_emergency_response_deleted,
     r"actions/emergency\.py:\d+.*: response 'utter_emergency_team_alerted' is used but not in domain\.yml responses"),
    (_placeholder_renamed,
     r"response 'utter_refill_submitted' uses \{refill_ref\}, which is neither a slot nor a variable"),
    (_response_renamed_in_an_action,
     r"actions/refill\.py:\d+: response 'utter_refill_canceled' is used but not in domain\.yml responses"),
    (_spanish_answer_missing, r"response 'utter_ask_copay_help/overview' has no 'es' variation"),
    (_spanish_voice_variation_missing,
     r"response 'utter_intro' has no 'es' variation for channel 'twilio_voice'"),
], ids=["intent-not-declared", "response-missing", "form-slot-without-mappings",
        "action-not-registered", "response-used-by-code-deleted", "placeholder-renamed",
        "response-renamed-in-an-action", "spanish-missing", "spanish-voice-missing"])
def test_validate_fails_on_a_broken_copy_saying_what_is_wrong(tmp_path, project_dir, cli_env,
                                                             breakage, message):
    copy = copy_project(project_dir, tmp_path / "project")
    breakage(copy)
    result = bot("validate", env={**cli_env, "BOT_PROJECT_DIR": str(copy)})
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert re.search(message, output), output
    assert "Traceback" not in output


def test_bot_test_refuses_a_project_that_does_not_validate(tmp_path, project_dir, cli_env):
    copy = copy_project(project_dir, tmp_path / "project")
    _emergency_response_deleted(copy)
    result = bot("test", env={**cli_env, "BOT_PROJECT_DIR": str(copy)})
    assert result.returncode == 1
    assert "response 'utter_emergency_team_alerted' is used but not in domain.yml responses" in result.stdout
    assert "cross-validation" not in result.stdout  # stopped before the slow part


# -- serve -----------------------------------------------------------------------------------------
def test_serve_listens_on_port_from_the_environment(tmp_path, cli_env):
    port = free_port()
    command = [sys.executable, "-m", "bot", "serve", "--no-worker", "--workers", "1"]
    env = {**cli_env, "PORT": str(port), "BOT_ENV": "test", "SECRET_KEY": "test-secret-key",
           "PYTHONUNBUFFERED": "1"}
    with serving(command, env, tmp_path / "serve.log", port, "/healthz") as server:
        assert f"http://127.0.0.1:{port}" in server.output()


@pytest.mark.parametrize(("args", "port", "message"), [
    (["--port", "70000"], "5005", "the port must be between 1 and 65535, got 70000"),
    ([], "http", "PORT must be a whole number, got 'http'"),
    ([], "0", "the port must be between 1 and 65535, got 0"),
])
def test_serve_refuses_a_port_it_cannot_use(cli_env, args, port, message):
    result = bot("serve", *args, env={**cli_env, "PORT": port}, timeout=30)
    assert result.returncode == 2
    assert message in result.stderr


# -- shell -----------------------------------------------------------------------------------------
def test_the_shell_answers_a_conversation_with_a_refill(cli_env, redis_client):
    lines = ["hi", "what is ivig", "i need a refill", "1234567", "03/14/1990", "thanks", "/quit"]
    result = bot("shell", env=cli_env, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    answers = re.findall(r"^bot> (.+)$", result.stdout, flags=re.MULTILINE)
    assert len(answers) >= len(lines) - 1
    assert any("IVIG" in answer for answer in answers)
    reference = re.search(r"R-\d+", result.stdout)
    assert reference, result.stdout
    [request] = RefillStore(redis_client, Keys(cli_env["REDIS_KEY_PREFIX"])).recent()
    assert (request.reference, request.date_of_birth) == (reference.group(), "1990-03-14")
    assert "Traceback" not in result.stderr


def test_the_shell_ends_quietly_when_its_input_ends(tmp_path, project_dir, cli_env):
    # Piped in without /quit, on the embedded Redis, as a script or a reviewer runs it: no
    # traceback at exit.
    copy = copy_project(project_dir, tmp_path / "project")
    shutil.copytree(project_dir / "models", copy / "models")  # no need to train again
    env = {key: value for key, value in cli_env.items() if key != "REDIS_URL"}
    result = bot("shell", env={**env, "BOT_PROJECT_DIR": str(copy)}, stdin="hi\nwhat is nh\n")
    assert result.returncode == 0 and result.stdout.count("bot> ") >= 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr


def test_restart_in_the_shell_starts_over_after_a_hand_off(cli_env):
    lines = ["i want to talk to a person", "hello?", "/restart", "what is nh", "/quit"]
    result = bot("shell", env=cli_env, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    before, restarted, after = re.split(r"^(\(a new conversation.*\))$", result.stdout,
                                        flags=re.MULTILINE)
    reference = re.search(r"E-\d+", before)
    assert reference, before
    assert "message was added" in before  # the specialist has that conversation
    assert f"{reference.group()} stays with a pharmacy specialist" in restarted
    greeting, answer = after.split("you> what is nh")
    assert "automated assistant" in greeting
    assert "Neonatal hemochromatosis" in answer


def _read_until(process: subprocess.Popen[str], text: str) -> str:
    """The shell's next output line that contains `text`."""
    assert process.stdout is not None
    while True:
        line = process.stdout.readline()
        assert line, f"the shell ended before saying {text!r}"
        if text in line:
            return line


@pytest.mark.slow
def test_the_embedded_redis_stops_with_the_last_shell_using_it(tmp_path, project_dir, cli_env):
    copy = copy_project(project_dir, tmp_path / "project")
    shutil.copytree(project_dir / "models", copy / "models")  # no need to train again
    env = {key: value for key, value in cli_env.items() if key != "REDIS_URL"}
    env.update(BOT_PROJECT_DIR=str(copy), PYTHONUNBUFFERED="1")
    first = subprocess.Popen([sys.executable, "-m", "bot", "shell"], cwd=REPO, env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert first.stdin is not None
        first.stdin.write("what is nh\n")
        first.stdin.flush()
        _read_until(first, "bot> ")
        socket = json.loads((copy / "var" / "redis.db.settings").read_text())["unixsocket"]
        # A second shell joins the same server and leaves: the first keeps its Redis.
        second = bot("shell", env=env, stdin="what is nh\n")
        assert second.returncode == 0 and "bot> " in second.stdout, second.stderr
        first.stdin.write("what is ivig\n")
        first.stdin.flush()
        assert _read_until(first, "IVIG").startswith("bot> ")
        first.stdin.close()
        assert first.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            first.kill()
    # The last one out stopped the server; the conversation data stays under var/.
    with pytest.raises(redis.ConnectionError):
        redis.Redis(unix_socket_path=socket, socket_connect_timeout=1).ping()
    assert (copy / "var" / "appendonly.aof").exists()


# -- test ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_test_story_the_bot_does_not_follow_is_reported(tmp_path, redis_url, monkeypatch):
    # run_stories points the in-process actions at its own key prefix, through the
    # environment; monkeypatch puts both variables back afterwards.
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("REDIS_KEY_PREFIX", "nh:")
    stories = tmp_path / "stories.yml"
    stories.write_text("""
version: "3.1"
stories:
- story: greeting answered with the wrong thing
  steps:
  - user: hi
    intent: greet
  - action: utter_goodbye
- story: a refill that is not stored
  steps:
  - user: i need a refill
    intent: request_refill
  - action: action_refill_or_shipment
  - action: refill_form
  - active_loop: refill_form
  - slot_was_set:
    - requested_slot: date_of_birth
""")
    count, failures = run_stories(make_settings(redis_url), stories)
    assert count == 2
    assert any("actions ['utter_greet'], expected ['utter_goodbye']" in f
               for f in failures), failures
    assert any("slot requested_slot='prescription_number', expected 'date_of_birth'" in f
               for f in failures), failures
