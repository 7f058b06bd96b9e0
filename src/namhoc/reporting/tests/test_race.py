"""Two people asking for the same unit's report at the same moment get versions n+1 and n+2,
never the same number and never an error: real threads, each with its own connection, on SQLite
(a WAL file, as in production) and on PostgreSQL (the unit's row is locked)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from namhoc.reporting import services
from namhoc.reporting.models import ReportDraft
from namhoc.testing.databases import shared_database

PARALLEL = 8


def _ask(barrier: threading.Barrier, actor: object) -> int | str:
    try:
        barrier.wait(timeout=30)
        draft = services.draft_request(
            actor=actor,  # type: ignore[arg-type]
            unit_key="p-a",
            kind="year_end",
            school_year="2025-2026",
            enqueue=False,
        )
        return draft.version
    except Exception as exc:
        return repr(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_get_consecutive_versions(org, people, tmp_path: Path) -> None:
    with shared_database(tmp_path):
        barrier = threading.Barrier(PARALLEL)
        with ThreadPoolExecutor(PARALLEL) as pool:
            versions = list(
                pool.map(lambda _: _ask(barrier, people.province_officer), range(PARALLEL))
            )
        assert [v for v in versions if not isinstance(v, int)] == []  # no IntegrityError
        assert sorted(versions) == list(range(1, PARALLEL + 1))  # type: ignore[type-var]
        assert sorted(
            ReportDraft.objects.filter(unit=org.province_a).values_list("version", flat=True)
        ) == list(range(1, PARALLEL + 1))
