"""What "a refusal writes nothing" means for the fuzzers, checked cheaply enough to run on every
fuzzed request.

The world is the same before every fuzzed request (each runs in a savepoint rolled back after
it), so its rows are read once (:func:`snapshot`). During a request, :class:`Writes` notes each
table an INSERT/UPDATE/DELETE touched (a row count above zero); after a refusal, only those
tables are read again and compared with the snapshot — a use case that wrote and then rolled its
own transaction back (all or nothing) leaves them equal and passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection

# Rows a refused request may write by design: a failed sign-in is counted (the throttle), a
# session is touched, and framework bookkeeping.
NOT_DOMAIN = frozenset(
    {
        "sessions.Session",
        "accounts.UserSession",
        "accounts.SignInFailure",
        "django_tasks_database.DBTaskResult",
        "admin.LogEntry",
        "contenttypes.ContentType",
        "auth.Permission",
    }
)

WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(?P<table>\w+)"?',
    re.IGNORECASE,
)
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@cache
def _tables() -> frozenset[str]:
    return frozenset(connection.introspection.table_names())


def domain_models() -> dict[str, Any]:
    """Table → model, for every model with a table in this database (a model another engineer
    has just added, its migration not yet written, is left out rather than failing)."""
    tables = _tables()
    return {
        model._meta.db_table: model
        for model in apps.get_models()
        if model._meta.label not in NOT_DOMAIN
        and model._meta.managed
        and model._meta.db_table in tables
    }


def rows(model: Any) -> list[tuple[Any, ...]]:
    return list(model._base_manager.order_by("pk").values_list())


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every domain table, by table."""
    return {table: rows(model) for table, model in domain_models().items()}


class Writes:
    """An ``execute_wrapper``: the tables a request's statements wrote to."""

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.unparsed: list[str] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        match = WRITE.match(sql)
        if match is not None:
            if context["cursor"].rowcount != 0:
                self.tables.add(match.group("table"))
        elif sql.lstrip()[:7].upper().startswith(WRITE_VERBS):
            self.unparsed.append(sql[:120])
        return result


@contextmanager
def watching() -> Iterator[Writes]:
    writes = Writes()
    with connection.execute_wrapper(writes):
        yield writes


def changed(writes: Writes, baseline: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """The domain tables whose rows differ from ``baseline`` after the watched request (all
    of them are compared when a write statement could not be read)."""
    models = domain_models()
    tables = set(models) if writes.unparsed else writes.tables & set(models)
    found = []
    for table in sorted(tables):
        now, before = rows(models[table]), baseline.get(table, [])
        if now != before:
            old, new = set(map(repr, before)), set(map(repr, now))
            label = models[table]._meta.label
            found.append(f"{label}: {len(new - old)} row(s) new or changed, {len(old - new)} gone")
    return found
