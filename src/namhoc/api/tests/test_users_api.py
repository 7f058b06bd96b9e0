"""/api/users: the same rules as the pages, answered in JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from conftest import OrgTree, People
from django.test import Client

from namhoc.accounts.models import Membership, User
from namhoc.core.models_audit import AuditEvent

ClientOf = Callable[[User], Client]


def post(client: Client, url: str, data: object) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_list_is_scoped(people: People, client_of: ClientOf) -> None:
    response = client_of(people.province_admin).get("/api/users", {"q": "officer"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {u["username"] for u in body["items"]} == {"province_officer", "commune_officer"}


def test_create_get_patch_disable(org: OrgTree, people: People, client_of: ClientOf) -> None:
    client = client_of(people.province_admin)
    response = post(
        client,
        "/api/users",
        {"username": "gv2", "full_name": "Giáo Viên", "unit": "s-a1", "role": "viewer"},
    )
    assert response.status_code == 201  # type: ignore[attr-defined]
    created = response.json()  # type: ignore[attr-defined]
    assert created["memberships"][0]["unit_key"] == "s-a1"
    user_id = created["id"]
    assert client.get(f"/api/users/{user_id}").json()["full_name"] == "Giáo Viên"
    response = client.patch(
        f"/api/users/{user_id}", json.dumps({"email": "gv2@truong.vn"}), "application/json"
    )
    assert response.json()["email"] == "gv2@truong.vn"
    assert client.post(f"/api/users/{user_id}/disable").json()["is_active"] is False
    assert AuditEvent.objects.filter(source="api").count() == 4


def test_bad_input(org: OrgTree, people: People, client_of: ClientOf) -> None:
    client = client_of(people.province_admin)
    response = post(client, "/api/users", {"username": "x"})
    assert response.status_code == 422  # type: ignore[attr-defined]
    response = post(
        client,
        "/api/users",
        {"username": "viewer", "full_name": "X", "unit": "c-a1", "role": "viewer"},
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.json()["field"] == "username"  # type: ignore[attr-defined]
    assert response.json()["code"] == "username_taken"  # type: ignore[attr-defined]


def test_outsider_is_not_found_and_nothing_changes(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    client = client_of(people.province_admin)
    target = people.outsider
    users, memberships = User.objects.count(), Membership.objects.count()
    assert client.get(f"/api/users/{target.pk}").status_code == 404
    assert client.post(f"/api/users/{target.pk}/disable").status_code == 404
    response = post(
        client, "/api/users", {"username": "x", "full_name": "X", "unit": "c-b1", "role": "viewer"}
    )
    assert response.status_code == 404  # type: ignore[attr-defined]
    membership = Membership.objects.get(user=target)
    assert client.delete(f"/api/users/memberships/{membership.pk}").status_code == 404
    target.refresh_from_db()
    assert target.is_active
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert AuditEvent.objects.count() == 0


def test_read_only_is_forbidden_and_an_admin_grants_any_role(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    assert client_of(people.viewer).get("/api/users").status_code == 403
    client = client_of(people.province_admin)
    response = post(
        client,
        f"/api/users/{people.commune_officer.pk}/memberships",
        {"unit": "c-a1", "role": "approver"},
    )
    assert response.status_code == 201  # type: ignore[attr-defined]
    assert Membership.objects.filter(user=people.commune_officer).count() == 2
    response = post(
        client,
        f"/api/users/{people.commune_officer.pk}/memberships",
        {"unit": "c-a1", "role": "chu_tich"},
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.json()["field"] == "role"  # type: ignore[attr-defined]
    response = post(
        client,
        f"/api/users/{people.commune_officer.pk}/memberships",
        {"unit": "c-a1", "role": "unit_admin"},
    )
    assert response.status_code == 201  # type: ignore[attr-defined]
    grant_id = response.json()["id"]  # type: ignore[attr-defined]
    assert client.delete(f"/api/users/memberships/{grant_id}").status_code == 204


def test_anonymous_gets_401(db: None) -> None:
    assert Client().get("/api/users").status_code == 401
