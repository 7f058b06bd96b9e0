"""Who may see and act on tracked work — the one place these rules are written (ADR 0007).

- Read an assignment: people of the assignee unit (or above it), and people of the issuing unit
  (the assigner).
- Assign a task: ``specialist`` at the directive's issuing unit, the directive in force.
- Post progress: ``specialist`` at the assignee unit (memberships reach down the subtree), the
  directive in force.
- Change or withdraw the terms: ``specialist`` at the directive's issuing unit; withdrawing only
  while the unit has not reported.

Each action has a ``*_refusal`` function answering *why not* (a :class:`DomainError`, or None) and
a ``can_*`` predicate built on it. Use cases raise the refusal; selectors hand the predicate's
answer to the page, which shows the button only then.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from namhoc.accounts.access import has_role, scope_queryset, visible_units
from namhoc.accounts.models import Role
from namhoc.core.errors import Conflict, DomainError, Forbidden, NotFound
from namhoc.core.types import Actor
from namhoc.directives.models import Directive, DirectiveTask
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import subtree_q
from namhoc.tracking.models import Assignment, Evidence, ProgressUpdate

__all__ = [
    "access_assignment",
    "access_evidence",
    "access_update",
    "assign_refusal",
    "assignable_units",
    "assignments_visible_to",
    "can_assign",
    "can_manage",
    "can_report",
    "can_review",
    "delete_refusal",
    "manage_refusal",
    "report_refusal",
    "review_refusal",
]


def assignments_visible_to(viewer: Actor | None) -> QuerySet[Assignment]:
    """Assignments ``viewer`` may see: given to a unit in their scope, or given by a directive
    issued in their scope (the assigner sees what it assigned). Nothing else — not the sibling
    units' work on the same task."""
    mine = scope_queryset(viewer, Assignment.objects.all(), unit_field="unit")
    assigned = scope_queryset(viewer, Assignment.objects.all(), unit_field="task__directive__unit")
    return Assignment.objects.filter(Q(pk__in=mine.values("pk")) | Q(pk__in=assigned.values("pk")))


def assignable_units(actor: Actor | None, task: DirectiveTask) -> QuerySet[OrgUnit]:
    """The units ``task`` may go to: current units below the issuer (no pre-2025 districts) that
    ``actor`` sees. A queryset: never cut, whatever its size."""
    return (
        visible_units(actor)
        .filter(subtree_q(task.directive.unit.path, include_self=False), valid_to__isnull=True)
        .exclude(kind=OrgUnit.Kind.DISTRICT)
    )


def _not_in_force(directive: Directive) -> DomainError | None:
    if directive.status != Directive.Status.PUBLISHED:
        return DomainError(
            "not_published",
            "Văn bản này chưa ban hành hoặc đã được thay bằng bản sửa đổi: "
            "chỉ giao và báo cáo việc của văn bản đang có hiệu lực.",
        )
    return None


def assign_refusal(actor: Actor | None, task: DirectiveTask) -> DomainError | None:
    """Why ``actor`` may not assign ``task`` (a task they can see), or None."""
    if not has_role(actor, task.directive.unit, Role.SPECIALIST):
        return Forbidden(
            "Chỉ chuyên viên của đơn vị ban hành văn bản mới giao được nhiệm vụ của văn bản này."
        )
    return _not_in_force(task.directive)


def can_assign(actor: Actor | None, task: DirectiveTask) -> bool:
    return assign_refusal(actor, task) is None


def report_refusal(actor: Actor | None, assignment: Assignment) -> DomainError | None:
    """Why ``actor`` may not report progress on ``assignment`` (one they can see), or None."""
    if not has_role(actor, assignment.unit, Role.SPECIALIST):
        return Forbidden(
            f"Chỉ chuyên viên của {assignment.unit.name} mới báo cáo được tiến độ việc này."
        )
    return _not_in_force(assignment.task.directive)


def can_report(actor: Actor | None, assignment: Assignment) -> bool:
    return report_refusal(actor, assignment) is None


def manage_refusal(actor: Actor | None, assignment: Assignment) -> DomainError | None:
    """Why ``actor`` may not change the terms of ``assignment``, or None."""
    if not has_role(actor, assignment.task.directive.unit, Role.SPECIALIST):
        return Forbidden("Chỉ chuyên viên của đơn vị giao việc mới điều chỉnh được phân công.")
    return None


def can_manage(actor: Actor | None, assignment: Assignment) -> bool:
    return manage_refusal(actor, assignment) is None


def delete_refusal(
    actor: Actor | None, assignment: Assignment, *, reports: int
) -> DomainError | None:
    """Why ``actor`` may not withdraw ``assignment`` that has ``reports`` progress reports."""
    refusal = manage_refusal(actor, assignment)
    if refusal is not None:
        return refusal
    if reports:
        return Conflict(
            "has_updates",
            f"{assignment.unit.name} đã báo cáo tiến độ {reports} lần; không xóa được phân công "
            "này để giữ báo cáo và minh chứng. Hãy điều chỉnh hạn, vai trò hoặc ghi chú.",
        )
    return None


def review_refusal(actor: Actor | None, update: ProgressUpdate) -> DomainError | None:
    """Why ``actor`` may not accept or return progress report ``update``, or None."""
    if not has_role(actor, update.assignment.task.directive.unit, Role.SPECIALIST):
        return Forbidden(
            "Chỉ chuyên viên của đơn vị giao việc mới chấp nhận hoặc trả lại được báo cáo."
        )
    if update.review:
        return Conflict(
            "already_reviewed",
            f"Báo cáo này đã được xem xét ({update.get_review_display().lower()}).",
        )
    return None


def can_review(actor: Actor | None, update: ProgressUpdate) -> bool:
    return review_refusal(actor, update) is None


def access_update(actor: Actor | None, update_id: int) -> ProgressUpdate:
    """A progress report ``actor`` may see (NotFound otherwise), with its assignment loaded."""
    update = (
        ProgressUpdate.objects.filter(pk=update_id, assignment__in=assignments_visible_to(actor))
        .select_related("assignment__unit", "assignment__task__directive__unit")
        .first()
    )
    if update is None:
        raise NotFound()
    return update


def access_assignment(actor: Actor | None, assignment_id: int) -> Assignment:
    """The assignment if ``actor`` may see it, with its unit, task, directive and issuer loaded;
    NotFound otherwise (missing or out of scope alike)."""
    assignment = (
        assignments_visible_to(actor)
        .filter(pk=assignment_id)
        .select_related("unit", "task__directive__unit", "updated_by")
        .first()
    )
    if assignment is None:
        raise NotFound()
    return assignment


def access_evidence(actor: Actor | None, evidence_id: int) -> Evidence:
    evidence = (
        Evidence.objects.filter(
            pk=evidence_id, update__assignment__in=assignments_visible_to(actor)
        )
        .select_related("update__assignment")
        .first()
    )
    if evidence is None:
        raise NotFound()
    return evidence
