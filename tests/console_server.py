"""Helpers for the console tests: a logged-in staff member on Flask's test client, the
worker's environment, RQ jobs run by a real worker, and the app served on loopback."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from flask import Flask
from werkzeug.serving import make_server

from bot.console.users import StaffUsers
from bot.jobs.queue import queue_name, queue_names
from bot.records.keys import Keys
from bot.settings import Settings
from tests.conftest import AUTH_TOKEN
from tests.helpers import FakeTwilioApi

STAFF, PASSWORD = "dana", "correct horse battery"
ACCOUNT_SID = "AC" + "0" * 32
SUPPORT_LINE = "+15005550006"
STAFF_NUMBERS = ("+15005550101", "+15005550102")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class StaffClient:
    """A staff member in a browser, played by Flask's test client: forms carry the CSRF
    token of the page they were on."""

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()
        self.page = ""

    def get(self, path: str, **kwargs: Any) -> Any:
        response = self.client.get(path, **kwargs)
        if response.mimetype == "text/html":
            self.page = response.get_data(as_text=True)
        return response

    def post(self, path: str, data: dict[str, str] | None = None, *, token: bool = True,
             **kwargs: Any) -> Any:
        form = dict(data or {})
        if token:
            form.setdefault("csrf_token", csrf_token(self.page))
        response = self.client.post(path, data=form, **kwargs)
        if response.mimetype == "text/html":
            self.page = response.get_data(as_text=True)
        return response

    def login(self, name: str = STAFF, password: str = PASSWORD) -> Any:
        self.get("/staff/login")
        return self.post("/staff/login", {"name": name, "password": password})

    def follow(self, response: Any) -> Any:
        assert response.status_code in {302, 303}, response.status_code
        return self.get(response.headers["Location"])


def add_staff(client: redis.Redis, settings: Settings, name: str = STAFF,
              password: str = PASSWORD) -> None:
    StaffUsers(client, Keys(settings.key_prefix)).add(name, password)


def worker_environment(api: FakeTwilioApi, redis_url: str, **extra: str) -> dict[str, str]:
    """What `python -m bot worker` reads: Twilio pointed at the fake API."""
    env = {
        "BOT_ENV": "test",
        "REDIS_URL": redis_url,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_PHONE_NUMBER": SUPPORT_LINE,
        "TWILIO_API_BASE_URL": api.base_url,
        "STAFF_NOTIFY_NUMBERS": ",".join(STAFF_NUMBERS),
        "CONSOLE_BASE_URL": "https://console.example.org",
    }
    env.update(extra)
    return env


def use_worker_environment(monkeypatch: pytest.MonkeyPatch, api: FakeTwilioApi,
                           redis_url: str, **extra: str) -> None:
    for name, value in worker_environment(api, redis_url, **extra).items():
        monkeypatch.setenv(name, value)


def run_jobs(client: redis.Redis, settings: Settings, *, with_scheduler: bool = False) -> None:
    """Run what is due on the outbound queue with a real RQ worker, then return."""
    from rq import Queue

    queues = [Queue(name, connection=client) for name in queue_names(settings.key_prefix)]
    BurstWorker(queues, connection=client).work(burst=True, with_scheduler=with_scheduler)


def _burst_worker() -> type:
    from rq import SimpleWorker

    class Burst(SimpleWorker):  # type: ignore[misc]
        """RQ's SimpleWorker without its command channel: a burst needs no `rq` commands,
        and its pubsub thread can hold up the end of a burst for a minute."""

        def subscribe(self) -> None:
            pass

        def unsubscribe(self) -> None:
            pass

    return Burst


BurstWorker = _burst_worker()


def outbound_queue(client: redis.Redis, settings: Settings) -> Any:
    from rq import Queue

    return Queue(queue_name(settings.key_prefix), connection=client)


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app on a real socket on 127.0.0.1; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
