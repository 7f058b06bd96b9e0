"""Reads for data entry and approval: who reports what, how complete, what is locked.

Scope is explicit: callers pass units they have already checked with ``accounts.access``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from namhoc.indicators.formulas import parse
from namhoc.indicators.models import (
    Approval,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Indicator,
    Period,
    RollupEdge,
    RollupState,
    Target,
)
from namhoc.indicators.rollup import figure_rows
from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitPlacement, OrgUnitSuccession
from namhoc.orgunits.tree import ancestor_paths, subtree_q

__all__ = [
    "EntryField",
    "EntryForm",
    "RollupFreshness",
    "StatusRow",
    "above_q",
    "allocation_children",
    "approval_blocker",
    "approval_of",
    "completeness",
    "current_period",
    "data_set_by_code",
    "data_set_members",
    "data_sets_for",
    "entry_form",
    "latest_denominators",
    "lock_of",
    "periods",
    "reporting_units",
    "rollups_freshness",
    "rollups_stale",
    "status_rows",
    "targets_of",
    "tree_marker",
    "unit_totals",
]


def periods() -> list[Period]:
    return list(Period.objects.order_by("start", "kind"))


def current_period(
    all_periods: list[Period] | None = None, *, day: dt.date | None = None
) -> Period | None:
    """The period whose figures are the newest there can be on ``day`` (today): the latest whose
    reference date (``as_of``) has passed — on 24/11 the start-of-year report as of 30/9, not the
    semester that is still running. Before any, the earliest period."""
    day = day or timezone.localdate()
    rows = all_periods if all_periods is not None else periods()
    passed = [p for p in rows if p.as_of <= day]
    if passed:
        return max(passed, key=lambda p: (p.as_of, p.start))
    return min(rows, key=lambda p: (p.as_of, p.start)) if rows else None


def data_set_members(data_set: DataSet) -> list[DataSetElement]:
    return list(
        DataSetElement.objects.filter(data_set=data_set).select_related("element").order_by("order")
    )


def _reporting_q(data_set: DataSet) -> Q:
    query = Q(kind=data_set.unit_kind, valid_to__isnull=True)
    if data_set.school_levels:
        query &= Q(school_level__in=data_set.school_levels)
    return query


def reporting_units(unit: OrgUnit, data_set: DataSet) -> QuerySet[OrgUnit]:
    """The current units in ``unit``'s subtree (itself included) that report ``data_set``."""
    return OrgUnit.objects.filter(subtree_q(unit.path), _reporting_q(data_set)).order_by("path")


def data_sets_for(unit: OrgUnit) -> list[DataSet]:
    """The data sets reported by ``unit`` or by some unit below it (one query per data set)."""
    return [
        data_set
        for data_set in DataSet.objects.order_by("code")
        if data_set.applies_to(unit) or reporting_units(unit, data_set).exists()
    ]


