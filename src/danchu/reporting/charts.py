"""Charts as inline SVG drawn on the server: no JavaScript, no library, no external file.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(screen readers read those; the page also prints the same figures as a table). Colours are
presentation attributes (the Content-Security-Policy forbids inline styles) with a contrast of
at least 4.5:1 on white; every value is written as text beside its mark, so nothing is told by
colour alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

__all__ = ["Point", "bar_chart", "line_chart"]

INK = "#1a1a1a"  # text: 17.4:1 on white
MARK = "#0b4f8a"  # bars and lines: 8.4:1 on white
GRID = "#767676"  # axis and grid: 4.5:1 on white
FONT = 'font-family="system-ui, sans-serif" font-size="13"'

_ids = itertools.count(1)


@dataclass(frozen=True)
class Point:
    """One labelled value; ``value`` is None when there is nothing to draw (a rate over zero)."""

    label: str
    value: float | None
    text: str  # the value as printed, e.g. "1.234.500" or "87,5%"


def _open(title: str, description: str, width: int, height: int) -> tuple[str, list[str]]:
    n = next(_ids)
    title_id, desc_id = f"chart-{n}-title", f"chart-{n}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
    )
    return head, []


def _describe(points: Sequence[Point]) -> str:
    return "; ".join(f"{p.label}: {p.text}" for p in points)


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def bar_chart(title: str, points: Sequence[Point], *, label_width: int = 190) -> SafeString:
    """Horizontal bars, one per unit, its name on the left and its value on the right: for
    comparing villages, communes or provinces (long names read well this way)."""
    row, top, width = 26, 8, 720
    height = top * 2 + row * max(len(points), 1)
    head, parts = _open(title, _describe(points) or _("No figures."), width, height)
    values = [p.value for p in points if p.value is not None]
    peak = max([v for v in values if v > 0], default=0.0)
    bar_space = width - label_width - 110
    parts.append(
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - top}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    for index, point in enumerate(points):
        y = top + index * row
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" fill="{INK}" {FONT}>'
            f"{escape(_cut(point.label, 28))}</text>"
        )
        length = 0.0
        if point.value is not None and point.value > 0 and peak:
            length = max(bar_space * point.value / peak, 1.0)
        if length:
            parts.append(
                f'<rect x="{label_width}" y="{y + 5}" width="{length:.1f}" height="{row - 10}" '
                f'fill="{MARK}"><title>{escape(point.label)}: {escape(point.text)}</title></rect>'
            )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" fill="{INK}" {FONT}>'
            f"{escape(point.text)}</text>"
        )
    return mark_safe(head + "".join(parts) + "</svg>")  # noqa: S308 — every text is escaped


def line_chart(title: str, points: Sequence[Point]) -> SafeString:
    """A line over time with a dot and its value at each step: for trends month by month. A
    step without a value (a rate over zero) breaks the line."""
    width, height = 720, 260
    left, right, top, bottom = 16, 16, 28, 44
    head, parts = _open(title, _describe(points) or _("No figures."), width, height)
    values = [p.value for p in points if p.value is not None]
    peak = max(values, default=0.0)
    peak = peak if peak > 0 else 1.0
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points), 1)
    base = top + plot_h
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    segment: list[str] = []
    segments: list[list[str]] = []
    every = max(1, round(len(points) / 12))  # at most about twelve labels under the axis
    for index, point in enumerate(points):
        x = left + step * (index + 0.5)
        if index % every == 0 or index == len(points) - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{base + 20}" text-anchor="middle" fill="{INK}" {FONT}>'
                f"{escape(point.label)}</text>"
            )
        if point.value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        y = base - plot_h * max(point.value, 0.0) / peak
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{MARK}">'
            f"<title>{escape(point.label)}: {escape(point.text)}</title></circle>"
        )
        if len(points) <= 12:
            parts.append(
                f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" fill="{INK}" {FONT}>'
                f"{escape(point.text)}</text>"
            )
    if segment:
        segments.append(segment)
    lines = [
        f'<polyline points="{" ".join(s)}" fill="none" stroke="{MARK}" stroke-width="2.5"/>'
        for s in segments
        if len(s) > 1
    ]
    return mark_safe(head + "".join(lines) + "".join(parts) + "</svg>")  # noqa: S308
