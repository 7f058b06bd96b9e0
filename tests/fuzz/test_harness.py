"""The form fuzzer finds what it is there to find: a form that crashes on odd digits ("²", ten
thousand nines), and one that writes before refusing (deliberately broken views,
``broken_urls.py``)."""

from __future__ import annotations

import pytest
from django.test import Client

from namhoc.accounts.models import User
from tests.fuzz.forms import Field, Form
from tests.fuzz.posting import fuzz_form
from tests.fuzz.state import snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.fuzz.broken_urls")]


def _form(route: str, field: str) -> Form:
    return Form(
        page="/",
        action=f"/{route}",
        route=route,
        multipart=False,
        fields=(Field(field, "text", "1"),),
        signed_in=False,
    )


def test_a_crash_on_odd_digits_is_reported_with_its_input_and_traceback() -> None:
    failure = fuzz_form(
        _form("fuzz-harness/crash/", "n"), Client(), {}, pools={}, baseline=snapshot()
    )
    assert failure is not None
    assert "POST /fuzz-harness/crash/ {n=" in failure
    assert "raised:\nTraceback" in failure
    assert "in crashes_on_odd_digits" in failure
    assert "ValueError" in failure


def test_a_refusal_that_wrote_is_reported_with_the_table() -> None:
    User.objects.create_user(username="fuzz-harness", password="x", full_name="Trước")
    failure = fuzz_form(
        _form("fuzz-harness/write/", "name"), Client(), {}, pools={}, baseline=snapshot()
    )
    assert failure is not None
    assert "answered 400 but wrote: ['accounts.User: 1 row(s) new or changed, 1 gone']" in failure
