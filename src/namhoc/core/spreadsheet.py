"""Text written into spreadsheets (xlsx, csv) is never read as a formula.

A name set to ``=HYPERLINK("http://evil.example","Số lớp")`` in the admin became a live formula in
a downloaded Excel template (issue 9, item 8): openpyxl stores any string starting with ``=`` as
a formula, and Excel or LibreOffice opening a CSV treat cells starting with ``= + - @`` (and a tab
or carriage return before them) as formulas too. Every export writes its text cells through
:func:`safe_cell` (CSV, or any value) or :func:`write_cell` (openpyxl): such a text gets a leading
apostrophe (the OWASP rule), shown as written and never evaluated; numbers, dates, booleans and
other text pass unchanged.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text as a formula (or start one after a tab/return)?"""
    return text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS[:4])


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet may hold it: a formula-like text gets a leading apostrophe;
    anything else (numbers, dates, ordinary text, ``None``) is returned as it is."""
    if isinstance(value, str) and value and is_formula_like(value):
        return "'" + value
    return value


def write_cell(sheet: Any, *, row: int, column: int, value: Any) -> Any:
    """Write ``value`` into an openpyxl ``sheet`` through :func:`safe_cell`, as a plain string
    cell whenever it is text (openpyxl would otherwise turn a leading ``=`` into a formula).
    Returns the cell, for styling."""
    cell = sheet.cell(row=row, column=column)
    safe = safe_cell(value)
    cell.value = safe
    if isinstance(safe, str):
        cell.data_type = "s"
    return cell


def safe_row(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    """A whole row through :func:`safe_cell` (for ``csv.writer.writerow`` or ``sheet.append``)."""
    return [safe_cell(value) for value in values]


def cell_text(value: Any) -> str:
    """Text read back from a cell we wrote: stripped, and without the apostrophe that
    :func:`safe_cell` put before a formula-like text (so codes and keys round-trip)."""
    text = "" if value is None else str(value).strip()
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:].strip()
    return text
