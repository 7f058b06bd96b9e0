"""Table pages as Excel (issue 13): ``?xuat=xlsx`` on the page's own address answers the rows
the page shows that person — same scope, filters and order, every row — with numbers as
numbers and "not due / not complete" as words, never 0; out of scope answers 404 and no file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from namhoc.indicators.models import Indicator, Period
from namhoc.indicators.services import rollups_rebuild
from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    THCS_FIGURES,
    Figures,
    save_values,
    set_target,
    setup_figures,
)
from namhoc.reporting.xlsx import XLSX_CONTENT_TYPE

ClientOf = Callable[[Any], Client]
Rows = list[tuple[Any, ...]]


def workbook(response: Any) -> dict[str, Rows]:
    """Every sheet of a downloaded workbook, as rows of values."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(BytesIO(response.content), read_only=True)
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def header_and_rows(rows: Rows, first: str) -> tuple[tuple[Any, ...], Rows]:
    """The table's header (the row starting with ``first``) and its data rows (up to the first
    blank line)."""
    start = next(n for n, row in enumerate(rows) if row and row[0] == first)
    body: Rows = []
    for row in rows[start + 1 :]:
        if all(cell is None for cell in row):
            break
        body.append(row)
    return rows[start], body


def by_first(rows: Rows) -> dict[Any, tuple[Any, ...]]:
    return {row[0]: row for row in rows}


def refused(response: Any, status: int = 404) -> None:
    """A refused export: the error page, never a file."""
    assert response.status_code == status
    assert not response["Content-Type"].startswith(XLSX_CONTENT_TYPE)
    assert "Content-Disposition" not in response


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- figures ------------------------------------------------------------------------------------


@pytest.fixture
def figures(org: Any, people: Any) -> Figures:
    return setup_figures(org, people)


def _fill(f: Figures) -> None:
    for unit, data_set, period, values in (
        (f.org.school_a1, f.dn_th, f.start_2025, TH_FIGURES),
        (f.org.school_a2, f.dn_thcs, f.start_2025, THCS_FIGURES),
        (f.org.school_a1, f.dn_th, f.start_2024, {**TH_FIGURES, "TH_CHUAN_QG": 0}),
    ):
        save_values(
            actor=f.people.superuser, unit=unit, data_set=data_set, period=period, values=values
        )
    set_target(
        actor=f.people.superuser,
        indicator="TL_CHUAN_QG",
        unit=f.org.province_a,
        school_year="2025-2026",
        value="80",
        source="102/KH-UBND",
    )
    rollups_rebuild()


def _name(code: str) -> str:
    return Indicator.objects.get(code=code).name


DASHBOARD = "/so-lieu/{}/tong-quan/"


