"""The console's defences: nothing without login, CSRF on every form, guessing slowed and
locked out, pages that browsers neither cache nor frame."""

from __future__ import annotations

import pytest

from bot.app import create_app
from bot.console.audit import AuditLog
from bot.parts import build_parts
from tests.conftest import make_settings
from tests.console_server import PASSWORD, STAFF, StaffClient, add_staff, csrf_token
from tests.helpers import PATIENT

PAGES = ["/staff/", "/staff/escalations/E-1001", "/staff/escalations/E-1001/voicemail.mp3",
         "/staff/refills", "/staff/refills/R-100001",
         "/staff/audit", "/staff/audit?target=E-1001"]
FORMS = ["/staff/escalations/E-1001/claim", "/staff/escalations/E-1001/reply",
         "/staff/escalations/E-1001/resolve", "/staff/refills/R-100001/processed",
         "/staff/logout"]


@pytest.fixture()
def records(services):  # type: ignore[no-untyped-def]
    """An escalation E-1001 and a refill request R-100001 to aim at."""
    escalation = services.escalations.open(sender_id=PATIENT, phone=PATIENT, channel="twilio_sms",
                                           reason="patient asked for a person")
    refill = services.refills.create(phone=PATIENT, prescription_number="7654321",
                                     date_of_birth="1990-04-12", channel="twilio_sms")
    assert (escalation.reference, refill.reference) == ("E-1001", "R-100001")
    return escalation, refill


@pytest.fixture()
def staff(app, settings, redis_client) -> StaffClient:  # type: ignore[no-untyped-def]
    add_staff(redis_client, settings)
    return StaffClient(app)


# -- nothing without login -------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES)
def test_every_page_redirects_to_login_when_logged_out(app, records, path):
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=/staff/")
    body = response.get_data(as_text=True)
    assert "E-1001" not in body.replace("next=/staff/escalations/E-1001", "")
    assert "4567" not in body


