from __future__ import annotations

import datetime as dt

import pytest
from conftest import OrgTree, People
from django.contrib.auth.models import AnonymousUser

from namhoc.accounts.access import (
    access_object,
    access_unit,
    get_object_in_scope,
    roles_at,
    scope_queryset,
    visible_units,
)
from namhoc.accounts.models import Membership, Role
from namhoc.core.errors import Forbidden, NotFound
from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitSuccession


def keys(units: object) -> set[str]:
    return {u.key for u in units}  # type: ignore[attr-defined]


def test_visible_units_is_the_subtree_of_each_membership(org: OrgTree, people: People) -> None:
    assert keys(visible_units(people.province_officer)) == {
        "p-a",
        "c-a1",
        "s-a1",
        "c-a2",
        "s-a2",
        "d-a-old",
    }
    assert keys(visible_units(people.commune_officer)) == {"c-a1", "s-a1"}
    assert keys(visible_units(people.school_principal)) == {"s-a1"}
    assert keys(visible_units(people.outsider)) == {"p-b", "c-b1", "s-b1"}
    assert visible_units(people.superuser).count() == OrgUnit.objects.count() == 10


def test_visible_units_by_role(org: OrgTree, people: People) -> None:
    assert keys(visible_units(people.province_admin, role=Role.UNIT_ADMIN)) == keys(
        visible_units(people.province_admin)
    )
    assert list(visible_units(people.province_officer, role=Role.UNIT_ADMIN)) == []


def test_visible_units_unions_several_memberships(org: OrgTree, people: People) -> None:
    Membership.objects.create(user=people.commune_officer, unit=org.commune_b1, role=Role.VIEWER)
    assert keys(visible_units(people.commune_officer)) == {"c-a1", "s-a1", "c-b1", "s-b1"}


def test_inactive_and_anonymous_see_nothing(org: OrgTree, people: People) -> None:
    people.province_officer.is_active = False
    assert list(visible_units(people.province_officer)) == []
    assert list(visible_units(AnonymousUser())) == []
    assert roles_at(AnonymousUser(), org.province_a) == set()


def test_roles_come_from_the_unit_and_its_ancestors(org: OrgTree, people: People) -> None:
    assert roles_at(people.school_principal, org.school_a1) == {Role.SPECIALIST, Role.APPROVER}
    assert roles_at(people.province_officer, org.school_a1) == {Role.SPECIALIST}
    assert roles_at(people.commune_officer, org.province_a) == set()
    assert roles_at(people.commune_officer, org.commune_a2) == set()
    assert roles_at(people.superuser, org.commune_b1) == set(Role)


@pytest.mark.parametrize("ref", ["key", "pk", "object"])
def test_access_unit_accepts_key_pk_or_unit(org: OrgTree, people: People, ref: str) -> None:
    unit = org.commune_a1
    value = {"key": unit.key, "pk": unit.pk, "object": unit}[ref]
    assert access_unit(people.province_officer, value) == unit
    with pytest.raises(NotFound):
        access_unit(people.outsider, value)


def test_access_unit_out_of_scope_is_not_found_and_missing_role_is_forbidden(
    org: OrgTree, people: People
) -> None:
    with pytest.raises(NotFound):
        access_unit(people.commune_officer, "c-a2")  # sibling
    with pytest.raises(NotFound):
        access_unit(people.commune_officer, "p-a")  # parent
    with pytest.raises(NotFound):
        access_unit(people.commune_officer, "khong-co")  # does not exist: the same answer
    with pytest.raises(Forbidden):
        access_unit(people.viewer, "c-a1", need=Role.SPECIALIST)
    with pytest.raises(Forbidden):
        access_unit(people.province_admin, "c-a1", need=Role.APPROVER)  # no implication
    assert access_unit(people.viewer, "c-a1", need=Role.VIEWER) == org.commune_a1
    assert access_unit(people.school_principal, "s-a1", need=Role.APPROVER) == org.school_a1


