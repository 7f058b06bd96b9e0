"""The figures dashboard's and the scorecard's computations, cached under a key that changes
with everything they read (issue 15: a province officer's page cost 0.1–0.7 s of CPU).

What a computation at unit U for a period reads, and what in the key follows it:

- every figure counted at U or at one of its current children: they all count toward U too
  (a child's subtree is in U's; a dissolved unit's figures count toward its carrier's
  ancestors), so every write moves U's own aggregate rows, and each write moves their
  ``version`` by one (``rollup.apply_deltas``): the sum and the count of U's rows' versions;
- the roll-ups' rebuild (which writes the rows anew): the tree they were built for and when;
- the org tree (children, names, who must report): the tree marker (``freshness``);
- the targets of U, its ancestors and its children for the school year: their count, last id
  and last change (every target write saves ``updated_at``);
- the catalogue, the indicators and the periods: a digest of the rows the page has read anyway;
- the day (what is "not due yet" changes at midnight), the unit and the period, and the page's
  own arguments (the focus indicator).

Nothing in a cached value depends on who looks: the page selectors check the viewer's access to
U first (out of scope: 404 before any cache is read) and compute every access-dependent part
(breadcrumbs, buttons) per request. Approvals are not read by these computations (they lock
figures; the figures themselves are in the key). A school (a leaf) has no aggregate rows of its
own: its pages are computed every time, and cheaply — it has no children.

A page's children are kept one by one as well (``unit_cells``): under a deadline rush every
save in a province moves the province's key, and recomputing its ~100 communes' cells for every
view was most of the province pages' CPU. A child's cells are a function of its own figures
for the period and of the page's *context* — everything in the key above except the unit's own
aggregate rows (``figures_keys``): the targets near the unit (the unit's, its ancestors' and its
children's, so every child's chain), the tree, the rebuild, the day, the catalogue, the
indicators and the periods. A child's own figures are stamped by the sum and the count of the
versions of its aggregate rows for the period (one grouped query for all children), which every
write below it moves; so a save recomputes the one commune it is in, not the province. A school
(a province runs some itself) has no aggregate rows: its stamp is the ids and versions of its
figures for the period (one query for all of them), so its cells are kept until one of its
figures changes. No stamp ever comes back once a write has moved it (``_stamps``).

Each process keeps its latest values as objects; a deployment that sets a shared cache
(``CACHES``) gets them through it too. Django's default, local memory, is not used: it is this
process's again, and pickling a province's scorecard into it cost every computation ~10 ms more
(issue 15: under a rush every save changes the province's key, so its pages are computed almost
every time). The key is read from the database every time, so a process never serves a value
older than the database, whatever its caches hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.db.models import Count, Max, Q, Sum

from namhoc.core.collation import collate_vi
from namhoc.core.sql import placeholders
from namhoc.indicators.coverage import Catalogue, forget_expected
from namhoc.indicators.freshness import RollupFreshness
from namhoc.indicators.models import Aggregate, DataValue, Indicator, Period, Target
from namhoc.indicators.rollup import LEAF_KINDS
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths

__all__ = [
    "CACHE_SECONDS",
    "PageKeys",
    "cached",
    "current_children",
    "figures_key",
    "figures_keys",
    "forget_local",
    "unit_cells",
]

CACHE_SECONDS = 600  # an entry no key asks for again goes; a changed figure changes the key
PREFIX = "indicators:figures:v1"

T = TypeVar("T")


def _rows(objects: Iterable[Any], fields: Sequence[str] | None = None) -> list[tuple[Any, ...]]:
    rows = []
    for obj in objects:
        names = fields or [f.attname for f in obj._meta.concrete_fields]
        rows.append(tuple(getattr(obj, name) for name in names))
    return rows


def _catalogue_rows(catalogue: Catalogue) -> tuple[Any, ...]:
    return (
        _rows(catalogue.data_sets),
        sorted((pk, sorted(codes)) for pk, codes in catalogue.elements.items()),
        sorted(catalogue.element_ids.items()),
        sorted(catalogue.names.items()),
    )


class PageKeys(NamedTuple):
    """The keys of a page's computation: ``page`` — the whole of it at the unit; ``context`` —
    what its children's cells share (``unit_cells``). Both None for a school."""

    page: str | None
    context: str | None