@pytest.mark.parametrize("path", FORMS)
def test_every_form_redirects_to_login_when_logged_out_and_changes_nothing(app, services,
                                                                           records, path):
    response = app.test_client().post(path, data={"message": "hi", "note": "done"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login"
    assert services.escalations.get("E-1001").status == "open"
    assert services.refills.get("R-100001").status == "new"


def test_the_queue_feed_answers_401_when_logged_out(app, records):
    response = app.test_client().get("/staff/queue.json")
    assert response.status_code == 401
    assert "E-1001" not in response.get_data(as_text=True)


def test_the_login_page_itself_and_the_stylesheet_are_public(app):
    client = app.test_client()
    assert client.get("/staff/login").status_code == 200
    assert client.get("/staff/static/console.css").status_code == 200


def test_after_logout_nothing_is_visible(staff, records):
    staff.login()
    assert staff.get("/staff/").status_code == 200
    staff.post("/staff/logout")
    for path in PAGES:
        assert staff.get(path).status_code == 302, path


# -- CSRF ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FORMS)
def test_a_form_without_a_csrf_token_is_refused(staff, services, records, path):
    staff.login()
    staff.get("/staff/")
    response = staff.post(path, {"message": "hi", "note": "done"}, token=False)
    assert response.status_code == 400
    assert "Nothing was changed" in response.get_data(as_text=True)
    escalation = services.escalations.get("E-1001", with_lines=True)
    assert escalation.status == "open" and escalation.assignee == ""
    assert [line for line in escalation.transcript if line.get("from") == "staff"] == []
    assert services.refills.get("R-100001").status == "new"
    assert staff.get("/staff/").status_code == 200  # still logged in: logout was refused too


def test_a_token_from_another_session_is_refused(app, staff, services, records, settings,
                                                 redis_client):
    staff.login()
    staff.get("/staff/")
    other = StaffClient(app)
    add_staff(redis_client, settings, "lee", "another long password")
    other.login("lee", "another long password")
    other.get("/staff/")
    foreign = csrf_token(other.page)
    response = staff.post("/staff/escalations/E-1001/resolve", {"note": "x", "csrf_token": foreign})
    assert response.status_code == 400
    assert services.escalations.get("E-1001").status == "open"


def test_the_login_form_needs_a_csrf_token_too(staff):
    response = staff.client.post("/staff/login", data={"name": STAFF, "password": PASSWORD})
    assert response.status_code == 400
    assert staff.get("/staff/").status_code == 302


def test_every_console_form_carries_a_token(staff, records):
    staff.login()
    for path in ("/staff/", "/staff/escalations/E-1001", "/staff/refills",
                 "/staff/refills/R-100001"):
        page = staff.get(path).get_data(as_text=True)
        forms = page.count('<form method="post"')
        assert forms and page.count('name="csrf_token"') == forms, path


# -- guessing -------------------------------------------------------------------------------------
def test_the_wait_after_wrong_passwords_reads_as_plain_english(staff, clock):
    for _ in range(4):
        staff.login(STAFF, "wrong password!")
    page = staff.login(STAFF, PASSWORD).get_data(as_text=True)
    assert "Wait 1 second and try again." in page and "1 seconds" not in page


def test_wrong_passwords_slow_down_then_lock_the_name_out(staff, clock):
    for _ in range(3):
        assert staff.login(STAFF, "wrong password!").status_code == 401
    assert staff.login(STAFF, "wrong password!").status_code == 401  # the 4th: then a wait
    refused = staff.login(STAFF, PASSWORD)
    assert refused.status_code == 429
    assert "Too many tries" in refused.get_data(as_text=True)
    clock.advance(2)
    assert staff.login(STAFF, "wrong password!").status_code == 401  # the 5th: locked out
    clock.advance(60)
    locked = staff.login(STAFF, PASSWORD)  # even the right password, while locked
    assert locked.status_code == 429 and "locked" in locked.get_data(as_text=True)
    assert staff.get("/staff/").status_code == 302
    clock.advance(15 * 60)
    assert staff.login(STAFF, PASSWORD).status_code == 302
    assert staff.get("/staff/").status_code == 200


def test_a_name_that_does_not_exist_is_throttled_the_same_way(staff):
    for _ in range(4):
        assert staff.login("nobody", "whatever it is").status_code == 401
    assert staff.login("nobody", "whatever it is").status_code == 429


def test_one_address_trying_many_names_is_locked_out(staff, clock):
    for number in range(20):
        clock.advance(600)  # slow enough for each name's own limit
        response = staff.login(f"name{number}", "a guess at it")
        assert response.status_code in {401, 429}
    assert staff.login(STAFF, PASSWORD).status_code == 429


def test_failed_and_refused_logins_are_audited(staff, app, settings, redis_client, services):
    from bot.console.audit import AuditLog

    staff.login(STAFF, "wrong password!")
    entries, _ = AuditLog(services.redis, services.keys).page()
    assert entries[0].who == STAFF and entries[0].action == "login failed"
    assert entries[0].address == "127.0.0.1"


def test_the_lockout_is_configurable(redis_url, engine, clock, redis_client):
    settings = make_settings(redis_url, CONSOLE_LOGIN_MAX_FAILURES="2",
                             CONSOLE_LOCKOUT_SECONDS="60")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    add_staff(redis_client, settings)
    client = StaffClient(app)
    client.login(STAFF, "wrong password!")
    client.login(STAFF, "wrong password!")
    assert client.login(STAFF, PASSWORD).status_code == 429
    clock.advance(61)
    assert client.login(STAFF, PASSWORD).status_code == 302


# -- what browsers are told ---------------------------------------------------------------------
def test_console_pages_are_not_cached_framed_or_sniffed(staff, records):
    staff.login()
    for path in ("/staff/login", "/staff/", "/staff/escalations/E-1001", "/staff/queue.json"):
        headers = staff.get(path).headers
        assert headers["Cache-Control"] == "no-store", path
        assert headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example/staff/",
                                    "/twilio/sms", "javascript:alert(1)"])
def test_login_never_redirects_off_the_console(staff, target):
    staff.get("/staff/login")
    response = staff.post("/staff/login", {"name": STAFF, "password": PASSWORD, "next": target})
    assert response.headers["Location"] == "/staff/"


def test_a_new_session_starts_at_login(staff):
    staff.get("/staff/login")
    before = staff.client.get_cookie("__Host-nh-staff").value
    staff.post("/staff/login", {"name": STAFF, "password": PASSWORD})
    assert staff.client.get_cookie("__Host-nh-staff").value != before


