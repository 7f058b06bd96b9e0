"""What a year-end or semester report says, read once from the data (``reporting.data``); the
drafting modules only write words from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from namhoc.core.types import Actor
from namhoc.orgunits.models import OrgUnit
from namhoc.reporting import data
from namhoc.reporting.data import (
    DirectiveInfo,
    IndicatorRow,
    Rate,
    Situation,
    TaskResult,
    UnitRate,
    WorkItem,
)
from namhoc.reporting.drafting.common import Progress
from namhoc.reporting.models import ReportKind

__all__ = ["ReportData", "next_year", "read", "report_day"]


def report_day(kind: str, school_year: str, today: dt.date) -> dt.date:
    """The day work statuses are counted on: today, but no later than the end of what the
    report covers (15 January for semester I, 31 July for the school year)."""
    second = int(school_year[5:])
    end = dt.date(second, 1, 15) if kind == ReportKind.SEMESTER else dt.date(second, 7, 31)
    return min(today, end)


@dataclass
class ReportData:
    """What the report says, read once (the drafting below only writes words)."""

    unit: OrgUnit
    above: list[OrgUnit]
    kind: str
    school_year: str
    day: dt.date
    directive: DirectiveInfo | None
    situation: Situation
    tasks: list[TaskResult]
    indicators: list[IndicatorRow]
    overall: Rate
    children: list[UnitRate]
    late: list[WorkItem]
    silent: list[OrgUnit]


def read(
    viewer: Actor | None,
    unit: OrgUnit,
    *,
    kind: str,
    school_year: str,
    today: dt.date,
    progress: Progress,
) -> ReportData:
    kinds = ("start", "hk1") if kind == ReportKind.SEMESTER else ("start", "hk1", "end")
    on = report_day(kind, school_year, today)
    progress(10, "Đang đọc đơn vị và văn bản chỉ đạo")
    above = data.ancestors(unit)
    directive = data.directive_in_force(viewer, unit, school_year)
    progress(20, "Đang tổng hợp quy mô trường, lớp, học sinh, giáo viên")
    situation = data.situation(unit, school_year, kinds, today)
    progress(35, "Đang tổng hợp kết quả từng nhiệm vụ")
    tasks = data.task_results(viewer, unit, directive, school_year, on) if directive else []
    progress(50, "Đang tổng hợp tiến độ theo đơn vị")
    overall = data.overall_rate(unit, school_year, on)
    children = data.child_rates(unit, school_year, on)
    late = data.late_work(viewer, unit, school_year, on)
    silent = data.silent_units(viewer, unit, school_year)
    progress(65, "Đang tính các chỉ tiêu thống kê")
    indicators = data.indicator_rows(unit, school_year, kinds)
    return ReportData(
        unit=unit,
        above=above,
        kind=kind,
        school_year=school_year,
        day=on,
        directive=directive,
        situation=situation,
        tasks=tasks,
        indicators=indicators,
        overall=overall,
        children=children,
        late=late,
        silent=silent,
    )


def next_year(school_year: str) -> str:
    first = int(school_year[:4]) + 1
    return f"{first}-{first + 1}"
