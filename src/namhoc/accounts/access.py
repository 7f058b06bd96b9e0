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

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeGuard, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection
from django.db.models import Model, Q, QuerySet

from namhoc.accounts.models import Membership, Role, User
from namhoc.core.errors import DomainError, Forbidden, NotFound
from namhoc.core.models_audit import AuditEvent
from namhoc.core.parsing import ID_MAX, parse_id
from namhoc.core.sql import columns_of, fetch_models, table
from namhoc.core.types import Actor
from namhoc.orgunits.models import OrgUnit, OrgUnitSuccession
from namhoc.orgunits.tree import ancestor_paths, path_upper, subtree_q

M = TypeVar("M", bound=Model)
KEY_MAX = 40  # OrgUnit.key's length: a longer key names no unit

__all__ = [
    "access_memo",
    "access_object",
    "access_unit",
    "get_object_in_scope",
    "has_role",
    "is_staff_superuser",
    "member_paths",
    "require_role",
    "roles_at",
    "scope_queryset",
    "visible_paths",
    "visible_units",
]


def is_staff_superuser(user: Actor | None) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def _is_member(user: Actor | None) -> TypeGuard[Actor]:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


# --- what a user holds, read once per request -------------------------------------------------
#
# Every answer below is derived from one list: the user's grants, ``(unit path, role)`` for each
# membership plus ``(path, "")`` for each unit absorbed by one of their units (readable history).
# One query reads it. Inside a request (``access_memo``, opened by the middleware) it is read once
# per user and kept for the rest of the request — a page asks roles and scope 3-5 times — until
# the request writes to a table the list comes from (memberships, units, successions): from then
# on the request reads it afresh every time, so a grant, a revocation or a move of the tree made
# by the request (and even one rolled back) is seen by the next check at once. Outside a request
# (tasks, commands, tests calling the layer directly) nothing is kept.

Grants = tuple[tuple[str, str], ...]
_ABSORBED = ""  # the role column of a unit readable as history only


class _Memo:
    __slots__ = ("grants", "written")

    def __init__(self) -> None:
        self.grants: dict[int, Grants] = {}
        self.written = False


_memo: ContextVar[_Memo | None] = ContextVar("namhoc_access_memo", default=None)


def _source_tables() -> tuple[str, ...]:
    return (Membership._meta.db_table, OrgUnit._meta.db_table, OrgUnitSuccession._meta.db_table)


_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE", "MERGE", "REPLACE"})
_WRITE_WORDS = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _writes_to(sql: str, tables: tuple[str, ...]) -> bool:
    """A statement that may change a row of ``tables``. Reads in any dress — a plain SELECT, a
    server-side cursor's ``DECLARE … CURSOR FOR SELECT`` (PostgreSQL's ``.iterator()``), a
    SAVEPOINT — are not writes; a ``WITH`` is one only if it holds a writing word."""
    head = sql.lstrip()[:10].split(None, 1)
    word = head[0].upper() if head else ""
    if word == "WITH":
        writes = bool(_WRITE_WORDS.search(sql))
    else:
        writes = word in _WRITES or word in {"ALTER", "DROP", "CREATE"}
    return writes and any(table in sql for table in tables)


@contextmanager
def access_memo() -> Iterator[None]:
    """Keep each user's grants for the duration of the block (one request): see above."""
    memo = _Memo()
    tables = _source_tables()

    def watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not memo.written and _writes_to(sql, tables):
            memo.written = True  # never reused across a write: read afresh from now on
            memo.grants.clear()
        return execute(sql, params, many, context)

    token = _memo.set(memo)
    try:
        with connection.execute_wrapper(watch):
            yield
    finally:
        _memo.reset(token)


# The user's memberships and the units their units absorbed, in one query written out: every
# signed-in request reads it once, and composing the ORM's union cost more than running it
# (issue 15). Table names come from the models' metadata, every value is a parameter.
_GRANTS_SQL = """
SELECT u.path, m.role FROM {membership} m JOIN {unit} u ON u.id = m.unit_id
WHERE m.user_id = %s
UNION
SELECT p.path, CAST(%s AS VARCHAR(20)) FROM {succession} s JOIN {unit} p ON p.id = s.predecessor_id
WHERE s.successor_id IN (SELECT m2.unit_id FROM {membership} m2 WHERE m2.user_id = %s)
"""


