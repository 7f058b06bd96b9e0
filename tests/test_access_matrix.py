"""The access matrix: EVERY operation of the project x actor x relation -> the declared answer.

Completeness is keyed by (route, HTTP method): the URLconf is walked recursively; the methods of
the ninja API's routes are read from its path operations, those of Django views by asking each
route every method as a superuser (405: not accepted). An operation with no entry in
``tests/access_expectations.py`` fails ``test_every_operation_has_an_expectation``.

For each entry, every actor (anonymous, a superuser, one user per role at commune A1) asks about
every relation's object (own / child / sibling / parent / other province) and must receive the
declared status; where the entry says what a list, dashboard, export or download shows
(``sees`` / ``hides``), the response's text — the page, the JSON, the cells of a workbook, the
paragraphs of a Word file — must show exactly what that actor may see of that relation's
rows (``tests/access_content.py``). Each refused request that would change data is checked to
have changed nothing in any table of any namhoc app.

The world is built once per module and every request runs in a transaction rolled back after
it, so one case cannot leak into the next. How removing any access check makes this fail:
``tests/access_mutants.py``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import PASSWORD, OrgTree, build_org_tree, make_user
from django.apps import apps
from django.db import connection, models, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from namhoc.accounts.models import Membership, Role, User
from namhoc.indicators.freshness import rollups_rebuild
from namhoc.orgunits.models import OrgUnit
from tests.access_content import (
    absorbed_unit,
    build_marked_rows,
    content_failures,
    mark,
    received,
)
from tests.access_expectations import (
    EXCLUDED_PREFIXES,
    EXPECTATIONS,
    RELATIONS,
    ROLES,
    Expect,
    prepare_world,
)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")  # HEAD and OPTIONS: Django's own answers


# --- the routes and what they accept ---------------------------------------------------------


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def project_routes() -> dict[str, list[URLPattern]]:
    """Each route with its patterns (ninja repeats a path once per operation)."""
    routes: dict[str, list[URLPattern]] = {}
    for route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith(EXCLUDED_PREFIXES):
            routes.setdefault(route, []).append(pattern)
    return routes


def ninja_methods(patterns: list[URLPattern]) -> set[str] | None:
    """The methods of a ninja route, read from its path view's operations (None: not ninja)."""
    methods: set[str] = set()
    for pattern in patterns:
        if not inspect.isfunction(pattern.callback):
            return None
        path_view = inspect.getclosurevars(pattern.callback).nonlocals.get("self")
        operations = getattr(path_view, "operations", None)
        if operations is None:
            return None
        for operation in operations:
            methods.update(m.upper() for m in operation.methods)
    return methods


def declared() -> set[tuple[str, str]]:
    return {(route, e.method) for route, expects in EXPECTATIONS.items() for e in expects}


def test_every_route_has_an_expectation() -> None:
    missing = sorted(set(project_routes()) - set(EXPECTATIONS))
    assert not missing, (
        "These URLs have no access expectation: "
        + ", ".join(repr(r) for r in missing)
        + ". Declare who may do what with each of them in tests/access_expectations.py "
        "(EXPECTATIONS), one Expect per HTTP method the route accepts."
    )


def test_no_expectation_for_a_url_that_is_gone() -> None:
    stale = sorted(set(EXPECTATIONS) - set(project_routes()))
    assert not stale, f"Remove these from tests/access_expectations.py: {stale}"


# --- the world: built once for the module ----------------------------------------------------


@dataclass
class World:
    org: OrgTree
    unit: dict[str, OrgUnit]
    member: dict[str, User]  # a user who belongs to that unit only
    membership: dict[str, Membership]  # a viewer membership of that user (revocable)
    actors: dict[str, User | None]
    absorbed: OrgUnit  # a pre-2025 commune merged into c-a1 (content only)
    clients: dict[str, Client] = field(default_factory=dict)
    cookies: dict[str, Any] = field(default_factory=dict)  # each client's, as signed in


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
        user = make_user(
            f"member-{rel}", f"Thành viên {mark('user', rel)}", (where, Role.SPECIALIST)
        )
        member[rel] = user
        membership[rel] = Membership.objects.create(user=user, unit=where, role=Role.VIEWER)
    actors: dict[str, User | None] = {"anonymous": None}
    for role in ROLES:
        actors[role] = make_user(f"actor-{role}", f"Tác nhân {role}", (org.commune_a1, Role(role)))
    actors["superuser"] = make_user("actor-super", "Quản trị", is_superuser=True, is_staff=True)
    world = World(
        org=org,
        unit=unit,
        member=member,
        membership=membership,
        actors=actors,
        absorbed=absorbed_unit(org),
    )
    prepare_world(world)  # the objects the expectations' params point at, made once
    build_marked_rows(world)
    rollups_rebuild()  # roll-ups built for this tree: no page view asks for a rebuild
    return world


