"""III. achievements and shortcomings of a report, each sentence built from the data, and
IV. directions, V. proposals: placeholders for the unit, with what the data already asks for."""

from __future__ import annotations

from collections import defaultdict

from namhoc.reporting.data import IndicatorRow, WorkItem
from namhoc.reporting.document import Para
from namhoc.reporting.drafting.common import (
    Notes,
    lower_first,
    names,
    num,
    para,
    pct,
    placeholder,
    value_text,
)
from namhoc.reporting.drafting.reading import ReportData, next_year
from namhoc.reporting.models import ReportKind

__all__ = ["assessment", "directions"]


def _change(row: IndicatorRow) -> str:
    """ "tỷ lệ … 78,9% → 95,0%" """
    return (
        f"{lower_first(row.name)} {value_text(row, row.last_year)} → {value_text(row, row.value)}"
    )


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


def assessment(report: ReportData, notes: Notes) -> list[Para]:
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
                        f"{lower_first(r.name)} {value_text(r, r.value)} "
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
                    [_change(r) for r in improved],
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
                        f"{lower_first(r.name)} {value_text(r, r.value)}/"
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
                    [_change(r) for r in worse],
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


def directions(report: ReportData) -> list[Para]:
    semester = report.kind == ReportKind.SEMESTER
    heading = (
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ HỌC KỲ II"
        if semester
        else f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM HỌC {next_year(report.school_year)}"
    )
    blocks = [para(heading, style="heading")]
    blocks.append(
        placeholder(
            "nêu phương hướng, nhiệm vụ trọng tâm và giải pháp"
            + (" học kỳ II" if semester else f" năm học {next_year(report.school_year)}")
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
                + names([lower_first(r.name) for r in missed], 6, more="chỉ tiêu")
                + ".",
                style="item",
            )
        )
    blocks.append(para("V. ĐỀ XUẤT, KIẾN NGHỊ", style="heading"))
    blocks.append(placeholder("nêu đề xuất, kiến nghị với cấp trên (nếu có)."))
    return blocks
