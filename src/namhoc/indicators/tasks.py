"""Background work: rebuilding the roll-ups after the org tree changed (ADR 0005).

Enqueued on commit by ``freshness.rollups_rebuild_request`` when a page notices the tree changed.
"""

from __future__ import annotations

from django_tasks import task

from namhoc.core.audit import audit_context


@task()
def rollups_rebuild_task() -> str:
    """Rebuild the roll-ups for the org tree as it is when the task runs. Takes nothing: the
    tree to reach is read then, so a queued task never rebuilds for an outdated tree. Safe to
    run twice (the second run finds them fresh and does nothing)."""
    from namhoc.indicators.freshness import rollups_rebuild

    with audit_context(source="task"):
        outcome = rollups_rebuild()
    return "rebuilt" if outcome.rebuilt else "fresh"
