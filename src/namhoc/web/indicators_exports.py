"""The figures pages as Excel: the same rows, filters and order the page shows the person
(``web.exports``), built only from the page selector's result.

A figure that is not due yet or not complete is never written as 0: the cell carries the page's
words ("chưa đến kỳ (…)", "chưa đủ số liệu (n/N đơn vị)"); numbers are numbers, percentages
are numbers of percent under a "(%)" heading, and each sheet's notes say how figures are made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from namhoc.core.formats import format_number
from namhoc.indicators.dashboards import Cell, ScoreRow
from namhoc.indicators.selectors import (
    DashboardPage,
    EntryPage,
    ScorecardPage,
    TargetsPage,
)
from namhoc.reporting.xlsx import Column, Table

__all__ = ["dashboard_tables", "entry_tables", "scorecard_tables", "targets_tables"]

MAX_PLACES = 4

_INHERITED = "kế thừa chỉ tiêu cấp trên"
_VALUES_NOTE = (
    "Giá trị mọi cấp được tính từ tổng tử số và tổng mẫu số của các đơn vị bên dưới (không lấy "
    "trung bình các tỷ lệ), cập nhật ngay khi số liệu được lưu. Số liệu chưa đến kỳ hoặc chưa đủ "
    "đơn vị báo cáo không được tính là 0 và không so với chỉ tiêu."
)
_ATTAINED_NOTE = (
    "Cột “Đạt”: giá trị so với chỉ tiêu giao (tối đa 100%; chỉ tiêu “càng thấp càng tốt” tính "
    "ngược). Màu trên trang: xanh — từ ngưỡng xanh của chỉ tiêu (mặc định 100%); vàng — từ "
    "ngưỡng vàng (mặc định 90%); đỏ — dưới ngưỡng vàng."
)
_COVERAGE_NOTE = (
    "Tổng của một cấp là tổng số liệu của mọi đơn vị bên dưới. “Chưa đủ số liệu (n/N đơn vị)”: "
    "n đơn vị đã báo cáo trên N đơn vị phải báo cáo (tính theo chỉ số được báo cáo ít nhất "
    "trong công thức). “Chưa đến kỳ”: số liệu của chỉ tiêu được thu ở kỳ sau (ví dụ tỷ lệ tốt "
    "nghiệp thu ở kỳ cuối năm) hoặc chưa tới ngày chốt số liệu."
)
_STALE = (
    "Cây đơn vị vừa thay đổi; số liệu tổng hợp đang được tính lại: các số tổng hợp có thể chưa "
    "tính theo cây đơn vị mới."
)
_DASHBOARD_SORTS = {
    "ten": "Đơn vị",
    "gia_tri": "Giá trị",
    "chi_tieu": "Chỉ tiêu giao",
    "dat": "Đạt",
    "so_lieu": "Số liệu",
}
_SCORECARD_SORTS = {
    "hang": "Hạng",
    "ten": "Đơn vị",
    "diem": "Điểm",
    "dat": "Đạt chỉ tiêu",
    "dung_han": "Đúng hạn",
    "so_lieu": "Số liệu",
}


def places(values: Iterable[Any], *, at_least: int = 0) -> int:
    """The decimals that show every one of ``values`` whole (at most ``MAX_PLACES``):
    ``1.000`` → 0, ``97,5`` → 1 — a column of targets reads like the page."""
    found = at_least
    for value in values:
        if isinstance(value, Decimal) and value.is_finite():
            exponent = value.normalize().as_tuple().exponent
            if isinstance(exponent, int) and exponent < 0:
                found = max(found, -exponent)
    return min(found, MAX_PLACES)


def _stale(lines: list[str], stale: bool) -> list[str]:
    return [*lines, _STALE] if stale else lines


def _listing_line(
    listing: Any, kinds: Sequence[tuple[str, str, int]], sorts: dict[str, str], shown: int, of: int
) -> list[str]:
    """What the page's filter and sort say, in words ("Đã lọc: …; sắp xếp theo …")."""
    lines = []
    filters = []
    if listing.kind:
        label = next((label for key, label, _ in kinds if key == listing.kind), listing.kind)
        filters.append(f"loại đơn vị {label}")
    if listing.search:
        filters.append(f"tên có “{listing.search}”")
    if filters:
        lines.append(f"Đã lọc: {', '.join(filters)} — {shown} trong {of} đơn vị trực thuộc.")
    way = "giảm dần" if listing.direction == "desc" else "tăng dần"
    lines.append(f"Sắp xếp theo cột “{sorts.get(listing.sort, listing.sort)}”, {way}.")
    return lines


