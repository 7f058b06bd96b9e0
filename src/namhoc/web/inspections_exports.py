"""The inspections pages as Excel: the plans and inspections of a school year, a plan's
inspections, and one inspection (team, checklist with results, findings, recommendations with
their follow-up) — built only from what the page selectors return to the person
(``web.exports``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from namhoc.core.formats import format_date
from namhoc.inspections.models import ChecklistItem, Inspection
from namhoc.inspections.selectors import IndexPage, InspectionPage, PlanPage
from namhoc.reporting.xlsx import Column, Table

__all__ = ["index_tables", "inspection_tables", "plan_table"]


def _status(inspection: Inspection) -> str:
    return "Đã kết luận" if inspection.is_concluded else "Chưa kết luận"


def _inspection_rows(inspections: Iterable[Inspection], *, with_plan_unit: bool) -> list[list[Any]]:
    return [
        [
            i.unit.name,
            i.get_kind_display(),
            i.subject,
            *([i.plan.unit.name] if with_plan_unit else []),
            i.starts_on,
            i.ends_on,
            _status(i),
        ]
        for i in inspections
    ]


def _inspection_columns(*, with_plan_unit: bool) -> list[Column]:
    return [
        Column("Đơn vị được kiểm tra", width=32),
        Column("Hình thức", width=18),
        Column("Nội dung", width=50),
        *([Column("Đơn vị kiểm tra", width=30)] if with_plan_unit else []),
        Column("Từ ngày", "date"),
        Column("Đến ngày", "date"),
        Column("Trạng thái", width=16),
    ]


def index_tables(page: IndexPage) -> list[Table]:
    """The year's plans and inspections the person may read, every row, in the page's order."""
    plans = list(page.plans)
    inspections = list(page.inspections)
    year = f"Năm học {page.school_year}"
    return [
        Table(
            title=f"Kế hoạch kiểm tra năm học {page.school_year}",
            sheet="Kế hoạch",
            lines=[f"{year} — {len(plans)} kế hoạch."],
            columns=[
                Column("Đơn vị", width=32),
                Column("Kế hoạch", width=60),
                Column("Số cuộc kiểm tra", "int"),
            ],
            rows=[
                [p.unit.name, p.title, p.inspection_count]  # type: ignore[attr-defined]
                for p in plans
            ],
        ),
        Table(
            title=f"Các cuộc kiểm tra năm học {page.school_year}",
            sheet="Cuộc kiểm tra",
            lines=[f"{year} — {len(inspections)} cuộc kiểm tra."],
            columns=_inspection_columns(with_plan_unit=True),
            rows=_inspection_rows(inspections, with_plan_unit=True),
        ),
    ]


def plan_table(page: PlanPage) -> Table:
    plan = page.plan
    return Table(
        title=plan.title,
        sheet="Cuộc kiểm tra",
        lines=[f"{plan.unit.name} · năm học {plan.school_year}"],
        columns=_inspection_columns(with_plan_unit=False),
        rows=_inspection_rows(page.inspections, with_plan_unit=False),
    )


def _basis(item: ChecklistItem) -> str:
    if item.task_id:
        return "nhiệm vụ được giao"
    if item.indicator_id and item.indicator is not None:
        return f"chỉ số {item.indicator.code}"
    return ""


def inspection_tables(page: InspectionPage) -> list[Table]:
    """The inspection's team, checklist and results, findings and recommendations."""
    inspection = page.inspection
    status = _status(inspection)
    if inspection.is_concluded and inspection.concluded_at is not None:
        status = f"Đã ban hành kết luận {format_date(inspection.concluded_at)}"
    lines = [
        f"{inspection.plan.unit.name} kiểm tra {inspection.unit.name}",
        f"Thời gian: {format_date(inspection.starts_on)} – {format_date(inspection.ends_on)}"
        f" · {status}",
    ]
    head = f"{inspection.get_kind_display()}: {inspection.subject}"
    findings = [line.strip() for line in inspection.findings.splitlines() if line.strip()]
    return [
        Table(
            title=head,
            sheet="Nội dung kiểm tra",
            lines=lines,
            columns=[
                Column("STT", "int"),
                Column("Nội dung", width=60),
                Column("Căn cứ", width=22),
                Column("Kết quả", width=18),
                Column("Ghi chú", width=40),
            ],
            rows=[
                [
                    n,
                    item.text,
                    _basis(item),
                    item.get_result_display(),
                    item.note,
                ]
                for n, item in enumerate(page.items, start=1)
            ],
        ),
        Table(
            title=f"Đoàn kiểm tra — {head}",
            sheet="Đoàn kiểm tra",
            lines=lines,
            columns=[Column("Họ và tên", width=36), Column("Vai trò", width=20)],
            rows=[[str(m.user), m.get_role_display()] for m in page.members],
        ),
        Table(
            title=f"Nhận xét, kết luận của đoàn — {head}",
            sheet="Nhận xét",
            lines=lines,
            columns=[Column("Nhận xét, kết luận của đoàn", width=60)],
            rows=[[line] for line in findings],
        ),
        Table(
            title=f"Kiến nghị — {head}",
            sheet="Kiến nghị",
            lines=lines,
            columns=[
                Column("STT", "int"),
                Column("Kiến nghị", width=60),
                Column("Thời hạn", "date"),
                Column("Theo dõi khắc phục", width=36),
                Column("Tiến độ (%)", "int"),
                Column("Minh chứng", "int"),
            ],
            rows=[
                [
                    n,
                    r.text,
                    r.deadline,
                    follow.label,
                    follow.percent if r.assignment_id else None,
                    follow.evidence if r.assignment_id else None,
                ]
                for n, (r, follow) in enumerate(page.recommendations, start=1)
            ],
        ),
    ]
