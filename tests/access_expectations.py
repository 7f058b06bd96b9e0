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

EVERY (route, method) the project accepts needs an entry: the completeness test asks each Django
route every method as a superuser and reads the ninja API's operations. An entry for a method a
route refuses says 405.

Reads carry valid parameters: ``query`` (like ``params`` and ``data``, a function of the world and
the relation) gives a GET its query string, so that it reaches the access check (200 in scope,
404 out of it) instead of stopping at a 422.

WHAT A LIST, DASHBOARD, EXPORT OR DOWNLOAD SHOWS is declared with ``sees`` and ``hides``: functions
``(world, actor, relation) -> [markers]`` that must appear in / must be absent from the response
(its text: see ``tests/access_content.py``) whenever the status is a 2xx. The world's objects
carry markers per relation (``[dir.own]``, ``[asg.sibling]``, ``[user.parent]``…; units by name);
the helpers :func:`rows` and :func:`units` build the usual "what c-a1's people see" answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

ROLES = ("viewer", "specialist", "approver", "unit_admin")
RELATIONS = ("own", "child", "sibling", "parent", "other_province")
IN_SCOPE = ("own", "child")

# URLs deliberately outside the matrix (Django's own admin is guarded by is_staff + its own views;
# static files are public).
EXCLUDED_PREFIXES = ("admin/", "static/", "__debug__/")

Params = Callable[[Any, str], dict[str, Any]]
Markers = Callable[[Any, str, str], list[str]]  # (world, actor, relation) -> markers


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
    # the query string of the request (a read's filters: period, data set, unit...)
    query: Params | None = None
    # on a 2xx: the markers the response must show / must not show (tests/access_content.py)
    sees: Markers | None = None
    hides: Markers | None = None
    # the actors asked (default: all); for answers that cannot depend on who asks
    actors: tuple[str, ...] = ()


def each(methods: str, anonymous: int, superuser: int, code: int, **more: Any) -> list[Expect]:
    """One Expect per method in ``methods`` ("POST PUT"), every role answered ``code``: for the
    methods a route accepts without meaning anything by them (asked by anonymous, a viewer and
    the superuser: the role cannot matter)."""
    more.setdefault("actors", ("anonymous", "viewer", "superuser"))
    return [E(m, anonymous, superuser, same(code), **more) for m in methods.split()]


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


def _people_book(world: Any, rel: str) -> dict[str, Any]:
    """A filled people workbook putting one new person at the relation's unit."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from namhoc.accounts.services.imports import HEADERS, SHEET

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(HEADERS))
    sheet.append(["Người Mới", f"moi-{rel}@truong.vn", world.unit[rel].key, "Xem"])
    output = io.BytesIO()
    book.save(output)
    return {"file": SimpleUploadedFile("nguoi-dung.xlsx", output.getvalue())}


def _unit_key(world: Any, rel: str) -> dict[str, Any]:
    return {"key": world.unit[rel].key}


# --- what each actor may see of a list's rows -----------------------------------------------
# A spec answers, for (world, actor, relation), the markers a 2xx response must show and those
# it must not; :func:`content` turns specs into an Expect's ``sees=`` / ``hides=``. The
# relations a c-a1 actor reads (any role reads):
UNITS_SEEN = ("own", "child", "absorbed")  # its subtree and the commune it absorbed
UNITS_ALL = (*RELATIONS, "absorbed", "sibling_school", "other_school", "province_b", "ministry")
DIRECTIVES_SEEN = ("own", "child", "absorbed", "parent", "ministry")  # + published above it
DIRECTIVES_ALL = (*RELATIONS, "absorbed", "ministry", "province_b")
DRAFTS_SEEN = ("own", "child")
ASSIGNMENTS_SEEN = ("own", "child", "absorbed")  # to its subtree (or given by it)
ASSIGNMENTS_ALL = (*RELATIONS, "absorbed")

Spec = Callable[[Any, str, str], tuple[list[str], list[str]]]
Seen = tuple[str, ...] | dict[str, tuple[str, ...]]


def marker(kind: str, rel: str) -> str:
    """``[kind.rel]``; for ``kind="unit"`` the unit's name (the fixed tree's)."""
    from tests.access_content import UNIT_NAMES, mark

    return UNIT_NAMES[rel] if kind == "unit" else mark(kind, rel)


def _pick(seen: Seen, relation: str) -> tuple[str, ...]:
    return seen.get(relation, ()) if isinstance(seen, dict) else seen


def rows(kind: str, seen: Seen, every: Seen = RELATIONS, *, superuser: Seen | None = None) -> Spec:
    """A list of ``kind`` rows: an actor at c-a1 sees those of the relations ``seen`` (a dict:
    per the relation the request is about) and none of the rest of ``every``; the superuser
    sees ``superuser`` (default: all of ``every``)."""

    def spec(world: Any, actor: str, relation: str) -> tuple[list[str], list[str]]:
        pool = _pick(every, relation)
        shown = _pick(superuser if superuser is not None else every, relation)
        if actor != "superuser":
            shown = _pick(seen, relation)
        return (
            [marker(kind, r) for r in shown],
            [marker(kind, r) for r in pool if r not in shown],
        )

    return spec


def units(seen: Seen, every: Seen = UNITS_ALL, *, superuser: Seen | None = None) -> Spec:
    """Units by name: as :func:`rows`."""
    return rows("unit", seen, every, superuser=superuser)


Said = tuple[str, str]  # ("kind:rel kind:rel", "kind:rel ...") shown, hidden


def _tokens(words: str) -> list[str]:
    return [marker(*word.split(":", 1)) for word in words.split()]


def says(member: Said | dict[str, Said], superuser: Said | dict[str, Said] | None = None) -> Spec:
    """What a page shows and hides, spelled out as ``kind:rel`` tokens (``unit:own`` is a unit's
    name, ``t1:parent`` the marker ``[t1.parent]``) for a c-a1 actor and for the superuser
    (default: as the c-a1 actor); a dict gives them per the relation asked about."""

    def spec(world: Any, actor: str, relation: str) -> tuple[list[str], list[str]]:
        said = superuser if actor == "superuser" and superuser is not None else member
        shown, hidden = said.get(relation, ("", "")) if isinstance(said, dict) else said
        return _tokens(shown), _tokens(hidden)

    return spec


def itself(kind: str, every: tuple[str, ...] = RELATIONS) -> Spec:
    """A page or file about the relation's own ``kind`` object: it shows that object's marker and
    no other relation's."""

    def spec(world: Any, actor: str, relation: str) -> tuple[list[str], list[str]]:
        return [marker(kind, relation)], [marker(kind, r) for r in every if r != relation]

    return spec


def content(*specs: Spec) -> dict[str, Markers]:
    """``sees=`` and ``hides=`` for an Expect, from one or more specs."""

    def sees(world: Any, actor: str, relation: str) -> list[str]:
        return [m for spec in specs for m in spec(world, actor, relation)[0]]

    def hides(world: Any, actor: str, relation: str) -> list[str]:
        return [m for spec in specs for m in spec(world, actor, relation)[1]]

    return {"sees": sees, "hides": hides}


def in_scope(ok: int, *, out: int = 404) -> dict[str, dict[str, int]]:
    """About a unit (or its object): every role gets ``ok`` in its subtree, ``out`` elsewhere."""
    return {role: {rel: ok if rel in IN_SCOPE else out for rel in RELATIONS} for role in ROLES}


E = Expect

# What the lists below show to whom (markers: tests/access_content.py).
CURRENT_UNITS = tuple(u for u in UNITS_ALL if u != "absorbed")  # lists of current units
_NOT_PARENT = tuple(r for r in RELATIONS if r != "parent")
ADMINISTERED = ("own", "child")  # the units whose people a unit admin at c-a1 manages
PEOPLE = content(rows("user", ADMINISTERED), units(ADMINISTERED, RELATIONS))
AUDIT_ROWS = content(rows("audit", ADMINISTERED))
# The people workbook lists the units an admin may put people in, with the unit above each.
PEOPLE_BOOK = content(
    units(ADMINISTERED, tuple(u for u in UNITS_ALL if u != "parent"), superuser=CURRENT_UNITS)
)
# A unit's page: the unit, its children, the units it absorbed (the same for whoever reads it).
UNIT_PAGE = says(
    {
        "own": ("unit:own unit:child unit:absorbed", "unit:sibling unit:other_province"),
        "child": ("unit:child", "unit:sibling unit:sibling_school unit:other_province"),
        "sibling": ("unit:sibling unit:sibling_school", "unit:own unit:child unit:other_province"),
        "parent": ("unit:parent unit:own unit:sibling", "unit:other_province unit:province_b"),
        "other_province": ("unit:other_province unit:other_school", "unit:own unit:sibling"),
    }
)
UNIT_ITEM = says(  # one unit, with the names of its parent and ancestors
    {
        "own": ("unit:own", "unit:sibling unit:other_province"),
        "child": ("unit:child", "unit:sibling unit:other_province"),
        "sibling": ("unit:sibling", "unit:own unit:other_province"),
        "parent": ("unit:parent", "unit:own unit:sibling unit:other_province"),
        "other_province": ("unit:other_province", "unit:own unit:parent"),
    }
)
SUBTREE = says(
    {
        "own": ("unit:own unit:child", "unit:sibling unit:sibling_school unit:other_province"),
        "child": ("unit:child", "unit:own unit:sibling unit:other_province"),
        "sibling": ("unit:sibling unit:sibling_school", "unit:own unit:child"),
        "parent": ("unit:parent unit:own unit:child unit:sibling", "unit:other_province"),
        "other_province": ("unit:other_province unit:other_school", "unit:own unit:sibling"),
    }
)
ANCESTORS = says(
    {
        "own": ("unit:parent unit:ministry", "unit:child unit:sibling unit:province_b"),
        "child": ("unit:own unit:parent unit:ministry", "unit:sibling unit:province_b"),
        "sibling": ("unit:parent unit:ministry", "unit:own unit:province_b"),
        "parent": ("unit:ministry", "unit:own unit:province_b"),
        "other_province": ("unit:province_b unit:ministry", "unit:parent unit:own"),
    }
)

