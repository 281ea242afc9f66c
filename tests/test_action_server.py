"""Custom actions on a real rasa_sdk action server (`ACTION_SERVER_URL`): the same
conversation, refill included, goes exactly as with the actions run in-process."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from bot.engine.assembly import StartupError
from bot.engine.runner import HttpRunner
from bot.parts import build_parts
from bot.records.keys import Keys
from bot.records.refills import RefillStore
from bot.settings import Settings
from tests.chat import Chat, Server, free_port, server_environment, serving
from tests.conftest import make_settings

CONVERSATION = [
    "hi",
    "what is ivig",
    "i need a refill",
    "12",
    "what is nh",
    "1234567",
    "March 14, 1990",
    "how much does it cost",
    "no",
]


@pytest.fixture()
def action_server(redis_url, settings: Settings, tmp_path) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    port = free_port()
    command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]
    env = server_environment(redis_url, settings.key_prefix)
    with serving(command, env, tmp_path / "actions.log", port, "/health") as server:
        yield server


def _conversation(chat: Chat) -> list[list[str | None]]:
    return [chat.responses(text) for text in CONVERSATION]


def test_a_conversation_with_a_refill_goes_the_same_on_the_action_server(
        action_server, redis_url, clock, redis_client, services):  # type: ignore[no-untyped-def]
    remote_settings = make_settings(redis_url, ACTION_SERVER_URL=action_server.url)
    remote = build_parts(remote_settings, clock=clock)
    assert isinstance(remote.processor.runner, HttpRunner)

    in_process = _conversation(Chat(services.processor, sender="+15550001111"))
    over_http = _conversation(Chat(remote.processor, sender="+15550002222"))
    assert over_http == in_process
    assert ["utter_refill_submitted"] in over_http
    refills = RefillStore(redis_client, Keys(remote_settings.key_prefix)).recent()
    assert sorted((r.phone, r.date_of_birth, r.prescription_number) for r in refills) == [
        ("+15550001111", "1990-03-14", "1234567"),
        ("+15550002222", "1990-03-14", "1234567"),  # validated on the server: it had the domain
    ]
    assert "Traceback" not in action_server.output()


def test_start_up_stops_when_the_action_server_cannot_be_reached(redis_url, clock):
    settings = make_settings(redis_url, ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StartupError, match="ACTION_SERVER_URL"):
        build_parts(settings, clock=clock)
