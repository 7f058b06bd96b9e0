"""The one access layer: who may see which org units, and which roles they hold there.

Every view, endpoint, export and download asks these functions. The rules (ADR 0004):

- A membership (user x unit x role) reaches the unit's whole subtree: every unit whose
  materialized ``path`` starts with the member unit's path (a range: ``orgunits.tree.subtree_q``),
  dissolved units included: their path is the one they had on their last day, so history stays
  readable to the same people.
- Any role lets its holder read. Otherwise roles do not imply each other: a ``unit_admin`` who
  is not also an ``approver`` cannot approve data.
- Superusers see everything and hold every role; inactive and anonymous users see nothing.
- Out of scope -> :class:`NotFound` (never reveal that something exists);
  in scope but without the needed role -> :class:`Forbidden`.

Typical use in a view or endpoint::

    unit = access_unit(request.user, key, need=Role.SPECIALIST)
    task = get_object_in_scope(request.user, Task.objects.all(), pk=task_id)
    tasks = scope_queryset(request.user, Task.objects.filter(year=year))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet

from namhoc.accounts.models import Membership, Role
from namhoc.core.errors import Forbidden, NotFound
from namhoc.orgunits.models import OrgUnit, OrgUnitSuccession
from namhoc.orgunits.tree import ancestor_paths, subtree_q

M = TypeVar("M", bound=Model)

__all__ = [
    "access_object",
    "access_unit",
    "get_object_in_scope",
    "has_role",
    "is_staff_superuser",
    "member_paths",
    "require_role",
    "roles_at",
    "scope_queryset",
    "visible_units",
]


def is_staff_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def _is_member(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def member_paths(user: Any, *, role: Role | None = None) -> list[str]:
    """The paths of the units where ``user`` holds ``role`` (any role if None), minimal set.

    A path already covered by a shorter one in the list is dropped, so the result is the set of
    subtree roots the user reaches. One query.
    """
    if not _is_member(user):
        return []
    memberships = Membership.objects.filter(user_id=user.pk)
    if role is not None and role != Role.VIEWER:
        memberships = memberships.filter(role=role)
    unit_paths = memberships.values_list("unit__path", flat=True)
    if role is None or role == Role.VIEWER:
        # Reading reaches into history: the people of a unit read the units it absorbed (a 2025
        # province its pre-reform provinces, with their districts and communes; a commune the
        # communes merged into it). Same single query, as a UNION.
        absorbed = OrgUnitSuccession.objects.filter(
            successor_id__in=memberships.values("unit_id")
        ).values_list("predecessor__path", flat=True)
        unit_paths = unit_paths.union(absorbed)
    paths = sorted(set(unit_paths))
    roots: list[str] = []
    for path in paths:  # sorted: an ancestor comes before its descendants
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def _subtrees_q(paths: Iterable[str], field: str = "path") -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= subtree_q(path, field=field)
    return query


def visible_units(user: Any, *, role: Role | None = None) -> QuerySet[OrgUnit]:
    """The units ``user`` may see (with ``role``: where the user holds that role).

    The union of the subtrees of the user's memberships, as prefix ranges on ``path``. Superusers
    get every unit; anonymous and inactive users get none.
    """
    if is_staff_superuser(user):
        return OrgUnit.objects.all()
    if not _is_member(user):
        return OrgUnit.objects.none()
    paths = member_paths(user, role=role)
    if not paths:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(_subtrees_q(paths))


def roles_at(user: Any, unit: OrgUnit) -> set[Role]:
    """The roles ``user`` holds at ``unit``: from memberships on the unit or any ancestor."""
    if is_staff_superuser(user):
        return set(Role)
    if not _is_member(user):
        return set()
    # Memberships on the unit or on one of its ancestors (the prefixes of its path): one query.
    rows = Membership.objects.filter(
        user_id=user.pk, unit__path__in=[*ancestor_paths(unit.path), unit.path]
    ).values_list("role", flat=True)
    return {Role(role) for role in rows}


def has_role(user: Any, unit: OrgUnit, role: Role) -> bool:
    return role in roles_at(user, unit)


def require_role(user: Any, unit: OrgUnit, role: Role | None) -> None:
    """Raise NotFound if ``unit`` is out of scope, Forbidden if ``role`` is missing there.

    ``role=None`` or ``Role.VIEWER`` only asks for read access (any role gives read).
    """
    roles = roles_at(user, unit)
    if not roles:
        # No membership above it; a unit absorbed by one of the user's units is still readable.
        readable = any(unit.path.startswith(root) for root in member_paths(user))
        if not readable:
            raise NotFound()
        roles = {Role.VIEWER}
    if role is not None and role != Role.VIEWER and role not in roles:
        raise Forbidden()


def access_unit(
    user: Any, unit_or_id_or_key: OrgUnit | int | str, *, need: Role | None = None
) -> OrgUnit:
    """The unit, if ``user`` may see it (and holds ``need`` there). NotFound / Forbidden else.

    Accepts a unit, its primary key (int) or its ``key`` (str, e.g. ``"p2025-01"``).
    """
    if isinstance(unit_or_id_or_key, OrgUnit):
        unit: OrgUnit | None = unit_or_id_or_key
    elif isinstance(unit_or_id_or_key, int):
        unit = OrgUnit.objects.filter(pk=unit_or_id_or_key).first()
    else:
        unit = OrgUnit.objects.filter(key=unit_or_id_or_key).first()
    if unit is None:
        raise NotFound()
    require_role(user, unit, need)
    return unit


def scope_queryset(
    user: Any, queryset: QuerySet[M], *, unit_field: str = "unit", role: Role | None = None
) -> QuerySet[M]:
    """``queryset`` narrowed to objects whose unit is in the user's scope.

    ``unit_field`` names the foreign key (or integer column) holding the object's org unit,
    following relations with ``__`` (``"task__unit"``). With ``role``: only objects in units where
    the user holds that role. The filter is a range on the unit's path (``subtree_q``: an index
    range scan) — a join, no loop over objects; superusers get the queryset unchanged.
    """
    if is_staff_superuser(user):
        return queryset
    if not _is_member(user):
        return queryset.none()
    paths = member_paths(user, role=role)
    if not paths:
        return queryset.none()
    if unit_field.endswith("_id") or _is_plain_column(queryset.model, unit_field):
        units = OrgUnit.objects.filter(_subtrees_q(paths)).values("pk")
        return queryset.filter(**{f"{unit_field}__in": units})
    return queryset.filter(_subtrees_q(paths, field=f"{unit_field}__path"))


def _is_plain_column(model: type[Model], name: str) -> bool:
    if "__" in name:
        return False
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # the ORM reports the unknown name itself below
        return False
    return not field.is_relation


def _unit_of(obj: Model, unit_field: str) -> OrgUnit | None:
    value: Any = obj
    for part in unit_field.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    if isinstance(value, OrgUnit):
        return value
    if isinstance(value, int):
        return OrgUnit.objects.filter(pk=value).first()
    return None


def access_object(user: Any, obj: M, *, unit_field: str = "unit", need: Role | None = None) -> M:
    """``obj`` if ``user`` may see it (and holds ``need`` at its unit); NotFound / Forbidden else.

    ``unit_field`` names the attribute path to the object's unit (``"unit"``, ``"task__unit"``,
    or an integer id column such as ``"unit_id"``). An object without a unit is visible to
    superusers only.
    """
    unit = _unit_of(obj, unit_field)
    if unit is None:
        if is_staff_superuser(user):
            return obj
        raise NotFound()
    require_role(user, unit, need)
    return obj


def get_object_in_scope(
    user: Any,
    queryset: QuerySet[M],
    *,
    unit_field: str = "unit",
    need: Role | None = None,
    **lookup: Any,
) -> M:
    """Fetch one object by ``lookup`` from the user's scope, in one query; then check ``need``.

    Missing and out-of-scope objects both raise NotFound.
    """
    obj = scope_queryset(user, queryset, unit_field=unit_field).filter(**lookup).first()
    if obj is None:
        raise NotFound()
    if need is not None and need != Role.VIEWER:
        access_object(user, obj, unit_field=unit_field, need=need)
    return obj
