"""The access layer reads a user's memberships once per request, and never past a write to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import OrgTree, People
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from namhoc.accounts.access import (
    access_memo,
    access_unit,
    administers_anywhere,
    member_paths,
    require_role,
    roles_at,
    visible_units,
)
from namhoc.accounts.middleware import AccessMemoMiddleware
from namhoc.accounts.models import Membership, Role
from namhoc.accounts.services.people import membership_grant, membership_revoke
from namhoc.core.errors import DomainError, NotFound
from namhoc.orgunits.models import OrgUnit, OrgUnitSuccession

Queries = Callable[..., Any]


def _ask_everything(people: People, org: OrgTree) -> None:
    officer = people.commune_officer
    assert roles_at(officer, org.school_a1) == {Role.SPECIALIST}
    assert roles_at(officer, org.province_a) == set()
    require_role(officer, org.commune_a1, Role.SPECIALIST)
    assert access_unit(officer, "s-a1") == org.school_a1
    assert member_paths(officer) == [org.commune_a1.path]
    assert member_paths(officer, role=Role.APPROVER) == []
    assert administers_anywhere(officer) is False


def test_within_a_request_the_memberships_are_read_once(
    org: OrgTree, people: People, django_assert_max_num_queries: Queries
) -> None:
    # given the questions a page asks (roles here and there, scope, the admin menu)
    # then: the memberships once, and the unit access_unit looks up by key each time
    with access_memo(), django_assert_max_num_queries(3):
        _ask_everything(people, org)
        _ask_everything(people, org)


def test_without_a_request_every_question_reads_afresh(
    org: OrgTree, people: People, django_assert_num_queries: Queries
) -> None:
    # given no request (a task, a command): nothing is kept, as before
    with django_assert_num_queries(3):
        roles_at(people.commune_officer, org.school_a1)
        roles_at(people.commune_officer, org.school_a1)
        member_paths(people.commune_officer)


def test_the_memo_keeps_users_apart(org: OrgTree, people: People) -> None:
    with access_memo():
        assert roles_at(people.commune_officer, org.school_a1) == {Role.SPECIALIST}
        assert roles_at(people.outsider, org.school_a1) == set()
        assert roles_at(people.school_principal, org.school_a1) == {
            Role.SPECIALIST,
            Role.APPROVER,
        }
        assert {u.key for u in visible_units(people.outsider)} == {"p-b", "c-b1", "s-b1"}
        assert {u.key for u in visible_units(people.commune_officer)} == {"c-a1", "s-a1"}


def test_a_grant_in_the_same_request_is_seen_at_once(org: OrgTree, people: People) -> None:
    officer = people.commune_officer
    with access_memo():
        assert roles_at(officer, org.school_b1) == set()  # read and kept
        with pytest.raises(NotFound):
            access_unit(officer, "s-b1")
        membership_grant(
            actor=people.superuser, user_id=officer.pk, unit="c-b1", role=Role.APPROVER
        )
        # then the next check sees it, and the scope too
        assert roles_at(officer, org.school_b1) == {Role.APPROVER}
        assert access_unit(officer, "s-b1", need=Role.APPROVER) == org.school_b1
        assert member_paths(officer, role=Role.APPROVER) == [org.commune_b1.path]


def test_a_revocation_in_the_same_request_is_seen_at_once(org: OrgTree, people: People) -> None:
    principal = people.school_principal
    approver = Membership.objects.get(user=principal, role=Role.APPROVER)
    with access_memo():
        assert roles_at(principal, org.school_a1) == {Role.SPECIALIST, Role.APPROVER}
        membership_revoke(actor=people.superuser, membership_id=approver.pk)
        assert roles_at(principal, org.school_a1) == {Role.SPECIALIST}
        assert member_paths(principal, role=Role.APPROVER) == []


def test_a_grant_rolled_back_is_not_seen(org: OrgTree, people: People) -> None:
    officer = people.commune_officer
    with access_memo():
        assert roles_at(officer, org.school_b1) == set()

        def grant_then_fail() -> None:
            with transaction.atomic():
                Membership.objects.create(user=officer, unit=org.commune_b1, role=Role.VIEWER)
                assert roles_at(officer, org.school_b1) == {Role.VIEWER}
                raise DomainError("undone", "Hoàn tác.")

        with pytest.raises(DomainError):
            grant_then_fail()
        assert roles_at(officer, org.school_b1) == set()


def test_a_move_of_the_tree_in_the_same_request_is_seen_at_once(
    org: OrgTree, people: People
) -> None:
    officer = people.commune_officer
    with access_memo():
        assert member_paths(officer) == [org.commune_a1.path]
        OrgUnit.objects.filter(pk=org.commune_a1.pk).update(path=org.commune_a1.path + "9")
        assert member_paths(officer) == [org.commune_a1.path + "9"]


def test_the_middleware_scopes_the_memo_to_one_request(
    org: OrgTree, people: People, rf: Any, django_assert_num_queries: Queries
) -> None:
    seen: list[set[Role]] = []

    def view(_request: HttpRequest) -> HttpResponse:
        seen.append(roles_at(people.commune_officer, org.school_b1))
        return HttpResponse("ok")

    middleware = AccessMemoMiddleware(view)
    with django_assert_num_queries(1):
        middleware(rf.get("/"))
    Membership.objects.create(user=people.commune_officer, unit=org.school_b1, role=Role.VIEWER)
    with django_assert_num_queries(1):  # the next request reads afresh
        middleware(rf.get("/"))
    assert seen == [set(), {Role.VIEWER}]


def test_a_page_reads_the_grants_once(org: OrgTree, people: People) -> None:
    # given a signed-in officer on the home page (scope, roles, the admin menu, the bell)
    client = Client()
    client.force_login(people.commune_officer)
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    # then the access layer's one query (memberships with the units they absorbed) ran once
    grants = [
        q["sql"]
        for q in captured.captured_queries
        if OrgUnitSuccession._meta.db_table in q["sql"] and "UNION" in q["sql"]
    ]
    assert len(grants) == 1, grants
    assert visible_units(people.commune_officer).count() == 2


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "accounts_membership"."id" FROM "accounts_membership"', False),
        (
            'DECLARE "_c1" NO SCROLL CURSOR WITH HOLD FOR SELECT * FROM "orgunits_orgunit"',
            False,
        ),
        ('SELECT "orgunits_orgunit"."id" FROM "orgunits_orgunit" FOR UPDATE', False),
        ('SAVEPOINT "s1_x1"', False),
        ('INSERT INTO "accounts_membership" ("user_id") VALUES (1)', True),
        ('  update "orgunits_orgunit" SET "name" = %s', True),
        ('DELETE FROM "orgunits_orgunitsuccession" WHERE "id" = 1', True),
        ('WITH moved AS (UPDATE "orgunits_orgunit" SET "path" = %s RETURNING 1) SELECT 1', True),
        ('WITH RECURSIVE up AS (SELECT 1) SELECT * FROM "orgunits_orgunit"', False),
        ('INSERT INTO "core_event" ("kind") VALUES (%s)', False),
    ],
)
def test_what_counts_as_a_write_to_the_grants_tables(sql: str, writes: bool) -> None:
    """On PostgreSQL ``.iterator()`` reads through a server-side cursor (``DECLARE … FOR
    SELECT``): a read, which must not throw the request's memo away."""
    from namhoc.accounts.access import _source_tables, _writes_to

    assert _writes_to(sql, _source_tables()) is writes
