"""Indicator values at any level, dashboards and the scorecard — all read from the roll-ups.

An indicator's value at a unit is ``factor x Σnumerator / Σdenominator`` where both sums come
from :class:`Aggregate` rows (the unit's rolled-up totals and counts), never an average of the
children's rates. A target is the unit's own for the school year or, failing that, the nearest
ancestor's ("inherited", marked so on the page).

Not reported is not zero (:mod:`namhoc.indicators.coverage`): a figure the period does not
collect yet is "chưa đến kỳ", one that some units have not reported is "chưa đủ số liệu (n/N đơn
vị)"; neither is compared with its target, averaged into a score or ranked.

These functions compute for units already checked by the caller; the page selectors
(:mod:`namhoc.indicators.selectors.pages`) load the units in the viewer's scope.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from namhoc.core.clock import today as clock_today
from namhoc.core.collation import collate_vi
from namhoc.indicators import pagecache
from namhoc.indicators.coverage import (
    Catalogue,
    Coverage,
    collected_kinds,
    expected_reporters,
    status_of,
)
from namhoc.indicators.formulas import Expression, parse
from namhoc.indicators.models import DataElement, Indicator, Period, Target
from namhoc.indicators.rollup import figure_rows
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths

__all__ = [
    "DEFAULT_WEIGHTS",
    "Cell",
    "Colour",
    "Dashboard",
    "IndicatorValue",
    "Row",
    "ScoreGroup",
    "ScoreRow",
    "Scorecard",
    "ScorecardFigures",
    "Summary",
    "all_indicators",
    "attainment",
    "cells_for",
    "colour",
    "dashboard",
    "group_of",
    "indicator_values",
    "national_table",
    "scorecard",
    "scorecard_figures",
]

Colour = Literal["good", "warn", "bad", "none"]


@dataclass(frozen=True)
class IndicatorValue:
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None


NO_VALUE = IndicatorValue(None, None, None)


@dataclass(frozen=True)
class _Compiled:
    indicator: Indicator
    numerator: Expression
    denominator: Expression | None

    @functools.cached_property
    def codes(self) -> frozenset[str]:
        """The formula's element codes (read for every unit a page computes: kept once)."""
        return frozenset(
            self.numerator.codes | (self.denominator.codes if self.denominator else set())
        )


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
    # (a commune without THPT schools has no THPT rows), as "no data" when none does. Whether
    # the missing figures were due is the coverage's question, not the value's.
    if totals.keys().isdisjoint(c.codes):
        return NO_VALUE
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


Figures = tuple[dict[tuple[int, int], dict[str, Decimal]], dict[tuple[int, int], dict[str, int]]]


def _figures(
    codes: set[str],
    unit_ids: list[int],
    period_ids: list[int],
    catalogue: Catalogue | None = None,
) -> Figures:
    """``(totals, counts)`` keyed by (unit, period), then element code (two queries; three
    without the catalogue)."""
    if catalogue is not None:
        element_codes = {catalogue.element_ids[c]: c for c in codes if c in catalogue.element_ids}
    else:
        element_codes = dict(DataElement.objects.filter(code__in=codes).values_list("pk", "code"))
    totals: dict[tuple[int, int], dict[str, Decimal]] = {}
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for unit_id, period_id, element_id, total, count in figure_rows(
        unit_ids, period_ids, list(element_codes)
    ):
        if count == 0:
            continue
        code = element_codes[element_id]
        totals.setdefault((unit_id, period_id), {})[code] = total
        counts.setdefault((unit_id, period_id), {})[code] = count
    return totals, counts


def indicator_values(
    indicators: Sequence[Indicator], unit_ids: Iterable[int], period_ids: Iterable[int]
) -> dict[tuple[int, int, int], IndicatorValue]:
    """``{(indicator_id, unit_id, period_id): IndicatorValue}``: three queries for any size."""
    compiled = _compile(indicators)
    codes = set().union(*(c.codes for c in compiled)) if compiled else set()
    units, period_list = list(unit_ids), list(period_ids)
    totals, counts = _figures(codes, units, period_list)
    return {
        (c.indicator.pk, unit_id, period_id): _evaluate(
            c, totals.get((unit_id, period_id), {}), counts.get((unit_id, period_id), {})
        )
        for c in compiled
        for unit_id in units
        for period_id in period_list
    }


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