def _load_grants(user_id: int) -> Grants:
    sql = _GRANTS_SQL.format(
        membership=Membership._meta.db_table,
        unit=OrgUnit._meta.db_table,
        succession=OrgUnitSuccession._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, _ABSORBED, user_id])
        rows = cursor.fetchall()
    return tuple(sorted((str(path), str(role)) for path, role in rows))


def _grants(user: Actor) -> Grants:
    """The user's grants: from this request's memo, else one query."""
    memo = _memo.get()
    if memo is None or memo.written:
        return _load_grants(user.pk)
    grants = memo.grants.get(user.pk)
    if grants is None:
        grants = memo.grants[user.pk] = _load_grants(user.pk)
    return grants


def member_paths(user: Actor | None, *, role: Role | None = None) -> list[str]:
    """The paths of the units where ``user`` holds ``role`` (any role if None), minimal set.

    A path already covered by a shorter one in the list is dropped, so the result is the set of
    subtree roots the user reaches. Reading (``role`` None or viewer) reaches into history: the
    people of a unit read the units it absorbed (a 2025 province its pre-reform provinces, with
    their districts and communes; a commune the communes merged into it). One query at most.
    """
    if not _is_member(user):
        return []
    reading = role is None or role == Role.VIEWER
    paths = sorted({path for path, held in _grants(user) if reading or held == role})
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


def visible_units(user: Actor | None, *, role: Role | None = None) -> QuerySet[OrgUnit]:
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


def visible_paths(user: Actor | None, paths: Iterable[str]) -> list[str]:
    """Which of ``paths`` lie in the units ``user`` may see — ``visible_units`` asked of paths
    already known (a breadcrumb's ancestors), from the grants alone: no query of its own."""
    if is_staff_superuser(user):
        return list(paths)
    if not _is_member(user):
        return []
    roots = [(root, path_upper(root)) for root in member_paths(user)]
    return [path for path in paths if any(low <= path < high for low, high in roots)]


def roles_at(user: Actor | None, unit: OrgUnit) -> set[Role]:
    """The roles ``user`` holds at ``unit``: from memberships on the unit or any ancestor."""
    if is_staff_superuser(user):
        return set(Role)
    if not _is_member(user):
        return set()
    # Memberships on the unit or on one of its ancestors (the prefixes of its path).
    places = {*ancestor_paths(unit.path), unit.path}
    return {Role(held) for path, held in _grants(user) if held != _ABSORBED and path in places}


def has_role(user: Actor | None, unit: OrgUnit, role: Role) -> bool:
    return role in roles_at(user, unit)


def require_role(user: Actor | None, unit: OrgUnit, role: Role | None) -> None:
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


def _unit_where(column: str, value: int | str) -> OrgUnit | None:
    """The unit whose (unique) ``column`` is ``value``: written out, as every figures and
    tracking page starts here (0.25 ms instead of the ORM's 0.7 ms to build the same query;
    ``fetch_models`` rather than ``raw``, which matched the columns to the fields every time)."""
    sql = f"SELECT {columns_of(OrgUnit)} FROM {table(OrgUnit)} WHERE {column} = %s"  # noqa: S608
    found = fetch_models(OrgUnit, sql, [value])  # fixed names above, the value a parameter
    return found[0] if found else None


def access_unit(
    user: Actor | None, unit_or_id_or_key: OrgUnit | int | str, *, need: Role | None = None
) -> OrgUnit:
    """The unit, if ``user`` may see it (and holds ``need`` there). NotFound / Forbidden else.

    Accepts a unit, its primary key (int) or its ``key`` (str, e.g. ``"p2025-01"``).
    """
    if isinstance(unit_or_id_or_key, OrgUnit):
        unit: OrgUnit | None = unit_or_id_or_key
    elif isinstance(unit_or_id_or_key, int):
        unit = _unit_where("id", unit_or_id_or_key) if 0 < unit_or_id_or_key <= ID_MAX else None
    elif isinstance(unit_or_id_or_key, str) and 0 < len(unit_or_id_or_key) <= KEY_MAX:
        unit = _unit_where("key", unit_or_id_or_key)
    else:
        unit = None
    if unit is None:
        raise NotFound()
    require_role(user, unit, need)
    return unit


