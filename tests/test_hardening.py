"""The attacks of a security review, repeated on the real processes: the Procfile's `web`
line (gunicorn with gunicorn.conf.py and nothing else configured), reached over HTTP on
loopback from two different addresses (127.0.0.1 and 127.0.0.2 are both this machine).

What they found: a client that reaches the app directly forges `X-Forwarded-For` past
the login throttle, the REST rate limit and the audit log; one name locked out for
everyone by anyone; the access log holding query strings; an audit cursor answered as a
database outage; no HSTS on HTTPS; start-up errors as 45-line tracebacks.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
import requests
from requests.adapters import HTTPAdapter
from twilio.request_validator import RequestValidator

from bot.console.audit import AuditLog
from bot.console.users import StaffUsers
from bot.parts import build_parts
from bot.records.keys import Keys
from tests.chat import REPO, Server, free_port, server_environment, serving, wait_until
from tests.conftest import AUTH_TOKEN, make_settings
from tests.console_server import STAFF_NUMBERS, worker_environment
from tests.helpers import sms_params
from tests.sensitive import SENSITIVE

pytestmark = pytest.mark.slow

STAFF, PASSWORD = "dana", "correct horse battery"
WEB = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "bot.wsgi:app"]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class FromAddress(HTTPAdapter):
    """Connections from a loopback address of our choosing: another client machine."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@dataclass
class Line:
    server: Server
    keys: Keys

    @property
    def url(self) -> str:
        return self.server.url

    def browser(self, address: str = "127.0.0.1") -> Browser:
        return Browser(self.url, address)

    def audit(self, client: redis.Redis) -> list[tuple[str, str, str]]:
        entries, _ = AuditLog(client, self.keys).page(count=200)
        return [(entry.who, entry.action, entry.address) for entry in entries]


