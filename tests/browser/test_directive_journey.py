"""The main journey in headless Chromium: upload, correct a task, publish, assign, report
progress with a file, see the dashboard change."""

from __future__ import annotations

import re

import pytest

from namhoc.directives.tests.helpers import DATA, PROVINCE_DOC
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_directive_to_tracked_work(page, people, password, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The province officer uploads the Department's plan.
    sign_in(page, "province_officer", password)
    page.wait_for_url("**/")
    page.goto("/van-ban/tai-len/")
    # The issuing unit is pre-ticked (the officer's own); the file is read in the background.
    page.get_by_label("Tệp văn bản (.docx, .doc, .pdf, .html, .txt)").set_input_files(
        str(DATA / PROVINCE_DOC)
    )
    page.get_by_role("button", name="Tải lên và đọc").click()
    # Reading runs in the background; the page follows it and opens the review.
    page.get_by_role("link", name="Mở trang kiểm tra").or_(
        page.get_by_test_id("tasks")
    ).first.wait_for()
    if page.get_by_role("link", name="Mở trang kiểm tra").count():
        page.get_by_role("link", name="Mở trang kiểm tra").click()
    page.wait_for_url(re.compile(r"/van-ban/\d+/$"))
    assert "1520/KH-SGDĐT" in page.get_by_role("heading", level=1).inner_text()

    # Choosing a task marks its text in the source.
    task_two = page.locator(".task").nth(1)
    task_two.locator(".task-link").click()
    assert re.search(r"#nv-\d+$", page.url)
    marked = page.locator(".src-task:target")
    assert "Bảo đảm đủ giáo viên" in marked.inner_text()

    # Correct the task's title, then publish.
    task_two.get_by_text("Sửa", exact=True).click()
    task_two.get_by_label("Tên nhiệm vụ").fill("Bảo đảm đủ giáo viên theo định mức")
    task_two.get_by_role("button", name="Lưu nhiệm vụ").click()
    page.get_by_text("Bảo đảm đủ giáo viên theo định mức").first.wait_for()
    page.get_by_role("link", name="Ban hành…").click()
    page.get_by_role("button", name="Xác nhận ban hành").click()
    assert page.get_by_test_id("directive-status").inner_text() == "Đã ban hành"

    # Assign task 3 to every commune of the province, with a deadline.
    page.locator(".task").nth(2).get_by_role("link", name="Phân công").click()
    page.get_by_label("Hoặc giao cho mọi đơn vị cấp").select_option("commune")
    page.get_by_label("Hạn hoàn thành").fill("31/12/2099")
    page.get_by_role("button", name="Giao nhiệm vụ").click()
    assignments = page.get_by_test_id("assignments")
    assert assignments.get_by_role("link").all_inner_texts() == ["Xã An Lạc", "Phường Hòa Bình"]

    # The dashboard: nothing due yet.
    page.goto("/theo-doi/bang-dieu-khien/?don_vi=p-a")
    assert page.get_by_test_id("rate").inner_text() == "chưa có việc đến hạn"
    assert page.get_by_test_id("on-time").inner_text() == "0"

    # The commune officer reports completion with a PDF as evidence.
    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, "commune_officer", password)
    page.wait_for_url("**/")
    page.goto("/theo-doi/don-vi/c-a1/")
    page.get_by_test_id("open-work").get_by_role("link").first.click()
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    page.get_by_label("Nội dung cập nhật").fill("Đã huy động 100% trẻ 5 tuổi ra lớp.")
    page.get_by_label("Tiến độ (%)").fill("100")
    page.get_by_label("Minh chứng (PDF, Word, Excel, ảnh JPG/PNG)").set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi cập nhật").click()
    assert page.get_by_test_id("status").inner_text() == "Hoàn thành đúng hạn"
    assert page.get_by_role("link", name="bien-ban.pdf").count() == 1

    # The province sees the dashboard change.
    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, "province_officer", password)
    page.wait_for_url("**/")
    page.goto("/theo-doi/bang-dieu-khien/?don_vi=p-a")
    assert page.get_by_test_id("rate").inner_text() == "100%"
    assert page.get_by_test_id("on-time").inner_text() == "1"