def colour(indicator: Indicator, attained: Decimal | None) -> Colour:
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
    indicator_ids = [i.pk for i in indicators]
    for unit in units:
        unit_id = unit.pk
        chain = [unit.path, *reversed(ancestor_paths(unit.path))]
        for indicator_id in indicator_ids:
            for depth, path in enumerate(chain):
                found = by_path.get((indicator_id, path))
                if found is not None:
                    result[(indicator_id, unit_id)] = (found, depth > 0)
                    break
    return result


# --- one figure, with where it stands ------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """An indicator at a unit for a period: its value, whether it is complete, its target."""

    indicator: Indicator
    value: IndicatorValue
    coverage: Coverage
    target: Decimal | None
    inherited: bool
    attained: Decimal | None  # only for a complete figure with a target
    colour: Colour

    @property
    def shown(self) -> Decimal | None:
        """The figure the page shows (None: "chưa đến kỳ", no unit reports it)."""
        return self.value.value if self.coverage.status in ("ok", "partial") else None


def cells_for(
    indicators: Sequence[Indicator],
    units: Sequence[OrgUnit],
    period: Period,
    *,
    day: dt.date | None = None,
    catalogue: Catalogue | None = None,
    figures: Figures | None = None,
    tree: str | None = None,
    context: str | None = None,
) -> dict[tuple[int, int], Cell]:
    """``{(indicator_id, unit_id): Cell}`` for any units: about seven queries whatever their
    number (figures, expected reporters per depth, targets, the catalogue) — fewer when the
    caller passes the catalogue and the units' figures for the period.

    ``context``: the page's key for its children's cells (``pagecache.figures_keys``): each
    unit's cells are then kept by this process and computed again only when its own figures
    for the period change (``pagecache.unit_cells``)."""
    day = day or clock_today()
    catalogue = catalogue or Catalogue.load()
    # Who must report, for the whole list of units (kept per tree: the same list every time).
    expected = expected_reporters(units, catalogue, tree=tree)
    if context is None or figures is not None:
        return _cells(indicators, units, period, day=day, catalogue=catalogue, figures=figures,
                      expected=expected)  # fmt: skip
    return pagecache.unit_cells(
        context,
        units,
        period,
        [i.pk for i in indicators],
        lambda some: _cells(
            indicators, some, period, day=day, catalogue=catalogue, figures=None, expected=expected
        ),
    )


def _cells(
    indicators: Sequence[Indicator],
    units: Sequence[OrgUnit],
    period: Period,
    *,
    day: dt.date,
    catalogue: Catalogue,
    figures: Figures | None,
    expected: dict[int, Any],
) -> dict[tuple[int, int], Cell]:
    compiled = _compile(indicators)
    codes = set().union(*(c.codes for c in compiled)) if compiled else set()
    totals, counts = figures or _figures(codes, [u.pk for u in units], [period.pk], catalogue)
    kinds = collected_kinds(indicators, catalogue)
    targets = _targets_for(indicators, units, period.school_year)
    result = {}
    # What each unit brings, read once rather than once per indicator (a province's scorecard
    # asks for ~100 units x ~40 indicators).
    period_id = period.pk
    per_unit = [
        (
            unit,
            unit.pk,
            counts.get((unit.pk, period_id), {}),
            totals.get((unit.pk, period_id), {}),
            expected.get(unit.pk, {}),
        )
        for unit in units
    ]
    for c in compiled:
        indicator = c.indicator
        indicator_id = indicator.pk
        indicator_kinds = kinds[indicator_id]
        for unit, unit_id, reported, unit_totals, unit_expected in per_unit:
            coverage = status_of(
                indicator,
                unit=unit,
                period=period,
                kinds=indicator_kinds,
                expected=unit_expected,
                reported=reported,
                day=day,
            )
            value = (
                _evaluate(c, unit_totals, reported)
                if coverage.status in ("ok", "partial")
                else NO_VALUE
            )
            target, inherited = targets.get((indicator_id, unit_id), (None, False))
            attained = attainment(indicator, value.value, target) if coverage.counts else None
            result[(indicator_id, unit_id)] = Cell(
                indicator=indicator,
                value=value,
                coverage=coverage,
                target=target,
                inherited=inherited,
                attained=attained,
                colour=colour(indicator, attained),
            )
    return result


