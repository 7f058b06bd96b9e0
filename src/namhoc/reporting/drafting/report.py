"""The year-end review (báo cáo tổng kết năm học) and the semester review (sơ kết học kỳ I),
drafted from the data a unit holds in namhoc.

I. the situation (units, learners, staff — the period's figures, how complete and approved);
II. results per key task of the directive in force, then the indicators against their targets
and last year; III. achievements and shortcomings, each sentence built from the data;
IV. directions and V. proposals, left for the unit to write. Every number points at a source
note or at a row of the Excel annex.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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
from namhoc.reporting.document import BodyTable, Document, Header, Para, Run, Signature
from namhoc.reporting.drafting import annex
from namhoc.reporting.drafting.common import (
    Notes,
    Progress,
    day,
    match_indicator,
    names,
    num,
    para,
    pct,
    placeholder,
    rate_sentence,
    reference,
    shorten,
    value_text,
)
from namhoc.reporting.drafting.context import report_context
from namhoc.reporting.issuer import issuer_of
from namhoc.reporting.models import ReportKind

__all__ = ["ReportData", "draft_report", "report_day"]

KIND_WORDS = {
    OrgUnit.Kind.COMMUNE: "xã, phường, đặc khu",
    OrgUnit.Kind.DISTRICT: "quận, huyện, thị xã",
    OrgUnit.Kind.PROVINCE: "tỉnh, thành phố",
}
LEVEL_WORDS = {
    "mam_non": "mầm non",
    "tieu_hoc": "tiểu học",
    "thcs": "trung học cơ sở",
    "thpt": "trung học phổ thông",
    "lien_cap": "liên cấp",
    "gdtx": "giáo dục thường xuyên",
}
MAX_BODY_INDICATORS = 40


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


def _next_year(school_year: str) -> str:
    first = int(school_year[:4]) + 1
    return f"{first}-{first + 1}"


# --- I. situation ---------------------------------------------------------------------------


def _period_note(situation: Situation) -> str:
    period = situation.period
    assert period is not None
    parts = [f"Số liệu kỳ «{period.name}», tính đến ngày {day(period.as_of)}"]
    for state in situation.data_sets:
        approval = (
            f"đã được {state.approved_at} phê duyệt ngày {day(state.approved_on)}"
            if state.approved_on
            else "chưa phê duyệt (số liệu còn có thể thay đổi)"
        )
        parts.append(
            f"{state.name}: {num(state.complete)}/{num(state.reporting)} đơn vị báo cáo đủ số "
            f"liệu, {approval}"
        )
    return "; ".join(parts) + ". Chi tiết: Phụ lục, Biểu 1."


def _network(report: ReportData, notes: Notes) -> Para | None:
    counts = [(k, lv, n) for k, lv, n in report.situation.unit_counts]
    below = [(k, lv, n) for k, lv, n in counts if not (k == report.unit.kind and n == 1)]
    if report.unit.kind == OrgUnit.Kind.SCHOOL:
        return None
    parts = []
    for kind in (OrgUnit.Kind.PROVINCE, OrgUnit.Kind.COMMUNE):
        n = sum(c for k, _, c in below if k == kind)
        if n and kind != report.unit.kind:
            parts.append(f"{num(n)} {KIND_WORDS[kind]}")
    order = list(LEVEL_WORDS)
    schools = sorted(
        ((lv, n) for k, lv, n in below if k == OrgUnit.Kind.SCHOOL),
        key=lambda item: order.index(item[0]) if item[0] in order else len(order),
    )
    total = sum(n for _, n in schools)
    if total:
        detail = ", ".join(f"{num(n)} {LEVEL_WORDS.get(lv, 'khác')}" for lv, n in schools if n)
        parts.append(f"{num(total)} cơ sở giáo dục ({detail})")
    if not parts:
        return None
    source = (
        f"Danh mục đơn vị của namhoc: các đơn vị đang hoạt động ngày {day(report.situation.day)}"
    )
    if report.situation.synthetic:
        source += (
            f"; trong đó {num(report.situation.synthetic)} đơn vị là dữ liệu mô phỏng"
            " (không phải đơn vị thật)"
        )
    note = notes.add(source + ". Phụ lục, Biểu 1.")
    return para(
        f"1. Quy mô mạng lưới: {report.unit.name} có ",
        Run("; ".join(parts), note=note),
        ".",
    )


def _sum(situation: Situation, suffix: str) -> tuple[list[tuple[str, str, int]], int]:
    found = []
    for code, words, _ in data.LEVELS:
        figure = situation.figures.get(f"{code}_{suffix}")
        if figure is not None and figure.total is not None:
            found.append((code, words, int(figure.total)))
    return found, sum(n for _, _, n in found)


def _learners(report: ReportData, notes: Notes, number: int) -> list[Para]:
    situation = report.situation
    if situation.period is None:
        return [
            para(f"{number}. Quy mô học sinh, đội ngũ:"),
            placeholder(
                f"chưa có số liệu quy mô trường, lớp, học sinh, giáo viên của {report.unit.name}"
                f" năm học {report.school_year} trên namhoc (các đơn vị chưa nhập số liệu kỳ "
                "báo cáo); nêu số liệu khi có."
            ),
        ]
    note = notes.add(_period_note(situation))
    pupils, pupils_total = _sum(situation, "HS")
    classes, classes_total = _sum(situation, "LOP")
    teachers, teachers_total = _sum(situation, "GV")
    standard, standard_total = _sum(situation, "GV_CHUAN")
    paras = []
    if pupils:
        by_level = {code: n for code, _, n in classes}
        detail = "; ".join(
            f"{words} {num(n)} {'trẻ' if code == 'MN' else 'học sinh'}"
            + (
                f" ({num(by_level[code])} {'nhóm, lớp' if code == 'MN' else 'lớp'})"
                if code in by_level
                else ""
            )
            for code, words, n in pupils
        )
        paras.append(
            para(
                f"{number}. Học sinh: ",
                Run(
                    f"tổng số {num(pupils_total)} trẻ em, học sinh trong {num(classes_total)} "
                    f"nhóm, lớp; trong đó {detail}",
                    note=note,
                ),
                ".",
            )
        )
        number += 1
    if teachers:
        detail = "; ".join(f"{words} {num(n)}" for _, words, n in teachers)
        share = (
            f"; {num(standard_total)} giáo viên đạt chuẩn trình độ đào tạo theo Luật Giáo dục "
            f"2019 ({pct(100 * standard_total / teachers_total if teachers_total else None)})"
            if standard
            else ""
        )
        paras.append(
            para(
                f"{number}. Đội ngũ: ",
                Run(f"{num(teachers_total)} giáo viên ({detail}){share}", note=note),
                ".",
            )
        )
    if not paras:
        paras.append(
            placeholder(
                f"kỳ «{situation.period.name}» chưa có số liệu học sinh, giáo viên; nêu khi có."
            )
        )
    return paras


def _situation(report: ReportData, notes: Notes) -> list[Para]:
    blocks: list[Para] = [para("I. TÌNH HÌNH CHUNG", style="heading")]
    network = _network(report, notes)
    number = 1
    if network is not None:
        blocks.append(network)
        number = 2
    blocks += _learners(report, notes, number)
    return blocks


# --- II. results ---------------------------------------------------------------------------


def _total(tasks: list[TaskResult]) -> Rate:
    return Rate(
        done_on_time=sum(t.rate.done_on_time for t in tasks),
        done_late=sum(t.rate.done_late for t in tasks),
        overdue=sum(t.rate.overdue for t in tasks),
        in_progress=sum(t.rate.in_progress for t in tasks),
    )


def _task_block(report: ReportData, index: int, result: TaskResult, notes: Notes) -> list[Para]:
    task = result.task
    blocks = [para(f"{index}. {task.title}", style="subheading")]
    if result.rate.total:
        blocks.append(
            para(
                "Kết quả: ",
                f"{num(result.rate.total)} phân công ({num(result.leads)} chủ trì, "
                f"{num(result.supports)} phối hợp): {rate_sentence(result.rate)}",
                f" (Phụ lục, Biểu 3, dòng {index}).",
            )
        )
    else:
        blocks.append(
            placeholder(
                f"nhiệm vụ này chưa được giao cho đơn vị nào thuộc {report.unit.name} trên "
                "namhoc; nêu kết quả thực hiện."
            )
        )
    for target in task.targets:
        blocks.append(_target_para(report, target, notes))
    if result.highlights:
        blocks.append(para("Tiến độ nổi bật:"))
        for h in result.highlights:
            blocks.append(
                para(
                    f"- {h.unit_name} ({day(h.day)}, {h.percent}%): “{shorten(h.text, 220)}”",
                    style="item",
                )
            )
    if result.evidence:
        files = [e.name for e in result.evidence]
        blocks.append(
            para(
                f"Minh chứng ({num(len(files))} tệp): {names(files, 8, more='tệp')}"
                " (danh sách đầy đủ: Phụ lục, Biểu 6)."
            )
        )
    return blocks


def _target_para(report: ReportData, target: data.TargetInfo, notes: Notes) -> Para:
    unit_label = target.unit_label.strip()
    suffix = "%" if unit_label == "%" else (f" {unit_label}" if unit_label else "")
    stated = f"{num(target.value)}{suffix}"
    row = match_indicator(target, report.indicators)
    head = f"Chỉ tiêu: {stated} ({shorten(target.sentence, 160).rstrip('.;,')}); "
    if row is None or row.value is None:
        return para(
            head,
            Run("kết quả: chưa có số liệu trên namhoc để đối chiếu", italic=True),
            Run(" [Đơn vị bổ sung kết quả đạt được]", italic=True),
            ".",
        )
    position = report.indicators.index(row) + 1
    assert row.period is not None
    note = notes.add(
        f"Chỉ tiêu “{row.name}” tại {report.unit.name}, kỳ «{row.period.name}» (tính đến "
        f"{day(row.period.as_of)}), {num(row.units)} đơn vị có số liệu; so với chỉ tiêu của văn "
        f"bản chỉ đạo. Phụ lục, Biểu 2, dòng {position}."
    )
    reached = row.value >= target.value if row.higher_is_better else row.value <= target.value
    return para(
        head,
        Run(f"kết quả: {value_text(row, row.value)} ({row.name.lower()})", note=note),
        f" — {'đạt' if reached else 'chưa đạt'}.",
    )


def _indicator_table(report: ReportData, notes: Notes, index: int) -> list[Para | BodyTable]:
    rows = [r for r in report.indicators if r.value is not None]
    blocks: list[Para | BodyTable] = [
        para(f"{index}. Kết quả thực hiện các chỉ tiêu thống kê", style="subheading")
    ]
    if not rows:
        blocks.append(
            placeholder(
                f"chưa có số liệu chỉ tiêu thống kê năm học {report.school_year} của "
                f"{report.unit.name} trên namhoc; nêu kết quả khi có."
            )
        )
        return blocks
    with_target = [r for r in rows if r.target is not None]
    reached = [r for r in with_target if r.attained is not None and r.attained >= 100]
    note = notes.add(
        "Giá trị = tử số / mẫu số từ số liệu tổng hợp của các đơn vị (không lấy trung bình các "
        "tỷ lệ); chỉ tiêu giao là của đơn vị, hoặc của đơn vị cấp trên gần nhất khi đơn vị chưa "
        "được giao; mức đạt tính theo chiều tốt của chỉ tiêu, tối đa 100%. Kỳ số liệu, số đơn vị "
        "có số liệu và nguồn của từng dòng: Phụ lục, Biểu 2."
    )
    blocks.append(
        para(
            Run(
                f"{num(len(rows))} chỉ tiêu có số liệu; {num(len(with_target))} chỉ tiêu có chỉ "
                f"tiêu giao, trong đó {num(len(reached))} đạt, "
                f"{num(len(with_target) - len(reached))} chưa đạt",
                note=note,
            ),
            ":",
        )
    )
    shown = rows[:MAX_BODY_INDICATORS]
    table_rows = tuple(
        (
            str(n),
            f"{r.name}" + (f" ({r.unit_label})" if r.unit_label and r.unit_label != "%" else ""),
            value_text(r, r.value),
            value_text(r, r.target, exact=True),
            pct(r.attained) if r.attained is not None else "—",
            value_text(r, r.last_year),
        )
        for n, r in enumerate(shown, start=1)
    )
    blocks.append(
        BodyTable(
            headers=("TT", "Chỉ tiêu", "Kết quả", "Chỉ tiêu giao", "Mức đạt", "Năm học trước"),
            rows=table_rows,
            widths_mm=(10, 67, 22, 22, 20, 24),
            numeric=(False, False, True, True, True, True),
        )
    )
    if len(rows) > len(shown):
        blocks.append(para(f"(Còn {num(len(rows) - len(shown))} chỉ tiêu khác: Phụ lục, Biểu 2.)"))
    return blocks


def _results(report: ReportData, notes: Notes) -> list[Para | BodyTable]:
    heading = (
        "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ HỌC KỲ I"
        if report.kind == ReportKind.SEMESTER
        else f"II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM HỌC {report.school_year}"
    )
    blocks: list[Para | BodyTable] = [para(heading, style="heading")]
    directive = report.directive
    if directive is None:
        blocks.append(
            placeholder(
                f"chưa có văn bản chỉ đạo năm học {report.school_year} của {report.unit.name} "
                "hoặc đơn vị cấp trên trên namhoc; nêu kết quả thực hiện từng nhiệm vụ."
            )
        )
        blocks += _indicator_table(report, notes, 1)
        return blocks
    total = _total(report.tasks)
    rate_note = notes.add(
        "Tỷ lệ hoàn thành đúng hạn = số việc hoàn thành đúng hạn / (số việc đã hoàn thành + số "
        f"việc quá hạn chưa hoàn thành), tính đến ngày {day(report.day)}, trên các phân công "
        f"nhiệm vụ của văn bản {directive.number or directive.title} cho các đơn vị thuộc "
        f"{report.unit.name}. Phụ lục, Biểu 3."
    )
    intro = [
        f"Năm học {report.school_year}, thực hiện {len(directive.tasks)} nhiệm vụ trọng tâm theo "
        f"{reference(directive)}. "
    ]
    if total.total:
        blocks.append(
            para(
                *intro,
                Run(
                    f"Tổng số {num(total.total)} phân công cho các đơn vị: {rate_sentence(total)}",
                    note=rate_note,
                ),
                ".",
            )
        )
    else:
        blocks.append(para(*intro, "Các nhiệm vụ chưa được giao cho đơn vị nào trên namhoc."))
    for index, result in enumerate(report.tasks, start=1):
        blocks += _task_block(report, index, result, notes)
    blocks += _indicator_table(report, notes, len(report.tasks) + 1)
    return blocks


# --- III. assessment -------------------------------------------------------------------------


def _by_unit(items: list[WorkItem]) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item.unit_name] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], list(counts).index(kv[0])))
    return [f"{name} ({num(n)})" for name, n in ranked]


def _better(row: IndicatorRow) -> bool | None:
    """Better or worse than last school year — for rates only (a count that grows, such as the
    number of pupils, is neither)."""
    if row.unit_label != "%":
        return None
    if row.value is None or row.last_year is None or row.value == row.last_year:
        return None
    return (row.value > row.last_year) == row.higher_is_better


def _assessment(report: ReportData, notes: Notes) -> list[Para]:
    blocks = [para("III. ĐÁNH GIÁ CHUNG", style="heading"), para("1. Ưu điểm", style="subheading")]
    good: list[Para] = []
    clean = [t for t in report.tasks if t.rate.total and t.rate.done_on_time == t.rate.total]
    if clean:
        good.append(
            para(
                f"- Hoàn thành đúng hạn toàn bộ công việc của {num(len(clean))} nhiệm vụ: "
                f"{names([t.task.title for t in clean], 4, more='nhiệm vụ')}.",
                style="item",
            )
        )
    reached = [r for r in report.indicators if r.attained is not None and r.attained >= 100]
    if reached:
        good.append(
            para(
                f"- {num(len(reached))} chỉ tiêu đạt chỉ tiêu giao: "
                + names(
                    [
                        f"{r.name.lower()} {value_text(r, r.value)} "
                        f"(giao {value_text(r, r.target, exact=True)})"
                        for r in reached
                    ],
                    4,
                    more="chỉ tiêu",
                )
                + " (Phụ lục, Biểu 2).",
                style="item",
            )
        )
    improved = [r for r in report.indicators if _better(r)]
    if improved:
        good.append(
            para(
                f"- {num(len(improved))} chỉ tiêu tốt hơn năm học trước: "
                + names(
                    [
                        f"{r.name.lower()} {value_text(r, r.last_year)} → {value_text(r, r.value)}"
                        for r in improved
                    ],
                    4,
                    more="chỉ tiêu",
                )
                + ".",
                style="item",
            )
        )
    blocks += good or [placeholder("nêu các ưu điểm, kết quả nổi bật.")]
    blocks.append(para("2. Hạn chế, tồn tại", style="subheading"))
    blocks += _shortcomings(report) or [
        para(
            "Số liệu trên namhoc không cho thấy việc quá hạn, chỉ tiêu chưa đạt hay đơn vị "
            "chưa ban hành văn bản."
        ),
    ]
    blocks.append(para("3. Nguyên nhân", style="subheading"))
    blocks.append(placeholder("nêu nguyên nhân khách quan, chủ quan của các hạn chế trên."))
    return blocks


def _shortcomings(report: ReportData) -> list[Para]:
    bad: list[Para] = []
    overdue = [w for w in report.late if w.status == "overdue"]
    late = [w for w in report.late if w.status == "done_late"]
    if overdue:
        units_ = _by_unit(overdue)
        bad.append(
            para(
                f"- Còn {num(len(overdue))} việc quá hạn chưa hoàn thành tại {num(len(units_))} "
                f"đơn vị: {names(units_, 6)} (Phụ lục, Biểu 5).",
                style="item",
            )
        )
    if late:
        units_ = _by_unit(late)
        bad.append(
            para(
                f"- {num(len(late))} việc hoàn thành quá hạn tại {num(len(units_))} đơn vị: "
                f"{names(units_, 6)} (Phụ lục, Biểu 5).",
                style="item",
            )
        )
    missed = [r for r in report.indicators if r.attained is not None and r.attained < 100]
    if missed:
        bad.append(
            para(
                f"- {num(len(missed))} chỉ tiêu chưa đạt chỉ tiêu giao: "
                + names(
                    [
                        f"{r.name.lower()} {value_text(r, r.value)}/"
                        f"{value_text(r, r.target, exact=True)} "
                        f"(đạt {pct(r.attained)})"
                        for r in missed
                    ],
                    4,
                    more="chỉ tiêu",
                )
                + " (Phụ lục, Biểu 2).",
                style="item",
            )
        )
    worse = [r for r in report.indicators if _better(r) is False]
    if worse:
        bad.append(
            para(
                f"- {num(len(worse))} chỉ tiêu kém hơn năm học trước: "
                + names(
                    [
                        f"{r.name.lower()} {value_text(r, r.last_year)} → {value_text(r, r.value)}"
                        for r in worse
                    ],
                    4,
                    more="chỉ tiêu",
                )
                + ".",
                style="item",
            )
        )
    if report.silent:
        bad.append(
            para(
                f"- {num(len(report.silent))} đơn vị trực thuộc chưa ban hành văn bản chỉ đạo năm "
                f"học {report.school_year} trên namhoc: "
                f"{names([u.name for u in report.silent], 6)} (Phụ lục, Biểu 7).",
                style="item",
            )
        )
    situation = report.situation
    if situation.period is not None:
        for state in situation.data_sets:
            missing = state.reporting - state.complete
            if missing:
                bad.append(
                    para(
                        f"- {num(missing)}/{num(state.reporting)} đơn vị chưa báo cáo đủ số liệu "
                        f"«{state.name}» kỳ «{situation.period.name}».",
                        style="item",
                    )
                )
    return bad


# --- IV., V. ---------------------------------------------------------------------------------


def _directions(report: ReportData) -> list[Para]:
    semester = report.kind == ReportKind.SEMESTER
    heading = (
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ HỌC KỲ II"
        if semester
        else f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM HỌC {_next_year(report.school_year)}"
    )
    blocks = [para(heading, style="heading")]
    blocks.append(
        placeholder(
            "nêu phương hướng, nhiệm vụ trọng tâm và giải pháp"
            + (" học kỳ II" if semester else f" năm học {_next_year(report.school_year)}")
            + "."
        )
    )
    overdue = sum(1 for w in report.late if w.status == "overdue")
    missed = [r for r in report.indicators if r.attained is not None and r.attained < 100]
    if overdue:
        blocks.append(
            para(
                f"- Tập trung hoàn thành {num(overdue)} việc còn quá hạn (Phụ lục, Biểu 5).",
                style="item",
            )
        )
    if missed:
        blocks.append(
            para(
                "- Có giải pháp để đạt các chỉ tiêu chưa đạt: "
                + names([r.name.lower() for r in missed], 6, more="chỉ tiêu")
                + ".",
                style="item",
            )
        )
    blocks.append(para("V. ĐỀ XUẤT, KIẾN NGHỊ", style="heading"))
    blocks.append(placeholder("nêu đề xuất, kiến nghị với cấp trên (nếu có)."))
    return blocks


# --- the document ---------------------------------------------------------------------------


def draft_report(
    *,
    viewer: Actor | None,
    unit: OrgUnit,
    kind: str,
    school_year: str,
    signer_title: str,
    signer_name: str,
    today: dt.date,
    progress: Progress,
) -> Document:
    report = read(viewer, unit, kind=kind, school_year=school_year, today=today, progress=progress)
    progress(75, "Đang viết báo cáo")
    issuer = issuer_of(unit, report.above)
    semester = kind == ReportKind.SEMESTER
    second = int(school_year[5:])
    what = (
        f"sơ kết học kỳ I năm học {school_year}" if semester else f"tổng kết năm học {school_year}"
    )
    summary = (
        f"Sơ kết học kỳ I năm học {school_year} và phương hướng, nhiệm vụ học kỳ II"
        if semester
        else f"Tổng kết năm học {school_year} và phương hướng, nhiệm vụ năm học "
        f"{_next_year(school_year)}"
    )
    notes = Notes()
    opening_text = (
        f"Thực hiện {reference(report.directive)}, {issuer.short} báo cáo {what} như sau:"
        if report.directive is not None
        else f"{issuer.short} báo cáo {what} như sau:"
    )
    body: list[Para | BodyTable] = []
    body += _situation(report, notes)
    body += _results(report, notes)
    body += _assessment(report, notes)
    body += _directions(report)
    document = Document(
        kind=kind,
        header=Header(
            upper_body=issuer.upper_body,
            issuer=issuer.name,
            symbol=f"BC-{issuer.symbol}",
            place=issuer.place,
            year=second,
        ),
        type_name="BÁO CÁO",
        summary=summary,
        opening=[para(opening_text)],
        body=body,
        closing=para(f"Trên đây là báo cáo {what} của {issuer.short}./."),
        notes=notes.items,
        signature=Signature(title=signer_title or issuer.signer_title, name=signer_name),
        recipients=list(issuer.report_recipients),
    )
    progress(85, "Đang lập phụ lục số liệu")
    document.annex = annex.report_tables(report)
    document.context = report_context(document, report, today)
    return document
