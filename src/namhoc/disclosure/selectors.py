"""Reads of the public disclosure pages (công khai, issue 17; ADR 0012). No sign-in: what they
return is public by construction — approved figures, the org tree's names, published directives'
headers — and nothing about people.

**Approved only.** A figure of unit U for period P is shown when the data set it belongs to is
approved for P at U or at a unit above U (``indicators.selectors.above_q``: the approval that
locks U's figures, ADR 0005). Shown is U's rolled-up total of that element — every value in it is
under the same approval, since an approval covers its whole subtree. An element that a data set
still open for P also collects (with reporting units under U) is left out, so no total mixes an
approved form with an unapproved one. Indicators are computed from approved totals only.

**Cached per unit and period.** The figures part is kept in Django's cache under a key made of
the unit, the period, the approvals that can lock it (how many there are, the newest, and the
newest approval or un-approval event) and the org tree the roll-ups were built for: an approval,
an un-approval or a rebuilt roll-up makes a new key, so a cached page is never older than its
figures. A warm page costs a constant handful of queries, whatever the size of the unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from namhoc.core.collation import collate_vi
from namhoc.core.errors import NotFound
from namhoc.core.text import fold
from namhoc.directives.models import Directive
from namhoc.disclosure.sections import (
    FINANCE,
    GENERAL,
    GROUPS,
    SECTIONS,
    Section,
    section_of_element,
)
from namhoc.indicators.formulas import parse
from namhoc.indicators.models import (
    Aggregation,
    Approval,
    ApprovalEvent,
    DataSet,
    DataSetElement,
    Indicator,
    Period,
)
from namhoc.indicators.selectors import (
    RollupFreshness,
    above_q,
    catalogue,
    current_period,
    periods,
    rollups_freshness,
    unit_totals,
)
from namhoc.orgunits.models import OrgUnit, kind_label
from namhoc.orgunits.tree import ancestor_paths, subtree_q

__all__ = [
    "CACHE_SECONDS",
    "Approved",
    "DisclosurePage",
    "Figure",
    "IndicatorFigure",
    "OpenRow",
    "PublicFigures",
    "SectionFigures",
    "disclosure_page",
    "open_data",
    "public_figures",
    "public_unit",
    "unit_index",
]

CACHE_SECONDS = 3600
KEY_MAX = 40


def public_unit(key: object) -> OrgUnit:
    """Any unit of the tree by its key (NotFound otherwise): every unit has a public page."""
    if not isinstance(key, str) or not 0 < len(key) <= KEY_MAX or not key.isprintable():
        raise NotFound("Không tìm thấy đơn vị này.")
    unit = OrgUnit.objects.filter(key=key).select_related("parent").first()
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị này.")
    return unit


def unit_index(*, search: object = "", kind: object = "") -> QuerySet[OrgUnit]:
    """The units with a public page that exist today (no pre-2025 district), in Vietnamese
    order; ``search``: words of the name, diacritics optional ("tu ky" finds Tứ Kỳ);
    ``kind``: one level. A queryset: the caller pages it."""
    units = OrgUnit.objects.filter(valid_to__isnull=True).exclude(kind=OrgUnit.Kind.DISTRICT)
    phrase = (
        fold("".join(c for c in search[:100] if c.isprintable())) if isinstance(search, str) else ""
    )
    if phrase:
        units = units.filter(name_folded__contains=phrase)
    if isinstance(kind, str) and kind in OrgUnit.Kind.values:
        units = units.filter(kind=kind)
    return units.select_related("parent").order_by(collate_vi("name"), "path", "pk")


# --- approved figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Approved:
    """The approval a data set's figures of the unit are published under."""

    data_set_code: str
    data_set_name: str
    approved_at: dt.datetime
    by_unit_key: str
    by_unit_name: str


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    unit_label: str
    value: Decimal
    reporting_units: int  # how many units' values the total holds
    data_set_code: str


@dataclass(frozen=True)
class IndicatorFigure:
    code: str
    name: str
    value: Decimal
    unit_label: str
    decimals: int


@dataclass(frozen=True)
class SectionFigures:
    section: Section
    figures: list[Figure] = field(default_factory=list)
    indicators: list[IndicatorFigure] = field(default_factory=list)
    approvals: list[Approved] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.figures and not self.indicators


@dataclass(frozen=True)
class PublicFigures:
    """What a unit publishes for a period (the cached part of its page)."""

    sections: list[SectionFigures]
    approvals: list[Approved]  # every approval the page's figures come from
    awaiting: list[str]  # names of the data sets collected for the period, not approved yet

    @property
    def has_figures(self) -> bool:
        return any(not s.empty for s in self.sections)


def _reporting_here(unit: OrgUnit, candidates: list[DataSet]) -> list[DataSet]:
    """The data sets that the unit or some current unit below it reports (one query)."""
    present = set(
        OrgUnit.objects.filter(Q(pk=unit.pk) | (subtree_q(unit.path) & Q(valid_to__isnull=True)))
        .values_list("kind", "school_level")
        .distinct()
    )
    return [
        ds
        for ds in candidates
        if any(
            kind == ds.unit_kind and (not ds.school_levels or level in ds.school_levels)
            for kind, level in present
        )
    ]


