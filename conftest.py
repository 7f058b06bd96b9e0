"""Fixtures shared by the whole suite: ONE fixed org tree and the fixed users who work in it.

The tree (keys in brackets; names are made up, ``is_synthetic``)::

    Bộ GDĐT [bo]
    ├── Tỉnh Phú An [p-a]                      province A
    │   ├── Xã An Lạc [c-a1]                   commune A1
    │   │   └── Trường Tiểu học An Lạc [s-a1]  school A1-s
    │   ├── Phường Hòa Bình [c-a2]             commune A2
    │   │   └── Trường THCS Hòa Bình [s-a2]    school A2-s
    │   └── Huyện Phú Lộc [d-a-old]            a district dissolved on 1/7/2025 (reform tests)
    └── Tỉnh Bình Sơn [p-b]                    province B
        └── Xã Sơn Thủy [c-b1]                 commune B1
            └── Trường Mầm non Sơn Thủy [s-b1] school B1-s

The users (password :data:`PASSWORD` for all)::

    province_officer  specialist at p-a        province_admin  unit_admin at p-a
    commune_officer   specialist at c-a1       school_principal specialist + approver at s-a1
    viewer            viewer at p-a            outsider        specialist at p-b
    superuser         superuser, no membership

Tests ask for ``org`` (the tree), ``people`` (all users) or one user by name, and ``client_of``
(a signed-in test client for a user).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from namhoc.accounts.models import Membership, Role, User
from namhoc.core.text import fold
from namhoc.orgunits.models import OrgUnit, OrgUnitPlacement
from namhoc.orgunits.tree import child_path, depth_of, segment

SHARED = Path(__file__).resolve().parent.parent / "shared"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under ``NAMHOC_REQUIRE_SHARED=1`` (set by ``.ci/run``) the real documents beside the repo
    (``../shared/seeds``, ``../shared/realdocs``) must be there: the tests that read them skip
    without them, and a CI that skipped them would pass without checking anything."""
    if os.environ.get("NAMHOC_REQUIRE_SHARED") != "1":
        return
    missing = [name for name in ("seeds", "realdocs") if not (SHARED / name).is_dir()]
    if missing:
        raise pytest.UsageError(
            f"NAMHOC_REQUIRE_SHARED=1 but {', '.join(str(SHARED / m) for m in missing)} "
            "is missing: the real-document tests would all be skipped."
        )


PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105
REFORM_DAY = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class OrgTree:
    ministry: OrgUnit
    province_a: OrgUnit
    commune_a1: OrgUnit
    school_a1: OrgUnit
    commune_a2: OrgUnit
    school_a2: OrgUnit
    district_a_old: OrgUnit
    province_b: OrgUnit
    commune_b1: OrgUnit
    school_b1: OrgUnit


@dataclass(frozen=True)
class People:
    province_officer: User
    province_admin: User
    commune_officer: User
    school_principal: User
    viewer: User
    outsider: User
    superuser: User