def sign_in(world: World) -> None:
    for name, user in world.actors.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
            client.get("/healthz")  # the first signed-in request records the session
        world.clients[name] = client
        world.cookies[name] = copy.deepcopy(client.cookies)


def fresh(world: World, actor: str) -> Client:
    """The actor's client with its cookies as signed in (a request may have signed it out or
    rotated its session; the database was rolled back, the cookie jar was not)."""
    client = world.clients[actor]
    client.cookies = copy.deepcopy(world.cookies[actor])
    return client


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    # One world for the module, in a transaction rolled back at the end; each test (and each
    # request in it) runs in a savepoint inside it. The idle timeout is lifted: the clients
    # keep the session they signed in with for as long as the module runs.
    with (
        django_db_blocker.unblock(),
        override_settings(SESSION_IDLE_SECONDS=24 * 3600),
        transaction.atomic(),
    ):
        built = build_world()
        sign_in(built)
        watch_writes()
        yield built
        transaction.set_rollback(True)


# --- "a refused request changes nothing": every table of every namhoc app --------------------


@functools.cache
def fingerprinted_models() -> list[type[models.Model]]:
    """Every model of every namhoc app, and the task queue (a refusal enqueues nothing)."""
    chosen = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("namhoc.") or config.label == "django_tasks_db"
        for model in config.get_models(include_auto_created=True)
    ]
    return sorted(chosen, key=lambda m: m._meta.label)


def fingerprint(model: type[models.Model]) -> tuple[int, str]:
    """(row count, SHA-256 of every row's every column, in primary-key order)."""
    columns = [f.attname for f in model._meta.concrete_fields]
    digest = hashlib.sha256()
    count = 0
    for row in model._base_manager.order_by("pk").values_list(*columns).iterator():
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def state() -> dict[str, tuple[int, str]]:
    return {model._meta.label: fingerprint(model) for model in fingerprinted_models()}


def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return [
        f"{label} ({before[label][0]} -> {after[label][0]} rows)"
        for label in before
        if before[label] != after[label]
    ]


# Fingerprinting every table costs ~50 queries; a request that wrote no row to any of them
# cannot have changed one. A counter of rows written says so in one query: on SQLite, temporary
# triggers on every fingerprinted table (made in the module's transaction, gone with it); on
# PostgreSQL, the transaction's own statistics. Only when it moved are the tables compared.
def watch_writes() -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE matrix_writes (n INTEGER NOT NULL)")
        cursor.execute("INSERT INTO matrix_writes VALUES (0)")
        for i, model in enumerate(fingerprinted_models()):
            table = model._meta.db_table
            for op in ("INSERT", "UPDATE", "DELETE"):
                cursor.execute(
                    f'CREATE TEMP TRIGGER matrix_{i}_{op.lower()} AFTER {op} ON "{table}" '
                    "BEGIN UPDATE matrix_writes SET n = n + 1; END"
                )