EXPECTATIONS: dict[str, list[Expect]] = {
    # --- web: foundation ------------------------------------------------------------------
    # the home page answers any method as GET (it has no require_GET)
    "": [
        # one's units and the home unit's open work (c-a1's: from the province's directive);
        # the superuser's home is the root, which has none
        E(
            "GET",
            302,
            200,
            same(200),
            relation_free=True,
            **content(
                says(
                    (
                        "unit:own t1:parent t2:parent",
                        "unit:sibling unit:other_province t1:own t1:ministry t1:province_b",
                    ),
                    superuser=("unit:ministry", "t1:parent t1:own t1:province_b"),
                )
            ),
        ),
        *each("POST PUT PATCH DELETE", 302, 200, 200, relation_free=True),
    ],
    "healthz": [E("GET", 200, 200, same(200), relation_free=True)],
    # Prometheus: the test client is a direct loopback request, which may read it without a
    # token; remote, proxied and token cases: ops/tests/test_observability.py.
    "metrics": [E("GET", 200, 200, same(200), relation_free=True)],
    # signed in: sent on whatever the method; signed out: the form (POST: its errors)
    "dang-nhap/": [
        E("GET", 200, 302, same(302), relation_free=True),
        *each("POST PUT", 200, 302, 302, relation_free=True),  # a FormView takes PUT as POST
        *each("PATCH DELETE", 405, 302, 302, relation_free=True),
    ],
    "dang-xuat/": [
        E("GET", 405, 405, same(405), relation_free=True),
        E("POST", 302, 302, same(302), relation_free=True),
    ],
    # --- web: user management ---------------------------------------------------------------
    "nguoi-dung/": [E("GET", 302, 200, admin_only(200), relation_free=True, **PEOPLE)],
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
        E("GET", 302, 200, admin_in_scope(200), params=_user, **content(itself("user"))),
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
    # a one-time set-password link the admin hands over (issue 11.2)
    "nguoi-dung/<int:user_id>/lien-ket-mat-khau/": [
        E("GET", 302, 405, same(405), params=_user),
        E("POST", 302, 200, admin_in_scope(200), params=_user, mutates=True),
    ],
    # "Quên mật khẩu" and the page a link opens: for anyone (a bogus link says it is not valid)
    "nguoi-dung/quen-mat-khau/": [
        E("GET", 200, 200, same(200), relation_free=True),
        E(
            "POST",
            302,
            302,
            same(302),
            data=lambda w, r: {"email": "khong-co@ai.vn"},
            relation_free=True,
            mutates=True,
        ),
        # Django's FormView takes PUT as POST: without an address, the form says so
        E("PUT", 200, 200, same(200), relation_free=True, mutates=True),
    ],
    "nguoi-dung/quen-mat-khau/da-gui/": [E("GET", 200, 200, same(200), relation_free=True)],
    "nguoi-dung/dat-mat-khau/<uidb64>/<token>/": [
        E(
            "GET",
            200,
            200,
            same(200),
            params=lambda w, r: {"uidb64": "MQ", "token": "abc-123"},
            relation_free=True,
        ),
        *each(
            "POST PUT PATCH DELETE",
            200,
            200,
            200,
            params=lambda w, r: {"uidb64": "MQ", "token": "abc-123"},
            relation_free=True,
            mutates=True,
        ),
    ],
    "nguoi-dung/dat-mat-khau/xong/": [E("GET", 200, 200, same(200), relation_free=True)],
    "nguoi-dung/nhap/": [
        E("GET", 302, 200, admin_only(200), relation_free=True),
        E(
            "POST",
            302,
            302,
            admin_in_scope(302, out=400, non_admin=403),
            data=_people_book,
            mutates=True,
        ),
    ],
    "nguoi-dung/nhap/mau/": [
        E("GET", 302, 200, admin_only(200), relation_free=True, **PEOPLE_BOOK)
    ],
    # --- web: audit log ---------------------------------------------------------------------
    "nhat-ky/": [E("GET", 302, 200, admin_only(200), relation_free=True, **AUDIT_ROWS)],
    "nhat-ky/<str:content_type>/<str:object_id>/": [
        E(
            "GET",
            302,
            200,
            admin_in_scope(200, non_admin=403),
            params=_audit_object,
            **content(itself("audit")),
        ),
    ],
    # --- API ---------------------------------------------------------------------------------
    "api/": [
        E("GET", 404, 404, same(404), relation_free=True),
        *each("POST PUT PATCH DELETE", 404, 404, 404, relation_free=True),
    ],
    # ninja's schema and docs views answer any method
    "api/openapi.json": [
        E("GET", 200, 200, same(200), relation_free=True),
        *each("POST PUT PATCH DELETE", 200, 200, 200, relation_free=True),
    ],
    "api/docs": [
        E("GET", 200, 200, same(200), relation_free=True),
        *each("POST PUT PATCH DELETE", 200, 200, 200, relation_free=True),
    ],
    "api/me": [E("GET", 401, 200, same(200), relation_free=True)],
    "api/users": [
        E("GET", 401, 200, admin_only(200), relation_free=True, **PEOPLE),
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
        E("GET", 401, 200, admin_in_scope(200), params=_user, **content(itself("user"))),
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
    "api/users/<int:user_id>/password-link": [
        E("POST", 401, 200, admin_in_scope(200), params=_user, mutates=True),
    ],
    # many people from a workbook (issue 11.2): a unit outside the admin's subtree is a wrong cell
    "api/users/import": [
        E(
            "POST",
            401,
            201,
            admin_in_scope(201, out=400, non_admin=403),
            data=_people_book,
            mutates=True,
        ),
    ],
    "api/users/import/template": [
        E("GET", 401, 200, admin_only(200), relation_free=True, **PEOPLE_BOOK)
    ],
    # the audit log through the API: the same selectors as /nhat-ky/
    "api/audit": [E("GET", 401, 200, admin_only(200), relation_free=True, **AUDIT_ROWS)],
    "api/audit/<content_type>/<object_id>": [
        E(
            "GET",
            401,
            200,
            admin_in_scope(200, non_admin=403),
            params=_audit_object,
            **content(itself("audit")),
        ),
    ],
    # Org units (read-only pages and API)
    # the tops of one's tree: c-a1 itself (the superuser: the ministry)
    "don-vi/": [
        E(
            "GET",
            302,
            200,
            same(200),
            relation_free=True,
            **content(
                says(
                    ("unit:own", "unit:parent unit:ministry unit:sibling unit:other_province"),
                    superuser=("unit:ministry", ""),
                )
            ),
        )
    ],
    "don-vi/<str:key>/": [
        E("GET", 302, 200, in_scope(200), params=_unit_key, **content(UNIT_PAGE))
    ],
    # the unit picker (matches within the user's own scope; ?trong= out of scope: 404, tested
    # in tracking/tests/test_one_door.py)
    # "xa" matches Xã An Lạc (c-a1), Xã Sơn Thủy (c-b1) and the absorbed, dissolved Xã Cổ Lễ
    "don-vi/chon/": [
        E(
            "GET",
            302,
            200,
            same(200),
            relation_free=True,
            query=lambda w, r: {"o": "units", "tim_units": "xa"},
            **content(
                says(
                    ("unit:own", "unit:other_province"),
                    superuser=("unit:own unit:other_province", ""),
                )
            ),
        )
    ],
    "api/units": [
        E(
            "GET",
            401,
            200,
            same(200),
            relation_free=True,
            **content(units(ADMINISTERED, UNITS_ALL, superuser=CURRENT_UNITS)),
        )
    ],
    "api/units/<key>": [E("GET", 401, 200, in_scope(200), params=_unit_key, **content(UNIT_ITEM))],
    "api/units/<key>/subtree": [
        E("GET", 401, 200, in_scope(200), params=_unit_key, **content(SUBTREE))
    ],
    "api/units/<key>/ancestors": [
        E("GET", 401, 200, in_scope(200), params=_unit_key, **content(ANCESTORS))
    ],
}


# --- directives and tracking (issue 5) -------------------------------------------------------
# Objects per relation, made once per world: a published directive P and a draft D issued by the
# relation's unit (P implements the directive above it), an assignment A to the relation's unit
# from the directive of the unit above it, an evidence file on A. Published directives are also
# readable from below their issuer ("parent": visible, but not changeable -> 403).
# Their markers (tests/access_content.py): P's title [dir.rel], D's [draft.rel], P's tasks
# [t1.rel] [t2.rel], D's [dt1.rel] [dt2.rel], A's note [asg.rel], its progress report
# [upd.rel], the evidence file's bytes [ev.rel]. The absorbed commune (merged into c-a1) has a
# published directive of 2024-2025 and an assignment from the province's P.

_ISSUER = {"own": "parent", "child": "own", "sibling": "parent", "parent": "ministry",
           "other_province": "province_b", "absorbed": "parent"}  # fmt: skip


def _dt(world: Any) -> dict[str, Any]:
    cache = world.__dict__.get("_directives")
    if cache is not None:
        return cache
    import datetime as dt

    from django.utils import timezone

    from namhoc.directives.files import store_blob
    from namhoc.directives.models import (
        Citation,
        Directive,
        DirectiveTask,
        SourceDocument,
        Target,
    )
    from namhoc.tracking.models import Assignment, Evidence, ProgressUpdate
    from tests.access_content import mark, pdf_bytes

    units = {**world.unit, "ministry": world.org.ministry, "province_b": world.org.province_b,
             "absorbed": world.absorbed}  # fmt: skip

    def directive(rel: str, status: str, upper: Any = None, year: str = "2025-2026") -> Any:
        published = status == "published"
        title = f"Kế hoạch {rel} {mark('dir' if published else 'draft', rel)}"
        text = f"{title} {status}\n1. Nhiệm vụ một\nPhần một.\nPhần hai chi tiết.\n"
        blob = store_blob(text.encode(), folder="directives", kind="txt")
        source, _ = SourceDocument.objects.get_or_create(
            unit=units[rel], sha256=blob.sha256,
            defaults={"filename": "kh.txt", "format": "txt", "size": blob.size,
                      "file": blob.name, "status": "ready", "text": text},
        )  # fmt: skip
        d = Directive.objects.create(
            unit=units[rel], source=source, status=status, upper=upper, number=f"{rel}/KH",
            school_year=year, title=title, issued_on=dt.date(2025, 9, 1),
            published_at=timezone.now() if published else None,
        )  # fmt: skip
        for i in (1, 2):
            task_mark = mark(f"{'t' if published else 'dt'}{i}", rel)
            DirectiveTask.objects.create(
                directive=d, position=i, label=str(i),
                title=f"Nhiệm vụ {i} xây dựng trường {task_mark}",
                text="Phần một về trường lớp.\nPhần hai chi tiết về trường lớp.",
            )  # fmt: skip
        Citation.objects.create(directive=d, number="2901/QĐ-BGDĐT")
        Target.objects.create(directive=d, value=70, unit_label="%")
        return d

    p: dict[str, Any] = {}
    p["ministry"] = directive("ministry", "published")
    p["province_b"] = directive("province_b", "published", p["ministry"])
    p["parent"] = directive("parent", "published", p["ministry"])
    p["own"] = directive("own", "published", p["parent"])
    p["child"] = directive("child", "published", p["own"])
    p["sibling"] = directive("sibling", "published", p["parent"])
    p["other_province"] = directive("other_province", "published", p["province_b"])
    p["absorbed"] = directive("absorbed", "published", p["parent"], year="2024-2025")
    drafts = {rel: directive(rel, "draft") for rel in RELATIONS}
    assignments, evidence = {}, {}
    for rel in (*RELATIONS, "absorbed"):
        task = p[_ISSUER[rel]].tasks.get(position=1)
        a = Assignment.objects.create(
            task=task, unit=units[rel], school_year=p[_ISSUER[rel]].school_year,
            deadline=dt.date(2099, 1, 1), note=f"Ghi chú {mark('asg', rel)}",
        )  # fmt: skip
        update = ProgressUpdate.objects.create(
            assignment=a, text=f"Đang làm {mark('upd', rel)}", percent=10,
            created_at=timezone.now(),
        )  # fmt: skip
        pdf = store_blob(pdf_bytes(mark("ev", rel)), folder="evidence", kind="pdf")
        evidence[rel] = Evidence.objects.create(
            update=update, file=pdf.name, original_name="bb.pdf",
            content_type="application/pdf", size=pdf.size, sha256=pdf.sha256,
        )  # fmt: skip
        assignments[rel] = a
    cache = {"p": p, "d": drafts, "a": assignments, "e": evidence}
    world.__dict__["_directives"] = cache
    return cache


def _pub(world: Any, rel: str) -> dict[str, Any]:
    return {"directive_id": _dt(world)["p"][rel].pk}


def _pub_source(world: Any, rel: str) -> dict[str, Any]:
    return {"source_id": _dt(world)["p"][rel].source_id}


def _draft(world: Any, rel: str) -> dict[str, Any]:
    return {"directive_id": _dt(world)["d"][rel].pk}


def _draft_task(world: Any, rel: str) -> dict[str, Any]:
    d = _dt(world)["d"][rel]
    return {"directive_id": d.pk, "task_id": d.tasks.get(position=1).pk}


def _draft_citation(world: Any, rel: str) -> dict[str, Any]:
    d = _dt(world)["d"][rel]
    return {"directive_id": d.pk, "citation_id": d.citations.get().pk}


def _draft_target(world: Any, rel: str) -> dict[str, Any]:
    d = _dt(world)["d"][rel]
    return {"directive_id": d.pk, "target_id": d.targets.get().pk}


def _issuer_task(world: Any, rel: str) -> dict[str, Any]:
    return {"task_id": _dt(world)["p"][_ISSUER[rel]].tasks.get(position=1).pk}


def _api_draft_task(world: Any, rel: str) -> dict[str, Any]:
    return {"task_id": _dt(world)["d"][rel].tasks.get(position=1).pk}


def _assignment(world: Any, rel: str) -> dict[str, Any]:
    return {"assignment_id": _dt(world)["a"][rel].pk}


def _bare_assignment(world: Any, rel: str) -> dict[str, Any]:
    """A second assignment to the relation's unit (issuer task 2) with no progress reported:
    one that may be deleted (an assignment with reports is kept: 409)."""
    bare = world.__dict__.get("_bare_assignments")
    if bare is None:
        import datetime as dt

        from namhoc.tracking.models import Assignment

        units = world.unit
        bare = {
            r: Assignment.objects.create(
                task=_dt(world)["p"][_ISSUER[r]].tasks.get(position=2),
                unit=units[r],
                school_year="2025-2026",
                deadline=dt.date(2099, 6, 1),
                note=f"Ghi chú [bare.{r}]",
            )
            for r in RELATIONS
        }
        world.__dict__["_bare_assignments"] = bare
    return {"assignment_id": bare[rel].pk}


def _new_target(world: Any, rel: str) -> dict[str, Any]:
    return {"value": "80,5", "unit_label": "%"}


def _evidence(world: Any, rel: str) -> dict[str, Any]:
    return {"evidence_id": _dt(world)["e"][rel].pk}


def _update(world: Any, rel: str) -> dict[str, Any]:
    """The progress report behind the relation's evidence (not yet answered)."""
    return {"update_id": _dt(world)["e"][rel].update_id}


def _review(world: Any, rel: str) -> dict[str, Any]:
    return {"decision": "returned", "comment": "Thiếu biên bản"}


def _unit_key_arg(world: Any, rel: str) -> dict[str, Any]:
    return {"unit_key": world.unit[rel].key}


def _version(world: Any, rel: str) -> dict[str, Any]:
    return {"version": 1}


def _task_form(world: Any, rel: str) -> dict[str, Any]:
    pk = _dt(world)["d"][rel].tasks.get(position=1).pk
    return {f"t{pk}-version": 1, f"t{pk}-label": "1", f"t{pk}-title": "Đã sửa"}


def _split_form(world: Any, rel: str) -> dict[str, Any]:
    pk = _dt(world)["d"][rel].tasks.get(position=1).pk
    return {f"s{pk}-version": 1, f"s{pk}-before": "Phần hai"}


def _link_form(world: Any, rel: str) -> dict[str, Any]:
    d = _dt(world)["p"][rel]
    return {"task": d.tasks.get(position=1).pk, "upper_task": d.upper.tasks.get(position=1).pk,
            "decision": "confirm"}  # fmt: skip


def _api_link(world: Any, rel: str) -> dict[str, Any]:
    d = _dt(world)["p"][rel]
    return {"task_id": d.tasks.get(position=1).pk,
            "upper_task_id": d.upper.tasks.get(position=1).pk}  # fmt: skip


def _level(world: Any, rel: str) -> dict[str, Any]:
    return {"level": world.unit[rel].kind, "role": "lead"}


def _paste(world: Any, rel: str) -> dict[str, Any]:
    return {"unit": world.unit[rel].key, "text": "Kế hoạch thực hiện nhiệm vụ năm học " * 5}


def _upload(world: Any, rel: str) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"unit": world.unit[rel].key,
            "file": SimpleUploadedFile("kh.txt", ("Kế hoạch năm học " * 10).encode())}  # fmt: skip


