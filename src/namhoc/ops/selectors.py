"""What the personal-data pages show (ADR 0007): only to whoever may export that person's data,
with the ``can_*`` answers of ``ops.access``."""

from __future__ import annotations

from dataclasses import dataclass

from namhoc.accounts.models import Membership, User, UserSession
from namhoc.core.models_audit import AuditEvent
from namhoc.core.types import Actor
from namhoc.ops.access import access_person, erase_refusal, export_refusal, is_erased


@dataclass(frozen=True)
class PrivacyPage:
    person: User
    is_self: bool
    memberships: int
    sessions: int
    audit_actions: int
    can_erase: bool
    why_not_erase: str
    erased: bool


def privacy_page(viewer: Actor | None, user_id: object) -> PrivacyPage:
    person = access_person(viewer, user_id)
    refusal = export_refusal(viewer, person)
    if refusal is not None:
        raise refusal
    not_erasable = erase_refusal(viewer, person)
    return PrivacyPage(
        person=person,
        is_self=viewer is not None and viewer.pk == person.pk,
        memberships=Membership.objects.filter(user=person).count(),
        sessions=UserSession.objects.filter(user=person).count(),
        audit_actions=AuditEvent.objects.filter(actor=person).count(),
        can_erase=not_erasable is None,
        why_not_erase=not_erasable.message if not_erasable is not None else "",
        erased=is_erased(person),
    )