def writes() -> int:
    """Rows written to the fingerprinted tables so far in this transaction (monotonic)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT n FROM matrix_writes")
        else:
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
                [[m._meta.db_table for m in fingerprinted_models()]],
            )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_fingerprint_sees_a_change_in_any_column(world: World) -> None:
    """A change the old fingerprint (users, memberships, audit count) could not see, and the
    cheap counter of writes that decides whether to take it."""
    with transaction.atomic():
        before, written = state(), writes()
        OrgUnit.objects.filter(pk=world.unit["child"].pk).update(name="Tên khác")
        assert writes() > written
        assert changed(before, state()) == ["orgunits.OrgUnit (11 -> 11 rows)"]
        transaction.set_rollback(True)
    assert {"tracking.Assignment", "indicators.DataValue", "notifications.Webhook"} <= set(before)


# --- the matrix --------------------------------------------------------------------------------


def fill(route: str, params: dict[str, Any]) -> str:
    url = route
    for name, value in params.items():
        for converter in ("int", "str", "slug", "path", "uuid", ""):
            token = f"<{converter}:{name}>" if converter else f"<{name}>"
            url = url.replace(token, str(value))
    assert "<" not in url, f"{route}: a parameter is not filled: {url}"
    return "/" + url


def expected_for(expect: Expect, actor: str, relation: str) -> int:
    if actor == "anonymous":
        return expect.anonymous
    if actor == "superuser":
        return expect.superuser
    return expect.status[actor][relation]


def send(
    client: Client,
    method: str,
    url: str,
    *,
    data: dict[str, Any] | None = None,
    query: dict[str, Any] | None = None,
    as_json: bool = False,
) -> HttpResponse:
    call = getattr(client, method.lower())
    if query and method != "GET":
        url = f"{url}?{urlencode(query, doseq=True)}"
    if as_json:
        return call(url, json.dumps(data or {}), content_type="application/json")  # type: ignore[no-any-return]
    if method == "GET":
        return call(url, query or {})  # type: ignore[no-any-return]
    if method == "DELETE":
        return call(url)  # type: ignore[no-any-return]
    return call(url, data or {})  # type: ignore[no-any-return]


def check_case(world: World, route: str, expect: Expect) -> list[str]:
    """Every actor x relation of one expectation: what is wrong, as lines."""
    relations = ("own",) if expect.relation_free else RELATIONS
    failures: list[str] = []
    for actor in expect.actors or tuple(world.actors):
        for relation in relations:
            wanted = expected_for(expect, actor, relation)
            with transaction.atomic():
                params = expect.params(world, relation) if expect.params else {}
                data = expect.data(world, relation) if expect.data else None
                query = expect.query(world, relation) if expect.query else None
                url = fill(route, params)
                written = writes() if expect.mutates else None
                savepoint = transaction.savepoint()
                response = send(
                    fresh(world, actor),
                    expect.method,
                    url,
                    data=data,
                    query=query,
                    as_json=expect.json,
                )
                got = response.status_code
                said = f"{expect.method} {url} as {actor} ({relation})"
                if got != wanted:
                    failures.append(f"{said}: {got}, expected {wanted}")
                elif got >= 400 and written is not None and writes() != written:
                    after = state()
                    transaction.savepoint_rollback(savepoint)
                    moved = changed(state(), after)
                    if moved:
                        failures.append(f"{said}: refused but changed {', '.join(moved)}")
                elif 200 <= got < 300 and (expect.sees or expect.hides):
                    sees = expect.sees(world, actor, relation) if expect.sees else []
                    hides = expect.hides(world, actor, relation) if expect.hides else []
                    wrong = content_failures(received(response), sees, hides)
                    if wrong:
                        failures.append(f"{said}: {'; '.join(wrong)}")
                transaction.set_rollback(True)
    return failures


CASES = [(route, i) for route, expects in EXPECTATIONS.items() for i in range(len(expects))]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "index"),
    CASES,
    ids=[f"{e.method} /{r}" for r, i in CASES for e in [EXPECTATIONS[r][i]]],
)
def test_access_matrix(world: World, route: str, index: int) -> None:
    failures = check_case(world, route, EXPECTATIONS[route][index])
    assert not failures, "\n".join(failures)


# --- completeness by (route, method) ------------------------------------------------------------


def accepted_operations(world: World) -> tuple[set[tuple[str, str]], list[str]]:
    """Every (route, method) the project accepts, and the probes that answered 5xx.

    ninja routes: the methods of their operations. Django views: each route asked every method
    as a superuser (the route's first expectation fills its parameters); 405 means "not
    accepted". Each probe is rolled back."""
    accepted: set[tuple[str, str]] = set()
    errors: list[str] = []
    for route, patterns in project_routes().items():
        methods = ninja_methods(patterns)
        if methods is not None:
            accepted.update((route, method) for method in methods)
            continue
        expects = EXPECTATIONS.get(route)
        if not expects and "<" in route:
            accepted.add((route, "?"))  # no parameters to ask it with: reported as missing
            continue
        first = expects[0] if expects else None
        for method in METHODS:
            with transaction.atomic():
                params = first.params(world, "own") if first and first.params else {}
                response = send(fresh(world, "superuser"), method, fill(route, params))
                transaction.set_rollback(True)
            if response.status_code >= 500:
                errors.append(f"{method} /{route}: {response.status_code}")
            if response.status_code != 405:
                accepted.add((route, method))
    return accepted, errors


@pytest.mark.django_db
def test_every_operation_has_an_expectation(world: World) -> None:
    accepted, errors = accepted_operations(world)
    missing = sorted(accepted - declared())
    assert not missing, (
        "These (route, method) pairs are accepted but have no access expectation: "
        + ", ".join(f"{m} /{r}" for r, m in missing)
        + ". Add an Expect for each in tests/access_expectations.py."
    )
    # An expectation for a method the route does not accept must say so (405, as a check that
    # it is refused); any other is stale.
    stale = sorted(
        f"{e.method} /{route}"
        for route, expects in EXPECTATIONS.items()
        for e in expects
        if (route, e.method) not in accepted and e.superuser != 405
    )
    assert not stale, f"Expectations for operations the project does not accept: {stale}"
    assert not errors, f"Probing answered 5xx: {errors}"


@pytest.mark.django_db
def test_the_fixed_users_sign_in_with_the_shared_password(world: World) -> None:
    viewer = world.actors["viewer"]
    assert viewer is not None
    assert Client().login(username=viewer.username, password=PASSWORD)