def _update_form(world: Any, rel: str) -> dict[str, Any]:
    return {"text": "Đã xong một phần", "percent": "50"}


def by_role(spec: dict[str, int], rest: dict[str, int]) -> dict[str, dict[str, int]]:
    """``spec`` per relation for specialists, ``rest`` for the other roles."""
    return {role: dict(spec if role == "specialist" else rest) for role in ROLES}


def rel(own: int, child: int, sibling: int, parent: int, other: int) -> dict[str, int]:
    return {"own": own, "child": child, "sibling": sibling, "parent": parent,
            "other_province": other}  # fmt: skip


# read a published directive / its source: in scope and from below the issuer
READ_PUB = by_role(rel(200, 200, 404, 200, 404), rel(200, 200, 404, 200, 404))


def change_pub(ok: int) -> dict[str, dict[str, int]]:
    return by_role(rel(ok, ok, 404, 403, 404), rel(403, 403, 404, 403, 404))


def change_draft(ok: int) -> dict[str, dict[str, int]]:
    return by_role(rel(ok, ok, 404, 404, 404), rel(403, 403, 404, 404, 404))


ASSIGNMENT_READ = by_role(rel(200, 200, 404, 404, 404), rel(200, 200, 404, 404, 404))


def report(ok: int) -> dict[str, dict[str, int]]:  # specialist at the assignee unit
    return by_role(rel(ok, ok, 404, 404, 404), rel(403, 403, 404, 404, 404))


