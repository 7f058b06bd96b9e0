"""Background work: reading an uploaded document. Enqueued on commit by the services."""

from __future__ import annotations

from django_tasks import task

from namhoc.core.audit import audit_context


@task()
def read_source(source_id: int) -> str:
    """Read one stored document (id) into its draft directive. Safe to run twice."""
    from namhoc.directives.services import source_read

    with audit_context(source="task"):
        source = source_read(source_id=source_id)
    return source.status if source is not None else "missing"
