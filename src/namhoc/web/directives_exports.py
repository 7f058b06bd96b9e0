"""The directives pages as Excel: the list (as filtered, every page of it), who below implements
a directive (coverage), the links of its tasks to the upper tasks, and a directive's tasks,
citations and targets — built only from what the page selectors return to the person
(``web.exports``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from namhoc.core.formats import format_number
from namhoc.directives.models import Directive
from namhoc.directives.selectors import Coverage, LinksPage, ReviewPage
from namhoc.reporting.xlsx import Column, Table
from namhoc.web.indicators_exports import places

__all__ = ["coverage_tables", "directive_list_table", "links_table", "review_tables"]

_COVERED = "✔"


def directive_list_table(
    directives: Iterable[Directive], *, year: str, status: str, search: str
) -> Table:
    """Every directive of the list as filtered (no paging), in the page's order."""
    filters = []
    if year:
        filters.append(f"năm học {year}")
    if status:
        filters.append(f"trạng thái “{Directive.Status(status).label}”")
    if search:
        filters.append(f"có “{search}”")
    rows = [
        [
            d.number or "(chưa có số)",
            d.revision,
            d.doc_type,
            d.title or "—",
            d.unit.name,
            d.issued_on,
            d.school_year or "—",
            d.task_count,  # type: ignore[attr-defined]  # annotated by the selector
            d.get_status_display(),
        ]
        for d in directives
    ]
    return Table(
        title="Văn bản chỉ đạo",
        sheet="Văn bản",
        lines=[
            f"Đã lọc: {', '.join(filters)} — {len(rows)} văn bản."
            if filters
            else f"{len(rows)} văn bản."
        ],
        columns=[
            Column("Số, ký hiệu", width=22),
            Column("Bản", "int"),
            Column("Loại văn bản", width=14),
            Column("Trích yếu", width=60),
            Column("Đơn vị", width=30),
            Column("Ngày ban hành", "date"),
            Column("Năm học"),
            Column("Nhiệm vụ", "int"),
            Column("Trạng thái", width=16),
        ],
        rows=rows,
    )


def _implementing(row: Any) -> str:
    if not row.directives:
        return "Chưa ban hành"
    return "\n".join(
        d.short_label + (f" · {d.unit.name}" if d.unit_id != row.unit.pk else "")
        for d in row.directives
    )


def coverage_tables(report: Coverage) -> list[Table]:
    """Per unit below the issuer (those the person sees): its implementing directives and which
    upper tasks they cover; per upper task: how many units implement it."""
    upper = report.upper
    tasks = report.upper_tasks
    scope = f"{upper.display_title} ({upper.unit.name})"
    covering = {t.pk: sum(1 for row in report.units if t.pk in row.covered) for t in tasks}
    task_note = (
        f"{_COVERED}: đơn vị có văn bản triển khai đã ban hành, có liên kết đã xác nhận với nhiệm "
        "vụ cấp trên (tính cả văn bản của các đơn vị bên dưới đơn vị đó)."
    )
    return [
        Table(
            title=f"Cấp dưới thực hiện {upper.short_label}",
            sheet="Theo đơn vị",
            lines=[scope],
            columns=[
                Column("Đơn vị", width=34),
                Column("Văn bản triển khai", width=34),
                Column("Số nhiệm vụ thực hiện", "int"),
                *[Column(f"{t.label or n}", width=6) for n, t in enumerate(tasks, start=1)],
            ],
            rows=[
                [
                    row.unit.name,
                    _implementing(row),
                    len(row.covered),
                    *[_COVERED if t.pk in row.covered else "" for t in tasks],
                ]
                for row in report.units
            ],
            notes=[
                task_note,
                "Các cột số là số hiệu nhiệm vụ của văn bản cấp trên; tên từng nhiệm vụ ở trang "
                "“Theo nhiệm vụ”.",
            ],
        ),
        Table(
            title=f"Nhiệm vụ của {upper.short_label} và số đơn vị thực hiện",
            sheet="Theo nhiệm vụ",
            lines=[scope],
            columns=[
                Column("Nhiệm vụ"),
                Column("Tên nhiệm vụ", width=60),
                Column("Số đơn vị thực hiện", "int"),
                Column("Ghi chú", width=30),
            ],
            rows=[
                [
                    t.label or str(n),
                    t.title,
                    covering[t.pk],
                    "" if covering[t.pk] else "Chưa đơn vị nào triển khai",
                ]
                for n, t in enumerate(tasks, start=1)
            ],
            notes=[
                f"Đơn vị chưa ban hành văn bản triển khai: {len(report.silent_units)} trong "
                f"{len(report.units)} đơn vị."
            ],
        ),
    ]


