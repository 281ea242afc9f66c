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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.app import create_app
from bot.parts import Parts, build_parts
from bot.privacy import mask_phone
from bot.records.escalations import URGENT
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


@dataclass
class Live:
    url: str
    services: Parts  # to open and claim escalations behind the browser's back


@pytest.fixture()
def live(redis_url, engine, redis_client, fake_twilio_api, tmp_path) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    """The app on a real port, and a real worker process on the same Redis."""
    _browser_or_skip()
    settings = make_settings(redis_url, TWILIO_API_BASE_URL=fake_twilio_api.base_url)
    add_staff(redis_client, settings)
    services = build_parts(settings, engine=engine)
    app = create_app(settings, parts=services)
    env = {**os.environ, **worker_environment(fake_twilio_api, redis_url)}
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env,
                              cwd=settings.project_dir, stdout=log, stderr=subprocess.STDOUT)
    try:
        with served(app) as base_url:
            yield Live(base_url, services)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    expect.set_options(timeout=20_000)  # the queue polls every few seconds
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def log_in(page: Any, *, lands_on: str | None = "Escalation queue") -> None:
    """Log in from the login page; `lands_on`: the heading of the page it leads to (None
    when a deep link sent us to log in, and the test looks for itself)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Staff login")).to_be_visible()
    page.get_by_label("Name").fill(STAFF)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if lands_on:
        expect(page.get_by_role("heading", name=lands_on)).to_be_visible()


# How often the queue and an escalation page poll by themselves (bot/console/static/*.js):
# tests bring the next poll forward on Playwright's clock instead of waiting for it.
VISIBLE_EVERY, HIDDEN_EVERY = 5_000, 15_000


def poll(page: Any, times: int = 1) -> None:
    """Have the queue poll now (as when its tab comes back into view), and wait until it has."""
    for _ in range(times):
        before = int(page.get_attribute("#queue", "data-polls") or 0)
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        wait_for(lambda: int(page.get_attribute("#queue", "data-polls") or 0) > before)  # noqa: B023


def focused_href(page: Any) -> str | None:
    return page.evaluate("document.activeElement.getAttribute('href')")  # type: ignore[no-any-return]


def test_a_specialist_works_an_escalation_from_login_to_resolution(
        live: Live, fake_twilio_api: FakeTwilioApi) -> None:
    from playwright.sync_api import expect

    patient = Patient(live.url)
    with chromium() as browser:
        page = browser.new_page()
        page.clock.install()  # its timers run on, and the next poll can be brought forward
        page.set_default_timeout(20_000)

        # Nothing without logging in.
        page.goto(f"{live.url}/staff/")
        log_in(page)
        expect(page.get_by_text("No one is waiting.")).to_be_visible()

        # The patient asks for a person; the open queue page shows it without a reload.
        replies = " ".join(patient.says("can I talk to a pharmacist"))
        reference = re.search(r"E-\d+", replies).group(0)  # type: ignore[union-attr]
        page.clock.fast_forward(VISIBLE_EVERY)  # the page's own next poll, not one asked for
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
        phone.goto(f"{live.url}/staff/")
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
        expect(page.locator("#flashes")).to_be_focused()  # read out at once

        # Words SMS cannot carry: the counter says so, the server refuses, the draft stays.
        message = page.get_by_label("Message to the patient")
        mixed = "Xin chào, đây là nhà thuốc. 您好，我们会给您回电话。 Sam"
        message.fill(mixed)
        expect(page.locator("#message-count")).to_contain_text("Cannot be sent by text")
        page.get_by_role("button", name="Send text").click()
        expect(page.get_by_role("alert").filter(
            has_text="These characters cannot be sent by text")).to_be_visible()
        expect(message).to_have_value(mixed)
        expect(message).to_be_focused()
        assert page.title().startswith("Error: ")
        page.screenshot(path=str(OUTPUT / "console-reply-refused.png"), full_page=True)

        message.fill("Hi, this is Dana at the pharmacy. I will call you in ten minutes.")
        expect(page.locator("#message-count")).to_contain_text("65 of 306 characters (1 text).")
        page.get_by_role("button", name="Send text").click()
        expect(page.get_by_text("Your text is on its way")).to_be_visible()
        wait_for(lambda: fake_twilio_api.bodies_to(PATIENT) != [])
        assert fake_twilio_api.bodies_to(PATIENT) == [
            "Hi, this is Dana at the pharmacy. I will call you in ten minutes."]
        page.reload()
        expect(page.get_by_text("Text sent")).to_be_visible()

        # The patient's texts meanwhile go to the specialist, not the bot (which stays
        # quiet: a specialist is already talking with them).
        assert patient.says("ok thank you, I will wait") == []
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


def open_escalation(services: Parts, phone: str, urgency: str = "normal") -> str:
    return services.escalations.open(sender_id=phone, phone=phone, channel="twilio_sms",
                                     reason="patient asked for a person",
                                     urgency=urgency).reference


def test_the_queue_updates_without_losing_focus_and_says_when_it_cannot(live: Live) -> None:
    from playwright.sync_api import expect

    title = " - NH Support Line staff"
    with chromium() as browser:
        context = browser.new_context()  # its tabs share the staff session
        context.clock.install()  # its timers run on, and the next poll can be brought forward
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{live.url}/staff/")
        log_in(page)
        expect(page).to_have_title("Queue" + title)
        status = page.locator("#queue-status")

        first = open_escalation(live.services, "+15550000001")
        poll(page)
        expect(page).to_have_title("(1) Queue" + title)
        expect(status).to_have_text(f"1 waiting. New: {first}.")

        # Nothing changed: the status line is not rewritten (nor read out again), and the
        # focused link stays the very same element, from the page as the server sent it on.
        page.reload()
        link = page.get_by_role("link", name=first)
        link.focus()
        href = link.get_attribute("href")
        page.evaluate("""window.focusedLink = document.activeElement;
            window.statusChanges = 0; new MutationObserver(() => window.statusChanges++)
            .observe(document.getElementById('queue-status'),
                     {childList: true, characterData: true, subtree: true})""")
        poll(page, times=2)
        assert page.evaluate("window.statusChanges") == 0
        assert page.evaluate("document.activeElement === window.focusedLink")

        # A new urgent escalation: the title and the status line say so, focus stays.
        second = open_escalation(live.services, "+15550000002", URGENT)
        page.clock.fast_forward(VISIBLE_EVERY)  # the page's own next poll, not one asked for
        expect(page).to_have_title("(2, 1 URGENT) Queue" + title)
        expect(status).to_have_text(f"2 waiting, 1 urgent. New: {second} (urgent).")
        assert page.evaluate("document.activeElement === window.focusedLink")
        # Even the focused row changing (a colleague claims it) leaves focus on its link.
        live.services.escalations.claim(first, "lee")
        page.clock.fast_forward(VISIBLE_EVERY)
        expect(page.locator("#queue-rows tr", has=link)).to_contain_text("lee")
        assert focused_href(page) == href

        # A background tab keeps polling; its title shows the count.
        page.evaluate("Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})")
        open_escalation(live.services, "+15550000003")
        page.clock.fast_forward(HIDDEN_EVERY)
        expect(page).to_have_title("(3, 1 URGENT) Queue" + title)
        page.evaluate("delete document.hidden")

        # The server failing: after a second failure an alert says the list is not updating.
        page.route("**/staff/queue.json", lambda route: route.fulfill(status=503, body="down"))
        poll(page, times=2)
        alert = page.locator("#queue-alert")
        expect(alert).to_be_visible()
        expect(alert).to_have_attribute("role", "alert")
        expect(alert).to_contain_text("The queue is not updating")
        assert page.title().startswith("(not updating)")
        page.screenshot(path=str(OUTPUT / "console-queue-not-updating.png"), full_page=True)
        page.unroute("**/staff/queue.json")
        poll(page)
        expect(alert).to_be_hidden()
        expect(status).to_contain_text("The queue is updating again.")

        # Taking over from a colleague asks first.
        link.click()
        expect(page.get_by_text("Claimed by lee.")).to_be_visible()
        page.screenshot(path=str(OUTPUT / "console-claimed-by-another.png"), full_page=True)
        take_over = page.get_by_role("button", name="Take over from lee")
        page.once("dialog", lambda dialog: dialog.dismiss())
        take_over.click()
        expect(take_over).to_be_visible()
        assert live.services.escalations.get(first).assignee == "lee"
        page.once("dialog", lambda dialog: dialog.accept())
        take_over.click()
        expect(page.get_by_text(f"You have claimed {first}")).to_be_visible()
        assert live.services.escalations.get(first).assignee == STAFF

        # Logged out in another tab: the queue goes to the login page, and back after it.
        page.get_by_role("navigation").get_by_role("link", name="Queue").click()
        expect(page.get_by_role("link", name=second)).to_be_visible()
        other = context.new_page()
        other.goto(f"{live.url}/staff/refills")
        other.get_by_role("button", name="Log out").click()
        expect(other.get_by_text("You are logged out")).to_be_visible()
        poll_or_leave = "document.dispatchEvent(new Event('visibilitychange'))"
        page.evaluate(poll_or_leave)
        expect(page).to_have_url(re.compile(r"/staff/login\?next=/staff/$"))
        log_in(page)
        expect(page).to_have_url(re.compile(r"/staff/$"))
