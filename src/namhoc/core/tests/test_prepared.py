"""Prepared statements on PostgreSQL (issue 15): the web's statements are planned once per
connection, and bulk statements are planned for the data as it is when they run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction

from namhoc.core.sql import planned_for_the_data_now

# A primary-key lookup: its plan is the same for every value, so once five custom plans have been
# made PostgreSQL always prefers the generic one. (A lookup on a column whose statistics are
# skewed — left by earlier tests — may keep a custom plan for ever: that made this test flaky.)
_LOOKUP = "SELECT COUNT(*) FROM indicators_aggregate WHERE id = %s"


def _options(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NAMHOC_")}
    clean.update({"NAMHOC_DATA_DIR": str(tmp_path), **env})
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'namhoc.config.settings'\n"
        "from django.conf import settings\n"
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        env=clean,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_postgres_prepares_statements_unless_turned_off_and_sqlite_never(tmp_path: Path) -> None:
    url = {"NAMHOC_DATABASE_URL": "postgres://namhoc@127.0.0.1:5432/namhoc"}
    on = _options(url, tmp_path)
    assert on["server_side_binding"] is True
    assert on["prepare_threshold"] == 5
    off = _options({**url, "NAMHOC_DB_PREPARED": "0"}, tmp_path)
    assert "server_side_binding" not in off
    assert "prepare_threshold" not in off
    assert "prepare_threshold" not in _options({}, tmp_path)  # SQLite


def _plans(sql_start: str) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(generic_plans), 0), COALESCE(SUM(custom_plans), 0)"
            " FROM pg_prepared_statements WHERE statement LIKE %s",
            [sql_start + "%"],
        )
        generic, custom = cursor.fetchone()
    return int(generic), int(custom)


def _run_lookup(times: int, marker: str) -> None:
    with connection.cursor() as cursor:
        for _ in range(times):
            cursor.execute(f"{_LOOKUP} /* {marker} */", [1])
            cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_repeated_lookup_is_prepared_and_a_bulk_path_plans_every_time() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    # Given a lookup run twenty times on one connection: prepared from its fifth run, then
    # planned for its values five times, PostgreSQL reuses one generic plan after that
    _run_lookup(20, "web")
    generic, custom = _plans(_LOOKUP.replace("%s", "$1") + " /* web */")
    assert generic > 0
    assert custom == 5

    # When the same lookup runs twenty times inside a bulk path
    with transaction.atomic(), planned_for_the_data_now():
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone()[0] == "force_custom_plan"
        _run_lookup(20, "bulk")
    # Then every execution there was planned for the data as it was
    generic, custom = _plans(_LOOKUP.replace("%s", "$1") + " /* bulk */")
    assert generic == 0
    assert custom == 15

    # And the setting ended with the transaction
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"