def _unit(
    key: str,
    name: str,
    kind: str,
    parent: OrgUnit | None,
    number: int,
    *,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    **extra: str,
) -> OrgUnit:
    path = child_path(parent.path, number) if parent is not None else segment(number)
    unit = OrgUnit.objects.create(
        key=key,
        name=name,
        name_folded=fold(name),
        kind=kind,
        parent=parent,
        path=path,
        depth=depth_of(path),
        valid_from=valid_from,
        valid_to=valid_to,
        is_synthetic=True,
        **extra,
    )
    OrgUnitPlacement.objects.create(
        unit=unit,
        parent=parent,
        path=path,
        depth=unit.depth,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return unit


def build_org_tree() -> OrgTree:
    kind = OrgUnit.Kind
    ministry = _unit("bo", "Bộ Giáo dục và Đào tạo", kind.MINISTRY, None, 1)
    province_a = _unit(
        "p-a", "Tỉnh Phú An", kind.PROVINCE, ministry, 1, unit_type="Tỉnh", valid_from=REFORM_DAY
    )
    commune_a1 = _unit(
        "c-a1", "Xã An Lạc", kind.COMMUNE, province_a, 1, unit_type="Xã", valid_from=REFORM_DAY
    )
    school_a1 = _unit(
        "s-a1",
        "Trường Tiểu học An Lạc",
        kind.SCHOOL,
        commune_a1,
        1,
        school_level=OrgUnit.SchoolLevel.PRIMARY,
        ownership=OrgUnit.Ownership.PUBLIC,
    )
    commune_a2 = _unit(
        "c-a2",
        "Phường Hòa Bình",
        kind.COMMUNE,
        province_a,
        2,
        unit_type="Phường",
        valid_from=REFORM_DAY,
    )
    school_a2 = _unit(
        "s-a2",
        "Trường THCS Hòa Bình",
        kind.SCHOOL,
        commune_a2,
        1,
        school_level=OrgUnit.SchoolLevel.LOWER_SECONDARY,
        ownership=OrgUnit.Ownership.PUBLIC,
    )
    district_a_old = _unit(
        "d-a-old",
        "Huyện Phú Lộc",
        kind.DISTRICT,
        province_a,
        3,
        unit_type="Huyện",
        valid_to=REFORM_DAY,
    )
    province_b = _unit(
        "p-b", "Tỉnh Bình Sơn", kind.PROVINCE, ministry, 2, unit_type="Tỉnh", valid_from=REFORM_DAY
    )
    commune_b1 = _unit(
        "c-b1", "Xã Sơn Thủy", kind.COMMUNE, province_b, 1, unit_type="Xã", valid_from=REFORM_DAY
    )
    school_b1 = _unit(
        "s-b1",
        "Trường Mầm non Sơn Thủy",
        kind.SCHOOL,
        commune_b1,
        1,
        school_level=OrgUnit.SchoolLevel.PRESCHOOL,
        ownership=OrgUnit.Ownership.PUBLIC,
    )
    return OrgTree(
        ministry=ministry,
        province_a=province_a,
        commune_a1=commune_a1,
        school_a1=school_a1,
        commune_a2=commune_a2,
        school_a2=school_a2,
        district_a_old=district_a_old,
        province_b=province_b,
        commune_b1=commune_b1,
        school_b1=school_b1,
    )


def make_user(username: str, full_name: str, *grants: tuple[OrgUnit, Role], **extra: bool) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=full_name, **extra
    )
    for unit, role in grants:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def build_people(org: OrgTree) -> People:
    return People(
        province_officer=make_user(
            "province_officer", "Trần Văn Tỉnh", (org.province_a, Role.SPECIALIST)
        ),
        province_admin=make_user(
            "province_admin", "Lê Thị Quản", (org.province_a, Role.UNIT_ADMIN)
        ),
        commune_officer=make_user(
            "commune_officer", "Phạm Văn Xã", (org.commune_a1, Role.SPECIALIST)
        ),
        school_principal=make_user(
            "school_principal",
            "Hoàng Thị Hiệu",
            (org.school_a1, Role.SPECIALIST),
            (org.school_a1, Role.APPROVER),
        ),
        viewer=make_user("viewer", "Đỗ Văn Xem", (org.province_a, Role.VIEWER)),
        outsider=make_user("outsider", "Vũ Thị Ngoài", (org.province_b, Role.SPECIALIST)),
        superuser=make_user("superuser", "Quản trị hệ thống", is_superuser=True, is_staff=True),
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def org(db: None) -> OrgTree:
    return build_org_tree()


@pytest.fixture
def people(org: OrgTree) -> People:
    return build_people(org)


@pytest.fixture
def province_officer(people: People) -> User:
    return people.province_officer


@pytest.fixture
def province_admin(people: People) -> User:
    return people.province_admin


@pytest.fixture
def commune_officer(people: People) -> User:
    return people.commune_officer


@pytest.fixture
def school_principal(people: People) -> User:
    return people.school_principal


@pytest.fixture
def viewer(people: People) -> User:
    return people.viewer


@pytest.fixture
def outsider(people: People) -> User:
    return people.outsider


@pytest.fixture
def superuser(people: People) -> User:
    return people.superuser


@pytest.fixture
def client_of() -> Callable[[User], Client]:
    """A test client signed in as the given user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


# --- Kept from the foundation: a user with no unit (the sign-in tests use it). -------------


@pytest.fixture
def specialist(db: None) -> User:
    return User.objects.create_user(
        username="chuyenvien", password=PASSWORD, full_name="Nguyễn Thị Lan"
    )


@pytest.fixture
def signed_in_client(specialist: User) -> Client:
    client = Client()
    client.force_login(specialist)
    return client


@pytest.fixture(autouse=True)
def _caches_empty() -> None:
    """Every test starts with empty caches: a rolled-back test leaves the database as it found
    it, so a later test can reach the same cache key with other figures (the pages' keys follow
    the database's state, which only moves forward outside tests)."""
    from django.core.cache import caches

    from namhoc.indicators import pagecache

    for cache in caches.all():
        cache.clear()
    pagecache.forget_local()


# --- the fuzzers' summary line (tests/fuzz), also under pytest-xdist ----------------------------


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands its fuzz counts to the controller, which prints them."""
    from tests.fuzz.counting import CASES, STATUSES

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fuzz_cases"] = dict(CASES)
        workeroutput["fuzz_statuses"] = dict(STATUSES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    from tests.fuzz.counting import CASES, STATUSES

    output = getattr(node, "workeroutput", None) or {}
    CASES.update(output.get("fuzz_cases", {}))
    STATUSES.update(output.get("fuzz_statuses", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.fuzz.counting import CASES, STATUSES

    if not CASES:
        return
    parts = ", ".join(f"{name}: {count:,}" for name, count in sorted(CASES.items()))
    terminalreporter.write_line(f"fuzz cases tried: {parts} (total {sum(CASES.values()):,})")
    if os.environ.get("NAMHOC_FUZZ_STATUSES"):
        for key, count in sorted(STATUSES.items()):
            terminalreporter.write_line(f"  {key}: {count}")
