"""Geometry for the server-rendered SVG charts (templates draw; no JavaScript).

The trend's axis is scaled to the figures (with a margin and round ticks, written on the axis),
not from zero: rates between 95 % and 99 % use the chart's height instead of a flat line at its
top. Labels that would overlap are thinned (every k-th year) and shortened ("24-25").
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import Truncator

from namhoc.core.formats import format_number

__all__ = ["Bar", "BarChart", "LinePoint", "Tick", "TrendChart", "bar_chart", "trend_chart"]

_LABEL_PX = 64  # width a "2024-2025" label needs at the chart's font size
_SHORT_PX = 38  # width of "24-25"
_VALUE_PX = 44  # width of a value label ("99,5")


@dataclass(frozen=True)
class LinePoint:
    x: float
    y: float
    label: str  # the period's label as given ("2024-2025")
    value: Decimal | None
    text: str = ""  # the x-axis label drawn under the point ("" when thinned out)
    show_value: bool = True  # the value is written above the point


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    points: list[LinePoint]
    polyline: str
    target_y: float | None
    baseline: float
    ticks: list[Tick]
    left: int  # where the plot starts (room for the tick labels)


def _nice_step(span: float) -> float:
    """A round step (1, 2 or 5 × 10^k) that cuts ``span`` into about four parts."""
    raw = span / 4 if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _scale(values: list[Decimal], target: Decimal | None) -> tuple[float, float, float]:
    """``(low, high, step)`` of the axis: round ticks around the figures and the target, with a
    margin; never below zero for figures that are not."""
    numbers = [float(v) for v in values]
    if target is not None:
        numbers.append(float(target))
    if not numbers:
        return 0.0, 1.0, 0.25
    lo, hi = min(numbers), max(numbers)
    span = hi - lo or (abs(hi) * 0.1 or 1.0)
    step = _nice_step(span)
    low = math.floor((lo - span * 0.1) / step) * step
    high = math.ceil((hi + span * 0.1) / step) * step
    if lo >= 0 > low:
        low = 0.0
    if high <= low:
        high = low + step
    return low, high, step


def _short(label: str) -> str:
    """``2024-2025`` → ``24-25``; anything else as it is."""
    first, dash, second = label.partition("-")
    if dash and len(first) == 4 and len(second) == 4 and first.isascii() and second.isascii():
        return f"{first[2:]}-{second[2:]}"
    return label


def trend_chart(
    series: list[tuple[str, Decimal | None]],
    target: Decimal | None = None,
    *,
    width: int = 320,
    height: int = 120,
    pad: int = 24,
    axis: bool = True,
) -> TrendChart:
    """A line over the school years; gaps where there is no figure; a dashed target line;
    with ``axis``, tick labels on the left and thinned labels under the points."""
    low, high, step = _scale([v for _, v in series if v is not None], target)
    span = high - low
    left = pad + (28 if axis else 0)
    inner_w = width - left - pad
    inner_h = height - 2 * pad
    gap = inner_w / max(len(series) - 1, 1)

    def y_of(value: Decimal | float) -> float:
        return round(pad + inner_h - (float(value) - low) / span * inner_h, 1)

    short = gap < _LABEL_PX
    every = max(1, math.ceil((_SHORT_PX if short else _LABEL_PX) / gap)) if len(series) > 1 else 1
    last = len(series) - 1
    points = [
        LinePoint(
            x=round(left + n * gap, 1),
            y=y_of(value) if value is not None else float(height - pad),
            label=label,
            value=value,
            text=(_short(label) if short else label)
            if axis and (n % every == 0 or n == last) and not (n != last and last - n < every)
            else "",
            show_value=axis and (gap >= _VALUE_PX or n == last),
        )
        for n, (label, value) in enumerate(series)
    ]
    polyline = " ".join(f"{p.x},{p.y}" for p in points if p.value is not None)
    ticks = []
    if axis:
        count = round(span / step)
        for k in range(count + 1):
            value = low + k * step
            ticks.append(Tick(y=y_of(value), label=format_number(Decimal(str(round(value, 6))))))
    return TrendChart(
        width=width,
        height=height,
        points=points,
        polyline=polyline,
        target_y=y_of(target) if target is not None else None,
        baseline=float(height - pad),
        ticks=ticks,
        left=left,
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    y: int
    width: float
    target_x: float | None
    colour: str
    note: str = ""  # "chưa đủ số liệu (3/5 đơn vị)" beside the bar
    short: str = ""  # the label as drawn: ``truncatechars`` of it at ``LABEL_CHARS``


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    row: int


LABEL_CHARS = 32  # a bar's label is cut there ("…")


def _cut(label: str) -> str:
    """``label|truncatechars:LABEL_CHARS``, without asking Django's truncator (and its
    translation lookup, ~0.1 ms a bar) for the labels short enough to stay as they are: the
    truncator returns those unchanged, NFC-normalized."""
    text = unicodedata.normalize("NFC", label)
    return text if len(text) <= LABEL_CHARS else Truncator(text).chars(LABEL_CHARS)


def bar_chart(
    rows: list[tuple[str, Decimal | None, Decimal | None, str, str]],
    *,
    width: int = 640,
    label_width: int = 220,
    row: int = 26,
) -> BarChart:
    """Horizontal bars (one per child unit: label, value, target, colour, note) with the target
    as a tick."""
    values = [v for _, v, _, _, _ in rows if v is not None] + [
        t for _, _, t, _, _ in rows if t is not None
    ]
    high = max(values) if values else Decimal(1)
    high = high if high > 0 else Decimal(1)
    inner = width - label_width - 70
    bars = [
        Bar(
            label=label,
            value=value,
            y=n * row,
            width=round(float(value / high) * inner, 1) if value is not None else 0.0,
            target_x=round(label_width + float(target / high) * inner, 1)
            if target is not None
            else None,
            colour=colour,
            note=note,
            short=_cut(label),
        )
        for n, (label, value, target, colour, note) in enumerate(rows)
    ]
    return BarChart(
        width=width, height=max(len(rows), 1) * row, label_width=label_width, bars=bars, row=row
    )