# --- the dashboard ----------------------------------------------------------------------------


def _value(cell: Cell) -> Any:
    """The figure the page shows, or its words where there is none ("chưa đến kỳ (…)")."""
    if cell.shown is not None:
        return cell.shown
    return cell.coverage.label or "—"


def _attained(cell: Cell) -> Any:
    return cell.attained if cell.attained is not None else "—"


def _target(cell: Cell) -> Any:
    return cell.target if cell.target is not None else "—"


def _summary_line(page: DashboardPage) -> str:
    s = page.board.summary
    return (
        f"Chỉ tiêu đạt (xanh): {s.good} · gần đạt (vàng): {s.warn} · chưa đạt (đỏ): {s.bad} · "
        f"có số liệu, chưa có chỉ tiêu giao: {s.no_target} · chưa đủ số liệu: {s.incomplete} · "
        f"chưa đến kỳ / không báo cáo kỳ này: {s.not_due}"
    )


def dashboard_tables(page: DashboardPage) -> list[Table]:
    """The indicators at the unit (with their trend by school year), the focus indicator by
    child unit as filtered and sorted on the page, and how each indicator is computed."""
    unit, period, board = page.unit, page.period, page.board
    scope = f"{unit.name} · {period.name}"
    rows = board.rows
    trend_periods = list(board.trend_periods)
    cells = [r.cell for r in rows]
    trend_places = places(value.value for r in rows for _, value in r.trend)
    tables = [
        Table(
            title=f"Bảng chỉ tiêu — {unit.name}",
            sheet="Các chỉ tiêu",
            lines=_stale([scope, _summary_line(page)], page.rollups_stale),
            columns=[
                Column("Chỉ tiêu", width=50),
                Column("Giá trị", "decimal", decimals=places(c.shown for c in cells)),
                Column("Đơn vị tính"),
                Column("Chỉ tiêu giao", "decimal", decimals=places(c.target for c in cells)),
                Column("Đạt (%)", "percent"),
                Column("Số liệu", width=34),
                Column("Ghi chú", width=26),
                *[
                    Column(f"Xu hướng {p.school_year}", "decimal", decimals=trend_places)
                    for p in trend_periods
                ],
            ],
            rows=[
                [
                    r.indicator.name,
                    _value(r.cell),
                    r.indicator.unit_label,
                    _target(r.cell),
                    _attained(r.cell),
                    r.cell.coverage.label or "đủ",
                    _INHERITED if r.cell.inherited else "",
                    *[value.value for _, value in r.trend],
                ]
                for r in rows
            ],
            notes=[
                _VALUES_NOTE,
                _ATTAINED_NOTE,
                "Các cột “Xu hướng”: giá trị của chỉ tiêu ở cùng loại kỳ "
                f"({period.get_kind_display().lower()}) qua các năm học.",
            ],
        )
    ]
    focus = page.focus_row
    if board.breakdown and focus is not None:
        indicator = focus.indicator
        lines = [scope]
        lines += _listing_line(
            page.listing, page.kinds, _DASHBOARD_SORTS, len(page.children), len(board.breakdown)
        )
        tables.append(
            Table(
                title=f"{indicator.name} theo đơn vị trực thuộc — {unit.name}",
                sheet="Theo đơn vị trực thuộc",
                lines=_stale(lines, page.rollups_stale),
                columns=[
                    Column("Đơn vị", width=40),
                    Column(
                        f"Giá trị ({indicator.unit_label})" if indicator.unit_label else "Giá trị",
                        "decimal",
                        decimals=indicator.decimals,
                    ),
                    Column(
                        "Chỉ tiêu giao",
                        "decimal",
                        decimals=places(c.target for _, c in page.children),
                    ),
                    Column("Đạt (%)", "percent"),
                    Column("Số liệu", width=34),
                    Column("Ghi chú", width=26),
                ],
                rows=[
                    [
                        child.name,
                        _value(cell),
                        _target(cell),
                        _attained(cell),
                        cell.coverage.label
                        or f"đủ ({cell.coverage.reported}/{cell.coverage.expected} đơn vị)",
                        _INHERITED if cell.inherited else "",
                    ]
                    for child, cell in page.children
                ],
                notes=[_VALUES_NOTE, _ATTAINED_NOTE],
            )
        )
    tables.append(
        Table(
            title="Cách tính các chỉ tiêu",
            sheet="Cách tính",
            columns=[
                Column("Chỉ tiêu", width=50),
                Column("Đơn vị tính"),
                Column("Cách tính", width=60),
            ],
            rows=[[i.name, i.unit_label, text] for i, text in page.formulas],
            notes=[_COVERAGE_NOTE],
        )
    )
    return tables