def test_the_dashboard_downloads_its_figures_children_and_formulas(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    _fill(f)
    province = client_of(f.people.province_officer)
    query = {"ky": "2025-2026.DN", "chi_tieu": "TL_CHUAN_QG"}
    page = province.get(DASHBOARD.format("p-a"), query)
    assert (
        'href="/so-lieu/p-a/tong-quan/?ky=2025-2026.DN&amp;chi_tieu=TL_CHUAN_QG&amp;xuat=xlsx"'
        in (page.content.decode())
    )
    sheets = workbook(province.get(DASHBOARD.format("p-a"), {**query, "xuat": "xlsx"}))
    assert list(sheets) == ["Các chỉ tiêu", "Theo đơn vị trực thuộc", "Cách tính"]
    indicators = sheets["Các chỉ tiêu"]
    assert indicators[0][0] == "Bảng chỉ tiêu — Tỉnh Phú An"
    assert indicators[1][0] == "Tỉnh Phú An · Đầu năm học 2025-2026 (số liệu đến 30/9/2025)"
    header, rows = header_and_rows(indicators, "Chỉ tiêu")
    assert header[:7] == (
        "Chỉ tiêu",
        "Giá trị",
        "Đơn vị tính",
        "Chỉ tiêu giao",
        "Đạt (%)",
        "Số liệu",
        "Ghi chú",
    )
    assert header[7:] == ("Xu hướng 2024-2025", "Xu hướng 2025-2026")
    rows_by_name = by_first(rows)
    # 1 of 2 schools at national standard: 50 %, against the province's 80: 62,5 % reached;
    # last year's 0 of 1 in the trend — numbers, not text
    assert rows_by_name[_name("TL_CHUAN_QG")] == (
        _name("TL_CHUAN_QG"),
        50,
        "%",
        80,
        62.5,
        "đủ",
        None,
        0,
        50,
    )
    assert all(is_number(rows_by_name[_name("TL_CHUAN_QG")][n]) for n in (1, 3, 4, 7, 8))
    # a figure collected only at the end of the year carries the page's words, never 0
    graduation = rows_by_name[_name("THCS_TL_TOT_NGHIEP")]
    assert graduation[1] == "chưa đến kỳ (cuối năm học)"
    assert graduation[5] == "chưa đến kỳ (cuối năm học)"
    assert graduation[4] == "—"
    assert len(rows) == Indicator.objects.count()
    children = sheets["Theo đơn vị trực thuộc"]
    assert children[0][0] == f"{_name('TL_CHUAN_QG')} theo đơn vị trực thuộc — Tỉnh Phú An"
    header, rows = header_and_rows(children, "Đơn vị")
    assert header == ("Đơn vị", "Giá trị (%)", "Chỉ tiêu giao", "Đạt (%)", "Số liệu", "Ghi chú")
    assert rows == [
        ("Phường Hòa Bình", 0, 80, 0, "đủ (1/1 đơn vị)", "kế thừa chỉ tiêu cấp trên"),
        ("Xã An Lạc", 100, 80, 100, "đủ (1/1 đơn vị)", "kế thừa chỉ tiêu cấp trên"),
    ]
    formulas = by_first(header_and_rows(sheets["Cách tính"], "Chỉ tiêu")[1])
    assert formulas[_name("TH_HS_LOP")][2] == "(Tổng số học sinh tiểu học) / (Số lớp tiểu học)"


def test_the_dashboard_export_keeps_the_filter_and_order_and_the_viewers_scope(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    _fill(f)
    province = client_of(f.people.province_officer)
    query = {"ky": "2025-2026.DN", "chi_tieu": "TL_CHUAN_QG", "xuat": "xlsx"}
    by_value = workbook(
        province.get(DASHBOARD.format("p-a"), {**query, "sap_xep": "gia_tri", "chieu": "desc"})
    )["Theo đơn vị trực thuộc"]
    assert [row[0] for row in header_and_rows(by_value, "Đơn vị")[1]] == [
        "Xã An Lạc",
        "Phường Hòa Bình",
    ]
    assert "Sắp xếp theo cột “Giá trị”, giảm dần." in [row[0] for row in by_value[:4]]
    searched = workbook(province.get(DASHBOARD.format("p-a"), {**query, "tim": "hoa binh"}))
    lines = searched["Theo đơn vị trực thuộc"]
    assert [row[0] for row in header_and_rows(lines, "Đơn vị")[1]] == ["Phường Hòa Bình"]
    assert "Đã lọc: tên có “hoa binh” — 1 trong 2 đơn vị trực thuộc." in [r[0] for r in lines]
    # a commune officer's own dashboard: only its own school below
    commune = workbook(client_of(f.people.commune_officer).get(DASHBOARD.format("c-a1"), query))
    assert [row[0] for row in header_and_rows(commune["Theo đơn vị trực thuộc"], "Đơn vị")[1]] == [
        "Trường Tiểu học An Lạc"
    ]
    # out of scope: 404 and no file, for the commune officer above and the other province
    refused(client_of(f.people.commune_officer).get(DASHBOARD.format("p-a"), query))
    refused(client_of(f.people.outsider).get(DASHBOARD.format("c-a1"), query))


SCORECARD = "/so-lieu/{}/xep-hang/"


def test_the_scorecard_downloads_each_group_ranked_with_its_weights(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    _fill(f)
    province = client_of(f.people.province_officer)
    query = {"ky": "2025-2026.DN", "w_dat": "0,6", "w_han": "0,4", "xuat": "xlsx"}
    sheets = workbook(province.get(SCORECARD.format("p-a"), query))
    assert list(sheets) == ["Xã, phường, đặc khu"]
    sheet = sheets["Xã, phường, đặc khu"]
    assert sheet[0][0] == "Xếp hạng đơn vị trực thuộc Tỉnh Phú An — Xã, phường, đặc khu"
    header, rows = header_and_rows(sheet, "Hạng")
    assert header[:6] == (
        "Hạng",
        "Đơn vị",
        "Điểm",
        "Đạt chỉ tiêu (%)",
        "Đúng hạn (%)",
        "Số liệu",
    )
    assert header[6:] == (f"{_name('TL_CHUAN_QG')} (%)",)
    assert rows == [
        (1, "Xã An Lạc", 100, 100, "—", "1/1 chỉ tiêu", 100),
        (2, "Phường Hòa Bình", 0, 0, "—", "1/1 chỉ tiêu", 0),
    ]
    notes = [row[0] for row in sheet if row[0]]
    assert any(str(n).startswith("Điểm = 0,6 × mức đạt chỉ tiêu bình quân + 0,4 ×") for n in notes)
    # wrong weights: the page with its message (400), not a file
    bad = province.get(SCORECARD.format("p-a"), {**query, "w_dat": "5"})
    refused(bad, 400)
    assert "Tải Excel" not in bad.content.decode()
    refused(client_of(f.people.outsider).get(SCORECARD.format("p-a"), query))


TARGETS = "/so-lieu/{}/chi-tieu/"


def test_the_targets_download_shows_the_allocation_only_to_who_may_allocate(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    _fill(f)
    set_target(
        actor=f.people.superuser,
        indicator="MN_TRE_5T",
        unit=f.org.province_a,
        school_year="2025-2026",
        value="1.000",
        source="102/KH-UBND",
    )
    query = {"ky": "2025-2026.DN", "chi_tieu": "MN_TRE_5T", "xuat": "xlsx"}
    approver = workbook(client_of(f.province_approver).get(TARGETS.format("p-a"), query))
    assert list(approver) == ["Chỉ tiêu giao", "Phân bổ"]
    header, rows = header_and_rows(approver["Chỉ tiêu giao"], "Chỉ tiêu")
    assert header == ("Chỉ tiêu", "Đơn vị tính", "Chỉ tiêu giao", "Văn bản giao", "Ghi chú")
    targets = by_first(rows)
    assert targets[_name("MN_TRE_5T")] == (_name("MN_TRE_5T"), "trẻ", 1000, "102/KH-UBND", None)
    assert targets[_name("TL_CHUAN_QG")][2] == 80
    assert targets[_name("TH_HS_LOP")][2] == "—"
    allocation = approver["Phân bổ"]
    assert "Chỉ tiêu của Tỉnh Phú An: 1.000 trẻ." in [row[0] for row in allocation]
    assert header_and_rows(allocation, "Đơn vị")[1] == [
        ("Phường Hòa Bình", "chưa phân bổ"),
        ("Xã An Lạc", "chưa phân bổ"),
    ]
    # a viewer's page has no allocation form: neither has the file
    viewer = workbook(client_of(f.people.viewer).get(TARGETS.format("p-a"), query))
    assert list(viewer) == ["Chỉ tiêu giao"]
    refused(client_of(f.people.outsider).get(TARGETS.format("p-a"), query))


def entry_url(f: Figures, unit: str, data_set: str = "DN_TH") -> str:
    return f"/so-lieu/{unit}/ky/{f.start_2025.code}/bieu/{data_set}/"


def test_the_entry_page_downloads_its_figures_or_its_childrens_progress(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    _fill(f)
    school = client_of(f.people.school_principal)
    assert (
        f'href="{entry_url(f, "s-a1")}?xuat=xlsx"'
        in school.get(entry_url(f, "s-a1")).content.decode()
    )
    own = workbook(school.get(entry_url(f, "s-a1"), {"xuat": "xlsx"}))
    assert list(own) == ["Số liệu"]
    header, rows = header_and_rows(own["Số liệu"], "Mục")
    assert header == ("Mục", "Chỉ số", "Đơn vị tính", "Số liệu", "Bắt buộc")
    values = {row[1]: row[3] for row in rows}
    assert values["Tổng số học sinh tiểu học"] == 400
    assert is_number(values["Tổng số học sinh tiểu học"])
    # the first semester's form, one figure in: the others say so, they are not 0
    semester = Period.objects.get(school_year="2025-2026", kind=Period.Kind.SEMESTER_1)
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=semester,
        values={"TH_HS": "1.250"},
    )
    url = entry_url(f, "s-a1").replace(f.start_2025.code, semester.code)
    rows = header_and_rows(workbook(school.get(url, {"xuat": "xlsx"}))["Số liệu"], "Mục")[1]
    values = {row[1]: row[3] for row in rows}
    assert values["Tổng số học sinh tiểu học"] == 1250
    assert values["Số lớp tiểu học"] == "chưa nhập"
    assert list(values.values()).count("chưa nhập") == len(TH_FIGURES) - 1
    # the province: each child's progress and the rolled-up totals
    above = workbook(
        client_of(f.people.province_officer).get(entry_url(f, "p-a"), {"xuat": "xlsx"})
    )
    assert list(above) == ["Tình hình nộp", "Tổng hợp"]
    header, rows = header_and_rows(above["Tình hình nộp"], "Đơn vị")
    assert rows == [("Xã An Lạc", "Chưa phê duyệt", None, None, 1)]
    totals = {row[0]: row for row in header_and_rows(above["Tổng hợp"], "Chỉ số")[1]}
    assert totals["Tổng số học sinh tiểu học"][2:] == (400, 1)
    refused(client_of(f.people.outsider).get(entry_url(f, "s-a1"), {"xuat": "xlsx"}))
    refused(client_of(f.people.commune_officer).get(entry_url(f, "p-a"), {"xuat": "xlsx"}))


# --- directives ---------------------------------------------------------------------------------


@pytest.fixture
def cascade(org: Any, people: Any) -> dict[str, Any]:
    """The Ministry's plan; the province's, implementing it; commune A1's draft implementing the
    province's, its best proposals confirmed, then published; commune A2 silent."""
    from namhoc.directives import services as directive_services
    from namhoc.directives.models import TaskLink
    from namhoc.directives.tests.helpers import (
        COMMUNE_A1_DOC,
        MINISTRY_DOC,
        PROVINCE_DOC,
        publish,
        published,
        upload,
    )

    officer = people.province_officer
    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    province = published(officer, org.province_a, PROVINCE_DOC, upper=ministry)
    commune = upload(officer, org.commune_a1, COMMUNE_A1_DOC)
    directive_services.directive_set_upper(
        actor=officer, directive_id=commune.pk, upper_id=province.pk
    )
    directive_services.links_suggest(actor=officer, directive_id=commune.pk)
    for link in TaskLink.objects.filter(task__directive=commune, rank=1):
        directive_services.link_decide(
            actor=officer,
            directive_id=commune.pk,
            task_id=link.task_id,
            upper_task_id=link.upper_task_id,
            decision="confirm",
        )
    commune = publish(officer, commune)
    return {"ministry": ministry, "province": province, "commune": commune}


def test_the_directive_list_downloads_every_row_as_filtered(
    cascade: dict[str, Any], people: Any, client_of: ClientOf, monkeypatch: Any
) -> None:
    from namhoc.web import directives_views

    monkeypatch.setattr(directives_views, "DIRECTIVES_PER_PAGE", 1)  # the page shows one row
    province = client_of(people.province_officer)
    page = province.get("/van-ban/", {"trang": "2"})
    assert "2–2 trong 3 văn bản" in page.content.decode()
    assert 'href="/van-ban/?xuat=xlsx"' in page.content.decode()
    sheet = workbook(province.get("/van-ban/", {"trang": "2", "xuat": "xlsx"}))["Văn bản"]
    header, rows = header_and_rows(sheet, "Số, ký hiệu")
    assert header == (
        "Số, ký hiệu",
        "Bản",
        "Loại văn bản",
        "Trích yếu",
        "Đơn vị",
        "Ngày ban hành",
        "Năm học",
        "Nhiệm vụ",
        "Trạng thái",
    )
    # every row, in the page's order (newest school year, then by unit down the tree)
    assert [row[0] for row in rows] == [
        cascade[name].number for name in ("ministry", "province", "commune")
    ]
    commune = cascade["commune"]
    row = by_first(rows)[commune.number]
    assert (row[1], row[4], row[8]) == (1, "Xã An Lạc", "Đã ban hành")
    assert row[5] == dt.datetime.combine(commune.issued_on, dt.time())  # a date, not text
    assert row[7] == commune.tasks.count()
    # the filter holds in the file
    searched = workbook(province.get("/van-ban/", {"q": "an lac", "xuat": "xlsx"}))["Văn bản"]
    assert [r[0] for r in header_and_rows(searched, "Số, ký hiệu")[1]] == [commune.number]
    assert searched[1][0] == "Đã lọc: có “an lac” — 1 văn bản."
    # the other province's officer reads the Ministry's plan only
    outsider = workbook(client_of(people.outsider).get("/van-ban/", {"xuat": "xlsx"}))["Văn bản"]
    assert [r[0] for r in header_and_rows(outsider, "Số, ký hiệu")[1]] == [
        cascade["ministry"].number
    ]


def test_the_coverage_download_lists_only_the_units_the_person_sees(
    cascade: dict[str, Any], people: Any, client_of: ClientOf
) -> None:
    from namhoc.directives.models import TaskLink

    province, commune = cascade["province"], cascade["commune"]
    url = f"/van-ban/{province.pk}/bao-phu/"
    officer = client_of(people.province_officer)
    assert f'href="{url}?xuat=xlsx"' in officer.get(url).content.decode()
    sheets = workbook(officer.get(url, {"xuat": "xlsx"}))
    assert list(sheets) == ["Theo đơn vị", "Theo nhiệm vụ"]
    tasks = list(province.tasks.order_by("position"))
    header, rows = header_and_rows(sheets["Theo đơn vị"], "Đơn vị")
    assert header == (
        "Đơn vị",
        "Văn bản triển khai",
        "Số nhiệm vụ thực hiện",
        *[t.label for t in tasks],
    )
    covered = set(
        TaskLink.objects.filter(task__directive=commune, status="confirmed").values_list(
            "upper_task__label", flat=True
        )
    )
    by_unit = by_first(rows)
    assert set(by_unit) == {"Xã An Lạc", "Phường Hòa Bình"}  # the old district: not current
    an_lac = by_unit["Xã An Lạc"]
    assert an_lac[1] == commune.number
    assert an_lac[2] == len(covered)
    assert {t.label for t, mark in zip(tasks, an_lac[3:], strict=True) if mark == "✔"} == covered
    assert by_unit["Phường Hòa Bình"][1:3] == ("Chưa ban hành", 0)
    per_task = by_first(header_and_rows(sheets["Theo nhiệm vụ"], "Nhiệm vụ")[1])
    for task in tasks:
        implemented = 1 if task.label in covered else 0
        assert per_task[task.label][2] == implemented
        assert per_task[task.label][3] == (None if implemented else "Chưa đơn vị nào triển khai")
    # the commune officer sees the province's plan, but only its own commune below it
    mine = workbook(client_of(people.commune_officer).get(url, {"xuat": "xlsx"}))
    assert [r[0] for r in header_and_rows(mine["Theo đơn vị"], "Đơn vị")[1]] == ["Xã An Lạc"]
    refused(client_of(people.outsider).get(url, {"xuat": "xlsx"}))


def test_the_links_and_review_downloads(
    cascade: dict[str, Any], people: Any, client_of: ClientOf
) -> None:
    from namhoc.directives.models import TaskLink

    commune = cascade["commune"]
    officer = client_of(people.commune_officer)
    links_url = f"/van-ban/{commune.pk}/lien-ket/"
    assert f'href="{links_url}?xuat=xlsx"' in officer.get(links_url).content.decode()
    sheet = workbook(officer.get(links_url, {"xuat": "xlsx"}))["Liên kết"]
    header, rows = header_and_rows(sheet, "Nhiệm vụ")
    assert header == (
        "Nhiệm vụ",
        "Nhiệm vụ cấp trên",
        "Mức khớp",
        "Đề xuất thứ",
        "Trạng thái",
        "Từ chung",
    )
    links = TaskLink.objects.filter(task__directive=commune)
    with_links = {link.task_id for link in links}
    assert len(rows) == links.count() + commune.tasks.exclude(pk__in=with_links).count()
    confirmed = [r for r in rows if r[4] == "Đã xác nhận"]
    assert len(confirmed) == links.filter(status="confirmed").count() > 0
    assert all(r[3] == 1 for r in confirmed)  # ranks are numbers
    refused(client_of(people.outsider).get(links_url, {"xuat": "xlsx"}))

    review_url = f"/van-ban/{commune.pk}/"
    assert f'href="{review_url}?xuat=xlsx"' in officer.get(review_url).content.decode()
    sheets = workbook(officer.get(review_url, {"xuat": "xlsx"}))
    assert list(sheets) == ["Nhiệm vụ", "Văn bản được dẫn", "Chỉ tiêu"]
    tasks = header_and_rows(sheets["Nhiệm vụ"], "Số hiệu")[1]
    assert [(r[0], r[1]) for r in tasks] == [
        (t.label, t.title) for t in commune.tasks.order_by("position")
    ]
    citations = header_and_rows(sheets["Văn bản được dẫn"], "Loại văn bản")[1]
    assert [r[1] for r in citations] == list(commune.citations.values_list("number", flat=True))
    assert all(r[2] is None or isinstance(r[2], dt.datetime) for r in citations)
    refused(client_of(people.outsider).get(review_url, {"xuat": "xlsx"}))


# --- people, the audit log, units, drafts, notices ---------------------------------------------


def test_the_people_list_downloads_the_people_the_admin_manages(
    org: Any, people: Any, client_of: ClientOf
) -> None:
    admin = client_of(people.province_admin)
    page = admin.get("/nguoi-dung/", {"q": "xã"})
    assert 'href="/nguoi-dung/?q=x%C3%A3&amp;xuat=xlsx"' in page.content.decode()
    # the search box swaps the rows (htmx): the link comes with them, with the new search
    rows = admin.get("/nguoi-dung/", {"q": "tỉnh"}, HTTP_HX_REQUEST="true")
    assert 'href="/nguoi-dung/?q=t%E1%BB%89nh&amp;xuat=xlsx"' in rows.content.decode()
    sheet = workbook(admin.get("/nguoi-dung/", {"xuat": "xlsx"}))["Người dùng"]
    header, rows = header_and_rows(sheet, "Họ và tên")
    assert header == ("Họ và tên", "Tên đăng nhập", "Vai trò tại đơn vị", "Trạng thái")
    names = [row[0] for row in rows]
    assert "Phạm Văn Xã" in names
    assert "Vũ Thị Ngoài" not in names  # another province's specialist
    assert "Quản trị hệ thống" not in names
    assert by_first(rows)["Hoàng Thị Hiệu"][2:] == (
        "Phê duyệt — Trường Tiểu học An Lạc\nChuyên viên — Trường Tiểu học An Lạc",
        "Đang hoạt động",
    )
    searched = workbook(admin.get("/nguoi-dung/", {"q": "Xã", "xuat": "xlsx"}))["Người dùng"]
    assert [row[0] for row in header_and_rows(searched, "Họ và tên")[1]] == ["Phạm Văn Xã"]
    assert searched[1][0] == "1 người dùng khớp với “Xã”."
    # not an admin: the page's 403, no file
    refused(client_of(people.province_officer).get("/nguoi-dung/", {"xuat": "xlsx"}), 403)


def test_the_audit_log_downloads_as_filtered_within_the_admins_scope(
    org: Any, people: Any, client_of: ClientOf, monkeypatch: Any
) -> None:
    from namhoc.accounts import services as account_services
    from namhoc.accounts.models import Role
    from namhoc.indicators.tests.helpers import grant
    from namhoc.web import people_exports

    admin_b = grant("admin_b", org.province_b, Role.UNIT_ADMIN)
    for actor, unit, username in (
        (people.province_admin, "c-a1", "gv_an_lac"),
        (people.province_admin, "c-a2", "gv_hoa_binh"),
        (admin_b, "c-b1", "gv_son_thuy"),
    ):
        account_services.user_create(
            actor=actor, username=username, full_name=username, unit=unit, role="viewer"
        )
    admin = client_of(people.province_admin)
    assert "Tải Excel" in admin.get("/nhat-ky/").content.decode()
    sheet = workbook(admin.get("/nhat-ky/", {"unit": "c-a1", "xuat": "xlsx"}))["Nhật ký"]
    assert sheet[0][0] == "Nhật ký thay đổi"
    assert sheet[1][0] == "Đã lọc: đơn vị Xã An Lạc (cả các đơn vị trực thuộc)."
    header, rows = header_and_rows(sheet, "Ngày")
    assert header == (
        "Ngày",
        "Giờ",
        "Người thực hiện",
        "Thay đổi",
        "Đối tượng",
        "Chi tiết",
        "Nguồn",
    )
    objects = [row[4] for row in rows]
    assert any("gv_an_lac" in text for text in objects)
    assert not any("gv_hoa_binh" in text or "gv_son_thuy" in text for text in objects)
    assert all(isinstance(row[0], dt.datetime) for row in rows)  # dates, not text
    assert rows[0][2] == "Lê Thị Quản (province_admin)"
    everything = workbook(admin.get("/nhat-ky/", {"xuat": "xlsx"}))["Nhật ký"]
    objects = [row[4] for row in header_and_rows(everything, "Ngày")[1]]
    assert any("gv_hoa_binh" in text for text in objects)
    assert not any("gv_son_thuy" in text for text in objects)  # the other province's
    # a bad filter: the page with its message, no file; too many rows: refused with a message
    refused(admin.get("/nhat-ky/", {"date_from": "31/02/2025", "xuat": "xlsx"}), 400)
    monkeypatch.setattr(people_exports, "AUDIT_ROWS_MAX", 1)
    many = admin.get("/nhat-ky/", {"xuat": "xlsx"})
    refused(many, 400)
    assert "quá nhiều cho một tệp Excel (tối đa 1)" in many.content.decode()
    refused(client_of(people.province_officer).get("/nhat-ky/", {"xuat": "xlsx"}), 403)


def test_a_units_children_download_as_the_page_lists_them(
    org: Any, people: Any, client_of: ClientOf, monkeypatch: Any
) -> None:
    from namhoc.web import orgunits_views

    monkeypatch.setattr(orgunits_views, "CHILDREN_PER_PAGE", 1)  # the page shows one child
    officer = client_of(people.province_officer)
    assert "Tải Excel" in officer.get("/don-vi/p-a/").content.decode()
    sheets = workbook(officer.get("/don-vi/p-a/", {"trang": "2", "xuat": "xlsx"}))
    header, rows = header_and_rows(sheets["Đơn vị trực tiếp"], "Đơn vị")
    assert header == ("Đơn vị", "Cấp", "Trực thuộc", "Ghi chú")
    assert rows == [
        ("Phường Hòa Bình", "Xã, phường, đặc khu", 1, "dữ liệu mô phỏng"),
        ("Xã An Lạc", "Xã, phường, đặc khu", 1, "dữ liệu mô phỏng"),
    ]
    counts = header_and_rows(sheets["Số đơn vị"], "Cấp")[1]
    assert all(is_number(n) for _, n in counts)
    # the tree on the eve of the reform: the district, no communes of 2025
    eve = workbook(officer.get("/don-vi/p-a/", {"as_of": "30/06/2025", "xuat": "xlsx"}))
    assert eve["Đơn vị trực tiếp"][0][0] == "Đơn vị trực tiếp của Tỉnh Phú An tại ngày 30/06/2025"
    tops = workbook(officer.get("/don-vi/", {"xuat": "xlsx"}))["Đơn vị"]
    assert header_and_rows(tops, "Đơn vị")[1] == [
        ("Tỉnh Phú An", "Tỉnh, thành phố", 2, "dữ liệu mô phỏng")
    ]
    refused(client_of(people.outsider).get("/don-vi/p-a/", {"xuat": "xlsx"}))
    refused(client_of(people.commune_officer).get("/don-vi/p-a/", {"xuat": "xlsx"}))


def test_drafts_and_notices_download_as_listed(org: Any, people: Any, client_of: ClientOf) -> None:
    from namhoc.directives.tests.helpers import PROVINCE_DOC, published
    from namhoc.notifications.tests.helpers import dispatch
    from namhoc.reporting import services as reporting_services
    from namhoc.tracking.tests.helpers import assign

    for actor, unit in ((people.province_officer, "p-a"), (people.outsider, "p-b")):
        reporting_services.draft_request(
            actor=actor, unit_key=unit, kind="year_end", school_year="2025-2026"
        )
    drafts = workbook(client_of(people.province_officer).get("/bao-cao/", {"xuat": "xlsx"}))
    rows = header_and_rows(drafts["Dự thảo"], "Đơn vị")[1]
    assert [row[:2] for row in rows] == [("Tỉnh Phú An", "Báo cáo tổng kết năm học 2025-2026")]
    assert rows[0][3] == 1
    assert isinstance(rows[0][4], dt.datetime)
    commune = workbook(client_of(people.commune_officer).get("/bao-cao/", {"xuat": "xlsx"}))
    assert header_and_rows(commune["Dự thảo"], "Đơn vị")[1] == []  # a province's draft

    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    assign(actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.commune_a1)
    dispatch()
    officer = client_of(people.commune_officer)
    notices = header_and_rows(
        workbook(officer.get("/thong-bao/", {"xuat": "xlsx"}))["Thông báo"], "Ngày"
    )[1]
    assert len(notices) == 2
    assert all(row[4] is None for row in notices)  # unread
    assert (
        header_and_rows(
            workbook(client_of(people.outsider).get("/thong-bao/", {"xuat": "xlsx"}))["Thông báo"],
            "Ngày",
        )[1]
        == []
    )
