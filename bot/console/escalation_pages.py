"""One escalation's page and what staff do there: listen to a voicemail, claim or take
over, text the patient, resolve. The open page keeps itself up to date (escalation.js
polls `updates.json`): the patient's new messages appear without a reload.

A reply or note the console refuses comes back on the page itself (status 422), with the
error next to its field and the draft still in it, so nothing typed is lost. A reply that
reads as the other language than the patient's is held once, with a button that sends it
as typed (bot/console/texting.py `other_language`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

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
    url_for,
)

from bot.console import present
from bot.console.recordings import RecordingUnavailable, fetch_recording
from bot.console.texting import Draft, other_language, read_draft
from bot.jobs.queue import ReplyRefused, reply_states
from bot.records.escalation import Escalation
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.console.views import ConsoleStores

ESCALATION = re.compile(r"^E-\d{1,12}$")
MAX_NOTE = 1000
MAX_DRAFT = 4000  # characters of a refused reply shown back to the staff member


def add_escalation_pages(console: Blueprint, stores: ConsoleStores, settings: Settings,
                         record: Callable[..., None]) -> None:
    """The routes under /staff/escalations/<reference>; `record` writes the audit log."""
    escalations = stores.escalations
    zone = ZoneInfo(settings.timezone)

    def find_escalation(reference: str) -> Escalation:
        found = escalations.get(reference, with_lines=True) if ESCALATION.match(reference) else None
        if found is None:
            abort(404)
        return found

    def escalation_page(found: Escalation, status: int = 200, **form: str) -> Any:
        """The escalation's page; `form` puts a refused reply or note back with its error."""
        return render_template(
            "console_escalation.html", e=found, channel=present.channel_label(found.channel),
            replies=reply_states(escalations, found.reference),
            reply_labels=present.REPLY_LABELS, notify_states=present.NOTIFY_STATES,
            opted_out=stores.consent.is_opted_out(found.phone),
            language_name=present.language_name(found.language), writes_in=present.writes_in(found.language),
            **form,
        ), status

    def language_warning(found: Escalation, draft: Draft) -> str | None:
        """Why a reply that could be sent is held for a second look, if it is: it reads
        as the other language (and the staff member has not said "send it anyway")."""
        looks = other_language(draft.text, found.language)
        if (looks is None or request.form.get("send_anyway") or draft.problem
                or found.status == "resolved" or not found.phone
                or stores.consent.is_opted_out(found.phone)):
            return None
        return (f"This reply looks like {present.language_name(looks)}; the patient writes in "
                f"{present.language_name(found.language)}. Send it anyway?")

    def seen_by_me(found: Escalation) -> None:
        """The patient's reply has been seen: by whoever has it, or anyone while nobody does."""
        if found.patient_replied and found.assignee in {"", g.staff}:
            escalations.mark_seen(found.reference)

    @console.get("/escalations/<reference>")
    def escalation(reference: str) -> Any:
        found = find_escalation(reference)
        record("viewed escalation", reference)
        seen_by_me(found)
        return escalation_page(found)

    @console.get("/escalations/<reference>/updates.json")
    def escalation_updates(reference: str) -> Any:
        """What the open page has not shown yet (`?seen=` lines), for escalation.js."""
        found = find_escalation(reference)
        seen = request.args.get("seen", "")
        lines = escalations.lines_since(found, int(seen) if seen.isdigit() else 0)
        if lines:
            record("viewed new messages", reference)  # each disclosure, not each poll
            seen_by_me(found)
        states = reply_states(escalations, reference)
        return jsonify(present.escalation_update(found, lines, states, zone))

    @console.get("/escalations/<reference>/voicemail.mp3")
    def voicemail(reference: str) -> Any:
        found = find_escalation(reference)
        if not found.recording_url:
            abort(404)
        try:
            audio = fetch_recording(settings, found.recording_url)
        except RecordingUnavailable as problem:
            return render_template("console_error.html", title="Voicemail unavailable",
                                   message=f"The recording could not be fetched: {problem}."), 502
        record("played voicemail", reference)
        return Response(audio, mimetype="audio/mpeg")

    @console.post("/escalations/<reference>/claim")
    def claim(reference: str) -> Any:
        found = find_escalation(reference)
        if found.status == "resolved":
            flash(f"{reference} is already resolved.", "error")
        elif found.assignee not in {"", g.staff} and \
                request.form.get("take_over_from") != found.assignee:
            # Taking over needs a second, deliberate step (the page's script asks first).
            return render_template("console_take_over.html", e=found)
        else:
            escalations.claim(reference, g.staff)
            record("claimed", reference)
            flash(f"You have claimed {reference}.")
        return redirect(url_for(".escalation", reference=reference))

    @console.post("/escalations/<reference>/reply")
    def reply(reference: str) -> Any:
        found = find_escalation(reference)
        draft = read_draft(request.form.get("message", "")[:MAX_DRAFT])
        try:
            if draft.problem and found.status != "resolved" and found.phone:
                raise ReplyRefused(draft.problem)  # what SMS would drop is never sent
            warning = language_warning(found, draft)
            if warning:
                record("reply held (language)", reference)
                return escalation_page(found, language_warning=warning, draft=draft.text)
            stores.outbound.queue_staff_reply(escalations, escalation=found, who=g.staff,
                                              text=draft.text, opted_out=stores.consent.is_opted_out)
        except ReplyRefused as refused:
            record("reply refused", reference)
            return escalation_page(found, 422, reply_error=str(refused), draft=draft.text)
        if found.status == "open":
            escalations.claim(reference, g.staff)
        record("replied by SMS", reference)
        plain = (f" Accents SMS cannot carry were left off: {' '.join(draft.unaccented)}."
                 if draft.unaccented else "")
        flash(f"Your text is on its way; its state shows in the transcript.{plain}")
        return redirect(url_for(".escalation", reference=reference, _anchor="transcript-end"))

    @console.post("/escalations/<reference>/resolve")
    def resolve(reference: str) -> Any:
        found = find_escalation(reference)
        note = request.form.get("note", "").strip()[:MAX_NOTE]
        if found.status == "resolved":
            flash(f"{reference} was already resolved.", "error")
        elif not note:
            return escalation_page(found, 422, note_error="Add a note saying how it was "
                                   "resolved. It is still open.")
        else:
            escalations.resolve(reference, g.staff, note)
            record("resolved", reference)
            flash(f"{reference} is resolved; the bot answers this patient again.")
        return redirect(url_for(".queue"))
