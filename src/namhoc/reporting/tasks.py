"""Background work: drafting a requested document. Enqueued on commit by the services."""

from __future__ import annotations

from django_tasks import task

from namhoc.core.audit import audit_context


@task()
def build_draft(draft_id: int) -> str:
    """Draft one requested document (id). Safe to run twice."""
    from namhoc.reporting.services import draft_build

    with audit_context(source="task"):
        draft = draft_build(draft_id=draft_id)
    return draft.status if draft is not None else "missing"
