"""A specialist works a real escalation in a real browser: Debian's Chromium driven by
Playwright, the app served on 127.0.0.1, `python -m bot worker` sending through the
fake Twilio API, and the patient's texts arriving as signed webhooks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.app import build_services, create_app
from bot.privacy import mask_phone
from tests.conftest import AUTH_TOKEN, make_settings
from tests.console_server import (
    PASSWORD,
    STAFF,
    STAFF_NUMBERS,
    add_staff,
    served,
    worker_environment,
)
from tests.helpers import PATIENT, FakeTwilioApi, sms_params

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


def _browser_or_skip() -> None:
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed"
    if missing is None:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
    pytest.skip(missing)


class Patient:
    """Texts the support line as Twilio would: signed webhooks to the live server."""

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url}/twilio/sms"

    def says(self, text: str) -> list[str]:
        params = sms_params(text)
        signature = RequestValidator(AUTH_TOKEN).compute_signature(self.url, params)
        response = requests.post(self.url, data=params, timeout=10,
                                 headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200, response.text
        return [m.text or "" for m in ET.fromstring(response.text).findall("./Message")]


def wait_for(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


@pytest.fixture()
def live(redis_url, engine, redis_client, fake_twilio_api, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app on a real port, and a real worker process on the same Redis."""
    _browser_or_skip()
    settings = make_settings(redis_url, TWILIO_API_BASE_URL=fake_twilio_api.base_url)
    add_staff(redis_client, settings)
    app = create_app(settings, services=build_services(settings, engine=engine))
    env = {**os.environ, **worker_environment(fake_twilio_api, redis_url)}
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env,
                              cwd=settings.project_dir, stdout=log, stderr=subprocess.STDOUT)
    try:
        with served(app) as base_url:
            yield base_url
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()


def test_a_specialist_works_an_escalation_from_login_to_resolution(
        live: str, fake_twilio_api: FakeTwilioApi) -> None:
    from playwright.sync_api import expect, sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    expect.set_options(timeout=20_000)  # the queue polls every few seconds
    patient = Patient(live)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)

            # Nothing without logging in.
            page.goto(f"{live}/staff/")
            expect(page.get_by_role("heading", name="Staff login")).to_be_visible()
            page.get_by_label("Name").fill(STAFF)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="Escalation queue")).to_be_visible()
            expect(page.get_by_text("No one is waiting.")).to_be_visible()

            # The patient asks for a person; the open queue page shows it without a reload.
            replies = " ".join(patient.says("can I talk to a pharmacist"))
            reference = re.search(r"E-\d+", replies).group(0)  # type: ignore[union-attr]
            link = page.get_by_role("link", name=reference)
            expect(link).to_be_visible()
            row = page.locator("#queue-rows tr", has=link)
            expect(row).to_contain_text(mask_phone(PATIENT))
            expect(row).to_contain_text("patient asked for a person")
            assert PATIENT not in page.content()
            page.screenshot(path=str(OUTPUT / "console-queue.png"), full_page=True)

            # The staff were texted by the worker, without PHI.
            wait_for(lambda: len(fake_twilio_api.sent) >= len(STAFF_NUMBERS))
            for number in STAFF_NUMBERS:
                [note] = fake_twilio_api.bodies_to(number)
                assert reference in note and PATIENT[-4:] not in note

            # On a phone, the queue fits the screen.
            phone = browser.new_page(viewport={"width": 375, "height": 740})
            phone.context.add_cookies(page.context.cookies())
            phone.goto(f"{live}/staff/")
            expect(phone.get_by_role("link", name=reference)).to_be_visible()
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            phone.screenshot(path=str(OUTPUT / "console-queue-phone.png"), full_page=True)
            phone.get_by_role("link", name=reference).click()
            expect(phone.get_by_role("button", name="Send text")).to_be_visible()
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            phone.screenshot(path=str(OUTPUT / "console-escalation-phone.png"), full_page=True)
            phone.close()

            # Claim, reply by text, see it delivered.
            link.click()
            expect(page.get_by_role("heading", name=reference)).to_be_visible()
            expect(page.get_by_text("can I talk to a pharmacist")).to_be_visible()
            page.get_by_role("button", name="Claim").click()
            expect(page.get_by_text(f"You have claimed {reference}")).to_be_visible()
            page.get_by_label("Message to the patient").fill(
                "Hi, this is Dana at the pharmacy. I will call you in ten minutes.")
            page.get_by_role("button", name="Send text").click()
            expect(page.get_by_text("Your text is on its way")).to_be_visible()
            wait_for(lambda: fake_twilio_api.bodies_to(PATIENT) != [])
            assert fake_twilio_api.bodies_to(PATIENT) == [
                "Hi, this is Dana at the pharmacy. I will call you in ten minutes."]
            page.reload()
            expect(page.get_by_text("Text sent")).to_be_visible()

            # The patient's texts meanwhile go to the specialist, not the bot.
            ack = " ".join(patient.says("ok thank you, I will wait"))
            assert "your message was added" in ack.lower()
            page.reload()
            expect(page.get_by_text("ok thank you, I will wait")).to_be_visible()
            page.screenshot(path=str(OUTPUT / "console-escalation.png"), full_page=True)

            # Resolve: back to the queue, and the bot has the conversation again.
            page.get_by_label("How was it resolved?").fill("Called back; question answered.")
            page.get_by_role("button", name="Resolve").click()
            expect(page.get_by_text(f"{reference} is resolved")).to_be_visible()
            expect(page.get_by_role("link", name=reference)).to_have_count(0)
            answer = " ".join(patient.says("what is nh"))
            assert answer and "your message was added" not in answer.lower()

            page.get_by_role("link", name="Audit log").click()
            expect(page.locator("td", has_text="resolved").first).to_be_visible()
        finally:
            browser.close()
