"""The implementing plan (kế hoạch thực hiện nhiệm vụ năm học) of a unit for a directive above:
the upper key tasks that apply to its level, what the unit was given (role, deadline, target),
its own tasks linked to them with the units leading and supporting, deadlines and targets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from namhoc.core.types import Actor
from namhoc.orgunits.models import OrgUnit
from namhoc.reporting import data
from namhoc.reporting.data import DirectiveInfo, PlanAssignment, PlanTask
from namhoc.reporting.document import BodyTable, Document, Header, Para, Run, Signature
from namhoc.reporting.drafting import annex
from namhoc.reporting.drafting.common import (
    Notes,
    Progress,
    day,
    names,
    num,
    para,
    placeholder,
    reference,
    shorten,
)
from namhoc.reporting.drafting.context import plan_context
from namhoc.reporting.issuer import issuer_of
from namhoc.reporting.models import ReportKind

__all__ = ["PlanData", "draft_plan"]

_ROLE = {"lead": "chủ trì", "support": "phối hợp"}
_KINDS = dict(OrgUnit.Kind.choices)


@dataclass
class PlanData:
    unit: OrgUnit
    above: list[OrgUnit]
    upper: DirectiveInfo
    tasks: list[PlanTask]
    today: dt.date


def _target(a: PlanAssignment) -> str:
    return f"{num(a.target_value)} {a.target_unit}".strip() if a.target_value is not None else ""


def _task_blocks(plan: PlanData, index: int, task: PlanTask, notes: Notes) -> list[Para]:
    upper = task.upper
    blocks = [para(f"{index}. {upper.title}", style="subheading")]
    if upper.text:
        blocks.append(para(f"Nhiệm vụ cấp trên giao: {shorten(upper.text, 400)}"))
    for target in upper.targets:
        blocks.append(para(f"Chỉ tiêu của cấp trên: {shorten(target.sentence, 200)}"))
    if task.mine is not None:
        mine = task.mine
        note = notes.add(
            f"Phân công nhiệm vụ “{upper.title}” của văn bản "
            f"{plan.upper.number or plan.upper.title}"
            f" cho {plan.unit.name} trên namhoc. Phụ lục, Biểu 1, dòng "
            f"{plan.tasks.index(task) + 1}."
        )
        terms = [f"{plan.unit.name} {_ROLE.get(mine.role, mine.role)} thực hiện"]
        if mine.deadline:
            terms.append(f"thời hạn {day(mine.deadline)}")
        if mine.target_value is not None:
            terms.append(f"chỉ tiêu {_target(mine)}")
        blocks.append(para(Run("; ".join(terms), note=note), "."))
    if not task.own:
        blocks.append(
            placeholder(
                "cụ thể hóa nhiệm vụ, giải pháp của đơn vị; giao đơn vị chủ trì, phối hợp, "
                "thời hạn và chỉ tiêu."
            )
        )
        return blocks
    blocks.append(para("Nhiệm vụ, giải pháp của đơn vị:"))
    for own in task.own:
        leads = [a.unit_name for a in own.assignments if a.role == "lead"]
        supports = [a.unit_name for a in own.assignments if a.role == "support"]
        deadlines = sorted({a.deadline for a in own.assignments if a.deadline})
        targets = [t for t in (_target(a) for a in own.assignments) if t]
        parts = [f"- {own.task.title}"]
        if leads:
            parts.append(f"chủ trì: {names(leads, 6)}")
        if supports:
            parts.append(f"phối hợp: {names(supports, 6)}")
        if deadlines:
            parts.append(
                "thời hạn: "
                + (
                    day(deadlines[0])
                    if len(deadlines) == 1
                    else f"{day(deadlines[0])} – {day(deadlines[-1])}"
                )
            )
        if targets:
            parts.append(f"chỉ tiêu: {names(list(dict.fromkeys(targets)), 3, more='mức')}")
        if not own.assignments:
            parts.append("chưa giao đơn vị thực hiện")
        blocks.append(para("; ".join(parts) + ".", style="item"))
    return blocks


def _work_table(plan: PlanData) -> BodyTable | None:
    rows = []
    n = 0
    for task in plan.tasks:
        if not task.applies:
            continue
        for own in task.own:
            leads = "; ".join(a.unit_name for a in own.assignments if a.role == "lead")
            supports = "; ".join(a.unit_name for a in own.assignments if a.role == "support")
            deadlines = sorted({a.deadline for a in own.assignments if a.deadline})
            n += 1
            rows.append(
                (
                    str(n),
                    shorten(own.task.title, 120),
                    shorten(leads, 120) or "—",
                    shorten(supports, 120) or "—",
                    day(deadlines[-1]) if deadlines else "—",
                )
            )
    if not rows:
        return None
    return BodyTable(
        headers=("TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"),
        rows=tuple(rows),
        widths_mm=(10, 65, 35, 35, 20),
        numeric=(False, False, False, False, False),
    )


def draft_plan(
    *,
    viewer: Actor | None,
    unit: OrgUnit,
    directive_id: int,
    signer_title: str,
    signer_name: str,
    today: dt.date,
    progress: Progress,
) -> Document:
    progress(10, "Đang đọc văn bản cấp trên")
    upper = data.directive_info(viewer, directive_id)
    above = data.ancestors(unit)
    progress(30, "Đang đọc phân công và liên kết nhiệm vụ")
    plan = PlanData(
        unit=unit,
        above=above,
        upper=upper,
        tasks=data.plan_tasks(viewer, unit, upper),
        today=today,
    )
    progress(60, "Đang viết kế hoạch")
    issuer = issuer_of(unit, above)
    year = upper.school_year or ""
    first = int(year[:4]) if year[:4].isdigit() else today.year
    notes = Notes()
    applying = [t for t in plan.tasks if t.applies]
    others = [t for t in plan.tasks if not t.applies]
    body: list[Para | BodyTable] = [
        para("I. MỤC ĐÍCH, YÊU CẦU", style="heading"),
        para("1. Mục đích", style="subheading"),
        para(
            f"Triển khai đầy đủ, kịp thời {num(len(applying))} nhiệm vụ trọng tâm của "
            f"{reference(upper)} áp dụng đối với {unit.name}; xác định rõ đơn vị chủ trì, phối "
            "hợp, thời hạn và chỉ tiêu của từng nhiệm vụ."
        ),
        para("2. Yêu cầu", style="subheading"),
        placeholder("nêu yêu cầu đối với các đơn vị, cá nhân thực hiện kế hoạch."),
        para("II. NHIỆM VỤ VÀ GIẢI PHÁP", style="heading"),
    ]
    for index, task in enumerate(applying, start=1):
        body += _task_blocks(plan, index, task, notes)
    if others:
        levels = sorted({_KINDS.get(k, k) for t in others for k in t.levels})
        labels = [t.upper.label or t.upper.title for t in others]
        body.append(
            para(
                f"(Các nhiệm vụ {names(labels, 8, more='nhiệm vụ')}"
                f" của văn bản cấp trên giao cho cấp {', '.join(levels).lower()}, không thuộc "
                f"phạm vi của {unit.name}: Phụ lục, Biểu 1.)"
            )
        )
    table = _work_table(plan)
    if table is not None:
        body.append(para("Bảng phân công thực hiện:", style="body"))
        body.append(table)
    body += [
        para("III. TỔ CHỨC THỰC HIỆN", style="heading"),
        para(
            "Các đơn vị được giao chủ trì xây dựng kế hoạch chi tiết, cập nhật tiến độ và minh "
            f"chứng trên namhoc; báo cáo sơ kết học kỳ I và tổng kết năm học {year} đúng hạn."
        ),
        placeholder("phân công trách nhiệm của lãnh đạo, các bộ phận và chế độ báo cáo."),
    ]
    document = Document(
        kind=ReportKind.PLAN,
        header=Header(
            upper_body=issuer.upper_body,
            issuer=issuer.name,
            symbol=f"KH-{issuer.symbol}",
            place=issuer.place,
            year=first,
        ),
        type_name="KẾ HOẠCH",
        summary=f"Thực hiện nhiệm vụ năm học {year}".strip(),
        opening=[
            para(f"Căn cứ {reference(upper)};"),
            para(
                f"Căn cứ tình hình thực tế, {issuer.short} xây dựng Kế hoạch thực hiện nhiệm vụ "
                f"năm học {year} như sau:"
            ),
        ],
        body=body,
        closing=para(
            f"Trên đây là Kế hoạch thực hiện nhiệm vụ năm học {year} của {issuer.short}./."
        ),
        notes=notes.items,
        signature=Signature(title=signer_title or issuer.signer_title, name=signer_name),
        recipients=list(issuer.plan_recipients),
    )
    progress(80, "Đang lập phụ lục")
    document.annex = annex.plan_tables(plan)
    document.context = plan_context(document, plan)
    return document