def completeness(unit_ids: Iterable[int], data_set: DataSet, period: Period) -> dict[int, int]:
    """``{unit_id: how many of the data set's required figures it has}`` (one query)."""
    required = DataSetElement.objects.filter(data_set=data_set, required=True).values("element_id")
    rows = (
        DataValue.objects.filter(unit_id__in=list(unit_ids), period=period, element_id__in=required)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    return dict(rows)


def _required_count(data_set: DataSet) -> int:
    return DataSetElement.objects.filter(data_set=data_set, required=True).count()


def approval_of(unit: OrgUnit, data_set: DataSet, period: Period) -> Approval | None:
    return (
        Approval.objects.filter(unit=unit, data_set=data_set, period=period)
        .select_related("approved_by")
        .first()
    )


def above_q(unit: OrgUnit, field: str = "unit") -> Q:
    """Rows whose ``field`` is ``unit``, one of its ancestors by path, or any unit its figures
    count toward (a dissolved unit's successor chain, from the roll-up edges)."""
    return Q(**{f"{field}__path__in": [*ancestor_paths(unit.path), unit.path]}) | Q(
        **{f"{field}_id__in": RollupEdge.objects.filter(unit_id=unit.pk).values("target_id")}
    )


def lock_of(unit: OrgUnit, data_set: DataSet, period: Period) -> Approval | None:
    """The approval locking ``unit``'s figures of ``data_set`` (its own or one above), if any."""
    return (
        Approval.objects.filter(above_q(unit), data_set=data_set, period=period)
        .select_related("unit", "approved_by")
        .order_by("unit__depth")
        .first()
    )


@dataclass(frozen=True)
class StatusRow:
    unit: OrgUnit
    reports: bool  # the unit reports the data set itself
    filled: int  # figures present (reporting units)
    required: int
    below: int  # reporting units below (non-reporting children)
    approved: bool

    @property
    def complete(self) -> bool:
        return self.reports and self.filled >= self.required

    @property
    def ready(self) -> bool:
        return self.complete if self.reports else (self.approved or self.below == 0)


def status_rows(unit: OrgUnit, data_set: DataSet, period: Period) -> list[StatusRow]:
    """One row per current child of ``unit`` that reports ``data_set`` or has units that do.

    Five queries whatever the number of children.
    """
    kids = list(OrgUnit.objects.filter(parent=unit, valid_to__isnull=True).order_by("name"))
    reporting_paths = list(
        OrgUnit.objects.filter(
            subtree_q(unit.path, include_self=False), _reporting_q(data_set)
        ).values_list("path", flat=True)
    )
    reporting_kids = [k for k in kids if data_set.applies_to(k)]
    filled = completeness([k.pk for k in reporting_kids], data_set, period)
    required = _required_count(data_set)
    approved = set(
        Approval.objects.filter(
            unit__in=[k for k in kids if not data_set.applies_to(k)],
            data_set=data_set,
            period=period,
        ).values_list("unit_id", flat=True)
    )
    rows = []
    for kid in kids:
        reports = data_set.applies_to(kid)
        below = 0 if reports else sum(1 for p in reporting_paths if p.startswith(kid.path))
        if not reports and below == 0:
            continue
        rows.append(
            StatusRow(
                unit=kid,
                reports=reports,
                filled=filled.get(kid.pk, 0),
                required=required,
                below=below,
                approved=kid.pk in approved,
            )
        )
    return rows


def approval_blocker(unit: OrgUnit, data_set: DataSet, period: Period) -> str:
    """Why ``unit`` cannot approve yet (Vietnamese), or "" when it can."""
    rows = status_rows(unit, data_set, period)
    if not rows:
        return f"Không có đơn vị nào thuộc {unit.name} báo cáo biểu này."
    incomplete = [r.unit.name for r in rows if r.reports and not r.complete]
    unapproved = [r.unit.name for r in rows if not r.reports and not r.ready]
    parts = []
    if incomplete:
        parts.append(f"Còn {len(incomplete)} đơn vị chưa nhập đủ số liệu: {_names(incomplete)}.")
    if unapproved:
        parts.append(f"Còn {len(unapproved)} đơn vị chưa phê duyệt: {_names(unapproved)}.")
    return " ".join(parts)


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" và {len(names) - limit} đơn vị khác" if len(names) > limit else "")


@dataclass(frozen=True)
class EntryField:
    member: DataSetElement
    value: Decimal | None
    version: int | None

    @property
    def element(self) -> DataElement:
        return self.member.element


@dataclass(frozen=True)
class EntryForm:
    unit: OrgUnit
    data_set: DataSet
    period: Period
    fields: list[EntryField]
    lock: Approval | None

    @property
    def sections(self) -> list[tuple[str, list[EntryField]]]:
        result: list[tuple[str, list[EntryField]]] = []
        for entry in self.fields:
            if not result or result[-1][0] != entry.member.section:
                result.append((entry.member.section, []))
            result[-1][1].append(entry)
        return result

    @property
    def filled(self) -> int:
        return sum(1 for f in self.fields if f.value is not None and f.member.required)

    @property
    def required(self) -> int:
        return sum(1 for f in self.fields if f.member.required)


def entry_form(unit: OrgUnit, data_set: DataSet, period: Period) -> EntryForm:
    """The figures of ``unit`` for ``data_set`` and ``period`` with their versions (3 queries)."""
    members = data_set_members(data_set)
    current = {
        element_id: (value, version)
        for element_id, value, version in DataValue.objects.filter(
            unit=unit, period=period, element_id__in=[m.element_id for m in members]
        ).values_list("element_id", "value", "version")
    }
    fields = [
        EntryField(
            member=m,
            value=current.get(m.element_id, (None, None))[0],
            version=current.get(m.element_id, (None, None))[1],
        )
        for m in members
    ]
    return EntryForm(
        unit=unit,
        data_set=data_set,
        period=period,
        fields=fields,
        lock=lock_of(unit, data_set, period),
    )


def latest_denominators(indicator: Indicator, unit_ids: list[int]) -> dict[int, Decimal]:
    """Each unit's indicator denominator in the latest period with figures (allocation weights)."""
    expression = parse(indicator.denominator) if indicator.denominator else None
    if expression is None:
        return {}
    elements = dict(DataElement.objects.filter(code__in=expression.codes).values_list("pk", "code"))
    periods = list(
        Period.objects.filter(as_of__lte=timezone.localdate())
        .order_by("-as_of")
        .values_list("pk", flat=True)
    ) or list(Period.objects.order_by("-as_of").values_list("pk", flat=True))
    rows = figure_rows(unit_ids, periods, list(elements))
    if not rows:
        return {}
    order = {pk: n for n, pk in enumerate(periods)}
    latest = min((row[1] for row in rows), key=order.__getitem__)
    totals: dict[int, dict[str, Decimal]] = {}
    counts: dict[int, dict[str, int]] = {}
    for unit_id, period_id, element_id, total, count in rows:
        if period_id != latest:
            continue
        totals.setdefault(unit_id, {})[elements[element_id]] = total
        counts.setdefault(unit_id, {})[elements[element_id]] = count
    result = {}
    for unit_id, unit_totals in totals.items():
        value = expression.evaluate(unit_totals, counts[unit_id])
        if value is not None:
            result[unit_id] = value
    return result


