"""Live roll-ups: where a unit's values count, and the delta writes that keep aggregates fresh.

Attribution rule (ADR 0005). Values entered for unit U count toward:

1. U itself;
2. the units on U's ``path`` that are dissolved (a legacy district keeps the totals it had);
3. U's *carrier* R — U if U is current, else the unit its primary succession links lead to
   (``orgunits.selectors.resolve_many``) — and R's ancestors by ``path``.

So a dissolved commune's 2023-2024 figures count toward its 2025 commune, that commune's
province and the Ministry, while the legacy district it sat in still shows its own total.
The edges live in :class:`RollupEdge` (computed from paths, no recursive query); a write reads
them once and moves every target's aggregate by the same delta in one ``UPDATE … SET total =
total + δ`` (``F()``), never read-modify-write. After a change to the tree (a merge, a move)
:func:`rollup_rebuild` recomputes edges and aggregates from raw values in one transaction; pages
notice the change and queue it (``services.rollups_rebuild_request``, ``tasks``).
Until then writes keep using the old edges, so every aggregate stays equal to the sum of the
values attributed to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import connection, transaction

from namhoc.core.sql import placeholders, planned_for_the_data_now, table
from namhoc.indicators.models import Aggregate, DataValue, RollupEdge
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.selectors import resolve_many
from namhoc.orgunits.tree import ancestor_paths

__all__ = [
    "LEAF_KINDS",
    "apply_deltas",
    "compute_targets",
    "edges_sync",
    "figure_rows",
    "recompute_from_raw",
    "rollup_rebuild",
    "rollup_targets",
]


LEAF_KINDS = frozenset({OrgUnit.Kind.SCHOOL.value})


def figure_rows(
    unit_ids: Iterable[int], period_ids: Iterable[int], element_ids: Iterable[int]
) -> list[tuple[int, int, int, Decimal, int]]:
    """``(unit, period, element, total, count)`` for any units: aggregates of inner units and
    the values themselves of leaves (two queries)."""
    units, periods, elements = list(unit_ids), list(period_ids), list(element_ids)
    rows: list[tuple[int, int, int, Decimal, int]] = list(
        Aggregate.objects.filter(
            unit_id__in=units, period_id__in=periods, element_id__in=elements
        ).values_list("unit_id", "period_id", "element_id", "total", "count")
    )
    rows.extend(
        (unit_id, period_id, element_id, value, 1)
        for unit_id, period_id, element_id, value in DataValue.objects.filter(
            unit_id__in=units,
            unit__kind__in=LEAF_KINDS,
            period_id__in=periods,
            element_id__in=elements,
        ).values_list("unit_id", "period_id", "element_id", "value")
    )
    return rows


def compute_targets(units: Iterable[OrgUnit]) -> dict[int, set[int]]:
    """``{unit_id: ids of the units its values count toward}`` by the rule above.

    A few queries whatever the number of units (one for the paths, a few for the successors).
    """
    units = list(units)
    if not units:
        return {}
    dissolved = [u.pk for u in units if u.valid_to is not None]
    carrier = {u.pk: u.pk for u in units}
    if dissolved:
        carrier.update(resolve_many(dissolved))
    needed_paths: set[str] = set()
    for unit in units:
        needed_paths.update(ancestor_paths(unit.path))
    carrier_units = {
        u.pk: u
        for u in OrgUnit.objects.filter(pk__in=set(carrier.values()) - {u.pk for u in units})
    }
    carrier_units.update({u.pk: u for u in units})
    for unit in carrier_units.values():
        needed_paths.update(ancestor_paths(unit.path))
    by_path = {
        path: (pk, valid_to)
        for pk, path, valid_to in OrgUnit.objects.filter(path__in=needed_paths).values_list(
            "pk", "path", "valid_to"
        )
    }
    result: dict[int, set[int]] = {}
    for unit in units:
        # A leaf (a school) has no aggregate of its own: its figures are its values.
        targets = set() if unit.kind in LEAF_KINDS else {unit.pk}
        if unit.valid_to is None:
            targets.update(by_path[p][0] for p in ancestor_paths(unit.path) if p in by_path)
        else:
            for path in ancestor_paths(unit.path):
                row = by_path.get(path)
                if row is not None and row[1] is not None:
                    targets.add(row[0])  # a dissolved ancestor keeps its historic total
            carried = carrier_units[carrier[unit.pk]]
            targets.add(carried.pk)
            targets.update(by_path[p][0] for p in ancestor_paths(carried.path) if p in by_path)
        result[unit.pk] = targets
    return result


def edges_sync(units: Iterable[OrgUnit] | None = None) -> int:
    """(Re)write the roll-up edges of ``units`` (every unit if None). Returns the edge count.

    Does not touch aggregates: callers that change edges of units with values must rebuild.
    """
    with transaction.atomic(), planned_for_the_data_now():
        if units is None:
            queryset = OrgUnit.objects.only("pk", "kind", "path", "valid_to")
            RollupEdge.objects.all().delete()
            created = 0
            batch: list[OrgUnit] = []
            for unit in queryset.iterator(chunk_size=5000):
                batch.append(unit)
                if len(batch) >= 5000:
                    created += _write_edges(batch)
                    batch = []
            if batch:
                created += _write_edges(batch)
            return created
        unit_list = list(units)
        RollupEdge.objects.filter(unit__in=[u.pk for u in unit_list]).delete()
        return _write_edges(unit_list)


def _write_edges(units: list[OrgUnit]) -> int:
    rows = [
        RollupEdge(unit_id=unit_id, target_id=target)
        for unit_id, targets in compute_targets(units).items()
        for target in sorted(targets)
    ]
    RollupEdge.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rollup_targets(unit: OrgUnit) -> list[int]:
    """The ids of the units ``unit``'s values count toward (creating its edges on first use)."""
    targets = _targets_of(unit.pk)
    if not targets:
        _write_edges([unit])
        targets = _targets_of(unit.pk)
    return targets


