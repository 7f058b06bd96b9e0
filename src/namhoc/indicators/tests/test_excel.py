"""Excel round trip: template, import with every wrong cell listed, hostile files refused."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from namhoc.indicators.excel import ImportRefused, template_build, template_units, workbook_import
from namhoc.indicators.models import Approval, DataValue
from namhoc.indicators.tests.helpers import TH_FIGURES, Figures, aggregate, approve, save_values

MAX = 2 * 1024 * 1024


def template(f: Figures, actor: object | None = None) -> bytes:
    actor = actor or f.people.province_officer
    units = template_units(actor, f.org.province_a, f.dn_th)
    return template_build(unit=f.org.province_a, data_set=f.dn_th, period=f.start_2025, units=units)


def edit(content: bytes, changes: dict[str, object]) -> bytes:
    book = load_workbook(io.BytesIO(content))
    sheet = book["So lieu"]
    for ref, value in changes.items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def do_import(f: Figures, content: bytes, actor: object | None = None) -> object:
    return workbook_import(
        actor=actor or f.people.province_officer,
        unit=f.org.province_a,
        data_set=f.dn_th,
        period=f.start_2025,
        content=content,
        max_bytes=MAX,
    )


def test_the_template_lists_my_reporting_units_prefilled(figures: Figures) -> None:
    f = figures
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={"TH_HS": 400},
    )
    book = load_workbook(io.BytesIO(template(f)))
    sheet = book["So lieu"]
    assert sheet["A4"].value == "MA_DON_VI"
    assert sheet["C4"].value == "TH_LOP"
    assert sheet["D4"].value == "TH_HS"
    assert [sheet["A5"].value, sheet["B5"].value, sheet["D5"].value] == [
        "s-a1",
        "Trường Tiểu học An Lạc",
        400,
    ]
    assert sheet["A6"].value is None  # the THCS school does not report DN_TH
    assert book["_namhoc"].sheet_state == "hidden"


def test_a_filled_template_comes_back_in(figures: Figures) -> None:
    f = figures
    filled = edit(template(f), {"C5": 12, "D5": 400, "E5": "190", "N5": 1})
    result = do_import(f, filled)
    assert result.errors == []
    assert (result.rows, result.created) == (1, 4)
    assert aggregate(f.org.province_a, "TH_HS", f.start_2025) == (Decimal(400), 1)
    assert DataValue.objects.get(element__code="TH_HS_NU").value == 190


def test_every_wrong_cell_is_listed_and_nothing_is_saved(figures: Figures) -> None:
    f = figures
    content = edit(
        template(f),
        {
            "D5": 400,
            "E5": 500,
            "F5": "nhiều",
            "C5": 2.5,
            "A6": "s-b1",
            "B6": "Trường ngoài tỉnh",
            "D6": 5,
        },
    )
    result = do_import(f, content)
    assert [str(e) for e in result.errors] == [
        "Ô A6 (Trường ngoài tỉnh): Đơn vị “s-b1” không báo cáo biểu này hoặc bạn không được "
        "nhập số liệu cho đơn vị này.",
        "Ô C5 (Trường Tiểu học An Lạc): Phải là số nguyên (không có phần thập phân).",
        "Ô F5 (Trường Tiểu học An Lạc): Phải là một số, ví dụ 1.250 hoặc 12,5.",
        "Ô E5 (Trường Tiểu học An Lạc): Số học sinh nữ (500) không được lớn hơn "
        "tổng số học sinh (400).",
    ]
    assert not DataValue.objects.exists()
    assert (result.created, result.updated) == (0, 0)


def test_a_figure_changed_after_the_download_is_reported_not_overwritten(figures: Figures) -> None:
    f = figures
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={"TH_HS": 400},
    )
    downloaded = template(f)
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={"TH_HS": 410},
    )
    result = do_import(f, edit(downloaded, {"D5": 420}))
    assert [str(e) for e in result.errors] == [
        "Ô D5 (Trường Tiểu học An Lạc): Đã được sửa thành 410 sau khi bạn mở biểu."
    ]
    assert DataValue.objects.get().value == 410


def test_approved_rows_are_refused_by_the_import(figures: Figures) -> None:
    f = figures
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    approve(actor=f.commune_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025)
    result = do_import(f, edit(template(f), {"D5": 401}))
    assert [str(e) for e in result.errors] == [
        "Dòng (Trường Tiểu học An Lạc, dòng 5): Số liệu đã được Xã An Lạc phê duyệt, không thể sửa."
    ]
    assert DataValue.objects.get(element__code="TH_HS").value == 400
    assert Approval.objects.count() == 1


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp rỗng."),
        (b"%PDF-1.7 not a workbook", "Tệp không phải bảng tính Excel (.xlsx)."),
        (b"PK\x03\x04 broken", "Tệp .xlsx bị hỏng, không đọc được."),
        (_zip({"a.txt": b"x"}), "Tệp không phải bảng tính Excel (.xlsx)."),
        (
            _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"\0" * (5 * 1024 * 1024)}),
            "Tệp có cấu trúc bất thường (nén quá mức).",
        ),
        (
            _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<not-really/>"}),
            "Không đọc được tệp như một bảng tính Excel (.xlsx).",
        ),
        (b"PK\x03\x04" + b"0" * (MAX + 1), "Tệp quá lớn (2048 KB); tối đa 2 MB."),
    ],
    ids=["empty", "pdf", "broken-zip", "zip-not-xlsx", "zip-bomb", "fake-xlsx", "too-big"],
)
def test_hostile_or_wrong_files_are_refused_with_a_message(
    figures: Figures, content: bytes, message: str
) -> None:
    with pytest.raises(ImportRefused) as caught:
        do_import(figures, content)
    assert caught.value.message == message
    assert caught.value.status == 400
    assert not DataValue.objects.exists()


def test_a_template_of_another_data_set_is_refused(figures: Figures) -> None:
    f = figures
    units = template_units(f.people.province_officer, f.org.province_a, f.dn_thcs)
    other = template_build(
        unit=f.org.province_a, data_set=f.dn_thcs, period=f.start_2025, units=units
    )
    with pytest.raises(ImportRefused) as caught:
        do_import(f, other)
    assert caught.value.message == (
        "Tệp là mẫu của biểu DN_THCS kỳ 2025-2026.DN, không phải biểu DN_TH kỳ 2025-2026.DN."
    )
