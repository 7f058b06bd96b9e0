"""Background work: reading an uploaded document. Enqueued on commit by the services."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task

from namhoc.core.audit import audit_context

logger = logging.getLogger(__name__)

READ_TASK_PATH = "namhoc.directives.tasks.read_source"


@task(takes_context=True)
def read_source(context: TaskContext, source_id: int) -> str:
    """Read one stored document (id) into its draft directive. Safe to run twice. The worker
    running it is recorded on the source, so that its death can be noticed (issue 9)."""
    from namhoc.directives.services import source_read

    worker_ids = list(getattr(context.task_result, "worker_ids", None) or [])
    with audit_context(source="task"):
        source = source_read(source_id=source_id, worker_id=worker_ids[-1] if worker_ids else "")
    return source.status if source is not None else "missing"


def read_tasks_fail_orphaned(*, source_ids: Iterable[int], worker_ids: Iterable[str] = ()) -> int:
    """Mark as failed the task rows still "running" for reads whose worker died (the database
    task backend cannot know: the process never came back to say). Returns how many.

    A row is orphaned when it reads one of ``source_ids`` (already recovered by the caller) or
    was claimed last by one of ``worker_ids``. Nothing to do with another task backend.
    """
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is always installed
        return 0
    sources = set(source_ids)
    dead = set(worker_ids)
    orphaned = [
        row.pk
        for row in DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, task_path=READ_TASK_PATH
        ).only("pk", "args_kwargs", "worker_ids")
        if (row.worker_ids and row.worker_ids[-1] in dead)
        or set((row.args_kwargs or {}).get("args") or []) & sources
    ]
    if not orphaned:
        return 0
    logger.warning("Marking %d orphaned read task(s) as failed: %s", len(orphaned), orphaned)
    return DBTaskResult.objects.filter(pk__in=orphaned, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="namhoc.directives.tasks.WorkerDied",
        traceback=(
            "Tiến trình nền đã dừng khi đang chạy việc này; việc đọc đã được xếp lại hoặc đánh "
            "dấu không đọc được.\nThe worker process died while running this task; the read was "
            "queued again or marked unreadable."
        ),
    )
