"""The figures catalogue as one process-wide snapshot, checked against the database on every use.

The entry page, saving figures and the Excel round trip each read the periods, the data set,
its members with their elements, and its rules: four ORM queries per page, twice on a save (the
use case, then the page it renders), ~3.8 ms of a school's ~13 ms entry page on the deadline
rush's server (issue 15). The catalogue changes a few times a year.

:func:`catalogue` reads the catalogue's version token (``CatalogueVersion``: one row, which
database triggers rewrite in the writing transaction on every change of those five tables,
whoever writes — migration 0005) and returns the snapshot built under that token, rebuilding it
when the token moved. Nothing is ever served that the database does not hold at that moment: a
change made by another process, or earlier in this request's transaction, moves the token and
is read at once. A snapshot is kept only if the token was the same before and after its rows
were read, so rows read while someone else changed the catalogue are used for that one call and
not kept. (Until issue 15's rush the token was a digest of every row of the five tables, read
on every request: PostgreSQL's costliest statement of the rush.)

The model instances are shared by every thread of the process: callers read them, never change
them (nothing in namhoc writes to a catalogue instance it did not create itself).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection

from namhoc.indicators.calendar import periods
from namhoc.indicators.models import (
    CatalogueVersion,
    DataElement,
    DataSet,
    DataSetElement,
    Period,
    ValidationRule,
)

__all__ = ["CatalogueSnapshot", "catalogue", "forget"]


@dataclass(frozen=True)
class CatalogueSnapshot:
    digest: str
    periods: tuple[Period, ...]  # time order, as ``calendar.periods``
    data_sets: Mapping[str, DataSet]  # by code
    members: Mapping[int, tuple[DataSetElement, ...]]  # by data set id, in form order
    rules: Mapping[int, tuple[ValidationRule, ...]]  # by data set id, by id
    elements: Mapping[str, DataElement]  # every element, collected or not, by code

    def data_set(self, code: object) -> DataSet | None:
        return self.data_sets.get(code) if isinstance(code, str) else None

    def members_of(self, data_set: DataSet) -> list[DataSetElement]:
        return list(self.members.get(data_set.pk, ()))

    def rules_of(self, data_set: DataSet) -> list[ValidationRule]:
        return list(self.rules.get(data_set.pk, ()))


_kept: dict[str, CatalogueSnapshot] = {}  # by database alias


_VERSION_SQL = "SELECT token FROM {table} WHERE id = 1"


def _token_statement() -> str:
    return _VERSION_SQL.format(table=connection.ops.quote_name(CatalogueVersion._meta.db_table))


def _digest() -> str:
    """The catalogue's version token; without its row (a test database emptied table by table)
    a value never seen before, so that nothing is kept or served from the past."""
    with connection.cursor() as cursor:
        cursor.execute(_token_statement())
        found = cursor.fetchone()
    return str(found[0]) if found else f"none-{uuid.uuid4().hex}"


def _read(digest: str) -> CatalogueSnapshot:
    members: defaultdict[int, list[DataSetElement]] = defaultdict(list)
    for member in DataSetElement.objects.select_related("element").order_by(
        "data_set_id", "order", "pk"
    ):
        members[member.data_set_id].append(member)
    rules: defaultdict[int, list[ValidationRule]] = defaultdict(list)
    for rule in ValidationRule.objects.order_by("data_set_id", "pk"):
        rules[rule.data_set_id].append(rule)
    return CatalogueSnapshot(
        digest=digest,
        periods=tuple(periods()),
        data_sets={data_set.code: data_set for data_set in DataSet.objects.all()},
        members={pk: tuple(rows) for pk, rows in members.items()},
        rules={pk: tuple(rows) for pk, rows in rules.items()},
        elements={element.code: element for element in DataElement.objects.all()},
    )


def catalogue() -> CatalogueSnapshot:
    """The catalogue as the database holds it now (one query when it has not changed)."""
    digest = _digest()
    kept = _kept.get(connection.alias)
    if kept is not None and kept.digest == digest:
        return kept
    fresh = _read(digest)
    if _digest() == digest:
        _kept[connection.alias] = fresh
    return fresh


def forget() -> None:
    """Drop the kept snapshots (tests that swap databases)."""
    _kept.clear()
