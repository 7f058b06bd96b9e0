"""Figures through one door (issue 10) with every number and text bounded (issue 9): the pages
and the API call the same use cases and page selectors, which check scope themselves."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import DataError, IntegrityError, transaction
from django.test import Client
from openpyxl import load_workbook

from namhoc.core.errors import NotFound
from namhoc.core.models_audit import AuditEvent
from namhoc.indicators import selectors
from namhoc.indicators.models import Approval, DataElement, DataValue, Indicator, Target
from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    Figures,
    approve,
    save_values,
    set_target,
)

ClientOf = Callable[[Any], Client]
API = "/api/indicators"
NOT_FOUND = {
    "code": "not_found",
    "message": "Không tìm thấy hoặc bạn không có quyền xem.",
    "field": None,
}


def entry_url(unit: str = "s-a1", suffix: str = "", data_set: str = "DN_TH") -> str:
    return f"/so-lieu/{unit}/ky/2025-2026.DN/bieu/{data_set}/{suffix}"


def state() -> tuple[object, ...]:
    """Every figure, approval and target, and the audit count: a refusal leaves all as it was."""
    return (
        sorted(DataValue.objects.values_list("unit__key", "element__code", "value", "version")),
        sorted(Approval.objects.values_list("unit__key", "data_set__code", "period__code")),
        sorted(Target.objects.values_list("indicator__code", "unit__key", "school_year", "value")),
        AuditEvent.objects.count(),
    )


def fill_school_a1(f: Figures, **changes: object) -> None:
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={**TH_FIGURES, **changes},
    )


# --- reads check scope inside the selector ---------------------------------------------------


@pytest.mark.parametrize("read", ["table", "scorecard", "dashboard"])
@pytest.mark.parametrize("user", ["outsider", "commune_officer", "school_principal"])
def test_a_unit_out_of_scope_is_not_found_by_every_read(
    figures: Figures, client_of: ClientOf, read: str, user: str
) -> None:
    """Another province (outsider), the province above a commune or school user: 404, no
    figures — the page selectors check scope, whatever the endpoint does."""
    fill_school_a1(figures)
    response = client_of(getattr(figures.people, user)).get(
        f"{API}/units/p-a/{read}?period=2025-2026.DN"
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_the_selectors_themselves_refuse_a_unit_out_of_scope(figures: Figures) -> None:
    outsider = figures.people.outsider
    with pytest.raises(NotFound):
        selectors.indicator_table(outsider, unit_key="p-a", period_code="2025-2026.DN")
    with pytest.raises(NotFound):
        selectors.scorecard_page(outsider, unit_key="p-a", period_code="2025-2026.DN")
    with pytest.raises(NotFound):
        selectors.dashboard_page(outsider, unit_key="p-a", period_code="2025-2026.DN")
    with pytest.raises(NotFound):
        selectors.figures_read(
            outsider, unit_key="s-a1", period_code="2025-2026.DN", data_set_code="DN_TH"
        )


def test_the_table_a_commune_receives_holds_its_own_units_only(
    figures: Figures, client_of: ClientOf
) -> None:
    fill_school_a1(figures)
    response = client_of(figures.people.commune_officer).get(
        f"{API}/units/c-a1/table?period=2025-2026.DN"
    )
    body = response.json()
    assert response.status_code == 200
    assert [row["unit"] for row in body["items"]] == ["c-a1", "s-a1"]
    cells = {c["indicator"]: c for c in body["items"][0]["cells"]}
    assert (cells["TH_TL_GV_CHUAN"]["value"], cells["TH_TL_GV_CHUAN"]["status"]) == ("88.9", "ok")


# --- input that used to answer 500 -----------------------------------------------------------


def test_a_unicode_digit_as_a_figures_version_is_a_message(
    figures: Figures, client_of: ClientOf
) -> None:
    before = state()
    response = client_of(figures.people.school_principal).post(
        entry_url(suffix="luu/"), {"TH_LOP": "12", "v-TH_LOP": "²"}
    )
    assert response.status_code == 400
    assert "Phiên bản số liệu phải là một số, ví dụ 1.250 hoặc 12,5." in response.content.decode()
    assert state() == before


def test_figures_posted_to_a_unit_that_does_not_report_them_get_a_message(
    figures: Figures, client_of: ClientOf
) -> None:
    before = state()
    response = client_of(figures.people.commune_officer).post(
        entry_url("c-a1", "luu/"), {"TH_HS": "400", "v-TH_HS": ""}
    )
    assert response.status_code == 400
    assert "Xã An Lạc không báo cáo biểu “Báo cáo đầu năm — tiểu học”." in response.content.decode()
    assert state() == before


def test_a_unicode_digit_as_a_figure_is_a_message(figures: Figures, client_of: ClientOf) -> None:
    before = state()
    page = client_of(figures.people.school_principal).post(
        entry_url(suffix="luu/"), {"TH_LOP": "²", "v-TH_LOP": ""}
    )
    api = client_of(figures.people.school_principal).put(
        f"{API}/units/s-a1/values",
        json.dumps(
            {
                "period": "2025-2026.DN",
                "data_set": "DN_TH",
                "values": {"TH_LOP": "²"},
                "versions": {"TH_LOP": "²"},
            }
        ),
        content_type="application/json",
    )
    assert page.status_code == 400
    assert "Phải là một số, ví dụ 1.250 hoặc 12,5." in page.content.decode()
    assert (api.status_code, api.json()["field"]) == (400, "TH_LOP")
    assert state() == before


def test_a_unicode_digit_in_an_allocation_box_is_a_message(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    set_target(
        actor=f.province_approver, indicator="MN_TRE_5T", unit=f.org.province_a,
        school_year="2025-2026", value=1000,
    )  # fmt: skip
    before = state()
    response = client_of(f.province_approver).post(
        "/so-lieu/p-a/chi-tieu/?ky=2025-2026.DN&chi_tieu=MN_TRE_5T",
        {"action": "allocate", "indicator": "MN_TRE_5T", "c-²": "5"},
    )
    assert response.status_code == 400
    assert (
        "Không phải đơn vị trực thuộc đang hoạt động của Tỉnh Phú An: ²."
        in response.content.decode()
    )
    assert state() == before


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("1e20", "invalid_number", "Chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5."),
        (1e20, "too_large", "Chỉ tiêu không được lớn hơn 9.999.999.999.999.999,99."),
        ("12345678901234567", "too_large", "Chỉ tiêu không được lớn hơn 9.999.999.999.999.999,99."),
        ("-3", "negative", "Chỉ tiêu không được là số âm."),
        ("0,001", "too_many_places", "Chỉ tiêu có tối đa 2 chữ số sau dấu phẩy."),
        ("²", "invalid_number", "Chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5."),
    ],
)
def test_a_target_out_of_its_column_is_refused_before_saving(
    figures: Figures, client_of: ClientOf, raw: object, code: str, message: str
) -> None:
    before = state()
    response = client_of(figures.province_approver).put(
        f"{API}/units/p-a/targets",
        json.dumps({"indicator": "MN_TRE_5T", "school_year": "2025-2026", "value": raw}),
        content_type="application/json",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"code": code, "message": message, "field": "value"},
    )
    page = client_of(figures.province_approver).post(
        "/so-lieu/p-a/chi-tieu/?ky=2025-2026.DN", {"indicator": "MN_TRE_5T", "value": str(raw)}
    )
    assert page.status_code == 400
    assert state() == before


def test_the_database_refuses_figures_and_targets_out_of_range(figures: Figures) -> None:
    fill_school_a1(figures)
    set_target(
        actor=figures.province_approver, indicator="MN_TRE_5T", unit=figures.org.province_a,
        school_year="2025-2026", value=5,
    )  # fmt: skip
    # PostgreSQL's numeric(18, 2) refuses a figure that does not fit (DataError); SQLite stores
    # any number, and the CHECK constraints refuse it there (IntegrityError).
    for rows, value in (
        (DataValue.objects.filter(element__code="TH_HS"), Decimal(-1)),
        (DataValue.objects.filter(element__code="TH_HS"), Decimal("100000000000000000")),
        (Target.objects.all(), Decimal(-1)),
        (Target.objects.all(), Decimal("100000000000000000")),
    ):
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            rows.update(value=value)
    assert DataValue.objects.get(element__code="TH_HS").value == 400


def test_free_text_is_capped_with_a_message(figures: Figures, client_of: ClientOf) -> None:
    before = state()
    page = client_of(figures.province_approver).post(
        "/so-lieu/p-a/chi-tieu/?ky=2025-2026.DN",
        {"indicator": "MN_TRE_5T", "value": "5", "source": "x" * 256},
    )
    assert page.status_code == 400
    assert "Văn bản giao dài tối đa 255 ký tự (đang có 256)." in page.content.decode()
    api = client_of(figures.province_approver).put(
        f"{API}/units/p-a/targets",
        json.dumps(
            {"indicator": "MN_TRE_5T", "school_year": "2025-2026", "value": 5, "source": "x" * 256}
        ),
        content_type="application/json",
    )
    assert (api.status_code, api.json()["fields"]) == (422, {"source": "Dài quá 255 ký tự."})
    assert state() == before


def test_school_years_are_read_by_the_shared_parser(figures: Figures, client_of: ClientOf) -> None:
    client = client_of(figures.province_approver)

    def put(year: str) -> Any:
        return client.put(
            f"{API}/units/p-a/targets",
            json.dumps({"indicator": "MN_TRE_5T", "school_year": year, "value": 5}),
            content_type="application/json",
        )

    wrong = put("2025-2027")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "bad_school_year")
    assert not Target.objects.exists()
    assert put("2025 – 2026").json()["school_year"] == "2025-2026"


def test_paginated_lists_are_bounded(figures: Figures, client_of: ClientOf) -> None:
    client = client_of(figures.people.viewer)
    page = client.get(f"{API}/catalogue?limit=5&offset=30").json()
    assert (page["count"], len(page["items"])) == (35, 5)
    assert client.get(f"{API}/periods?offset=99999999999999999999").status_code == 422
    periods = client.get(f"{API}/periods").json()["items"]
    assert [p["code"] for p in periods] == [
        "2024-2025.DN", "2024-2025.HK1", "2024-2025.CN",
        "2025-2026.DN", "2025-2026.HK1", "2025-2026.CN",
    ]  # fmt: skip


# --- one default for pages and API -------------------------------------------------------------


def test_page_and_api_open_on_the_same_unit_and_period(
    figures: Figures, client_of: ClientOf
) -> None:
    client = client_of(figures.people.commune_officer)
    api = client.get(f"{API}/dashboard").json()
    page = client.get("/so-lieu/tong-quan/")
    assert page.status_code == 200
    assert (api["unit"], api["period"]) == ("c-a1", selectors.default_period().code)
    assert page.context["page"].unit.key == api["unit"]
    assert page.context["page"].period.code == api["period"]
    assert "Bảng chỉ tiêu — Xã An Lạc" in page.content.decode()


# --- the Excel round trip through the API ------------------------------------------------------


def _import(client: Client, content: bytes, unit: str = "c-a1") -> Any:
    upload = io.BytesIO(content)
    upload.name = "mau.xlsx"
    return client.post(
        f"{API}/units/{unit}/import",
        {"data_set": "DN_TH", "period": "2025-2026.DN", "file": upload},
    )


def test_the_excel_template_and_import_through_the_api(
    figures: Figures, client_of: ClientOf
) -> None:
    client = client_of(figures.people.commune_officer)
    response = client.get(f"{API}/units/c-a1/template?data_set=DN_TH&period=2025-2026.DN")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="DN_TH_2025-2026.DN_c-a1.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    book["So lieu"]["D5"] = 400
    book["So lieu"]["E5"] = 900
    wrong = io.BytesIO()
    book.save(wrong)
    refused = _import(client, wrong.getvalue())
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {
            "cell": "E5",
            "unit": "Trường Tiểu học An Lạc",
            "message": "Số học sinh nữ (900) không được lớn hơn tổng số học sinh (400).",
        }
    ]
    assert not DataValue.objects.exists()
    book["So lieu"]["E5"] = "1.250"
    book["So lieu"]["D5"] = "1.250"
    right = io.BytesIO()
    book.save(right)
    assert _import(client, right.getvalue()).json() == {
        "rows": 1, "created": 2, "updated": 0, "deleted": 0,
    }  # fmt: skip
    assert sorted(DataValue.objects.values_list("element__code", "value")) == [
        ("TH_HS", Decimal(1250)),
        ("TH_HS_NU", Decimal(1250)),
    ]
    before = state()
    assert _import(client_of(figures.people.viewer), right.getvalue()).status_code == 403
    assert _import(client_of(figures.people.outsider), right.getvalue()).status_code == 404
    assert (
        client_of(figures.people.outsider)
        .get(f"{API}/units/c-a1/template?data_set=DN_TH")
        .status_code
        == 404
    )
    assert state() == before


def test_an_import_onto_approved_figures_is_refused_and_the_page_offers_none(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    fill_school_a1(f)
    approve(actor=f.commune_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025)
    client = client_of(f.people.commune_officer)
    content = client.get(f"{API}/units/c-a1/template?data_set=DN_TH").content
    before = state()
    refused = _import(client, content)
    assert (refused.status_code, refused.json()["code"]) == (409, "locked")
    assert state() == before
    for user, unit in ((f.people.commune_officer, "c-a1"), (f.people.school_principal, "s-a1")):
        html = client_of(user).get(entry_url(unit)).content.decode()
        assert 'data-testid="import-form"' not in html
        assert "không nhập tệp được cho đến khi cấp trên hủy phê duyệt" in html


# --- approval through the API ------------------------------------------------------------------


def test_the_approval_status_says_what_blocks_and_keeps_the_history(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    fill_school_a1(f, TH_GV_CHUAN=None)
    url = f"{API}/units/c-a1/approval?data_set=DN_TH&period=2025-2026.DN"
    blocked = client_of(f.commune_approver).get(url).json()
    assert (blocked["can_approve"], blocked["approve_refusal"]) == (
        False,
        "Còn 1 trường chưa nhập đủ số liệu: Trường Tiểu học An Lạc.",
    )
    assert blocked["children"] == [
        {
            "unit": "s-a1", "name": "Trường Tiểu học An Lạc", "reports": True, "filled": 11,
            "required": 12, "below": 0, "approved": False, "ready": False,
        }
    ]  # fmt: skip
    fill_school_a1(f)
    body = json.dumps({"data_set": "DN_TH", "period": "2025-2026.DN"})
    assert (
        client_of(f.commune_approver)
        .post(f"{API}/units/c-a1/approval", body, content_type="application/json")
        .status_code
        == 200
    )
    before = state()
    no_reason = client_of(f.province_approver).delete(url + "&reason=%20")
    assert (no_reason.status_code, no_reason.json()["message"]) == (
        400,
        "Hãy nhập lý do hủy phê duyệt.",
    )
    assert state() == before
    revoked = client_of(f.province_approver).delete(url + "&reason=Sai%20s%E1%BB%91%20GV")
    assert revoked.status_code == 200
    history = client_of(f.people.commune_officer).get(url).json()["history"]
    assert [(h["kind"], h["by"], h["reason"]) for h in history] == [
        ("revoke", "province_approver", "Sai số GV"),
        ("approve", "commune_approver", ""),
    ]
    event = AuditEvent.objects.get(action="indicators.unapprove")
    assert event.changes["reason"] == [None, "Sai số GV"]


# --- forms posted back unchanged are accepted --------------------------------------------------


def _posted(form: Any) -> dict[str, str]:
    """What a browser sends back for ``form`` as rendered (the values as shown)."""
    from namhoc.indicators.templatetags.figures import vn_input_or_text

    return {name: vn_input_or_text(form[name].value()) for name in form.fields}


def _inputs_of(html: str, *, form_id: str) -> dict[str, str]:
    """The named inputs of the form ``form_id`` in ``html``, with their values as shown."""
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Inputs(HTMLParser):
        inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            named = dict(attrs)
            if tag == "form":
                self.inside = named.get("id") == form_id
            elif tag == "input" and self.inside and named.get("name"):
                found[str(named["name"])] = named.get("value") or ""

        def handle_endtag(self, tag: str) -> None:
            if tag == "form":
                self.inside = False

    Inputs().feed(html)
    return found


def test_the_figures_form_posted_back_unchanged_is_accepted(
    figures: Figures, client_of: ClientOf
) -> None:
    fill_school_a1(figures, TH_HS=1250, TH_HS_NU=600, TH_HS_DUNG_TUOI=1200, TH_HS_2BUOI=1000)
    client = client_of(figures.people.school_principal)
    page = client.get(entry_url())
    html = page.content.decode()
    assert 'value="1.250"' in html
    posted = _inputs_of(html, form_id="entry-form")  # what a browser sends back
    posted.pop("csrfmiddlewaretoken")
    assert (posted["TH_HS"], posted["v-TH_HS"]) == ("1.250", "1")
    response = client.post(entry_url(suffix="luu/"), posted)
    assert response.status_code == 200
    assert "Không có số liệu nào thay đổi." in response.content.decode()
    assert DataValue.objects.get(element__code="TH_HS").version == 1


def test_the_target_and_allocation_forms_posted_back_unchanged_are_accepted(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    set_target(
        actor=f.province_approver, indicator="TH_TL_GV_CHUAN", unit=f.org.province_a,
        school_year="2025-2026", value="97,5",
    )  # fmt: skip
    set_target(
        actor=f.province_approver, indicator="MN_TRE_5T", unit=f.org.province_a,
        school_year="2025-2026", value="1.250",
    )  # fmt: skip
    client = client_of(f.province_approver)
    url = "/so-lieu/p-a/chi-tieu/?ky=2025-2026.DN&chi_tieu=MN_TRE_5T"
    page = client.get(url)
    form = page.context["target_forms"]["TH_TL_GV_CHUAN"]
    posted = {**_posted(form), "ky": "2025-2026.DN"}
    assert posted["value"] == "97,5"
    assert 'value="97,5"' in page.content.decode()
    assert client.post(url, posted).status_code == 302
    allocation = {"action": "allocate", "indicator": "MN_TRE_5T", "ky": "2025-2026.DN"}
    first = client.post(url, {**allocation, "c-c-a1": "1.250"})
    assert first.status_code == 302
    page = client.get(url)
    posted = _posted(page.context["allocation_form"])
    assert posted == {"c-c-a1": "1.250", "c-c-a2": ""}
    assert client.post(url, {**allocation, **posted}).status_code == 302
    assert sorted(Target.objects.values_list("indicator__code", "unit__key", "value")) == [
        ("MN_TRE_5T", "c-a1", Decimal(1250)),
        ("MN_TRE_5T", "p-a", Decimal(1250)),
        ("TH_TL_GV_CHUAN", "p-a", Decimal("97.5")),
    ]


def test_the_weights_form_posted_back_unchanged_is_accepted(
    figures: Figures, client_of: ClientOf
) -> None:
    client = client_of(figures.people.province_officer)
    page = client.get("/so-lieu/p-a/xep-hang/?ky=2025-2026.DN&w_dat=0,65&w_han=0.35")
    posted = _posted(page.context["weights"])
    assert posted == {"w_dat": "0,65", "w_han": "0,35"}
    again = client.get("/so-lieu/p-a/xep-hang/", {"ky": "2025-2026.DN", **posted})
    assert again.status_code == 200
    assert again.context["card"].weights == {
        "attainment": Decimal("0.65"),
        "on_time": Decimal("0.35"),
    }
    wrong = client.get("/so-lieu/p-a/xep-hang/?w_dat=²")
    assert wrong.status_code == 400
    assert "Phải là một số, ví dụ 1.250 hoặc 12,5." in wrong.content.decode()


def test_element_names_are_what_the_rules_show(figures: Figures, client_of: ClientOf) -> None:
    names = dict(DataElement.objects.values_list("code", "name"))
    html = client_of(figures.people.school_principal).get(entry_url()).content.decode()
    assert f"<li>{names['TH_HS_NU']} ≤ {names['TH_HS']}</li>" in html
    assert "TH_HS_NU" not in html.split('data-testid="rules"', 1)[1]


def test_every_indicator_formula_is_explained_by_element_names(
    figures: Figures, client_of: ClientOf
) -> None:
    names = dict(DataElement.objects.values_list("code", "name"))
    html = client_of(figures.people.province_officer).get("/so-lieu/p-a/tong-quan/").content
    text = html.decode()
    assert (
        "<strong>Tỷ lệ giáo viên tiểu học đạt chuẩn trình độ đào tạo</strong> (%) = "
        f"100 × ({names['TH_GV_CHUAN']}) / ({names['TH_GV']})" in text
    )
    assert Indicator.objects.count() == text.split('data-testid="formulas"', 1)[1].count("<li>")


def test_an_import_too_long_for_one_request_is_refused_alike_by_the_api(
    figures: Figures, client_of: ClientOf, settings: Any
) -> None:
    """The API calls the same import: past ``IMPORT_MAX_SECONDS`` it answers 400 with the same
    Vietnamese message and saves nothing (issue 15)."""
    from unittest import mock

    client = client_of(figures.people.commune_officer)
    template = client.get(f"{API}/units/c-a1/template?data_set=DN_TH&period=2025-2026.DN")
    book = load_workbook(io.BytesIO(template.content))
    book["So lieu"]["D5"] = 400
    filled = io.BytesIO()
    book.save(filled)
    settings.IMPORT_MAX_SECONDS = 60
    with mock.patch("namhoc.indicators.excel.monotonic", side_effect=[0.0, 61.0]):
        refused = _import(client, filled.getvalue())
    assert refused.status_code == 400
    assert refused.json()["code"] == "import_refused"
    assert refused.json()["message"].startswith(
        "Tệp có 1 dòng đơn vị, quá nhiều để nhập trong một lần: sau 60 giây mới kiểm tra và "
        "ghi được 0 dòng. Chưa có số liệu nào được lưu."
    )
    assert not DataValue.objects.exists()
    assert _import(client, filled.getvalue()).status_code == 200
