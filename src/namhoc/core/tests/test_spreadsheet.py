"""Text cells never become formulas (issue 9, item 8)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from namhoc.core.spreadsheet import cell_text, safe_cell, safe_row, write_cell

HOSTILE = '=HYPERLINK("http://evil.example","Số lớp")'


@pytest.mark.parametrize(
    "text",
    [HOSTILE, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "\n=1", "  =1+1"],
)
def test_formula_like_text_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert cell_text(safe_cell(text)) == text.strip()


@pytest.mark.parametrize(
    "value",
    [
        "Số lớp",
        "Trường Tiểu học An Lạc",
        "",
        None,
        12,
        -5,
        Decimal("-1.5"),
        0.5,
        dt.date(2026, 1, 5),
        True,
        "a=b",
        "'quoted",
    ],
)
def test_other_values_pass_unchanged(value: object) -> None:
    assert safe_cell(value) == value


def test_an_xlsx_cell_holds_the_text_not_a_formula() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    write_cell(sheet, row=1, column=1, value=HOSTILE)
    write_cell(sheet, row=1, column=2, value=42)
    out = io.BytesIO()
    book.save(out)
    xml = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    again = load_workbook(io.BytesIO(out.getvalue()))["Sheet"]
    assert again["A1"].value == "'" + HOSTILE
    assert again["A1"].data_type == "s"
    assert again["B1"].value == 42


def test_a_csv_row_is_neutralised() -> None:
    out = io.StringIO()
    csv.writer(out).writerow(safe_row(["Số lớp", HOSTILE, 3, "-1"]))
    assert out.getvalue() == 'Số lớp,"\'=HYPERLINK(""http://evil.example"",""Số lớp"")",3,\'-1\r\n'
