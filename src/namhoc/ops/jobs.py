"""Periodic jobs of operations, in the shape of ``notifications.scheduler.Job.run`` (a callable
returning a one-line summary), for the scheduler to run daily (ADR 0010). Until the scheduler
discovers jobs in the apps, ``namhoc privacy sweep`` runs it (deploy/namhoc-privacy.timer)."""

from __future__ import annotations

PRIVACY_CRON = "30 2 * * *"  # 02:30 local time, every day
PRIVACY_LABEL = "Xóa dữ liệu cá nhân quá hạn lưu giữ"


def privacy_sweep_job() -> str:
    from namhoc.core.audit import audit_context
    from namhoc.ops.privacy import privacy_sweep

    with audit_context(source="task"):
        return privacy_sweep().summary()


# (name, cron, run, label) — the shape of ``notifications.scheduler.Job``, for a scheduler that
# collects ``<app>.jobs.JOBS`` from the installed apps.
JOBS = (("privacy", PRIVACY_CRON, privacy_sweep_job, PRIVACY_LABEL),)
