"""The year-end review (báo cáo tổng kết năm học) and the semester review (sơ kết học kỳ I),
drafted from the data a unit holds in namhoc.

I. the situation (units, learners, staff — the period's figures, how complete and approved);
II. results per key task of the directive in force, then the indicators against their targets
and last year; III. achievements and shortcomings (``assessment``); IV. directions and
V. proposals, left for the unit to write. Every number points at a source note or at a row of
the Excel annex.
"""

from __future__ import annotations

import datetime as dt

from namhoc.core.types import Actor
from namhoc.orgunits.models import OrgUnit
from namhoc.reporting import data
from namhoc.reporting.data import Rate, Situation, TaskResult
from namhoc.reporting.document import BodyTable, Document, Header, Para, Run, Signature
from namhoc.reporting.drafting import annex
from namhoc.reporting.drafting.assessment import assessment, directions
from namhoc.reporting.drafting.common import (
    Notes,
    Progress,
    day,
    lower_first,
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
from namhoc.reporting.drafting.reading import ReportData, next_year, read, report_day
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
    whole = "Toàn quốc" if report.unit.kind == OrgUnit.Kind.MINISTRY else report.unit.name
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
        f"1. Quy mô mạng lưới: {whole} có ",
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
        Run(f"kết quả: {value_text(row, row.value)} ({lower_first(row.name)})", note=note),
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
        f"{next_year(school_year)}"
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
    body += assessment(report, notes)
    body += directions(report)
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