def figures_keys(
    page: str,
    *,
    unit: OrgUnit,
    period: Period,
    day: dt.date,
    freshness: RollupFreshness,
    indicators: Sequence[Indicator],
    catalogue: Catalogue,
    all_periods: Sequence[Period],
    extra: tuple[Any, ...] = (),
) -> PageKeys:
    """The cache keys of ``page``'s computation at ``unit`` for ``period`` (two queries)."""
    if unit.kind in LEAF_KINDS:
        return PageKeys(None, None)
    figures = Aggregate.objects.filter(unit=unit).aggregate(v=Sum("version"), n=Count("pk"))
    near = Q(unit__parent=unit) | Q(unit__path__in=[*ancestor_paths(unit.path), unit.path])
    targets = Target.objects.filter(near, school_year=period.school_year).aggregate(
        n=Count("pk"), last=Max("pk"), changed=Max("updated_at")
    )
    context = (
        freshness.built_for,
        freshness.built_at.isoformat() if freshness.built_at else None,
        freshness.tree,
        targets["n"],
        targets["last"],
        targets["changed"].isoformat() if targets["changed"] else None,
        day.isoformat(),
        period.pk,
        extra,
        _rows(indicators),
        _catalogue_rows(catalogue),
        _rows(all_periods),
    )
    shared = hashlib.sha256(repr((page, unit.pk, context)).encode()).hexdigest()
    own = hashlib.sha256(repr((figures["v"] or 0, figures["n"], shared)).encode()).hexdigest()
    return PageKeys(
        f"{PREFIX}:{page}:{unit.pk}:{period.pk}:{own}",
        f"{PREFIX}:{page}:{unit.pk}:{period.pk}:children:{shared}",
    )


def figures_key(page: str, *, unit: OrgUnit, **kwargs: Any) -> str | None:
    """The key of ``page``'s whole computation at ``unit`` (``figures_keys(...).page``)."""
    return figures_keys(page, unit=unit, **kwargs).page


# The latest values of this process, as objects: unpickling a province's scorecard from
# Django's cache costs ~30 ms, more than the rest of a warm page. Values are only read after they
# are stored (pages build their own lists from them), so threads share them safely.
LOCAL_ENTRIES = 32
_local: OrderedDict[str, Any] = OrderedDict()
_local_lock = threading.Lock()


def cached(key: str | None, compute: Callable[[], T], kind: type) -> T:
    """The value under ``key`` if this process or the shared cache holds one of ``kind``; else
    ``compute()``, kept in both."""
    if key is None:
        return compute()
    with _local_lock:
        found = _local.get(key)
        if found is not None:
            _local.move_to_end(key)
    shared = _shared()
    if not isinstance(found, kind) and shared:
        found = cache.get(key)
    if isinstance(found, kind):
        _keep(key, found)
        return found  # type: ignore[return-value]
    value = compute()
    if shared:
        cache.set(key, value, CACHE_SECONDS)
    _keep(key, value)
    return value


def _shared() -> bool:
    """Whether the default cache reaches beyond this process (not Django's local memory)."""
    return not isinstance(caches["default"], LocMemCache)


def _keep(key: str, value: Any) -> None:
    with _local_lock:
        _local[key] = value
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def forget_local() -> None:
    """Empty this process's layer, and what it keeps of who must report (``coverage``): tests
    and benches that empty the cache empty these too (a rolled-back test can leave another test
    the same tree marker with another tree)."""
    with _local_lock:
        _local.clear()
        _units.clear()
        _children.clear()
    forget_expected()


# --- a unit's current children -------------------------------------------------------------

CHILDREN_ENTRIES = 64
_children: OrderedDict[tuple[int, str], tuple[OrgUnit, ...]] = OrderedDict()


def current_children(unit: OrgUnit, tree: str | None) -> list[OrgUnit]:
    """``unit``'s current children in Vietnamese order: one query, or none when ``tree`` (the
    org tree's marker read for this request, ``freshness``) is given and this process has read
    them for the same tree — every change of a unit (a new one, a rename, a move, a merge, a
    split, a dissolution) moves the marker. A province's ~100–240 children were read on every
    view of its dashboard and scorecard under a rush (~2.3 ms). The units are shared: read them,
    never change them."""
    key = (unit.pk, tree) if tree is not None else None
    if key is not None:
        with _local_lock:
            found = _children.get(key)
            if found is not None:
                _children.move_to_end(key)
                return list(found)
    children = tuple(
        OrgUnit.objects.filter(parent=unit, valid_to__isnull=True).order_by(
            collate_vi("name"), "pk"
        )
    )
    if key is not None:
        with _local_lock:
            _children[key] = children
            while len(_children) > CHILDREN_ENTRIES:
                _children.popitem(last=False)
    return list(children)


# --- each child's cells --------------------------------------------------------------------

# A province's page has ~100 children; a few provinces' scorecards and dashboards over two or
# three periods fit. An entry holds one unit's cells (~40 small objects per indicator set).
UNIT_ENTRIES = 1024
_units: OrderedDict[tuple[Any, ...], dict[Any, Any]] = OrderedDict()


