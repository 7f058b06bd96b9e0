"""The access matrix: EVERY URL of the project x role x relation -> the declared status.

The URLconf is walked recursively (the ninja API's routes included). A URL with no entry in
``tests/access_expectations.py`` fails ``test_every_url_has_an_expectation``. Each refused
request that would change data is checked to have changed nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import PASSWORD, OrgTree, build_org_tree, make_user
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from namhoc.accounts.models import Membership, Role, User
from namhoc.core.models_audit import AuditEvent
from namhoc.orgunits.models import OrgUnit
from tests.access_expectations import (
    EXCLUDED_PREFIXES,
    EXPECTATIONS,
    RELATIONS,
    ROLES,
    Expect,
)


def walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def project_routes() -> list[str]:
    routes = dict.fromkeys(walk(get_resolver().url_patterns))  # ninja repeats a path per method
    return [r for r in routes if not r.startswith(EXCLUDED_PREFIXES)]


def test_every_url_has_an_expectation() -> None:
    missing = [route for route in project_routes() if route not in EXPECTATIONS]
    assert not missing, (
        "These URLs have no access expectation: "
        + ", ".join(repr(r) for r in missing)
        + ". Declare who may do what with each of them in tests/access_expectations.py "
        "(EXPECTATIONS)."
    )


def test_no_expectation_for_a_url_that_is_gone() -> None:
    stale = sorted(set(EXPECTATIONS) - set(project_routes()))
    assert not stale, f"Remove these from tests/access_expectations.py: {stale}"


@dataclass
class World:
    org: OrgTree
    unit: dict[str, OrgUnit]
    member: dict[str, User]  # a user who belongs to that unit only
    membership: dict[str, Membership]  # a viewer membership of that user (revocable)
    actors: dict[str, User | None]


def build_world() -> World:
    org = build_org_tree()
    unit = {
        "own": org.commune_a1,
        "child": org.school_a1,
        "sibling": org.commune_a2,
        "parent": org.province_a,
        "other_province": org.commune_b1,
    }
    member, membership = {}, {}
    for rel, where in unit.items():
        user = make_user(f"member-{rel}", f"Thành viên {rel}", (where, Role.SPECIALIST))
        member[rel] = user
        membership[rel] = Membership.objects.create(user=user, unit=where, role=Role.VIEWER)
    actors: dict[str, User | None] = {"anonymous": None}
    for role in ROLES:
        actors[role] = make_user(f"actor-{role}", f"Tác nhân {role}", (org.commune_a1, Role(role)))
    actors["superuser"] = make_user("actor-super", "Quản trị", is_superuser=True, is_staff=True)
    return World(org=org, unit=unit, member=member, membership=membership, actors=actors)


def fill(route: str, params: dict[str, Any]) -> str:
    url = route
    for name, value in params.items():
        for converter in ("int", "str", "slug", "path", "uuid", ""):
            token = f"<{converter}:{name}>" if converter else f"<{name}>"
            url = url.replace(token, str(value))
    assert "<" not in url, f"{route}: a parameter is not filled: {url}"
    return "/" + url


def state() -> tuple[object, ...]:
    return (
        list(User.objects.order_by("id").values_list("id", "full_name", "email", "is_active")),
        list(Membership.objects.order_by("id").values_list("id", "user_id", "unit_id", "role")),
        AuditEvent.objects.count(),
    )


def expected_for(expect: Expect, actor: str, relation: str) -> int:
    if actor == "anonymous":
        return expect.anonymous
    if actor == "superuser":
        return expect.superuser
    return expect.status[actor][relation]


def call(client: Client, expect: Expect, url: str, data: dict[str, Any] | None) -> int:
    method = expect.method.lower()
    if expect.json:
        body = json.dumps(data or {})
        response = getattr(client, method)(url, body, content_type="application/json")
    elif method in ("get", "delete"):
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, data or {})
    return int(response.status_code)


CASES = [(route, i) for route, expects in EXPECTATIONS.items() for i in range(len(expects))]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "index"),
    CASES,
    ids=[f"{e.method} /{r}" for r, i in CASES for e in [EXPECTATIONS[r][i]]],
)
def test_access_matrix(route: str, index: int) -> None:
    expect = EXPECTATIONS[route][index]
    world = build_world()
    clients: dict[str, Client] = {}
    for name, user in world.actors.items():
        client = Client()
        if user is not None:
            client.force_login(user)
            client.get("/healthz")  # the first signed-in request records the session
        clients[name] = client
    relations = ("own",) if expect.relation_free else RELATIONS
    failures: list[str] = []
    for actor in world.actors:
        for relation in relations:
            params = expect.params(world, relation) if expect.params else {}
            data = expect.data(world, relation) if expect.data else None
            url = fill(route, params)
            wanted = expected_for(expect, actor, relation)
            with transaction.atomic():
                before = state()
                got = call(clients[actor], expect, url, data)
                after = state()
                transaction.set_rollback(True)
            if got != wanted:
                failures.append(
                    f"{expect.method} {url} as {actor} ({relation}): {got}, expected {wanted}"
                )
            elif got >= 400 and expect.mutates and after != before:
                failures.append(
                    f"{expect.method} {url} as {actor} ({relation}): refused but changed data"
                )
    assert not failures, "\n".join(failures)


def test_the_fixed_users_sign_in_with_the_shared_password(db: None) -> None:
    world = build_world()
    assert Client().login(username=world.actors["viewer"].username, password=PASSWORD)  # type: ignore[union-attr]
