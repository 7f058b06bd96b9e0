"""Every table page prints cleanly (issue 13): under the print stylesheet, on an A4 page's
printable width, the content fits (no column cut off at the right edge), the menus, buttons,
filters and the "Tải Excel · In trang" links are gone, and the tables and charts are there.
Each page is printed to PDF by Chromium and kept with a picture of its first page under
``NAMHOC_TEST_ARTIFACTS`` (default ``test-artifacts/``) in ``print/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from namhoc.directives.tests.helpers import (
    COMMUNE_A1_DOC,
    MINISTRY_DOC,
    PROVINCE_DOC,
    published,
)
from namhoc.indicators.services import rollups_rebuild
from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    THCS_FIGURES,
    save_values,
    set_target,
    setup_figures,
)
from namhoc.tracking.tests.helpers import assign
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ARTIFACTS = Path(os.environ.get("NAMHOC_TEST_ARTIFACTS", "test-artifacts")) / "print"
# A4's printable width in CSS pixels (96 per inch): 210 mm less the print stylesheet's 12 mm
# margins; landscape (pages with a wide table): 297 mm less 10 mm margins.
PORTRAIT = {"width": round((210 - 2 * 12) / 25.4 * 96), "height": 1000}
LANDSCAPE = {"width": round((297 - 2 * 10) / 25.4 * 96), "height": 700}
TARGETED = (
    "TL_CHUAN_QG",
    "TH_TL_CHUAN_QG",
    "THCS_TL_CHUAN_QG",
    "TH_TL_DUNG_TUOI",
    "THCS_TL_DUNG_TUOI",
    "TH_TL_GV_CHUAN",
    "THCS_TL_GV_CHUAN",
    "TH_HS_LOP",
    "THCS_HS_LOP",
    "TH_GV_LOP",
    "THCS_GV_LOP",
    "TH_TL_PHONG_KC",
    "THCS_TL_PHONG_KC",
    "TH_TL_2BUOI",
    "TL_HS_NU_PT",
    "TL_HS_DTTS",
)

# What sticks out past the printable width, deepest first (to say what to fix).
WIDEST = """
() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
"""
# What a printed page says that its (hidden) forms showed on screen.
SAID = {
    "bang-chi-tieu": (
        "Kỳ báo cáo: Đầu năm học 2025-2026 (số liệu đến 30/9/2025)",
        "Đã lọc: tên có “an lac”.",
    ),
    "xep-hang": ("Kỳ báo cáo: Đầu năm học 2025-2026 (số liệu đến 30/9/2025)",),
    "van-ban": ("Đã lọc: có “phu an”",),
}
# Page chrome that must not print.
HIDDEN = (
    ".site-header",
    "[data-testid=export]",
    "form button",
    "nav.pager",
    "select",
)
VISIBLE = """
(selector) => [...document.querySelectorAll(selector)].filter(e => {
  const box = e.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== 'hidden';
}).length
"""


def printed(
    page: Any, name: str, *, must_show: tuple[str, ...] = ("table",), landscape: bool = False
) -> None:
    """The current page under print media at an A4 page's width: it fits, its chrome is gone,
    ``must_show`` is there; printed to PDF (kept, with a full-page picture)."""
    assert page.locator("[data-testid=export]").count() == 1, f"{name}: no 'Tải Excel' link"
    page.emulate_media(media="print")
    named = page.evaluate("getComputedStyle(document.querySelector('main')).page")
    assert named == ("landscape" if landscape else "auto"), f"{name}: prints on {named} pages"
    page.set_viewport_size(LANDSCAPE if landscape else PORTRAIT)
    wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if wide[0] > wide[1]:
        raise AssertionError(
            f"{name}: {wide[0]} px wide on a {wide[1]} px page; widest: {page.evaluate(WIDEST)}"
        )
    for selector in HIDDEN:
        assert page.evaluate(VISIBLE, selector) == 0, f"{name}: {selector} prints"
    for selector in must_show:
        assert page.evaluate(VISIBLE, selector) > 0, f"{name}: {selector} does not print"
    text = page.locator("main").inner_text()
    for words in SAID.get(name, ()):
        assert words in text, f"{name}: the print does not say “{words}”"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS / f"{name}.pdf"), format="A4", prefer_css_page_size=True)
    assert (ARTIFACTS / f"{name}.pdf").stat().st_size > 1000
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def world(org: Any, people: Any) -> dict[str, Any]:
    """Figures for province A's schools, a target; the Ministry's, the province's and commune
    A1's plans published in a cascade; one task given to commune A1."""
    f = setup_figures(org, people)
    for unit, data_set, period, values in (
        (org.school_a1, f.dn_th, f.start_2025, TH_FIGURES),
        (org.school_a2, f.dn_thcs, f.start_2025, THCS_FIGURES),
        (org.school_a1, f.dn_th, f.start_2024, {**TH_FIGURES, "TH_CHUAN_QG": 0}),
    ):
        save_values(
            actor=people.superuser, unit=unit, data_set=data_set, period=period, values=values
        )
    for code in TARGETED:  # the scorecard shows a column for each
        set_target(
            actor=people.superuser,
            indicator=code,
            unit=org.province_a,
            school_year="2025-2026",
            value="80",
        )
    rollups_rebuild()
    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    province = published(people.province_officer, org.province_a, PROVINCE_DOC, upper=ministry)
    commune = published(people.province_officer, org.commune_a1, COMMUNE_A1_DOC, upper=province)
    assign(
        actor=people.province_officer,
        task=province.tasks.get(position=1),
        unit=org.commune_a1,
        deadline="01/01/2020",
    )
    return {"ministry": ministry, "province": province, "commune": commune}


