"""/staff/analytics: how the line is doing, for managers. Charts drawn on the server
(bot/console/charts.py) with the same figures in a table for screen readers, a date range,
and a CSV export. Aggregates only (bot/records/analytics.py); behind the login, and each
view and export is in the audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, abort, render_template, request, url_for

from bot.console import charts, figures
from bot.jobs.tasks import CHANNELS
from bot.records.analytics import MAX_RANGE_DAYS, Report

if TYPE_CHECKING:
    from bot.console.views import ConsoleStores

DEFAULT_DAYS = 7
QUICK = (7, 30, 90)
# A chart is an image: its own stylesheet is pygal's, and it runs no script.
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class BadRange(ValueError):
    """The dates asked for cannot be shown; the message says why."""


def read_range(args: Any, today: date) -> tuple[date, date]:
    """`from` and `to` (YYYY-MM-DD, both included); the last 7 days when neither is given."""
    first_raw, last_raw = args.get("from", "").strip(), args.get("to", "").strip()
    try:
        last = date.fromisoformat(last_raw) if last_raw else today
        first = date.fromisoformat(first_raw) if first_raw else last - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        raise BadRange("Write the dates as YYYY-MM-DD, e.g. 2026-11-24.") from None
    if first > last:
        raise BadRange("The first day is after the last one.")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise BadRange(f"At most {MAX_RANGE_DAYS} days at once: figures are kept that long.")
    return first, last


def add_analytics_pages(console: Blueprint, stores: ConsoleStores, record: Callable[..., None]) -> None:
    analytics = stores.analytics

    def report_for(first: date, last: date) -> Report:
        return analytics.report(first, last, list(CHANNELS))

    def span(first: date, last: date) -> str:
        return f"{first.isoformat()} to {last.isoformat()}"

    @console.get("/analytics")
    def analytics_page() -> Any:
        today = analytics.today()
        quick = [(f"Last {n} days", url_for(".analytics_page", **{"from": (today - timedelta(days=n - 1)).isoformat(),
                                                                   "to": today.isoformat()})) for n in QUICK]
        try:
            first, last = read_range(request.args, today)
        except BadRange as bad:
            record("viewed analytics", "")
            return render_template("console_analytics.html", error=str(bad), quick=quick,
                                   first=request.args.get("from", ""), last=request.args.get("to", ""),
                                   figures=[], headline=[]), 400
        report = report_for(first, last)
        record(f"viewed analytics {span(first, last)}", "")
        dates = {"from": first.isoformat(), "to": last.isoformat()}
        return render_template(
            "console_analytics.html", first=first.isoformat(), last=last.isoformat(), quick=quick,
            figures=figures.build(report), headline=figures.headline(report), dates=dates,
            days=(last - first).days + 1)

    @console.get("/analytics.csv")
    def analytics_csv() -> Any:
        try:
            first, last = read_range(request.args, analytics.today())
        except BadRange as bad:
            return Response(f"{bad}\n", status=400, mimetype="text/plain")
        out = io.StringIO()
        csv.writer(out).writerows(figures.csv_rows(report_for(first, last)))
        record(f"exported analytics {span(first, last)}", "")
        name = f"nh-support-line-{first.isoformat()}-to-{last.isoformat()}.csv"
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @console.get("/analytics/charts/<name>-<size>.svg")
    def analytics_chart(name: str, size: str) -> Any:
        """One chart of the page it is on (that page's view is what the audit log records)."""
        if size not in charts.SIZES:
            abort(404)
        try:
            first, last = read_range(request.args, analytics.today())
        except BadRange:
            abort(404)
        found = [f for f in figures.build(report_for(first, last)) if f.name == name]
        if not found:
            abort(404)
        response = Response(charts.render(found[0], size), mimetype="image/svg+xml")
        response.headers["Content-Security-Policy"] = CHART_POLICY
        return response
