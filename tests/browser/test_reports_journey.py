"""Reports in headless Chromium: ask for the province's year-end report, follow it, download
it; the reports pages fit a 390 px phone without sideways scrolling."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import docx
import pytest

from namhoc.reporting.tests.helpers import build_world
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(os.environ.get("NAMHOC_TEST_ARTIFACTS") or "test-artifacts")


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_draft_follow_and_download_a_report(page, org, people, password, tmp_path) -> None:  # type: ignore[no-untyped-def]
    build_world(org, people)
    sign_in(page, "province_officer", password)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.wait_for_url("**/bao-cao/")
    # The home unit is chosen already; pick the kind and the school year.
    assert page.locator('input[name="unit"][value="p-a"]').is_checked()
    page.get_by_label("Loại văn bản", exact=True).select_option("year_end")
    page.get_by_label("Năm học", exact=True).select_option("2025-2026")
    page.get_by_label("Họ và tên người ký").fill("Lê Văn Hùng")
    page.get_by_role("button", name="Soạn dự thảo").click()
    page.wait_for_url(re.compile(r"/bao-cao/ban-nhap/\d+/$"))
    page.get_by_test_id("download").wait_for()  # polled until drafted
    assert "Đã soạn xong" in page.get_by_test_id("draft-status").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    target = tmp_path / "bao-cao.docx"
    download.value.save_as(str(target))
    document = docx.Document(io.BytesIO(target.read_bytes()))
    assert document.paragraphs[0].text == "BÁO CÁO"
    assert download.value.suggested_filename == "bao-cao-tong-ket-2025-2026-tinh-phu-an-ban-1.docx"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    for name, url in (
        ("draft", page.url),
        ("index", "/bao-cao/"),
        ("templates", "/bao-cao/mau/"),
    ):
        page.goto(url)
        page.screenshot(path=str(ARTIFACTS / f"reports-{name}-390.png"), full_page=True)
        assert _fits(page), f"{name} scrolls sideways at 390 px"
