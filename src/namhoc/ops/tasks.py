"""Background work of operations."""

from __future__ import annotations

from django_tasks import task


@task()
def probe() -> str:
    """Does nothing: ``namhoc check-prod`` queues it to see a worker run something."""
    return "ok"
