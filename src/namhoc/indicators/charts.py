"""Geometry for the server-rendered SVG charts (templates draw; no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Bar", "BarChart", "LinePoint", "TrendChart", "bar_chart", "trend_chart"]


@dataclass(frozen=True)
class LinePoint:
    x: float
    y: float
    label: str
    value: Decimal | None


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    points: list[LinePoint]
    polyline: str
    target_y: float | None
    baseline: float


def _scale(values: list[Decimal], target: Decimal | None) -> tuple[Decimal, Decimal]:
    numbers = [v for v in values if v is not None]
    if target is not None:
        numbers.append(target)
    if not numbers:
        return Decimal(0), Decimal(1)
    low = min(Decimal(0), *numbers)
    high = max(numbers)
    if high == low:
        high = low + 1
    return low, high


def trend_chart(
    series: list[tuple[str, Decimal | None]],
    target: Decimal | None = None,
    *,
    width: int = 320,
    height: int = 120,
    pad: int = 24,
) -> TrendChart:
    """A line over the school years; gaps where there is no figure; a dashed target line."""
    low, high = _scale([v for _, v in series if v is not None], target)
    span = high - low
    inner_w = width - 2 * pad
    inner_h = height - 2 * pad
    step = inner_w / max(len(series) - 1, 1)

    def y_of(value: Decimal) -> float:
        return round(pad + inner_h - float((value - low) / span) * inner_h, 1)

    points = [
        LinePoint(
            x=round(pad + n * step, 1),
            y=y_of(value) if value is not None else float(height - pad),
            label=label,
            value=value,
        )
        for n, (label, value) in enumerate(series)
    ]
    polyline = " ".join(f"{p.x},{p.y}" for p in points if p.value is not None)
    return TrendChart(
        width=width,
        height=height,
        points=points,
        polyline=polyline,
        target_y=y_of(target) if target is not None else None,
        baseline=float(height - pad),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    y: int
    width: float
    target_x: float | None
    colour: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    row: int


def bar_chart(
    rows: list[tuple[str, Decimal | None, Decimal | None, str]],
    *,
    width: int = 640,
    label_width: int = 220,
    row: int = 26,
) -> BarChart:
    """Horizontal bars (one per child unit) with the target as a tick."""
    values = [v for _, v, _, _ in rows if v is not None] + [
        t for _, _, t, _ in rows if t is not None
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
        )
        for n, (label, value, target, colour) in enumerate(rows)
    ]
    return BarChart(
        width=width, height=max(len(rows), 1) * row, label_width=label_width, bars=bars, row=row
    )
