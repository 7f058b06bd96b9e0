"""A day's work for each role in a real browser (issue 11), at a desktop width and on a 390 px
phone: every page of the journey opens without an error, fits the screen (no sideways scroll),
speaks Vietnamese, shows dates as dd/mm/yyyy — and a screenshot of each is kept under
``NAMHOC_TEST_ARTIFACTS`` (default ``test-artifacts/``) in ``journeys/<role>/``.

The roles: a province specialist (assigns work, follows it, answers reports, reads figures), a
commune officer (does the work, reports, sees a returned report first), a school principal
(enters and approves the school's figures), a unit admin (creates the accounts that do the work,
reads the audit log).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.indicators.tests.helpers import setup_figures
from namhoc.tracking.tests.helpers import assign, report
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ARTIFACTS = Path(os.environ.get("NAMHOC_TEST_ARTIFACTS", "test-artifacts")) / "journeys"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ENGLISH = re.compile(r"\b(None|True|False|Error|Traceback|null|undefined|Page not found)\b")
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


# The elements reaching past the right edge, deepest first (to say what to fix).
WIDEST = """
() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
"""


class Journey:
    """Visits pages as one person; checks each at both widths and keeps its screenshots."""

    def __init__(self, page: Any, role: str) -> None:
        self.page = page
        self.folder = ARTIFACTS / role
        self.folder.mkdir(parents=True, exist_ok=True)
        self.step = 0

    def check(self, name: str) -> None:
        """The page now shown: readable at both widths, no English, no ISO dates."""
        self.step += 1
        page = self.page
        text = page.locator("main").inner_text()
        assert not ENGLISH.search(text), f"{name}: {ENGLISH.search(text)}"
        assert not ISO_DATE.search(text), (
            f"{name}: a date not in dd/mm/yyyy: {ISO_DATE.search(text)}"
        )
        assert page.locator("h1").count() >= 1, name
        for label, size in (("desktop", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(size)
            wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if wide[0] > wide[1]:
                culprits = page.evaluate(WIDEST)
                raise AssertionError(
                    f"{name} at {label}: {wide[0]} px wide in {wide[1]} px; widest: {culprits}"
                )
            page.screenshot(
                path=str(self.folder / f"{self.step:02d}-{name}-{label}.png"), full_page=True
            )
        page.set_viewport_size(DESKTOP)

    def visit(self, path: str, name: str) -> None:
        response = self.page.goto(path)
        assert response is not None, path
        assert response.status == 200, f"{path}: {response.status}"
        self.check(name)


@pytest.fixture
def world(org: Any, people: Any) -> dict[str, Any]:
    figures = setup_figures(org, people)
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    return {"figures": figures, "plan": plan}


def test_province_specialist(page, org, people, password, world) -> None:  # type: ignore[no-untyped-def]
    plan = world["plan"]
    journey = Journey(page, "chuyen-vien-so")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "province_officer", password)
    page.wait_for_url("**/")
    journey.check("trang-chu")

    # Directives: search without diacritics finds the province's plan.
    journey.visit("/van-ban/?q=phu an", "van-ban")
    assert plan.number in page.locator("main").inner_text()

    # Assign task 1 to a commune picked by name (no diacritics typed), deadline dd/mm/yyyy.
    task = plan.tasks.get(position=1)
    journey.visit(f"/theo-doi/nhiem-vu/{task.pk}/phan-cong/", "phan-cong")
    page.get_by_label("Đơn vị thực hiện").fill("an lac")
    page.locator("input[name=units][value=c-a1]").check()
    page.get_by_label("Hạn hoàn thành").fill("31/12/2099")
    page.get_by_role("button", name="Giao nhiệm vụ").click()
    assert "Đã giao nhiệm vụ cho 1 đơn vị" in page.locator(".messages").inner_text()
    assert page.get_by_test_id("assignments").get_by_role("link").all_inner_texts() == ["Xã An Lạc"]
    journey.check("da-giao")

    # The commune reported; the specialist returns the report with a comment.
    assignment = task.assignments.get()
    report(actor=people.commune_officer, assignment=assignment, text="Đã xong", percent=100)
    journey.visit(f"/theo-doi/phan-cong/{assignment.pk}/", "bao-cao-tien-do")
    page.get_by_label("Ý kiến (bắt buộc khi trả lại)").fill("Thiếu biên bản họp triển khai.")
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    assert "Bị trả lại" in page.get_by_test_id("review").first.inner_text()

    # Dashboards: tracked work sorted worst first, then by name; figures; scorecard; reports.
    journey.visit("/theo-doi/bang-dieu-khien/?don_vi=p-a&nam_hoc=2025-2026", "bang-theo-doi")
    page.get_by_role("link", name="Đơn vị").first.click()
    journey.check("bang-theo-doi-theo-ten")
    journey.visit("/so-lieu/p-a/tong-quan/", "so-lieu-tinh")
    journey.visit("/so-lieu/p-a/xep-hang/", "xep-hang")
    journey.visit("/bao-cao/", "bao-cao")


def test_commune_officer(page, org, people, password, world) -> None:  # type: ignore[no-untyped-def]
    plan = world["plan"]
    later = assign(
        actor=people.province_officer,
        task=plan.tasks.get(position=1),
        unit=org.commune_a1,
        deadline="31/12/2099",
    )
    sooner = assign(
        actor=people.province_officer,
        task=plan.tasks.get(position=2),
        unit=org.commune_a1,
        deadline="30/06/2099",
    )
    update = report(actor=people.commune_officer, assignment=later, text="Xong", percent=100)
    from namhoc.tracking.services import progress_review

    progress_review(
        actor=people.province_officer,
        update_id=update.pk,
        decision="returned",
        comment="Thiếu biên bản.",
    )
    journey = Journey(page, "can-bo-xa")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "commune_officer", password)
    page.wait_for_url("**/")
    journey.check("trang-chu")

    # The returned report stands first, although its deadline is later.
    journey.visit("/theo-doi/don-vi/c-a1/", "viec-can-lam")
    rows = page.get_by_test_id("open-work").locator("tbody tr")
    assert "Báo cáo bị trả lại" in rows.first.inner_text()
    assert "31/12/2099" in rows.first.inner_text()
    assert "30/06/2099" in rows.nth(1).inner_text()
    rows.first.get_by_role("link").first.click()
    journey.check("viec-bi-tra-lai")
    assert "Lý do trả lại" in page.locator("main").inner_text()
    page.get_by_label("Nội dung cập nhật").fill("Đã bổ sung biên bản họp triển khai.")
    page.get_by_label("Tiến độ (%)").fill("100")
    page.get_by_role("button", name="Gửi cập nhật").click()
    assert page.get_by_test_id("status").inner_text() == "Hoàn thành đúng hạn"
    assert sooner.pk  # still open in the list
    journey.visit("/theo-doi/bang-dieu-khien/", "bang-theo-doi")
    journey.visit("/thong-bao/", "thong-bao")


def test_school_principal(page, org, people, password, world) -> None:  # type: ignore[no-untyped-def]
    figures = world["figures"]
    journey = Journey(page, "hieu-truong")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "school_principal", password)
    page.wait_for_url("**/")
    journey.check("trang-chu")
    entry = f"/so-lieu/s-a1/ky/{figures.start_2025.code}/bieu/{figures.dn_th.code}/"
    journey.visit(entry, "nhap-so-lieu")
    values = {
        "TH_LOP": "12",
        "TH_HS": "1.250",
        "TH_HS_NU": "600",
        "TH_HS_DTTS": "30",
        "TH_HS_DUNG_TUOI": "1.200",
        "TH_HS_2BUOI": "1.100",
        "TH_HS_KT": "3",
        "TH_GV": "40",
        "TH_GV_CHUAN": "38",
        "TH_PHONG": "12",
        "TH_PHONG_KC": "10",
        "TH_CHUAN_QG": "1",
    }
    for code, value in values.items():
        page.locator(f"#f-{code}").fill(value)
    page.get_by_role("button", name="Lưu số liệu").click()
    page.get_by_test_id("notice").wait_for()
    assert page.locator("#f-TH_HS").input_value() == "1.250"
    assert "Đã nhập 12/12 số liệu bắt buộc" in page.locator("main").inner_text()
    journey.check("da-luu")
    # The commune approves its schools' figures; the school then sees them locked.
    from namhoc.indicators.tests.helpers import approve

    approve(
        actor=figures.commune_approver,
        unit=org.commune_a1,
        data_set=figures.dn_th,
        period=figures.start_2025,
    )
    journey.visit(entry, "so-lieu-da-khoa")
    assert "phê duyệt" in page.get_by_test_id("locked").inner_text()
    journey.visit("/theo-doi/don-vi/s-a1/", "viec-can-lam")
    journey.visit("/so-lieu/s-a1/tong-quan/", "so-lieu-truong")


def test_unit_admin(page, org, people, password, world) -> None:  # type: ignore[no-untyped-def]
    journey = Journey(page, "quan-tri-don-vi")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "province_admin", password)
    page.wait_for_url("**/")
    journey.check("trang-chu")
    journey.visit("/nguoi-dung/", "nguoi-dung")
    journey.visit("/nguoi-dung/them/", "them-nguoi-dung")
    page.get_by_label("Tên đăng nhập").fill("gv.anlac")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Đơn vị").fill("an lac")
    page.locator("input[name=unit][value=s-a1]").check()
    role = page.get_by_label("Vai trò")
    role.select_option(label="Chuyên viên")
    page.get_by_role("button", name="Tạo người dùng").click()
    page.wait_for_url(re.compile(r"/nguoi-dung/\d+/$"))
    assert "Nguyễn Thị Hoa" in page.locator("main").inner_text()
    journey.check("nguoi-dung-moi")
    journey.visit("/nhat-ky/", "nhat-ky")
    assert "Tạo người dùng" in page.locator("main").inner_text()