def unit_totals(
    unit: OrgUnit, period: Period, members: list[DataSetElement]
) -> list[tuple[DataSetElement, tuple[Decimal, int] | None]]:
    """The rolled-up (total, count) of each member element at ``unit`` (None: no figure)."""
    found = {
        element_id: (total, count)
        for _, _, element_id, total, count in figure_rows(
            [unit.pk], [period.pk], [m.element_id for m in members]
        )
    }
    return [(m, found.get(m.element_id)) for m in members]


def targets_of(
    unit: OrgUnit, school_year: str, focus: Indicator | None
) -> tuple[dict[int, Target], list[tuple[OrgUnit, Decimal | None]]]:
    """``unit``'s own targets by indicator id, and for ``focus`` each current child with the
    target allocated to it (None: not yet)."""
    own = {t.indicator_id: t for t in Target.objects.filter(unit=unit, school_year=school_year)}
    allocation: list[tuple[OrgUnit, Decimal | None]] = []
    if focus is not None:
        children = list(OrgUnit.objects.filter(parent=unit, valid_to__isnull=True).order_by("name"))
        given = dict(
            Target.objects.filter(
                indicator=focus, unit__in=children, school_year=school_year
            ).values_list("unit_id", "value")
        )
        allocation = [(child, given.get(child.pk)) for child in children]
    return own, allocation


def data_set_by_code(code: str) -> DataSet | None:
    return DataSet.objects.filter(code=code).first()


def allocation_children(unit: OrgUnit, keys: Iterable[str]) -> dict[str, OrgUnit]:
    """The current children of ``unit`` among ``keys`` (a target can be allocated to them)."""
    return {
        child.key: child
        for child in OrgUnit.objects.filter(parent=unit, valid_to__isnull=True, key__in=list(keys))
    }


# --- is every roll-up built for the org tree as it is now? ---------------------------------

# Scalar subqueries whose values change with every structural change of the org tree. Units and
# events cannot be edited or deleted in the admin, so the tree changes only through the orgunits
# services and loaders, and each of them (rename, move, merge, split, ``units load``) adds an
# event and succession links; moves and new units add placements, new units ids. Counts of the
# two small tables (≈ 4k events, 12k links at national scale) also catch a deleted link. All
# from primary-key indexes: ≈ 1 ms on PostgreSQL at national scale, where counting the 114k
# placements and 53k current units as well took ≈ 8 ms (ADR 0005). Table names come from the
# models' metadata (as in ``rollup._REBUILD_SQL``), never from input.
_FRESHNESS_SQL = """
SELECT
  (SELECT marker FROM {state} WHERE id = 1),
  (SELECT rebuild_requested_at FROM {state} WHERE id = 1),
  (SELECT MAX(id) FROM {event}), (SELECT COUNT(*) FROM {event}),
  (SELECT MAX(id) FROM {succession}), (SELECT COUNT(*) FROM {succession}),
  (SELECT MAX(id) FROM {placement}), (SELECT MAX(id) FROM {unit})
"""


@dataclass(frozen=True)
class RollupFreshness:
    built_for: str | None  # the marker of the last rebuild; None: never rebuilt
    tree: str  # the marker of the org tree now
    requested_at: dt.datetime | None  # a rebuild was requested then and has not run yet
    recorded: bool = True  # the state row exists (False on a new database)

    @property
    def stale(self) -> bool:
        return self.built_for != self.tree


def rollups_freshness() -> RollupFreshness:
    """The tree the roll-ups were built for, the tree now and a pending request: one query."""
    sql = _FRESHNESS_SQL.format(
        state=RollupState._meta.db_table,
        event=OrgUnitEvent._meta.db_table,
        succession=OrgUnitSuccession._meta.db_table,
        placement=OrgUnitPlacement._meta.db_table,
        unit=OrgUnit._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    recorded, built_for, requested_at = row[0] is not None, row[0] or None, row[1]
    if isinstance(requested_at, str):  # SQLite stores UTC text (raw SQL: no converter)
        requested_at = parse_datetime(requested_at)
    if requested_at is not None and timezone.is_naive(requested_at):
        requested_at = requested_at.replace(tzinfo=dt.UTC)
    e_max, e_count, s_max, s_count, p_max, u_max = (v or 0 for v in row[2:])
    tree = f"e{e_max}.{e_count}-s{s_max}.{s_count}-p{p_max}-u{u_max}"
    return RollupFreshness(
        built_for=built_for, tree=tree, requested_at=requested_at, recorded=recorded
    )


def tree_marker() -> str:
    """A short marker of the org tree as it is now (one query): equal markers, same tree."""
    return rollups_freshness().tree


def rollups_stale() -> bool:
    """True when the org tree changed since the roll-ups were last rebuilt (one query)."""
    return rollups_freshness().stale
