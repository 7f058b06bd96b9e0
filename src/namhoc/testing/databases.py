"""A test database that other threads and processes can open.

pytest-django keeps the SQLite test database in memory, where each thread's connection shares
one cache with table locks (no WAL, no busy wait) and other processes cannot see it at all. Tests
of concurrency (threads) and of the background worker (a real process) need what production
has: :func:`shared_database` copies the in-memory database into a file in WAL mode and points
the default connection at it for the duration of the test (every thread's new connection
follows), keeping the in-memory one alive to switch back to. On PostgreSQL the test database is
shared already; the context only yields its URL. Use it in ``transaction=True`` tests.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper


def _postgres_url(settings_dict: dict) -> str:
    user = quote(str(settings_dict.get("USER") or ""))
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(str(password))}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{settings_dict['NAME']}"


@contextmanager
def shared_database(folder: Path) -> Iterator[str]:
    """Yield a ``NAMHOC_DATABASE_URL`` for the current test database that any thread or
    process can use; on SQLite, the database lives in ``folder`` meanwhile."""
    connection = connections["default"]
    if connection.vendor != "sqlite":
        yield _postgres_url(connection.settings_dict)
        return
    connections.close_all()
    memory_name = str(connection.settings_dict["NAME"])
    if "mode=memory" not in memory_name and memory_name != ":memory:":
        yield f"sqlite:///{memory_name}"
        return
    keep = sqlite3.connect(memory_name, uri=True)  # the in-memory database lives while it is open
    path = folder / "shared.sqlite3"
    target = sqlite3.connect(path)
    keep.backup(target)
    # In WAL mode already, as the production database is: otherwise the racing threads' first
    # connections would each try to switch it (settings' init_command), and SQLite answers the
    # losers "database is locked" at once, without waiting (the flaky race tests of issue 15).
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    connection.settings_dict["NAME"] = str(path)
    BaseDatabaseWrapper.close(connection)  # really close: the next query opens the file
    try:
        yield f"sqlite:///{path}"
    finally:
        for other in connections.all(initialized_only=True):
            BaseDatabaseWrapper.close(other)
        connection.settings_dict["NAME"] = memory_name
        connection.connect()
        keep.close()
