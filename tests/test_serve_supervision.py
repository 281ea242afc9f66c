"""`python -m bot serve` keeps its children running (issue 11, finding 1): a job worker
or a web server that dies is started again, and the line goes on (a page queued after
the worker died reaches staff) with no restart by hand; a stop request ends them all."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.chat import REPO, free_port, serving, wait_until
from tests.conftest import AUTH_TOKEN
from tests.console_server import STAFF_NUMBERS, worker_environment
from tests.helpers import FakeTwilioApi, sms_params
from tests.processes import descendants
from tests.sensitive import SENSITIVE

pytestmark = pytest.mark.slow

PUBLIC_URL = "https://support.example.org"


def cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def child(serve_pid: int, marker: str) -> int | None:
    """The direct child of `serve` whose command line holds `marker`."""
    for pid in descendants(serve_pid):
        if marker in cmdline(pid) and _parent(pid) == serve_pid:
            return pid
    return None


def _parent(pid: int) -> int:
    with contextlib.suppress(OSError, IndexError, ValueError):
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return -1


def kill_tree(pid: int) -> None:
    for each in [pid, *descendants(pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(each, signal.SIGKILL)


def text(url: str, body: str, sender: str) -> str:
    params = sms_params(body, sender)
    SENSITIVE.add_request(params)
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + "/twilio/sms", params)
    response = requests.post(url + "/twilio/sms", data=params, timeout=15,
                             headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200, response.text
    return response.text


def test_serve_starts_a_dead_worker_and_web_server_again(
        tmp_path: Path, redis_url: str, fake_twilio_api: FakeTwilioApi) -> None:
    port = free_port()
    env = {**os.environ, **worker_environment(fake_twilio_api, redis_url),
           "PORT": str(port), "SECRET_KEY": "test-secret-key", "PYTHONUNBUFFERED": "1",
           "REDIS_KEY_PREFIX": f"sv{uuid.uuid4().hex[:6]}:", "PUBLIC_BASE_URL": PUBLIC_URL}
    command = [sys.executable, "-m", "bot", "serve", "--workers", "1"]
    with serving(command, env, tmp_path / "serve.log", port, "/readyz") as server:
        serve_pid = server.process.pid
        worker = child(serve_pid, "bot worker")
        web = child(serve_pid, "gunicorn")
        assert worker and web, [cmdline(pid) for pid in descendants(serve_pid)]

        kill_tree(worker)  # as the OOM killer would
        wait_until(lambda: child(serve_pid, "bot worker") not in {None, worker}, timeout=20,
                   what="serve to start the worker again")
        reply = text(server.url, "can a pharmacist call me", "+15554300001")
        reference = re.search(r"E-\d+", reply)
        assert reference, reply
        wait_until(lambda: len(fake_twilio_api.sent) == len(STAFF_NUMBERS), timeout=30,
                   what="the new worker to page staff")
        assert {m.form["To"] for m in fake_twilio_api.sent} == set(STAFF_NUMBERS)
        assert all(reference.group() in m.form["Body"] for m in fake_twilio_api.sent)

        kill_tree(web)  # the web server and its workers, at once
        wait_until(lambda: child(serve_pid, "gunicorn") not in {None, web}, timeout=20,
                   what="serve to start the web server again")

        def answers() -> bool:
            with contextlib.suppress(requests.RequestException):
                return requests.get(server.url + "/healthz", timeout=2).status_code == 200
            return False

        wait_until(answers, timeout=30, what="the new web server to answer")
        assert "<Message>" in text(server.url, "what is nh", "+15554300002")
        everything = [serve_pid, *descendants(serve_pid)]

        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=20) == 0
    alive = [pid for pid in everything if Path(f"/proc/{pid}").exists() and
             "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
    assert not alive, [cmdline(pid) for pid in alive]
    log = server.log.read_text()
    assert "starting it again" in log and "Traceback" not in log, log[-3000:]


def test_serve_stops_when_its_web_server_cannot_start(redis_url: str) -> None:
    """A port already taken is a mistake to fix, not a crash to retry for ever."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "REDIS_URL": redis_url, "BOT_ENV": "test",
               "SECRET_KEY": "test-secret-key", "REDIS_KEY_PREFIX": f"sv{uuid.uuid4().hex[:6]}:"}
        result = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", str(port),
                                 "--workers", "1"], cwd=REPO, env=env, capture_output=True,
                                text=True, timeout=90)
    assert result.returncode == 1
    assert "Address already in use" in result.stderr
    assert "exited with code 1 as it started: stopping" in result.stderr
    assert "starting it again" not in result.stderr
