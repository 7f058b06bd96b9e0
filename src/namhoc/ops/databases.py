"""The database side of backups: a consistent snapshot of a live database, its restore into an
empty one, and plain connections to a database Django is not pointed at (the restore target).

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the whole database in one
  step under one read transaction. In WAL mode readers never block the writer, so the copy is
  a consistent snapshot while writes go on.
- PostgreSQL: ``pg_dump --format=custom`` (one repeatable-read snapshot); ``pg_restore
  --single-transaction`` into an empty database, so a failed restore leaves it empty.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from namhoc.ops.errors import OpsError

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# libpq parameters that may sit in a Django database's OPTIONS and matter for a plain connection.
_LIBPQ_OPTIONS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "connect_timeout",
    "application_name",
    "options",
)
_PG_SEARCH = "/usr/lib/postgresql/*/bin"


def vendor_of(database: dict[str, Any]) -> str:
    engine = str(database.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        return SQLITE
    if engine.endswith("postgresql"):
        return POSTGRESQL
    raise OpsError(
        f"không hỗ trợ cơ sở dữ liệu {engine!r} (chỉ SQLite và PostgreSQL).",
        f"unsupported database engine {engine!r} (SQLite and PostgreSQL only).",
    )


def _sqlite_name(database: dict[str, Any]) -> str:
    return str(database["NAME"])


def _sqlite_connect(name: str) -> sqlite3.Connection:
    return sqlite3.connect(name, uri=name.startswith("file:"), timeout=30)


def _pg_params(database: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"dbname": database.get("NAME") or "postgres"}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if database.get(key):
            params[name] = str(database[key])
    if database.get("PASSWORD"):
        params["password"] = str(database["PASSWORD"])
    for name in _LIBPQ_OPTIONS:
        value = (database.get("OPTIONS") or {}).get(name)
        if value not in (None, ""):
            params[name] = value
    return params


@contextmanager
def connect(database: dict[str, Any]) -> Iterator[Any]:
    """A plain DB-API connection (autocommit) to ``database``, outside Django's handler."""
    if vendor_of(database) == SQLITE:
        with closing(_sqlite_connect(_sqlite_name(database))) as lite:
            lite.isolation_level = None
            yield lite
        return
    import psycopg

    try:
        pg = psycopg.connect(**_pg_params(database), autocommit=True)
    except psycopg.Error as exc:
        raise OpsError(
            f"không kết nối được cơ sở dữ liệu {database.get('NAME')}: {exc}",
            f"cannot connect to database {database.get('NAME')}: {exc}",
        ) from exc
    with pg:
        yield pg


