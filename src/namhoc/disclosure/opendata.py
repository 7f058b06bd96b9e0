"""The open data of a unit's public page: its approved aggregates for a period, as CSV (for
spreadsheets: Vietnamese headers, UTF-8 with a BOM, every text cell through
``core.spreadsheet.safe_cell``) and as JSON (for programs: stable English keys). Numbers are
written plainly (``1250.5``), the way programs read them; the page shows them the Vietnamese way."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from namhoc.core.spreadsheet import safe_row
from namhoc.disclosure.sections import CIRCULAR
from namhoc.disclosure.selectors import DisclosurePage, OpenRow

__all__ = ["CSV_HEADERS", "as_csv", "as_json", "file_stem"]

CSV_HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Mã kỳ",
    "Kỳ báo cáo",
    "Số liệu tính đến",
    "Mục",
    "Loại",
    "Mã",
    "Tên",
    "Giá trị",
    "Đơn vị tính",
    "Số đơn vị báo cáo",
    "Biểu",
    "Phê duyệt lúc",
    "Đơn vị phê duyệt",
)
_KINDS = {"element": "Số liệu", "indicator": "Chỉ tiêu tính từ số liệu đã phê duyệt"}


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def file_stem(page: DisclosurePage) -> str:
    period = page.period.code if page.period else "chua-co-ky"
    return f"cong-khai-{page.unit.key}-{period}"


def as_csv(page: DisclosurePage, rows: list[OpenRow]) -> str:
    output = io.StringIO()
    output.write("\ufeff")  # Excel reads UTF-8 only with it
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    period = page.period
    for row in rows:
        writer.writerow(
            safe_row(
                [
                    page.unit.key,
                    page.unit.name,
                    period.code if period else "",
                    period.name if period else "",
                    period.as_of.isoformat() if period else "",
                    row.section,
                    _KINDS[row.kind],
                    row.code,
                    row.name,
                    _plain(row.value),
                    row.unit_label,
                    "" if row.reporting_units is None else row.reporting_units,
                    row.data_set,
                    row.approved_at.isoformat() if row.approved_at else "",
                    row.approved_by_unit,
                ]
            )
        )
    return output.getvalue()


def as_json(page: DisclosurePage, rows: list[OpenRow]) -> dict[str, Any]:
    period = page.period
    figures = page.figures
    return {
        "rule": CIRCULAR,
        "note": "Chỉ gồm số liệu đã được phê duyệt.",
        "unit": {
            "key": page.unit.key,
            "name": page.unit.name,
            "kind": page.kind,
            "synthetic": page.unit.is_synthetic,
        },
        "period": None
        if period is None
        else {
            "code": period.code,
            "name": period.name,
            "school_year": period.school_year,
            "as_of": period.as_of.isoformat(),
        },
        "items": [
            {
                "kind": row.kind,
                "section": row.section,
                "code": row.code,
                "name": row.name,
                "value": _plain(row.value),
                "unit_label": row.unit_label,
                "reporting_units": row.reporting_units,
                "data_set": row.data_set,
                "approved_at": row.approved_at.isoformat() if row.approved_at else None,
                "approved_by_unit": row.approved_by_unit,
            }
            for row in rows
        ],
        "awaiting_approval": list(figures.awaiting) if figures else [],
    }
