"""Titled tables written to Excel (.xlsx): the report annexes, and any table page's export.

A :class:`Table` is a title, optional lines under it (what the figures are, where they come
from), column definitions and rows of plain Python values. :func:`workbook_bytes` writes one
sheet per table; :func:`xlsx_response` sends them as a download. What the writer guarantees:

- numbers stay numbers (Excel sums them) with a Vietnamese-readable format (thousands grouped,
  the given decimals), percentages as numbers of percent (97,5 shown as ``97,5``) under a
  header saying ``(%)``; dates are real dates shown ``dd/mm/yyyy``;
- every text cell goes through :func:`namhoc.core.spreadsheet.safe_cell`: a text starting with
  ``= + - @`` (or a tab or carriage return) is kept as text, never run as a formula;
- the title spans the table, the header row is frozen and filtered, columns have widths (given
  or measured from their content, capped), the sheet prints landscape on A4, one page wide.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from namhoc.core.spreadsheet import safe_cell

__all__ = [
    "XLSX_CONTENT_TYPE",
    "Column",
    "Table",
    "workbook_bytes",
    "write_table",
    "xlsx_response",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("text", "int", "decimal", "percent", "date")
MAX_WIDTH = 60
MIN_WIDTH = 6
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


@dataclass(frozen=True)
class Column:
    """One column: its header, the kind of its values (``text``, ``int``, ``decimal``,
    ``percent``, ``date``), decimals for numbers, and a width in characters (None: measured)."""

    header: str
    kind: str = "text"
    decimals: int = 1
    width: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def number_format(self) -> str:
        if self.kind == "int":
            return "#,##0"
        if self.kind in ("decimal", "percent"):
            return "#,##0." + "0" * self.decimals if self.decimals > 0 else "#,##0"
        if self.kind == "date":
            return "dd/mm/yyyy"
        return "@"


@dataclass(frozen=True)
class Table:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    sheet: str = ""  # the sheet's name (default: from the title)
    lines: Sequence[str] = field(default_factory=tuple)  # under the title: scope, sources
    notes: Sequence[str] = field(default_factory=tuple)  # under the table


def _sheet_name(table: Table, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", table.sheet or table.title).strip()[:31] or "Bang"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _value(column: Column, raw: Any) -> Any:
    """A cell value of the column's kind; text through ``safe_cell``; None stays empty."""
    value: Any = None if raw is None or raw == "" else safe_cell(str(raw))
    numeric = column.kind in ("int", "decimal", "percent")
    if value is None:
        pass
    elif numeric and isinstance(raw, bool):
        value = int(raw)
    elif numeric and isinstance(raw, Decimal):
        value = int(raw) if column.kind == "int" else float(raw)
    elif numeric and isinstance(raw, int | float):
        value = raw
    elif column.kind == "date" and isinstance(raw, dt.datetime):
        value = raw.replace(tzinfo=None)
    elif column.kind == "date" and isinstance(raw, dt.date):
        value = raw
    return value  # otherwise text (a note in a number column: "—", "chưa có")


def _text_length(value: Any, column: Column) -> int:
    if value is None:
        return 0
    if column.kind == "date" and isinstance(value, dt.date):
        return 10
    if isinstance(value, float | int):
        return len(f"{value:,.{column.decimals if column.kind != 'int' else 0}f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def write_table(sheet: Worksheet, table: Table) -> int:
    """Write ``table`` onto ``sheet`` from row 1; returns the number of data rows written."""
    width = max(1, len(table.columns))
    row = 1
    title = sheet.cell(row=row, column=1, value=safe_cell(table.title))
    title.font = Font(name="Times New Roman", size=13, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    for line in table.lines:
        row += 1
        cell = sheet.cell(row=row, column=1, value=safe_cell(line))
        cell.font = Font(name="Times New Roman", size=11, italic=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    row += 2
    header_row = row
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=row, column=index, value=safe_cell(column.header))
        cell.data_type = "s"
        cell.font = Font(name="Times New Roman", size=11, bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    lengths = [len(c.header) // 2 + 2 for c in table.columns]
    for values in table.rows:
        row += 1
        for index, column in enumerate(table.columns, start=1):
            raw = values[index - 1] if index - 1 < len(values) else None
            value = _value(column, raw)
            cell = sheet.cell(row=row, column=index, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            cell.border = _BORDER
            cell.font = Font(name="Times New Roman", size=11)
            if column.kind != "text" and not isinstance(value, str):
                cell.number_format = column.number_format
                cell.alignment = Alignment(horizontal="right", vertical="top")
            else:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            lengths[index - 1] = max(lengths[index - 1], _text_length(value, column))
    for note in table.notes:
        row += 1
        cell = sheet.cell(row=row + 1, column=1, value=safe_cell(note))
        cell.data_type = "s"
        cell.font = Font(name="Times New Roman", size=10, italic=True)
    for index, column in enumerate(table.columns, start=1):
        measured = min(MAX_WIDTH, max(MIN_WIDTH, lengths[index - 1] + 2))
        sheet.column_dimensions[get_column_letter(index)].width = column.width or measured
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if table.rows:
        sheet.auto_filter.ref = (
            f"A{header_row}:{get_column_letter(width)}{header_row + len(table.rows)}"
        )
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    return len(table.rows)


def workbook_bytes(tables: Sequence[Table]) -> bytes:
    """One sheet per table (an empty workbook has one empty sheet), as .xlsx bytes."""
    book = Workbook()
    first = book.active
    taken: set[str] = set()
    for index, table in enumerate(tables):
        sheet = first if index == 0 and first is not None else book.create_sheet()
        sheet.title = _sheet_name(table, taken)
        write_table(sheet, table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(tables: Sequence[Table], filename: str) -> HttpResponse:
    """The tables as an .xlsx download called ``filename``."""
    response = HttpResponse(workbook_bytes(tables), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "bang.xlsx"
    ascii_name = ascii_name.replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
