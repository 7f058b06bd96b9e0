"""The fuzzers' world (built once for the package, rolled back at its end). Their summary line
(how many cases each tried in this run, issue 9 item 6) is printed by the root conftest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from tests.fuzz.counting import POOLS
from tests.fuzz.world import FuzzWorld, build_fuzz_world


@pytest.fixture(scope="package")
def fuzz_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[FuzzWorld]:
    """The small world of ``tests/fuzz/world.py``, built once in a transaction that is rolled
    back after the last fuzzer. Each fuzzed request runs in a savepoint of its own."""
    # As Django's test client does: a request through the WSGI handler must not close the
    # connection the test's transaction lives on.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            world = build_fuzz_world()
            # Django's test client (used to sign in) connects them again after each request
            request_started.disconnect(close_old_connections)
            request_finished.disconnect(close_old_connections)
            POOLS.clear()
            POOLS.update(world.pools)
            yield world
            transaction.set_rollback(True)
    finally:
        POOLS.clear()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _keep_the_worlds_connection() -> None:
    """Every fuzzed request runs inside the world's transaction: ``close_old_connections`` on a
    request's start or end would close that connection on PostgreSQL (a connection inside an
    atomic block is "unusable" to it), and a test that used Django's test client has connected
    it again. On SQLite's in-memory database closing is a no-op, which hid this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Schemathesis names each API operation's test ``test_api_answers_no_5xx[GET /api/me]`` but,
    under pytest 9, gives all of them the node id of the bare function. pytest-xdist schedules by
    node id, so it would run one of the 136 operations and drop the rest (and reports could not
    tell them apart): give each the id its name says."""
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and item.parent is not None and not item.nodeid.endswith("]"):
            item._id = item.parent.id.child(item.originalname).with_params(label)  # type: ignore[attr-defined]
