"""Who may see and act on inspections — the one place these rules are written (ADR 0007, 0011).

- Read a plan: people of the inspecting unit (or above it).
- Read an inspection: people of the inspecting unit (or above), and people of the inspected
  unit (or above it): the unit inspected reads its own inspection, findings and
  recommendations. Nobody else (not a sibling unit).
- Make or change a plan, schedule an inspection, change its team, dates and checklist, conclude
  it: ``specialist`` at the inspecting unit, before the conclusion.
- Record the checklist's results, the findings and the recommendations: a member of the team,
  or a ``specialist`` at the inspecting unit, before the conclusion.
- The follow-up (reporting on a recommendation, accepting the report) is tracked work:
  ``tracking.access`` decides it.

Each action has a ``*_refusal`` function answering *why not* (a :class:`DomainError`, or None) and
a ``can_*`` predicate built on it. Use cases raise the refusal; selectors hand the predicate's
answer to the page, which shows the button only then.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from namhoc.accounts.access import has_role, scope_queryset
from namhoc.accounts.models import Membership, Role, User
from namhoc.core.errors import Conflict, DomainError, Forbidden, NotFound
from namhoc.core.parsing import parse_id
from namhoc.core.types import Actor
from namhoc.inspections.models import (
    ChecklistItem,
    Inspection,
    InspectionKind,
    InspectionPlan,
    Recommendation,
)
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "access_inspection",
    "access_item",
    "access_plan",
    "access_recommendation",
    "can_conclude",
    "can_conduct",
    "can_manage",
    "can_plan",
    "conclude_refusal",
    "conduct_refusal",
    "inspected_unit_refusal",
    "inspections_visible_to",
    "manage_refusal",
    "plan_refusal",
    "plans_visible_to",
    "team_candidates",
]


def _id(raw: object) -> int:
    value = parse_id(raw)
    if value is None:
        raise NotFound()
    return value


# --- what a viewer sees ---------------------------------------------------------------------


def plans_visible_to(viewer: Actor | None) -> QuerySet[InspectionPlan]:
    """Plans of the units in ``viewer``'s scope."""
    return scope_queryset(viewer, InspectionPlan.objects.all(), unit_field="unit")


def inspections_visible_to(viewer: Actor | None) -> QuerySet[Inspection]:
    """Inspections made by a unit in ``viewer``'s scope, or of a unit in it."""
    made = scope_queryset(viewer, Inspection.objects.all(), unit_field="plan__unit")
    undergone = scope_queryset(viewer, Inspection.objects.all(), unit_field="unit")
    return Inspection.objects.filter(Q(pk__in=made.values("pk")) | Q(pk__in=undergone.values("pk")))


def access_plan(actor: Actor | None, plan_id: object) -> InspectionPlan:
    plan = plans_visible_to(actor).filter(pk=_id(plan_id)).select_related("unit").first()
    if plan is None:
        raise NotFound()
    return plan


def access_inspection(actor: Actor | None, inspection_id: object) -> Inspection:
    """The inspection if ``actor`` may read it (NotFound otherwise), with its plan, the two
    units and the conclusion loaded."""
    inspection = (
        inspections_visible_to(actor)
        .filter(pk=_id(inspection_id))
        .select_related("plan__unit", "unit", "conclusion", "updated_by")
        .first()
    )
    if inspection is None:
        raise NotFound()
    return inspection