def scope_queryset(
    user: Actor | None,
    queryset: QuerySet[M],
    *,
    unit_field: str = "unit",
    role: Role | None = None,
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


def access_object(
    user: Actor | None, obj: M, *, unit_field: str = "unit", need: Role | None = None
) -> M:
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
    user: Actor | None,
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


# --- people: who manages whom (ADR 0004) ------------------------------------------------------
#
# Unit admins manage the people of the subtrees where they hold ``unit_admin``. Each rule below is
# one ``*_refusal`` (why not: a DomainError, or None) with a ``can_*`` predicate over it; the use
# cases in ``accounts.services`` raise the refusal, the page selectors hand the predicate to the
# templates, which show a button only then.

ADMIN_ONLY = "Chỉ quản trị đơn vị mới quản lý được người dùng và xem nhật ký."
UNIT_NOT_ADMINISTERED = "Không tìm thấy đơn vị này trong phạm vi bạn quản trị."


def admin_units(actor: Actor | None) -> QuerySet[OrgUnit]:
    """The units where ``actor`` manages people: the subtrees of their unit_admin memberships."""
    return visible_units(actor, role=Role.UNIT_ADMIN)


def administers_anywhere(actor: Actor | None) -> bool:
    """Whether ``actor`` manages people somewhere (unit_admin at some unit, or superuser)."""
    if is_staff_superuser(actor):
        return True
    if not _is_member(actor):
        return False
    return any(held == Role.UNIT_ADMIN for _path, held in _grants(actor))


def admin_refusal(actor: Actor | None) -> DomainError | None:
    """The people pages and the audit log exist for everyone signed in; only unit admins use
    them (403 for the others)."""
    return None if administers_anywhere(actor) else Forbidden(ADMIN_ONLY)


def users_administered(actor: Actor | None) -> QuerySet[User]:
    """Users with at least one membership in ``actor``'s admin scope (superusers: everyone)."""
    if is_staff_superuser(actor):
        return User.objects.all()
    if not _is_member(actor):
        return User.objects.none()
    members = Membership.objects.filter(unit__in=admin_units(actor)).values("user_id")
    return User.objects.filter(pk__in=members)


def access_user(actor: Actor | None, user_id: object) -> User:
    """The user ``user_id`` if ``actor`` administers them (NotFound otherwise, also for an id
    that is not one)."""
    pk = parse_id(user_id)
    user = users_administered(actor).filter(pk=pk).first() if pk is not None else None
    if user is None:
        raise NotFound()
    return user


def manage_user_refusal(actor: Actor | None, user: User) -> DomainError | None:
    """Why ``actor`` may not change ``user`` (a user they administer), or None: a user who also
    works outside the actor's admin subtree is not theirs alone to change."""
    if is_staff_superuser(actor):
        return None
    if user.is_superuser:
        return Forbidden("Chỉ quản trị hệ thống mới thay đổi được tài khoản quản trị hệ thống.")
    if Membership.objects.filter(user=user).exclude(unit__in=admin_units(actor)).exists():
        return Forbidden(
            "Người dùng này còn có vai trò ở đơn vị ngoài phạm vi quản trị của bạn; "
            "hãy nhờ quản trị cấp trên thực hiện."
        )
    return None


def can_manage_user(actor: Actor | None, user: User) -> bool:
    return manage_user_refusal(actor, user) is None


def disable_refusal(actor: Actor | None, user: User) -> DomainError | None:
    """Why ``actor`` may not disable ``user``, or None. Nobody disables themselves."""
    if actor is not None and actor.pk is not None and actor.pk == user.pk:
        return DomainError("self_disable", "Bạn không thể tự khóa tài khoản của mình.")
    return manage_user_refusal(actor, user)


def can_disable(actor: Actor | None, user: User) -> bool:
    return disable_refusal(actor, user) is None


def access_admin_unit(actor: Actor | None, key: object, *, field: str = "unit") -> OrgUnit:
    """The current unit named ``key`` if it lies in ``actor``'s admin scope. Refused as an
    input error on ``field`` (NotFound, 404): the unit was typed or picked, not browsed to."""
    unit = None
    if isinstance(key, str) and 0 < len(key.strip()) <= KEY_MAX:
        unit = admin_units(actor).filter(key=key.strip()).first()
    if unit is None:
        refusal = NotFound(UNIT_NOT_ADMINISTERED)
        refusal.field = field
        raise refusal
    if unit.valid_to is not None:
        raise DomainError(
            "unit_dissolved",
            f"{unit.name} đã hết hiệu lực từ {unit.valid_to:%d/%m/%Y}: hãy chọn đơn vị kế thừa.",
            field=field,
        )
    return unit


def grant_refusal(actor: Actor | None, unit: OrgUnit, role: Role) -> DomainError | None:
    """Why ``actor`` may not give ``role`` at ``unit`` (a unit of their admin scope), or None.

    A unit admin gives **any** role at the units of their admin subtree (ADR 0004): a school's
    admin creates the specialists and approvers who do the school's work. Separation of duties
    stays: the roles still do not imply each other (a unit admin is not an approver unless
    granted it), and every grant, including one to themselves, is in the audit log that their
    own admins read."""
    if not can_administer_unit(actor, unit):
        refusal = NotFound(UNIT_NOT_ADMINISTERED)
        refusal.field = "unit"
        return refusal
    return None


def can_administer_unit(actor: Actor | None, unit: OrgUnit) -> bool:
    """Whether ``unit`` lies in ``actor``'s admin scope (unit_admin there or above)."""
    return Role.UNIT_ADMIN in roles_at(actor, unit)


def can_grant(actor: Actor | None, unit: OrgUnit, role: Role) -> bool:
    return grant_refusal(actor, unit, role) is None


def grantable_roles(actor: Actor | None, unit: OrgUnit | None = None) -> list[Role]:
    """The roles ``actor`` may give (at ``unit``, when given): every role wherever they
    administer, none elsewhere — what a role box offers."""
    if unit is None:
        return list(Role) if administers_anywhere(actor) else []
    return list(Role) if can_administer_unit(actor, unit) else []


def access_membership(actor: Actor | None, membership_id: object) -> Membership:
    """A membership at a unit of ``actor``'s admin scope (NotFound otherwise)."""
    pk = parse_id(membership_id)
    memberships = Membership.objects.select_related("unit", "user")
    if not is_staff_superuser(actor):
        memberships = memberships.filter(unit__in=admin_units(actor))
    membership = memberships.filter(pk=pk).first() if pk is not None else None
    if membership is None:
        raise NotFound()
    return membership


def revoke_refusal(actor: Actor | None, membership: Membership) -> DomainError | None:
    """Why ``actor`` may not take ``membership`` back, or None: only what they could grant, and
    never a user's last role (disable the user instead, so no account drifts out of sight)."""
    refusal = grant_refusal(actor, membership.unit, Role(membership.role))
    if refusal is not None:
        return refusal
    if not Membership.objects.filter(user_id=membership.user_id).exclude(pk=membership.pk).exists():
        return DomainError(
            "last_membership",
            "Đây là vai trò cuối cùng của người dùng. Để thu hồi mọi quyền, hãy khóa tài khoản.",
        )
    return None


def can_revoke(actor: Actor | None, membership: Membership) -> bool:
    return revoke_refusal(actor, membership) is None


# --- the audit log ----------------------------------------------------------------------------


def audit_events_visible_to(viewer: Actor | None) -> QuerySet[AuditEvent]:
    """Audit rows ``viewer`` may read: those filed under a unit of their admin scope
    (superusers: all, including rows filed under no unit)."""
    events = AuditEvent.objects.all()
    if is_staff_superuser(viewer):
        return events
    if not _is_member(viewer):
        return events.none()
    return events.filter(unit_id__in=admin_units(viewer).values("pk"))


def _unit_ids_of(obj: Model) -> list[int] | None:
    """The units an object belongs to, for deciding who may read its history."""
    if isinstance(obj, OrgUnit):
        return [obj.pk]
    if isinstance(obj, User):
        return list(obj.memberships.values_list("unit_id", flat=True))
    unit_id = getattr(obj, "unit_id", None)
    if isinstance(unit_id, int):
        return [unit_id]
    return None


def _existing(content_type: ContentType, object_id: str) -> Model | None:
    model = content_type.model_class()
    if model is None:
        return None
    try:
        return model._default_manager.filter(pk=object_id).first()
    except (ValueError, TypeError, ValidationError):  # not a valid key for this model
        return None


def object_history_visible_to(
    viewer: Actor | None, content_type: ContentType, object_id: str
) -> QuerySet[AuditEvent]:
    """The history of one object ``viewer`` may read: all of it when they administer a unit the
    object belongs to; when it no longer exists (or has no unit), the rows filed under their
    scope. NotFound when nothing is visible."""
    every = AuditEvent.objects.filter(content_type=content_type, object_id=object_id)
    obj = _existing(content_type, object_id)
    if is_staff_superuser(viewer):
        if obj is None and not every.exists():
            raise NotFound()
        return every
    unit_ids = _unit_ids_of(obj) if obj is not None else None
    if unit_ids is not None:
        if admin_units(viewer).filter(pk__in=unit_ids).exists():
            return every
        raise NotFound()
    scoped = every.filter(pk__in=audit_events_visible_to(viewer).values("pk"))
    if not scoped.exists():
        raise NotFound()
    return scoped