class Browser:
    """A staff member's browser on one machine: cookies, the login form's CSRF token."""

    def __init__(self, base: str, address: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.mount("http://", FromAddress(address))
        page = self.session.get(f"{base}/staff/login", timeout=10).text
        match = _CSRF.search(page)
        assert match, page[:300]
        self.token = match.group(1)

    def login(self, name: str, password: str, **headers: str) -> requests.Response:
        return self.session.post(f"{self.base}/staff/login", timeout=30, allow_redirects=False,
                                 data={"name": name, "password": password, "csrf_token": self.token},
                                 headers=headers)

    def get(self, path: str, **headers: str) -> requests.Response:
        return self.session.get(f"{self.base}{path}", timeout=10, allow_redirects=False,
                                headers=headers)


@pytest.fixture(scope="module")
def line(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Line]:
    """The Procfile's `web` process as a new operator starts it: PORT and nothing about
    proxies or addresses. Plain-http cookies, so that a browser over http keeps them."""
    port = free_port()
    prefix = f"hard{uuid.uuid4().hex[:6]}:"
    env = server_environment(redis_url, prefix, PORT=str(port), WEB_CONCURRENCY="2",
                             ACCESS_LOG="-", REST_RATE_LIMIT_PER_MINUTE="3",
                             CONSOLE_SECURE_COOKIES="false")
    for name in ("BIND", "TRUSTED_PROXY_HOPS"):
        env.pop(name, None)
    log = tmp_path_factory.mktemp("hardening") / "web.log"
    with serving(WEB, env, log, port, "/healthz") as server:
        yield Line(server, Keys(prefix))


@pytest.fixture()
def staff(line: Line, redis_client: redis.Redis) -> str:
    """A clean Redis with one staff member (every test starts from nothing)."""
    StaffUsers(redis_client, line.keys).add(STAFF, PASSWORD)
    return STAFF


# -- finding 2: addresses that cannot be forged ------------------------------------------------
def test_the_web_process_listens_on_loopback_unless_bind_says_otherwise(line):
    port = line.url.rsplit(":", 1)[1]
    started = line.server.log.read_text()
    assert f"Listening at: http://127.0.0.1:{port}" in started
    assert "0.0.0.0" not in started


def test_a_forged_x_forwarded_for_does_not_get_past_the_login_throttle(line, staff, redis_client):
    browser = line.browser()
    codes = []
    for number in range(25):  # a new name and a new "address" every time
        forged = f"203.0.113.{number}"
        codes.append(browser.login(f"guess{number}", "a guess at it",
                                   **{"X-Forwarded-For": forged}).status_code)
    assert 429 in codes, codes  # one client address, throttled as one
    assert set(codes) <= {401, 429}
    addresses = {address for _, action, address in line.audit(redis_client)
                 if action.startswith("login")}
    assert addresses == {"127.0.0.1"}  # the audit log names the real address


def test_a_forged_x_forwarded_for_does_not_get_past_the_rest_rate_limit(line, redis_client):
    codes = [requests.post(f"{line.url}/webhooks/rest/webhook", timeout=30,
                           json={"sender": f"web-{n}", "message": "what is nh"},
                           headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
             for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]  # REST_RATE_LIMIT_PER_MINUTE=3, one address


# -- finding 7: a lockout that others cannot impose ----------------------------------------------
def test_wrong_passwords_from_one_machine_do_not_lock_the_staff_member_out_of_their_own(
        line, staff):
    attacker = line.browser("127.0.0.2")
    codes = [attacker.login(STAFF, "a wrong guess").status_code for _ in range(8)]
    assert codes[-1] == 429  # that machine is locked out of this name
    assert "Too many tries" in attacker.login(STAFF, PASSWORD).text  # even with the password
    own = line.browser("127.0.0.1")
    assert own.login(STAFF, PASSWORD).status_code == 302
    assert own.get("/staff/").status_code == 200


# -- finding 8: a bad audit cursor is the client's mistake ----------------------------------------
def test_an_audit_page_before_0_0_is_a_400_not_a_database_outage(line, staff):
    browser = line.browser()
    assert browser.login(STAFF, PASSWORD).status_code == 302
    response = browser.get("/staff/audit?before=0-0")
    assert response.status_code == 400
    assert "cannot reach its database" not in response.text
    assert "no such page of the audit log" in response.text


# -- finding 9: HSTS on HTTPS ------------------------------------------------------------------------
def test_answers_over_https_tell_browsers_to_keep_to_https(line):
    """TLS ends at the proxy in front (here: loopback, which gunicorn trusts to say so)."""
    for path in ("/staff/login", "/healthz"):
        secure = requests.get(f"{line.url}{path}", headers={"X-Forwarded-Proto": "https"},
                              timeout=10)
        assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        plain = requests.get(f"{line.url}{path}", timeout=10)
        assert "Strict-Transport-Security" not in plain.headers  # meaningless over http


# -- finding 5: the access log -----------------------------------------------------------------------
def test_the_access_log_keeps_no_query_string_and_masks_a_phone_number(line):
    number = "+15557654321"
    SENSITIVE.add_phone(number)  # the session's PHI watch reads this server's output too
    requests.get(f"{line.url}/model/parse", timeout=10,
                 params={"token": "sekrit-rest-token-123", "From": "+15551234567"})
    requests.get(f"{line.url}/staff/calls/{number}", timeout=10, allow_redirects=False)

    def logged() -> str:
        return line.server.log.read_text(errors="replace")

    wait_until(lambda: "GET /model/parse" in logged() and "GET /staff/calls/" in logged(),
               what="both requests in the access log")
    text = logged()
    assert "sekrit-rest-token-123" not in text and "token=" not in text
    assert "5551234567" not in text and "5557654321" not in text
    assert "GET /staff/calls/***4321" in text
    # The rest stays readable: who asked, what, the status, the size.
    assert re.search(r'^127\.0\.0\.1 \[.+\] "GET /model/parse HTTP/1\.1" status=405 bytes=\d+ ms=\d+$', text, re.M)


# -- finding 10: what a new operator runs into ---------------------------------------------------
PRODUCTION = {"BOT_ENV": "production", "PSEUDONYM_KEY": "a-long-random-pseudonym-key-0123",
              "SECRET_KEY": "a-long-random-secret-key-0123", "REST_API_TOKEN": "rest-token-0123456789",
              "PUBLIC_BASE_URL": "https://support.example.org", "TWILIO_AUTH_TOKEN": "test-token"}


@pytest.mark.parametrize(("change", "first_words"), [
    ({"PSEUDONYM_KEY": ""}, "error: PSEUDONYM_KEY is not set"),
    ({"REST_API_TOKEN": ""}, "error: REST_API_TOKEN is not set"),
    ({"PUBLIC_BASE_URL": ""}, "error: PUBLIC_BASE_URL is not set"),
    ({"REDIS_URL": "redis://127.0.0.1:{free}/0"}, "error: REDIS_URL: cannot reach Redis at 127.0.0.1:"),
    ({"CONSOLE_SESSION_MINUTES": "half an hour"}, "error: CONSOLE_SESSION_MINUTES must be a whole number"),
])
def test_the_web_process_refuses_to_start_in_one_line_naming_the_setting(redis_url, change,
                                                                         first_words):
    env = server_environment(redis_url, "refuse:", PORT=str(free_port()), **PRODUCTION)
    env.update({name: value.format(free=free_port()) for name, value in change.items()})
    result = subprocess.run(WEB, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    output = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode != 0
    assert len(output) == 1 and output[0].startswith(first_words), output[:8]


def test_outside_production_an_unreachable_redis_is_one_warning_naming_it(engine, clock, caplog):
    settings = make_settings(f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="bot.parts"):
        build_parts(settings, clock=clock, engine=engine)
    [warning] = [r.getMessage() for r in caplog.records if r.name == "bot.parts"]
    assert warning.startswith("REDIS_URL: cannot reach Redis at 127.0.0.1:")


def test_bot_serve_links_staff_texts_to_the_address_it_serves(redis_url, fake_twilio_api,
                                                               tmp_path):
    """No PUBLIC_BASE_URL or CONSOLE_BASE_URL (a local run): staff texts link to the
    console where `bot serve` listens, not to a port it does not."""
    port = free_port()
    env = {**os.environ, **worker_environment(fake_twilio_api, redis_url,
                                              REDIS_KEY_PREFIX=f"serve{uuid.uuid4().hex[:6]}:",
                                              PORT=str(port), SECRET_KEY="test-secret-key",
                                              PYTHONUNBUFFERED="1")}
    for name in ("CONSOLE_BASE_URL", "PUBLIC_BASE_URL"):
        env.pop(name, None)
    command = [sys.executable, "-m", "bot", "serve", "--workers", "1"]
    with serving(command, env, tmp_path / "serve.log", port, "/healthz") as server:
        url = f"{server.url}/twilio/sms"
        params = sms_params("can I talk to a pharmacist", sender="+15550104321")
        SENSITIVE.add_request(params)
        signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
        answer = requests.post(url, data=params, headers={"X-Twilio-Signature": signature},
                               timeout=30)
        reference = re.search(r"E-\d+", answer.text)
        assert answer.status_code == 200 and reference, answer.text
        wait_until(lambda: len(fake_twilio_api.sent) >= len(STAFF_NUMBERS), timeout=30,
                   what="the staff texts")
    for message in fake_twilio_api.sent:
        assert f"http://127.0.0.1:{port}/staff/escalations/{reference.group()}" in message.form["Body"]
