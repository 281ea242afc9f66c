"""Helpers for the dialogue, store, REST and action server tests: a patient chatting with
a processor, replies matched against the domain's responses, and app servers run as
separate processes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bot.dialogue.domain import Domain
from bot.engine.messages import BotReply, UserMessage
from bot.engine.processor import MessageProcessor
from tests.helpers import PATIENT
from tests.sensitive import SENSITIVE

REPO = Path(__file__).resolve().parent.parent
_PLACEHOLDER = re.compile(r"\{\w+\}")


@dataclass
class Chat:
    """One patient talking to a processor."""

    processor: MessageProcessor
    sender: str = PATIENT
    channel: str = "rest"
    replies: list[list[BotReply]] = field(default_factory=list)

    def turn(self, text: str) -> list[BotReply]:
        """Send a message; Rasa's `/intent` shortcuts stand for pressing one of our
        buttons (typed text is never read as one)."""
        result = self.processor.handle_message(UserMessage(
            text=text, sender_id=self.sender, input_channel=self.channel,
            metadata={"phone": self.sender, "channel": self.channel},
            payload=text if text.startswith("/") else None))
        self.replies.append(result.replies)
        return result.replies

    def say(self, text: str) -> list[str]:
        """The texts the bot answers with."""
        return [reply.text for reply in self.turn(text)]

    def responses(self, text: str) -> list[str | None]:
        """The names of the responses the bot answers with."""
        return [reply.response for reply in self.turn(text)]

    def events(self) -> list[dict[str, Any]]:
        return self.processor.store.load(self.sender).events  # type: ignore[attr-defined]


def response_pattern(domain: Domain, name: str) -> re.Pattern[str]:
    """Any variation of a response, its `{slot}` placeholders standing for any text."""
    variations = [re.escape(v["text"]).replace(r"\{", "{").replace(r"\}", "}")
                  for v in domain.responses[name] if v.get("text")]
    alternatives = [_PLACEHOLDER.sub(".+?", variation) for variation in variations]
    return re.compile("|".join(f"(?:{alternative})" for alternative in alternatives))


def said(domain: Domain, texts: list[str], name: str) -> bool:
    """Is one of these texts the response `name`?"""
    pattern = response_pattern(domain, name)
    return any(pattern.fullmatch(text) for text in texts)


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.01)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(redis_url: str, prefix: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "REDIS_URL": redis_url, "REDIS_KEY_PREFIX": prefix, "BOT_ENV": "test",
           "SECRET_KEY": "test-secret-key", "SUPPORT_PHONE": "1-800-555-0100",
           "TWILIO_AUTH_TOKEN": "test-auth-token-0123456789abcdef", "PYTHONUNBUFFERED": "1",
           "REST_RATE_LIMIT_PER_MINUTE": "0"}
    env.update(extra)
    return env


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@contextmanager
def serving(command: list[str], env: dict[str, str], log: Path, port: int, ready_path: str,
            timeout: float = 30.0) -> Iterator[Server]:
    """Run a server process until the block ends; wait until `ready_path` answers 200."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    SENSITIVE.watch_file(log)  # its output must hold no PHI either
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"{command[2:4]} exited:\n{server.output()}")
            try:
                if requests.get(server.url + ready_path, timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{command[2:4]} not ready:\n{server.output()}")
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gunicorn(port: int, workers: int = 2) -> list[str]:
    """The Procfile's `web` process on a port of its own."""
    return [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "bot.wsgi:app"]