# --- a unit's dashboard ---------------------------------------------------------------------


@dataclass
class Row:
    cell: Cell
    trend: list[tuple[Period, IndicatorValue]] = field(default_factory=list)

    @property
    def indicator(self) -> Indicator:
        return self.cell.indicator

    # The cell's parts by their former names (``reporting`` reads a row this way).
    @property
    def value(self) -> IndicatorValue:
        return self.cell.value

    @property
    def target(self) -> Decimal | None:
        return self.cell.target

    @property
    def inherited(self) -> bool:
        return self.cell.inherited

    @property
    def attained(self) -> Decimal | None:
        return self.cell.attained

    @property
    def colour(self) -> Colour:
        return self.cell.colour


@dataclass(frozen=True)
class Summary:
    """The boxes above the indicator table: the same counts as its "Đạt" column."""

    good: int = 0  # green: reached (from the indicator's green threshold)
    warn: int = 0  # amber
    bad: int = 0  # red
    no_target: int = 0  # a complete figure without a target
    incomplete: int = 0  # "chưa đủ số liệu"
    not_due: int = 0  # "chưa đến kỳ" / not collected in this period
    none: int = 0  # no unit below reports it

    @classmethod
    def of(cls, cells: Iterable[Cell]) -> Summary:
        tally = dict.fromkeys(
            ("good", "warn", "bad", "no_target", "incomplete", "not_due", "none"), 0
        )
        for cell in cells:
            status = cell.coverage.status
            if status == "ok":
                tally["no_target" if cell.colour == "none" else cell.colour] += 1
            elif status == "partial":
                tally["incomplete"] += 1
            elif status in ("not_due", "not_collected"):
                tally["not_due"] += 1
            else:
                tally["none"] += 1
        return cls(**tally)


@dataclass
class Dashboard:
    unit: OrgUnit
    period: Period
    rows: list[Row]
    children: list[OrgUnit]
    focus: Indicator | None
    breakdown: list[tuple[OrgUnit, Cell]]
    trend_periods: list[Period]
    summary: Summary


def dashboard(
    unit: OrgUnit,
    period: Period,
    *,
    indicators: Sequence[Indicator] | None = None,
    focus: Indicator | None = None,
    day: dt.date | None = None,
    all_periods: Sequence[Period] | None = None,
    catalogue: Catalogue | None = None,
    tree: str | None = None,
    context: str | None = None,
) -> Dashboard:
    """Every indicator at ``unit`` for ``period`` against its target, where each figure stands,
    the trend over school years (same kind of period), and ``focus`` (default: the first with a
    figure) by current child unit. About a dozen queries whatever the size of the tree."""
    indicator_list = list(indicators if indicators is not None else Indicator.objects.all())
    catalogue = catalogue or Catalogue.load()
    every = list(all_periods) if all_periods is not None else list(Period.objects.all())
    trend_periods = sorted(
        (p for p in every if p.kind == period.kind), key=lambda p: (p.as_of, p.start)
    )
    compiled = _compile(indicator_list)
    codes = set().union(*(c.codes for c in compiled)) if compiled else set()
    totals, counts = _figures(
        codes, [unit.pk], sorted({period.pk, *(p.pk for p in trend_periods)}), catalogue
    )
    cells = cells_for(
        indicator_list,
        [unit],
        period,
        day=day,
        catalogue=catalogue,
        figures=(totals, counts),
        tree=tree,
    )
    kinds = collected_kinds(indicator_list, catalogue)
    rows = []
    for c in compiled:
        trend = []
        for p in trend_periods:
            key = (unit.pk, p.pk)
            collected = p.kind in kinds[c.indicator.pk]
            value = _evaluate(c, totals.get(key, {}), counts.get(key, {})) if collected else None
            trend.append((p, value or NO_VALUE))
        rows.append(Row(cell=cells[(c.indicator.pk, unit.pk)], trend=trend))
    if focus is None:
        focus = next((r.indicator for r in rows if r.cell.shown is not None), None)
    children = pagecache.current_children(unit, tree)
    breakdown: list[tuple[OrgUnit, Cell]] = []
    if focus is not None and children:
        child_cells = cells_for(
            [focus], children, period, day=day, catalogue=catalogue, tree=tree, context=context
        )
        breakdown = [
            (child, child_cells[(focus.pk, child.pk)])
            for child in children
            if child_cells[(focus.pk, child.pk)].coverage.status != "none"
        ]
    return Dashboard(
        unit=unit,
        period=period,
        rows=rows,
        children=children,
        focus=focus,
        breakdown=breakdown,
        trend_periods=trend_periods,
        summary=Summary.of(r.cell for r in rows),
    )


