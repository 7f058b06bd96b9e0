"""The few helpers the statements namhoc writes out share (notifications' set-based writes, the
rush's hot lookups): table names from the models, values the
way each database stores them, and ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (the same
text on SQLite ≥ 3.24 and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, connections, router
from django.db.models import Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def when(moment: dt.datetime) -> Any:
    """A datetime as a raw query parameter (SQLite keeps UTC text, PostgreSQL timestamptz)."""
    return connection.ops.adapt_datetimefield_value(moment)


def day(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def yes() -> Any:
    return True


@contextmanager
def planned_for_the_data_now() -> Iterator[None]:
    """For the rest of the current transaction, PostgreSQL plans each statement for the tables
    as they are now instead of reusing a plan it made earlier on this connection.

    The web's statements are prepared once per connection (settings: ``prepare_threshold``), so
    PostgreSQL may keep a generic plan made when a table was small. That suits the short lookups
    of a request, not a bulk statement run after a load: a roll-up rebuild once ran for minutes
    on a nested loop planned for empty tables. Bulk paths (rebuilds, edge rewrites) run inside
    this; it changes nothing outside a transaction or on SQLite."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
    yield


def placeholders(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values)) or "NULL"


def one_of(expression: str, values: Sequence[object]) -> tuple[str, list[Any]]:
    """``expression`` is one of ``values``, as SQL and its parameters. On PostgreSQL one array
    parameter (``= ANY(%s)``): the statement's text is the same for any number of values, so it
    is prepared once, and psycopg does not parse a placeholder per value on every call (with a
    few hundred values that parsing cost more than the statement: issue 15). SQLite: ``IN``."""
    if connection.vendor == "postgresql":
        return f"{expression} = ANY(%s)", [list(values)]
    return f"{expression} IN ({placeholders(values)})", list(values)


def execute(sql: str, params: Sequence[object]) -> int:
    """Run one statement; the rows it wrote."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))  # type: ignore[arg-type]
        return max(cursor.rowcount or 0, 0)


M = TypeVar("M", bound=Model)


def columns_of(model: type[Model], fields: Sequence[str] | None = None, *, alias: str = "") -> str:
    """The select list of ``fields`` (attnames; default: every concrete field), in the model's
    order, each column quoted and, with ``alias``, qualified: what ``fetch_models`` reads."""
    quote = connection.ops.quote_name
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + quote(f.column) for f in _fields(model, fields))


def _fields(model: type[Model], names: Sequence[str] | None) -> list[Any]:
    """The fields named, in the model's order (``Model.from_db`` reads a subset so)."""
    concrete = model._meta.concrete_fields
    if names is None:
        return list(concrete)
    wanted = set(names)
    unknown = wanted - {f.attname for f in concrete}
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    return [f for f in concrete if f.attname in wanted]


def fetch_models(
    model: type[M], sql: str, params: Sequence[object], *, fields: Sequence[str] | None = None
) -> list[M]:
    """Instances of ``model`` from ``sql``, whose select list is ``columns_of(model, fields)``:
    what ``Model.objects.raw`` gives, with the values converted as the ORM converts them, for a
    fraction of its CPU — ``raw`` reads the cursor's description and matches its columns to the
    fields on every query (~0.1–0.2 ms for a unit or a user, on every request of a deadline
    rush; issue 15). Fields left out are deferred, as with ``raw``."""
    alias = router.db_for_read(model)
    db = connections[alias]
    chosen = _fields(model, fields)
    names = [f.attname for f in chosen]
    table_name = model._meta.db_table
    converters = []
    for position, field in enumerate(chosen):
        column = field.get_col(table_name)
        found = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if found:
            converters.append((position, column, found))
    with db.cursor() as cursor:
        cursor.execute(sql, list(params))  # type: ignore[arg-type]
        rows = cursor.fetchall()
    result = []
    for row in rows:
        values = list(row)
        for position, column, functions in converters:
            value = values[position]
            for convert in functions:
                value = convert(value, column, db)
            values[position] = value
        result.append(model.from_db(alias, names, values))
    return result
