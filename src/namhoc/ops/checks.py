"""``namhoc check-prod``: is this deployment fit to serve a province? (ADR 0010)

Each check answers OK or FAIL with a line in Vietnamese and English; the command exits 0 only
when every one is OK. The checks:

- settings: production mode, DEBUG off, a strong secret key, allowed hosts, secure cookies,
  HTTPS (redirect or a proxy header) with HSTS, and Django's own deployment checks;
- the database answers (PostgreSQL, or SQLite when NAMHOC_ALLOW_SQLITE says so), and every
  migration is applied;
- the background worker is alive: a probe task is queued and must be run within ``wait``
  seconds (a worker busy with a long read counts as alive);
- the scheduler ran its every-minute job lately;
- the last good backup is recent (``NAMHOC_BACKUP_MAX_AGE_HOURS``, 26 by default);
- the data folder is writable and has room.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

SCHEDULER_JOB = "dispatch"  # runs every minute (notifications.scheduler.JOBS)
SCHEDULER_MAX_AGE = dt.timedelta(minutes=5)
MIN_FREE_BYTES = 1024**3
MIN_FREE_SHARE = 0.05


@dataclass(frozen=True)
class Check:
    ok: bool
    vi: str
    en: str
    detail: str = ""

    def line(self) -> str:
        mark = "[ OK ]" if self.ok else "[FAIL]"
        detail = f" — {self.detail}" if self.detail else ""
        return f"{mark} {self.vi} / {self.en}{detail}"


def _settings_checks() -> list[Check]:
    key = str(settings.SECRET_KEY)
    https = bool(getattr(settings, "SECURE_SSL_REDIRECT", False)) or bool(
        getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    )
    hosts = list(settings.ALLOWED_HOSTS)
    return [
        Check(
            bool(getattr(settings, "PRODUCTION", False)),
            "Chế độ vận hành (NAMHOC_ENV=production)",
            "production mode (NAMHOC_ENV=production)",
            f"NAMHOC_ENV={getattr(settings, 'NAMHOC_ENV', '?')}",
        ),
        Check(not settings.DEBUG, "Tắt chế độ gỡ lỗi", "DEBUG is off", f"DEBUG={settings.DEBUG}"),
        Check(
            len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure"),
            "Khóa bí mật đủ mạnh",
            "the secret key is strong",
            f"{len(key)} ký tự / characters",
        ),
        Check(
            bool(hosts) and "*" not in hosts,
            "Tên máy chủ được phép (NAMHOC_ALLOWED_HOSTS)",
            "allowed hosts are set, without '*'",
            ", ".join(hosts) or "(trống / empty)",
        ),
        Check(
            bool(getattr(settings, "SESSION_COOKIE_SECURE", False))
            and bool(getattr(settings, "CSRF_COOKIE_SECURE", False)),
            "Cookie chỉ gửi qua HTTPS",
            "cookies are HTTPS-only",
        ),
        Check(
            https and int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0) > 0,
            "Bắt buộc HTTPS và HSTS",
            "HTTPS is enforced, with HSTS",
            f"HSTS {getattr(settings, 'SECURE_HSTS_SECONDS', 0)} s",
        ),
    ]


def _deploy_checks() -> Check:
    from django.core import checks

    try:
        found = checks.run_checks(include_deployment_checks=True)
    except Exception as exc:  # the database may be away: reported by its own check
        return Check(
            False, "Kiểm tra triển khai của Django", "Django's deployment checks", str(exc)
        )
    serious = [m for m in found if m.level >= checks.WARNING and not m.is_silenced()]
    return Check(
        not serious,
        "Kiểm tra triển khai của Django (check --deploy)",
        "Django's deployment checks (check --deploy)",
        "; ".join(f"{m.id}: {m.msg}"[:160] for m in serious[:3]),
    )


def _database_checks() -> list[Check]:
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import Error as DatabaseError

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return [
            Check(False, "Kết nối cơ sở dữ liệu", "the database answers", str(exc).strip()[:200]),
            Check(False, "Đã áp dụng mọi migration", "every migration is applied", "—"),
        ]
    vendor = connection.vendor
    # Production settings refuse SQLite unless NAMHOC_ALLOW_SQLITE said so: whatever answered
    # here is what the deployment chose.
    database = Check(
        True,
        "Kết nối cơ sở dữ liệu",
        "the database answers",
        f"{vendor} {connection.settings_dict.get('NAME')}",
    )
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    migrations = Check(
        not pending,
        "Đã áp dụng mọi migration",
        "every migration is applied",
        f"còn {len(pending)}: namhoc manage migrate / {len(pending)} pending" if pending else "",
    )
    return [database, migrations]


def _worker_check(wait: float) -> Check:
    """Queue the probe and wait for a worker to run it."""
    from django_tasks import TaskResultStatus

    from namhoc.ops.tasks import probe

    vi, en = "Tiến trình nền đang chạy", "the background worker is alive"
    started = time.monotonic()
    try:
        result = probe.enqueue()
    except Exception as exc:
        return Check(False, vi, en, f"không xếp được việc / cannot queue: {exc}")
    deadline = started + wait
    while True:
        if result.status == TaskResultStatus.SUCCESSFUL:
            _forget(result.id)
            return Check(True, vi, en, f"{time.monotonic() - started:.1f} s")
        if result.status == TaskResultStatus.FAILED or time.monotonic() >= deadline:
            break
        time.sleep(0.25)
        result.refresh()
    busy = _busy_worker()
    _forget(result.id)
    if busy:
        return Check(True, vi, en, f"đang bận / busy: {busy}")
    return Check(
        False,
        vi,
        en,
        f"việc thử không chạy trong {wait:g} s / the probe did not run within {wait:g} s",
    )


def _busy_worker() -> str:
    """A task a worker started lately and is still running (a long read), if any."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover
        return ""
    since = timezone.now() - dt.timedelta(seconds=int(settings.READ_MAX_SECONDS) + 60)
    running = DBTaskResult.objects.running().filter(started_at__gte=since).first()
    return running.task_path if running is not None else ""


