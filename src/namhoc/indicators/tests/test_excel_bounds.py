"""Uploaded workbooks are read inside the template's own columns and rows (issue 9, item 2): a
70 KB file with one cell in column XFD on 12,000 rows grew a worker to 1.6 GB (rows padded to
16,384 cells). Through the import page, as a person uploads it."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from namhoc.core.models import AuditEvent
from namhoc.indicators.models import DataValue
from namhoc.indicators.tests.helpers import Figures, setup_figures
from namhoc.testing.hostile import wide_workbook

ClientOf = Callable[[Any], Client]
# Reading the file must cost about what a template costs, not what its declared size would.
PEAK_BYTES = 24 * 1024 * 1024


@pytest.fixture
def figures(org: Any, people: Any) -> Figures:
    return setup_figures(org, people)


def import_url(f: Figures, unit: str = "c-a1") -> str:
    return f"/so-lieu/{unit}/ky/{f.start_2025.code}/bieu/DN_TH/nhap-excel/"


def upload(client: Client, url: str, content: bytes) -> tuple[int, str, int]:
    """POST the file; the status, the page and the peak memory the request took."""
    file = io.BytesIO(content)
    file.name = "so-lieu.xlsx"
    client.get(url.replace("nhap-excel/", ""))  # templates compiled before measuring
    tracemalloc.start()
    try:
        response = client.post(url, {"file": file})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response.status_code, response.content.decode(), peak


def template(client: Client, f: Figures) -> Any:
    response = client.get(import_url(f).replace("nhap-excel/", "mau.xlsx"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def saved(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_reaching_column_xfd_is_refused_before_a_row_is_read(
    figures: Figures, client_of: ClientOf
) -> None:
    # Given a small file declaring cells up to column XFD on 2,000 rows
    content = wide_workbook(2_000)
    assert len(content) < 40_000
    # When a commune officer uploads it to a figures import
    status, page, peak = upload(
        client_of(figures.people.commune_officer), import_url(figures), content
    )
    # Then it is refused with a message naming the column, nothing is saved, little memory used
    assert status == 400
    assert "có dữ liệu hoặc định dạng tới cột XFD, vượt xa các cột của mẫu" in page
    assert "Hãy xóa các cột thừa bên phải" in page
    assert not DataValue.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="indicators.value").exists()
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MB"


@pytest.mark.parametrize("dimension", ["lying", None])
def test_a_wide_workbook_that_hides_its_size_costs_no_more_than_a_template(
    figures: Figures, client_of: ClientOf, dimension: str | None
) -> None:
    # Given the same cells, but the file claims to be one cell wide (or says nothing)
    content = wide_workbook(2_000, dimension=dimension)
    status, page, peak = upload(
        client_of(figures.people.commune_officer), import_url(figures), content
    )
    # Then only the template's columns are read: it is not our template, and says so
    assert status == 400
    assert "Không thấy dòng mã chỉ số (ô đầu là MA_DON_VI)" in page
    assert not DataValue.objects.exists()
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MB"


def test_rows_far_below_the_template_are_refused_with_the_count(
    figures: Figures, client_of: ClientOf
) -> None:
    client = client_of(figures.people.commune_officer)
    book = template(client, figures)
    sheet = book["So lieu"]
    sheet["D5"] = 400
    sheet["A3000"] = "ghi chú"  # something far below the units
    status, page, _ = upload(client, import_url(figures), saved(book))
    assert status == 400
    assert "có 3.000 dòng, nhiều hơn mẫu cho phép (tối đa 205 dòng: 1 đơn vị" in page
    assert not DataValue.objects.exists()


def test_a_note_beside_and_below_the_template_is_still_accepted(
    figures: Figures, client_of: ClientOf
) -> None:
    # Given a filled template with a note in a column right of it and a line under it
    client = client_of(figures.people.commune_officer)
    book = template(client, figures)
    sheet = book["So lieu"]
    sheet["D5"] = 400
    sheet["E5"] = 190
    last = sheet.max_column
    sheet.cell(row=5, column=last + 3, value="số liệu tạm tính")
    sheet.cell(row=20, column=1, value=None)
    # Then the figures are imported (the note is not a figure)
    status, _, _ = upload(client, import_url(figures), saved(book))
    assert status == 302
    assert sorted(DataValue.objects.values_list("element__code", "value")) == [
        ("TH_HS", 400),
        ("TH_HS_NU", 190),
    ]
