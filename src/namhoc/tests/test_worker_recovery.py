"""A real background worker killed with SIGKILL in the middle of a read, twice, under the
supervisor ``namhoc serve`` uses (issue 9, item 4): the read is taken up again by the restarted
worker, then marked unreadable; nothing is left "running"; "Đọc lại" reads it again."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from namhoc.cli import worker_supervisor
from namhoc.core.models import AuditEvent
from namhoc.directives.files import store_blob
from namhoc.directives.models import SourceDocument
from namhoc.directives.tests.helpers import PROVINCE_DOC, data
from namhoc.testing.databases import shared_database

REPO = Path(__file__).resolve().parents[3]
HANGING_WORKER = REPO / "tests" / "data" / "hanging_read_worker.py"
ClientOf = Callable[[Any], Client]


def _wait(condition: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_read_twice_leaves_the_file_unreadable_not_stuck(
    org: Any, people: Any, tmp_path: Path, client_of: ClientOf
) -> None:
    # Given a queued document whose task was lost (the supervisor's first sweep queues it)
    blob = store_blob(data(PROVINCE_DOC), folder="directives", kind="txt")
    source = SourceDocument.objects.create(
        unit=org.province_a,
        sha256=blob.sha256,
        filename="ke-hoach.txt",
        format="txt",
        size=blob.size,
        file=blob.name,
        status=SourceDocument.Status.QUEUED,
    )
    SourceDocument.objects.filter(pk=source.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    marker = tmp_path / "reading.pid"
    with shared_database(tmp_path) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NAMHOC_")}
        env.update(
            NAMHOC_ENV="development",
            NAMHOC_DEBUG="0",
            NAMHOC_DATA_DIR=str(settings.DATA_DIR),
            NAMHOC_DATABASE_URL=url,
            NAMHOC_TEST_READING_MARKER=str(marker),
        )
        argv = [sys.executable, str(HANGING_WORKER), "--queue-name", "*", "--no-reload"]
        argv += ["--no-startup-delay", "--interval", "0.1", "--verbosity", "0", "--skip-checks"]
        supervisor = worker_supervisor(
            dev=False, argv=argv, env=env, restart_delay=0.05, sweep_every=600
        )
        supervisor.start()
        try:
            for attempt in (1, 2):
                # When the worker is in the middle of reading it (attempt 1, then 2) ...
                pid = int(_wait(lambda: marker.exists() and marker.read_text(), "a read"))
                row = SourceDocument.objects.get(pk=source.pk)
                assert (row.status, row.read_attempts) == ("reading", attempt)
                assert row.read_worker == supervisor.worker_id
                # ... and is killed outright
                marker.unlink()
                os.kill(pid, signal.SIGKILL)
                if attempt == 1:
                    # Then the restarted worker reads it again
                    _wait(
                        lambda: SourceDocument.objects.filter(
                            pk=source.pk, read_attempts=2
                        ).exists(),
                        "the second attempt",
                    )
            # Then after the second death the file is marked unreadable, with a message
            failed = _wait(
                lambda: SourceDocument.objects.filter(pk=source.pk, status="failed").first(),
                "the file to be marked unreadable",
            )
        finally:
            supervisor.stop(timeout=10)
        assert failed.status_message.startswith(
            "Không đọc được: tệp này đã làm dừng tiến trình đọc 2 lần"
        )
        assert supervisor.starts >= 2
        # No task is left "running" for a dead worker
        from django_tasks_db.models import DBTaskResult

        statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
        assert "RUNNING" not in statuses
        assert statuses.count("FAILED") == 2
        assert list(
            AuditEvent.objects.filter(object_id=str(source.pk), note="worker_died")
            .order_by("pk")
            .values_list("action", flat=True)
        ) == ["source.retry", "source.read_failed"]
        # And "Đọc lại" works on it (read here, in the test's own process)
        client = client_of(people.province_officer)
        assert client.post(f"/van-ban/tep/{source.pk}/doc-lai/").status_code == 302
        assert SourceDocument.objects.get(pk=source.pk).status == "ready"
