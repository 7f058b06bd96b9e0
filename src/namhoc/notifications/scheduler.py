"""Periodic jobs: what runs when, and the record that makes a missed run happen once (ADR 0009).

Each job has a cron expression in local time (Asia/Ho_Chi_Minh), evaluated by ``cronsim`` (the
cron evaluator healthchecks runs on). The database remembers, per job, the last *slot* claimed
(:class:`~namhoc.notifications.models.ScheduledRun`). A job is due when its latest slot at or
before now is later than that: a server that was down over several slots finds one slot due
when it comes back — the run happens once, not once per missed slot. Claiming the slot locks
the job's row (``select_for_update``; SQLite serialises writers), so two schedulers — two
servers, or ``run-due`` from cron beside ``serve`` — never run the same slot twice.

``namhoc serve`` runs :func:`loop` in its own supervised process; ``namhoc notifications
run-due`` runs the due jobs once (for cron-driven deployments and the tests).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cronsim import CronSim
from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from namhoc.core.audit import audit_context
from namhoc.notifications.models import ERROR_MAX, ScheduledRun

logger = logging.getLogger(__name__)


def _dispatch() -> str:
    from namhoc.notifications.delivery import deliveries_send
    from namhoc.notifications.dispatch import dispatch_pending

    return f"{dispatch_pending()}; {deliveries_send()}"


def _reminders() -> str:
    from namhoc.notifications.dispatch import dispatch_pending
    from namhoc.notifications.reminders import reminders_emit

    return f"{reminders_emit()}; {dispatch_pending()}"


def _digest() -> str:
    from namhoc.notifications.delivery import deliveries_send, digests_queue

    return f"{digests_queue()} thư tổng hợp; {deliveries_send()}"


def _reads() -> str:
    """helper-2's sweep of reads whose worker died or went silent (issue 9, item 4)."""
    from namhoc.directives.services import sources_recover

    report = sources_recover(worker_ids=[])
    return str(report.as_dict())


def _rollups() -> str:
    """Roll-ups follow the org tree: when it changed, queue one rebuild (ADR 0005)."""
    from namhoc.indicators.services import rollups_rebuild_request

    return "cần tính lại" if rollups_rebuild_request() else "mới"


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    run: Callable[[], str]
    label: str


JOBS: tuple[Job, ...] = (
    Job("dispatch", "* * * * *", _dispatch, "Chuyển sự kiện thành thông báo, gửi thư và webhook"),
    Job("reminders", "0 6 * * *", _reminders, "Nhắc hạn, quá hạn, kỳ số liệu, đề xuất liên kết"),
    Job("digest", "0 17 * * *", _digest, "Thư tổng hợp hằng ngày"),
    Job("reads", "*/5 * * * *", _reads, "Đọc lại văn bản bị bỏ dở"),
    Job("rollups", "*/10 * * * *", _rollups, "Số liệu tổng hợp theo cây đơn vị mới nhất"),
)
JOB_NAMES = tuple(job.name for job in JOBS)
JOBS_MODULE = "jobs"


@functools.cache
def _discovered() -> tuple[Job, ...]:
    """Other apps' periodic jobs: ``<app>.jobs.JOBS``, ``(name, cron, run, label)`` tuples (as
    ``ops.jobs`` offers its retention sweep) — collected from the app registry the way the audit
    labels are, so notifications imports no app above it."""
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    found: list[Job] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("namhoc.") or config.name == __package__:
            continue
        if not module_has_submodule(config.module, JOBS_MODULE):
            continue
        module = importlib.import_module(f"{config.name}.{JOBS_MODULE}")
        for name, cron, run, label in getattr(module, "JOBS", ()):
            found.append(Job(str(name), str(cron), run, str(label)))
    return tuple(found)


def jobs() -> tuple[Job, ...]:
    """Every periodic job: notifications' own, then the other apps' (see ``_discovered``)."""
    return JOBS + _discovered()


def latest_slot(cron: str, now: dt.datetime) -> dt.datetime:
    """The latest time at or before ``now`` that ``cron`` (local time) names."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = now.astimezone(zone).replace(microsecond=0) + dt.timedelta(seconds=1)
    return next(CronSim(cron, start, reverse=True))


def next_slot(cron: str, now: dt.datetime) -> dt.datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return next(CronSim(cron, now.astimezone(zone)))


@dataclass(frozen=True)
class Ran:
    job: str
    slot: dt.datetime
    ok: bool
    summary: str


def _claim(job: Job, now: dt.datetime) -> dt.datetime | None:
    """Claim the job's latest slot if no run has claimed it yet; None when nothing is due."""
    slot = latest_slot(job.cron, now)
    with transaction.atomic():
        ScheduledRun.objects.bulk_create([ScheduledRun(job=job.name)], ignore_conflicts=True)
        record = ScheduledRun.objects.select_for_update().get(job=job.name)
        if record.last_slot is not None and record.last_slot >= slot:
            return None
        record.last_slot = slot
        record.started_at = now
        record.save(update_fields=["last_slot", "started_at"])
    return slot


def run_due(
    *, now: dt.datetime | None = None, only: tuple[str, ...] = (), force: bool = False
) -> list[Ran]:
    """Run every job (:func:`jobs`) that is due, once (``only``: just these; ``force``: even
    if not due)."""
    ran: list[Ran] = []
    for job in jobs():
        if only and job.name not in only:
            continue
        moment = now or timezone.now()
        slot = _claim(job, moment) if not force else latest_slot(job.cron, moment)
        if slot is None:
            continue
        try:
            with audit_context(source="task"):
                summary, ok = job.run(), True
        except Exception as exc:  # one failing job must not stop the others
            logger.exception("Scheduled job %s failed", job.name)
            summary, ok = f"{type(exc).__name__}: {exc}", False
        ScheduledRun.objects.filter(job=job.name).update(
            finished_at=timezone.now(), ok=ok, summary=summary[:ERROR_MAX]
        )
        ran.append(Ran(job=job.name, slot=slot, ok=ok, summary=summary))
    return ran


def loop(stop: threading.Event, *, tick: float = 60.0) -> None:
    """Run due jobs, then sleep until the next minute starts (or ``stop`` is set)."""
    while not stop.is_set():
        close_old_connections()
        try:
            run_due()
        except Exception:  # the database is away for a moment: try again at the next tick
            logger.exception("The scheduler could not run its due jobs")
        close_old_connections()
        now = timezone.now()
        wait = min(tick, 60.0 - now.second - now.microsecond / 1e6) + 0.5
        stop.wait(max(wait, 1.0))
