"""Geometry of the report's bar charts, drawn as SVG by templates/visits/staff/_charts.html.

Plain values in, plain values out: the template only places rectangles and text, and
Jinja escapes every label.  No scripts, no inline styles (the CSP forbids them): colours
come from classes in static/css/visits.css, so the charts print too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    total: int
    #: Horizontal charts: where labels end and bars begin.  Columns: the baseline.
    axis: float


def _scale(value: int, largest: int, room: float) -> float:
    return 0.0 if largest <= 0 else room * value / largest


def horizontal(items: list[tuple[str, int]], width: int = 700, label_width: int = 290,
               bar_height: int = 24, gap: int = 10) -> Chart:
    """One bar per category, labels on the left, values after the bars."""
    largest = max((value for _, value in items), default=0)
    room = width - label_width - 60
    bars = tuple(Bar(label, value, label_width, i * (bar_height + gap) + 4, _scale(value, largest, room),
                     bar_height) for i, (label, value) in enumerate(items))
    height = len(items) * (bar_height + gap) + 4
    return Chart(width, max(height, 30), bars, sum(v for _, v in items), label_width)


def columns(items: list[tuple[str, int]], width: int = 640, height: int = 220) -> Chart:
    """One column per item (hours of the day, days of a month), labels under the baseline."""
    largest = max((value for _, value in items), default=0)
    baseline = height - 28
    room = baseline - 22
    slot = width / max(len(items), 1)
    bars = []
    for i, (label, value) in enumerate(items):
        bar_height = _scale(value, largest, room)
        bars.append(Bar(label, value, i * slot + slot * 0.15, baseline - bar_height, slot * 0.7, bar_height))
    return Chart(width, height, tuple(bars), sum(v for _, v in items), baseline)
