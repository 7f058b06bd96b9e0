"""The scheduler: each job once per slot, a run missed while namhoc was down once at start,
two schedulers never running the same slot; ``namhoc notifications run-due`` (ADR 0009)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from namhoc.notifications import scheduler
from namhoc.notifications.models import ScheduledRun

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def counted(monkeypatch):
    """The real job table, each job's work replaced by a counter (the schedule is under test)."""
    runs: list[str] = []
    jobs = tuple(
        scheduler.Job(
            job.name, job.cron, (lambda name=job.name: runs.append(name) or "ok"), job.label
        )
        for job in scheduler.JOBS
    )
    monkeypatch.setattr(scheduler, "jobs", lambda: jobs)
    return runs


def test_the_latest_slot_is_at_or_before_now():
    at_six = dt.datetime(2026, 3, 5, 6, 0, tzinfo=HANOI)
    assert scheduler.latest_slot("0 6 * * *", at_six) == at_six
    assert scheduler.latest_slot("0 6 * * *", at_six - dt.timedelta(seconds=1)) == (
        at_six - dt.timedelta(days=1)
    )
    assert scheduler.next_slot("0 6 * * *", at_six) == at_six + dt.timedelta(days=1)


def test_every_job_runs_once_per_slot(counted):
    now = dt.datetime(2026, 3, 5, 10, 0, 30, tzinfo=HANOI)
    first = scheduler.run_due(now=now)
    assert sorted(r.job for r in first) == sorted(scheduler.JOB_NAMES)  # never ran: due once
    assert scheduler.run_due(now=now + dt.timedelta(seconds=20)) == []
    # a minute later only the every-minute job is due; at 10:05 the reads sweep too
    assert [r.job for r in scheduler.run_due(now=now + dt.timedelta(minutes=1))] == ["dispatch"]
    assert sorted(
        r.job for r in scheduler.run_due(now=dt.datetime(2026, 3, 5, 10, 5, tzinfo=HANOI))
    ) == [
        "dispatch",
        "reads",
    ]


def test_a_run_missed_while_down_happens_once_at_start(counted):
    monday = dt.datetime(2026, 3, 2, 6, 0, 5, tzinfo=HANOI)
    scheduler.run_due(now=monday, only=("reminders",))
    # down from Monday 06:01 to Thursday 09:00: three 06:00 slots passed
    thursday = dt.datetime(2026, 3, 5, 9, 0, tzinfo=HANOI)
    ran = scheduler.run_due(now=thursday, only=("reminders",))
    assert [(r.job, r.slot) for r in ran] == [
        ("reminders", dt.datetime(2026, 3, 5, 6, 0, tzinfo=HANOI))
    ]
    assert counted == ["reminders", "reminders"]
    assert scheduler.run_due(now=thursday + dt.timedelta(hours=1), only=("reminders",)) == []
    record = ScheduledRun.objects.get(job="reminders")
    assert record.last_slot == dt.datetime(2026, 3, 5, 6, 0, tzinfo=HANOI)
    assert record.ok is True


def test_a_failing_job_is_recorded_and_the_others_still_run(monkeypatch):
    def boom() -> str:
        raise RuntimeError("máy chủ thư không trả lời")

    jobs = (
        scheduler.Job("dispatch", "* * * * *", boom, "x"),
        scheduler.Job("digest", "0 17 * * *", lambda: "3 thư", "y"),
    )
    monkeypatch.setattr(scheduler, "jobs", lambda: jobs)
    ran = scheduler.run_due(now=dt.datetime(2026, 3, 5, 17, 0, tzinfo=HANOI))
    assert [(r.job, r.ok) for r in ran] == [("dispatch", False), ("digest", True)]
    failed = ScheduledRun.objects.get(job="dispatch")
    assert (failed.ok, failed.summary) == (False, "RuntimeError: máy chủ thư không trả lời")


def test_run_due_command_runs_the_real_jobs_once(org, people, plan):
    out = StringIO()
    call_command("notifications", "run-due", stdout=out)
    text = out.getvalue()
    names = [job.name for job in scheduler.jobs()]
    assert "privacy" in names  # ops' retention sweep, discovered in its app
    for name in names:
        assert f"{name} [" in text
    assert "LỖI" not in text
    second = StringIO()
    call_command("notifications", "run-due", "--job", "reminders", "--job", "digest", stdout=second)
    assert second.getvalue() == "Không có việc nào đến lượt. / Nothing is due.\n"
    jobs = StringIO()
    call_command("notifications", "jobs", stdout=jobs)
    assert jobs.getvalue().count(" ok: ") == len(names)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_each_slot_once(counted, tmp_path):
    """Two servers (or cron's ``run-due`` beside ``serve``) claim the same slot at the same
    moment: the job's row lock lets one of them run it (SQLite in WAL mode, and PostgreSQL)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from namhoc.testing.databases import shared_database

    now = dt.datetime(2026, 3, 5, 6, 0, 10, tzinfo=HANOI)
    barrier = threading.Barrier(4)

    def one() -> list[str]:
        try:
            barrier.wait(timeout=30)
            return [r.job for r in scheduler.run_due(now=now)]
        finally:
            connection.close()

    with shared_database(tmp_path), ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _n: one(), range(4)))
    assert sorted(job for ran in results for job in ran) == sorted(scheduler.JOB_NAMES)
    assert sorted(counted) == sorted(scheduler.JOB_NAMES)
