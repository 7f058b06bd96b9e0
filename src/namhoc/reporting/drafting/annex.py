"""The Excel annex of a drafted document: every number the body quotes, row by row, with where
it comes from (period, date, units counted, approval, target source). Lists are complete here;
the body names the first few and points at these tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from namhoc.orgunits.models import OrgUnit
from namhoc.reporting.data import LEVELS, PlanTask, Rate
from namhoc.reporting.drafting.common import day
from namhoc.reporting.xlsx import Column, Table

if TYPE_CHECKING:
    from namhoc.reporting.drafting.plan import PlanData
    from namhoc.reporting.drafting.reading import ReportData

__all__ = ["plan_tables", "report_tables"]

_KINDS = dict(OrgUnit.Kind.choices)
_LEVELS = dict(OrgUnit.SchoolLevel.choices)
_RATE_COLUMNS = (
    Column("Tổng số việc", "int", width=10),
    Column("Hoàn thành đúng hạn", "int", width=12),
    Column("Hoàn thành quá hạn", "int", width=12),
    Column("Quá hạn chưa hoàn thành", "int", width=13),
    Column("Đang thực hiện trong hạn", "int", width=13),
    Column("Tỷ lệ đúng hạn (%)", "percent", width=12),
)


def _rate_cells(rate: Rate) -> list[object]:
    return [
        rate.total,
        rate.done_on_time,
        rate.done_late,
        rate.overdue,
        rate.in_progress,
        rate.percent,
    ]


def _scope_line(report: ReportData) -> str:
    return f"Đơn vị: {report.unit.name} — năm học {report.school_year}"


def _situation_table(report: ReportData) -> Table:
    situation = report.situation
    rows: list[list[object]] = []
    tree_source = f"Danh mục đơn vị, đang hoạt động ngày {day(situation.day)}"
    for kind, level, n in situation.unit_counts:
        label = _KINDS.get(kind, kind)
        if level:
            label = f"{label} — {_LEVELS.get(level, level)}"
        rows.append([f"Số đơn vị: {label}", "", n, "đơn vị", None, tree_source, None])
    if situation.period is not None:
        for code, _, _ in LEVELS:
            for suffix in ("LOP", "HS", "GV", "GV_CHUAN"):
                figure = situation.figures.get(f"{code}_{suffix}")
                if figure is None or figure.total is None:
                    continue
                rows.append(
                    [
                        figure.name,
                        figure.code,
                        figure.total,
                        figure.unit_label,
                        figure.units,
                        situation.period.name,
                        situation.period.as_of,
                    ]
                )
    lines = [_scope_line(report)]
    if situation.synthetic:
        lines.append(f"{situation.synthetic} đơn vị trong phạm vi là dữ liệu mô phỏng.")
    for state in situation.data_sets:
        approval = (
            f"đã được {state.approved_at} phê duyệt ngày {day(state.approved_on)}"
            if state.approved_on
            else "chưa phê duyệt"
        )
        lines.append(
            f"{state.name}: {state.complete}/{state.reporting} đơn vị báo cáo đủ; {approval}."
        )
    return Table(
        title="Biểu 1. Quy mô mạng lưới, lớp, học sinh, giáo viên",
        sheet="Bieu 1 - Quy mo",
        lines=lines,
        columns=(
            Column("Nội dung", width=48),
            Column("Mã chỉ số", width=14),
            Column("Giá trị", "decimal", decimals=0, width=12),
            Column("Đơn vị tính", width=12),
            Column("Số đơn vị có số liệu", "int", width=12),
            Column("Kỳ số liệu / nguồn", width=40),
            Column("Tính đến ngày", "date", width=12),
        ),
        rows=rows,
    )


def _indicator_table(report: ReportData) -> Table:
    rows = []
    for n, r in enumerate(report.indicators, start=1):
        rows.append(
            [
                n,
                r.code,
                r.name,
                r.unit_label,
                r.period.name if r.period else "chưa có số liệu",
                r.period.as_of if r.period else None,
                r.value,
                r.numerator,
                r.denominator,
                r.units or None,
                r.target,
                ("đơn vị cấp trên" if r.target_inherited else "đơn vị")
                if r.target is not None
                else "",
                r.attained,
                r.last_year,
                r.last_period.name if r.last_period else "",
            ]
        )
    return Table(
        title="Biểu 2. Chỉ tiêu thống kê: kết quả, chỉ tiêu giao, năm học trước",
        sheet="Bieu 2 - Chi tieu",
        lines=[
            _scope_line(report),
            "Giá trị = hệ số × tử số / mẫu số, từ số liệu tổng hợp của các đơn vị (không lấy "
            "trung bình các tỷ lệ). Mức đạt = % chỉ tiêu giao đã đạt (theo chiều tốt), tối đa 100.",
        ],
        columns=(
            Column("TT", "int", width=5),
            Column("Mã", width=16),
            Column("Chỉ tiêu", width=44),
            Column("Đơn vị tính", width=9),
            Column("Kỳ số liệu", width=30),
            Column("Tính đến ngày", "date", width=12),
            Column("Giá trị", "decimal", decimals=2, width=12),
            Column("Tử số", "decimal", decimals=2, width=12),
            Column("Mẫu số", "decimal", decimals=2, width=12),
            Column("Số đơn vị có số liệu", "int", width=10),
            Column("Chỉ tiêu giao", "decimal", decimals=2, width=11),
            Column("Chỉ tiêu của", width=14),
            Column("Mức đạt (%)", "percent", width=10),
            Column("Năm học trước", "decimal", decimals=2, width=11),
            Column("Kỳ năm học trước", width=30),
        ),
        rows=rows,
    )


def _task_table(report: ReportData) -> Table:
    rows: list[list[object]] = []
    for n, result in enumerate(report.tasks, start=1):
        rows.append(
            [n, result.task.label, result.task.title, result.leads, result.supports,
             *_rate_cells(result.rate)]
        )  # fmt: skip
    if report.tasks:
        total = Rate(
            done_on_time=sum(t.rate.done_on_time for t in report.tasks),
            done_late=sum(t.rate.done_late for t in report.tasks),
            overdue=sum(t.rate.overdue for t in report.tasks),
            in_progress=sum(t.rate.in_progress for t in report.tasks),
        )
        rows.append(
            [
                None,
                "",
                "Cộng",
                sum(t.leads for t in report.tasks),
                sum(t.supports for t in report.tasks),
                *_rate_cells(total),
            ]
        )
    directive = report.directive
    source = (
        f"Văn bản: {directive.number or directive.title} ({directive.unit_name})"
        if directive
        else "Chưa có văn bản chỉ đạo năm học trên namhoc."
    )
    return Table(
        title="Biểu 3. Kết quả thực hiện từng nhiệm vụ trọng tâm",
        sheet="Bieu 3 - Nhiem vu",
        lines=[
            _scope_line(report),
            source,
            f"Tình trạng tính đến ngày {day(report.day)}; tỷ lệ đúng hạn = đúng hạn / (đã hoàn "
            "thành + quá hạn chưa hoàn thành).",
        ],
        columns=(
            Column("TT", "int", width=5),
            Column("Số hiệu", width=8),
            Column("Nhiệm vụ", width=50),
            Column("Đơn vị chủ trì", "int", width=10),
            Column("Đơn vị phối hợp", "int", width=10),
            *_RATE_COLUMNS,
        ),
        rows=rows,
    )


def _children_table(report: ReportData) -> Table:
    return Table(
        title="Biểu 4. Tiến độ thực hiện nhiệm vụ theo đơn vị trực thuộc",
        sheet="Bieu 4 - Don vi",
        lines=[
            _scope_line(report),
            f"Mọi việc của năm học giao cho đơn vị và các đơn vị thuộc nó, tính đến "
            f"{day(report.day)}.",
        ],
        columns=(
            Column("TT", "int", width=5),
            Column("Mã đơn vị", width=14),
            Column("Đơn vị", width=40),
            *_RATE_COLUMNS,
        ),
        rows=[
            [n, c.key, c.name, *_rate_cells(c.rate)] for n, c in enumerate(report.children, start=1)
        ],
    )


def _late_table(report: ReportData) -> Table:
    return Table(
        title="Biểu 5. Việc quá hạn chưa hoàn thành và việc hoàn thành quá hạn",
        sheet="Bieu 5 - Qua han",
        lines=[_scope_line(report), f"Tính đến ngày {day(report.day)}."],
        columns=(
            Column("TT", "int", width=5),
            Column("Đơn vị", width=34),
            Column("Văn bản", width=18),
            Column("Nhiệm vụ", width=44),
            Column("Vai trò", width=10),
            Column("Hạn hoàn thành", "date", width=12),
            Column("Ngày hoàn thành", "date", width=12),
            Column("Tiến độ (%)", "int", width=9),
            Column("Tình trạng", width=24),
        ),
        rows=[
            [
                n,
                w.unit_name,
                w.directive_number,
                f"{w.task_label} {w.task_title}".strip(),
                w.role,
                w.deadline,
                w.completed_on,
                w.percent,
                w.status_label,
            ]
            for n, w in enumerate(report.late, start=1)
        ],
    )


def _evidence_table(report: ReportData) -> Table:
    rows = []
    n = 0
    for result in report.tasks:
        for e in result.evidence:
            n += 1
            rows.append([n, result.task.title, e.unit_name, e.name, e.day])
    return Table(
        title="Biểu 6. Minh chứng đã gửi kèm báo cáo tiến độ",
        sheet="Bieu 6 - Minh chung",
        lines=[_scope_line(report)],
        columns=(
            Column("TT", "int", width=5),
            Column("Nhiệm vụ", width=44),
            Column("Đơn vị", width=34),
            Column("Tệp", width=40),
            Column("Ngày gửi", "date", width=12),
        ),
        rows=rows,
    )


def _silent_table(report: ReportData) -> Table:
    return Table(
        title=f"Biểu 7. Đơn vị trực thuộc chưa ban hành văn bản chỉ đạo năm học "
        f"{report.school_year}",
        sheet="Bieu 7 - Chua ban hanh",
        lines=[_scope_line(report)],
        columns=(
            Column("TT", "int", width=5),
            Column("Mã đơn vị", width=14),
            Column("Đơn vị", width=44),
            Column("Cấp", width=24),
        ),
        rows=[
            [n, u.key, u.name, _KINDS.get(u.kind, u.kind)]
            for n, u in enumerate(report.silent, start=1)
        ],
    )


def report_tables(report: ReportData) -> list[Table]:
    return [
        _situation_table(report),
        _indicator_table(report),
        _task_table(report),
        _children_table(report),
        _late_table(report),
        _evidence_table(report),
        _silent_table(report),
    ]


def _who(task: PlanTask, role: str) -> str:
    names_ = [a.unit_name for own in task.own for a in own.assignments if a.role == role]
    return "; ".join(dict.fromkeys(names_))


def plan_tables(plan: PlanData) -> list[Table]:
    upper_rows = []
    for n, t in enumerate(plan.tasks, start=1):
        mine = t.mine
        upper_rows.append(
            [
                n,
                t.upper.label,
                t.upper.title,
                "có" if t.applies else "không",
                ", ".join(_KINDS.get(k, k) for k in t.levels),
                {"lead": "Chủ trì", "support": "Phối hợp"}.get(mine.role, "") if mine else "",
                mine.deadline if mine else None,
                mine.target_value if mine else None,
                mine.target_unit if mine else "",
                "; ".join(f"{o.task.label} {o.task.title}".strip() for o in t.own),
            ]
        )
    work_rows = []
    n = 0
    for t in plan.tasks:
        for own in t.own:
            for a in own.assignments:
                n += 1
                work_rows.append(
                    [
                        n,
                        t.upper.title,
                        f"{own.task.label} {own.task.title}".strip(),
                        a.unit_name,
                        "Chủ trì" if a.role == "lead" else "Phối hợp",
                        a.deadline,
                        a.target_value,
                        a.target_unit,
                    ]
                )
    scope = f"Đơn vị: {plan.unit.name} — thực hiện {plan.upper.number or plan.upper.title}"
    return [
        Table(
            title="Biểu 1. Nhiệm vụ của văn bản cấp trên và phạm vi áp dụng",
            sheet="Bieu 1 - Nhiem vu cap tren",
            lines=[scope],
            columns=(
                Column("TT", "int", width=5),
                Column("Số hiệu", width=8),
                Column("Nhiệm vụ cấp trên", width=50),
                Column("Áp dụng cho đơn vị", width=10),
                Column("Đã giao cho cấp", width=24),
                Column("Vai trò của đơn vị", width=12),
                Column("Thời hạn", "date", width=12),
                Column("Chỉ tiêu", "decimal", decimals=2, width=10),
                Column("Đơn vị tính", width=10),
                Column("Nhiệm vụ của đơn vị (liên kết)", width=50),
            ),
            rows=upper_rows,
        ),
        Table(
            title="Biểu 2. Phân công thực hiện nhiệm vụ của đơn vị",
            sheet="Bieu 2 - Phan cong",
            lines=[scope],
            columns=(
                Column("TT", "int", width=5),
                Column("Nhiệm vụ cấp trên", width=40),
                Column("Nhiệm vụ của đơn vị", width=44),
                Column("Đơn vị thực hiện", width=34),
                Column("Vai trò", width=10),
                Column("Thời hạn", "date", width=12),
                Column("Chỉ tiêu", "decimal", decimals=2, width=10),
                Column("Đơn vị tính", width=10),
            ),
            rows=work_rows,
        ),
    ]
