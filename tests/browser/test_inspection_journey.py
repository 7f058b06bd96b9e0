"""An inspection in a real browser (issue 16): the province plans it, inspects a school (team,
checklist drawn from the school's work, results, findings, a recommendation), concludes — the
recommendation becomes the school's work — the school reports it done with evidence, the
province accepts it, and the recommendation shows closed. Every page of the journey fits a
390 px phone (no sideways scroll) and a desktop; screenshots are kept under
``NAMHOC_TEST_ARTIFACTS`` (default ``test-artifacts/``) in ``journeys/kiem-tra/``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import docx
import pytest

from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.inspections.models import Inspection
from namhoc.tracking.tests.helpers import assign
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ARTIFACTS = Path(os.environ.get("NAMHOC_TEST_ARTIFACTS") or "test-artifacts") / "journeys"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ENGLISH = re.compile(r"\b(None|True|False|Error|Traceback|null|undefined|Page not found)\b")
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Journey:
    """One person's pages: each checked at a desktop width and at 390 px, screenshots kept."""

    def __init__(self, page: Any, folder: str) -> None:
        self.page = page
        self.folder = ARTIFACTS / folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.step = 0

    def check(self, name: str) -> None:
        self.step += 1
        page = self.page
        text = page.locator("main").inner_text()
        assert not ENGLISH.search(text), f"{name}: {ENGLISH.search(text)}"
        assert not ISO_DATE.search(text), f"{name}: a date not in dd/mm/yyyy"
        for label, size in (("desktop", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(size)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], f"{name} at {label}: {width} px wide"
            page.screenshot(
                path=str(self.folder / f"{self.step:02d}-{name}-{label}.png"), full_page=True
            )
        page.set_viewport_size(DESKTOP)

    def message(self) -> str:
        return str(self.page.locator(".messages").inner_text())


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/dang-nhap/**")


def test_plan_inspect_conclude_and_close_the_follow_up(
    page, org, people, password, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    directive = published(people.province_officer, org.province_a, PROVINCE_DOC)
    task = directive.tasks.get(position=1)
    assign(actor=people.province_officer, task=task, unit=org.school_a1, deadline="30/06/2099")
    journey = Journey(page, "kiem-tra")
    page.set_viewport_size(DESKTOP)
    sign_in(page, "province_officer", password)
    page.wait_for_url("**/")

    # Plan: the home unit is chosen already.
    page.get_by_role("link", name="Kiểm tra", exact=True).click()
    page.wait_for_url("**/kiem-tra/")
    journey.check("kiem-tra")
    page.get_by_text("Lập kế hoạch kiểm tra").click()
    assert page.locator('input[name="unit"][value="p-a"]').is_checked()
    form = page.get_by_test_id("plan-form")
    form.get_by_label("Năm học").fill("2025-2026")
    form.get_by_label("Tên kế hoạch").fill("Kế hoạch kiểm tra chuyên đề")
    page.get_by_role("button", name="Lập kế hoạch").click()
    page.wait_for_url(re.compile(r"/kiem-tra/ke-hoach/\d+/$"))
    assert "Đã lập kế hoạch kiểm tra năm học 2025-2026." in journey.message()

    # Schedule the school's inspection: the school picked by name, without diacritics.
    page.get_by_label("Đơn vị được kiểm tra (kiểm tra nội bộ: để trống)").fill("an lac")
    page.locator("input[name=unit][value=s-a1]").check()
    page.get_by_label("Nội dung kiểm tra").fill("Việc thực hiện nhiệm vụ năm học")
    page.get_by_label("Từ ngày").fill("10/03/2026")
    page.get_by_label("Đến ngày").fill("12/03/2026")
    journey.check("ke-hoach")
    page.get_by_role("button", name="Lên lịch").click()
    page.wait_for_url(re.compile(r"/kiem-tra/\d+/$"))
    inspection = Inspection.objects.get()
    assert page.get_by_test_id("inspected-unit").inner_text() == "Trường Tiểu học An Lạc"

    # The team, the checklist drawn from the school's work, the results.
    page.get_by_text("Cử đoàn kiểm tra").click()
    page.get_by_label("Trưởng đoàn").select_option(label="Trần Văn Tỉnh")
    page.get_by_role("button", name="Lưu đoàn").click()
    assert "Trần Văn Tỉnh — trưởng đoàn" in page.get_by_test_id("team").inner_text()
    page.get_by_label("Nội dung tự ghi").fill("Hồ sơ chuyên môn của tổ")
    page.get_by_test_id("checklist-form").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Thêm vào danh mục").click()
    assert "Đã thêm 2 mục kiểm tra." in journey.message()
    results = page.get_by_test_id("results-form")
    selects = results.locator("select")
    selects.nth(0).select_option("dat")
    selects.nth(1).select_option("chua_dat")
    results.locator("input[type=text]").nth(1).fill("Chưa có kế hoạch chi tiết")
    page.get_by_role("button", name="Lưu kết quả").click()
    assert "Đã ghi kết quả kiểm tra." in journey.message()

    # Findings and a recommendation with its deadline.
    page.get_by_label("Nhận xét, kết luận của đoàn").fill(
        "Nhà trường thực hiện cơ bản đầy đủ; còn thiếu kế hoạch chi tiết."
    )
    page.get_by_role("button", name="Lưu kết luận của đoàn").click()
    form = page.get_by_test_id("recommendation-form")
    form.get_by_label("Kiến nghị").fill("Xây dựng kế hoạch giáo dục chi tiết của tổ chuyên môn")
    form.get_by_label("Thời hạn").fill("30/06/2099")
    page.get_by_role("button", name="Thêm kiến nghị").click()
    assert "Đã thêm kiến nghị." in journey.message()
    journey.check("kiem-tra-truong")

    # The record in Word, then the conclusion: published, the recommendation given as work.
    with page.expect_download() as record:
        page.get_by_test_id("record-download").click()
    texts = [p.text for p in docx.Document(record.value.path()).paragraphs]
    assert texts[0] == "BIÊN BẢN"
    page.get_by_label("Số kết luận (để trống nếu chưa cấp số)").fill("15/KL-SGDĐT")
    page.get_by_label("Họ và tên người ký").fill("Lê Văn Hùng")
    page.get_by_role("button", name="Ban hành kết luận").click()
    assert (
        "Đã ban hành kết luận; 1 kiến nghị đã thành việc của Trường Tiểu học An Lạc."
        in journey.message()
    )
    assert page.get_by_test_id("follow-up").inner_text() == "Đang thực hiện"
    with page.expect_download() as conclusion:
        page.get_by_test_id("conclusion-download").click()
    stored = docx.Document(conclusion.value.path())
    texts = [p.text for p in stored.paragraphs]
    assert "KẾT LUẬN" in texts
    assert any("Xây dựng kế hoạch giáo dục chi tiết" in t and "30/06/2099" in t for t in texts)
    journey.check("ket-luan")
    work = inspection.recommendations.get().assignment
    sign_out(page)

    # The school finds it in its open work and reports it done with evidence.
    sign_in(page, "school_principal", password)
    page.wait_for_url("**/")
    page.goto("/theo-doi/don-vi/s-a1/")
    journey.check("viec-cua-truong")
    page.get_by_role("link", name=re.compile("Xây dựng kế hoạch giáo dục chi tiết")).click()
    page.wait_for_url(f"**/theo-doi/phan-cong/{work.pk}/")
    evidence = tmp_path / "ke-hoach-to.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("Nội dung cập nhật").fill("Tổ chuyên môn đã xây dựng kế hoạch chi tiết.")
    page.get_by_label("Tiến độ (%)").fill("100")
    page.get_by_label("Minh chứng (PDF, Word, Excel, ảnh JPG/PNG)").set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi cập nhật").click()
    assert "Đã gửi cập nhật tiến độ." in journey.message()
    sign_out(page)

    # The province sees it reported, accepts the report: the recommendation is closed.
    sign_in(page, "province_officer", password)
    page.wait_for_url("**/")
    page.goto(f"/kiem-tra/{inspection.pk}/")
    assert page.get_by_test_id("follow-up").inner_text() == "Đã báo cáo hoàn thành, chờ chấp nhận"
    page.get_by_test_id("follow-up-link").click()
    page.wait_for_url(f"**/theo-doi/phan-cong/{work.pk}/")
    page.get_by_role("button", name="Chấp nhận báo cáo").click()
    assert "Đã chấp nhận báo cáo." in journey.message()
    page.goto(f"/kiem-tra/{inspection.pk}/")
    assert (
        page.get_by_test_id("follow-up").inner_text()
        == "Đã khắc phục (có minh chứng, đã chấp nhận)"
    )
    assert page.get_by_test_id("closed-count").inner_text() == "1/1"
    journey.check("da-khac-phuc")
    page.goto(f"/kiem-tra/ke-hoach/{inspection.plan_id}/")
    journey.check("ke-hoach-sau")
