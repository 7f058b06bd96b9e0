"""The titled-table writer every Excel export can use: numbers stay numbers with their format,
dates are dates, widths are set, text that looks like a formula stays text."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest

from namhoc.reporting.xlsx import XLSX_CONTENT_TYPE, Column, Table, workbook_bytes, xlsx_response

TABLE = Table(
    title="Biểu 1. Tiến độ theo đơn vị",
    lines=["Đơn vị: Thành phố Hải Phòng — năm học 2025-2026"],
    columns=(
        Column("TT", "int", width=5),
        Column("Đơn vị"),
        Column("Số việc", "int"),
        Column("Tỷ lệ đúng hạn (%)", "percent"),
        Column("Giá trị", "decimal", decimals=2),
        Column("Hạn", "date"),
    ),
    rows=[
        [1, "Xã An Lạc", 1250, Decimal("97.5"), Decimal("1250.25"), dt.date(2026, 6, 30)],
        [2, '=HYPERLINK("http://evil.example","Số lớp")', 3, None, None, None],
        [3, "+84 912", 0, 0, Decimal(0), "chưa có"],
        [4, "-tự giải thể", None, None, None, None],
        [5, "@SUM(A1)", None, None, None, None],
        [6, "\tlệnh", None, None, None, None],
    ],
    notes=["Nguồn: namhoc, tính đến 20/05/2026."],
)


def _sheet() -> openpyxl.worksheet.worksheet.Worksheet:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([TABLE])))
    return book.active


def test_a_titled_table_with_headers_lines_and_notes() -> None:
    sheet = _sheet()
    assert sheet.title == "Biểu 1. Tiến độ theo đơn vị"
    assert sheet["A1"].value == "Biểu 1. Tiến độ theo đơn vị"
    assert sheet["A1"].font.bold
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value == "Đơn vị: Thành phố Hải Phòng — năm học 2025-2026"
    assert [c.value for c in sheet[4]] == [
        "TT", "Đơn vị", "Số việc", "Tỷ lệ đúng hạn (%)", "Giá trị", "Hạn",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:F10"
    assert sheet["A12"].value == "Nguồn: namhoc, tính đến 20/05/2026."


def test_numbers_stay_numbers_with_their_formats_and_dates_are_dates() -> None:
    sheet = _sheet()
    row = list(sheet[5])
    assert [c.value for c in row] == [1, "Xã An Lạc", 1250, 97.5, 1250.25,
                                      dt.datetime(2026, 6, 30)]  # fmt: skip
    assert [c.number_format for c in row] == [
        "#,##0", "General", "#,##0", "#,##0.0", "#,##0.00", "dd/mm/yyyy",
    ]  # fmt: skip
    assert (sheet["C7"].value, sheet["D7"].value, sheet["E7"].value) == (0, 0, 0)
    assert sheet["F7"].value == "chưa có"  # a note in a date column stays text


def test_widths_are_given_or_measured_and_capped() -> None:
    sheet = _sheet()
    assert sheet.column_dimensions["A"].width == 5
    assert sheet.column_dimensions["B"].width == 45  # the longest text (43, quoted) + 2
    assert 6 <= sheet.column_dimensions["C"].width <= 60


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("B6", '\'=HYPERLINK("http://evil.example","Số lớp")'),
        ("B7", "'+84 912"),
        ("B8", "'-tự giải thể"),
        ("B9", "'@SUM(A1)"),
        ("B10", "'\tlệnh"),
    ],
)
def test_text_that_looks_like_a_formula_is_kept_as_text(cell: str, expected: str) -> None:
    sheet = _sheet()
    assert sheet[cell].value == expected
    assert sheet[cell].data_type == "s"


def test_an_xlsx_response_is_a_download_named_in_vietnamese() -> None:
    response = xlsx_response([TABLE], "bảng-tiến-độ.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"bng-tin-.xlsx\"; filename*=UTF-8''{quote('bảng-tiến-độ.xlsx')}"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.active["B5"].value == "Xã An Lạc"


def test_sheet_names_are_valid_and_unique() -> None:
    same = Table(title="Biểu: a/b [c]?", columns=(Column("A"),), rows=[])
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([same, same])))
    assert book.sheetnames == ["Biểu  a b  c", "Biểu  a b  c (2)"]


def test_an_unknown_column_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown column kind"):
        Column("x", "money")
