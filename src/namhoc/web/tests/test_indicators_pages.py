"""Figures pages: entry with htmx save, approval, Excel import, dashboard, scorecard, targets."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from namhoc.indicators.models import Aggregate, Approval, DataValue, Target, ValidationRule
from namhoc.indicators.rollup import recompute_from_raw
from namhoc.indicators.services import rollups_rebuild
from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    THCS_FIGURES,
    Figures,
    aggregate,
    aggregates_now,
    fill_both_communes,
    merge_communes,
    save_values,
    set_target,
    setup_figures,
)

ClientOf = Callable[[Any], Client]


@pytest.fixture
def figures(org: Any, people: Any) -> Figures:
    return setup_figures(org, people)


def entry_url(f: Figures, unit: str = "s-a1", suffix: str = "") -> str:
    return f"/so-lieu/{unit}/ky/{f.start_2025.code}/bieu/DN_TH/{suffix}"


def test_index_lists_my_units_and_data_sets(figures: Figures, client_of: ClientOf) -> None:
    html = (
        client_of(figures.people.school_principal).get("/so-lieu/?ky=2025-2026.DN").content.decode()
    )
    assert "Trường Tiểu học An Lạc" in html
    assert entry_url(figures) in html
    assert "Tỉnh Bình Sơn" not in html


def test_the_entry_page_shows_fields_values_and_versions(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={"TH_HS": 1250},
    )
    response = client_of(f.people.school_principal).get(entry_url(f))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="TH_HS" inputmode="decimal" autocomplete="off"\n             value="1.250"' in html
    assert 'name="v-TH_HS" value="1"' in html
    assert "Tổng số học sinh tiểu học" in html


def test_the_filled_count_shows_only_in_a_period_the_form_is_collected_in(
    figures: Figures, client_of: ClientOf
) -> None:
    """The start-of-year form opened for the end of the year: nothing is due then, so the page
    says why the figures cannot be entered and counts no "required figures entered"."""
    f = figures
    client = client_of(f.people.school_principal)
    due = client.get(entry_url(f)).content.decode()
    assert "Đã nhập 0/" in due
    url = f"/so-lieu/s-a1/ky/{f.end_2025.code}/bieu/DN_TH/"
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"không báo cáo vào kỳ “{f.end_2025.name}”" in html
    assert "Đã nhập" not in html
    assert "số liệu bắt buộc" not in html
    sheet = client.get(url + "?xuat=xlsx")
    assert sheet.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(sheet.content))
    texts = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value]
    assert not any("số liệu bắt buộc" in t for t in texts)


def test_the_entry_page_states_its_rules_in_element_names(
    figures: Figures, client_of: ClientOf
) -> None:
    # Given the catalogue's rules and one added later that names an element of another form
    f = figures
    ValidationRule.objects.create(
        data_set=f.dn_th, code="X", left="TH_HS", operator="<=", right="THCS_HS", message="x"
    )
    # When the school opens its form
    html = client_of(f.people.school_principal).get(entry_url(f)).content.decode()
    # Then every rule reads in the elements' names, the other form's element included
    rules = html.split('data-testid="rules"', 1)[1].split("</ul>", 1)[0]
    assert "<li>Số học sinh nữ tiểu học ≤ Tổng số học sinh tiểu học</li>" in rules
    assert "<li>Tổng số học sinh tiểu học ≤ Tổng số học sinh trung học cơ sở</li>" in rules


def test_saving_the_form_writes_figures_and_rollups(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    response = client_of(f.people.school_principal).post(
        entry_url(f, suffix="luu/"),
        {"TH_HS": "1.250", "v-TH_HS": "", "TH_HS_NU": "600", "v-TH_HS_NU": ""},
    )
    assert response.status_code == 200
    assert "Đã lưu 2 số liệu." in response.content.decode()
    assert aggregate(f.org.province_a, "TH_HS", f.start_2025) == (Decimal(1250), 1)


def test_a_second_save_shows_the_new_figures_and_versions_and_moves_the_rollups(
    figures: Figures, client_of: ClientOf
) -> None:
    # Given two figures saved once through the page
    f = figures
    client = client_of(f.people.school_principal)
    client.post(
        entry_url(f, suffix="luu/"),
        {"TH_HS": "1.250", "v-TH_HS": "", "TH_HS_NU": "600", "v-TH_HS_NU": ""},
    )
    # When one of them is changed at the version the form showed
    response = client.post(
        entry_url(f, suffix="luu/"),
        {"TH_HS": "1.300", "v-TH_HS": "1", "TH_HS_NU": "600", "v-TH_HS_NU": "1"},
        HTTP_HX_REQUEST="true",
    )
    # Then the form that comes back holds the new figure and versions, the other one unchanged
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã lưu 1 số liệu." in html
    assert 'value="1.300"' in html
    assert 'name="v-TH_HS" value="2"' in html
    assert 'name="v-TH_HS_NU" value="1"' in html
    # and every roll-up moved by the difference only (no new reporter), equal to a recomputation
    assert aggregate(f.org.province_a, "TH_HS", f.start_2025) == (Decimal(1300), 1)
    assert aggregate(f.org.province_a, "TH_HS_NU", f.start_2025) == (Decimal(600), 1)
    assert aggregates_now() == recompute_from_raw()
    assert DataValue.objects.get(element__code="TH_HS").updated_by == f.people.school_principal


def test_the_form_an_htmx_save_returns_is_the_form_the_page_shows(
    figures: Figures, client_of: ClientOf
) -> None:
    """A successful htmx save reads only the form again (issue 15): what it sends is the form
    of the page opened right after, but for the notice and the per-request CSRF token."""
    f = figures
    client = client_of(f.people.school_principal)
    answer = client.post(
        entry_url(f, suffix="luu/"),
        {"TH_HS": "1.250", "v-TH_HS": "", "TH_HS_NU": "", "v-TH_HS_NU": ""},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    page = client.get(entry_url(f)).content.decode()
    form = page[page.index('<form id="entry-form"') :]
    form = form[: form.index("</form>") + len("</form>")]

    def same(html: str) -> str:
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r'<p class="message message-success"[^>]*>[^<]*</p>', "", html).strip()

    assert "Đã lưu 1 số liệu." in answer
    assert same(answer) == same(form)
    assert 'name="v-TH_HS" value="1"' in answer
    assert "Đã nhập 1/" in answer


def test_htmx_save_returns_the_form_with_per_field_messages(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    response = client_of(f.people.school_principal).post(
        entry_url(f, suffix="luu/"),
        {"TH_HS": "400", "TH_HS_NU": "500", "TH_LOP": "mười"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('\n<form id="entry-form"') or html.lstrip().startswith(
        '<form id="entry-form"'
    )
    assert "Số học sinh nữ (500) không được lớn hơn tổng số học sinh (400)." in html
    assert "Phải là một số, ví dụ 1.250 hoặc 12,5." in html
    assert 'value="mười"' in html
    assert not DataValue.objects.exists()


def test_bad_input_without_htmx_is_a_400_and_saves_nothing(
    figures: Figures, client_of: ClientOf
) -> None:
    response = client_of(figures.people.school_principal).post(
        entry_url(figures, suffix="luu/"), {"TH_HS": "-3"}
    )
    assert response.status_code == 400
    assert "Không được là số âm." in response.content.decode()
    assert not DataValue.objects.exists()


def test_a_stale_form_is_a_409_and_keeps_the_newer_figure(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={"TH_HS": 400},
    )
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={"TH_HS": 410},
    )
    response = client_of(f.people.commune_officer).post(
        entry_url(f, suffix="luu/"), {"TH_HS": "420", "v-TH_HS": "1"}
    )
    assert response.status_code == 409
    assert "Đã được sửa thành 410 sau khi bạn mở biểu." in response.content.decode()
    assert DataValue.objects.get().value == 410


@pytest.mark.parametrize(
    ("user", "status"), [("outsider", 404), ("viewer", 403), ("province_admin", 403)]
)
def test_refused_saves_change_nothing(
    figures: Figures, client_of: ClientOf, user: str, status: int
) -> None:
    response = client_of(getattr(figures.people, user)).post(
        entry_url(figures, suffix="luu/"), {"TH_HS": "400"}
    )
    assert response.status_code == status
    assert not DataValue.objects.exists()
    assert not Aggregate.objects.exists()


def test_outsiders_do_not_see_the_page(figures: Figures, client_of: ClientOf) -> None:
    client = client_of(figures.people.outsider)
    assert client.get(entry_url(figures)).status_code == 404
    assert client.get(entry_url(figures, suffix="mau.xlsx")).status_code == 404
    assert client.get("/so-lieu/s-a1/tong-quan/").status_code == 404
    assert client.get("/so-lieu/p-a/xep-hang/").status_code == 404


def test_unknown_period_or_data_set_is_404(figures: Figures, client_of: ClientOf) -> None:
    client = client_of(figures.people.school_principal)
    assert client.get("/so-lieu/s-a1/ky/2099-2100.DN/bieu/DN_TH/").status_code == 404
    assert client.get("/so-lieu/s-a1/ky/2025-2026.DN/bieu/NOPE/").status_code == 404


def test_approval_from_the_page_locks_the_school_form(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    refused = client_of(f.people.commune_officer).post(
        entry_url(f, "c-a1", "phe-duyet/"), {"xac_nhan": "1"}
    )
    assert refused.status_code == 403
    assert not Approval.objects.exists()
    response = client_of(f.commune_approver).post(
        entry_url(f, "c-a1", "phe-duyet/"), {"xac_nhan": "1"}
    )
    assert response.status_code == 302
    assert Approval.objects.filter(unit=f.org.commune_a1).exists()
    page = client_of(f.people.school_principal).get(entry_url(f)).content.decode()
    assert "Số liệu đã được <strong>Xã An Lạc</strong> phê duyệt" in page
    blocked = client_of(f.people.school_principal).post(
        entry_url(f, suffix="luu/"), {"TH_HS": "401"}
    )
    assert blocked.status_code == 409
    assert DataValue.objects.get(element__code="TH_HS").value == 400
    # Only someone above un-approves.
    assert (
        client_of(f.commune_approver)
        .post(entry_url(f, "c-a1", "phe-duyet/"), {"action": "revoke", "reason": "Sai số"})
        .status_code
        == 403
    )
    assert (
        client_of(f.province_approver)
        .post(entry_url(f, "c-a1", "phe-duyet/"), {"action": "revoke", "reason": "Sai số"})
        .status_code
        == 302
    )
    assert not Approval.objects.exists()


def test_the_commune_page_shows_status_and_totals(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={"TH_HS": 400},
    )
    html = client_of(f.commune_approver).get(entry_url(f, "c-a1")).content.decode()
    assert "Chưa đủ" in html
    assert "Chưa thể phê duyệt</button>" in html
    assert "Còn 1 trường chưa nhập đủ số liệu: Trường Tiểu học An Lạc." in html


def test_excel_round_trip_through_the_pages(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    client = client_of(f.people.commune_officer)
    response = client.get(entry_url(f, "c-a1", "mau.xlsx"))
    assert response.status_code == 200
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["So lieu"]
    sheet["D5"] = 400
    sheet["E5"] = 900
    wrong = io.BytesIO()
    book.save(wrong)
    wrong.name = "mau.xlsx"
    wrong.seek(0)
    refused = client.post(entry_url(f, "c-a1", "nhap-excel/"), {"file": wrong})
    assert refused.status_code == 400
    assert (
        "Ô E5 (Trường Tiểu học An Lạc): Số học sinh nữ (900) không được lớn hơn "
        "tổng số học sinh (400)." in refused.content.decode()
    )
    assert not DataValue.objects.exists()
    sheet["E5"] = 190
    right = io.BytesIO()
    book.save(right)
    right.name = "mau.xlsx"
    right.seek(0)
    accepted = client.post(entry_url(f, "c-a1", "nhap-excel/"), {"file": right})
    assert accepted.status_code == 302
    assert DataValue.objects.count() == 2


def test_a_hostile_upload_gets_a_message_not_a_crash(figures: Figures, client_of: ClientOf) -> None:
    upload = io.BytesIO(b"PK\x03\x04garbage")
    upload.name = "x.xlsx"
    response = client_of(figures.people.commune_officer).post(
        entry_url(figures, "c-a1", "nhap-excel/"), {"file": upload}
    )
    assert response.status_code == 400
    assert "Tệp .xlsx bị hỏng, không đọc được." in response.content.decode()
    viewer = client_of(figures.people.viewer).post(
        entry_url(figures, "c-a1", "nhap-excel/"), {"file": upload}
    )
    assert viewer.status_code == 403


def _fill_province_a(f: Figures) -> None:
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a2,
        data_set=f.dn_thcs,
        period=f.start_2025,
        values=THCS_FIGURES,
    )
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2024,
        values={**TH_FIGURES, "TH_CHUAN_QG": 0},
    )


def test_dashboard_shows_values_targets_trend_and_children_in_few_queries(
    figures: Figures, client_of: ClientOf, django_assert_max_num_queries: Any
) -> None:
    f = figures
    _fill_province_a(f)
    set_target(
        actor=f.people.superuser,
        indicator=_indicator("TL_CHUAN_QG"),
        unit=f.org.province_a,
        school_year="2025-2026",
        value="80",
    )
    rollups_rebuild()  # as in service: the roll-ups are built for the current tree
    client = client_of(f.people.province_officer)
    # ~19 for the page (one of them: are the roll-ups built for this tree?; 3 for the catalogue
    # and 2 for the units that must report, which "chưa đủ số liệu" needs; 2 for the
    # breadcrumb), the rest session, middleware and the layout (unread notices, the request
    # log's home unit) — whatever the number of units
    with django_assert_max_num_queries(35):
        response = client.get("/so-lieu/p-a/tong-quan/?ky=2025-2026.DN&chi_tieu=TL_CHUAN_QG")
    html = response.content.decode()
    assert response.status_code == 200
    # 1 of 2 schools at national standard: 50 %, from summed numerators and denominators.
    assert '<span class="ind-value ind-bad">50,0 %</span>' in html
    assert "chỉ tiêu 80 %" in html
    assert "đạt 62,5%" in html
    assert "<svg" in html
    assert "polyline" in html
    assert "Xã An Lạc" in html
    assert "Phường Hòa Bình" in html


def _indicator(code: str) -> Any:
    from namhoc.indicators.models import Indicator

    return Indicator.objects.get(code=code)


def test_scorecard_ranks_children_and_shows_weights(
    figures: Figures, client_of: ClientOf, django_assert_max_num_queries: Any
) -> None:
    f = figures
    _fill_province_a(f)
    set_target(
        actor=f.people.superuser,
        indicator=_indicator("TL_CHUAN_QG"),
        unit=f.org.province_a,
        school_year="2025-2026",
        value="100",
    )
    rollups_rebuild()
    client = client_of(f.people.province_officer)
    # ~17 for the page (one checks the roll-ups; coverage and breadcrumb as on the dashboard),
    # the rest session, middleware and the layout
    with django_assert_max_num_queries(33):
        response = client.get("/so-lieu/p-a/xep-hang/?ky=2025-2026.DN&w_dat=0.6&w_han=0.4")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Điểm = 0,6 × mức đạt chỉ tiêu bình quân" in html
    assert html.index("Xã An Lạc") < html.index("Phường Hòa Bình")
    assert client.get("/so-lieu/p-a/xep-hang/?w_dat=5").status_code == 400


def test_targets_set_and_allocate_from_the_page(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    client = client_of(f.province_approver)
    url = "/so-lieu/p-a/chi-tieu/?ky=2025-2026.DN"
    assert (
        client.post(
            url, {"indicator": "MN_TRE_5T", "value": "1.000", "source": "102/KH-UBND"}
        ).status_code
        == 302
    )
    refused = client.post(
        url,
        {
            "indicator": "MN_TRE_5T",
            "action": "allocate",
            f"c-{f.org.commune_a1.key}": "600",
            f"c-{f.org.commune_a2.key}": "300",
        },
    )
    assert refused.status_code == 400
    assert (
        "Tổng chỉ tiêu phân bổ (900) phải bằng chỉ tiêu của Tỉnh Phú An (1.000)."
        in refused.content.decode()
    )
    assert Target.objects.count() == 1
    ok = client.post(
        url,
        {
            "indicator": "MN_TRE_5T",
            "action": "allocate",
            f"c-{f.org.commune_a1.key}": "600",
            f"c-{f.org.commune_a2.key}": "400",
        },
    )
    assert ok.status_code == 302
    assert Target.objects.get(unit=f.org.commune_a2).value == 400
    assert (
        client_of(f.people.viewer).post(url, {"indicator": "MN_TRE_5T", "value": "5"}).status_code
        == 403
    )
    assert Target.objects.get(unit=f.org.province_a).value == 1000


STALE = "Cây đơn vị vừa thay đổi; số liệu tổng hợp đang được tính lại…"


def test_after_a_merge_the_pages_say_so_and_the_rebuild_is_enqueued_once(
    figures: Figures,
    client_of: ClientOf,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    f = figures
    fill_both_communes(f)
    rollups_rebuild()
    client = client_of(f.people.province_officer)
    dashboard = "/so-lieu/p-a/tong-quan/?ky=2025-2026.DN"
    assert STALE not in client.get(dashboard).content.decode()
    successor = merge_communes(f)

    with django_capture_on_commit_callbacks() as callbacks:
        with django_assert_max_num_queries(36):  # the fresh page's 35 + claiming the request
            first = client.get(dashboard)
        with django_assert_max_num_queries(35):  # requested already: nothing more to write
            second = client.get(dashboard)
        entry = client.get(f"/so-lieu/p-a/ky/{f.start_2025.code}/bieu/DN_TH/")
        scorecard = client.get("/so-lieu/p-a/xep-hang/?ky=2025-2026.DN")
    for response in (first, second, entry, scorecard):
        assert response.status_code == 200
        assert STALE in response.content.decode()
    assert len(callbacks) == 1  # one rebuild for four stale views
    assert aggregate(successor, "TH_HS", f.start_2025) is None

    result = callbacks[0]()  # the commit: the task runs (ImmediateBackend)

    assert result.return_value == "rebuilt"
    assert aggregates_now() == recompute_from_raw()
    assert aggregate(successor, "TH_HS", f.start_2025) == (Decimal(400), 1)
    assert aggregate(successor, "THCS_HS", f.start_2025) == (Decimal(600), 1)
    with django_capture_on_commit_callbacks() as callbacks:
        html = client.get(f"/so-lieu/{successor.key}/tong-quan/?ky=2025-2026.DN").content.decode()
        again = client.get(dashboard).content.decode()
    assert STALE not in html
    assert STALE not in again
    assert "Xã An Hòa" in again
    assert callbacks == []


def test_an_import_too_long_for_one_request_stops_and_saves_nothing(
    figures: Figures, client_of: ClientOf, settings: Any
) -> None:
    """Past ``IMPORT_MAX_SECONDS`` (well inside the server's 120 s) an import stops with a
    message to split the file, rolls back the rows it had written, and keeps what was saved
    before; the same file, in time, goes in (issue 15)."""
    from unittest import mock

    from conftest import _unit

    from namhoc.orgunits.models import OrgUnit

    f = figures
    _unit(
        "s-a1b", "Trường Tiểu học Lạc Long", OrgUnit.Kind.SCHOOL, f.org.commune_a1, 3,
        school_level=OrgUnit.SchoolLevel.PRIMARY, ownership=OrgUnit.Ownership.PUBLIC,
    )  # fmt: skip
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={"TH_HS": 300},
    )
    client = client_of(f.people.commune_officer)
    book = load_workbook(io.BytesIO(client.get(entry_url(f, "c-a1", "mau.xlsx")).content))
    sheet = book["So lieu"]
    assert [sheet["A5"].value, sheet["A6"].value] == ["s-a1", "s-a1b"]
    sheet["D5"], sheet["D6"] = 400, 250
    filled = io.BytesIO()
    book.save(filled)

    def upload() -> io.BytesIO:
        copy = io.BytesIO(filled.getvalue())
        copy.name = "mau.xlsx"
        return copy

    settings.IMPORT_MAX_SECONDS = 60
    # the clock (a process boundary): the file opened at 0 s, the first unit written at 1 s,
    # the second due at 61 s
    with mock.patch("namhoc.indicators.excel.monotonic", side_effect=[0.0, 1.0, 61.0]):
        refused = client.post(entry_url(f, "c-a1", "nhap-excel/"), {"file": upload()})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Tệp có 2 dòng đơn vị, quá nhiều để nhập trong một lần" in page
    assert "sau 60 giây mới kiểm tra và ghi được 1 dòng. Chưa có số liệu nào được lưu." in page
    assert "Hãy tải mẫu cho từng đơn vị cấp dưới" in page
    assert dict(DataValue.objects.values_list("unit__key", "value")) == {"s-a1": Decimal(300)}
    assert aggregate(f.org.commune_a1, "TH_HS", f.start_2025) == (Decimal(300), 1)

    accepted = client.post(entry_url(f, "c-a1", "nhap-excel/"), {"file": upload()})
    assert accepted.status_code == 302
    assert dict(
        DataValue.objects.filter(element__code="TH_HS").values_list("unit__key", "value")
    ) == {"s-a1": Decimal(400), "s-a1b": Decimal(250)}