def query(database: dict[str, Any], sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connect(database) as conn:
        cursor = conn.cursor()
        try:
            cursor.execute(sql, tuple(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()


def user_tables(database: dict[str, Any]) -> list[str]:
    """The names of the tables in ``database`` (none: an empty database)."""
    if vendor_of(database) == SQLITE:
        name = _sqlite_name(database)
        if not name.startswith("file:") and not Path(name).exists():
            return []
        rows = query(
            database,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name",
        )
    else:
        rows = query(
            database,
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
            "'information_schema') AND n.nspname NOT LIKE 'pg_toast%%' ORDER BY c.relname",
        )
    return [str(row[0]) for row in rows]


def server_version(database: dict[str, Any]) -> str:
    if vendor_of(database) == SQLITE:
        return sqlite3.sqlite_version
    return str(query(database, "SHOW server_version")[0][0]).split()[0]


def applied_migrations(database: dict[str, Any]) -> dict[str, list[str]]:
    """``{app: [migration names]}`` recorded in ``database`` (empty when it has none)."""
    if "django_migrations" not in user_tables(database):
        return {}
    result: dict[str, list[str]] = {}
    for app, name in query(database, "SELECT app, name FROM django_migrations ORDER BY app, name"):
        result.setdefault(str(app), []).append(str(name))
    return result


# --- SQLite ---------------------------------------------------------------------------------


def sqlite_snapshot(database: dict[str, Any], dest: Path) -> None:
    """Copy the live SQLite database into ``dest`` (a new file) as one consistent snapshot."""
    name = _sqlite_name(database)
    if not name.startswith("file:") and not Path(name).is_file():
        raise OpsError(
            f"không thấy tệp cơ sở dữ liệu {name}.", f"the database file {name} does not exist."
        )
    with closing(_sqlite_connect(name)) as source, closing(sqlite3.connect(dest)) as target:
        # pages=-1 (the default): the whole database in one step, under one read transaction.
        source.backup(target)
        # The copy stands alone: no -wal file beside it. Django turns WAL back on when it opens it.
        target.execute("PRAGMA journal_mode=DELETE")
        check = target.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise OpsError(
            f"bản sao cơ sở dữ liệu không toàn vẹn ({check}).",
            f"the database copy failed its integrity check ({check}).",
        )


def sqlite_check(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise OpsError(
            f"tệp cơ sở dữ liệu trong bản sao lưu không toàn vẹn ({check}).",
            f"the database file in the archive failed its integrity check ({check}).",
        )


def sqlite_install(staged: Path, database: dict[str, Any]) -> None:
    """Put the restored file ``staged`` in place of the (empty or absent) database file."""
    target = Path(_sqlite_name(database))
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)
    # Back to WAL now, from this one connection: left to the server, its workers' first
    # connections would race to switch the file's mode, and the losers get "database is
    # locked" at once, without waiting (SQLite does not wait on that switch).
    with closing(sqlite3.connect(target)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


# --- PostgreSQL -----------------------------------------------------------------------------


def _major(version_text: str) -> int:
    found = re.search(r"(\d+)(?:\.\d+)?", version_text)
    return int(found.group(1)) if found else 0


def pg_tool(name: str, *, server_major: int | None = None) -> str:
    """The newest ``pg_dump``/``pg_restore`` on PATH or under /usr/lib/postgresql/*/bin that
    can talk to a server of ``server_major`` (a tool older than the server refuses to)."""
    candidates = {shutil.which(name), *sorted(glob.glob(f"{_PG_SEARCH}/{name}"))}
    found: list[tuple[int, str]] = []
    for path in candidates:
        if not path or not os.access(path, os.X_OK):
            continue
        try:
            out = subprocess.run(  # noqa: S603 - a PostgreSQL client program
                [path, "--version"], capture_output=True, text=True, timeout=30, check=True
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        found.append((_major(out), path))
    if not found:
        raise OpsError(
            f"không tìm thấy {name} (cài gói postgresql-client, ví dụ "
            "'apt-get install postgresql-client').",
            f"{name} not found on PATH or in /usr/lib/postgresql/*/bin "
            "(install postgresql-client).",
        )
    major, path = max(found)
    if server_major is not None and major < server_major:
        raise OpsError(
            f"{name} phiên bản {major} cũ hơn máy chủ PostgreSQL {server_major}; "
            f"hãy cài postgresql-client-{server_major}.",
            f"{name} {major} is older than the PostgreSQL {server_major} server; "
            f"install postgresql-client-{server_major}.",
        )
    return path


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    params = _pg_params(database)
    env = dict(os.environ)
    mapping = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "dbname": "PGDATABASE",
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "connect_timeout": "PGCONNECT_TIMEOUT",
        "application_name": "PGAPPNAME",
        "options": "PGOPTIONS",
    }
    for key, variable in mapping.items():
        if key in params:
            env[variable] = str(params[key])
    return env


def _run(argv: list[str], *, env: dict[str, str], what_vi: str, what_en: str) -> None:
    done = subprocess.run(  # noqa: S603 - a PostgreSQL client program
        argv, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise OpsError(f"{what_vi} thất bại: {tail}", f"{what_en} failed: {tail}")


def pg_dump(database: dict[str, Any], dest: Path) -> None:
    tool = pg_tool("pg_dump", server_major=_major(server_version(database)))
    _run(
        [tool, "--format=custom", "--compress=6", "--file", str(dest)],
        env=_pg_env(database),
        what_vi="pg_dump",
        what_en="pg_dump",
    )


def pg_restore(database: dict[str, Any], source: Path) -> None:
    """Restore a custom-format dump into the empty ``database``, all of it or nothing."""
    tool = pg_tool("pg_restore", server_major=_major(server_version(database)))
    _run(
        [
            *(tool, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"),
            *("--dbname", str(database.get("NAME")), str(source)),
        ],
        env=_pg_env(database),
        what_vi="pg_restore",
        what_en="pg_restore",
    )
