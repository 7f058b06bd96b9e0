"""No web form answers 5xx, and a refused post writes nothing (issue 9, item 6).

The URLconf is walked (``tests/fuzz/forms.py``): every page is opened with the fuzz world's
objects as a person holding every role at province A, and every ``<form method="post">`` it
renders is read — its action, its encoding, its fields. Hypothesis then posts to each form the
values a browser would send, with one or more fields replaced (``tests/fuzz/values.py``): Unicode
digits, huge/negative numbers, exponents, NaN, 10 k – 1 M characters, empty, several values
for one field, control characters, odd dates, other units' ids and keys, random small files
with any name and type on upload forms; the action's own ids are sometimes swapped for other
units' objects. Every answer must be below 500 (the test client re-raises a view's exception,
so a crash fails with its traceback); a refusal (4xx) must leave every domain table as it was.

Examples per form: ``NAMHOC_FUZZ_FORM_EXAMPLES`` (default ``posting.EXAMPLES``); derandomized, so a
failure reproduces. Each post runs in a savepoint rolled back after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client

from tests.fuzz.counting import CASES
from tests.fuzz.forms import Form, discover
from tests.fuzz.posting import fuzz_form
from tests.fuzz.state import snapshot
from tests.fuzz.world import FuzzWorld

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


@dataclass
class Walked:
    forms: list[Form]
    statuses: dict[str, int | str]  # a page's status, or the traceback it raised
    cookies: dict[str, str]


@pytest.fixture(scope="module")
def walked(fuzz_world: FuzzWorld) -> Walked:
    client = Client()
    client.force_login(fuzz_world.actor)
    client.get("/")  # records the session
    with transaction.atomic():
        forms, statuses = discover(client, fuzz_world.joint, fuzz_world.pools)
        discover(Client(), fuzz_world.joint, fuzz_world.pools, signed_in=False, forms=forms,
                 statuses=statuses)  # fmt: skip
        transaction.set_rollback(True)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return Walked(forms=list(forms.values()), statuses=statuses, cookies=cookies)


# Forms the walk must find (a walk finding nothing would fuzz nothing and pass): one per area.
EXPECTED_ROUTES = (
    "dang-nhap/",
    "nguoi-dung/them/",
    "nguoi-dung/nhap/",
    "nguoi-dung/<int:user_id>/",
    "van-ban/tai-len/",
    "van-ban/<int:directive_id>/thong-tin/",
    "van-ban/<int:directive_id>/nhiem-vu/<int:task_id>/",
    "theo-doi/nhiem-vu/<int:task_id>/phan-cong/",
    "theo-doi/phan-cong/<int:assignment_id>/cap-nhat/",
    "so-lieu/<str:key>/ky/<str:period_code>/bieu/<str:data_set_code>/luu/",
    "so-lieu/<str:key>/chi-tieu/",
    "thong-bao/cai-dat/",
    "thong-bao/webhook/",
    "bao-cao/",
)


def test_the_walk_finds_the_forms_and_no_page_fails(walked: Walked) -> None:
    routes = {form.route for form in walked.forms}
    missing = [route for route in EXPECTED_ROUTES if route not in routes]
    assert not missing, f"the walk found no form posting to: {missing}"
    failed = {
        url: status
        for url, status in walked.statuses.items()
        if isinstance(status, str) or status >= 500
    }
    assert not failed, "pages failing on the walk:\n" + "\n".join(
        f"GET {url}: {status}" for url, status in failed.items()
    )
    CASES["pages walked"] += len(walked.statuses)


@pytest.mark.slow
def test_every_web_form_answers_no_5xx_and_a_refusal_writes_nothing(
    fuzz_world: FuzzWorld, walked: Walked
) -> None:
    client = Client()
    baseline = snapshot()  # the world before every post (each is rolled back)
    failures = [
        failure
        for form in walked.forms
        if (failure := fuzz_form(form, client, walked.cookies, fuzz_world.pools, baseline))
        is not None
    ]
    CASES["web forms found"] = len(walked.forms)
    assert not failures, f"{len(failures)} form(s) failed:\n\n" + "\n\n".join(failures)
