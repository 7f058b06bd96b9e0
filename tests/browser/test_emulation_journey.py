"""Emulation in a real browser (issue 16): the commune opens its year and seats its council; the
school registers a title; at the year's end it assesses itself with evidence (namhoc values the
criteria from the year's record); the council votes, each member once; the commune records the
decision and drafts it in Word; the school's history shows the title. Every page fits a 390 px
phone and a desktop; screenshots in ``journeys/thi-dua/`` under ``NAMHOC_TEST_ARTIFACTS``."""

from __future__ import annotations

import re

import docx
import pytest
from conftest import make_user

from namhoc.accounts.models import Role
from namhoc.emulation.models import EmulationRound, Registration
from tests.browser.conftest import sign_in
from tests.browser.test_inspection_journey import DESKTOP, PDF, Journey, sign_out

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_register_assess_vote_and_decide(page, org, people, password, tmp_path) -> None:  # type: ignore[no-untyped-def]
    make_user("uy-vien-1", "Bùi Văn Một", (org.commune_a1, Role.VIEWER))
    make_user("uy-vien-2", "Cao Thị Hai", (org.commune_a1, Role.VIEWER))
    journey = Journey(page, "thi-dua")
    page.set_viewport_size(DESKTOP)

    # The commune opens its year (its home unit chosen already) and seats its council.
    sign_in(page, "commune_officer", password)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Thi đua", exact=True).click()
    page.wait_for_url("**/thi-dua/")
    journey.check("thi-dua")
    page.get_by_text("Mở đợt thi đua của đơn vị").click()
    assert page.locator('input[name="unit"][value="c-a1"]').is_checked()
    page.get_by_role("button", name="Mở đợt thi đua").click()
    page.wait_for_url(re.compile(r"/thi-dua/dot/\d+/$"))
    found = EmulationRound.objects.get()
    round_url = page.url
    council = page.get_by_test_id("council-form")
    for name, role in (
        ("Phạm Văn Xã", "Chủ tịch hội đồng"),
        ("Bùi Văn Một", "Ủy viên"),
        ("Cao Thị Hai", "Ủy viên"),
    ):
        council.get_by_label("Người").select_option(label=name)
        council.get_by_label("Vai trò").select_option(label=role)
        council.get_by_role("button", name="Thêm vào hội đồng").click()
        assert f"Đã thêm {name} vào hội đồng." in journey.message()
    journey.check("dot-thi-dua")
    sign_out(page)

    # The school registers its collective title (its own unit chosen already).
    sign_in(page, "school_principal", password)
    page.wait_for_url("**/")
    page.goto(round_url)
    form = page.get_by_test_id("register-form")
    form.get_by_label("Danh hiệu").select_option("tt_lao_dong_tien_tien")
    assert page.locator('input[name="unit"][value="s-a1"]').is_checked()
    form.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url(re.compile(r"/thi-dua/ho-so/\d+/$"))
    registration = Registration.objects.get()
    registration_url = page.url
    journey.check("dang-ky")
    sign_out(page)

    sign_in(page, "commune_officer", password)
    page.wait_for_url("**/")
    page.goto(round_url)
    page.get_by_role("button", name=re.compile("chuyển sang tự đánh giá")).click()
    assert "Tự đánh giá cuối năm" in page.get_by_test_id("round-status").inner_text()
    sign_out(page)

    # The year's end: the school assesses itself, with evidence.
    sign_in(page, "school_principal", password)
    page.wait_for_url("**/")
    page.goto(registration_url)
    evidence = tmp_path / "bang-khen.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("Tự đánh giá (kết quả, thành tích trong năm học)").fill(
        "Trường hoàn thành tốt các nhiệm vụ năm học."
    )
    page.get_by_label(re.compile("Không có cá nhân bị kỷ luật")).check()
    page.get_by_label("Minh chứng (PDF, Word, Excel, ảnh JPG/PNG)").set_input_files(str(evidence))
    page.get_by_role("button", name="Nộp tự đánh giá").click()
    assert "Đã nộp tự đánh giá" in journey.message()
    assert page.get_by_test_id("registration-status").inner_text() == "Đã nộp tự đánh giá"
    assert "bang-khen.pdf" in page.get_by_test_id("evidence").inner_text()
    journey.check("tu-danh-gia")
    sign_out(page)

    sign_in(page, "commune_officer", password)
    page.wait_for_url("**/")
    page.goto(round_url)
    page.get_by_role("button", name="Kết thúc tự đánh giá, mở bỏ phiếu").click()
    assert "Hội đồng xét, bỏ phiếu" in page.get_by_test_id("round-status").inner_text()
    sign_out(page)

    # The council votes, each member once.
    for username, choice in (
        ("commune_officer", "Đồng ý"),
        ("uy-vien-1", "Đồng ý"),
        ("uy-vien-2", "Không đồng ý"),
    ):
        sign_in(page, username, password)
        page.wait_for_url("**/")
        page.goto(registration_url)
        page.get_by_test_id("vote-form").get_by_role("button", name=choice, exact=True).click()
        assert "Đã ghi phiếu của bạn." in journey.message()
        assert page.get_by_test_id("voted").is_visible()
        if username == "uy-vien-2":
            journey.check("bo-phieu")
        sign_out(page)

    # The decision: recorded, drafted in Word; the school's history shows its title.
    sign_in(page, "commune_officer", password)
    page.wait_for_url("**/")
    page.goto(round_url)
    assert (
        "2 đồng ý, 1 không / 3 thành viên · Đạt"
        in page.get_by_test_id("registrations").inner_text()
    )
    decide = page.get_by_test_id("decide-form")
    decide.get_by_label("Số quyết định").fill("25/QĐ-UBND")
    decide.get_by_role("button", name=re.compile("ghi quyết định khen thưởng")).click()
    assert "Đã có quyết định khen thưởng" in page.get_by_test_id("round-status").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("decision-download").click()
    texts = [p.text for p in docx.Document(download.value.path()).paragraphs]
    assert "QUYẾT ĐỊNH" in texts
    assert "- Trường Tiểu học An Lạc;" in texts
    journey.check("quyet-dinh")
    page.goto("/thi-dua/don-vi/s-a1/")
    assert "Được công nhận" in page.get_by_test_id("history").inner_text()
    journey.check("lich-su")
    registration.refresh_from_db()
    assert registration.result == "awarded"
    assert found.pk == registration.round_id
