"""The reports page's list of drafts as Excel: every draft the person may see, as filtered, in
the page's order (``web.exports``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from namhoc.reporting.xlsx import Column, Table

__all__ = ["drafts_table"]


def drafts_table(drafts: Iterable[Any], *, kind_label: str) -> Table:
    rows = [
        [
            d.unit.name,
            f"{d.get_kind_display()} {d.school_year}",
            (d.directive.number or d.directive.title) if d.directive else "",
            d.version,
            timezone.localtime(d.requested_at).date(),
            f"{timezone.localtime(d.requested_at):%H:%M}",
            str(d.requested_by) if d.requested_by else "",
            d.get_status_display(),
        ]
        for d in drafts
    ]
    counted = f"{len(rows)} dự thảo"
    return Table(
        title="Các dự thảo báo cáo, kế hoạch",
        sheet="Dự thảo",
        lines=[f"Loại: {kind_label} — {counted}." if kind_label else f"{counted}."],
        columns=[
            Column("Đơn vị", width=34),
            Column("Văn bản", width=36),
            Column("Thực hiện văn bản", width=30),
            Column("Bản", "int"),
            Column("Ngày yêu cầu", "date"),
            Column("Giờ"),
            Column("Người yêu cầu", width=26),
            Column("Trạng thái", width=16),
        ],
        rows=rows,
    )