def national_table(
    period: Period, *, root: OrgUnit | None = None
) -> tuple[list[Indicator], list[OrgUnit], dict[tuple[int, int, int], IndicatorValue]]:
    """Every indicator for ``root`` (the Ministry) and each current child (the provinces)."""
    if root is None:
        root = OrgUnit.objects.filter(depth=0, valid_to__isnull=True).order_by("path").first()
    if root is None:
        return [], [], {}
    units = [
        root,
        *OrgUnit.objects.filter(parent=root, valid_to__isnull=True).order_by(
            collate_vi("name"), "pk"
        ),
    ]
    indicator_list = list(Indicator.objects.all())
    return (
        indicator_list,
        units,
        indicator_values(indicator_list, [u.pk for u in units], [period.pk]),
    )


# --- the scorecard: like with like ---------------------------------------------------------

_SCHOOL_GROUPS = {
    OrgUnit.SchoolLevel.PRESCHOOL: "Trường mầm non",
    OrgUnit.SchoolLevel.PRIMARY: "Trường tiểu học",
    OrgUnit.SchoolLevel.LOWER_SECONDARY: "Trường trung học cơ sở",
    OrgUnit.SchoolLevel.UPPER_SECONDARY: "Trường trung học phổ thông",
    OrgUnit.SchoolLevel.MULTI_LEVEL: "Trường liên cấp",
    OrgUnit.SchoolLevel.CONTINUING: "Trung tâm giáo dục thường xuyên",
}
_KIND_ORDER = [k.value for k in OrgUnit.Kind]
_LEVEL_ORDER = [level.value for level in OrgUnit.SchoolLevel]


def group_of(unit: OrgUnit) -> tuple[str, str]:
    """``(key, label)`` of the group a unit is ranked in: its kind, and for a school its level
    ("commune" → "Xã, phường, đặc khu"; "school:thpt" → "Trường trung học phổ thông")."""
    if unit.kind == OrgUnit.Kind.SCHOOL:
        level = unit.school_level or ""
        label = _SCHOOL_GROUPS.get(OrgUnit.SchoolLevel(level), "") if level else ""
        return f"school:{level}", label or "Cơ sở giáo dục khác"
    return str(unit.kind), OrgUnit.Kind(unit.kind).label


def _group_order(key: str) -> tuple[int, int]:
    kind, _, level = key.partition(":")
    return (
        _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER),
        _LEVEL_ORDER.index(level) if level in _LEVEL_ORDER else len(_LEVEL_ORDER),
    )


@dataclass
class ScoreRow:
    unit: OrgUnit
    group: str  # group key (``group_of``)
    rank: int  # within the group; 0: not ranked (no score)
    attainment: Decimal | None  # mean over the indicators counted (complete, with a target)
    on_time: float | None
    score: Decimal | None
    cells: list[Cell]
    counted: int  # indicators averaged into the attainment
    applicable: int  # indicators with a target that this unit's subtree reports this period

    @property
    def coverage_label(self) -> str:
        return f"{self.counted}/{self.applicable} chỉ tiêu"


@dataclass
class ScoreGroup:
    key: str
    label: str
    rows: list[ScoreRow]


@dataclass
class Scorecard:
    unit: OrgUnit
    period: Period
    indicators: list[Indicator]
    weights: dict[str, Decimal]
    groups: list[ScoreGroup]
    tracking_available: bool

    @property
    def rows(self) -> list[ScoreRow]:
        return [row for group in self.groups for row in group.rows]


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


