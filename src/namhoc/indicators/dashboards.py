"""Indicator values at any level, dashboards and the scorecard — all read from the roll-ups.

An indicator's value at a unit is ``factor x Σnumerator / Σdenominator`` where both sums come
from :class:`Aggregate` rows (the unit's rolled-up totals and counts), never an average of the
children's rates. A target is the unit's own for the school year or, failing that, the nearest
ancestor's ("inherited", marked so on the page).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from namhoc.indicators.formulas import Expression, parse
from namhoc.indicators.models import DataElement, Indicator, Period, Target
from namhoc.indicators.rollup import figure_rows
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths

__all__ = [
    "Dashboard",
    "IndicatorValue",
    "Scorecard",
    "all_indicators",
    "attainment",
    "colour",
    "dashboard",
    "indicator_values",
    "national_table",
    "scorecard",
]


@dataclass(frozen=True)
class IndicatorValue:
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None


@dataclass(frozen=True)
class _Compiled:
    indicator: Indicator
    numerator: Expression
    denominator: Expression | None

    @property
    def codes(self) -> set[str]:
        return self.numerator.codes | (self.denominator.codes if self.denominator else set())


def _compile(indicators: Iterable[Indicator]) -> list[_Compiled]:
    return [
        _Compiled(
            indicator=i,
            numerator=parse(i.numerator),
            denominator=parse(i.denominator) if i.denominator.strip() else None,
        )
        for i in indicators
    ]


def _evaluate(c: _Compiled, totals: dict[str, Decimal], counts: dict[str, int]) -> IndicatorValue:
    # A missing element counts as zero when some figure of the formula exists at this unit
    # (a commune without THPT schools has no THPT rows), as "no data" when none does.
    if not any(code in totals for code in c.codes):
        return IndicatorValue(None, None, None)
    filled_totals = {code: totals.get(code, Decimal(0)) for code in c.codes}
    filled_counts = {code: counts.get(code, 0) for code in c.codes}
    numerator = c.numerator.evaluate(filled_totals, filled_counts)
    denominator = (
        c.denominator.evaluate(filled_totals, filled_counts) if c.denominator else Decimal(1)
    )
    if numerator is None or denominator is None or denominator == 0:
        return IndicatorValue(numerator, denominator, None)
    value = c.indicator.factor * numerator / denominator
    quantum = Decimal(1).scaleb(-c.indicator.decimals)
    return IndicatorValue(numerator, denominator, value.quantize(quantum, ROUND_HALF_UP))


def indicator_values(
    indicators: Sequence[Indicator], unit_ids: Iterable[int], period_ids: Iterable[int]
) -> dict[tuple[int, int, int], IndicatorValue]:
    """``{(indicator_id, unit_id, period_id): IndicatorValue}``: three queries for any size."""
    compiled = _compile(indicators)
    codes = set().union(*(c.codes for c in compiled)) if compiled else set()
    element_codes = dict(DataElement.objects.filter(code__in=codes).values_list("pk", "code"))
    units = list(unit_ids)
    period_list = list(period_ids)
    totals: dict[tuple[int, int], dict[str, Decimal]] = {}
    counts: dict[tuple[int, int], dict[str, int]] = {}
    rows = figure_rows(units, period_list, list(element_codes))
    for unit_id, period_id, element_id, total, count in rows:
        if count == 0:
            continue
        code = element_codes[element_id]
        totals.setdefault((unit_id, period_id), {})[code] = total
        counts.setdefault((unit_id, period_id), {})[code] = count
    result = {}
    for c in compiled:
        for unit_id in units:
            for period_id in period_list:
                key = (unit_id, period_id)
                result[(c.indicator.pk, unit_id, period_id)] = _evaluate(
                    c, totals.get(key, {}), counts.get(key, {})
                )
    return result


def all_indicators() -> list[Indicator]:
    return list(Indicator.objects.all())


def attainment(
    indicator: Indicator, value: Decimal | None, target: Decimal | None
) -> Decimal | None:
    """How far ``value`` reaches ``target``, in percent (100 = reached), capped at 100."""
    if value is None or target is None:
        return None
    if indicator.direction == Indicator.Direction.HIGHER:
        if target == 0:
            return Decimal(100)
        result = 100 * value / target
    else:
        if value == 0:
            return Decimal(100)
        result = 100 * target / value
    return min(result, Decimal(100)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def colour(indicator: Indicator, attained: Decimal | None) -> str:
    """``good`` / ``warn`` / ``bad`` by the indicator's thresholds; ``none`` without a target."""
    if attained is None:
        return "none"
    if attained >= indicator.good_threshold:
        return "good"
    if attained >= indicator.warn_threshold:
        return "warn"
    return "bad"