def terms(ok: int) -> dict[str, dict[str, int]]:  # specialist at the issuer (A[own]: p-a)
    return by_role(rel(403, ok, 404, 404, 404), rel(403, 403, 404, 404, 404))


def assign(ok: int) -> dict[str, dict[str, int]]:  # the issuer task of each relation
    return by_role(rel(403, ok, 403, 403, 404), rel(403, 403, 403, 403, 404))


ISSUER_TASK_READ = same(200) | {
    role: rel(200, 200, 200, 200, 404) for role in ROLES
}  # the issuer's published task is readable from below
M = True

# What the lists, pages and files of directives and tracking show (markers: _dt above).
DIRECTIVE_LIST = content(
    rows("dir", DIRECTIVES_SEEN, DIRECTIVES_ALL), rows("draft", DRAFTS_SEEN, RELATIONS)
)
DIRECTIVE_PAGE = content(itself("dir"), itself("t1"))
# Who has the issuer task of each relation (own and sibling share the province's task 1; the
# "parent" one is the Ministry's, given to the province only): c-a1's people see their
# subtree's and their absorbed commune's assignments, never the sibling commune's.
_TASK_SEEN = {"own": ("own", "absorbed"), "child": ("child",), "sibling": ("own", "absorbed"),
              "parent": (), "other_province": ()}  # fmt: skip
_TASK_ALL = {"own": ("own", "sibling", "absorbed"), "child": ("child",),
             "sibling": ("own", "sibling", "absorbed"), "parent": ("parent",),
             "other_province": ("other_province",)}  # fmt: skip
TASK_ASSIGNMENTS_PAGE = content(rows("unit", _TASK_SEEN, _TASK_ALL))
TASK_ASSIGNMENTS = content(rows("asg", _TASK_SEEN, _TASK_ALL), rows("unit", _TASK_SEEN, _TASK_ALL))
# Coverage of a directive by the units given its tasks: a reader from below sees its own part.
COVERAGE = content(
    says(
        {"own": ("unit:child", "unit:sibling_school"), "parent": ("unit:own", "unit:sibling")},
        superuser={
            "own": ("unit:child", "unit:sibling_school"),
            "parent": ("unit:own unit:sibling", "unit:child"),
            "sibling": ("unit:sibling_school", "unit:child"),
            "other_province": ("unit:other_school", "unit:child"),
        },
    )
)
# A unit's open work: its own, not its children's nor its neighbours'.
OPEN_WORK_PAGE = content(
    says(
        {
            "own": ("t1:parent t2:parent", "t1:own t1:ministry t1:province_b"),
            "child": ("t1:own t2:own", "t1:parent t1:ministry"),
            "sibling": ("t1:parent t2:parent", "t1:own t1:ministry"),
            "parent": ("t1:ministry t2:ministry", "t1:parent t1:own"),
            "other_province": ("t1:province_b t2:province_b", "t1:parent t1:own"),
        }
    )
)
OPEN_WORK = content(itself("asg"), itself("bare"))
# The dashboard of one's home unit: c-a1 and its school (the province above is not offered);
# the superuser's is the root's, with both provinces.
HOME_DASHBOARD = content(
    says(
        (
            "unit:child t1:own t1:parent",
            "unit:parent unit:sibling unit:other_province t1:ministry t1:province_b",
        ),
        superuser=("unit:parent unit:province_b t1:parent t1:ministry t1:province_b", ""),
    )
)

