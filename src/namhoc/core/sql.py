"""The few helpers the statements namhoc writes out share (notifications' set-based writes, the
rush's hot lookups): table names from the models, values the
way each database stores them, and ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (the same
text on SQLite ≥ 3.24 and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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


def placeholders(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values)) or "NULL"


def execute(sql: str, params: Sequence[object]) -> int:
    """Run one statement; the rows it wrote."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))  # type: ignore[arg-type]
        return max(cursor.rowcount or 0, 0)
