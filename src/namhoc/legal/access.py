"""Who may read and change the registry of legal documents — the one place it is written
(ADR 0007, ADR 0012).

- Read: anyone signed in (the registry holds public facts about public documents, each with the
  page that states it); the pages and the API ask for a sign-in like every other page of namhoc.
- Change (add a document, correct one, load the curated CSV): a superuser, or a specialist of the
  Ministry (the root unit) — the registry is one national list, not a unit's own data. The CLI and
  the demo act as the system.
"""

from __future__ import annotations

from namhoc.accounts.access import has_role, is_staff_superuser
from namhoc.accounts.models import Role
from namhoc.core.errors import DomainError, Forbidden, NotFound
from namhoc.core.parsing import parse_id
from namhoc.core.types import Actor
from namhoc.legal.models import LegalDocument
from namhoc.orgunits.models import OrgUnit

__all__ = ["access_document", "can_edit_registry", "edit_refusal", "registry_unit"]


def registry_unit() -> OrgUnit | None:
    """The unit the registry belongs to (audit rows are filed under it): the Ministry."""
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.MINISTRY, parent__isnull=True).first()


def edit_refusal(actor: Actor | None, ministry: OrgUnit | None = None) -> DomainError | None:
    """Why ``actor`` may not change the registry, or None."""
    if is_staff_superuser(actor):
        return None
    unit = ministry if ministry is not None else registry_unit()
    if unit is not None and has_role(actor, unit, Role.SPECIALIST):
        return None
    return Forbidden(
        "Chỉ chuyên viên của Bộ Giáo dục và Đào tạo hoặc quản trị hệ thống mới sửa được "
        "danh mục văn bản pháp lý."
    )


def can_edit_registry(actor: Actor | None) -> bool:
    return edit_refusal(actor) is None


def access_document(actor: Actor | None, document_id: object) -> LegalDocument:
    """A registry entry for a signed-in ``actor`` (NotFound for anyone else or a bad id)."""
    pk = parse_id(document_id)
    if pk is None or actor is None or not getattr(actor, "is_authenticated", False):
        raise NotFound()
    document = LegalDocument.objects.filter(pk=pk).select_related("replaced_by").first()
    if document is None:
        raise NotFound()
    return document
