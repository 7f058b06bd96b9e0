"""Test shorthands over the tracking use cases (objects in, objects out)."""

from __future__ import annotations

from typing import Any

from namhoc.directives.models import DirectiveTask
from namhoc.orgunits.models import OrgUnit
from namhoc.tracking import services
from namhoc.tracking.models import Assignment, ProgressUpdate


def assign(*, actor: Any, task: DirectiveTask, unit: OrgUnit, **terms: Any) -> Assignment:
    """Give ``task`` to one ``unit`` through the use case; the created assignment."""
    result = services.assignments_create(actor=actor, task_id=task.pk, units=[unit.key], **terms)
    return result.created[0]


def report(*, actor: Any, assignment: Assignment, **kwargs: Any) -> ProgressUpdate:
    return services.progress_post(actor=actor, assignment_id=assignment.pk, **kwargs)
