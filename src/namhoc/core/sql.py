"""The few helpers the statements namhoc writes out share (notifications' set-based writes, the
rush's hot lookups): table names from the models, values the
way each database stores them, and ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (the same
text on SQLite ≥ 3.24 and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
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