def _forget(result_id: str) -> None:
    """Delete the probe's row (the database backend's; other backends keep none)."""
    try:
        from django_tasks_db.models import DBTaskResult

        key = uuid.UUID(str(result_id))
    except (ImportError, ValueError):
        return
    DBTaskResult.objects.filter(id=key).delete()


def _scheduler_check() -> Check:
    from namhoc.notifications.models import ScheduledRun

    vi, en = "Lịch việc định kỳ đang chạy", "the scheduler is running"
    run = ScheduledRun.objects.filter(job=SCHEDULER_JOB).first()
    if run is None or run.finished_at is None:
        return Check(False, vi, en, "chưa chạy lần nào / never ran")
    age = timezone.now() - run.finished_at
    return Check(
        age <= SCHEDULER_MAX_AGE,
        vi,
        en,
        f"lần cuối / last: {timezone.localtime(run.finished_at):%H:%M %d/%m/%Y} "
        f"({int(age.total_seconds())} s)",
    )


def _backup_check() -> Check:
    from namhoc.ops.models import BackupRecord

    hours = int(getattr(settings, "BACKUP_MAX_AGE_HOURS", 26))
    vi, en = f"Có bản sao lưu trong {hours} giờ qua", f"a backup in the last {hours} hours"
    last = BackupRecord.objects.filter(ok=True).order_by("-finished_at").first()
    if last is None:
        return Check(False, vi, en, "chưa có / none yet: namhoc backup -o FILE")
    age = timezone.now() - last.finished_at
    return Check(
        age <= dt.timedelta(hours=hours),
        vi,
        en,
        f"{timezone.localtime(last.finished_at):%H:%M %d/%m/%Y}, {last.path}",
    )


def _storage_check() -> Check:
    vi, en = "Thư mục dữ liệu ghi được và còn chỗ", "the data folder is writable and has room"
    folder = Path(settings.MEDIA_ROOT)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".check-prod-"):
            pass
    except OSError as exc:
        return Check(False, vi, en, f"{folder}: {exc.strerror}")
    usage = shutil.disk_usage(folder)
    enough = usage.free >= MIN_FREE_BYTES and usage.free >= usage.total * MIN_FREE_SHARE
    return Check(enough, vi, en, f"{folder}: {usage.free / 1024**3:.1f} GiB trống / free")


def run_checks(*, wait: float = 30.0) -> list[Check]:
    result = [*_settings_checks(), _deploy_checks()]
    database = _database_checks()
    result += database
    later: list[Callable[[], Check]] = [
        lambda: _worker_check(wait),
        _scheduler_check,
        _backup_check,
    ]
    if database[0].ok and database[1].ok:
        result += [check() for check in later]
    else:
        result += [
            Check(False, "Tiến trình nền đang chạy", "the background worker is alive", "—"),
            Check(False, "Lịch việc định kỳ đang chạy", "the scheduler is running", "—"),
            Check(False, "Có bản sao lưu gần đây", "a recent backup", "—"),
        ]
    result.append(_storage_check())
    return result