def test_table_pages_print_on_a4(page, people, password, world) -> None:  # type: ignore[no-untyped-def]
    province, commune = world["province"], world["commune"]
    sign_in(page, "province_officer", password)
    page.wait_for_url("**/")
    pages = [
        (
            "/so-lieu/p-a/tong-quan/?ky=2025-2026.DN&chi_tieu=TL_CHUAN_QG&tim=an+lac",
            "bang-chi-tieu",
            ("table", "svg.ind-chart", "svg.ind-spark", ".print-only"),
        ),
        ("/so-lieu/p-a/xep-hang/?ky=2025-2026.DN", "xep-hang", ("table", ".print-only")),
        ("/so-lieu/p-a/chi-tieu/?ky=2025-2026.DN", "chi-tieu-giao", ("table", ".print-only")),
        ("/so-lieu/p-a/ky/2025-2026.DN/bieu/DN_TH/", "nop-so-lieu", ("table",)),
        ("/van-ban/?q=phu+an", "van-ban", ("table", ".print-only")),
        (f"/van-ban/{province.pk}/bao-phu/", "bao-phu", ("table",)),
        (f"/van-ban/{commune.pk}/lien-ket/", "lien-ket", ("table",)),
        (f"/van-ban/{province.pk}/", "nhiem-vu", ("ol.tasks",)),
        ("/theo-doi/bang-dieu-khien/?don_vi=p-a&nam_hoc=2025-2026", "bang-theo-doi", ("table",)),
        ("/theo-doi/don-vi/c-a1/", "viec-can-lam", ("table",)),
        ("/don-vi/p-a/", "don-vi", ("table",)),
        ("/bao-cao/", "bao-cao", ("table",)),
    ]
    for path, name, show in pages:
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        printed(page, name, must_show=show, landscape=name == "xep-hang")
    page.context.clear_cookies()  # signed out
    sign_in(page, "province_admin", password)
    page.wait_for_url("**/")
    for path, name in (("/nguoi-dung/", "nguoi-dung"), ("/nhat-ky/", "nhat-ky")):
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        printed(page, name)