def _nearest_approvals(
    unit: OrgUnit, period: Period, data_sets: list[DataSet]
) -> dict[int, Approval]:
    """``{data set id: the approval locking the unit's figures}``, the nearest one (the unit's
    own, else its lowest approving ancestor's); one query."""
    rows = (
        Approval.objects.filter(above_q(unit), period=period, data_set__in=data_sets)
        .select_related("unit")
        .order_by("-unit__depth", "pk")
    )
    nearest: dict[int, Approval] = {}
    for approval in rows:
        nearest.setdefault(approval.data_set_id, approval)
    return nearest


def _value(total: Decimal, count: int, aggregation: str) -> Decimal:
    if aggregation == Aggregation.AVERAGE and count:
        return total / count
    return total


def _codes(indicator: Indicator) -> set[str]:
    codes = parse(indicator.numerator).codes
    if indicator.denominator.strip():
        codes |= parse(indicator.denominator).codes
    return codes


def _indicator_value(
    indicator: Indicator, totals: dict[str, Decimal], counts: dict[str, int]
) -> Decimal | None:
    numerator = parse(indicator.numerator).evaluate(totals, counts)
    if numerator is None:
        return None
    if not indicator.denominator.strip():
        return indicator.factor * numerator
    denominator = parse(indicator.denominator).evaluate(totals, counts)
    if not denominator:
        return None
    return indicator.factor * numerator / denominator


def _compute(unit: OrgUnit, period: Period) -> PublicFigures:
    candidates = [ds for ds in DataSet.objects.order_by("code") if ds.collected_in(period)]
    relevant = _reporting_here(unit, candidates)
    approvals = _nearest_approvals(unit, period, relevant)
    locked = [ds for ds in relevant if ds.pk in approvals]
    open_sets = [ds for ds in relevant if ds.pk not in approvals]
    members = list(
        DataSetElement.objects.filter(data_set__in=relevant)
        .select_related("element")
        .order_by("data_set__code", "order", "pk")
    )
    still_open = {m.element_id for m in members if m.data_set_id in {d.pk for d in open_sets}}
    shown: dict[int, DataSetElement] = {}
    for member in members:  # an element once, under the first approved form that has it
        if member.data_set_id in approvals and member.element_id not in still_open:
            shown.setdefault(member.element_id, member)
    rows = {
        member.element_id: found
        for member, found in unit_totals(unit, period, list(shown.values()))
        if found is not None
    }
    by_code = {ds.pk: ds for ds in locked}
    grants = {
        ds.pk: Approved(
            data_set_code=ds.code,
            data_set_name=ds.name,
            approved_at=approvals[ds.pk].approved_at,
            by_unit_key=approvals[ds.pk].unit.key,
            by_unit_name=approvals[ds.pk].unit.name,
        )
        for ds in locked
    }
    figures: dict[str, list[Figure]] = {}
    used: dict[str, dict[int, Approved]] = {}
    totals: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    form_of: dict[str, int] = {}  # element code -> the approved data set it is published under
    for element_id, member in shown.items():
        if element_id not in rows:
            continue
        total, count = rows[element_id]
        element = member.element
        section = section_of_element(element.code)
        figures.setdefault(section.code, []).append(
            Figure(
                code=element.code,
                name=element.name,
                unit_label=element.unit_label,
                value=_value(total, count, element.aggregation),
                reporting_units=count,
                data_set_code=by_code[member.data_set_id].code,
            )
        )
        used.setdefault(section.code, {})[member.data_set_id] = grants[member.data_set_id]
        totals[element.code] = total
        counts[element.code] = count
        form_of[element.code] = member.data_set_id
    indicators: dict[str, list[IndicatorFigure]] = {}
    for indicator in catalogue():
        group = GROUPS.get(indicator.group)
        value = _indicator_value(indicator, totals, counts) if group else None
        if group is None or value is None:
            continue
        for code in _codes(indicator):  # the approvals an indicator's figures come from
            used.setdefault(group.code, {})[form_of[code]] = grants[form_of[code]]
        indicators.setdefault(group.code, []).append(
            IndicatorFigure(
                code=indicator.code,
                name=indicator.name,
                value=value,
                unit_label=indicator.unit_label,
                decimals=indicator.decimals,
            )
        )
    sections = [
        SectionFigures(
            section=section,
            figures=figures.get(section.code, []),
            indicators=indicators.get(section.code, []),
            approvals=sorted(used.get(section.code, {}).values(), key=lambda a: a.data_set_code),
        )
        for section in SECTIONS
        if section not in (GENERAL, FINANCE)
    ]
    return PublicFigures(
        sections=sections,
        approvals=[grants[ds.pk] for ds in locked],
        awaiting=[ds.name for ds in open_sets],
    )


def _cache_key(unit: OrgUnit, period: Period, freshness: RollupFreshness) -> str:
    """A key that changes whenever what the page shows may change (two queries)."""
    chain = Approval.objects.filter(above_q(unit), period=period).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    events = ApprovalEvent.objects.filter(above_q(unit), period=period).aggregate(last=Max("pk"))
    return (
        f"disclosure:v1:{unit.pk}:{period.pk}:{chain['n']}.{chain['last']}.{events['last']}:"
        f"{freshness.built_for}:{freshness.tree}"
    )


