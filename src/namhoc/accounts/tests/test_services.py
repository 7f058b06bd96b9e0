"""Unit admins: create users only in their subtree, grant only roles they hold; all audited."""

from __future__ import annotations

import pytest
from conftest import OrgTree, People
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from namhoc.accounts import services
from namhoc.accounts.models import Membership, Role, User
from namhoc.core.audit import audit_context
from namhoc.core.errors import DomainError, Forbidden, NotFound
from namhoc.core.models_audit import AuditEvent


def create(actor: User, unit: object, role: Role = Role.VIEWER, username: str = "moi") -> User:
    return services.user_create(
        actor=actor,
        username=username,
        full_name="  Người   Mới ",
        email="Moi@Example.vn",
        password="mot-mat-khau-dai-du",
        unit=unit.key,  # type: ignore[attr-defined]
        role=role,
    )


def test_unit_admin_creates_a_user_in_the_subtree_with_an_audit_trail(
    org: OrgTree, people: People
) -> None:
    with audit_context(source="web", ip="10.1.2.3"):
        user = create(people.province_admin, org.commune_a1, Role.UNIT_ADMIN)
    assert (user.username, user.full_name, user.email) == ("moi", "Người Mới", "moi@example.vn")
    assert user.check_password("mot-mat-khau-dai-du")
    assert list(user.memberships.values_list("unit__key", "role")) == [("c-a1", "unit_admin")]
    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.actor_label, e.unit_id, e.source, e.ip) for e in events] == [
        ("user.create", "province_admin", org.commune_a1.pk, "web", "10.1.2.3"),
        ("membership.grant", "province_admin", org.commune_a1.pk, "web", "10.1.2.3"),
    ]
    assert events[0].changes == {
        "email": [None, "moi@example.vn"],
        "full_name": [None, "Người Mới"],
        "is_active": [None, True],
        "username": [None, "moi"],
    }
    assert "password" not in str(events[0].changes)
    assert events[1].changes == {
        "role": [None, "unit_admin"],
        "unit": [None, org.commune_a1.pk],
        "user": [None, user.pk],
    }


@pytest.mark.parametrize(
    ("unit_name", "role", "error"),
    [
        ("commune_b1", Role.VIEWER, NotFound),  # outside the subtree
        ("ministry", Role.VIEWER, NotFound),  # above it
        ("commune_b1", Role.SPECIALIST, NotFound),
        ("district_a_old", Role.VIEWER, DomainError),  # dissolved: pick its successor
    ],
)
def test_unit_admin_limits(
    org: OrgTree, people: People, unit_name: str, role: Role, error: type[Exception]
) -> None:
    users, events = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(error):
        create(people.province_admin, getattr(org, unit_name), role)
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_only_unit_admins_create_users(org: OrgTree, people: People) -> None:
    with pytest.raises(Forbidden):
        create(people.province_officer, org.commune_a1, Role.SPECIALIST)
    assert create(people.superuser, org.commune_b1, Role.APPROVER).username == "moi"


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("province_officer", None, "username"),
        ("PROVINCE_OFFICER", None, "username"),
        ("có dấu cách", None, "username"),
        ("", None, "username"),
        ("moi", "123", "password"),
    ],
)
def test_bad_input_is_refused_in_vietnamese(
    org: OrgTree, people: People, username: str, password: str | None, field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        services.user_create(
            actor=people.province_admin,
            username=username,
            full_name="A",
            password=password,
            unit=org.commune_a1.key,
            role=Role.VIEWER,
        )
    assert caught.value.field == field
    assert caught.value.status == 400
    assert not User.objects.filter(username="moi").exists()


def test_no_password_means_no_sign_in(org: OrgTree, people: People) -> None:
    user = services.user_create(
        actor=people.province_admin,
        username="moi",
        full_name="A",
        unit=org.commune_a1.key,
        role=Role.VIEWER,
    )
    assert not user.has_usable_password()


def test_update_records_old_and_new(org: OrgTree, people: People) -> None:
    services.user_update(
        actor=people.province_admin, user_id=people.commune_officer.pk, full_name="Phạm Văn Mới"
    )
    event = AuditEvent.objects.get(action="user.update")
    assert event.changes == {"full_name": ["Phạm Văn Xã", "Phạm Văn Mới"]}
    assert event.unit_id == org.commune_a1.pk
    assert event.content_type == ContentType.objects.get_for_model(User)
    assert event.object_id == str(people.commune_officer.pk)


def test_admin_cannot_change_a_user_who_also_works_elsewhere(org: OrgTree, people: People) -> None:
    Membership.objects.create(user=people.commune_officer, unit=org.commune_b1, role=Role.VIEWER)
    with pytest.raises(Forbidden):
        services.user_disable(actor=people.province_admin, user_id=people.commune_officer.pk)
    with pytest.raises(NotFound):
        services.user_disable(actor=people.province_admin, user_id=people.outsider.pk)
    with pytest.raises(DomainError, match="tự khóa"):
        services.user_disable(actor=people.province_admin, user_id=people.province_admin.pk)
    people.commune_officer.refresh_from_db()
    assert people.commune_officer.is_active


def test_disable_enable_audited(org: OrgTree, people: People) -> None:
    services.user_disable(actor=people.province_admin, user_id=people.viewer.pk)
    services.user_enable(actor=people.province_admin, user_id=people.viewer.pk)
    assert list(AuditEvent.objects.order_by("id").values_list("action", "changes")) == [
        ("user.disable", {"is_active": [True, False]}),
        ("user.enable", {"is_active": [False, True]}),
    ]


def test_grant_and_revoke(org: OrgTree, people: People) -> None:
    membership = services.membership_grant(
        actor=people.province_admin,
        user_id=people.commune_officer.pk,
        unit=org.school_a1.key,
        role=Role.UNIT_ADMIN,
    )
    with pytest.raises(DomainError, match="đã có vai trò"):
        services.membership_grant(
            actor=people.province_admin,
            user_id=people.commune_officer.pk,
            unit=org.school_a1.key,
            role=Role.UNIT_ADMIN,
        )
    services.membership_revoke(actor=people.province_admin, membership_id=membership.pk)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "membership.grant",
        "membership.revoke",
    ]
    assert AuditEvent.objects.order_by("id").last().changes["role"] == ["unit_admin", None]  # type: ignore[union-attr]
    last = Membership.objects.get(user_id=people.commune_officer.pk)
    for actor in (people.province_admin, people.superuser):
        with pytest.raises(DomainError, match="vai trò cuối cùng"):
            services.membership_revoke(actor=actor, membership_id=last.pk)
    assert Membership.objects.filter(pk=last.pk).exists()


