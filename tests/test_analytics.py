"""The manager's figures: counted where things happen (a patient's turn, an escalation
opened, claimed, answered and resolved, a refill request, an opt-out), kept as daily
aggregates with a lifetime, shown on /staff/analytics as charts and tables, exported as
CSV, behind the login and in the audit log."""

from __future__ import annotations

import csv
import io
import re
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.console.figures import day_label
from bot.records.analytics import LIFETIME_DAYS, percentile
from tests.console_server import STAFF
from tests.helpers import PATIENT

LA = ZoneInfo("America/Los_Angeles")
OTHER = "+15557654321"
SVG = "{http://www.w3.org/2000/svg}"


def at(clock, when: str) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime.fromisoformat(when).replace(tzinfo=LA).timestamp()


# A day a little before today: counters live 400 days from their day, in real time.
MONDAY = date.today() - timedelta(days=7 + date.today().weekday())
SUNDAY, TUESDAY = MONDAY - timedelta(days=1), MONDAY + timedelta(days=1)
RANGE = f"from={SUNDAY}&to={TUESDAY}"


def a_day_on_the_line(twilio, app, services, clock) -> str:  # type: ignore[no-untyped-def]
    """A Monday in the pharmacy: questions, a muddle, an emergency, a refill, an
    opt-out, a web chat, and an escalation claimed, answered and resolved."""
    at(clock, f"{MONDAY} 10:00")
    twilio.say("what is nh")
    twilio.say("um")  # not understood: asked again
    twilio.say("will it happen again in my next pregnancy")
    twilio.say("i need a refill")
    twilio.say("7654321")
    twilio.say("03/14/1990")
    twilio.say("my baby is not breathing", OTHER)
    app.test_client().post("/webhooks/rest/webhook", json={"sender": "web-1", "message": "what is ivig"})
    replies = " ".join(twilio.say("can I talk to a pharmacist"))
    reference = re.search(r"E-\d+", replies).group(0)  # type: ignore[union-attr]
    clock.advance(4 * 60)
    services.escalations.claim(reference, STAFF)
    clock.advance(2 * 60)
    found = services.escalations.get(reference)
    services.outbound.queue_staff_reply(services.escalations, escalation=found, who=STAFF,
                                        text="Calling you now.", opted_out=lambda _: False)
    clock.advance(24 * 60)
    services.escalations.resolve(reference, STAFF, "called back")
    twilio.sms("STOP", "+15550001111", OptOutType="STOP")
    return reference


def table(page: str, caption: str) -> dict[str, list[str]]:
    """A figures table of the page: its row label -> its cells."""
    part = page.split(f"<caption>{caption}")[1].split("</table>")[0]
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', part)
    return {label: re.findall(r"<td>(.*?)</td>", cells) for label, cells in rows}


def test_a_day_is_counted_and_shown_as_charts_with_the_same_figures_in_tables(
        twilio, app, services, clock, staff):
    a_day_on_the_line(twilio, app, services, clock)
    page = staff.get(f"/staff/analytics?{RANGE}").get_data(as_text=True)
    messages = table(page, "Messages by day")
    assert messages[day_label(MONDAY)] == ["8", "1"]  # SMS (the STOP is not a turn), web chat
    assert messages[day_label(SUNDAY)] == ["0", "0"]
    assert table(page, "Conversations by day")[day_label(MONDAY)] == ["2", "1"]
    topics = table(page, "Topics")
    assert topics["What NH is"] == ["1"] and topics["Chance it comes back"] == ["1"]
    assert topics["Emergency"] == ["1"] and topics["Not understood"] == ["1"]
    rates = table(page, "Fallback and clarification rate (%)")
    assert rates[day_label(MONDAY)] == ["11.1%", "11.1%"] and rates[day_label(SUNDAY)] == ["none", "none"]
    events = table(page, "Emergencies, escalations, refills and opt-outs")
    assert events[day_label(MONDAY)] == ["1", "2", "1", "1"]
    answering = table(page, "Time to answer (min)")
    assert answering["Claimed"] == ["4 min", "4 min"]
    assert answering["First staff text"] == ["6 min", "6 min"]
    assert answering["Resolved"] == ["30 min", "30 min"]
    for name in ("messages", "conversations", "topics", "understanding", "events", "answering"):
        assert f"/staff/analytics/charts/{name}-wide.svg?{RANGE.replace('&', '&amp;')}" in page
        assert f"/staff/analytics/charts/{name}-narrow.svg" in page
    assert PATIENT not in page and "7654321" not in page


def test_the_charts_are_svg_images_without_scripts(twilio, app, services, clock, staff):
    a_day_on_the_line(twilio, app, services, clock)
    for size in ("wide", "narrow"):
        chart = staff.get(f"/staff/analytics/charts/messages-{size}.svg?{RANGE}")
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
        assert "script-src" not in chart.headers["Content-Security-Policy"]
        root = ET.fromstring(chart.get_data())
        assert root.tag == f"{SVG}svg" and not list(root.iter(f"{SVG}script"))
        assert day_label(MONDAY).split(" ", 1)[1] in chart.get_data(as_text=True)
    assert staff.get("/staff/analytics/charts/nothing-wide.svg").status_code == 404
    assert staff.get("/staff/analytics/charts/messages-huge.svg").status_code == 404