EXPECTATIONS.update(
    {
        "van-ban/": [E("GET", 302, 200, same(200), relation_free=True, **DIRECTIVE_LIST)],
        "van-ban/tai-len/": [
            E(
                "GET",
                302,
                200,
                by_role(rel(200, 200, 200, 200, 200), rel(404, 404, 404, 404, 404)),
                relation_free=True,
            ),
            E(
                "POST",
                302,
                302,
                # a unit out of the specialist's scope is not found (the use case's access)
                by_role(rel(302, 302, 404, 404, 404), same(404)["viewer"]),
                data=_paste,
                mutates=M,
            ),
        ],
        "van-ban/tep/<int:source_id>/": [E("GET", 302, 200, READ_PUB, params=_pub_source)],
        "van-ban/tep/<int:source_id>/trang-thai/": [
            E("GET", 302, 200, READ_PUB, params=_pub_source)
        ],
        "van-ban/tep/<int:source_id>/doc-lai/": [
            E("POST", 302, 302, change_pub(302), params=_pub_source, mutates=M)
        ],
        "van-ban/tep/<int:source_id>/tai-ve/": [
            E("GET", 302, 200, READ_PUB, params=_pub_source, **content(itself("dir")))
        ],
        "van-ban/<int:directive_id>/": [
            E("GET", 302, 200, READ_PUB, params=_pub, **DIRECTIVE_PAGE)
        ],
        "van-ban/<int:directive_id>/thong-tin/": [
            E(
                "POST",
                302,
                302,
                change_draft(302),
                params=_draft,
                data=lambda w, r: {"version": 1, "title": "Đã sửa"},
                mutates=M,
            )
        ],
        "van-ban/<int:directive_id>/nhiem-vu/them/": [
            E(
                "POST",
                302,
                302,
                change_draft(302),
                params=_draft,
                data=lambda w, r: {"title": "Nhiệm vụ mới"},
                mutates=M,
            )
        ],
        "van-ban/<int:directive_id>/nhiem-vu/<int:task_id>/": [
            E("POST", 302, 302, change_draft(302), params=_draft_task, data=_task_form, mutates=M)
        ],
        "van-ban/<int:directive_id>/nhiem-vu/<int:task_id>/gop/": [
            E("POST", 302, 302, change_draft(302), params=_draft_task, data=_version, mutates=M)
        ],
        "van-ban/<int:directive_id>/nhiem-vu/<int:task_id>/tach/": [
            E("POST", 302, 302, change_draft(302), params=_draft_task, data=_split_form, mutates=M)
        ],
        "van-ban/<int:directive_id>/nhiem-vu/<int:task_id>/xoa/": [
            E("POST", 302, 302, change_draft(302), params=_draft_task, data=_version, mutates=M)
        ],
        "van-ban/<int:directive_id>/van-ban-dan/them/": [
            E(
                "POST",
                302,
                302,
                change_draft(302),
                params=_draft,
                data=lambda w, r: {"number": "4555/BGDĐT-GDPT"},
                mutates=M,
            )
        ],
        "van-ban/<int:directive_id>/van-ban-dan/<int:citation_id>/": [
            E(
                "POST",
                302,
                302,
                change_draft(302),
                params=_draft_citation,
                data=lambda w, r: {"number": "2902/QĐ-BGDĐT"},
                mutates=M,
            )
        ],
        "van-ban/<int:directive_id>/chi-tieu/them/": [
            E("POST", 302, 302, change_draft(302), params=_draft, data=_new_target, mutates=M)
        ],
        "van-ban/<int:directive_id>/chi-tieu/<int:target_id>/": [
            E(
                "POST",
                302,
                302,
                change_draft(302),
                params=_draft_target,
                data=lambda w, r: {"value": "75", "unit_label": "%"},
                mutates=M,
            )
        ],
        # publishing asks to confirm first (GET, or a POST without xac_nhan: the page)
        "van-ban/<int:directive_id>/ban-hanh/": [
            E("GET", 302, 200, change_draft(200), params=_draft),
            E(
                "POST",
                302,
                302,
                change_draft(302),
                params=_draft,
                data=lambda w, r: {"version": 1, "xac_nhan": "1"},
                mutates=M,
            ),
        ],
        "van-ban/<int:directive_id>/sua-doi/": [
            E("POST", 302, 302, change_pub(302), params=_pub, mutates=M)
        ],
        "van-ban/<int:directive_id>/cap-tren/": [
            E(
                "POST",
                302,
                302,
                change_draft(302),
                params=_draft,
                data=lambda w, r: {"upper": ""},
                mutates=M,
            )
        ],
        "van-ban/<int:directive_id>/lien-ket/": [E("GET", 302, 200, READ_PUB, params=_pub)],
        "van-ban/<int:directive_id>/lien-ket/goi-y/": [
            E("POST", 302, 302, change_pub(302), params=_pub, mutates=M)
        ],
        "van-ban/<int:directive_id>/lien-ket/quyet-dinh/": [
            E("POST", 302, 302, change_pub(302), params=_pub, data=_link_form, mutates=M)
        ],
        "van-ban/<int:directive_id>/lien-ket/xac-nhan-theo-muc/": [
            E(
                "POST",
                302,
                302,
                change_pub(302),
                params=_pub,
                data=lambda w, r: {"level": "strong"},
                mutates=M,
            )
        ],
        "van-ban/<int:directive_id>/bao-phu/": [
            E("GET", 302, 200, READ_PUB, params=_pub, **COVERAGE)
        ],
        "theo-doi/nhiem-vu/<int:task_id>/phan-cong/": [
            E("GET", 302, 200, ISSUER_TASK_READ, params=_issuer_task, **TASK_ASSIGNMENTS_PAGE),
            E("POST", 302, 302, assign(302), params=_issuer_task, data=_level, mutates=M),
        ],
        "theo-doi/phan-cong/<int:assignment_id>/": [
            E(
                "GET",
                302,
                200,
                ASSIGNMENT_READ,
                params=_assignment,
                **content(itself("asg"), itself("upd")),
            )
        ],
        "theo-doi/phan-cong/<int:assignment_id>/cap-nhat/": [
            E("POST", 302, 302, report(302), params=_assignment, data=_update_form, mutates=M)
        ],
        # answer a progress report: same rule as changing the terms (specialist at the issuer)
        "theo-doi/bao-cao/<int:update_id>/xem-xet/": [
            E("POST", 302, 302, terms(302), params=_update, data=_review, mutates=M)
        ],
        "theo-doi/phan-cong/<int:assignment_id>/dieu-chinh/": [
            E(
                "POST",
                302,
                302,
                terms(302),
                params=_assignment,
                data=lambda w, r: {"version": 1, "role": "support"},
                mutates=M,
            )
        ],
        # withdraw an assignment: same rule as changing its terms (specialist at the issuer)
        "theo-doi/phan-cong/<int:assignment_id>/xoa/": [
            E("GET", 302, 200, terms(200), params=_bare_assignment),
            E("POST", 302, 302, terms(302), params=_bare_assignment, mutates=M),
        ],
        "theo-doi/minh-chung/<int:evidence_id>/tai-ve/": [
            E("GET", 302, 200, ASSIGNMENT_READ, params=_evidence, **content(itself("ev")))
        ],
        "theo-doi/don-vi/<str:unit_key>/": [
            E("GET", 302, 200, in_scope(200), params=_unit_key_arg, **OPEN_WORK_PAGE)
        ],
        "theo-doi/bang-dieu-khien/": [
            E("GET", 302, 200, same(200), relation_free=True, **HOME_DASHBOARD)
        ],
        # API
        "api/directives": [E("GET", 401, 200, same(200), relation_free=True, **DIRECTIVE_LIST)],
        "api/directives/sources": [
            E(
                "POST",
                401,
                201,
                by_role(rel(201, 201, 404, 404, 404), rel(403, 403, 404, 404, 404)),
                data=_upload,
                mutates=M,
            )
        ],
        "api/directives/sources/paste": [
            E(
                "POST",
                401,
                201,
                by_role(rel(201, 201, 404, 404, 404), rel(403, 403, 404, 404, 404)),
                data=_paste,
                json=True,
                mutates=M,
            )
        ],
        "api/directives/sources/<source_id>": [E("GET", 401, 200, READ_PUB, params=_pub_source)],
        "api/directives/<directive_id>": [
            E("GET", 401, 200, READ_PUB, params=_pub, **DIRECTIVE_PAGE),
            E(
                "PATCH",
                401,
                200,
                change_draft(200),
                params=_draft,
                data=lambda w, r: {"version": 1, "title": "Đã sửa"},
                json=True,
                mutates=M,
            ),
        ],
        "api/directives/tasks/<task_id>": [
            E(
                "PATCH",
                401,
                200,
                change_draft(200),
                params=_api_draft_task,
                data=lambda w, r: {"version": 1, "title": "Đã sửa"},
                json=True,
                mutates=M,
            ),
            E(
                "DELETE",
                401,
                204,
                change_draft(204),
                params=_api_draft_task,
                data=_version,
                json=True,
                mutates=M,
            ),
        ],
        "api/directives/<directive_id>/tasks": [
            E(
                "POST",
                401,
                201,
                change_draft(201),
                params=_draft,
                data=lambda w, r: {"title": "Nhiệm vụ mới"},
                json=True,
                mutates=M,
            )
        ],
        "api/directives/<directive_id>/citations": [
            E(
                "POST",
                401,
                201,
                change_draft(201),
                params=_draft,
                data=lambda w, r: {"number": "4555/BGDĐT-GDPT"},
                json=True,
                mutates=M,
            )
        ],
        "api/directives/citations/<citation_id>": [
            E(
                "PATCH",
                401,
                200,
                change_draft(200),
                params=_draft_citation,
                data=lambda w, r: {"number": "2902/QĐ-BGDĐT"},
                json=True,
                mutates=M,
            ),
            E("DELETE", 401, 204, change_draft(204), params=_draft_citation, mutates=M),
        ],
        "api/directives/targets/<target_id>": [
            E(
                "PATCH",
                401,
                200,
                change_draft(200),
                params=_draft_target,
                data=lambda w, r: {"value": "75", "unit_label": "%"},
                json=True,
                mutates=M,
            ),
            E("DELETE", 401, 204, change_draft(204), params=_draft_target, mutates=M),
        ],
        # read again: the fixture's sources are read already (400 "not_failed" where allowed)
        "api/directives/sources/<source_id>/retry": [
            E("POST", 401, 400, change_pub(400), params=_pub_source, mutates=M)
        ],
        "api/directives/sources/<source_id>/file": [
            E("GET", 401, 200, READ_PUB, params=_pub_source, **content(itself("dir")))
        ],
        "api/directives/tasks/<task_id>/merge-next": [
            E(
                "POST",
                401,
                200,
                change_draft(200),
                params=_api_draft_task,
                data=_version,
                json=True,
                mutates=M,
            )
        ],
        "api/directives/tasks/<task_id>/split": [
            E(
                "POST",
                401,
                200,
                change_draft(200),
                params=_api_draft_task,
                data=lambda w, r: {"version": 1, "at": 24},
                json=True,
                mutates=M,
            )
        ],
        "api/directives/<directive_id>/targets": [
            E(
                "POST",
                401,
                201,
                change_draft(201),
                params=_draft,
                data=_new_target,
                json=True,
                mutates=M,
            )
        ],
        "api/directives/<directive_id>/publish": [
            E(
                "POST",
                401,
                200,
                change_draft(200),
                params=_draft,
                data=_version,
                json=True,
                mutates=M,
            )
        ],
        "api/directives/<directive_id>/revise": [
            E("POST", 401, 201, change_pub(201), params=_pub, mutates=M)
        ],
        "api/directives/<directive_id>/upper": [
            E(
                "PUT",
                401,
                200,
                change_draft(200),
                params=_draft,
                data=lambda w, r: {"upper_id": None},
                json=True,
                mutates=M,
            )
        ],
        "api/directives/<directive_id>/links": [
            E("GET", 401, 200, READ_PUB, params=_pub),
            E("POST", 401, 200, change_pub(200), params=_pub, data=_api_link, json=True, mutates=M),
        ],
        "api/directives/<directive_id>/links/accept": [
            E(
                "POST",
                401,
                200,
                change_pub(200),
                params=_pub,
                data=lambda w, r: {"level": "strong"},
                json=True,
                mutates=M,
            )
        ],
        "api/directives/<directive_id>/links/suggest": [
            E("POST", 401, 200, change_pub(200), params=_pub, mutates=M)
        ],
        "api/directives/<directive_id>/coverage": [
            E("GET", 401, 200, READ_PUB, params=_pub, **COVERAGE)
        ],
        "api/tracking/tasks/<task_id>/assignments": [
            E("GET", 401, 200, ISSUER_TASK_READ, params=_issuer_task, **TASK_ASSIGNMENTS),
            E(
                "POST",
                401,
                201,
                assign(201),
                params=_issuer_task,
                data=_level,
                json=True,
                mutates=M,
            ),
        ],
        "api/tracking/assignments/<assignment_id>": [
            E("GET", 401, 200, ASSIGNMENT_READ, params=_assignment, **content(itself("asg"))),
            E(
                "PATCH",
                401,
                200,
                terms(200),
                params=_assignment,
                data=lambda w, r: {"version": 1, "role": "support"},
                json=True,
                mutates=M,
            ),
            E("DELETE", 401, 204, terms(204), params=_bare_assignment, mutates=M),
        ],
        "api/tracking/assignments/<assignment_id>/updates": [
            E("GET", 401, 200, ASSIGNMENT_READ, params=_assignment, **content(itself("upd"))),
            E("POST", 401, 201, report(201), params=_assignment, data=_update_form, mutates=M),
        ],
        "api/tracking/updates/<update_id>/review": [
            E("POST", 401, 200, terms(200), params=_update, data=_review, json=True, mutates=M)
        ],
        "api/tracking/units/<unit_key>/open-work": [
            E("GET", 401, 200, in_scope(200), params=_unit_key_arg, **OPEN_WORK)
        ],
        # without ?unit=&school_year=: the user's own unit (every actor is at c-a1; the
        # superuser, with no membership, gets the root) and the current school year
        "api/tracking/dashboard": [
            E("GET", 401, 200, same(200), relation_free=True, **HOME_DASHBOARD)
        ],
    }
)


