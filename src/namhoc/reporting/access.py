"""Who may see and make drafted documents and templates — the one place these rules live.

- Read a draft or a template (and download it): anyone whose scope holds its unit (memberships
  reach the subtree; out of scope → NotFound).
- Draft a document for a unit, upload or remove a unit's template: a ``specialist`` at the unit
  or above it. Drafting writes (a new version, an audit row), so a viewer reads drafts but does
  not make them.

Each action has a ``*_refusal`` answering why not (a DomainError, or None) and a ``can_*``
predicate built on it: use cases raise the refusal, page selectors show the button on the
predicate.
"""

from __future__ import annotations

from django.db.models import QuerySet

from namhoc.accounts.access import has_role, scope_queryset, visible_units
from namhoc.accounts.models import Role
from namhoc.core.errors import DomainError, Forbidden, NotFound
from namhoc.core.parsing import parse_id
from namhoc.core.types import Actor
from namhoc.orgunits.models import OrgUnit
from namhoc.reporting.models import ReportDraft, ReportTemplate

__all__ = [
    "access_draft",
    "access_template",
    "can_draft",
    "can_manage_template",
    "draft_refusal",
    "drafting_units",
    "drafts_visible_to",
    "template_refusal",
    "templates_visible_to",
]


def drafts_visible_to(viewer: Actor | None) -> QuerySet[ReportDraft]:
    return scope_queryset(viewer, ReportDraft.objects.all(), unit_field="unit")


def templates_visible_to(viewer: Actor | None) -> QuerySet[ReportTemplate]:
    return scope_queryset(viewer, ReportTemplate.objects.all(), unit_field="unit")


def access_draft(viewer: Actor | None, draft_id: int) -> ReportDraft:
    """The draft if ``viewer`` may see it; NotFound otherwise (missing, out of scope, or an id
    no database could hold, such as ``/ban-nhap/99999999999999999999/``)."""
    if parse_id(draft_id) is None:
        raise NotFound()
    draft = (
        drafts_visible_to(viewer)
        .filter(pk=draft_id)
        .select_related("unit", "directive__unit", "requested_by", "template")
        .first()
    )
    if draft is None:
        raise NotFound()
    return draft


def access_template(viewer: Actor | None, template_id: int) -> ReportTemplate:
    if parse_id(template_id) is None:
        raise NotFound()
    template = (
        templates_visible_to(viewer)
        .filter(pk=template_id)
        .select_related("unit", "uploaded_by", "retired_by")
        .first()
    )
    if template is None:
        raise NotFound()
    return template


def drafting_units(viewer: Actor | None) -> QuerySet[OrgUnit]:
    """The current units ``viewer`` may draft documents for."""
    return visible_units(viewer, role=Role.SPECIALIST).filter(valid_to__isnull=True)


def draft_refusal(actor: Actor | None, unit: OrgUnit) -> DomainError | None:
    """Why ``actor`` may not draft documents of ``unit`` (a unit they can see), or None."""
    if not has_role(actor, unit, Role.SPECIALIST):
        return Forbidden(
            f"Chỉ chuyên viên của {unit.name} (hoặc của đơn vị cấp trên) mới soạn được dự thảo "
            "báo cáo, kế hoạch của đơn vị này; bạn vẫn xem và tải được các dự thảo đã có."
        )
    return None


def can_draft(actor: Actor | None, unit: OrgUnit) -> bool:
    return draft_refusal(actor, unit) is None


def template_refusal(actor: Actor | None, unit: OrgUnit) -> DomainError | None:
    """Why ``actor`` may not upload or remove the templates of ``unit``, or None."""
    if not has_role(actor, unit, Role.SPECIALIST):
        return Forbidden(
            f"Chỉ chuyên viên của {unit.name} (hoặc của đơn vị cấp trên) mới thay được mẫu báo "
            "cáo của đơn vị này."
        )
    return None


def can_manage_template(actor: Actor | None, unit: OrgUnit) -> bool:
    return template_refusal(actor, unit) is None
