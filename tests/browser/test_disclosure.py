"""The public disclosure pages and the legal registry in headless Chromium (issue 17): a parent,
not signed in, finds a school without typing diacritics, reads its approved figures with their
period and approval date, downloads the open data; a province officer follows a citation from a
directive's review page to the registry and to who cites it. Desktop and 390 px, no sideways
scroll; screenshots under ``NAMHOC_TEST_ARTIFACTS`` (default ``test-artifacts/``)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone

from namhoc.core.types import SYSTEM
from namhoc.directives.models import Citation, Directive, SourceDocument
from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    THCS_FIGURES,
    approve,
    save_values,
    setup_figures,
)
from namhoc.legal.services import registry_load
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(os.environ.get("NAMHOC_TEST_ARTIFACTS") or "test-artifacts") / "disclosure"


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_parent_reads_a_schools_approved_figures(page, org, people, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = setup_figures(org, people)
    su = people.superuser
    save_values(
        actor=su, unit=org.school_a1, data_set=f.dn_th, period=f.start_2025, values=TH_FIGURES
    )
    save_values(
        actor=su, unit=org.school_a2, data_set=f.dn_thcs, period=f.start_2025, values=THCS_FIGURES
    )
    approve(actor=f.commune_approver, unit=org.commune_a1, data_set=f.dn_th, period=f.start_2025)

    for width, label in ((1280, "desktop"), (390, "390")):
        page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
        page.goto("/cong-khai/")
        page.get_by_test_id("unit-search").fill("an lac")
        page.get_by_role("button", name="Tìm").click()
        page.wait_for_url("**/cong-khai/?q=an+lac*")
        units = page.get_by_test_id("disclosure-units")
        assert units.get_by_role("link").all_inner_texts() == [
            "Trường Tiểu học An Lạc",
            "Xã An Lạc",
        ]
        _shoot(page, f"index-{label}")
        assert _fits(page), f"the index scrolls sideways at {width} px"
        units.get_by_role("link", name="Trường Tiểu học An Lạc").click()
        page.wait_for_url("**/cong-khai/s-a1/")
        assert page.get_by_test_id("unit-name").inner_text() == "Trường Tiểu học An Lạc"
        staff = page.get_by_test_id("section-doi-ngu")
        assert "Số giáo viên tiểu học" in staff.inner_text()
        assert "phê duyệt ngày" in staff.get_by_test_id("section-period").inner_text()
        assert "Xã An Lạc" in staff.get_by_test_id("section-period").inner_text()
        finance = page.get_by_test_id("section-tai-chinh")
        assert "Chưa có số liệu được phê duyệt" in finance.inner_text()
        _shoot(page, f"school-{label}")
        assert _fits(page), f"the school's page scrolls sideways at {width} px"

    # the school whose form was never approved shows none of its figures
    page.goto("/cong-khai/s-a2/")
    assert page.get_by_test_id("no-approved").count() == 5
    assert page.locator("[data-code]").count() == 0
    _shoot(page, "unapproved-390")
    assert _fits(page)

    page.goto("/cong-khai/s-a1/")
    with page.expect_download() as download:
        page.get_by_test_id("download-csv").click()
    target = tmp_path / "cong-khai.csv"
    download.value.save_as(str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert {r["Mã"] for r in rows if r["Loại"] == "Số liệu"} == set(TH_FIGURES)
    assert download.value.suggested_filename == f"cong-khai-s-a1-{f.start_2025.code}.csv"


def _directive(unit, number, status, cites) -> Directive:  # type: ignore[no-untyped-def]
    source = SourceDocument.objects.create(
        unit=unit, sha256=(number + status).encode().hex().ljust(64, "0")[:64],
        filename="kh.txt", format="txt", size=1, file="directives/kh.txt", status="ready",
        text="Kế hoạch",
    )  # fmt: skip
    directive = Directive.objects.create(
        unit=unit, source=source, status=status, number=number, title=f"Kế hoạch {number}",
        school_year="2025-2026", issued_on=timezone.localdate(),
        published_at=timezone.now() if status == "published" else None,
    )  # fmt: skip
    for position, cited in enumerate(cites):
        Citation.objects.create(directive=directive, number=cited, start=position)
    return directive


def test_a_citation_leads_to_the_registry_and_who_cites_it(page, org, people, password) -> None:  # type: ignore[no-untyped-def]
    registry_load(actor=SYSTEM)
    _directive(org.province_a, "102/KH-SGDĐT", "published", ["36/2017/TT-BGDĐT"])
    draft = _directive(org.province_a, "", "draft", ["36/2017/TT-BGDĐT"])
    sign_in(page, "province_officer", password)
    page.wait_for_url("**/")
    for width, label in ((1280, "desktop"), (390, "390")):
        page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
        page.goto(f"/van-ban/{draft.pk}/")
        notice = page.get_by_test_id("legal-notice")
        assert notice.inner_text().startswith(
            "Văn bản được dẫn Thông tư 36/2017/TT-BGDĐT đã bị thay thế bởi Thông tư "
            "09/2024/TT-BGDĐT"
        )
        page.get_by_test_id("citation-legal").first.click()
        page.wait_for_url("**/van-ban-phap-ly/*/")
        assert page.get_by_test_id("document-title").inner_text() == "Thông tư 36/2017/TT-BGDĐT"
        assert "Đã bị thay thế bởi" in page.get_by_test_id("entry-status").inner_text()
        assert "102/KH-SGDĐT" in page.get_by_test_id("citing-level-1").inner_text()
        _shoot(page, f"registry-entry-{label}")
        assert _fits(page), f"the registry entry scrolls sideways at {width} px"
        page.goto("/van-ban-phap-ly/van-ban-con-dan-van-ban-bi-thay-the/")
        assert "102/KH-SGDĐT" in page.get_by_test_id("stale-citations").inner_text()
        _shoot(page, f"stale-citations-{label}")
        assert _fits(page), f"the stale-citations list scrolls sideways at {width} px"
        page.goto("/van-ban-phap-ly/")
        _shoot(page, f"registry-{label}")
        assert _fits(page), f"the registry scrolls sideways at {width} px"