# --- indicators: figures, approval, targets, dashboards (issue 6) ------------------------------
# Each relation's unit gets a data set it (or a unit below it) reports, so that reads succeed
# for the superuser everywhere; writes are checked at "own" (commune c-a1: population figures).
_FIG_DS = {"own": "DN_TH", "child": "DN_TH", "sibling": "DN_THCS", "parent": "DN_TH",
           "other_province": "DN_MN"}  # fmt: skip


def _fig(world: Any) -> str:
    """Load the catalogue and the 2025-2026 periods once per world; the start-of-year code."""
    if "_figures" not in world.__dict__:
        from namhoc.indicators.catalogue import catalogue_load, periods_ensure

        catalogue_load()
        world.__dict__["_figures"] = periods_ensure("2025-2026")[0].code
    return str(world.__dict__["_figures"])


def _fig_entry(world: Any, rel: str) -> dict[str, Any]:
    return {"key": world.unit[rel].key, "period_code": _fig(world), "data_set_code": _FIG_DS[rel]}


def _fig_own_entry(world: Any, rel: str) -> dict[str, Any]:
    return {"key": world.unit[rel].key, "period_code": _fig(world), "data_set_code": "DS_XA"}


def _fig_unit(world: Any, rel: str) -> dict[str, Any]:
    _fig(world)
    return {"key": world.unit[rel].key}


def _fig_population(world: Any, rel: str) -> dict[str, Any]:
    return {"DS_5T": "120", "v-DS_5T": ""}


def _fig_target(world: Any, rel: str) -> dict[str, Any]:
    return {"indicator": "MN_TRE_5T", "value": "100", "ky": _fig(world)}


def _fig_api_values(world: Any, rel: str) -> dict[str, Any]:
    return {"period": _fig(world), "data_set": "DS_XA", "values": {"DS_5T": 120}}


def _fig_api_approval(world: Any, rel: str) -> dict[str, Any]:
    return {"period": _fig(world), "data_set": "DN_TH"}


def _fig_api_target(world: Any, rel: str) -> dict[str, Any]:
    _fig(world)
    return {"indicator": "MN_TRE_5T", "school_year": "2025-2026", "value": 100}


def _fig_api_allocation(world: Any, rel: str) -> dict[str, Any]:
    """The unit's own target (created once, outside the checked request), allocated whole to
    its school."""
    _fig(world)
    from namhoc.indicators.models import Indicator, Target

    Target.objects.get_or_create(
        indicator=Indicator.objects.get(code="MN_TRE_5T"),
        unit=world.unit[rel],
        school_year="2025-2026",
        defaults={"value": 100},
    )
    return {
        "indicator": "MN_TRE_5T",
        "school_year": "2025-2026",
        "allocations": {world.unit["child"].key: 100},
    }


def _only(role: str, ok: int, other: int = 403) -> dict[str, dict[str, int]]:
    """Checked at "own" only: ``role`` gets ``ok``, every other role ``other``."""
    return {r: dict.fromkeys(RELATIONS, ok if r == role else other) for r in ROLES}


def _fig_periods(world: Any, rel: str) -> dict[str, Any]:
    _fig(world)  # the catalogue and periods; the URL has no parameter
    return {}


def _fig_api_upload(world: Any, rel: str) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "data_set": "DN_TH",
        "period": _fig(world),
        "file": SimpleUploadedFile("mau.xlsx", b"PK\x03\x04 not a workbook"),
    }


def _fig_read(world: Any, rel: str) -> dict[str, Any]:
    """The query of a read of one data set: the relation's (see _FIG_DS), this period."""
    return {"data_set": _FIG_DS[rel], "period": _fig(world)}


def _crumbs(
    member: dict[str, Said], superuser: dict[str, Said], above: str = "unit:parent unit:ministry"
) -> Spec:
    """A figures page of a unit: what it lists per relation, and above it the units the reader
    may open — for c-a1's people, none above c-a1 (the province and the Ministry are hidden)."""
    return says(
        {rel: (shown, f"{hidden} {above}") for rel, (shown, hidden) in member.items()},
        superuser=superuser,
    )


_FIG_UNIT = {"own": ("unit:own", "unit:sibling"), "child": ("unit:own unit:child", "unit:sibling")}
_FIG_UNIT_ALL = {
    "own": ("unit:own unit:parent unit:ministry", "unit:sibling"),
    "child": ("unit:child unit:own unit:parent unit:ministry", "unit:sibling"),
    "sibling": ("unit:sibling unit:parent unit:ministry", "unit:own"),
    "parent": ("unit:parent unit:ministry", "unit:province_b"),
    "other_province": ("unit:other_province unit:province_b unit:ministry", "unit:parent"),
}
FIGURES_UNIT_PAGE = content(_crumbs(_FIG_UNIT, _FIG_UNIT_ALL))
# pages listing the children (entry status rows, scorecard): the unit's own, not the sibling's
_FIG_CHILDREN = {
    "own": ("unit:own unit:child", "unit:sibling unit:sibling_school"),
    "child": ("unit:own unit:child", "unit:sibling unit:sibling_school"),
}
FIGURES_CHILDREN_PAGE = content(
    _crumbs(
        _FIG_CHILDREN,
        {
            **{r: (f"{a} unit:parent unit:ministry", b) for r, (a, b) in _FIG_CHILDREN.items()},
            "sibling": ("unit:sibling unit:sibling_school unit:parent", "unit:own unit:child"),
            "parent": ("unit:parent unit:own", "unit:other_province unit:other_school"),
            "other_province": ("unit:other_province unit:other_school", "unit:own unit:child"),
        },
    )
)
# the Excel template of a data set lists the unit's reporting units
FIGURES_TEMPLATE = content(
    says(
        {
            "own": ("unit:own unit:child", "unit:sibling unit:sibling_school unit:other_school"),
            "child": ("unit:child", "unit:sibling_school unit:other_school"),
            "sibling": ("unit:sibling unit:sibling_school", "unit:child unit:other_school"),
            "parent": ("unit:parent unit:child", "unit:sibling_school unit:other_school"),
            "other_province": ("unit:other_province unit:other_school", "unit:child"),
        }
    )
)
FIGURES_TABLE = content(
    says(
        {
            "own": ("unit:own unit:child", "unit:sibling unit:sibling_school"),
            "child": ("unit:child", "unit:sibling unit:sibling_school"),
            "sibling": ("unit:sibling unit:sibling_school", "unit:own unit:child"),
            "parent": ("unit:parent unit:own unit:sibling", "unit:other_province"),
            "other_province": ("unit:other_province unit:other_school", "unit:own unit:child"),
        }
    )
)
FIGURES_SCORECARD = content(
    says(
        {
            "own": ("unit:child", "unit:sibling unit:sibling_school"),
            "child": ("", "unit:sibling unit:sibling_school"),
            "sibling": ("unit:sibling_school", "unit:child"),
            "parent": ("unit:own unit:sibling", "unit:other_province"),
            "other_province": ("unit:other_school", "unit:child"),
        }
    )
)
FIGURES_HOME = content(
    says(
        ("unit:own", "unit:parent unit:ministry unit:sibling"),
        superuser=("unit:ministry", "unit:own"),
    )
)