def test_the_csv_has_a_row_per_day_and_one_for_the_range(twilio, app, services, clock, staff):
    a_day_on_the_line(twilio, app, services, clock)
    exported = staff.get(f"/staff/analytics.csv?{RANGE}")
    assert exported.mimetype == "text/csv"
    assert f"nh-support-line-{SUNDAY}-to-{TUESDAY}.csv" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [row["date"] for row in rows] == [str(SUNDAY), str(MONDAY), str(TUESDAY), "all days"]
    monday = rows[1]
    assert (monday["messages"], monday["messages SMS"], monday["messages web chat"]) == ("9", "8", "1")
    assert monday["not understood %"] == "11.1" and monday["emergencies"] == "1"
    assert monday["escalations opened"] == "2" and monday["urgent escalations"] == "1"
    assert monday["First staff text minutes median"] == "6.0" and monday["opt-outs"] == "1"
    assert rows[-1]["refill requests"] == "1"
    audit = staff.get("/staff/audit").get_data(as_text=True)
    assert f"exported analytics {SUNDAY} to {TUESDAY}" in audit


def test_the_counters_hold_no_phi_and_expire_400_days_after_their_day(
        twilio, app, services, clock, staff, redis_client):
    reference = a_day_on_the_line(twilio, app, services, clock)
    keys = [k.decode() for k in redis_client.scan_iter(match=f"{services.keys.prefix}analytics:*")]
    assert keys and all(str(MONDAY) in key for key in keys)
    day_start = datetime(MONDAY.year, MONDAY.month, MONDAY.day, tzinfo=LA).timestamp()
    for key in keys:
        expires = time.time() + redis_client.ttl(key)
        assert abs(expires - (day_start + LIFETIME_DAYS * 86400)) <= 3600, key
        kind = redis_client.type(key).decode()
        if kind == "hash":
            held = " ".join(f"{k.decode()}={v.decode()}" for k, v in redis_client.hgetall(key).items())
        elif kind == "list":
            held = " ".join(v.decode() for v in redis_client.lrange(key, 0, -1))
        else:
            assert kind == "string"  # a HyperLogLog: registers, no names
            held = ""
        for private in (PATIENT[-4:], OTHER[-4:], "7654321", "1990", reference, "nh is", "breathing"):
            assert private not in key + held, (key, private)


def test_the_range_is_checked_and_the_last_seven_days_are_the_default(staff, clock):
    at(clock, "2026-11-24 09:00")
    page = staff.get("/staff/analytics").get_data(as_text=True)
    assert 'value="2026-11-18"' in page and 'value="2026-11-24"' in page
    for query, words in (("from=24/11/2026", "YYYY-MM-DD"), ("from=2026-11-25&to=2026-11-24", "after"),
                         ("from=2024-01-01&to=2026-11-24", "At most 400 days")):
        refused = staff.get(f"/staff/analytics?{query}")
        assert refused.status_code == 400 and words in refused.get_data(as_text=True)
    assert staff.get("/staff/analytics.csv?from=nonsense").status_code == 400


def test_the_page_is_behind_the_login_and_its_views_are_audited(app, staff):
    for path in ("/staff/analytics", "/staff/analytics.csv", "/staff/analytics/charts/topics-wide.svg"):
        assert app.test_client().get(path).status_code == 302
    staff.get("/staff/analytics?from=2026-11-01&to=2026-11-07")
    assert "viewed analytics 2026-11-01 to 2026-11-07" in staff.get("/staff/audit").get_data(as_text=True)


def test_medians_and_90th_percentiles_of_time_to_claim(services, clock, staff):
    at(clock, f"{TUESDAY} 09:00")
    for minutes in range(1, 11):
        number = f"+1555000{minutes:04d}"
        reference = services.escalations.open(sender_id=number, phone=number, channel="twilio_sms",
                                              reason="patient asked for a person").reference
        clock.advance(minutes * 60)
        services.escalations.claim(reference, STAFF)
        services.escalations.claim(reference, "lee")  # a take-over is not a second claim
        clock.now -= minutes * 60
    page = staff.get(f"/staff/analytics?from={TUESDAY}&to={TUESDAY}").get_data(as_text=True)
    assert table(page, "Time to answer (min)")["Claimed"] == ["5.5 min", "9 min"]
    assert percentile([], 0.9) is None and percentile([3.0], 0.9) == 3.0


def test_a_day_boundary_is_the_pharmacys_midnight(twilio, services, clock, staff):
    at(clock, f"{MONDAY} 23:59")
    twilio.say("what is nh")
    clock.advance(2 * 60)
    twilio.say("what is ivig")
    page = staff.get(f"/staff/analytics?from={MONDAY}&to={TUESDAY}").get_data(as_text=True)
    messages = table(page, "Messages by day")
    assert messages[day_label(MONDAY)] == ["1"] and messages[day_label(TUESDAY)] == ["1"]
