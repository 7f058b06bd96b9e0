"""Reads for data entry and approval: who reports what, how complete, what is locked.

These take objects already loaded in the caller's scope (the page selectors in
:mod:`namhoc.indicators.selectors.pages` and the use cases load them through
:mod:`namhoc.indicators.access`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet

from namhoc.core.clock import today
from namhoc.core.collation import collate_vi
from namhoc.core.formats import format_number
from namhoc.core.sql import columns_of, fetch_models, one_of, placeholders, table
from namhoc.indicators.calendar import current_period, periods
from namhoc.indicators.formulas import parse
from namhoc.indicators.models import (
    Approval,
    ApprovalEvent,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    Indicator,
    Period,
    RollupEdge,
    Target,
)
from namhoc.indicators.rollup import figure_rows
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths, subtree_q

__all__ = [
    "EntryField",
    "EntryForm",
    "StatusRow",
    "above_q",
    "approval_blocker",
    "approval_history",
    "approval_of",
    "approved_above",
    "completeness",
    "current_period",
    "data_set_members",
    "data_sets_for",
    "element_names",
    "entry_form",
    "expression_text",
    "formula_text",
    "latest_denominators",
    "lock_of",
    "periods",
    "reporting_units",
    "rule_text",
    "status_rows",
    "targets_of",
    "unit_totals",
]


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


def lock_of(
    unit: OrgUnit,
    data_set: DataSet,
    period: Period,
    *,
    element_ids: Iterable[int] | None = None,
) -> Approval | None:
    """The approval locking ``unit``'s figures of ``data_set`` for ``period`` (its own or one
    above), if any. With ``element_ids``: an approval of any data set holding one of these
    elements (a figure shared by two forms is locked by either form's approval)."""
    # Asked on every entry page, save and import (issue 15): written out — composing the ORM's
    # query cost more CPU than the rest of the lookup — and the approval loaded only when one
    # locks (rarely, and then with its unit and approver).
    ids = None if element_ids is None else list(element_ids)
    if ids is not None and not ids:
        return None
    paths = [*ancestor_paths(unit.path), unit.path]
    which = (
        _ONE_DATA_SET
        if ids is None
        else _ANY_DATA_SET_WITH.format(
            member=DataSetElement._meta.db_table, elements=placeholders(ids)
        )
    )
    sql = _LOCK_SQL.format(
        approval=Approval._meta.db_table,
        unit=OrgUnit._meta.db_table,
        edge=RollupEdge._meta.db_table,
        which=which,
        paths=placeholders(paths),
    )
    params: list[int | str] = [period.pk, *([data_set.pk] if ids is None else ids), *paths, unit.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:
        return None
    return Approval.objects.select_related("unit", "approved_by").get(pk=found[0])


# Table names come from the models' metadata, every value is a parameter. The nearest approval
# (by depth) on the unit's approval chain: itself, its ancestors, the units it counts toward.
_LOCK_SQL = """
SELECT a.id FROM {approval} a JOIN {unit} u ON u.id = a.unit_id
WHERE a.period_id = %s AND {which}
  AND (u.path IN ({paths}) OR a.unit_id IN (SELECT e.target_id FROM {edge} e WHERE e.unit_id = %s))
ORDER BY u.depth, a.id
LIMIT 1
"""
_ONE_DATA_SET = "a.data_set_id = %s"
_ANY_DATA_SET_WITH = (
    "a.data_set_id IN (SELECT m.data_set_id FROM {member} m WHERE m.element_id IN ({elements}))"
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
    kids = list(
        OrgUnit.objects.filter(parent=unit, valid_to__isnull=True).order_by(
            collate_vi("name"), "pk"
        )
    )
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


_KIND_NOUNS = {
    OrgUnit.Kind.PROVINCE: "tỉnh, thành phố",
    OrgUnit.Kind.DISTRICT: "quận, huyện",
    OrgUnit.Kind.COMMUNE: "xã, phường",
    OrgUnit.Kind.SCHOOL: "trường",
}


def _counted(units: list[OrgUnit]) -> str:
    """``113 xã, phường`` / ``2 trường và 1 xã, phường`` — how many units of which kind."""
    counts = Counter(u.kind for u in units)
    return " và ".join(
        f"{n} {_KIND_NOUNS.get(OrgUnit.Kind(kind), 'đơn vị')}" for kind, n in counts.most_common()
    )


def approval_blocker(
    unit: OrgUnit, data_set: DataSet, period: Period, rows: list[StatusRow] | None = None
) -> str:
    """Why ``unit`` cannot approve yet, in Vietnamese ("Còn 113 xã, phường chưa phê duyệt: …"),
    or "" when it can. ``rows``: :func:`status_rows`, when the caller has them already."""
    rows = status_rows(unit, data_set, period) if rows is None else rows
    if not rows:
        return f"Không có đơn vị nào thuộc {unit.name} báo cáo biểu này."
    incomplete = [r.unit for r in rows if r.reports and not r.complete]
    unapproved = [r.unit for r in rows if not r.reports and not r.ready]
    parts = []
    if incomplete:
        parts.append(
            f"Còn {_counted(incomplete)} chưa nhập đủ số liệu: "
            f"{_names([u.name for u in incomplete])}."
        )
    if unapproved:
        parts.append(
            f"Còn {_counted(unapproved)} chưa phê duyệt: {_names([u.name for u in unapproved])}."
        )
    return " ".join(parts)


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" và {len(names) - limit} đơn vị khác" if len(names) > limit else "")


def approved_above(unit: OrgUnit, data_set: DataSet, period: Period) -> Approval | None:
    """An approval of ``data_set`` for ``period`` by a unit above ``unit`` (not its own)."""
    return (
        Approval.objects.filter(above_q(unit), data_set=data_set, period=period)
        .exclude(unit=unit)
        .select_related("unit")
        .order_by("unit__depth")
        .first()
    )


def approval_history(
    unit: OrgUnit, data_set: DataSet, period: Period, *, limit: int = 50
) -> list[ApprovalEvent]:
    """The unit's approvals and un-approvals (with reasons) of ``data_set`` for ``period``,
    newest first (the last ``limit``; the audit log keeps every one)."""
    # Asked on every entry page, where there is mostly none (issue 15): the ids first, in a
    # query written out, then the events with their actors only when there are some.
    sql = _HISTORY_SQL.format(event=ApprovalEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit.pk, data_set.pk, period.pk, limit])
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    found = ApprovalEvent.objects.select_related("actor").in_bulk(ids)
    return [found[pk] for pk in ids]


_HISTORY_SQL = """
SELECT id FROM {event} WHERE unit_id = %s AND data_set_id = %s AND period_id = %s
ORDER BY at DESC, id DESC LIMIT %s
"""


def expression_text(text: str, names: dict[str, str]) -> str:
    """A formula as people read it: element names for codes ("Số học sinh nữ + …")."""
    words: list[str] = []
    for term in parse(text).terms:
        sign = "− " if term.sign < 0 else ("+ " if words else "")
        if not term.code:
            words.append(f"{sign}{term.constant}")
        elif term.count:
            words.append(f"{sign}số đơn vị báo cáo “{names.get(term.code, term.code)}”")
        else:
            words.append(f"{sign}{names.get(term.code, term.code)}")
    return " ".join(words)


def rule_text(left: str, operator: str, right: str, names: dict[str, str]) -> str:
    """A validation rule as people read it: element names for codes ("Số học sinh nữ ≤ Tổng
    số học sinh tiểu học"), not ``TH_HS_NU <= TH_HS``."""
    signs = {"<=": "≤", "<": "<", "==": "=", ">=": "≥"}
    return (
        f"{expression_text(left, names)} {signs.get(operator, operator)} "
        f"{expression_text(right, names)}"
    )


def formula_text(indicator: Indicator, names: dict[str, str]) -> str:
    """How an indicator is computed, in words: "100 × (Số trường đạt chuẩn) / (Số trường)"."""
    numerator = expression_text(indicator.numerator, names)
    factor = "" if indicator.factor == 1 else f"{format_number(indicator.factor)} × "
    if not indicator.denominator.strip():
        return f"{factor}({numerator})" if factor else numerator
    denominator = expression_text(indicator.denominator, names)
    return f"{factor}({numerator}) / ({denominator})"


def element_names() -> dict[str, str]:
    return dict(DataElement.objects.values_list("code", "name"))


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


def unit_figures(
    unit: OrgUnit, period: Period, element_ids: Iterable[int], *, for_update: bool = False
) -> dict[int, DataValue]:
    """``{element id: figure}`` of ``unit`` for ``period``, among ``element_ids``, in id order;
    ``for_update``: held until the transaction ends (PostgreSQL; SQLite writes alone).

    Every entry page and every save reads these (issue 15): written out, as the ORM spent twice
    the CPU composing the query that the rest of the read cost."""
    ids = list(element_ids)
    if not ids:
        return {}
    which, params = one_of("element_id", ids)
    held = " FOR UPDATE" if for_update and connection.features.has_select_for_update else ""
    columns = columns_of(DataValue, _FIGURE_FIELDS)
    sql = _FIGURES_SQL.format(columns=columns, table=table(DataValue), which=which, held=held)
    rows = fetch_models(DataValue, sql, [unit.pk, period.pk, *params], fields=_FIGURE_FIELDS)
    return {row.element_id: row for row in rows}


_FIGURE_FIELDS = ("id", "unit_id", "element_id", "period_id", "value", "version")
_FIGURES_SQL = (
    "SELECT {columns} FROM {table} "
    "WHERE unit_id = %s AND period_id = %s AND {which} ORDER BY id{held}"
)


def entry_form(
    unit: OrgUnit,
    data_set: DataSet,
    period: Period,
    *,
    lock: Approval | None,
    members: list[DataSetElement] | None = None,
) -> EntryForm:
    """The figures of ``unit`` for ``data_set`` and ``period`` with their versions, under
    ``lock`` (the ``lock_of`` the caller has read for this request): 2 queries, 1 when the caller
    passes the ``data_set_members`` it has read too."""
    if members is None:
        members = data_set_members(data_set)
    current = unit_figures(unit, period, [m.element_id for m in members])
    fields = []
    for m in members:
        row = current.get(m.element_id)
        fields.append(
            EntryField(
                member=m,
                value=None if row is None else row.value,
                version=None if row is None else row.version,
            )
        )
    return EntryForm(
        unit=unit,
        data_set=data_set,
        period=period,
        fields=fields,
        lock=lock,
    )


def latest_denominators(indicator: Indicator, unit_ids: list[int]) -> dict[int, Decimal]:
    """Each unit's indicator denominator in the latest period with figures (allocation weights)."""
    expression = parse(indicator.denominator) if indicator.denominator else None
    if expression is None:
        return {}
    elements = dict(DataElement.objects.filter(code__in=expression.codes).values_list("pk", "code"))
    periods = list(
        Period.objects.filter(as_of__lte=today()).order_by("-as_of").values_list("pk", flat=True)
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
        children = list(
            OrgUnit.objects.filter(parent=unit, valid_to__isnull=True).order_by(
                collate_vi("name"), "pk"
            )
        )
        given = dict(
            Target.objects.filter(
                indicator=focus, unit__in=children, school_year=school_year
            ).values_list("unit_id", "value")
        )
        allocation = [(child, given.get(child.pk)) for child in children]
    return own, allocation