_TARGETS_SQL = "SELECT target_id FROM {edge} WHERE unit_id = %s"


def _targets_of(unit_id: int) -> list[int]:
    # Read by every save (issue 15): written out, the ORM's composing cost twice the read.
    sql = _TARGETS_SQL.format(edge=table(RollupEdge))
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id])
        return [row[0] for row in cursor.fetchall()]


def apply_deltas(
    *, targets: list[int], period_id: int, deltas: Mapping[int, tuple[Decimal, int]]
) -> None:
    """Move the aggregates of every target by ``deltas`` (``{element id: (total, count)}``),
    and their ``version`` by one. Inside the write's atomic.

    The rows are first held in primary-key order (on PostgreSQL: writers of schools under the
    same commune meet on the same rows, always in the same order, so they never deadlock), then
    moved by one UPDATE whatever the number of elements — never read-modify-write. The rows a
    first value creates are inserted first (ignoring a concurrent insert of the same row).
    """
    moving = {e: d for e, d in deltas.items() if d != (0, 0)}
    if not targets or not moving:
        return
    present = _hold_rows(targets=targets, period_id=period_id, elements=list(moving))
    missing = [(t, e) for t in targets for e in moving if (t, e) not in present]
    if missing:
        Aggregate.objects.bulk_create(
            [Aggregate(unit_id=t, element_id=e, period_id=period_id) for t, e in missing],
            ignore_conflicts=True,
        )
    _move_rows(targets=targets, period_id=period_id, moving=moving)


# The rows a write moves, held in primary-key order until commit (PostgreSQL; SQLite runs one
# writer at a time and has no FOR UPDATE): written out, as every save asks it (issue 15).
_HOLD_SQL = """
SELECT unit_id, element_id FROM {table}
WHERE period_id = %s AND unit_id IN ({units}) AND element_id IN ({elements})
ORDER BY id{lock}
"""