# Table names come from the models' metadata, every value is a parameter.
_STAMPS_SQL = """
SELECT unit_id, SUM(version), COUNT(*) FROM {table}
WHERE period_id = %s AND unit_id IN ({units}) GROUP BY unit_id
"""
# A school has no aggregate rows: its stamp is the ids and versions of its figures for the
# period, as one text per school ("id:version,…" by id).
_VALUES_SQL = (
    "SELECT unit_id, id, version FROM {table} WHERE period_id = %s AND unit_id IN ({units})"
    " ORDER BY unit_id, id"
)
# PostgreSQL: one index probe per school (the unique index on unit, period, element). Given the
# list, its planner read the whole period's figures through the period index and kept the ones
# asked for: ~3–17 ms for a province's 123 schools against ~0.5 ms (issue 15, pg_stat_statements
# in the rush). ``OFFSET 0`` keeps the subquery from being merged back into that plan. The text
# is made by PostgreSQL: one row per school rather than one per figure (~1,600 for a province).
_VALUES_SQL_PG = """
SELECT w.unit_id, v.figures FROM unnest(%s::bigint[]) AS w(unit_id)
CROSS JOIN LATERAL (
    SELECT string_agg(f.id::text || ':' || f.version::text, ',' ORDER BY f.id) AS figures
    FROM (
        SELECT id, version FROM {table} d
        WHERE d.unit_id = w.unit_id AND d.period_id = %s OFFSET 0
    ) f
) v
WHERE v.figures IS NOT NULL
"""


def _stamps(units: Sequence[OrgUnit], period_id: int) -> dict[int, tuple[Any, ...]]:
    """What each unit's cells for the period read of its figures, in short (``()`` for none):
    for an inner unit the sum and the count of the versions of its aggregate rows (one grouped
    query: every write below it moves them), for a school the ids and versions of its figures
    (one query; PostgreSQL writes them as one text per school).

    A stamp never comes back once a write has moved it — versions only grow, aggregate rows are
    only added (a rebuild is in the context), and a figure's id is never given again (PostgreSQL's
    sequences, SQLite's AUTOINCREMENT) — so cells computed while a write commits, and kept under
    the stamp read just before it, are only ever served to requests that read that stamp too.
    For a school, every change of a figure's value moves its version (``values._UPDATE_SQL``),
    and a removed figure typed again is a new row."""
    inner = [u.pk for u in units if u.kind not in LEAF_KINDS]
    leaves = [u.pk for u in units if u.kind in LEAF_KINDS]
    stamps: dict[int, tuple[Any, ...]] = {}
    # Written out: a province asks it with ~100–200 ids, which the ORM resolves one by one.
    with connection.cursor() as cursor:
        if inner:
            cursor.execute(
                _STAMPS_SQL.format(table=Aggregate._meta.db_table, units=placeholders(inner)),
                [period_id, *inner],
            )
            stamps.update((unit_id, (int(v or 0), int(n))) for unit_id, v, n in cursor.fetchall())
        if leaves:
            table = DataValue._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(_VALUES_SQL_PG.format(table=table), [leaves, period_id])
                stamps.update((unit_id, (figures,)) for unit_id, figures in cursor.fetchall())
            else:
                cursor.execute(
                    _VALUES_SQL.format(table=table, units=placeholders(leaves)),
                    [period_id, *leaves],
                )
                figures: dict[int, list[str]] = {}
                for unit_id, pk, version in cursor.fetchall():
                    figures.setdefault(unit_id, []).append(f"{pk}:{version}")
                stamps.update((unit_id, (",".join(f),)) for unit_id, f in figures.items())
    return stamps


def unit_cells(
    context: str | None,
    units: Sequence[OrgUnit],
    period: Period,
    indicator_ids: Sequence[int],
    compute: Callable[[list[OrgUnit]], dict[tuple[int, int], T]],
) -> dict[tuple[int, int], T]:
    """``{(indicator id, unit id): cell}`` for ``units``: the cells this process keeps for each
    unit under ``context`` and the unit's own figures' stamp, and ``compute(the others)`` —
    units first seen or whose figures changed since — kept for next time. Without a context
    (a school's page) everything is computed."""
    if context is None or not units:
        return compute(list(units))
    stamps = _stamps(units, period.pk)
    which = tuple(indicator_ids)
    result: dict[tuple[int, int], T] = {}
    missing: list[OrgUnit] = []
    keys: dict[int, tuple[Any, ...]] = {}
    with _local_lock:
        for unit in units:
            key = (context, which, unit.pk, stamps.get(unit.pk, ()))
            found = _units.get(key)
            if found is None:
                keys[unit.pk] = key
                missing.append(unit)
            else:
                _units.move_to_end(key)
                result.update(found)
    if missing:
        computed = compute(missing)
        result.update(computed)
        fresh: dict[int, dict[tuple[int, int], T]] = {pk: {} for pk in keys}
        for (indicator_id, unit_id), cell in computed.items():
            if unit_id in fresh:
                fresh[unit_id][(indicator_id, unit_id)] = cell
        with _local_lock:
            for pk, key in keys.items():
                _units[key] = fresh[pk]
                _units.move_to_end(key)
            while len(_units) > UNIT_ENTRIES:
                _units.popitem(last=False)
    return result
