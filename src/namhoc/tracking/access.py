"""Who may see and act on assignments.

- Read: people of the assignee unit (or above it), and people of the issuing unit (the assigner).
- Post progress: ``specialist`` at the assignee unit (memberships reach down the subtree).
- Change or withdraw the assignment's terms: ``specialist`` at the directive's issuing unit.
"""

from __future__ import annotations

from typing import Any

from namhoc.accounts.access import require_role
from namhoc.accounts.models import Role
from namhoc.core.errors import Forbidden, NotFound
from namhoc.tracking.models import Assignment, Evidence
from namhoc.tracking.selectors import assignments_visible_to

__all__ = ["access_assignment", "access_evidence"]

ASSIGNEE = "assignee"
ASSIGNER = "assigner"


def access_assignment(
    user: Any, assignment_id: int, *, need: Role | None = None, side: str = ASSIGNEE
) -> Assignment:
    """The assignment if visible; with ``need``: that role on ``side`` (assignee's unit for
    progress, assigner's unit for the terms). Visible without the role -> Forbidden."""
    assignment = (
        assignments_visible_to(user)
        .filter(pk=assignment_id)
        .select_related("unit", "task__directive__unit")
        .first()
    )
    if assignment is None:
        raise NotFound()
    if need is not None and need != Role.VIEWER:
        unit = assignment.unit if side == ASSIGNEE else assignment.task.directive.unit
        try:
            require_role(user, unit, need)
        except NotFound:
            raise Forbidden() from None
    return assignment


def access_evidence(user: Any, evidence_id: int) -> Evidence:
    evidence = (
        Evidence.objects.filter(pk=evidence_id, update__assignment__in=assignments_visible_to(user))
        .select_related("update__assignment")
        .first()
    )
    if evidence is None:
        raise NotFound()
    return evidence
