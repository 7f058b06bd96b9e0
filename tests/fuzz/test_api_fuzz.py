"""No request to the JSON API answers 5xx (issue 9, item 6): schemathesis over the whole OpenAPI
schema, in-process through the WSGI application, signed in as a person holding every role at
province A of a small world (``tests/fuzz/world.py``), with the session cookie and the CSRF token
on unsafe methods. Path parameters mix the world's real ids and keys (in and out of scope) with
generated ones.

The CI gate is schemathesis's ``not_a_server_error``. Every example runs in a savepoint rolled
back after it, so a deleted directive or a disabled account does not starve the next ones.
Examples per operation: ``NAMHOC_FUZZ_EXAMPLES`` (default :data:`EXAMPLES`, sized for CI's two
cores); the seed is fixed (``derandomize``) so a failure reproduces; the number of cases tried is
printed at the end of the run.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from namhoc.api.api import api
from tests.fuzz.counting import CASES, POOLS, STATUSES
from tests.fuzz.world import FuzzWorld

EXAMPLES = int(os.environ.get("NAMHOC_FUZZ_EXAMPLES", "25"))

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",  # valid input and input the schema forbids (wrong types, missing)
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = get_wsgi_application()

# Query and body fields naming an object: the pool of real values they can take.
REAL_FIELDS = {
    "unit": "key",
    "units": "key",
    "parent": "key",
    "period": "period_code",
    "data_set": "data_set_code",
    "indicator": "code",
    "school_year": "school_year",
    "directive_id": "directive_id",
    "upper_id": "directive_id",
    "plan_id": "directive_id",
    "task_id": "task_id",
    "upper_task_id": "task_id",
    "task_ids": "task_id",
    "user_id": "user_id",
    "person": "user_id",
    "version": "version",
    "role": "role",
}


def _mixed(values: dict[str, Any] | None, names: dict[str, str]) -> Any:
    """Each field naming an object takes one of the world's real values (own province's and
    others') two times in three, else what schemathesis generated."""
    if not isinstance(values, dict) or not values:
        return st.just(values)
    fields = {}
    for name, value in values.items():
        pool = POOLS.get(names.get(name, ""), [])
        if not pool:
            fields[name] = st.just(value)
        elif isinstance(value, list):
            real = st.lists(st.sampled_from(pool), min_size=1, max_size=3)
            fields[name] = st.one_of(st.just(value), real, real)
        else:
            fields[name] = st.one_of(st.just(value), st.sampled_from(pool), st.sampled_from(pool))
    return st.fixed_dictionaries(fields)


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    return _mixed(path_parameters, {name: name for name in POOLS})


@schema.hook
def flatmap_query(context: Any, query: dict[str, Any] | None) -> Any:
    return _mixed(query, REAL_FIELDS)


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    return _mixed(body, REAL_FIELDS)


@pytest.fixture(scope="module")
def signed_in(fuzz_world: FuzzWorld) -> dict[str, Any]:
    """Cookies and headers of a browser signed in as the world's actor."""
    client = Client()
    client.force_login(fuzz_world.actor)
    client.get("/")  # records the session, sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
    }


@pytest.mark.slow
@pytest.mark.fuzz
@pytest.mark.django_db
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_no_5xx(case: Any, signed_in: dict[str, Any]) -> None:
    CASES["api"] += 1
    with transaction.atomic():
        response = case.call(cookies=signed_in["cookies"], headers=signed_in["headers"])
        transaction.set_rollback(True)
    STATUSES[f"{case.method} {case.path} {response.status_code}"] += 1
    case.validate_response(response, checks=[not_a_server_error])
