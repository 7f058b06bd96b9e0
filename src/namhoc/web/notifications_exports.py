"""A person's notices as Excel: every one the list shows (all pages, or the unread only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from namhoc.reporting.xlsx import Column, Table

__all__ = ["notices_table"]


def notices_table(rows: Sequence[Any], *, unread_only: bool) -> Table:
    """``rows``: ``notifications.selectors.notice_rows`` of the notices listed."""
    return Table(
        title="Thông báo",
        sheet="Thông báo",
        lines=[f"{len(rows)} thông báo{' chưa đọc' if unread_only else ''}."],
        columns=[
            Column("Ngày", "date"),
            Column("Giờ"),
            Column("Loại", width=28),
            Column("Nội dung", width=70),
            Column("Đã đọc"),
        ],
        rows=[
            [
                timezone.localtime(row.notice.created_at).date(),
                f"{timezone.localtime(row.notice.created_at):%H:%M}",
                row.told.label,
                row.told.text,
                "" if row.unread else "đã đọc",
            ]
            for row in rows
        ],
    )