def _targets_for(
    indicators: Sequence[Indicator], units: Sequence[OrgUnit], school_year: str
) -> dict[tuple[int, int], tuple[Decimal, bool]]:
    """``{(indicator_id, unit_id): (value, inherited)}``: own target or the nearest ancestor's."""
    paths = {p for u in units for p in [*ancestor_paths(u.path), u.path]}
    rows = Target.objects.filter(
        indicator__in=list(indicators), unit__path__in=paths, school_year=school_year
    ).values_list("indicator_id", "unit__path", "value")
    by_path: dict[tuple[int, str], Decimal] = {(i, p): v for i, p, v in rows}
    result = {}
    for unit in units:
        chain = [unit.path, *reversed(ancestor_paths(unit.path))]
        for indicator in indicators:
            for depth, path in enumerate(chain):
                if (indicator.pk, path) in by_path:
                    result[(indicator.pk, unit.pk)] = (by_path[(indicator.pk, path)], depth > 0)
                    break
    return result


@dataclass
class Row:
    indicator: Indicator
    value: IndicatorValue
    target: Decimal | None
    inherited: bool
    attained: Decimal | None
    colour: str
    trend: list[tuple[Period, IndicatorValue]] = field(default_factory=list)


@dataclass
class Dashboard:
    unit: OrgUnit
    period: Period
    rows: list[Row]
    children: list[OrgUnit]
    focus: Indicator | None
    breakdown: list[tuple[OrgUnit, IndicatorValue, Decimal | None, str]]
    trend_periods: list[Period]


def dashboard(
    unit: OrgUnit,
    period: Period,
    *,
    indicators: Sequence[Indicator] | None = None,
    focus: Indicator | None = None,
) -> Dashboard:
    """Every indicator at ``unit`` for ``period`` against its target, the trend over school
    years (same kind of period), and ``focus`` (default: the first with a value) by child unit.

    Seven queries whatever the size of the tree.
    """
    indicator_list = list(indicators if indicators is not None else Indicator.objects.all())
    trend_periods = list(Period.objects.filter(kind=period.kind).order_by("start"))
    values = indicator_values(indicator_list, [unit.pk], [p.pk for p in trend_periods])
    targets = _targets_for(indicator_list, [unit], period.school_year)
    rows = []
    for indicator in indicator_list:
        value = values[(indicator.pk, unit.pk, period.pk)]
        target, inherited = targets.get((indicator.pk, unit.pk), (None, False))
        attained = attainment(indicator, value.value, target)
        rows.append(
            Row(
                indicator=indicator,
                value=value,
                target=target,
                inherited=inherited,
                attained=attained,
                colour=colour(indicator, attained),
                trend=[(p, values[(indicator.pk, unit.pk, p.pk)]) for p in trend_periods],
            )
        )
    if focus is None:
        focus = next((r.indicator for r in rows if r.value.value is not None), None)
    children = list(OrgUnit.objects.filter(parent=unit, valid_to__isnull=True).order_by("name"))
    breakdown: list[tuple[OrgUnit, IndicatorValue, Decimal | None, str]] = []
    if focus is not None and children:
        child_values = indicator_values([focus], [c.pk for c in children], [period.pk])
        child_targets = _targets_for([focus], children, period.school_year)
        for child in children:
            value = child_values[(focus.pk, child.pk, period.pk)]
            if value.value is None and value.numerator is None:
                continue
            target = child_targets.get((focus.pk, child.pk), (None, False))[0]
            breakdown.append(
                (child, value, target, colour(focus, attainment(focus, value.value, target)))
            )
    return Dashboard(
        unit=unit,
        period=period,
        rows=rows,
        children=children,
        focus=focus,
        breakdown=breakdown,
        trend_periods=trend_periods,
    )


