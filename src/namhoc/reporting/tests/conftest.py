"""Documents drafted once per test module from the helpers' world (then rolled back): the render
tests only read the bytes, so they need no database of their own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import build_org_tree, build_people
from django.db import transaction

from namhoc.reporting.tests.helpers import build_world, request_and_build, stored


@pytest.fixture(scope="module")
def drafted(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, bytes]]:
    """``{"year_end": docx, "year_end.xlsx": annex, "plan": docx, "semester": docx}``."""
    out: dict[str, bytes] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        org = build_org_tree()
        people = build_people(org)
        build_world(org, people)
        for name, kwargs in (
            ("year_end", {"actor": people.province_officer, "unit_key": "p-a"}),
            ("plan", {"actor": people.commune_officer, "unit_key": "c-a1"}),
            ("semester", {"actor": people.school_principal, "unit_key": "s-a1"}),
        ):
            draft = request_and_build(kind=name, school_year="2025-2026", **kwargs)
            assert draft.status == "done", draft.message
            out[name] = stored(draft.file.name)
            out[f"{name}.xlsx"] = stored(draft.annex.name)
        transaction.set_rollback(True)
    return out
