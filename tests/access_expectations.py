"""What every URL answers to whom: the table the access matrix (test_access_matrix.py) walks.

ADDING A URL? Add its route here (the route as Django resolves it, e.g.
``"nguoi-dung/<int:user_id>/"`` or ``"api/users/<int:user_id>"``) with one :class:`Expect` per
HTTP method you want checked.

The actors: ``anonymous``, ``superuser``, and one user per role (viewer, specialist, approver,
unit_admin) holding that role at commune A1 (``c-a1``). The *relation* names the unit the request
is about, seen from A1: ``own`` (c-a1), ``child`` (school s-a1), ``sibling`` (commune c-a2),
``parent`` (province p-a), ``other_province`` (commune c-b1). ``World`` (in the test module) gives,
per relation, the unit and a user who belongs there only (``world.unit[rel]``,
``world.member[rel]``, ``world.membership[rel]``).

``status`` is ``{role: {relation: code}}`` built with the helpers below; a URL whose answer does not
depend on a unit uses ``relation_free=True`` (checked once, with ``own``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("viewer", "specialist", "approver", "unit_admin")
RELATIONS = ("own", "child", "sibling", "parent", "other_province")
IN_SCOPE = ("own", "child")

# URLs deliberately outside the matrix (Django's own admin is guarded by is_staff + its own views;
# static files are public).
EXCLUDED_PREFIXES = ("admin/", "static/", "__debug__/")

Params = Callable[[Any, str], dict[str, Any]]


@dataclass(frozen=True)
class Expect:
    method: str
    anonymous: int
    superuser: int
    # role -> relation -> status
    status: dict[str, dict[str, int]]
    params: Params | None = None
    data: Params | None = None
    json: bool = False
    relation_free: bool = False
    # a success that changes data: the test checks refusals left everything as it was
    mutates: bool = field(default=False)


def same(code: int) -> dict[str, dict[str, int]]:
    """Every role, every relation: ``code``."""
    return {role: dict.fromkeys(RELATIONS, code) for role in ROLES}


def admin_only(ok: int, *, others: int = 403) -> dict[str, dict[str, int]]:
    """A page for unit admins, not about one unit: admins get ``ok``, the rest ``others``."""
    return {
        role: dict.fromkeys(RELATIONS, ok if role == "unit_admin" else others) for role in ROLES
    }


def admin_in_scope(ok: int, *, out: int = 404, non_admin: int = 404) -> dict[str, dict[str, int]]:
    """About an object of a unit: admins get ``ok`` in their subtree, ``out`` outside it;
    other roles ``non_admin``."""
    return {
        role: {
            rel: (ok if rel in IN_SCOPE else out) if role == "unit_admin" else non_admin
            for rel in RELATIONS
        }
        for role in ROLES
    }


def _user(world: Any, rel: str) -> dict[str, Any]:
    return {"user_id": world.member[rel].pk}


def _membership(world: Any, rel: str) -> dict[str, Any]:
    return {"membership_id": world.membership[rel].pk}


def _audit_object(world: Any, rel: str) -> dict[str, Any]:
    return {"content_type": "accounts.user", "object_id": world.member[rel].pk}


def _new_user(world: Any, rel: str) -> dict[str, Any]:
    return {
        "username": f"moi-{rel}",
        "full_name": "Người Mới",
        "unit": world.unit[rel].key,
        "role": "viewer",
    }


def _grant(world: Any, rel: str) -> dict[str, Any]:
    return {"unit": world.unit[rel].key, "role": "unit_admin"}


def _rename(world: Any, rel: str) -> dict[str, Any]:
    return {"full_name": "Tên Đã Sửa", "email": ""}


def _unit_key(world: Any, rel: str) -> dict[str, Any]:
    return {"key": world.unit[rel].key}


def in_scope(ok: int, *, out: int = 404) -> dict[str, dict[str, int]]:
    """About a unit (or its object): every role gets ``ok`` in its subtree, ``out`` elsewhere."""
    return {role: {rel: ok if rel in IN_SCOPE else out for rel in RELATIONS} for role in ROLES}


E = Expect

EXPECTATIONS: dict[str, list[Expect]] = {
    # --- web: foundation ------------------------------------------------------------------
    "": [E("GET", 302, 200, same(200), relation_free=True)],
    "healthz": [E("GET", 200, 200, same(200), relation_free=True)],
    "dang-nhap/": [E("GET", 200, 302, same(302), relation_free=True)],
    "dang-xuat/": [
        E("GET", 405, 405, same(405), relation_free=True),
        E("POST", 302, 302, same(302), relation_free=True),
    ],
    # --- web: user management ---------------------------------------------------------------
    "nguoi-dung/": [E("GET", 302, 200, admin_only(200), relation_free=True)],
    "nguoi-dung/them/": [
        E("GET", 302, 200, admin_only(200), relation_free=True),
        E(
            "POST",
            302,
            302,
            admin_in_scope(302, out=400, non_admin=403),
            data=_new_user,
            mutates=True,
        ),
    ],
    "nguoi-dung/<int:user_id>/": [
        E("GET", 302, 200, admin_in_scope(200), params=_user),
        E("POST", 302, 302, admin_in_scope(302), params=_user, data=_rename, mutates=True),
    ],
    "nguoi-dung/<int:user_id>/vai-tro/": [
        E("GET", 302, 405, same(405), params=_user),
        E("POST", 302, 302, admin_in_scope(302), params=_user, data=_grant, mutates=True),
    ],
    "nguoi-dung/<int:user_id>/khoa/": [
        E("GET", 302, 405, same(405), params=_user),
        E("POST", 302, 302, admin_in_scope(302), params=_user, mutates=True),
    ],
    "nguoi-dung/<int:user_id>/mo-khoa/": [
        E("POST", 302, 302, admin_in_scope(302), params=_user, mutates=True),
    ],
    "nguoi-dung/vai-tro/<int:membership_id>/thu-hoi/": [
        E("GET", 302, 405, same(405), params=_membership),
        E("POST", 302, 302, admin_in_scope(302), params=_membership, mutates=True),
    ],
    # --- web: audit log ---------------------------------------------------------------------
    "nhat-ky/": [E("GET", 302, 200, admin_only(200), relation_free=True)],
    "nhat-ky/<str:content_type>/<str:object_id>/": [
        E("GET", 302, 200, admin_in_scope(200, non_admin=403), params=_audit_object),
    ],
    # --- API ---------------------------------------------------------------------------------
    "api/": [E("GET", 404, 404, same(404), relation_free=True)],
    "api/openapi.json": [E("GET", 200, 200, same(200), relation_free=True)],
    "api/docs": [E("GET", 200, 200, same(200), relation_free=True)],
    "api/me": [E("GET", 401, 200, same(200), relation_free=True)],
    "api/users": [
        E("GET", 401, 200, admin_only(200), relation_free=True),
        E(
            "POST",
            401,
            201,
            admin_in_scope(201, non_admin=403),
            data=_new_user,
            json=True,
            mutates=True,
        ),
    ],
    "api/users/<int:user_id>": [
        E("GET", 401, 200, admin_in_scope(200), params=_user),
        E(
            "PATCH",
            401,
            200,
            admin_in_scope(200),
            params=_user,
            data=_rename,
            json=True,
            mutates=True,
        ),
    ],
    "api/users/<int:user_id>/disable": [
        E("POST", 401, 200, admin_in_scope(200), params=_user, mutates=True),
    ],
    "api/users/<int:user_id>/enable": [
        E("POST", 401, 200, admin_in_scope(200), params=_user, mutates=True),
    ],
    "api/users/<int:user_id>/memberships": [
        E(
            "POST",
            401,
            201,
            admin_in_scope(201),
            params=_user,
            data=_grant,
            json=True,
            mutates=True,
        ),
    ],
    "api/users/memberships/<int:membership_id>": [
        E("DELETE", 401, 204, admin_in_scope(204), params=_membership, mutates=True),
    ],
    # Org units (read-only pages and API)
    "don-vi/": [E("GET", 302, 200, same(200), relation_free=True)],
    "don-vi/<str:key>/": [E("GET", 302, 200, in_scope(200), params=_unit_key)],
    "api/units": [E("GET", 401, 200, same(200), relation_free=True)],
    "api/units/<key>": [E("GET", 401, 200, in_scope(200), params=_unit_key)],
    "api/units/<key>/subtree": [E("GET", 401, 200, in_scope(200), params=_unit_key)],
    "api/units/<key>/ancestors": [E("GET", 401, 200, in_scope(200), params=_unit_key)],
}