_FIG_ENTRY = "so-lieu/<str:key>/ky/<str:period_code>/bieu/<str:data_set_code>/"
EXPECTATIONS.update(
    {
        "so-lieu/": [E("GET", 302, 200, same(200), relation_free=True, **FIGURES_HOME)],
        _FIG_ENTRY: [E("GET", 302, 200, in_scope(200), params=_fig_entry, **FIGURES_CHILDREN_PAGE)],
        _FIG_ENTRY + "luu/": [
            E("GET", 302, 405, same(405), params=_fig_own_entry, relation_free=True),
            E(
                "POST",
                302,
                200,
                _only("specialist", 200),
                params=_fig_own_entry,
                data=_fig_population,
                relation_free=True,
                mutates=True,
            ),
        ],
        # c-a1's school has no figures yet: an approver is told why (400), others may not (403)
        _FIG_ENTRY + "phe-duyet/": [
            E(
                "POST",
                302,
                400,
                _only("approver", 400),
                params=_fig_entry,
                relation_free=True,
                mutates=True,
            ),
        ],
        _FIG_ENTRY + "mau.xlsx": [
            E("GET", 302, 200, in_scope(200), params=_fig_entry, **FIGURES_TEMPLATE)
        ],
        # no file attached: a specialist is told so (400), others may not import (403)
        _FIG_ENTRY + "nhap-excel/": [
            E(
                "POST",
                302,
                400,
                _only("specialist", 400),
                params=_fig_entry,
                relation_free=True,
                mutates=True,
            ),
        ],
        "so-lieu/<str:key>/tong-quan/": [
            E("GET", 302, 200, in_scope(200), params=_fig_unit, **FIGURES_UNIT_PAGE)
        ],
        "so-lieu/<str:key>/xep-hang/": [
            E("GET", 302, 200, in_scope(200), params=_fig_unit, **FIGURES_CHILDREN_PAGE)
        ],
        "so-lieu/<str:key>/chi-tieu/": [
            E("GET", 302, 200, in_scope(200), params=_fig_unit, **FIGURES_UNIT_PAGE),
            E(
                "POST",
                302,
                302,
                _only("approver", 302),
                params=_fig_unit,
                data=_fig_target,
                relation_free=True,
                mutates=True,
            ),
        ],
        "api/indicators/catalogue": [E("GET", 401, 200, same(200), relation_free=True)],
        "api/indicators/periods": [E("GET", 401, 200, same(200), relation_free=True)],
        # reads of one data set carry ?data_set=&period= (without: 422, before any access check)
        "api/indicators/units/<key>/values": [
            E("GET", 401, 200, in_scope(200), params=_fig_unit, query=_fig_read),
            E(
                "PUT",
                401,
                200,
                _only("specialist", 200),
                params=_fig_unit,
                data=_fig_api_values,
                json=True,
                relation_free=True,
                mutates=True,
            ),
        ],
        "api/indicators/units/<key>/approval": [
            E("GET", 401, 200, in_scope(200), params=_fig_unit, query=_fig_read),
            E(
                "POST",
                401,
                400,
                _only("approver", 400),
                params=_fig_unit,
                data=_fig_api_approval,
                json=True,
                relation_free=True,
                mutates=True,
            ),
            # un-approve: the approver of the parent (c-a1 for its school), nothing approved
            # yet (409); the others 403; out of scope 404
            E(
                "DELETE",
                401,
                409,
                {r: rel(403, 409 if r == "approver" else 403, 404, 404, 404) for r in ROLES},
                params=_fig_unit,
                query=lambda w, r: {**_fig_read(w, r), "reason": "Sai số liệu"},
                mutates=True,
            ),
        ],
        "api/indicators/units/<key>/targets": [
            E("GET", 401, 200, in_scope(200), params=_fig_unit),
            E(
                "PUT",
                401,
                200,
                _only("approver", 200),
                params=_fig_unit,
                data=_fig_api_target,
                json=True,
                relation_free=True,
                mutates=True,
            ),
        ],
        # the approver of c-a1 allocates its target to its school; the API tests cover scope
        "api/indicators/units/<key>/targets/allocation": [
            E(
                "POST",
                401,
                200,
                _only("approver", 200),
                params=_fig_unit,
                data=_fig_api_allocation,
                json=True,
                relation_free=True,
                mutates=True,
            ),
        ],
        # without ?period= these read the current period (the pages' default): the selectors
        # check scope themselves (issue 10: removing that check left every test green)
        "api/indicators/units/<key>/dashboard": [
            E("GET", 401, 200, in_scope(200), params=_fig_unit)
        ],
        "api/indicators/units/<key>/table": [
            E("GET", 401, 200, in_scope(200), params=_fig_unit, **FIGURES_TABLE)
        ],
        "api/indicators/units/<key>/scorecard": [
            E("GET", 401, 200, in_scope(200), params=_fig_unit, **FIGURES_SCORECARD)
        ],
        # the dashboard of the person's home unit (every actor is at c-a1; the superuser gets
        # the root), as the page /so-lieu/tong-quan/
        "so-lieu/tong-quan/": [
            E("GET", 302, 200, same(200), params=_fig_periods, relation_free=True, **FIGURES_HOME)
        ],
        "api/indicators/dashboard": [
            E("GET", 401, 200, same(200), params=_fig_periods, relation_free=True)
        ],
        "api/indicators/units/<key>/template": [
            E(
                "GET",
                401,
                200,
                in_scope(200),
                params=_fig_unit,
                query=_fig_read,
                **FIGURES_TEMPLATE,
            )
        ],
        # an upload that is no workbook: a specialist is told so (400), others may not (403)
        "api/indicators/units/<key>/import": [
            E(
                "POST",
                401,
                400,
                _only("specialist", 400),
                params=_fig_unit,
                data=_fig_api_upload,
                relation_free=True,
                mutates=True,
            )
        ],
    }
)


# --- notifications (issue 14): one's own notices and preferences; webhooks and failed ---------
# deliveries for unit admins of the unit concerned. A notice belongs to the member of each
# relation, never to the actor: every actor is refused it (404), whatever their role.


def _notice(world: Any, rel: str) -> dict[str, Any]:
    from namhoc.core.models import Event
    from namhoc.notifications.models import Notice

    event, _ = Event.objects.get_or_create(
        key=f"matrix:{rel}", defaults={"kind": "deadline.3d", "unit_id": world.unit[rel].pk}
    )
    notice, _ = Notice.objects.get_or_create(
        user=world.member[rel], event=event, defaults={"kind": event.kind, "email": "inapp"}
    )
    return {"notice_id": notice.pk}


def _webhook(world: Any, rel: str) -> dict[str, Any]:
    from namhoc.notifications.models import Webhook

    hook = Webhook.objects.create(
        unit=world.unit[rel], name=f"Cổng {rel}", url="https://congvan.example.vn/", secret="x"
    )
    return {"webhook_id": hook.pk}


def _failed_delivery(world: Any, rel: str) -> dict[str, Any]:
    from namhoc.notifications.models import Delivery

    delivery, _ = Delivery.objects.get_or_create(
        key=f"matrix:{rel}",
        defaults={"channel": "webhook", "status": "failed", "unit_id": world.unit[rel].pk},
    )
    delivery.status = "failed"  # a success before (another actor's retry) is undone
    delivery.save(update_fields=["status"])
    return {"delivery_id": delivery.pk}


def _prefs(world: Any, rel: str) -> dict[str, Any]:
    return {"email_enabled": "on", "quiet_start": "21:00", "quiet_end": "06:30"}


def _hook_data(world: Any, rel: str) -> dict[str, Any]:
    return {"unit": world.unit[rel].key, "name": "Cổng", "url": "https://congvan.example.vn/nh"}


def _hook_edit(world: Any, rel: str) -> dict[str, Any]:
    return {"version": 1, "name": "Cổng mới", "url": "https://congvan.example.vn/moi"}


NO_ONE = same(404)  # someone else's notice: not found for every role
# One's own notices only (every actor and every member has one: tests/access_content.py).
_NOTICE_OWNERS = (*RELATIONS, "viewer", "specialist", "approver", "unit_admin", "superuser")


def _own_notices(world: Any, actor: str, relation: str) -> tuple[list[str], list[str]]:
    return [marker("notice", actor)], [marker("notice", o) for o in _NOTICE_OWNERS if o != actor]


NOTICES = content(_own_notices)


def _one_own(key: str) -> dict[str, Markers]:
    """A count of one's own notices: every actor has exactly one, unread; counting anyone
    else's (every member and every other actor has one too) says a bigger number."""

    def sees(world: Any, actor: str, relation: str) -> list[str]:
        return [f'{{"{key}": 1}}']

    return {"sees": sees}


HOOKS = content(rows("hook", ADMINISTERED), units(ADMINISTERED, RELATIONS))
FAILED = content(rows("delivery", ADMINISTERED))

EXPECTATIONS.update(
    {
        "thong-bao/": [E("GET", 302, 200, same(200), relation_free=True, **NOTICES)],
        "thong-bao/doc-het/": [
            E("GET", 302, 405, same(405), relation_free=True),
            E("POST", 302, 302, same(302), relation_free=True),
        ],
        "thong-bao/<int:notice_id>/da-doc/": [E("POST", 302, 404, NO_ONE, params=_notice)],
        "thong-bao/<int:notice_id>/mo/": [E("POST", 302, 404, NO_ONE, params=_notice)],
        "thong-bao/cai-dat/": [
            E("GET", 302, 200, same(200), relation_free=True),
            E("POST", 302, 302, same(302), data=_prefs, relation_free=True),
        ],
        "thong-bao/webhook/": [
            E("GET", 302, 200, admin_only(200), relation_free=True, **HOOKS),
            E(
                "POST",
                302,
                200,
                admin_in_scope(200, non_admin=403),
                data=_hook_data,
                mutates=True,
            ),
        ],
        "thong-bao/webhook/<int:webhook_id>/": [
            E("GET", 302, 200, admin_in_scope(200), params=_webhook),
            E(
                "POST",
                302,
                302,
                admin_in_scope(302),
                params=_webhook,
                data=_hook_edit,
                mutates=True,
            ),
        ],
        "thong-bao/webhook/<int:webhook_id>/doi-khoa/": [
            E("GET", 302, 405, same(405), params=_webhook),
            E("POST", 302, 200, admin_in_scope(200), params=_webhook, mutates=True),
        ],
        "thong-bao/webhook/<int:webhook_id>/xoa/": [
            E("POST", 302, 302, admin_in_scope(302), params=_webhook, mutates=True),
        ],
        "thong-bao/gui-loi/": [E("GET", 302, 200, admin_only(200), relation_free=True, **FAILED)],
        "thong-bao/gui-loi/<int:delivery_id>/gui-lai/": [
            E("POST", 302, 302, admin_in_scope(302), params=_failed_delivery, mutates=True),
        ],
        "api/notifications": [E("GET", 401, 200, same(200), relation_free=True, **NOTICES)],
        "api/notifications/unread": [
            E("GET", 401, 200, same(200), relation_free=True, **_one_own("unread"))
        ],
        "api/notifications/<notice_id>/read": [E("POST", 401, 404, NO_ONE, params=_notice)],
        "api/notifications/read-all": [
            E("POST", 401, 200, same(200), relation_free=True, **_one_own("count"))
        ],
        "api/notifications/preferences": [
            E("GET", 401, 200, same(200), relation_free=True),
            E(
                "PUT",
                401,
                200,
                same(200),
                data=lambda w, r: {"quiet_start": "21:00", "quiet_end": "06:30"},
                json=True,
                relation_free=True,
            ),
        ],
        "api/notifications/webhooks": [
            E("GET", 401, 200, admin_only(200), relation_free=True, **HOOKS),
            E(
                "POST",
                401,
                201,
                admin_in_scope(201, non_admin=403),
                data=_hook_data,
                json=True,
                mutates=True,
            ),
        ],
        "api/notifications/webhooks/<webhook_id>": [
            E(
                "PUT",
                401,
                200,
                admin_in_scope(200),
                params=_webhook,
                data=_hook_edit,
                json=True,
                mutates=True,
            ),
            E("DELETE", 401, 204, admin_in_scope(204), params=_webhook, mutates=True),
        ],
        "api/notifications/webhooks/<webhook_id>/rotate": [
            E("POST", 401, 200, admin_in_scope(200), params=_webhook, json=True, mutates=True),
        ],
        "api/notifications/failed-deliveries": [
            E("GET", 401, 200, admin_only(200), relation_free=True, **FAILED)
        ],
        "api/notifications/failed-deliveries/<delivery_id>/retry": [
            E(
                "POST",
                401,
                200,
                admin_in_scope(200),
                params=_failed_delivery,
                json=True,
                mutates=True,
            ),
        ],
    }
)


