"""Row locks that keep an approval and the figures it locks consistent on PostgreSQL (ADR 0005).

An approval at unit A locks the figures of every unit whose *approval chain* contains A: the unit
itself, its ancestors by path, and the units its figures count toward (a dissolved unit's
successor chain, from the roll-up edges) — ``selectors.above_q``. Both sides lock rows of that
chain before they read the state they decide on:

- a writer of figures for unit U takes ``FOR KEY SHARE`` on every unit of U's chain, in path
  order, and then reads the approvals (writers of different schools share these locks and never
  wait for each other);
- an approver (or the person un-approving) of A takes ``FOR KEY SHARE`` on A's chain above A and
  ``FOR UPDATE`` on A itself, and then reads the children's figures and approvals.

``FOR UPDATE`` on A waits for every writer below A that is in flight and makes new ones wait
until the approval is committed; a writer then reads the approval and is refused. Two approvals
on one branch (A and a unit below it, or above it) meet on A's row too. Locks are taken in path
order, exclusive ones last, so these transactions never deadlock among themselves.

SQLite has no row locks and needs none: namhoc opens every transaction with ``BEGIN IMMEDIATE``
(settings), so writers run one at a time.
"""

from __future__ import annotations

from django.db import connection

from namhoc.indicators.models import RollupEdge
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths

__all__ = ["hold_for_approval", "hold_for_figures"]

# Each branch of the chain is found through its own index (the paths through the unique path
# index, the edges through theirs), then the rows are locked by id. Written as one filter with
# OR, PostgreSQL read every unit of the table for each save (a sequential scan: 2,376 units of
# one province in ~1.5 ms; a whole country's ~65,000 in tens of milliseconds; issue 15).
_CHAIN_SQL = """
SELECT id FROM {unit}
WHERE id IN (
    SELECT id FROM {unit} WHERE path = ANY(%s)
    UNION
    SELECT target_id FROM {edge} WHERE unit_id = %s
) AND id <> %s
ORDER BY path, id FOR KEY SHARE
"""
_ONE_SQL = "SELECT id FROM {unit} WHERE id = %s FOR UPDATE"


def _chain(unit: OrgUnit, *, include_self: bool) -> None:
    paths = [*ancestor_paths(unit.path)] + ([unit.path] if include_self else [])
    sql = _CHAIN_SQL.format(unit=OrgUnit._meta.db_table, edge=RollupEdge._meta.db_table)
    with connection.cursor() as cursor:
        # Table names come from the models' metadata, every value is a parameter.
        cursor.execute(sql, [paths, unit.pk, 0 if include_self else unit.pk])


def hold_for_figures(unit: OrgUnit) -> None:
    """Before reading whether ``unit``'s figures are locked, in the writing transaction: share
    the rows of its approval chain, so no approval on it can commit until this write has."""
    if connection.vendor == "postgresql":
        _chain(unit, include_self=True)


def hold_for_approval(unit: OrgUnit) -> None:
    """Before deciding to approve or un-approve ``unit``: share the chain above it, then hold
    ``unit``'s own row exclusively (waiting for the writers below it that are in flight)."""
    if connection.vendor == "postgresql":
        _chain(unit, include_self=False)
        with connection.cursor() as cursor:
            cursor.execute(_ONE_SQL.format(unit=OrgUnit._meta.db_table), [unit.pk])