def access_item(actor: Actor | None, item_id: object) -> ChecklistItem:
    item = (
        ChecklistItem.objects.filter(pk=_id(item_id), inspection__in=inspections_visible_to(actor))
        .select_related("inspection__plan__unit", "inspection__unit")
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def access_recommendation(actor: Actor | None, recommendation_id: object) -> Recommendation:
    recommendation = (
        Recommendation.objects.filter(
            pk=_id(recommendation_id), inspection__in=inspections_visible_to(actor)
        )
        .select_related("inspection__plan__unit", "inspection__unit")
        .first()
    )
    if recommendation is None:
        raise NotFound()
    return recommendation


# --- who is on a team -----------------------------------------------------------------------


def team_candidates(unit: OrgUnit) -> QuerySet[User]:
    """The people of the inspecting unit: active users holding a role at ``unit`` itself."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(unit=unit).values("user_id"),
    )


def _on_team(actor: Actor | None, inspection: Inspection) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return inspection.members.filter(user_id=actor.pk).exists()


# --- what an actor may do -------------------------------------------------------------------


def plan_refusal(actor: Actor | None, unit: OrgUnit) -> DomainError | None:
    """Why ``actor`` may not make or change the inspection plan of ``unit`` (one they see)."""
    if not has_role(actor, unit, Role.SPECIALIST):
        return Forbidden(f"Chỉ chuyên viên của {unit.name} mới lập được kế hoạch kiểm tra.")
    if unit.valid_to is not None or unit.kind == OrgUnit.Kind.DISTRICT:
        return DomainError(
            "unit_dissolved", f"{unit.name} không còn hoạt động; hãy chọn đơn vị hiện nay."
        )
    return None


def can_plan(actor: Actor | None, unit: OrgUnit) -> bool:
    return plan_refusal(actor, unit) is None


def _concluded(inspection: Inspection) -> DomainError | None:
    if inspection.is_concluded:
        return Conflict(
            "concluded",
            "Cuộc kiểm tra đã có kết luận; không thay đổi được nữa. Việc khắc phục được theo "
            "dõi ở các kiến nghị.",
        )
    return None


def manage_refusal(actor: Actor | None, inspection: Inspection) -> DomainError | None:
    """Why ``actor`` may not change the inspection's schedule, team or checklist."""
    if not has_role(actor, inspection.plan.unit, Role.SPECIALIST):
        return Forbidden(
            f"Chỉ chuyên viên của {inspection.plan.unit.name} mới điều chỉnh được cuộc kiểm tra."
        )
    return _concluded(inspection)


def can_manage(actor: Actor | None, inspection: Inspection) -> bool:
    return manage_refusal(actor, inspection) is None


def conduct_refusal(actor: Actor | None, inspection: Inspection) -> DomainError | None:
    """Why ``actor`` may not record results, findings or recommendations: the team's members
    and the inspecting unit's specialists do, until the conclusion."""
    if not (_on_team(actor, inspection) or has_role(actor, inspection.plan.unit, Role.SPECIALIST)):
        return Forbidden(
            "Chỉ thành viên đoàn kiểm tra hoặc chuyên viên của "
            f"{inspection.plan.unit.name} mới ghi được kết quả kiểm tra."
        )
    return _concluded(inspection)


def can_conduct(actor: Actor | None, inspection: Inspection) -> bool:
    return conduct_refusal(actor, inspection) is None


def conclude_refusal(actor: Actor | None, inspection: Inspection) -> DomainError | None:
    """Why ``actor`` may not conclude: the inspecting unit's specialists issue the conclusion
    (it is their unit's document, and they give its recommendations as work)."""
    if not has_role(actor, inspection.plan.unit, Role.SPECIALIST):
        return Forbidden(
            f"Chỉ chuyên viên của {inspection.plan.unit.name} mới ban hành được kết luận."
        )
    return _concluded(inspection)


def can_conclude(actor: Actor | None, inspection: Inspection) -> bool:
    return conclude_refusal(actor, inspection) is None


def inspected_unit_refusal(plan: InspectionPlan, kind: str, unit: OrgUnit) -> DomainError | None:
    """Which unit an inspection of ``kind`` may look at: a current unit below the inspecting
    unit for a check or an inspectorate's inspection; the school itself for its internal
    check."""
    if unit.valid_to is not None or unit.kind == OrgUnit.Kind.DISTRICT:
        return DomainError(
            "unit_dissolved",
            f"{unit.name} không còn hoạt động; hãy chọn đơn vị hiện nay.",
            field="unit",
        )
    if kind == InspectionKind.INTERNAL:
        if unit.pk != plan.unit_id or unit.kind != OrgUnit.Kind.SCHOOL:
            return DomainError(
                "internal_is_own_school",
                "Kiểm tra nội bộ là việc của một cơ sở giáo dục tự kiểm tra chính mình: đơn vị "
                "được kiểm tra phải là chính đơn vị lập kế hoạch, và là cơ sở giáo dục.",
                field="unit",
            )
        return None
    if unit.pk == plan.unit_id or not unit.path.startswith(plan.unit.path):
        return DomainError(
            "unit_not_below",
            f"Đơn vị được kiểm tra phải là đơn vị cấp dưới của {plan.unit.name}.",
            field="unit",
        )
    return None