def national_table(
    period: Period, *, root: OrgUnit | None = None
) -> tuple[list[Indicator], list[OrgUnit], dict[tuple[int, int, int], IndicatorValue]]:
    """Every indicator for ``root`` (the Ministry) and each current child (the provinces)."""
    if root is None:
        root = OrgUnit.objects.filter(depth=0, valid_to__isnull=True).order_by("path").first()
    if root is None:
        return [], [], {}
    units = [root, *OrgUnit.objects.filter(parent=root, valid_to__isnull=True).order_by("name")]
    indicator_list = list(Indicator.objects.all())
    return (
        indicator_list,
        units,
        indicator_values(indicator_list, [u.pk for u in units], [period.pk]),
    )


@dataclass
class ScoreRow:
    unit: OrgUnit
    rank: int
    attainment: Decimal | None  # mean over indicators with a value and a target
    on_time: float | None
    score: Decimal | None
    cells: list[tuple[Indicator, IndicatorValue, Decimal | None, str]]


@dataclass
class Scorecard:
    unit: OrgUnit
    period: Period
    indicators: list[Indicator]
    weights: dict[str, Decimal]
    rows: list[ScoreRow]
    tracking_available: bool


def _on_time_rates(unit_ids: list[int], school_year: str) -> dict[int, Any] | None:
    """``namhoc.tracking.selectors.on_time_rates`` when the tracking app provides it."""
    try:
        from namhoc.tracking import selectors as tracking
    except ImportError:
        return None
    function = getattr(tracking, "on_time_rates", None)
    if function is None:
        return None
    result: dict[int, Any] = function(unit_ids=unit_ids, school_year=school_year)
    return result


DEFAULT_WEIGHTS = {"attainment": Decimal("0.7"), "on_time": Decimal("0.3")}


def scorecard(
    unit: OrgUnit,
    period: Period,
    *,
    indicators: Sequence[Indicator] | None = None,
    weights: dict[str, Decimal] | None = None,
) -> Scorecard:
    """Rank ``unit``'s children by ``weights`` x (mean target attainment, on-time task rate).

    A child without a task rate (no tracking data, nothing due) is scored on attainment alone:
    its weights are re-normalised. Ties keep alphabetical order.
    """
    weights = dict(weights or DEFAULT_WEIGHTS)
    indicator_list = list(indicators if indicators is not None else Indicator.objects.all())
    children = list(OrgUnit.objects.filter(parent=unit, valid_to__isnull=True).order_by("name"))
    ids = [c.pk for c in children]
    values = indicator_values(indicator_list, ids, [period.pk])
    targets = _targets_for(indicator_list, children, period.school_year)
    rates = _on_time_rates(ids, period.school_year)
    rows = []
    for child in children:
        cells = []
        attained_list = []
        for indicator in indicator_list:
            value = values[(indicator.pk, child.pk, period.pk)]
            target = targets.get((indicator.pk, child.pk), (None, False))[0]
            attained = attainment(indicator, value.value, target)
            if attained is not None:
                attained_list.append(attained)
            cells.append((indicator, value, target, colour(indicator, attained)))
        mean = (
            (sum(attained_list, Decimal(0)) / len(attained_list)).quantize(Decimal("0.1"))
            if attained_list
            else None
        )
        rate_obj = rates.get(child.pk) if rates else None
        on_time = getattr(rate_obj, "rate", None) if rate_obj is not None else None
        parts: list[tuple[Decimal, Decimal]] = []
        if mean is not None:
            parts.append((weights["attainment"], mean))
        if on_time is not None:
            parts.append((weights["on_time"], Decimal(str(on_time)) * 100))
        weight_sum = sum((w for w, _ in parts), Decimal(0))
        score = (
            (sum((w * v for w, v in parts), Decimal(0)) / weight_sum).quantize(Decimal("0.1"))
            if parts and weight_sum > 0
            else None
        )
        rows.append(ScoreRow(child, 0, mean, on_time, score, cells))
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0)))
    for n, row in enumerate(rows, start=1):
        row.rank = n if row.score is not None else 0
    return Scorecard(
        unit=unit,
        period=period,
        indicators=indicator_list,
        weights=weights,
        rows=rows,
        tracking_available=rates is not None,
    )