def _hold_rows(*, targets: list[int], period_id: int, elements: list[int]) -> set[tuple[int, int]]:
    """The ``(unit, element)`` rows present among those a write moves, held until commit."""
    sql = _HOLD_SQL.format(
        table=Aggregate._meta.db_table,
        units=placeholders(targets),
        elements=placeholders(elements),
        lock=" FOR UPDATE" if connection.features.has_select_for_update else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [period_id, *targets, *elements])
        return {(int(unit_id), int(element_id)) for unit_id, element_id in cursor.fetchall()}


# One UPDATE moving every (target, element) row: written out rather than built with ``Case``
# and ``F`` — composing that expression cost more CPU than the rest of a figures save (issue 15).
# The same arithmetic as the ORM's (``CAST(… AS NUMERIC)`` for the deltas, on both databases);
# table names come from the model's metadata, every value is a parameter.
_MOVE_SQL = """
UPDATE {table}
SET total = total + (CASE element_id {total_whens} END),
    count = count + (CASE element_id {count_whens} END),
    version = version + 1
WHERE period_id = %s AND unit_id IN ({units}) AND element_id IN ({elements})
"""


def _move_rows(
    *, targets: list[int], period_id: int, moving: Mapping[int, tuple[Decimal, int]]
) -> None:
    sql = _MOVE_SQL.format(
        table=Aggregate._meta.db_table,
        total_whens=" ".join(["WHEN %s THEN CAST(%s AS NUMERIC)"] * len(moving)),
        count_whens=" ".join(["WHEN %s THEN %s"] * len(moving)),
        units=placeholders(targets),
        elements=placeholders(list(moving)),
    )
    params: list[int | Decimal | None] = []
    for element_id, (total, _) in moving.items():
        params += [element_id, total]
    for element_id, (_, count) in moving.items():
        params += [element_id, count]
    params += [period_id, *targets, *moving]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


_REBUILD_SQL = """
INSERT INTO {aggregate} (unit_id, element_id, period_id, total, count)
SELECT e.target_id, v.element_id, v.period_id, SUM(v.value), COUNT(*)
FROM {value} v JOIN {edge} e ON e.unit_id = v.unit_id
{where}
GROUP BY e.target_id, v.element_id, v.period_id
"""


def rollup_rebuild(*, period_ids: Iterable[int] | None = None, sync_edges: bool = True) -> int:
    """Recompute edges (optional) and aggregates from raw values: one INSERT … SELECT … GROUP BY.

    For bulk loads and after a change to the tree. Returns the number of aggregate rows.
    """
    periods = list(period_ids) if period_ids is not None else None
    with transaction.atomic(), planned_for_the_data_now():
        if sync_edges:
            edges_sync()
        stale = Aggregate.objects.all()
        if periods is not None:
            stale = stale.filter(period_id__in=periods)
        stale.delete()
        # One statement per period keeps each sort a fraction of the whole.
        sql = _REBUILD_SQL.format(
            aggregate=Aggregate._meta.db_table,
            value=DataValue._meta.db_table,
            edge=RollupEdge._meta.db_table,
            where="WHERE v.period_id = %s",
        )
        chunks = (
            periods
            if periods is not None
            else list(DataValue.objects.order_by().values_list("period_id", flat=True).distinct())
        )
        with connection.cursor() as cursor:
            for period_id in chunks:
                cursor.execute(sql, [period_id])
        count = Aggregate.objects.all()
        if periods is not None:
            count = count.filter(period_id__in=periods)
        return count.count()


def recompute_from_raw() -> dict[tuple[int, int, int], tuple[Decimal, int]]:
    """``{(unit, element, period): (sum, count)}`` straight from raw values and edges (checks)."""
    result: dict[tuple[int, int, int], tuple[Decimal, int]] = {}
    edges: dict[int, list[int]] = {}
    for unit_id, target_id in RollupEdge.objects.values_list("unit_id", "target_id"):
        edges.setdefault(unit_id, []).append(target_id)
    for unit_id, element_id, period_id, value in DataValue.objects.values_list(
        "unit_id", "element_id", "period_id", "value"
    ):
        for target in edges.get(unit_id, []):
            key = (target, element_id, period_id)
            total, count = result.get(key, (Decimal(0), 0))
            result[key] = (total + value, count + 1)
    return result