def links_table(page: LinksPage) -> Table:
    """Each task with its proposed, confirmed or rejected upper tasks, as the links page lists
    them (a task without any: one row saying so)."""
    directive, upper = page.directive, page.upper
    lines = [str(directive.display_title)]
    lines.append(
        f"Thực hiện {upper.display_title} ({upper.unit.name})"
        if upper is not None
        else "Chưa chọn văn bản cấp trên."
    )
    rows: list[list[Any]] = []
    for item in page.tasks if upper is not None else []:
        task = item.task
        name = f"{task.label} {task.title}".strip()
        if not item.rows:
            rows.append([name, "Chưa có liên kết.", "", None, "", ""])
        for row in item.rows:
            link = row.link
            rows.append(
                [
                    name,
                    f"{link.upper_task.label} {link.upper_task.title}".strip(),
                    row.label,
                    link.rank,
                    link.get_status_display(),
                    ", ".join(row.shared),
                ]
            )
    return Table(
        title="Liên kết với văn bản cấp trên",
        sheet="Liên kết",
        lines=lines,
        columns=[
            Column("Nhiệm vụ", width=50),
            Column("Nhiệm vụ cấp trên", width=50),
            Column("Mức khớp"),
            Column("Đề xuất thứ", "int"),
            Column("Trạng thái"),
            Column("Từ chung", width=30),
        ],
        rows=rows,
        notes=[f"{label}: {meaning}." for _, label, meaning in page.levels],
    )


def review_tables(page: ReviewPage) -> list[Table]:
    """A directive's key tasks (with their targets, lead and support units and the upper tasks
    they carry out), its citations and its targets, as its page shows them."""
    directive = page.directive
    scope = [
        str(directive.display_title),
        f"{directive.unit.name} · {directive.get_status_display()}"
        + (f" · năm học {directive.school_year}" if directive.school_year else ""),
    ]
    tasks = [
        [
            task.label,
            task.title,
            "; ".join(f"{format_number(t.value)}{t.unit_label}" for t in task.targets.all()),
            "; ".join(", ".join(h.lead) for h in task.assignment_hints.all() if h.lead),
            "; ".join(", ".join(h.support) for h in task.assignment_hints.all() if h.support),
            "\n".join(
                f"{link.upper_task.label} {link.upper_task.title}".strip()
                for link in task.upper_links.all()
                if link.status == "confirmed"
            ),
        ]
        for task in page.tasks
    ]
    citations = list(directive.citations.all())
    targets = list(directive.targets.all())
    return [
        Table(
            title=f"Nhiệm vụ trọng tâm — {directive.short_label}",
            sheet="Nhiệm vụ",
            lines=scope,
            columns=[
                Column("Số hiệu"),
                Column("Nhiệm vụ", width=60),
                Column("Chỉ tiêu", width=20),
                Column("Chủ trì", width=24),
                Column("Phối hợp", width=24),
                Column("Thực hiện nhiệm vụ cấp trên", width=40),
            ],
            rows=tasks,
        ),
        Table(
            title=f"Văn bản được dẫn — {directive.short_label}",
            sheet="Văn bản được dẫn",
            lines=scope,
            columns=[
                Column("Loại văn bản", width=18),
                Column("Số, ký hiệu", width=24),
                Column("Ngày", "date"),
            ],
            rows=[[c.doc_type, c.number, c.issued_on] for c in citations],
        ),
        Table(
            title=f"Chỉ tiêu — {directive.short_label}",
            sheet="Chỉ tiêu",
            lines=scope,
            columns=[
                Column("Câu nêu chỉ tiêu", width=60),
                Column("Chỉ tiêu", "decimal", decimals=places(t.value for t in targets)),
                Column("Đơn vị tính"),
                Column("Nhiệm vụ"),
            ],
            rows=[
                [t.sentence, t.value, t.unit_label, t.task.label if t.task else ""] for t in targets
            ],
        ),
    ]