# --- personal data (issue 15): one's own page for everyone signed in; a person's export and
# erasure for the unit admins of all the person's units. The member of each relation is active,
# so erasing them is refused (409: disable first) even where the admin may erase.


def _my_data(world: Any, actor: str, relation: str) -> tuple[list[str], list[str]]:
    """One's own data: one's name, nobody else's."""
    return [world.actors[actor].full_name], [marker("user", r) for r in RELATIONS]


MY_DATA = content(_my_data)


def _erase_confirm(world: Any, rel: str) -> dict[str, Any]:
    return {"confirm": world.member[rel].username}


EXPECTATIONS.update(
    {
        "tai-khoan/du-lieu-ca-nhan/": [
            E("GET", 302, 200, same(200), relation_free=True, **MY_DATA)
        ],
        "nguoi-dung/<int:user_id>/du-lieu-ca-nhan/": [
            E("GET", 302, 200, admin_in_scope(200), params=_user, **content(itself("user")))
        ],
        # the person's data as JSON: theirs, nobody else's
        "nguoi-dung/<int:user_id>/du-lieu-ca-nhan/tai-ve/": [
            E("GET", 302, 405, same(405), params=_user),
            E(
                "POST",
                302,
                200,
                admin_in_scope(200),
                params=_user,
                mutates=True,
                **content(itself("user")),
            ),
        ],
        "nguoi-dung/<int:user_id>/du-lieu-ca-nhan/xoa/": [
            E("GET", 302, 405, same(405), params=_user),
            E(
                "POST",
                302,
                409,
                admin_in_scope(409),
                params=_user,
                data=_erase_confirm,
                mutates=True,
            ),
        ],
        "api/privacy/me": [E("GET", 401, 200, same(200), relation_free=True, **MY_DATA)],
        "api/privacy/users/<user_id>": [
            E(
                "GET",
                401,
                200,
                admin_in_scope(200),
                params=_user,
                **content(itself("user")),
            )
        ],
        "api/privacy/users/<user_id>/erase": [
            E(
                "POST",
                401,
                409,
                admin_in_scope(409),
                params=_user,
                data=_erase_confirm,
                json=True,
                mutates=True,
            ),
        ],
    }
)


# --- reports (issue 13): the entries kept beside the app's tests ------------------------------

from namhoc.reporting.tests.access_expectations import entries as reporting_entries  # noqa: E402

EXPECTATIONS.update(reporting_entries())


def _with_content(route: str, method: str, **more: Any) -> None:
    """Give the entries of ``route`` for ``method`` (kept in another module) what they show."""
    EXPECTATIONS[route] = [
        replace(e, **more) if e.method == method else e for e in EXPECTATIONS[route]
    ]


# (the province appears as the issuer of the plans a specialist may draft from)
_with_content("bao-cao/", "GET", **content(units(ADMINISTERED, _NOT_PARENT)))
_with_content("bao-cao/ban-nhap/<int:draft_id>/tai-ve/", "GET", **content(itself("report")))
_with_content("bao-cao/ban-nhap/<int:draft_id>/phu-luc/", "GET", **content(itself("annex")))
_with_content("bao-cao/mau/", "GET", **content(rows("tpl", ADMINISTERED)))
_with_content("bao-cao/mau/<int:template_id>/tai-ve/", "GET", **content(itself("tpl")))
_with_content("api/reports/drafts", "GET", **content(rows("report", ADMINISTERED)))
_with_content("api/reports/drafts/<draft_id>", "GET", **content(itself("report")))
_with_content("api/reports/templates", "GET", **content(rows("tpl", ADMINISTERED)))


# --- exports: every table page answers ?xuat=xlsx with the rows it shows (issue 13) -----------
# The same request as the page's entry, with the export asked for: the workbook must show and
# hide what the page does.
# A figures page's workbook holds its table, not the links above it: the unit (and its rows),
# never another unit's.
_FIG_BOOK = content(
    says(
        {
            "own": ("unit:own", "unit:sibling unit:sibling_school unit:parent unit:ministry"),
            "child": ("unit:child", "unit:sibling unit:sibling_school unit:parent unit:ministry"),
            "sibling": ("unit:sibling", "unit:own unit:child"),
            "parent": ("unit:parent", "unit:other_province"),
            "other_province": ("unit:other_province", "unit:own unit:sibling"),
        }
    )
)
_EXPORTED: dict[
    str, dict[str, Markers] | None
] = {  # route: what the workbook shows (None: as the page)
    "nguoi-dung/": None,
    "nhat-ky/": None,
    "nhat-ky/<str:content_type>/<str:object_id>/": None,
    "don-vi/": None,
    "don-vi/<str:key>/": None,
    "van-ban/": None,
    "van-ban/<int:directive_id>/": None,
    "van-ban/<int:directive_id>/bao-phu/": None,
    "theo-doi/nhiem-vu/<int:task_id>/phan-cong/": None,
    "theo-doi/don-vi/<str:unit_key>/": None,
    "theo-doi/bang-dieu-khien/": None,
    "so-lieu/<str:key>/ky/<str:period_code>/bieu/<str:data_set_code>/": _FIG_BOOK,
    "so-lieu/<str:key>/tong-quan/": _FIG_BOOK,
    "so-lieu/<str:key>/xep-hang/": _FIG_BOOK,
    "so-lieu/<str:key>/chi-tieu/": _FIG_BOOK,
    "thong-bao/": None,
    "bao-cao/": None,
}


def _exported(expect: Expect, shows: dict[str, Markers] | None) -> Expect:
    def query(world: Any, rel: str) -> dict[str, Any]:
        return {**(expect.query(world, rel) if expect.query else {}), "xuat": "xlsx"}

    return replace(expect, query=query, **(shows or {}))


for _route, _shows in _EXPORTED.items():
    _page = next(e for e in EXPECTATIONS[_route] if e.method == "GET")
    EXPECTATIONS[_route] = [*EXPECTATIONS[_route], _exported(_page, _shows)]

# --- the legal registry and the public disclosure pages (issue 17) ---------------------------

from namhoc.disclosure.tests.access_expectations import entries as disclosure_entries  # noqa: E402
from namhoc.legal.tests.access_expectations import entries as legal_entries  # noqa: E402

EXPECTATIONS.update(legal_entries())
EXPECTATIONS.update(disclosure_entries())


# --- the world, made once per module ---------------------------------------------------------


def prepare_world(world: Any) -> None:
    """Make, once and before any request, the objects the params above point at (they are
    cached on the world, which outlives each test's transaction)."""
    _dt(world)
    _bare_assignment(world, "own")
    _fig(world)


# --- inspections and emulation (issue 16): the entries kept beside the apps' tests -----------

from namhoc.emulation.tests import access_expectations as _emulation  # noqa: E402
from namhoc.inspections.tests import access_expectations as _inspections  # noqa: E402

EXPECTATIONS.update(_inspections.entries())
EXPECTATIONS.update(_emulation.entries())
_prepare_before_issue_16 = prepare_world


def prepare_world(world: Any) -> None:  # type: ignore[no-redef]
    """As above, and the inspections' and emulation's objects."""
    _prepare_before_issue_16(world)
    _inspections.prepare(world)
    _emulation.prepare(world)


# The later apps' table pages download as Excel too (issue 13): each workbook is asked like its
# page, and shows what the page shows to that person.
for _route in (
    "kiem-tra/",
    "kiem-tra/ke-hoach/<int:plan_id>/",
    "kiem-tra/<int:inspection_id>/",
    "thi-dua/",
    "thi-dua/dot/<int:round_id>/",
    "van-ban-phap-ly/",
    "van-ban-phap-ly/van-ban-con-dan-van-ban-bi-thay-the/",
):
    _page = next(e for e in EXPECTATIONS[_route] if e.method == "GET")
    EXPECTATIONS[_route] = [*EXPECTATIONS[_route], _exported(_page, None)]
