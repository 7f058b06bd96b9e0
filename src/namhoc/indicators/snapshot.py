"""The figures catalogue as one process-wide snapshot, checked against the database on every use.

The entry page, saving figures and the Excel round trip each read the periods, the data set,
its members with their elements, and its rules: four ORM queries per page, twice on a save (the
use case, then the page it renders), ~3.8 ms of a school's ~13 ms entry page on the deadline
rush's server (issue 15). The catalogue changes a few times a year.

:func:`catalogue` reads one digest of every row of those five tables (one statement: each
column of each row, written out with its length, so no two different catalogues read alike)
and returns the snapshot built for that digest, rebuilding it when the digest moved. Nothing is
ever served that the database does not hold at that moment: a change made by another process,
or earlier in this request's transaction, moves the digest and is read at once. A snapshot is
kept only if the digest was the same before and after its rows were read, so rows read while
someone else changed the catalogue are used for that one call and not kept.

The model instances are shared by every thread of the process: callers read them, never change
them (nothing in namhoc writes to a catalogue instance it did not create itself).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model

from namhoc.indicators.calendar import periods
from namhoc.indicators.models import DataElement, DataSet, DataSetElement, Period, ValidationRule

__all__ = ["CatalogueSnapshot", "catalogue", "forget"]

_TABLES: tuple[type[Model], ...] = (Period, DataSet, DataSetElement, DataElement, ValidationRule)


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
_digest_sql: dict[str, str] = {}  # by database vendor


def _row_text(model: type[Model], alias: str) -> str:
    """One row as text: a tag, then each column as its length, ':' and its text ('-' for NULL)
    — columns from the model's metadata, so a new column is in the digest by itself."""
    quote = connection.ops.quote_name
    parts = [f"'{model._meta.db_table}'"]
    for field in model._meta.concrete_fields:
        value = f"CAST({alias}.{quote(field.column or field.attname)} AS TEXT)"
        parts.append(
            f"(CASE WHEN {value} IS NULL THEN '-' ELSE LENGTH({value}) || ':' || {value} END)"
        )
    return " || '|' || ".join(parts)


def _digest_statement() -> str:
    """Names come from the models' metadata; the statement has no parameter. PostgreSQL writes
    a whole row as text itself (a record's text form quotes what needs quoting)."""
    vendor = connection.vendor
    if vendor not in _digest_sql:
        quote = connection.ops.quote_name
        if vendor == "postgresql":
            names = [model._meta.db_table for model in _TABLES]
            rows = " UNION ALL ".join(
                f"SELECT '{name}' || t::text AS r FROM {quote(name)} t"  # noqa: S608
                for name in names
            )
            statement = f"SELECT md5(string_agg(r, chr(10) ORDER BY r)) FROM ({rows}) x"  # noqa: S608
        else:  # SQLite: each column written out, the rows joined in order, hashed here
            rows = " UNION ALL ".join(
                f"SELECT {_row_text(model, 't')} AS r FROM {quote(model._meta.db_table)} t"  # noqa: S608
                for model in _TABLES
            )
            statement = f"SELECT group_concat(r, char(10)) FROM (SELECT r FROM ({rows}) ORDER BY r)"  # noqa: S608
        _digest_sql[vendor] = statement
    return _digest_sql[vendor]


def _digest() -> str:
    with connection.cursor() as cursor:
        cursor.execute(_digest_statement())
        (value,) = cursor.fetchone()
    text = value or ""
    if connection.vendor == "postgresql":
        return text
    return hashlib.sha256(text.encode()).hexdigest()


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
