"""Are the roll-ups built for the org tree as it is now? And rebuilding them when it changed
(ADR 0005, "Equally fresh after a change of the tree").

Pages and endpoints that show rolled-up figures call :func:`rollups_rebuild_request` through
their page selector: one query when fresh; when stale it claims one rebuild request and enqueues
``tasks.rollups_rebuild_task`` on commit. The task and ``namhoc indicators rebuild`` call
:func:`rollups_rebuild`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from namhoc.indicators.models import RollupState
from namhoc.indicators.rollup import rollup_rebuild
from namhoc.indicators.tasks import rollups_rebuild_task
from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitPlacement, OrgUnitSuccession

__all__ = [
    "REBUILD_REQUEST_LAPSES",
    "RollupFreshness",
    "RollupsRebuilt",
    "rollups_freshness",
    "rollups_rebuild",
    "rollups_rebuild_request",
    "rollups_stale",
    "tree_marker",
]

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
  (SELECT built_at FROM {state} WHERE id = 1),
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
    built_at: dt.datetime | None = None  # when the last rebuild finished

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
    recorded, built_for = row[0] is not None, row[0] or None
    requested_at, built_at = _moment(row[1]), _moment(row[2])
    e_max, e_count, s_max, s_count, p_max, u_max = (v or 0 for v in row[3:])
    tree = f"e{e_max}.{e_count}-s{s_max}.{s_count}-p{p_max}-u{u_max}"
    return RollupFreshness(
        built_for=built_for,
        tree=tree,
        requested_at=requested_at,
        recorded=recorded,
        built_at=built_at,
    )


def _moment(value: object) -> dt.datetime | None:
    if isinstance(value, str):  # SQLite stores UTC text (raw SQL: no converter)
        value = parse_datetime(value)
    if not isinstance(value, dt.datetime):
        return None
    return value.replace(tzinfo=dt.UTC) if timezone.is_naive(value) else value


def tree_marker() -> str:
    """A short marker of the org tree as it is now (one query): equal markers, same tree."""
    return rollups_freshness().tree


def rollups_stale() -> bool:
    """True when the org tree changed since the roll-ups were last rebuilt (one query)."""
    return rollups_freshness().stale


# --- roll-ups and the org tree --------------------------------------------------------------

# A request older than this whose rebuild never stored its marker (the worker died, the task
# failed) no longer holds back a new one.
REBUILD_REQUEST_LAPSES = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class RollupsRebuilt:
    rebuilt: bool  # False: the roll-ups were already built for this tree, nothing was done
    rows: int  # aggregate rows written (0 when not rebuilt)
    marker: str  # the tree they are now built for


def rollups_rebuild(*, force: bool = False) -> RollupsRebuilt:
    """Rebuild edges and aggregates for the org tree as it is now and remember that tree.

    Without ``force`` nothing is done when the roll-ups are already built for this tree, so the
    background task is safe to run twice. Rebuilds are serialised on the state row. The marker is
    read *before* the rebuild: a tree change committed meanwhile leaves the roll-ups stale (one
    more rebuild), never marked fresh for a tree they were not built for.
    """
    # First say a rebuild is under way (committed at once outside a transaction), so that page
    # views meanwhile neither request another one nor wait for the row this one locks.
    _rebuild_mark_requested()
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        marker = tree_marker()
        if not force and state.marker == marker:
            state.rebuild_requested_at = None
            state.save(update_fields=["rebuild_requested_at"])
            return RollupsRebuilt(rebuilt=False, rows=0, marker=marker)
        rows = rollup_rebuild()
        state.marker = marker
        state.built_at = timezone.now()
        state.rebuild_requested_at = None
        state.save(update_fields=["marker", "built_at", "rebuild_requested_at"])
    return RollupsRebuilt(rebuilt=True, rows=rows, marker=marker)


def _rebuild_mark_requested() -> None:
    now = timezone.now()
    if not RollupState.objects.filter(pk=1).update(rebuild_requested_at=now):
        RollupState.objects.bulk_create(
            [RollupState(pk=1, rebuild_requested_at=now)], ignore_conflicts=True
        )


def rollups_rebuild_request(state: RollupFreshness | None = None) -> bool:
    """Are the roll-ups stale (the org tree changed since they were built)? If so, and no
    rebuild is pending, mark one requested and enqueue ``rollups_rebuild_task`` on commit.

    One query when fresh or already requested (``rollups_freshness``); the first view after a
    change adds a conditional UPDATE that claims the request, so concurrent views enqueue the
    rebuild once. A request older than ``REBUILD_REQUEST_LAPSES`` (the task failed) is claimed
    again. ``state``: the roll-ups' state when the caller has just read it (a page that keys its
    cache on it), else it is read here.
    """
    state = state or rollups_freshness()
    if not state.stale:
        return False
    now = timezone.now()
    if state.requested_at is not None and state.requested_at > now - REBUILD_REQUEST_LAPSES:
        return True
    if not state.recorded:  # a new database: the row to claim (a concurrent insert is fine)
        RollupState.objects.bulk_create([RollupState(pk=1)], ignore_conflicts=True)
    claimed = RollupState.objects.filter(
        Q(rebuild_requested_at__isnull=True)
        | Q(rebuild_requested_at__lte=now - REBUILD_REQUEST_LAPSES),
        pk=1,
    ).update(rebuild_requested_at=now)
    if claimed:
        transaction.on_commit(rollups_rebuild_task.enqueue)
    return True
