"""The staff console under /staff: log in, work the escalation queue, answer patients,
process refill requests, read the audit log.

Every page needs a logged-in staff member (otherwise: the login page), every form a CSRF
token (Flask-WTF), and every view or action goes into the audit log. Pages are
server-rendered; the queue refreshes itself from a small JSON endpoint.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import redis
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sansio.blueprints import BlueprintSetupState
from flask_wtf.csrf import CSRFError, CSRFProtect

from bot.console import present
from bot.console.analytics_page import add_analytics_pages
from bot.console.audit import AuditLog, page_cursor
from bot.console.auth import LoginThrottle, StaffSessions
from bot.console.escalation_pages import ESCALATION, add_escalation_pages
from bot.console.users import StaffUsers
from bot.jobs.queue import OutboundQueue
from bot.records.analytics import Analytics
from bot.records.consent import ConsentLedger
from bot.records.escalations import EscalationStore
from bot.records.refills import RefillStore
from bot.settings import Settings, SettingsError


@dataclass(frozen=True)
class ConsoleStores:
    """What the console reads and changes."""

    users: StaffUsers
    sessions: StaffSessions
    throttle: LoginThrottle
    audit: AuditLog
    escalations: EscalationStore
    refills: RefillStore
    consent: ConsentLedger
    outbound: OutboundQueue
    analytics: Analytics

log = logging.getLogger(__name__)

REFILL = re.compile(r"^R-\d{1,12}$")
PUBLIC = {"console.login", "console.static"}
# Pages' own polling: answered in JSON (401 once the session is over), and not counted as
# activity for the idle timeout.
POLLING = {"console.queue_json": "console.queue", "console.escalation_updates": "console.escalation"}
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; media-src 'self'; "
                                "style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
                                "form-action 'self'; base-uri 'none'"),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def secret_key(settings: Settings) -> str:
    """SECRET_KEY; outside development and tests there is no console without one."""
    if settings.secret_key:
        return settings.secret_key
    if settings.environment in {"development", "test"}:
        return secrets.token_hex(32)  # sessions end when the process does
    raise SettingsError(
        "SECRET_KEY is not set: the staff console needs it to sign sessions. Set SECRET_KEY "
        "to a long random value (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`), "
        "or BOT_ENV=development for a local run."
    )


def create_blueprint(stores: ConsoleStores, settings: Settings,
                     clock: Callable[[], float]) -> Blueprint:
    key = secret_key(settings)
    zone = ZoneInfo(settings.timezone)
    users, sessions, throttle, audit = stores.users, stores.sessions, stores.throttle, stores.audit
    escalations, refills = stores.escalations, stores.refills
    csrf = CSRFProtect()
    console = Blueprint("console", __name__, url_prefix="/staff",
                        template_folder="templates", static_folder="static")

    @console.record_once
    def configure(state: BlueprintSetupState) -> None:
        secure = settings.console_secure_cookies
        state.app.config.update(
            SECRET_KEY=key,
            # __Host-: only ever set over https, for this host, on every path.
            SESSION_COOKIE_NAME="__Host-nh-staff" if secure else "nh-staff",
            SESSION_COOKIE_SECURE=secure,
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            SESSION_COOKIE_PATH="/",
            # The console checks CSRF itself (below); Twilio's webhooks carry signatures.
            WTF_CSRF_CHECK_DEFAULT=False,
            WTF_CSRF_TIME_LIMIT=None,  # a token lasts as long as the staff session
        )
        csrf.init_app(state.app)

    # -- every request ------------------------------------------------------------------
    def address() -> str:
        return request.remote_addr or "unknown"

    def record(action: str, target: str = "") -> None:
        audit.record(g.staff, action, target, address())

    def audit_once(what: str) -> bool:
        """One audit entry per lockout for refused logins."""
        return audit.first_in(what, settings.console_lockout_seconds)

    @console.before_request
    def require_login() -> Any:
        if request.endpoint not in PUBLIC:
            # The queue's own polling does not count as activity for the idle timeout.
            staff = sessions.find(session.get("token"), touch=request.endpoint not in POLLING)
            if staff is not None and staff.generation != users.generation(staff.name):
                # Removed, or given a new password (`bot staff add`): this session is over.
                sessions.end(session.get("token"))
                staff = None
            if staff is None:
                if request.endpoint in POLLING:
                    page = url_for(POLLING[request.endpoint], **(request.view_args or {}))
                    return jsonify(error="login required", login=url_for(".login", next=page)), 401
                target = request.path if request.method == "GET" else None
                return redirect(url_for(".login", next=target))
            g.staff = staff.name
        csrf.protect()
        return None

    @console.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @console.context_processor
    def page_context() -> dict[str, Any]:
        return {"staff": g.get("staff"), "local_time": lambda t: present.local_time(t, zone),
                "iso_time": lambda t: present.iso_time(t, zone),
                "age": lambda t: present.age(clock() - t), "patient_label": present.patient_label}

    @console.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> Any:
        message = "This form has expired or did not come from the console. Nothing was changed."
        return render_template("console_error.html", title="Form refused", message=message), 400

    @console.errorhandler(redis.RedisError)
    def storage_down(error: redis.RedisError) -> Any:
        log.error("console: storage unavailable (%s)", type(error).__name__)
        return render_template(
            "console_error.html", title="Console unavailable",
            message="The console cannot reach its database just now. Nothing was changed. "
                    "Try again in a minute; patients are still told how to reach the pharmacy."
        ), 503

    @console.errorhandler(404)
    def not_found(error: Exception) -> Any:
        return render_template("console_error.html", title="Not found",
                               message="There is no such record. It may have expired."), 404

    # -- logging in and out --------------------------------------------------------------
    def safe_next(target: str | None) -> str:
        if (target and target.startswith("/staff/") and not target.startswith("//")
                and target.isprintable()):
            return target
        return url_for(".queue")

    @console.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "GET":
            if sessions.find(session.get("token")) is not None:
                return redirect(safe_next(request.args.get("next")))
            return render_template("console_login.html", next=request.args.get("next", ""))
        name = request.form.get("name", "").strip()[:64]
        password = request.form.get("password", "")[:1024]
        target = request.form.get("next", "")
        wait = throttle.attempt(name, address())
        if wait:
            if audit_once(f"refused:{name.lower()}:{address()}"):
                audit.record(name or "?", "login refused (too many tries)", "", address())
            minutes = -(-wait // 60)
            error = (f"Too many tries. Wait {present.count(wait, 'second')} and try again."
                     if wait < 60 else
                     f"Too many tries: login is locked for {present.count(minutes, 'minute')}.")
            return render_template("console_login.html", error=error, name=name, next=target), 429
        with throttle.password_check(name, address()) as busy:
            if busy:
                if audit_once(f"busy:{address()}"):
                    audit.record(name or "?", "login refused (console busy)", "", address())
                return render_template("console_login.html", error=busy, name=name,
                                       next=target), 429
            valid = bool(name) and users.check(name, password)
        if not valid:
            audit.record(name or "?", "login failed", "", address())
            return render_template("console_login.html", error="Wrong name or password.",
                                   name=name, next=target), 401
        throttle.succeeded(name, address())
        session.clear()  # a fresh session (and CSRF token) for the logged-in staff member
        session["token"] = sessions.start(name, users.generation(name))
        audit.record(name, "logged in", "", address())
        return redirect(safe_next(target))

    @console.post("/logout")
    def logout() -> Any:
        sessions.end(session.get("token"))
        record("logged out")
        session.clear()
        flash("You are logged out.")
        return redirect(url_for(".login"))

    # -- the queue ----------------------------------------------------------------------
    def queue_rows() -> list[dict[str, Any]]:
        now = clock()
        return [present.queue_row(e, now, url_for(".escalation", reference=e.reference))
                for e in escalations.open_queue()]

    @console.get("/")
    def queue() -> Any:
        record("viewed queue")
        rows = queue_rows()
        return render_template("console_queue.html", rows=rows, summary=present.queue_summary(rows),
                               updated=present.time_of_day(clock(), zone))

    @console.get("/queue.json")
    def queue_json() -> Any:
        rows = queue_rows()
        return jsonify(escalations=rows, updated=present.time_of_day(clock(), zone),
                       **present.queue_summary(rows))

    # -- one escalation (bot/console/escalation_pages.py) ---------------------------------
    add_escalation_pages(console, stores, settings, record)

    # -- the manager's figures (bot/console/analytics_page.py) ------------------------------
    add_analytics_pages(console, stores, record)

    # -- refill requests ------------------------------------------------------------------
    def find_refill(reference: str) -> Any:
        found = refills.get(reference) if REFILL.match(reference) else None
        if found is None:
            abort(404)
        return found

    @console.get("/refills")
    def refill_list() -> Any:
        record("viewed refill requests")
        return render_template("console_refills.html", requests=refills.recent())

    @console.get("/refills/<reference>")
    def refill(reference: str) -> Any:
        found = find_refill(reference)
        record("viewed refill request", reference)
        return render_template("console_refill.html", r=found,
                               channel=present.channel_label(found.channel),
                               date_of_birth=present.birth_date(found.date_of_birth))

    @console.post("/refills/<reference>/processed")
    def refill_processed(reference: str) -> Any:
        found = find_refill(reference)
        if found.status != "processed":
            refills.mark_processed(reference, g.staff)
            record("marked refill processed", reference)
            flash(f"{reference} is marked processed.")
        return redirect(url_for(".refill", reference=reference))

    # -- the audit log ----------------------------------------------------------------------
    @console.get("/audit")
    def audit_log() -> Any:
        target = request.args.get("target", "").strip().upper() or None
        if target and not (ESCALATION.match(target) or REFILL.match(target)):
            target = None
        try:
            before = page_cursor(request.args["before"]) if request.args.get("before") else None
        except ValueError:
            return render_template("console_error.html", title="No such page",
                                   message="There is no such page of the audit log. Start "
                                           "again from its newest entries."), 400
        entries, older = audit.page(before, target=target)
        record("viewed audit log", target or "")
        return render_template("console_audit.html", entries=entries, older=older, target=target)

    return console