def test_patient_text_is_escaped_in_pages(staff, services):
    escalation = services.escalations.open(
        sender_id=PATIENT, phone=PATIENT, channel="twilio_sms", reason="patient asked for a person",
        transcript=[{"from": "patient", "text": "<script>alert(1)</script>", "time": 1.0}])
    staff.login()
    page = staff.get(f"/staff/escalations/{escalation.reference}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_redis_outage_gives_a_plain_page_not_a_stack_trace(engine, clock, tmp_path):
    settings = make_settings(f"unix://{tmp_path}/no-such.sock")
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    client = app.test_client()
    with client.session_transaction() as session:
        session["token"] = "a token from before the outage"
    response = client.get("/staff/")
    assert response.status_code == 503
    assert "cannot reach its database" in response.get_data(as_text=True)


# -- from a security review ---------------------------------------------------------------------
def test_wrong_passwords_sent_in_parallel_cannot_all_be_tried(app, staff, redis_client, settings):
    """Each try is counted before the password is checked: a burst cannot run past the limit."""
    import threading

    from bot.console.users import StaffUsers
    from bot.records.keys import Keys

    checked = []
    real_check = StaffUsers.check

    def counting_check(self, name, password):  # type: ignore[no-untyped-def]
        checked.append(name)
        return real_check(self, name, password)

    clients = [StaffClient(app) for _ in range(20)]
    for client in clients:
        client.get("/staff/login")
    start = threading.Barrier(len(clients))
    codes = []

    def guess(client: StaffClient) -> None:
        start.wait()
        codes.append(client.post("/staff/login", {"name": STAFF, "password": "a wrong guess"}).status_code)

    StaffUsers.check = counting_check  # type: ignore[method-assign]
    try:
        threads = [threading.Thread(target=guess, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        StaffUsers.check = real_check  # type: ignore[method-assign]
    assert len(checked) <= settings.console_login_max_failures
    assert codes.count(429) >= len(clients) - settings.console_login_max_failures
    assert StaffUsers(redis_client, Keys(settings.key_prefix)).generation(STAFF) is not None


def test_a_new_password_or_removal_ends_the_staff_members_sessions(staff, redis_client, settings):
    from bot.console.users import StaffUsers
    from bot.records.keys import Keys

    users = StaffUsers(redis_client, Keys(settings.key_prefix))
    staff.login()
    assert staff.get("/staff/").status_code == 200
    users.add(STAFF, "a brand new password")
    assert staff.get("/staff/").status_code == 302  # the old session is over
    staff.login(STAFF, "a brand new password")
    assert staff.get("/staff/").status_code == 200
    assert users.remove(STAFF)
    assert staff.get("/staff/").status_code == 302


def test_a_next_link_with_control_characters_just_goes_to_the_queue(staff):
    staff.get("/staff/login")
    response = staff.post("/staff/login", {"name": STAFF, "password": PASSWORD,
                                           "next": "/staff/\r\nSet-Cookie: x=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_hammering_a_locked_name_writes_one_audit_entry(staff, services):
    from bot.console.audit import AuditLog

    for _ in range(30):
        staff.login(STAFF, "wrong password!")
    entries, _ = AuditLog(services.redis, services.keys).page()
    assert sum(e.action == "login refused (too many tries)" for e in entries) == 1


def test_a_session_cannot_be_set_to_outlive_twelve_hours(redis_url):
    from bot.settings import SettingsError

    with pytest.raises(SettingsError, match="CONSOLE_SESSION_MINUTES"):
        make_settings(redis_url, CONSOLE_SESSION_MINUTES="100000")


# -- password checks across the whole line (review finding 2) ----------------------------------
def _console(redis_url, engine, clock, redis_client, **overrides):  # type: ignore[no-untyped-def]
    settings = make_settings(redis_url, **overrides)
    app = create_app(settings, parts=build_parts(settings, clock=clock, engine=engine))
    add_staff(redis_client, settings)
    return app


def _from(app, address: str) -> StaffClient:  # type: ignore[no-untyped-def]
    """A browser on another machine."""
    client = StaffClient(app)
    client.client.environ_base["REMOTE_ADDR"] = address
    client.get("/staff/login")
    return client


def test_password_checks_run_one_at_a_time_across_the_line(redis_url, engine, clock,
                                                            redis_client, monkeypatch):
    """scrypt takes a worker that also answers Twilio: a burst of logins from many
    addresses gets one check at a time, the rest are refused at once (nobody waits)."""
    import threading

    from bot.console.users import StaffUsers

    app = _console(redis_url, engine, clock, redis_client, CONSOLE_PASSWORD_CHECKS_AT_ONCE="1")
    first, others = _from(app, "10.0.0.1"), [_from(app, f"10.0.0.{n}") for n in range(2, 7)]
    lock, inside, most = threading.Lock(), [0], [0]
    holding, others_done = threading.Event(), threading.Event()
    answers: dict[str, int] = {}
    real_check = StaffUsers.check

    def watched_check(self, name, password):  # type: ignore[no-untyped-def]
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            holder = not holding.is_set()
            holding.set()
        try:
            if holder:  # the first check stays in flight until every other login is answered
                others_done.wait(10)
            return real_check(self, name, password)
        finally:
            with lock:
                inside[0] -= 1

    def log_in(client: StaffClient, address: str) -> None:
        answers[address] = client.login(STAFF, PASSWORD).status_code
        if len(answers) == len(others) and address != "10.0.0.1":
            others_done.set()

    monkeypatch.setattr(StaffUsers, "check", watched_check)
    holder = threading.Thread(target=log_in, args=(first, "10.0.0.1"))
    holder.start()
    assert holding.wait(10)
    threads = [threading.Thread(target=log_in, args=(c, f"10.0.0.{n}"))
               for n, c in enumerate(others, start=2)]
    for thread in threads:
        thread.start()
    for thread in [*threads, holder]:
        thread.join(30)
    assert most[0] == 1
    assert answers.pop("10.0.0.1") == 302
    assert set(answers.values()) == {429}
    assert "Try again in a few seconds" in others[0].page


def test_password_checks_a_minute_are_capped_across_the_line(redis_url, engine, clock,
                                                             redis_client, monkeypatch, services):
    from bot.console.users import StaffUsers

    app = _console(redis_url, engine, clock, redis_client, CONSOLE_PASSWORD_CHECKS_PER_MINUTE="3")
    checked = []
    real_check = StaffUsers.check
    monkeypatch.setattr(StaffUsers, "check", lambda self, name, password: (
        checked.append(name), real_check(self, name, password))[1])
    codes = [_from(app, f"10.0.1.{n}").login(STAFF, "wrong password!").status_code
             for n in range(5)]
    assert codes == [401, 401, 401, 429, 429] and len(checked) == 3
    staff = _from(app, "10.0.2.1")
    refused = staff.login(STAFF, PASSWORD)
    assert refused.status_code == 429
    assert "Try again in a minute" in refused.get_data(as_text=True)
    for _ in range(5):  # hammering while refused writes one audit entry for this address
        staff.login(STAFF, PASSWORD)
    clock.advance(60)
    assert staff.login(STAFF, PASSWORD).status_code == 302  # its refused tries did not count
    entries, _ = AuditLog(services.redis, services.keys).page()
    busy = [e.address for e in entries if e.action == "login refused (console busy)"]
    assert sorted(busy) == ["10.0.1.3", "10.0.1.4", "10.0.2.1"]


# -- the audit log's cursor (review finding 8) ---------------------------------------------------
@pytest.mark.parametrize("before", ["0-0", "banana", "1-99999999999999999999",
                                    "99999999999999999999-1", "-1-0", "12"])
def test_a_bad_audit_cursor_is_a_400_saying_so(staff, before):
    staff.login()
    response = staff.get(f"/staff/audit?before={before}")
    assert response.status_code == 400
    assert "no such page of the audit log" in response.get_data(as_text=True)


def test_a_good_audit_cursor_still_pages_back(staff, services):
    staff.login()
    entries, _ = AuditLog(services.redis, services.keys).page()
    newest = entries[0].id
    staff.get("/staff/")
    assert staff.get(f"/staff/audit?before={newest}").status_code == 200
    assert staff.get("/staff/audit?before=").status_code == 200
