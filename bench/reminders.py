"""Reminders at national scale: the morning a national deadline is 3 days away, every school's
open work gets its reminder — events, notices per person and e-mails queued — in one pass.

    .venv/bin/python bench/reminders.py                    # 5,000 and 50,000 schools x 10
    .venv/bin/python bench/reminders.py --sizes 1000 5000  # quicker
    NAMHOC_DATABASE_URL=postgres://postgres@127.0.0.1:5443/namhoc \
        .venv/bin/python bench/reminders.py

Each size runs in its own process on its own throwaway database (a SQLite file in a temporary
directory, or a new PostgreSQL database dropped at the end): schools, one specialist with an
e-mail address per school, a published directive of 10 tasks assigned to every school, all due
in 3 days (bulk_create). The national run is ``reminders_emit`` + ``dispatch_pending``: what
the scheduler's 06:00 job does. It prints time and query count per size and the ratios between
sizes (linear growth: time ratio ≈ size ratio; queries grow with the number of 5,000-event
batches, never per row). Target: < 60 s for 50,000 schools x 10 on SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))

TASKS = 10
SCHOOLS_PER_COMMUNE = 15
PROVINCES = 34
TARGET_SECONDS = 60.0


def _configure(database_url: str | None) -> tuple[str, Any]:
    workdir = tempfile.mkdtemp(prefix="namhoc-bench-reminders-")
    os.environ["NAMHOC_ENV"] = "test"
    os.environ["NAMHOC_DATA_DIR"] = workdir
    os.environ["DJANGO_SETTINGS_MODULE"] = "namhoc.config.settings"
    if not database_url:
        os.environ.pop("NAMHOC_DATABASE_URL", None)
        return "SQLite", lambda: shutil.rmtree(workdir, ignore_errors=True)
    import psycopg

    parts = urlsplit(database_url)
    name = f"namhoc_bench_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["NAMHOC_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))

    def cleanup() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)

    return "PostgreSQL", cleanup


def _build(schools: int, today: dt.date) -> dict[str, int]:
    from django.db import connection, transaction
    from django.utils import timezone

    from namhoc.accounts.models import Membership, Role, User
    from namhoc.directives.models import Directive, DirectiveTask, SourceDocument
    from namhoc.orgunits.models import OrgUnit
    from namhoc.orgunits.tree import child_path, depth_of, segment
    from namhoc.tracking.models import Assignment

    def unit(key: str, name: str, kind: str, path: str, parent: OrgUnit | None) -> OrgUnit:
        return OrgUnit(
            key=key,
            name=name,
            name_folded=name.lower(),
            kind=kind,
            parent=parent,
            path=path,
            depth=depth_of(path),
            is_synthetic=True,
        )

    communes_n = max(PROVINCES, schools // SCHOOLS_PER_COMMUNE)
    with transaction.atomic():
        ministry = unit("bo", "Bộ Giáo dục và Đào tạo", "ministry", segment(1), None)
        ministry.save()
        provinces = OrgUnit.objects.bulk_create(
            unit(f"p{i}", f"Tỉnh {i}", "province", child_path(ministry.path, i), ministry)
            for i in range(1, PROVINCES + 1)
        )
        communes = OrgUnit.objects.bulk_create(
            (
                unit(
                    f"c{i}",
                    f"Xã {i}",
                    "commune",
                    child_path(provinces[i % PROVINCES].path, i // PROVINCES + 1),
                    provinces[i % PROVINCES],
                )
                for i in range(communes_n)
            ),
            batch_size=2000,
        )
        school_units = OrgUnit.objects.bulk_create(
            (
                unit(
                    f"s{i}",
                    f"Trường {i}",
                    "school",
                    child_path(communes[i % communes_n].path, i // communes_n + 1),
                    communes[i % communes_n],
                )
                for i in range(schools)
            ),
            batch_size=2000,
        )
        users = User.objects.bulk_create(
            (
                User(username=f"u{i}", email=f"u{i}@truong.example.vn", password="!")
                for i in range(schools)
            ),
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            (
                Membership(user=user, unit=school, role=Role.SPECIALIST)
                for user, school in zip(users, school_units, strict=True)
            ),
            batch_size=5000,
        )
        source = SourceDocument.objects.create(
            unit=ministry,
            sha256="0" * 64,
            filename="chi-thi.txt",
            format="txt",
            size=0,
            status="ready",
        )
        directive = Directive.objects.create(
            unit=ministry,
            source=source,
            status=Directive.Status.PUBLISHED,
            school_year="2025-2026",
            number="1/CT-BGDĐT",
            title="Nhiệm vụ năm học",
            published_at=dt.datetime(2025, 9, 1, tzinfo=dt.UTC),
        )
        DirectiveTask.objects.bulk_create(
            DirectiveTask(directive=directive, position=n, title=f"Nhiệm vụ {n}")
            for n in range(1, TASKS + 1)
        )
        # every school x every task in one INSERT … SELECT (bulk_create of 500,000 model
        # objects would take minutes of Python)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Assignment._meta.db_table} (task_id, unit_id, role, school_year, "
                "deadline, target_unit, note, percent, version, created_at, updated_at) "
                "SELECT t.id, u.id, %s, %s, %s, '', '', 0, 1, %s, %s "
                f"FROM {DirectiveTask._meta.db_table} t CROSS JOIN {OrgUnit._meta.db_table} u "
                "WHERE t.directive_id = %s AND u.kind = %s",
                [
                    Assignment.Role.LEAD.value,
                    "2025-2026",
                    connection.ops.adapt_datefield_value(today + dt.timedelta(days=3)),
                    now,
                    now,
                    directive.pk,
                    "school",
                ],
            )
    return {"schools": schools, "assignments": schools * TASKS}


def one(schools: int) -> dict[str, Any]:
    """Build one world and time its national run (in this process)."""
    where, cleanup = _configure(os.environ.get("NAMHOC_DATABASE_URL"))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from namhoc.core.models import Event
        from namhoc.notifications.dispatch import dispatch_pending
        from namhoc.notifications.models import Delivery, Notice
        from namhoc.notifications.reminders import reminders_emit

        call_command("migrate", verbosity=0)
        today = dt.date(2025, 9, 27)
        started = time.perf_counter()
        built = _build(schools, today)
        build_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            emitted = reminders_emit(today=today)
            dispatched = dispatch_pending()
        seconds = time.perf_counter() - started
        return {
            "where": where,
            **built,
            "build_seconds": round(build_seconds, 1),
            "seconds": round(seconds, 2),
            "queries": len(queries),
            "events": emitted.total,
            "events_stored": Event.objects.count(),
            "notices": Notice.objects.count(),
            "emails": Delivery.objects.filter(channel="email").count(),
            "dispatched": dispatched.events,
        }
    finally:
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    results = []
    for size in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit(done.returncode)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"{result['where']}: {result['schools']:,} schools x {TASKS} = "
            f"{result['assignments']:,} open assignments (built in {result['build_seconds']} s)"
            f" → national run {result['seconds']:.2f} s, {result['queries']} queries: "
            f"{result['events']:,} events, {result['notices']:,} notices, "
            f"{result['emails']:,} e-mails queued",
            flush=True,
        )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        size_ratio = large["assignments"] / small["assignments"]
        print(
            f"growth x{size_ratio:g} in size: time x{large['seconds'] / small['seconds']:.2f}, "
            f"queries x{large['queries'] / small['queries']:.2f} "
            f"(linear: time ratio near the size ratio)"
        )
    largest = results[-1]
    verdict = "OK" if largest["seconds"] < TARGET_SECONDS else "OVER TARGET"
    print(f"target < {TARGET_SECONDS:.0f} s for the largest size: {verdict}")


if __name__ == "__main__":
    main()
