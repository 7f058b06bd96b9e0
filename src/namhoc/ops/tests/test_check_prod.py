"""``namhoc check-prod`` (issue 15): each check OK or FAIL, in Vietnamese and English, and the
exit status 0 only when all pass."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from namhoc.notifications.models import ScheduledRun
from namhoc.ops import checks
from namhoc.ops.models import BackupRecord

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def production(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Settings as a production deployment behind nginx has them (and its environment: the
    browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is not there, which check --deploy refuses)."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.PRODUCTION = True
    settings.NAMHOC_ENV = "production"
    settings.DEBUG = False
    settings.SECRET_KEY = "k3y-Namhoc_Prod!" * 5
    settings.ALLOWED_HOSTS = ["namhoc.sgddt.example.vn"]
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    return settings


def _healthy(now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    ScheduledRun.objects.create(
        job="dispatch", last_slot=now, started_at=now, finished_at=now, ok=True
    )
    BackupRecord.objects.create(
        started_at=now, finished_at=now, ok=True, path="/srv/backup/a.tar.gz", vendor="sqlite"
    )


def _by_en(found: list[checks.Check]) -> dict[str, checks.Check]:
    return {c.en: c for c in found}


def test_a_healthy_production_deployment_passes_every_check(production):
    _healthy()
    out = io.StringIO()
    try:
        call_command("check-prod", wait=5, stdout=out)
    except CommandError:
        pytest.fail(out.getvalue())  # which check failed, in the report
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "[ OK ] Chế độ vận hành (NAMHOC_ENV=production) / production mode "
        "(NAMHOC_ENV=production) — NAMHOC_ENV=production"
    )
    assert [line[:6] for line in lines[:13]] == ["[ OK ]"] * 13
    assert lines[-1] == "13/13 đạt / passed"


def test_development_settings_fail_and_the_command_exits_1(settings):
    _healthy()
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("check-prod", wait=5, stdout=out)
    assert failed.value.returncode == 1
    text = out.getvalue()
    assert "[FAIL] Chế độ vận hành (NAMHOC_ENV=production)" in text
    assert "[FAIL] Cookie chỉ gửi qua HTTPS / cookies are HTTPS-only" in text
    assert "[ OK ] Tiến trình nền đang chạy / the background worker is alive" in text
    assert "KHÔNG ĐẠT / FAILED" in text.splitlines()[-1]


@pytest.mark.parametrize(
    ("change", "failing"),
    [
        ({"DEBUG": True}, "DEBUG is off"),
        ({"SECRET_KEY": "short"}, "the secret key is strong"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "the secret key is strong"),
        ({"ALLOWED_HOSTS": ["*"]}, "allowed hosts are set, without '*'"),
        ({"ALLOWED_HOSTS": []}, "allowed hosts are set, without '*'"),
        ({"CSRF_COOKIE_SECURE": False}, "cookies are HTTPS-only"),
        ({"SECURE_HSTS_SECONDS": 0}, "HTTPS is enforced, with HSTS"),
    ],
)
def test_each_weak_setting_fails_its_check(production, change, failing):
    _healthy()
    for name, value in change.items():
        setattr(production, name, value)
    result = _by_en(checks.run_checks(wait=1))
    assert not result[failing].ok
    others = [c.en for c in result.values() if not c.ok and c.en != failing]
    assert set(others) <= {"Django's deployment checks (check --deploy)"}


def test_no_scheduler_run_and_no_backup_fail(production):
    result = _by_en(checks.run_checks(wait=1))
    assert not result["the scheduler is running"].ok
    assert result["the scheduler is running"].detail == "chưa chạy lần nào / never ran"
    assert not result["a backup in the last 26 hours"].ok
    assert result["a backup in the last 26 hours"].detail == (
        "chưa có / none yet: namhoc backup -o FILE"
    )


def test_old_runs_fail_and_a_failed_backup_does_not_count(production):
    long_ago = timezone.now() - dt.timedelta(hours=27)
    _healthy(long_ago)
    BackupRecord.objects.create(
        started_at=timezone.now(), finished_at=timezone.now(), ok=False, vendor="sqlite"
    )
    result = _by_en(checks.run_checks(wait=1))
    assert not result["the scheduler is running"].ok
    assert not result["a backup in the last 26 hours"].ok
    assert result["a backup in the last 26 hours"].detail.endswith("/srv/backup/a.tar.gz")


def test_the_backup_age_is_a_setting(production):
    _healthy(timezone.now() - dt.timedelta(hours=30))
    production.BACKUP_MAX_AGE_HOURS = 48
    result = _by_en(checks.run_checks(wait=1))
    assert result["a backup in the last 48 hours"].ok


def test_no_worker_to_run_the_probe_fails_and_leaves_no_task_behind(production):
    production.TASKS = DB_TASKS
    _healthy()
    result = _by_en(checks.run_checks(wait=0.5))
    worker = result["the background worker is alive"]
    assert not worker.ok
    assert worker.detail == ("việc thử không chạy trong 0.5 s / the probe did not run within 0.5 s")
    assert DBTaskResult.objects.count() == 0


def test_a_worker_busy_with_a_long_read_counts_as_alive(production):
    production.TASKS = DB_TASKS
    _healthy()
    DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="namhoc.directives.tasks.read_source",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now() - dt.timedelta(seconds=40),
    )
    worker = _by_en(checks.run_checks(wait=0.3))["the background worker is alive"]
    assert worker.ok
    assert worker.detail == "đang bận / busy: namhoc.directives.tasks.read_source"


def test_json_output(production):
    _healthy()
    out = io.StringIO()
    call_command("check-prod", wait=5, json=True, stdout=out)
    import json

    report = json.loads(out.getvalue())
    assert report["ok"] is True
    assert report["checks"][7] == {
        "ok": True,
        "vi": "Kết nối cơ sở dữ liệu",
        "en": "the database answers",
        "detail": report["checks"][7]["detail"],
    }
