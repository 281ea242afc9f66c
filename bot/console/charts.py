"""A `Figure` drawn as SVG on the server, with pygal, in the console's colours.

Two sizes: `wide` for a desktop and `narrow` for a phone (the page picks one with
<picture>, so a phone gets a chart drawn for its width, not a wide one shrunk). The SVG
has no script (pygal's tooltips would load one from elsewhere); it is served as an image,
so its own small stylesheet applies to it alone.
"""

from __future__ import annotations

import math
from typing import Any

from bot.console.figures import Figure, shown

SIZES = {"wide": (760, 360), "narrow": (360, 420)}
COLOURS = ("#0b5cad", "#1a7f37", "#b3261e", "#8a4b00", "#6f42c1", "#57606a")
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'


def _style(narrow: bool) -> Any:
    from pygal.style import Style

    return Style(
        background="#ffffff", plot_background="#ffffff", foreground="#1b1f24",
        foreground_strong="#1b1f24", foreground_subtle="#d0d7de", opacity=".9",
        opacity_hover="1", colors=COLOURS, font_family=FONT,
        label_font_size=13 if narrow else 12, major_label_font_size=13 if narrow else 12,
        legend_font_size=14 if narrow else 13, title_font_size=16, value_font_size=12,
        tooltip_font_size=12,
    )


def render(figure: Figure, size: str) -> str:
    """The chart's SVG document."""
    import pygal

    width, height = SIZES[size]
    narrow = size == "narrow"
    many = len(figure.labels) > (7 if narrow else 16)
    config: dict[str, Any] = {
        "width": width, "height": height, "style": _style(narrow), "js": [],
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 1 if narrow else min(4, max(1, len(figure.series))),
        "show_legend": len(figure.series) > 1, "print_values": False, "margin": 12,
        "show_x_guides": False, "show_y_guides": True, "include_x_axis": True,
        "no_data_text": "Nothing counted in these days", "truncate_label": 24 if narrow else 40,
        "value_formatter": lambda v: shown(v, figure.unit),
    }
    if not figure.unit:  # counts: whole numbers on the axis
        top = max([v for values in figure.series.values() for v in values if v] + [1.0])
        if figure.kind == "bars":  # stacked: the axis reaches the tallest stack
            top = max([sum(v or 0 for v in day) for day in zip(*figure.series.values(), strict=False)]
                      + [top])
        step = max(1, math.ceil(top / 6))
        config["y_labels"] = list(range(0, int(top) + step + 1, step))
    if figure.kind == "horizontal":
        chart = pygal.HorizontalBar(**config)
        config_labels = figure.labels
    else:
        config.update(x_label_rotation=40 if many or narrow else 0,
                      show_minor_x_labels=not many,
                      x_labels_major_every=max(1, len(figure.labels) // (6 if narrow else 12)))
        kind = {"bars": pygal.StackedBar, "grouped": pygal.Bar, "lines": pygal.Line}[figure.kind]
        chart = kind(**config)
        config_labels = [label if not narrow else label.split(" ", 1)[1] for label in figure.labels]
    chart.x_labels = config_labels
    for name, values in figure.series.items():
        chart.add(name, values)
    return _without_scripts(chart.render_tree())


def _without_scripts(tree: Any) -> str:
    """pygal always adds a script of its config (for its tooltips, which would load from
    elsewhere): an image needs none, so none is sent."""
    from pygal.etree import etree

    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + str(etree.tostring(tree, encoding="unicode"))
