"""The unit admin's pages as Excel: the people they manage and the audit log (as filtered),
built only from what the accounts selectors return to that admin (``web.exports``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils import timezone

from namhoc.accounts.selectors import describe_events
from namhoc.core.formats import format_date, format_number
from namhoc.reporting.xlsx import Column, Table

__all__ = [
    "AUDIT_ROWS_MAX",
    "audit_filters",
    "audit_table",
    "too_many_events",
    "users_table",
]

AUDIT_ROWS_MAX = 10_000  # rows of the audit log in one workbook; more: narrow the filter first
_CHUNK = 500  # events worded at a time (a few queries each)


def users_table(users: Iterable[Any], *, search: str) -> Table:
    """Every person the list shows (all its pages), with their roles at each unit."""
    rows = [
        [
            u.full_name or u.username,
            u.username,
            "\n".join(f"{m.get_role_display()} — {m.unit.name}" for m in u.memberships.all())
            or "—",
            "Đang hoạt động" if u.is_active else "Đã khóa",
        ]
        for u in users
    ]
    line = f"{len(rows)} người dùng"
    return Table(
        title="Người dùng",
        sheet="Người dùng",
        lines=[f"{line} khớp với “{search}”." if search else f"{line}."],
        columns=[
            Column("Họ và tên", width=30),
            Column("Tên đăng nhập", width=20),
            Column("Vai trò tại đơn vị", width=50),
            Column("Trạng thái"),
        ],
        rows=rows,
    )


def too_many_events(total: int) -> str:
    """The message refusing a download larger than ``AUDIT_ROWS_MAX`` rows ("" when it is not)."""
    if total <= AUDIT_ROWS_MAX:
        return ""
    return (
        f"Có {format_number(total)} thay đổi khớp bộ lọc, quá nhiều cho một tệp Excel (tối đa "
        f"{format_number(AUDIT_ROWS_MAX)}): hãy lọc theo đơn vị, người thực hiện, loại thay đổi "
        "hoặc khoảng ngày rồi tải lại."
    )


def audit_filters(
    raw: Mapping[str, str], *, unit: str, actions: Sequence[tuple[str, str]]
) -> list[str]:
    """The page's filters in words, for the line under the title ("" when none is set)."""
    parts = []
    if unit:
        parts.append(f"đơn vị {unit} (cả các đơn vị trực thuộc)")
    if raw.get("person", "").strip():
        parts.append(f"người thực hiện “{raw['person'].strip()}”")
    if raw.get("action"):
        parts.append(f"loại thay đổi “{dict(actions).get(raw['action'], raw['action'])}”")
    if raw.get("date_from", "").strip():
        parts.append(f"từ ngày {raw['date_from'].strip()}")
    if raw.get("date_to", "").strip():
        parts.append(f"đến ngày {raw['date_to'].strip()}")
    return [f"Đã lọc: {', '.join(parts)}."] if parts else []


def _changes(view: Any) -> str:
    parts = []
    for c in view.changes:
        if c.kind == "set":
            parts.append(f"{c.label}: {c.new}")
        elif c.kind == "removed":
            parts.append(f"{c.label}: {c.old} (bỏ)")
        else:
            parts.append(f"{c.label}: {c.old} → {c.new}")
    if view.event.note:
        parts.append(view.event.note)
    return "\n".join(parts) or "—"


def _row(view: Any) -> list[Any]:
    event = view.event
    moment = timezone.localtime(event.occurred_at)
    return [
        moment.date(),
        f"{moment:%H:%M:%S}",
        f"{view.actor_name} ({event.actor_label})" if event.actor else view.actor_name,
        view.action_label,
        f"{view.object_kind}: {view.object_label}",
        _changes(view),
        f"{view.source_label} {event.ip}" if event.ip else view.source_label,
    ]


def audit_table(events: Sequence[Any], *, title: str, lines: Sequence[str] = ()) -> Table:
    """The audit rows (already filtered and in the page's order), worded as the page words
    them, a chunk at a time."""
    rows: list[list[Any]] = []
    for start in range(0, len(events), _CHUNK):
        rows.extend(_row(view) for view in describe_events(events[start : start + _CHUNK]))
    return Table(
        title=title,
        sheet="Nhật ký",
        lines=[
            *lines,
            f"{len(rows)} thay đổi. Thời gian theo giờ Việt Nam (UTC+7); tải lúc "
            f"{timezone.localtime():%H:%M} ngày {format_date(timezone.localdate())}.",
        ],
        columns=[
            Column("Ngày", "date"),
            Column("Giờ"),
            Column("Người thực hiện", width=28),
            Column("Thay đổi", width=28),
            Column("Đối tượng", width=36),
            Column("Chi tiết", width=50),
            Column("Nguồn", width=18),
        ],
        rows=rows,
    )
