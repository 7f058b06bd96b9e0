"""Reads for user management and the audit log, always scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet

from namhoc.accounts.access import access_unit, is_staff_superuser, visible_units
from namhoc.accounts.models import Membership, Role, User
from namhoc.core.errors import Forbidden, NotFound
from namhoc.core.models_audit import AuditEvent
from namhoc.core.types import Actor
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import subtree_q


def admin_units(actor: Any) -> QuerySet[OrgUnit]:
    """The units where ``actor`` manages users: the subtrees of their unit_admin memberships."""
    return visible_units(actor, role=Role.UNIT_ADMIN)


def users_for_admin(actor: Any, *, search: str = "", unit: OrgUnit | None = None) -> QuerySet[User]:
    """Users with a membership in the actor's admin scope (in ``unit``'s subtree if given),
    with their memberships and units loaded, ordered by name."""
    users = User.objects.all()
    if not is_staff_superuser(actor):
        users = users.filter(memberships__unit__in=admin_units(actor))
    if unit is not None:
        users = users.filter(subtree_q(unit.path, field="memberships__unit__path"))
    search = " ".join(search.split())
    if search:
        users = users.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(email__icontains=search)
        )
    return (
        User.objects.filter(pk__in=users.values("pk"))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("unit").order_by("unit__path", "role"),
            )
        )
        .order_by("full_name", "username")
    )


def user_for_admin(actor: Any, user_id: int) -> User:
    """One user in the actor's admin scope; NotFound otherwise."""
    user = users_for_admin(actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


def membership_for_admin(actor: Any, membership_id: int) -> Membership:
    memberships = Membership.objects.select_related("unit", "user")
    if not is_staff_superuser(actor):
        memberships = memberships.filter(unit__in=admin_units(actor))
    membership = memberships.filter(pk=membership_id).first()
    if membership is None:
        raise NotFound()
    return membership


def audit_events_for(
    actor: Any,
    *,
    unit: OrgUnit | None = None,
    actor_id: int | None = None,
    content_type: ContentType | None = None,
    object_id: str | None = None,
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit rows the actor may read: those filed under a unit of their admin scope (superusers:
    all, including rows filed under no unit). Dates are local (Asia/Ho_Chi_Minh) and inclusive."""
    events = AuditEvent.objects.select_related("content_type")
    if not is_staff_superuser(actor):
        events = events.filter(unit_id__in=admin_units(actor).values("pk"))
    if unit is not None:
        events = events.filter(
            unit_id__in=OrgUnit.objects.filter(subtree_q(unit.path)).values("pk")
        )
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if content_type is not None:
        events = events.filter(content_type=content_type)
    if object_id is not None:
        events = events.filter(object_id=object_id)
    if action:
        events = events.filter(action=action)
    if date_from is not None:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to is not None:
        events = events.filter(occurred_at__date__lte=date_to)
    return events.order_by("-occurred_at", "-id")


def _unit_ids_of(obj: Any) -> list[int] | None:
    """The units an object belongs to, for deciding who may read its history."""
    if isinstance(obj, OrgUnit):
        return [obj.pk]
    if isinstance(obj, User):
        return list(obj.memberships.values_list("unit_id", flat=True))
    unit_id = getattr(obj, "unit_id", None)
    if isinstance(unit_id, int):
        return [unit_id]
    return None


def _get_object(content_type: ContentType, object_id: str) -> Any:
    model = content_type.model_class()
    if model is None:
        return None
    try:
        return model._default_manager.filter(pk=object_id).first()
    except (ValueError, TypeError, ValidationError):  # not a valid key for this model
        return None


def object_history(actor: Any, content_type: ContentType, object_id: str) -> QuerySet[AuditEvent]:
    """The whole history of one object, if the actor administers a unit it belongs to.

    When the object no longer exists (or has no unit), the rows filed under the actor's scope.
    NotFound when nothing is visible.
    """
    every = AuditEvent.objects.filter(content_type=content_type, object_id=object_id).order_by(
        "-occurred_at", "-id"
    )
    obj = _get_object(content_type, object_id)
    if is_staff_superuser(actor):
        if obj is None and not every.exists():
            raise NotFound()
        return every
    unit_ids = _unit_ids_of(obj) if obj is not None else None
    if unit_ids is not None:
        if admin_units(actor).filter(pk__in=unit_ids).exists():
            return every
        raise NotFound()
    scoped = audit_events_for(actor, content_type=content_type, object_id=object_id)
    if not scoped.exists():
        raise NotFound()
    return scoped


def has_admin_scope(actor: Any) -> bool:
    """Whether ``actor`` manages users anywhere (holds unit_admin somewhere, or is superuser)."""
    if is_staff_superuser(actor):
        return True
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return Membership.objects.filter(user_id=actor.pk, role=Role.UNIT_ADMIN).exists()


def require_admin_scope(actor: Any) -> None:
    """Forbidden unless ``actor`` manages users somewhere (the page exists for everyone signed
    in; only unit admins may use it)."""
    if not has_admin_scope(actor):
        raise Forbidden("Chỉ quản trị đơn vị mới quản lý được người dùng và xem nhật ký.")


def admin_unit_options(actor: Any, *, limit: int = 500) -> list[OrgUnit]:
    """Current units where ``actor`` may create users, shallowest first (for a pick list)."""
    return list(admin_units(actor).filter(valid_to__isnull=True).order_by("depth", "path")[:limit])


def units_with_roles(user: Any) -> list[tuple[OrgUnit, list[str]]]:
    """The units where ``user`` holds a role, highest first, each with its role names. One query."""
    units: dict[int, tuple[OrgUnit, list[str]]] = {}
    rows = (
        Membership.objects.filter(user_id=user.pk)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    for membership in rows:
        units.setdefault(membership.unit_id, (membership.unit, []))[1].append(
            membership.get_role_display()
        )
    return list(units.values())


# --- the unit picker ------------------------------------------------------------------------

PICK_LIMIT = 20


class PickPurpose:
    """What a unit picker picks for; each purpose has its own candidate units."""

    VISIBLE = "xem"  # any current unit the viewer sees (filters)
    BELOW = "duoi"  # current units strictly below ``within`` that the viewer sees (assigning work)
    SPECIALIST = "chuyen-vien"  # current units where the viewer works (issuing a document)
    ADMIN = "quan-tri"  # current units where the viewer manages people (memberships)
    ALL = (VISIBLE, BELOW, SPECIALIST, ADMIN)


@dataclass(frozen=True)
class PickChoices:
    chosen: list[OrgUnit]
    matches: list[OrgUnit]
    more: bool  # more matches than shown: type more of the name
    query: str


def pickable_units(
    viewer: Actor | None, *, purpose: str, within: OrgUnit | None = None
) -> QuerySet[OrgUnit]:
    """The current units a picker offers ``viewer`` for ``purpose`` (see :class:`PickPurpose`).

    Use cases check their own rule again; this only decides what is offered."""
    if purpose == PickPurpose.ADMIN:
        units = admin_units(viewer)
    elif purpose == PickPurpose.SPECIALIST:
        units = visible_units(viewer, role=Role.SPECIALIST)
    else:
        units = visible_units(viewer)
    units = units.filter(valid_to__isnull=True)
    if purpose == PickPurpose.BELOW:
        if within is None:
            return units.none()
        units = units.filter(subtree_q(within.path, include_self=False)).exclude(
            kind=OrgUnit.Kind.DISTRICT
        )
    return units


def unit_pick(
    viewer: Actor | None,
    *,
    purpose: str,
    query: str = "",
    within_key: str = "",
    chosen_keys: Sequence[str] = (),
    kinds: Sequence[str] = (),
    limit: int = PICK_LIMIT,
) -> PickChoices:
    """The picker's state: the units already chosen (kept, whatever the query) and up to
    ``limit`` units matching ``query`` by name, ignoring diacritics ("tu ky" finds Tứ Kỳ).

    ``within_key`` must be a unit the viewer sees (NotFound otherwise)."""
    from namhoc.orgunits.selectors import search

    within = access_unit(viewer, within_key) if within_key else None
    if purpose not in PickPurpose.ALL:
        purpose = PickPurpose.VISIBLE
    candidates = pickable_units(viewer, purpose=purpose, within=within)
    if kinds:
        candidates = candidates.filter(kind__in=[k for k in kinds if k in OrgUnit.Kind.values])
    keys = [k for k in dict.fromkeys(chosen_keys) if isinstance(k, str) and 0 < len(k) <= 40]
    chosen = list(candidates.filter(key__in=keys[:2000]).select_related("parent"))
    order = {key: i for i, key in enumerate(keys)}
    chosen.sort(key=lambda unit: order.get(unit.key, 0))
    query = " ".join(query.split())[:100]
    matches: list[OrgUnit] = []
    more = False
    if len(query) >= 2:
        found = list(search(query, within=candidates.exclude(key__in=keys[:2000]))[: limit + 1])
        matches, more = found[:limit], len(found) > limit
    return PickChoices(chosen=chosen, matches=matches, more=more, query=query)


def home_unit(viewer: Actor | None) -> OrgUnit | None:
    """The unit a person's pages default to — the one rule for every page and endpoint: the unit
    of their first membership in tree order (by path: the highest of one branch, the leftmost
    branch first); for a superuser without one, the root. None: the person belongs to no unit."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    membership = (
        Membership.objects.filter(user_id=viewer.pk)
        .select_related("unit")
        .order_by("unit__path", "pk")
        .first()
    )
    if membership is not None:
        return membership.unit
    if is_staff_superuser(viewer):
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    return None