@pytest.mark.parametrize("role", list(Role))
def test_a_unit_admin_grants_any_role_within_the_subtree(
    org: OrgTree, people: People, role: Role
) -> None:
    """Issue 11.2: a school's admin creates the people who do the school's work — the rule of
    ADR 0004 (any role, at the units of the admin's subtree; roles still imply nothing)."""
    principal = people.school_principal
    Membership.objects.create(user=principal, unit=org.school_a1, role=Role.UNIT_ADMIN)
    teacher = create(principal, org.school_a1, role, username=f"gv-{role}")
    assert list(teacher.memberships.values_list("unit__key", "role")) == [("s-a1", role)]
    other = create(people.province_admin, org.commune_a2, role, username=f"xa-{role}")
    granted = services.membership_grant(
        actor=people.province_admin, user_id=other.pk, unit="s-a2", role=str(role)
    )
    assert (granted.unit.key, granted.role) == ("s-a2", role)
    # the admin's own roles are untouched: unit_admin does not imply approver
    assert set(principal.memberships.values_list("role", flat=True)) == {
        "specialist",
        "approver",
        "unit_admin",
    }
    users = User.objects.count()
    with pytest.raises(NotFound):  # never outside the subtree, whatever the role
        create(principal, org.school_a2, role, username="ngoai")
    assert User.objects.count() == users


def test_a_unit_admin_revokes_any_role_within_the_subtree_only(
    org: OrgTree, people: People
) -> None:
    principal = people.school_principal
    Membership.objects.create(user=principal, unit=org.school_a1, role=Role.UNIT_ADMIN)
    teacher = create(principal, org.school_a1, Role.SPECIALIST, username="giao-vien")
    approver = services.membership_grant(
        actor=principal, user_id=teacher.pk, unit="s-a1", role="approver"
    )
    services.membership_revoke(actor=principal, membership_id=approver.pk)
    assert list(teacher.memberships.values_list("role", flat=True)) == ["specialist"]
    elsewhere = Membership.objects.create(user=teacher, unit=org.commune_a2, role=Role.VIEWER)
    with pytest.raises(NotFound):
        services.membership_revoke(actor=principal, membership_id=elsewhere.pk)
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_a_school_admin_acts_only_in_the_school(org: OrgTree, people: People) -> None:
    principal = people.school_principal
    Membership.objects.create(user=principal, unit=org.school_a1, role=Role.UNIT_ADMIN)
    with pytest.raises(NotFound):
        services.membership_grant(
            actor=principal, user_id=principal.pk, unit=org.commune_a1.key, role=Role.VIEWER
        )
    with pytest.raises(NotFound):  # a user of the commune above is not the school's to manage
        services.membership_grant(
            actor=principal,
            user_id=people.commune_officer.pk,
            unit=org.school_a1.key,
            role=Role.VIEWER,
        )
    teacher = create(principal, org.school_a1, Role.VIEWER, username="giao-vien")
    granted = services.membership_grant(
        actor=principal, user_id=teacher.pk, unit=org.school_a1.key, role=Role.APPROVER
    )
    assert granted.role == Role.APPROVER


def test_change_and_audit_roll_back_together(org: OrgTree, people: People) -> None:
    class Boom(Exception):
        pass

    seen: list[int] = []

    def change_then_fail() -> None:
        with transaction.atomic():
            services.user_update(
                actor=people.province_admin, user_id=people.viewer.pk, full_name="X"
            )
            seen.append(AuditEvent.objects.count())
            raise Boom

    with pytest.raises(Boom):
        change_then_fail()
    assert seen == [1]
    people.viewer.refresh_from_db()
    assert people.viewer.full_name == "Đỗ Văn Xem"
    assert AuditEvent.objects.count() == 0