def test_scope_queryset_filters_objects_by_their_unit(
    org: OrgTree, people: People, django_assert_num_queries: object
) -> None:
    memberships = Membership.objects.all()
    scoped = scope_queryset(people.commune_officer, memberships)
    assert {(m.user.username, m.unit.key) for m in scoped} == {
        ("commune_officer", "c-a1"),
        ("school_principal", "s-a1"),
    }
    only_approver = scope_queryset(people.province_officer, memberships, role=Role.APPROVER)
    assert list(only_approver) == []
    assert scope_queryset(people.superuser, memberships).count() == memberships.count()
    # one query for the memberships' paths, one for the objects
    with django_assert_num_queries(2):  # type: ignore[operator]
        list(scope_queryset(people.outsider, memberships))


def test_access_object_and_get_object_in_scope(org: OrgTree, people: People) -> None:
    principal_role = Membership.objects.get(user=people.school_principal, role=Role.APPROVER)
    assert access_object(people.commune_officer, principal_role) == principal_role
    with pytest.raises(NotFound):
        access_object(people.outsider, principal_role)
    with pytest.raises(Forbidden):
        access_object(people.viewer, principal_role, need=Role.APPROVER)
    found = get_object_in_scope(
        people.province_officer, Membership.objects.all(), pk=principal_role.pk
    )
    assert found == principal_role
    with pytest.raises(NotFound):
        get_object_in_scope(people.outsider, Membership.objects.all(), pk=principal_role.pk)
    with pytest.raises(Forbidden):
        get_object_in_scope(
            people.viewer, Membership.objects.all(), pk=principal_role.pk, need=Role.APPROVER
        )


def _legacy_province_merged_into(successor: OrgUnit, ministry: OrgUnit) -> tuple[OrgUnit, OrgUnit]:
    """A pre-reform province (with one district) merged into ``successor`` on 1/7/2025."""
    legacy = OrgUnit.objects.create(
        key="p2024-x",
        name="Tỉnh Cũ",
        kind=OrgUnit.Kind.PROVINCE,
        name_folded="tinh cu",
        parent=ministry,
        path=ministry.path + "0090",
        depth=1,
        valid_to=dt.date(2025, 7, 1),
    )
    district = OrgUnit.objects.create(
        key="d2024-x",
        name="Huyện Cũ",
        kind=OrgUnit.Kind.DISTRICT,
        name_folded="huyen cu",
        parent=legacy,
        path=legacy.path + "0001",
        depth=2,
        valid_to=dt.date(2025, 7, 1),
    )
    event = OrgUnitEvent.objects.create(
        key="test:merge:p2024-x", kind="merge", date=dt.date(2025, 7, 1), title="Sáp nhập"
    )
    OrgUnitSuccession.objects.create(
        event=event, predecessor=legacy, successor=successor, share="whole", is_primary=True
    )
    return legacy, district


def test_people_of_a_successor_read_the_units_it_absorbed(org: OrgTree, people: People) -> None:
    # Given a pre-reform province merged into province A
    legacy, district = _legacy_province_merged_into(org.province_a, org.ministry)

    # Then province A's people read it and its district, but may not change them
    assert access_unit(people.province_officer, district.key) == district
    assert access_unit(people.viewer, legacy.pk) == legacy
    with pytest.raises(Forbidden):
        access_unit(people.province_officer, district, need=Role.SPECIALIST)
    assert set(visible_units(people.province_officer).filter(valid_to__isnull=False)) >= {
        legacy,
        district,
    }
    assert legacy not in visible_units(people.province_officer, role=Role.SPECIALIST)
    # And nobody else does: not province B, not a commune of province A
    for user in (people.outsider, people.commune_officer):
        with pytest.raises(NotFound):
            access_unit(user, district.key)
        assert not visible_units(user).filter(pk=legacy.pk).exists()