def _score(
    weights: dict[str, Decimal], mean: Decimal | None, on_time: float | None
) -> Decimal | None:
    parts: list[tuple[Decimal, Decimal]] = []
    if mean is not None:
        parts.append((weights["attainment"], mean))
    if on_time is not None:
        parts.append((weights["on_time"], Decimal(str(on_time)) * 100))
    weight_sum = sum((w for w, _ in parts), Decimal(0))
    if not parts or weight_sum <= 0:
        return None
    return (sum((w * v for w, v in parts), Decimal(0)) / weight_sum).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class ScorecardFigures:
    """What a scorecard reads from the figures: the children ranked and each indicator at each
    (cached by the pages: ``pagecache``); the task rates are read apart, every time."""

    children: list[OrgUnit]
    cells: dict[tuple[int, int], Cell]


def scorecard_figures(
    unit: OrgUnit,
    period: Period,
    *,
    indicators: Sequence[Indicator],
    day: dt.date | None = None,
    catalogue: Catalogue | None = None,
    tree: str | None = None,
    context: str | None = None,
) -> ScorecardFigures:
    """``unit``'s current children in Vietnamese order and every indicator at each."""
    children = pagecache.current_children(unit, tree)
    cells = cells_for(
        indicators, children, period, day=day, catalogue=catalogue, tree=tree, context=context
    )
    return ScorecardFigures(children=children, cells=cells)


def scorecard(
    unit: OrgUnit,
    period: Period,
    *,
    indicators: Sequence[Indicator] | None = None,
    weights: dict[str, Decimal] | None = None,
    day: dt.date | None = None,
    figures: ScorecardFigures | None = None,
) -> Scorecard:
    """Rank ``unit``'s current children, like with like (by kind, and schools by level), by
    ``weights`` x (mean target attainment, on-time task rate).

    The attainment is the mean over the indicators a child has complete figures and a target
    for — a missing figure is left out, never averaged as zero; each row says how many of its
    indicators counted. A child without a task rate is scored on attainment alone (weights
    re-normalised). Ties keep Vietnamese alphabetical order. ``figures``: the children's cells
    when the caller has them (:func:`scorecard_figures`, for these indicators).
    """
    weights = dict(weights or DEFAULT_WEIGHTS)
    indicator_list = list(indicators if indicators is not None else Indicator.objects.all())
    if figures is None:
        figures = scorecard_figures(unit, period, indicators=indicator_list, day=day)
    children, cells = figures.children, figures.cells
    rates = _on_time_rates([c.pk for c in children], period.school_year)
    groups: dict[str, ScoreGroup] = {}
    indicator_ids = [i.pk for i in indicator_list]
    for child in children:
        child_id = child.pk
        row_cells = [cells[(indicator_id, child_id)] for indicator_id in indicator_ids]
        attained = [c.attained for c in row_cells if c.attained is not None]
        applicable = sum(
            1
            for c in row_cells
            if c.target is not None and c.coverage.status in ("ok", "partial", "not_due")
        )
        mean = (
            (sum(attained, Decimal(0)) / len(attained)).quantize(Decimal("0.1"))
            if attained
            else None
        )
        rate_obj = rates.get(child.pk) if rates else None
        on_time = getattr(rate_obj, "rate", None) if rate_obj is not None else None
        key, label = group_of(child)
        group = groups.setdefault(key, ScoreGroup(key=key, label=label, rows=[]))
        group.rows.append(
            ScoreRow(
                unit=child,
                group=key,
                rank=0,
                attainment=mean,
                on_time=on_time,
                score=_score(weights, mean, on_time),
                cells=row_cells,
                counted=len(attained),
                applicable=applicable,
            )
        )
    for group in groups.values():
        group.rows.sort(key=lambda r: (r.score is None, -(r.score or 0)))
        for n, row in enumerate(group.rows, start=1):
            row.rank = n if row.score is not None else 0
    return Scorecard(
        unit=unit,
        period=period,
        indicators=indicator_list,
        weights=weights,
        groups=sorted(groups.values(), key=lambda g: _group_order(g.key)),
        tracking_available=rates is not None,
    )
