"""The tracking pages as Excel: the same rows the page shows the person (``web.exports``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from namhoc.reporting.xlsx import Column, Table
from namhoc.tracking import selectors
from namhoc.tracking.models import AssignmentStatus

_FIGURES = [
    Column("Tổng số việc", "int"),
    Column("Hoàn thành đúng hạn", "int"),
    Column("Hoàn thành quá hạn", "int"),
    Column("Quá hạn chưa hoàn thành", "int"),
    Column("Đang thực hiện trong hạn", "int"),
    Column("Tỷ lệ đúng hạn (%)", "percent"),
]
_FORMULA = (
    "Tỷ lệ đúng hạn = hoàn thành đúng hạn ÷ (hoàn thành đúng hạn + hoàn thành quá hạn + "
    "quá hạn chưa hoàn thành); trống: chưa có việc nào đến hạn."
)


def _figures(f: selectors.OnTimeRate) -> list[Any]:
    return [f.total, f.done_on_time, f.done_late, f.overdue, f.in_progress, f.percent]


def dashboard_tables(board: selectors.Dashboard) -> list[Table]:
    scope = f"{board.unit.name} · năm học {board.school_year}"
    lines = [scope]
    if board.search or board.kind:
        lines.append(
            f"Đã lọc: {len(board.by_child_unit)} trong {board.children_total} đơn vị trực thuộc"
        )
    return [
        Table(
            title=f"Tiến độ nhiệm vụ theo đơn vị trực thuộc — {board.unit.name}",
            sheet="Theo đơn vị",
            lines=lines,
            columns=[Column("Đơn vị", width=40), *_FIGURES],
            rows=[[child.name, *_figures(f)] for child, f in board.by_child_unit],
            notes=[_FORMULA, "Số liệu của một đơn vị gồm cả các đơn vị trực thuộc."],
        ),
        Table(
            title=f"Tiến độ theo nhiệm vụ — {board.unit.name}",
            sheet="Theo nhiệm vụ",
            lines=[scope],
            columns=[
                Column("Văn bản", width=20),
                Column("Nhiệm vụ", width=60),
                *_FIGURES,
            ],
            rows=[
                [t.directive_number, f"{t.label} {t.title}".strip(), *_figures(t.figures)]
                for t in board.by_task
            ],
            notes=[_FORMULA],
        ),
    ]


def _status(assignment: Any, today: Any) -> str:
    return str(AssignmentStatus(assignment.status_on(today)).label)


def work_table(unit_name: str, rows: Iterable[Any], today: Any) -> Table:
    return Table(
        title=f"Việc cần làm của {unit_name}",
        sheet="Việc cần làm",
        columns=[
            Column("Hạn", "date"),
            Column("Nhiệm vụ", width=60),
            Column("Văn bản", width=24),
            Column("Đơn vị giao", width=30),
            Column("Vai trò"),
            Column("Tiến độ (%)", "int"),
            Column("Trạng thái", width=26),
            Column("Báo cáo gần nhất"),
        ],
        rows=[
            [
                a.deadline,
                f"{a.task.label} {a.task.title}".strip(),
                a.task.directive.number,
                a.task.directive.unit.name,
                a.get_role_display(),
                a.percent,
                _status(a, today),
                "bị trả lại" if getattr(a, "last_review", "") == "returned" else "",
            ]
            for a in rows
        ],
    )


def assignments_table(page: selectors.AssignPage, today: Any) -> Table:
    task = page.task
    return Table(
        title=f"Phân công nhiệm vụ {task.label} {task.title}".strip(),
        sheet="Phân công",
        lines=[str(task.directive.display_title)],
        columns=[
            Column("Đơn vị", width=40),
            Column("Vai trò"),
            Column("Hạn", "date"),
            Column("Chỉ tiêu", "decimal", decimals=2),
            Column("Đơn vị tính"),
            Column("Tiến độ (%)", "int"),
            Column("Trạng thái", width=26),
        ],
        rows=[
            [
                a.unit.name,
                a.get_role_display(),
                a.deadline,
                a.target_value,
                a.target_unit,
                a.percent,
                str(AssignmentStatus(status).label),
            ]
            for a, status in page.rows
        ],
    )
