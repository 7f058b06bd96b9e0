"""The restore drill (issue 15), on whichever database the suite runs on (CI runs it on SQLite,
then on PostgreSQL): demo-like data and activity, ``namhoc backup`` taken while a thread keeps
reporting progress with evidence files, ``namhoc restore`` into another data folder and another
database (on PostgreSQL: a database created on the same server for the drill, dropped after),
then every table's row count and a hash of its rows, and every stored file, compared.

The writer only adds rows (progress reports, their evidence, their audit rows), so the restored
database must equal the source exactly in every other table, and hold in each of those three a
prefix of the source's rows — the same first rows, byte for byte, and in all three the same
number of reports: the snapshot is one moment, not a mixture.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections

from namhoc.core.models import AuditEvent
from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.indicators.tests.helpers import fill_both_communes, setup_figures
from namhoc.ops import databases
from namhoc.ops.models import BackupRecord
from namhoc.testing.databases import shared_database
from namhoc.tracking.models import Evidence, ProgressUpdate
from namhoc.tracking.services import UploadedFile
from namhoc.tracking.tests.helpers import assign, report

# The tables the writer adds rows to while the backup runs.
GROWING = {"tracking_progressupdate", "tracking_evidence", "core_auditevent"}


def _pdf(n: int) -> bytes:
    return b"%PDF-1.4\n% minh chung " + str(n).encode() + b"\n%%EOF\n"


def _tables(database: dict[str, Any]) -> list[str]:
    return databases.user_tables(database)


def _pk(database: dict[str, Any], table: str) -> str:
    if databases.vendor_of(database) == databases.SQLITE:
        rows = databases.query(database, f'PRAGMA table_info("{table}")')
        keys = [row[1] for row in rows if row[5]]
    else:
        keys = [
            row[0]
            for row in databases.query(
                database,
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
                [table],
            )
        ]
    assert len(keys) == 1, f"{table}: {keys}"
    return str(keys[0])


def _rows(database: dict[str, Any], table: str) -> list[tuple[Any, ...]]:
    pk = _pk(database, table)
    return databases.query(database, f'SELECT * FROM "{table}" ORDER BY "{pk}"')


def _digest(rows: list[tuple[Any, ...]]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class Writer(threading.Thread):
    """Reports progress with a new evidence file, again and again, until stopped."""

    def __init__(self, actor: Any, assignment_id: int) -> None:
        super().__init__(daemon=True)
        self.actor = actor
        self.assignment_id = assignment_id
        self.stop = threading.Event()
        self.done = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        from namhoc.tracking.services import progress_post

        try:
            while not self.stop.is_set():
                progress_post(
                    actor=self.actor,
                    assignment_id=self.assignment_id,
                    text=f"Báo cáo tiến độ lần {self.done + 1}",
                    percent=50,
                    files=[UploadedFile(name="minh-chung.pdf", data=_pdf(1000 + self.done))],
                )
                self.done += 1
        except BaseException as exc:
            self.error = exc
        finally:
            connection.close()


def _wait_for(condition: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _restore_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAMHOC_")}
    env.update(NAMHOC_ENV="test", NAMHOC_DATA_DIR=str(data_dir))
    if database_url:
        env["NAMHOC_DATABASE_URL"] = database_url
    return env


@contextmanager
def _target_database(source: dict[str, Any], data_dir: Path) -> Iterator[tuple[dict, str | None]]:
    """The database the drill restores into: a file in the other data folder (SQLite), or a
    new database on the same server (PostgreSQL), dropped afterwards."""
    if databases.vendor_of(source) == databases.SQLITE:
        yield {"ENGINE": source["ENGINE"], "NAME": str(data_dir / "namhoc.sqlite3")}, None
        return
    name = f"namhoc_drill_{uuid.uuid4().hex[:10]}"
    server = {**source, "NAME": "postgres"}
    with databases.connect(server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        target = {**source, "NAME": name}
        user = source.get("USER") or ""
        password = f":{source['PASSWORD']}" if source.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        port = f":{source['PORT']}" if source.get("PORT") else ""
        yield target, f"postgres://{auth}{source.get('HOST') or 'localhost'}{port}/{name}"
    finally:
        with databases.connect(server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_during_writes_restores_every_row_and_file(
    org: Any, people: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "source-media"
    # Given demo-like data: figures rolled up, a published plan, work assigned and reported
    figures = setup_figures(org, people)
    fill_both_communes(figures)
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    tasks = list(plan.tasks.order_by("position")[:2])
    work = assign(actor=people.province_officer, task=tasks[0], unit=org.commune_a1)
    assign(actor=people.province_officer, task=tasks[1], unit=org.school_a1)
    report(
        actor=people.commune_officer,
        assignment=work,
        text="Đã triển khai",
        percent=50,
        files=[UploadedFile(name="ke-hoach.pdf", data=_pdf(1))],
    )
    out = tmp_path / "sao-luu.tar.gz"
    with shared_database(tmp_path) as _url:
        source = dict(connections["default"].settings_dict)
        # When a backup is taken while a writer keeps reporting with new files
        writer = Writer(people.commune_officer, work.pk)
        writer.start()
        try:
            _wait_for(lambda: writer.done >= 3 or writer.error, "the writer to get going")
            at_start = writer.done
            call_command("backup", output=str(out), verbosity=0)
            at_end = writer.done
            _wait_for(lambda: writer.done >= at_end + 2 or writer.error, "writes after it")
        finally:
            writer.stop.set()
            writer.join(timeout=60)
        assert writer.error is None, repr(writer.error)
        connections.close_all()
        record = BackupRecord.objects.get()
        assert (record.ok, record.path, record.vendor) == (True, str(out), connection.vendor)
        # Then restored elsewhere with the real command ...
        restored_dir = tmp_path / "restored"
        restored_dir.mkdir()
        with _target_database(source, restored_dir) as (target, url):
            done = subprocess.run(
                [sys.executable, "-m", "namhoc.cli", "restore", str(out)],
                env=_restore_env(restored_dir, url),
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stderr
            assert "Đã phục hồi / Restored" in done.stdout
            _compare(source, target, at_start=at_start, at_end=at_end)
            # ... every file the restored rows name is there with its checksum, and every
            # restored file is the source's file
            restored_files = _files(restored_dir / "media")
            source_files = _files(Path(settings.MEDIA_ROOT))
            assert restored_files.items() <= source_files.items()
            named = databases.query(target, "SELECT file, sha256 FROM tracking_evidence")
            assert named
            for name, sha in named:
                assert restored_files[name] == sha
            assert (restored_dir / "secret_key").read_text() == settings.SECRET_KEY_FILE.read_text()
        assert ProgressUpdate.objects.count() == 1 + writer.done
        assert Evidence.objects.count() == 1 + writer.done


def _compare(source: dict[str, Any], target: dict[str, Any], *, at_start: int, at_end: int) -> None:
    tables = _tables(source)
    assert _tables(target) == tables
    assert len(tables) > 40
    reports_restored = None
    for table in tables:
        before, after = _rows(source, table), _rows(target, table)
        if table == "ops_backuprecord":  # written after the archive was complete
            assert after == []
            continue
        if table not in GROWING:
            assert (len(after), _digest(after)) == (len(before), _digest(before)), table
            continue
        # A prefix of the source's rows, the same first rows byte for byte
        assert after == before[: len(after)], table
        if table == "tracking_progressupdate":
            reports_restored = len(after)
    assert reports_restored is not None
    # one report before the writer, then the writer's: at least those done when the backup
    # began, at most those done when it ended
    assert 1 + at_start <= reports_restored <= 1 + at_end
    evidence = databases.query(target, "SELECT COUNT(*) FROM tracking_evidence")[0][0]
    posts = databases.query(
        target, "SELECT COUNT(*) FROM core_auditevent WHERE action = 'progress.post'"
    )[0][0]
    assert evidence == posts == reports_restored
    assert AuditEvent.objects.filter(action="progress.post").count() > posts