# --- the scorecard ----------------------------------------------------------------------------


def _score_cell(cell: Cell) -> Any:
    """A child's figure in the scorecard: the number when complete; with its words when only
    part of the units reported (never compared or ranked); the words alone when none is due."""
    if cell.shown is not None and cell.coverage.status == "partial":
        return f"{format_number(cell.shown, cell.indicator.decimals)} ({cell.coverage.label})"
    if cell.shown is not None:
        return cell.shown
    return cell.coverage.label or "—"


def _score_row(row: ScoreRow, shown_ids: list[int]) -> list[Any]:
    by_indicator = {c.indicator.pk: c for c in row.cells}
    return [
        row.rank or "—",
        row.unit.name,
        row.score if row.score is not None else "—",
        row.attainment if row.attainment is not None else "—",
        row.on_time * 100 if row.on_time is not None else "—",
        row.coverage_label,
        *[_score_cell(by_indicator[pk]) for pk in shown_ids],
    ]


def scorecard_tables(page: ScorecardPage) -> list[Table]:
    """One sheet per group of like units (each ranked on its own), as filtered and sorted on
    the page, with the weights used."""
    card = page.card
    weights = card.weights
    formula = (
        f"Điểm = {format_number(weights['attainment'])} × mức đạt chỉ tiêu bình quân + "
        f"{format_number(weights['on_time'])} × tỷ lệ nhiệm vụ hoàn thành đúng hạn, chia cho "
        "tổng trọng số có dữ liệu."
    )
    tracking = (
        "Đơn vị chưa có nhiệm vụ đến hạn (—) được tính theo mức đạt chỉ tiêu, trọng số được chia "
        "lại."
        if card.tracking_available
        else "Chưa có dữ liệu theo dõi nhiệm vụ: điểm chỉ tính theo mức đạt chỉ tiêu."
    )
    notes = [
        formula,
        tracking,
        "Mức đạt chỉ tiêu bình quân = trung bình mức đạt (mỗi chỉ tiêu tối đa 100%) của các chỉ "
        "tiêu đơn vị có đủ số liệu và có chỉ tiêu giao; chỉ tiêu chưa đến kỳ hoặc chưa đủ số liệu "
        "không được tính (không coi là 0). Cột “Số liệu”: số chỉ tiêu được tính trên số chỉ tiêu "
        "có chỉ tiêu giao mà đơn vị phải báo cáo. Mỗi loại đơn vị được xếp hạng riêng.",
        "Chỉ hiện các chỉ tiêu đã được giao cho đơn vị trực thuộc (hoặc kế thừa từ cấp trên).",
    ]
    scope = f"{page.unit.name} · {page.period.name}"
    shown_ids = [i.pk for i in page.shown]
    columns = [
        Column("Hạng", "int"),
        Column("Đơn vị", width=40),
        Column("Điểm", "decimal"),
        Column("Đạt chỉ tiêu (%)", "percent"),
        Column("Đúng hạn (%)", "percent", decimals=0),
        Column("Số liệu"),
        *[
            Column(
                f"{i.name} ({i.unit_label})" if i.unit_label else i.name,
                "decimal",
                decimals=i.decimals,
                width=18,
            )
            for i in page.shown
        ],
    ]
    total = sum(len(g.rows) for g in card.groups)
    shown = sum(len(g.rows) for g in page.groups)
    lines = _listing_line(page.listing, page.kinds, _SCORECARD_SORTS, shown, total)
    if not page.groups:
        return [
            Table(
                title=f"Xếp hạng đơn vị trực thuộc {page.unit.name}",
                sheet="Xếp hạng",
                lines=_stale(
                    [scope, *lines, "Không có đơn vị trực thuộc nào khớp bộ lọc."],
                    page.rollups_stale,
                ),
                columns=columns,
                rows=[],
                notes=notes,
            )
        ]
    return [
        Table(
            title=f"Xếp hạng đơn vị trực thuộc {page.unit.name} — {group.label}",
            sheet=group.label,
            lines=_stale([scope, *lines], page.rollups_stale),
            columns=columns,
            rows=[_score_row(row, shown_ids) for row in group.rows],
            notes=notes,
        )
        for group in page.groups
    ]


