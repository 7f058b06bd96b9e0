"""The notice centre in a real browser (issue 14): the bell counts, a notice opens its work and
is then read; every notifications page fits a 390 px phone without sideways scrolling."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.notifications import services
from namhoc.notifications.tests.helpers import dispatch
from namhoc.tracking.tests.helpers import assign
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(os.environ.get("NAMHOC_TEST_ARTIFACTS") or "test-artifacts") / "notifications"


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_bell_the_list_and_the_phone_layout(page, org, people, password) -> None:  # type: ignore[no-untyped-def]
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    assignment = assign(
        actor=people.province_officer,
        task=plan.tasks.get(position=1),
        unit=org.commune_a1,
        deadline="15/01/2027",
    )
    dispatch()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "commune_officer", password)
    assert page.get_by_test_id("bell-count").inner_text() == "2"
    page.get_by_test_id("bell").click()
    page.wait_for_url("**/thong-bao/")
    assert page.get_by_test_id("notice").count() == 2
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / "list-390.png"), full_page=True)
    page.get_by_test_id("notice").filter(has_text="được giao chủ trì").get_by_role(
        "button", name="Mở"
    ).click()
    page.wait_for_url(f"**/theo-doi/phan-cong/{assignment.pk}/")
    assert page.get_by_test_id("bell-count").inner_text() == "1"
    page.goto("/thong-bao/cai-dat/")
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / "preferences-390.png"), full_page=True)

    services.webhook_create(
        actor=people.province_admin,
        unit="p-a",
        name="Cổng thông tin điều hành của Sở Giáo dục và Đào tạo",
        url="https://congvan.sgddt.example.vn/api/namhoc/nhan-thong-bao?kenh=zalo-oa-so-gddt",
        kinds=["deadline.3d", "deadline.1d", "assignment.overdue"],
    )
    page.context.clear_cookies()
    sign_in(page, "province_admin", password)
    for url in ("/thong-bao/webhook/", "/thong-bao/gui-loi/"):
        page.goto(url)
        assert _fits(page), url
    page.goto("/thong-bao/webhook/")
    page.screenshot(path=str(ARTIFACTS / "webhooks-390.png"), full_page=True)
