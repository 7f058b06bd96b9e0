"""Not reported is not zero (issue 11.1), dashboards a person can work with (11.8), approvals
that ask and explain (11.6), and the smaller things of 11.13 — through the pages and the API."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from namhoc.core.models_audit import AuditEvent
from namhoc.indicators.charts import trend_chart
from namhoc.indicators.models import Approval, ApprovalEvent, DataValue
from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    THCS_FIGURES,
    Figures,
    add_school,
    approve,
    save_values,
    set_target,
)
from namhoc.orgunits.models import OrgUnit

ClientOf = Callable[[Any], Client]
API = "/api/indicators"
DASHBOARD = "/so-lieu/p-a/tong-quan/?ky=2025-2026.DN"


def fill(f: Figures, unit: OrgUnit, data_set: Any, values: dict[str, object]) -> None:
    save_values(
        actor=f.people.superuser, unit=unit, data_set=data_set, period=f.start_2025, values=values
    )


def target(f: Figures, code: str, value: object, unit: OrgUnit | None = None) -> None:
    set_target(
        actor=f.people.superuser,
        indicator=code,
        unit=unit or f.org.province_a,
        school_year="2025-2026",
        value=value,
    )


def api_row(client: Client, code: str, url: str = f"{API}/units/p-a/dashboard") -> Any:
    board = client.get(url, {"period": "2025-2026.DN"}).json()
    return next(r for r in board["rows"] if r["indicator"] == code)


# --- 11.1: not reported is not zero ------------------------------------------------------------


def test_a_figure_collected_at_the_end_of_the_year_is_not_due_at_its_start(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    fill(f, f.org.school_a2, f.dn_thcs, THCS_FIGURES)  # 140 pupils in grade 9, at the start
    target(f, "THCS_TL_TOT_NGHIEP", 99)
    client = client_of(f.people.province_officer)
    row = api_row(client, "THCS_TL_TOT_NGHIEP")
    assert {k: row[k] for k in ("value", "status", "status_label", "attainment", "colour")} == {
        "value": None,
        "status": "not_due",
        "status_label": "chưa đến kỳ (cuối năm học)",
        "attainment": None,
        "colour": "none",
    }
    html = client.get(DASHBOARD + "&chi_tieu=THCS_TL_TOT_NGHIEP").content.decode()
    focus = html.split('data-testid="focus"', 1)[1].split("</p>", 1)[0]
    assert 'data-testid="focus-coverage">chưa đến kỳ (cuối năm học)</span>' in focus
    assert 'class="ind-value' not in focus  # no figure shown
    assert "đạt " not in focus  # and not compared with the target ("đạt 0%")
    table = html.split('data-testid="indicator-table"', 1)[1]
    row = table.split("Tỷ lệ học sinh tốt nghiệp THCS</a></td>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">—</td>' in row
    assert "chưa đến kỳ (cuối năm học)" in row


def test_partial_coverage_is_said_and_not_compared_with_the_target(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    add_school(f.org.commune_a2, 2, "s-a2-th", "Trường Tiểu học Hòa Bình", "tieu_hoc")
    fill(f, f.org.school_a1, f.dn_th, TH_FIGURES)
    target(f, "TH_TL_GV_CHUAN", 95)
    client = client_of(f.people.province_officer)
    row = api_row(client, "TH_TL_GV_CHUAN")
    assert {k: row[k] for k in ("value", "status", "status_label", "reported", "expected")} == {
        "value": "88.9",
        "status": "partial",
        "status_label": "chưa đủ số liệu (1/2 đơn vị)",
        "reported": 1,
        "expected": 2,
    }
    assert (row["attainment"], row["colour"]) == (None, "none")
    # The commune whose only primary school reported is complete, and compared.
    commune = api_row(client, "TH_TL_GV_CHUAN", f"{API}/units/c-a1/dashboard")
    assert (commune["status"], commune["attainment"], commune["colour"]) == ("ok", "93.6", "warn")


def test_the_scorecard_ranks_like_with_like_and_never_averages_a_missing_figure(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    thpt = add_school(f.org.province_a, 4, "s-thpt", "Trường THPT Phú An", "thpt")
    fill(f, f.org.school_a1, f.dn_th, TH_FIGURES)  # 16/18 qualified teachers: 88.9 %
    fill(f, f.org.school_a2, f.dn_thcs, THCS_FIGURES)  # 30/34: 88.2 %
    save_values(
        actor=f.people.superuser, unit=thpt, data_set=_data_set("DN_THPT"), period=f.start_2025,
        values={"THPT_LOP": 10, "THPT_HS": 400, "THPT_HS_NU": 200, "THPT_GV": 20,
                "THPT_GV_CHUAN": 20, "THPT_PHONG": 10, "THPT_PHONG_KC": 10, "THPT_CHUAN_QG": 1},
    )  # fmt: skip
    for code in ("TH_TL_GV_CHUAN", "THCS_TL_GV_CHUAN", "THPT_TL_GV_CHUAN"):
        target(f, code, 100)
    target(f, "THCS_TL_TOT_NGHIEP", 99)  # due at the end of the year: counts for nobody yet
    card = client_of(f.people.province_officer).get(
        f"{API}/units/p-a/scorecard", {"period": "2025-2026.DN"}
    )
    groups = {
        g["key"]: [(r["unit"], r["rank"], r["attainment"], r["counted"], r["applicable"])
                   for r in g["rows"]]
        for g in card.json()["groups"]
    }  # fmt: skip
    assert groups == {
        # Each commune over the indicators it has: 88.9 and 88.2, not halved by a graduation
        # rate that is not due (the zeros the old scorecard averaged in).
        "commune": [("c-a1", 1, "88.9", 1, 1), ("c-a2", 2, "88.2", 1, 2)],
        # The upper-secondary school is ranked among its own kind, not above the communes.
        "school:thpt": [("s-thpt", 1, "100.0", 1, 1)],
    }
    html = client_of(f.people.province_officer).get("/so-lieu/p-a/xep-hang/?ky=2025-2026.DN")
    text = html.content.decode()
    assert "Xã, phường, đặc khu (2)" in text
    assert "Trường trung học phổ thông (1)" in text
    assert "1/2 chỉ tiêu" in text


def _data_set(code: str) -> Any:
    from namhoc.indicators.models import DataSet

    return DataSet.objects.get(code=code)


# --- 11.8: sort, filter, search; summary agrees; breadcrumb ----------------------------------


def _rows(html: str, testid: str) -> list[str]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td><a href="[^"]+">([^<]+)</a></td>', table)


def test_the_breakdown_sorts_by_any_column_filters_and_searches_without_marks(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    fill(f, f.org.school_a1, f.dn_th, TH_FIGURES)  # girls 190/400 = 47,5 %
    fill(f, f.org.school_a2, f.dn_thcs, THCS_FIGURES)  # girls 290/600 = 48,3 %
    client = client_of(f.people.province_officer)
    url = DASHBOARD + "&chi_tieu=TL_HS_NU_PT"

    def names(**query: str) -> list[str]:
        extra = "".join(f"&{k}={v}" for k, v in query.items())
        return _rows(client.get(url + extra).content.decode(), "children")

    assert names() == ["Phường Hòa Bình", "Xã An Lạc"]  # Vietnamese order by name
    assert names(sap_xep="gia_tri") == ["Xã An Lạc", "Phường Hòa Bình"]
    assert names(sap_xep="gia_tri", chieu="desc") == ["Phường Hòa Bình", "Xã An Lạc"]
    assert names(sap_xep="ten", chieu="desc") == ["Xã An Lạc", "Phường Hòa Bình"]
    assert names(tim="hoa binh") == ["Phường Hòa Bình"]
    assert names(loai="commune") == ["Phường Hòa Bình", "Xã An Lạc"]
    assert names(loai="school:thpt") == []
    assert names(sap_xep="khong-co") == ["Phường Hòa Bình", "Xã An Lạc"]  # unknown: default
    api = client.get(
        f"{API}/units/p-a/dashboard",
        {"period": "2025-2026.DN", "indicator": "TL_HS_NU_PT", "sort": "gia_tri",
         "direction": "desc", "search": "an lac"},
    ).json()  # fmt: skip
    assert [(b["unit"], b["value"]) for b in api["breakdown"]] == [("c-a1", "47.5")]


def test_the_scorecard_sorts_by_any_column(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    fill(f, f.org.school_a1, f.dn_th, TH_FIGURES)
    fill(f, f.org.school_a2, f.dn_thcs, THCS_FIGURES)
    target(f, "TH_TL_GV_CHUAN", 100)
    target(f, "THCS_TL_GV_CHUAN", 100)
    client = client_of(f.people.province_officer)
    base = "/so-lieu/p-a/xep-hang/?ky=2025-2026.DN"
    html = client.get(base).content.decode()
    assert _rows(html, "scorecard") == ["Xã An Lạc", "Phường Hòa Bình"]  # by rank
    html = client.get(base + "&sap_xep=dat").content.decode()
    assert _rows(html, "scorecard") == ["Phường Hòa Bình", "Xã An Lạc"]  # 88,2 before 88,9
    html = client.get(base + "&sap_xep=ten&chieu=desc").content.decode()
    assert _rows(html, "scorecard") == ["Xã An Lạc", "Phường Hòa Bình"]


def test_the_summary_boxes_count_what_the_table_shows(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    fill(f, f.org.school_a1, f.dn_th, TH_FIGURES)
    fill(f, f.org.school_a2, f.dn_thcs, THCS_FIGURES)
    target(f, "TH_TL_GV_CHUAN", 85)  # 88,9: green
    target(f, "THCS_TL_GV_CHUAN", 100)  # 88,2: red (amber from 90 %)
    target(f, "TL_HS_NU_PT", 50)  # 48,0 % girls: amber (96 %)
    target(f, "THCS_TL_TOT_NGHIEP", 99)  # not due
    html = client_of(f.people.province_officer).get(DASHBOARD).content.decode()
    table = html.split('data-testid="indicator-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'data-status="(\w+)" data-colour="(\w+)"', table)
    boxes = {
        name: int(value) for name, value in re.findall(r'data-testid="sum-([\w-]+)">(\d+)<', html)
    }
    counted = {
        "good": sum(1 for s, c in rows if s == "ok" and c == "good"),
        "warn": sum(1 for s, c in rows if s == "ok" and c == "warn"),
        "bad": sum(1 for s, c in rows if s == "ok" and c == "bad"),
        "no-target": sum(1 for s, c in rows if s == "ok" and c == "none"),
        "incomplete": sum(1 for s, _ in rows if s == "partial"),
        "not-due": sum(1 for s, _ in rows if s in ("not_due", "not_collected")),
    }
    assert boxes == counted
    assert (boxes["good"], boxes["warn"], boxes["bad"]) == (1, 1, 1)
    assert boxes["not-due"] >= 1


def test_the_breadcrumb_never_leads_to_a_unit_out_of_scope(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    province = client_of(f.people.province_officer).get("/so-lieu/c-a1/tong-quan/")
    crumb = province.content.decode().split('data-testid="breadcrumb"', 1)[1].split("</nav>")[0]
    assert "/so-lieu/p-a/tong-quan/" in crumb
    assert "/so-lieu/bo/" not in crumb
    assert "Bộ Giáo dục" not in crumb
    everywhere = client_of(f.people.superuser).get("/so-lieu/c-a1/tong-quan/").content.decode()
    assert "/so-lieu/bo/tong-quan/" in everywhere.split('data-testid="breadcrumb"', 1)[1]


# --- 11.6: approving asks; un-approving needs a reason -----------------------------------------


def entry(unit: str, suffix: str = "") -> str:
    return f"/so-lieu/{unit}/ky/2025-2026.DN/bieu/DN_TH/{suffix}"


def test_approving_asks_to_confirm_first(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    fill(f, f.org.school_a1, f.dn_th, TH_FIGURES)
    client = client_of(f.commune_approver)
    page = client.get(entry("c-a1")).content.decode()
    assert 'name="xac_nhan" value="1" required' in page
    unconfirmed = client.post(entry("c-a1", "phe-duyet/"))
    assert unconfirmed.status_code == 400
    assert (
        "Hãy đánh dấu xác nhận đã kiểm tra số liệu trước khi phê duyệt."
        in unconfirmed.content.decode()
    )
    assert not Approval.objects.exists()
    assert client.post(entry("c-a1", "phe-duyet/"), {"xac_nhan": "1"}).status_code == 302
    assert Approval.objects.filter(unit=f.org.commune_a1).exists()


def test_unapproving_needs_a_reason_kept_in_the_units_history(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    fill(f, f.org.school_a1, f.dn_th, TH_FIGURES)
    approve(actor=f.commune_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025)
    client = client_of(f.province_approver)
    for reason, message in (
        ("  ", "Hãy nhập lý do hủy phê duyệt."),
        ("x" * 501, "Lý do hủy phê duyệt dài tối đa 500 ký tự (đang có 501)."),
    ):
        refused = client.post(entry("c-a1", "phe-duyet/"), {"action": "revoke", "reason": reason})
        assert refused.status_code == 400
        assert message in refused.content.decode()
        assert Approval.objects.count() == 1
    done = client.post(
        entry("c-a1", "phe-duyet/"),
        {"action": "revoke", "reason": "Số giáo viên của Trường An Lạc chưa khớp hồ sơ"},
    )
    assert done.status_code == 302
    assert not Approval.objects.exists()
    history = client_of(f.people.commune_officer).get(entry("c-a1")).content.decode()
    section = history.split('data-testid="approval-history"', 1)[1].split("</section>")[0]
    assert "Hủy phê duyệt · province_approver — lý do: Số giáo viên của Trường An Lạc" in section
    assert "Phê duyệt · commune_approver" in section
    assert ApprovalEvent.objects.filter(kind="revoke").get().reason == (
        "Số giáo viên của Trường An Lạc chưa khớp hồ sơ"
    )
    event = AuditEvent.objects.get(action="indicators.unapprove")
    assert event.unit_id == f.org.commune_a1.pk
    assert "Số giáo viên của Trường An Lạc" in event.note


# --- 11.13: the smaller things -----------------------------------------------------------------


def test_the_province_approve_button_says_what_blocks_it(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    fill(f, f.org.school_a1, f.dn_th, TH_FIGURES)
    html = client_of(f.province_approver).get(entry("p-a")).content.decode()
    assert 'data-testid="approve-form"' not in html
    assert '<button type="button" class="button" disabled aria-describedby="blocker">' in html
    assert "Còn 1 xã, phường chưa phê duyệt: Xã An Lạc." in html
    # Someone who may not approve sees no button at all.
    viewer = client_of(f.people.viewer).get(entry("p-a")).content.decode()
    assert "Chưa thể phê duyệt" not in viewer


def test_clearing_a_saved_figure_asks_before_deleting_it(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    fill(f, f.org.school_a1, f.dn_th, {"TH_HS": 400, "TH_LOP": 12})
    client = client_of(f.people.school_principal)
    asked = client.post(entry("s-a1", "luu/"), {"TH_HS": "", "v-TH_HS": "1", "TH_LOP": "12"})
    html = asked.content.decode()
    assert asked.status_code == 400
    assert "Ô để trống: số liệu đã lưu (400) sẽ bị xóa khi lưu." in html
    assert 'name="xac_nhan_xoa" value="1"' in html
    assert DataValue.objects.get(element__code="TH_HS").value == 400
    done = client.post(
        entry("s-a1", "luu/"),
        {"TH_HS": "", "v-TH_HS": "1", "TH_LOP": "12", "xac_nhan_xoa": "1"},
    )
    assert done.status_code == 200
    assert "Trong đó 1 số liệu đã lưu được xóa theo xác nhận của bạn." in done.content.decode()
    assert not DataValue.objects.filter(element__code="TH_HS").exists()


def test_periods_are_listed_in_time_order(figures: Figures, client_of: ClientOf) -> None:
    html = client_of(figures.people.province_officer).get(DASHBOARD).content.decode()
    picker = html.split('id="ky"', 1)[1].split("</select>", 1)[0]
    names = re.findall(r">([^<]+)</option>", picker)
    assert names[:3] == [
        "Đầu năm học 2024-2025 (số liệu đến 30/9/2024)",
        "Học kỳ I năm học 2024-2025",
        "Cuối năm học 2024-2025",
    ]


def test_the_trend_axis_fits_the_figures_and_labels_do_not_overlap() -> None:
    years = [f"{y}-{y + 1}" for y in range(2006, 2026)]  # 20 school years on 560 px
    values = [Decimal(95) + Decimal(n) / 3 for n in range(len(years))]
    chart = trend_chart(list(zip(years, values, strict=True)), Decimal(99), width=560, height=200)
    ys = [p.y for p in chart.points]
    inner = 200 - 2 * 24
    assert max(ys) - min(ys) > inner / 2  # uses the height, not a flat line at the top
    assert next(t.label for t in chart.ticks) != "0"  # the axis does not start at zero
    assert (chart.ticks[0].label, chart.ticks[-1].label) == ("94", "102")
    shown = [p for p in chart.points if p.text]
    assert [p.text for p in shown][:2] == ["06-07", "08-09"]
    assert all(b.x - a.x >= 38 for a, b in itertools.pairwise(shown))
    assert shown[-1].text == "25-26"


@pytest.mark.parametrize("flat", [Decimal(0), Decimal(100)])
def test_a_flat_trend_still_draws(flat: Decimal) -> None:
    chart = trend_chart([("2024-2025", flat), ("2025-2026", flat)], width=320, height=120)
    assert chart.ticks
    assert all(0 <= p.y <= 120 for p in chart.points)