# --- targets ----------------------------------------------------------------------------------


def targets_tables(page: TargetsPage) -> list[Table]:
    """The unit's targets for the school year; with an indicator chosen and the right to
    allocate it, its allocation to the child units (as the page's form shows it)."""
    scope = f"{page.unit.name} · năm học {page.school_year}"
    tables = [
        Table(
            title=f"Chỉ tiêu giao năm học {page.school_year} — {page.unit.name}",
            sheet="Chỉ tiêu giao",
            lines=[scope],
            columns=[
                Column("Chỉ tiêu", width=50),
                Column("Đơn vị tính"),
                Column(
                    "Chỉ tiêu giao",
                    "decimal",
                    decimals=places(t.value for _, t, _ in page.rows if t is not None),
                ),
                Column("Văn bản giao", width=30),
                Column("Ghi chú"),
            ],
            rows=[
                [
                    indicator.name,
                    indicator.unit_label,
                    target.value if target is not None else "—",
                    target.source if target is not None else "",
                    "cấp trên phân bổ" if target is not None and target.allocated_from_id else "",
                ]
                for indicator, target, _ in page.rows
            ],
        )
    ]
    focus, own = page.focus, page.focus_target
    if focus is not None and own is not None and page.can_allocate:
        label = f" {focus.unit_label}" if focus.unit_label else ""
        tables.append(
            Table(
                title=f"Phân bổ “{focus.name}” cho đơn vị trực thuộc",
                sheet="Phân bổ",
                lines=[scope, f"Chỉ tiêu của {page.unit.name}: {format_number(own.value)}{label}."],
                columns=[
                    Column("Đơn vị", width=40),
                    Column(
                        "Chỉ tiêu",
                        "decimal",
                        decimals=places(v for _, v in page.allocation),
                    ),
                ],
                rows=[
                    [child, value if value is not None else "chưa phân bổ"]
                    for child, value in ((c.name, v) for c, v in page.allocation)
                ],
                notes=[
                    "Tổng chỉ tiêu phân bổ phải bằng chỉ tiêu của đơn vị."
                    if focus.is_additive
                    else "Chỉ tiêu tỷ lệ: namhoc cảnh báo nếu chỉ tiêu các đơn vị, tính theo quy "
                    "mô, chưa đạt chỉ tiêu chung."
                ],
            )
        )
    return tables


# --- data entry -------------------------------------------------------------------------------


def _lock_line(page: EntryPage) -> list[str]:
    if page.approval is not None:
        return [
            f"{page.unit.name} đã phê duyệt ngày "
            f"{timezone.localtime(page.approval.approved_at):%d/%m/%Y}."
        ]
    if page.lock is not None:
        return [
            f"Số liệu đã được {page.lock.unit.name} phê duyệt ngày "
            f"{timezone.localtime(page.lock.approved_at):%d/%m/%Y}."
        ]
    return []


