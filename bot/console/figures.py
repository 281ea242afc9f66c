"""The manager's figures for a date range, from the daily aggregates
(bot/records/analytics.py), in the shapes the analytics page draws, tabulates and
exports: each chart is a `Figure` (labels, named series), so its SVG and its table
always hold the same numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.jobs.tasks import CHANNELS, channel_label
from bot.records.analytics import Report, median, percentile

TOPICS = {
    "ask_what_is_nh": "What NH is",
    "ask_recurrence_risk": "Chance it comes back",
    "ask_ivig_treatment": "IVIG treatment",
    "ask_copay_help": "Copay help",
    "request_refill": "Refills",
    "inform": "Refill details",
    "request_specialist": "Asked for a person",
    "report_emergency": "Emergency",
    "share_loss": "A loss shared",
    "out_of_scope": "Out of scope",
    "nlu_fallback": "Not understood",
    "greet": "Greetings and thanks", "thank": "Greetings and thanks",
    "goodbye": "Greetings and thanks", "bot_challenge": "Asked if it is a bot",
    "affirm": "Yes or no", "deny": "Yes or no", "cancel": "Cancelled something",
    "dont_know": "Did not know", "change_language": "Changed language",
}
MEASURES = {"claim": "Claimed", "first_reply": "First staff text", "resolve": "Resolved"}


@dataclass
class Figure:
    """One chart and its table: `labels` along one axis, a value per label per series."""

    name: str
    title: str
    summary: str  # what the chart shows, in words (its image's alternative text)
    labels: list[str]
    series: dict[str, list[float | None]] = field(default_factory=dict)
    unit: str = ""  # after each value in the table: "%", " min"
    kind: str = "bars"  # bars (stacked), grouped, lines, horizontal

    @property
    def empty(self) -> bool:
        return not any(v for values in self.series.values() for v in values if v)

    def rows(self) -> list[tuple[str, list[str]]]:
        """The table: each label with its value in every series, written out."""
        return [(label, [shown(values[i], self.unit) for values in self.series.values()])
                for i, label in enumerate(self.labels)]


def shown(value: float | None, unit: str = "") -> str:
    """`12`, `4.5%`, `none`."""
    if value is None:
        return "none"
    return (f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}") + unit


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def channels_in(report: Report, prefix: str) -> list[str]:
    seen = {c for day in report.days for c in day.by(prefix)}
    return [c for c in CHANNELS if c in seen] + sorted(seen - set(CHANNELS))


def build(report: Report) -> list[Figure]:
    days = [day_label(day.day) for day in report.days]
    messages = Figure("messages", "Messages by day",
                      "Patients' messages each day, stacked by channel.", days)
    for channel in channels_in(report, "messages"):
        messages.series[channel_label(channel)] = [float(d.get(f"messages:{channel}")) for d in report.days]
    conversations = Figure("conversations", "Conversations by day",
                           "Different conversations each day, stacked by channel.", days)
    for channel in [c for c in CHANNELS if any(c in d.conversations for d in report.days)]:
        conversations.series[channel_label(channel)] = [float(d.conversations.get(channel, 0))
                                                        for d in report.days]
    topics_count: dict[str, int] = {}
    for intent, count in report.by("topic").items():
        label = TOPICS.get(intent, intent.replace("_", " "))
        topics_count[label] = topics_count.get(label, 0) + count
    ordered = sorted(topics_count.items(), key=lambda item: -item[1])
    topics = Figure("topics", "Topics", "What patients wrote about in these days, most first.",
                    [label for label, _ in ordered], {"Messages": [float(n) for _, n in ordered]},
                    kind="horizontal")
    understanding = Figure(
        "understanding", "Fallback and clarification rate",
        "Each day's share of messages the bot did not understand, and of those it asked to "
        "have said another way.", days, {
            "Not understood": [rate(d.get("fallbacks"), d.total("messages")) for d in report.days],
            "Asked again": [rate(d.get("clarifications"), d.total("messages")) for d in report.days],
        }, unit="%", kind="lines")
    safety = Figure("events", "Emergencies, escalations, refills and opt-outs",
                    "What happened each day that staff act on.", days, {
                        "Emergencies": [float(d.get("emergencies")) for d in report.days],
                        "Escalations opened": [float(d.total("escalations")) for d in report.days],
                        "Refill requests": [float(d.total("refills")) for d in report.days],
                        "Opt-outs": [float(d.total("opt_outs")) for d in report.days],
                    }, kind="grouped")
    answering = Figure("answering", "Time to answer",
                       "Minutes from an escalation opening until it was claimed, until the "
                       "first staff text, and until it was resolved: the median and the 90th "
                       "percentile (9 in 10 were quicker).",
                       list(MEASURES.values()), {
                           "Median": [minutes(median(report.seconds(m))) for m in MEASURES],
                           "90th percentile": [minutes(percentile(report.seconds(m), 0.9))
                                               for m in MEASURES],
                       }, unit=" min", kind="horizontal")
    return [messages, conversations, topics, understanding, safety, answering]


def headline(report: Report) -> list[tuple[str, str]]:
    """The range in a few figures, for the top of the page."""
    messages = report.total("messages")
    fell_back = rate(report.get("fallbacks"), messages)
    reply = minutes(median(report.seconds("first_reply")))
    return [
        ("Messages", str(messages)),
        ("Conversations", str(report.all_conversations)),
        ("Not understood", f"{fell_back}%" if fell_back is not None else "none yet"),
        ("Emergencies", str(report.get("emergencies"))),
        ("Escalations opened", str(report.total("escalations"))),
        ("Median time to first staff text", f"{reply} min" if reply is not None else "none yet"),
    ]


def csv_rows(report: Report) -> list[list[str]]:
    """One row per day and a last one for the range: what the charts show, as numbers."""
    channels = [c for c in CHANNELS if c in {*channels_in(report, "messages"),
                                             *report.conversations}] or list(CHANNELS)
    topics = sorted(report.by("topic"))
    head = (["date", "messages"] + [f"messages {channel_label(c)}" for c in channels]
            + ["conversations"] + [f"conversations {channel_label(c)}" for c in channels]
            + ["not understood", "not understood %", "asked again", "asked again %", "emergencies",
               "escalations opened", "urgent escalations", "claimed", "resolved", "refill requests",
               "opt-outs"]
            + [f"{label} minutes {kind}" for label in MEASURES.values() for kind in ("median", "p90")]
            + [f"topic {TOPICS.get(t, t)} ({t})" for t in topics])

    def row(name: str, days: Report) -> list[str]:
        messages = days.total("messages")
        values: list[object] = [name, messages, *[days.get(f"messages:{c}") for c in channels]]
        values += [days.all_conversations, *[days.conversations.get(c, 0) for c in channels]]
        values += [days.get("fallbacks"), rate(days.get("fallbacks"), messages),
                   days.get("clarifications"), rate(days.get("clarifications"), messages),
                   days.get("emergencies"), days.total("escalations"), days.get("escalations_urgent"),
                   days.get("claimed"), days.get("resolved"), days.total("refills"),
                   days.total("opt_outs")]
        for measure in MEASURES:
            values += [minutes(median(days.seconds(measure))),
                       minutes(percentile(days.seconds(measure), 0.9))]
        values += [days.get(f"topic:{t}") for t in topics]
        return ["" if v is None else str(v) for v in values]

    rows = [head]
    for day in report.days:
        one = Report([day], day.conversations, sum(day.conversations.values()))
        rows.append(row(day.day.isoformat(), one))
    rows.append(row("all days", report))
    return rows
