"""In a real Chromium, at desktop and phone width: a specialist sees a patient's reply
within seconds (queue and open page) and gets a text for it; the transcript reads in the
order the patient saw; nothing configured is said calmly; a web chat visitor is named so;
a manager reads last week's figures from the charts and exports them. Screenshots go to
test-output/."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.app import create_app
from bot.console.users import StaffUsers
from bot.parts import build_parts
from tests.conftest import AUTH_TOKEN, make_settings
from tests.console_server import PASSWORD, STAFF, add_staff, served, worker_environment
from tests.helpers import PATIENT, FakeClock, FakeTwilioApi, sms_params
from tests.test_browser import OUTPUT, VISIBLE_EVERY, Live, Patient, _browser_or_skip, chromium, log_in, wait_for

pytestmark = pytest.mark.browser

DANA_PHONE = "+15005550199"
PHONE = {"width": 375, "height": 740}


@contextmanager
def line(redis_url: str, engine: Any, redis_client: Any, api: FakeTwilioApi, tmp_path: Any,
         clock: FakeClock, **worker_env: str) -> Iterator[Live]:
    """The app on a real port with a clock the test moves, and a real worker process."""
    _browser_or_skip()
    settings = make_settings(redis_url, TWILIO_API_BASE_URL=api.base_url, **worker_env)
    add_staff(redis_client, settings)
    parts = build_parts(settings, engine=engine, clock=clock)
    StaffUsers(redis_client, parts.keys).add(STAFF, PASSWORD, phone=DANA_PHONE)
    env = {**os.environ, **worker_environment(api, redis_url, **worker_env)}
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env,
                              cwd=settings.project_dir, stdout=log, stderr=subprocess.STDOUT)
    try:
        with served(create_app(settings, parts=parts)) as base_url:
            yield Live(base_url, parts)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()


@pytest.fixture()
def start_line(redis_url, engine, redis_client, fake_twilio_api, tmp_path):  # type: ignore[no-untyped-def]
    clock = FakeClock(time.time())
    stack: list[Any] = []

    def start(**worker_env: str) -> tuple[Live, FakeClock]:
        context = line(redis_url, engine, redis_client, fake_twilio_api, tmp_path, clock, **worker_env)
        stack.append(context)
        return context.__enter__(), clock

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def shot(page: Any, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def test_a_patients_reply_reaches_the_specialist_within_seconds_and_by_text(
        start_line: Callable[..., tuple[Live, FakeClock]], fake_twilio_api: FakeTwilioApi) -> None:
    from playwright.sync_api import expect

    live, clock = start_line()
    patient = Patient(live.url)
    replies = patient.says("my baby is not breathing")  # a first text: 911 first, then the intro
    reference = live.services.escalations.open_queue()[0].reference
    wait_for(lambda: len(fake_twilio_api.sent) >= 2)  # the urgent page to the staff numbers
    with chromium() as browser:
        page = browser.new_page()
        page.clock.install()  # its timers run on, and the next poll can be brought forward
        page.set_default_timeout(20_000)
        page.goto(f"{live.url}/staff/")
        log_in(page)
        row = page.locator("#queue-rows tr", has=page.get_by_role("link", name=reference))
        expect(row).to_contain_text("Patient: my baby is not breathing")
        expect(row.locator('[data-label="Waiting"]')).not_to_have_text("answered")

        # The transcript, in the order the patient saw it.
        page.get_by_role("link", name=reference).click()
        said = page.locator("#transcript li")
        expect(said.nth(0)).to_have_class("from-patient")
        expect(said.nth(1)).to_contain_text(replies[0][:40])  # 911 first, as it was sent
        expect(said.nth(2)).to_contain_text("pharmacy team has been alerted")
        expect(said.nth(3)).to_contain_text("automated assistant")
        page.get_by_role("button", name="Claim").click()
        expect(page.get_by_text(f"You have claimed {reference}")).to_be_visible()

        # Dana is drafting a reply when the patient writes again: it appears by itself,
        # is announced, and the draft is untouched.
        draft = "Hi, this is Dana. How is she"
        page.get_by_label("Message to the patient").fill(draft)
        clock.advance(6 * 60)  # past the pacing gap after the page
        patient.says("she seems better now, we are with the doctor")
        page.clock.fast_forward(VISIBLE_EVERY)  # the page's own next poll, not one asked for
        expect(page.locator("#transcript li.from-patient").last).to_contain_text("with the doctor")
        expect(page.locator("#transcript-status")).to_contain_text("New message from the patient")
        expect(page.get_by_label("Message to the patient")).to_have_value(draft)
        shot(page, "console-escalation-live-reply")

        # And Dana's phone gets a text that says only what to open.
        wait_for(lambda: fake_twilio_api.bodies_to(DANA_PHONE) != [])
        [text] = fake_twilio_api.bodies_to(DANA_PHONE)
        assert text == (f"NH Support Line: URGENT, patient replied on {reference} (SMS). "
                        f"Open the console: https://console.example.org/staff/escalations/{reference}")

        # A colleague's view of the queue marks it, updating itself.
        other = browser.new_page()
        other.context.add_cookies(page.context.cookies())
        other.clock.install()
        other.goto(f"{live.url}/staff/")
        live.services.escalations.claim(reference, "lee")  # so Dana's open page does not clear it
        clock.advance(6 * 60)
        patient.says("we are at the hospital now")
        other.clock.fast_forward(VISIBLE_EVERY)
        other_row = other.locator("#queue-rows tr", has=other.get_by_role("link", name=reference))
        expect(other_row.locator(".badge.replied")).to_have_text("Patient replied")
        expect(other_row).to_contain_text("Patient: we are at the hospital now")
        expect(other.locator("#queue-status")).to_contain_text(f"Patient replied: {reference}.")
        shot(other, "console-queue-patient-replied")
        other.close()

        # At phone width: the mark, the preview and the new message, without sideways scrolling.
        phone = browser.new_page(viewport=PHONE)
        phone.context.add_cookies(page.context.cookies())
        phone.clock.install()
        phone.goto(f"{live.url}/staff/")
        phone_row = phone.locator("#queue-rows tr", has=phone.get_by_role("link", name=reference))
        expect(phone_row.locator(".badge.replied")).to_be_visible()
        assert fits(phone)
        shot(phone, "console-queue-patient-replied-phone")
        phone.get_by_role("link", name=reference).click()
        clock.advance(6 * 60)
        patient.says("thank you for checking on us")
        phone.clock.fast_forward(VISIBLE_EVERY)
        expect(phone.locator("#transcript li.from-patient").last).to_contain_text("thank you for checking on us")
        assert fits(phone)
        shot(phone, "console-escalation-live-reply-phone")
        phone.close()
    assert PATIENT not in " ".join(m.form["Body"] for m in fake_twilio_api.sent)


def test_nothing_configured_is_said_calmly_and_a_web_chat_visitor_is_named(
        start_line: Callable[..., tuple[Live, FakeClock]], fake_twilio_api: FakeTwilioApi) -> None:
    from playwright.sync_api import expect

    live, _ = start_line(STAFF_NOTIFY_NUMBERS="")
    answer = requests.post(f"{live.url}/webhooks/rest/webhook", timeout=10,
                           json={"sender": "visitor-7", "message": "can I talk to a pharmacist"}).json()
    reference = re.search(r"E-\d+", " ".join(m["text"] for m in answer)).group(0)  # type: ignore[union-attr]
    wait_for(lambda: live.services.escalations.get(reference).notify_status == "not_configured")
    with chromium() as browser:
        for name, viewport in (("", {"width": 1280, "height": 800}), ("-phone", PHONE)):
            page = browser.new_page(viewport=viewport)
            page.set_default_timeout(20_000)
            page.goto(f"{live.url}/staff/escalations/{reference}")
            log_in(page, lands_on=None)
            calm = "not configured (no staff numbers to text: set STAFF_NOTIFY_NUMBERS"
            expect(page.get_by_text(calm)).to_be_visible()
            expect(page.get_by_role("alert")).to_have_count(0)
            expect(page.get_by_text("none: web chat visitor")).to_be_visible()
            assert fits(page)
            shot(page, f"console-not-configured{name}")
            page.get_by_role("navigation").get_by_role("link", name="Queue").click()
            row = page.locator("#queue-rows tr", has=page.get_by_role("link", name=reference))
            expect(row.locator('[data-label="Patient"]')).to_contain_text("web chat visitor")
            expect(row).not_to_contain_text("FAILED")
            assert "***" not in row.inner_text()
            shot(page, f"console-queue-web-chat{name}")
            page.close()


class Texter(Patient):
    """Any patient, by number: signed webhooks as Twilio sends them."""

    def says_as(self, text: str, sender: str) -> list[str]:
        params = sms_params(text, sender)
        signature = RequestValidator(AUTH_TOKEN).compute_signature(self.url, params)
        response = requests.post(self.url, data=params, timeout=10,
                                 headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200, response.text
        return [m.text or "" for m in ET.fromstring(response.text).findall("./Message")]


def a_week_on_the_line(live: Live, clock: FakeClock) -> None:
    """Last week: a few patients a day, some muddles, an emergency, escalations answered."""
    patient = Texter(live.url)
    now = clock.now
    for back in range(7, 0, -1):
        clock.now = now - back * 86400
        for n in range(back % 3 + 1):
            sender = f"+1555010{back}{n:02d}"
            patient.says_as("what is nh", sender)
            patient.says_as("the other one", sender)  # not understood
        if back == 3:
            patient.says_as("my baby is not breathing", "+15550109999")
        reference = live.services.escalations.open(
            sender_id=f"+155502000{back}", phone=f"+155502000{back}", channel="twilio_sms",
            reason="patient asked for a person").reference
        clock.advance(back * 60)
        live.services.escalations.claim(reference, STAFF)
        clock.advance(20 * 60)
        live.services.escalations.resolve(reference, STAFF, "answered")
    clock.now = now


def test_a_manager_reads_last_weeks_figures_from_the_charts_and_exports_them(
        start_line: Callable[..., tuple[Live, FakeClock]]) -> None:
    from playwright.sync_api import expect

    live, clock = start_line()
    a_week_on_the_line(live, clock)
    with chromium() as browser:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{live.url}/staff/")
        log_in(page)
        page.get_by_role("navigation").get_by_role("link", name="Analytics").click()
        expect(page.get_by_role("heading", name="How the line is doing")).to_be_visible()
        page.get_by_role("link", name="Last 7 days").click()
        for title in ("Messages by day", "Conversations by day", "Topics",
                      "Fallback and clarification rate", "Emergencies, escalations, refills and opt-outs",
                      "Time to answer"):
            expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        images = page.locator("section.chart img")
        expect(images).to_have_count(6)
        wait_for(lambda: page.evaluate(
            "Array.from(document.querySelectorAll('section.chart img')).every(i => i.complete && i.naturalWidth > 0)"))
        # The same figures for a screen reader, as tables.
        topics = page.get_by_role("table", name="Topics")
        expect(topics.get_by_role("row", name=re.compile("What NH is"))).to_have_count(1)
        expect(page.get_by_role("table", name="Time to answer (min)")).to_contain_text("Claimed")
        shot(page, "console-analytics")

        with page.expect_download() as download:
            page.get_by_role("link", name="Download these figures (CSV)").click()
        rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))  # noqa: SIM115
        assert len(rows) == 8 and rows[-1]["date"] == "all days"
        assert int(rows[-1]["messages"]) > 0 and rows[-1]["emergencies"] == "1"
        assert rows[-1]["escalations opened"] == "7"  # six asked for, one emergency

        # A narrower range from the form.
        first = page.get_by_label("From")
        first.fill(rows[-2]["date"])
        page.get_by_role("button", name="Show").click()
        expect(page).to_have_url(re.compile(r"from=" + rows[-2]["date"]))

        # At phone width, each chart is drawn for the phone, and nothing scrolls sideways.
        phone = context.new_page()
        phone.set_viewport_size(PHONE)
        phone.goto(f"{live.url}/staff/analytics")
        wait_for(lambda: phone.evaluate(
            "Array.from(document.querySelectorAll('section.chart img')).every(i => i.complete && i.naturalWidth > 0)"))
        assert all("-narrow.svg" in src for src in phone.evaluate(
            "Array.from(document.querySelectorAll('section.chart img')).map(i => i.currentSrc)"))
        shot(phone, "console-analytics-phone")
        assert fits(phone)
        assert "555" not in page.content()  # aggregates: no number anywhere