def entry_tables(page: EntryPage) -> list[Table]:
    """A reporting unit's figures of the form (element names, units, values); a unit above:
    its children's completeness and approval, and its rolled-up totals; the approval history."""
    scope = f"{page.unit.name} · {page.period.name} · {page.data_set.name}"
    lines = _stale([scope, *_lock_line(page)], page.rollups_stale)
    tables: list[Table] = []
    if page.form is not None:
        fields = page.form.fields
        filled = f"Đã nhập {page.form.filled}/{page.form.required} số liệu bắt buộc."
        tables.append(
            Table(
                title=f"{page.data_set.name} — {page.unit.name}",
                sheet="Số liệu",
                lines=[*lines, filled] if page.collected else lines,
                columns=[
                    Column("Mục", width=30),
                    Column("Chỉ số", width=50),
                    Column("Đơn vị tính"),
                    Column("Số liệu", "decimal", decimals=places(f.value for f in fields)),
                    Column("Bắt buộc"),
                ],
                rows=[
                    [
                        f.member.section,
                        f.element.name,
                        f.element.unit_label,
                        f.value if f.value is not None else "chưa nhập",
                        "có" if f.member.required else "",
                    ]
                    for f in fields
                ],
            )
        )
    else:
        tables.append(
            Table(
                title=f"Tình hình nộp số liệu — {page.data_set.name}",
                sheet="Tình hình nộp",
                lines=lines,
                columns=[
                    Column("Đơn vị", width=40),
                    Column("Tình trạng"),
                    Column("Số liệu đã nhập", "int"),
                    Column("Số liệu bắt buộc", "int"),
                    Column("Số đơn vị báo cáo", "int"),
                ],
                rows=[
                    [
                        r.unit.name,
                        _status(r),
                        r.filled if r.reports else None,
                        r.required if r.reports else None,
                        None if r.reports else r.below,
                    ]
                    for r in page.rows
                ],
                notes=[
                    "Đơn vị tự báo cáo biểu: số liệu bắt buộc đã nhập trên số phải nhập. Đơn vị "
                    "cấp trên: số đơn vị báo cáo bên dưới và việc phê duyệt."
                ],
            )
        )
        totals = [(m, t) for m, t in page.totals]
        tables.append(
            Table(
                title=f"Số liệu tổng hợp của {page.unit.name}",
                sheet="Tổng hợp",
                lines=lines,
                columns=[
                    Column("Chỉ số", width=50),
                    Column("Đơn vị tính"),
                    Column("Tổng", "decimal", decimals=places(t[0] for _, t in totals if t)),
                    Column("Số đơn vị báo cáo", "int"),
                ],
                rows=[
                    [
                        m.element.name,
                        m.element.unit_label,
                        t[0] if t is not None else "chưa có số liệu",
                        t[1] if t is not None else 0,
                    ]
                    for m, t in totals
                ],
                notes=[
                    "Tổng: cộng số liệu của mọi đơn vị bên dưới đã báo cáo (không tính đơn vị "
                    "chưa báo cáo là 0)."
                ],
            )
        )
    if page.history:
        tables.append(
            Table(
                title=f"Lịch sử phê duyệt — {page.unit.name}",
                sheet="Lịch sử phê duyệt",
                lines=[scope],
                columns=[
                    Column("Ngày", "date"),
                    Column("Giờ"),
                    Column("Việc"),
                    Column("Người thực hiện", width=30),
                    Column("Lý do", width=50),
                ],
                rows=[
                    [
                        timezone.localtime(e.at).date(),
                        f"{timezone.localtime(e.at):%H:%M}",
                        e.get_kind_display(),
                        str(e.actor) if e.actor else "namhoc",
                        e.reason,
                    ]
                    for e in page.history
                ],
            )
        )
    return tables


def _status(row: Any) -> str:
    if row.reports:
        return "Đủ số liệu" if row.complete else "Chưa đủ"
    return "Đã phê duyệt" if row.approved else "Chưa phê duyệt"