def public_figures(
    unit: OrgUnit, period: Period, *, freshness: RollupFreshness | None = None
) -> PublicFigures:
    """The approved figures ``unit`` publishes for ``period``, from the cache when fresh
    (``freshness``: the roll-ups' state, when the caller has read it already)."""
    key = _cache_key(unit, period, freshness or rollups_freshness())
    found = cache.get(key)
    if isinstance(found, PublicFigures):
        return found
    result = _compute(unit, period)
    cache.set(key, result, CACHE_SECONDS)
    return result


# --- the page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisclosurePage:
    unit: OrgUnit
    ancestors: list[OrgUnit]  # root first
    kind: str  # the unit's level as people say it
    children: list[tuple[str, int]]  # current units directly below it, by level
    period: Period | None
    periods: list[Period]  # newest first
    figures: PublicFigures | None
    directives: QuerySet[Directive]  # published by the unit in the period's school year, to all
    rollups_stale: bool  # the org tree changed and the totals are being recomputed


def _default_period(unit: OrgUnit, every: list[Period]) -> Period | None:
    """The newest period with approved figures at the unit; else the current one (one query)."""
    approved = (
        Approval.objects.filter(above_q(unit))
        .order_by("-period__as_of", "-period__start")
        .values_list("period_id", flat=True)
        .first()
    )
    by_id = {p.pk: p for p in every}
    if approved in by_id:
        return by_id[approved]
    return current_period(every)


def disclosure_page(unit_key: object, period_code: object = "") -> DisclosurePage:
    unit = public_unit(unit_key)
    every = periods()
    period = None
    if isinstance(period_code, str) and period_code:
        period = next((p for p in every if p.code == period_code), None)
        if period is None:
            raise NotFound("Không có kỳ báo cáo này.")
    elif every:
        period = _default_period(unit, every)
    ancestors = list(OrgUnit.objects.filter(path__in=ancestor_paths(unit.path)).order_by("path"))
    children = [
        (kind_label(kind, level), n)
        for kind, level, n in OrgUnit.objects.filter(parent=unit, valid_to__isnull=True)
        .values_list("kind", "school_level")
        .annotate(n=Count("pk"))
        .order_by("kind", "school_level")
    ]
    freshness = rollups_freshness() if period is not None else None
    figures = (
        public_figures(unit, period, freshness=freshness)
        if period is not None and freshness is not None
        else None
    )
    directives = (
        # what the unit issued to the units below it; not a document addressed to one unit
        # (an inspection's conclusion names the unit inspected and its shortcomings, ADR 0011)
        Directive.objects.filter(
            unit=unit, status=Directive.Status.PUBLISHED, addressed_to__isnull=True
        )
        .filter(school_year=period.school_year if period else "-")
        .only("pk", "doc_type", "number", "issued_on", "title", "school_year", "unit_id")
        .order_by("-issued_on", "-pk")
    )
    freshness_stale = freshness is not None and freshness.recorded and freshness.stale
    return DisclosurePage(
        unit=unit,
        ancestors=ancestors,
        kind=unit.kind_label,
        children=children,
        period=period,
        periods=sorted(every, key=lambda p: (p.as_of, p.start), reverse=True),
        figures=figures,
        directives=directives,
        rollups_stale=freshness_stale,
    )


# --- open data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenRow:
    """One approved aggregate (or an indicator computed from approved ones) of the open data."""

    kind: str  # "element" | "indicator"
    code: str
    name: str
    value: Decimal
    unit_label: str
    reporting_units: int | None
    data_set: str
    approved_at: dt.datetime | None
    approved_by_unit: str
    section: str


def open_data(unit_key: object, period_code: object = "") -> tuple[DisclosurePage, list[OpenRow]]:
    """The unit's page and its approved aggregates for the period as rows (CSV, JSON)."""
    page = disclosure_page(unit_key, period_code)
    rows: list[OpenRow] = []
    if page.figures is None:
        return page, rows
    grants = {a.data_set_code: a for a in page.figures.approvals}
    for part in page.figures.sections:
        for figure in part.figures:
            grant = grants[figure.data_set_code]
            rows.append(
                OpenRow(
                    kind="element",
                    code=figure.code,
                    name=figure.name,
                    value=figure.value,
                    unit_label=figure.unit_label,
                    reporting_units=figure.reporting_units,
                    data_set=figure.data_set_code,
                    approved_at=grant.approved_at,
                    approved_by_unit=grant.by_unit_name,
                    section=part.section.title,
                )
            )
        for indicator in part.indicators:
            rows.append(
                OpenRow(
                    kind="indicator",
                    code=indicator.code,
                    name=indicator.name,
                    value=round(indicator.value, indicator.decimals),
                    unit_label=indicator.unit_label,
                    reporting_units=None,
                    data_set="",
                    approved_at=None,
                    approved_by_unit="",
                    section=part.section.title,
                )
            )
    return page, rows
