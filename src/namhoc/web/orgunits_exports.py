"""The org-unit pages as Excel: the units a person is in charge of, and a unit's children (every
one, as of the day asked), its subtree's counts and its history — from the page selectors of
``namhoc.accounts`` only (``web.exports``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from namhoc.accounts.selectors import UnitPage
from namhoc.core.formats import format_date
from namhoc.reporting.xlsx import Column, Table

__all__ = ["tops_table", "unit_tables"]

_SYNTHETIC = "dữ liệu mô phỏng"


def _marks(unit: Any) -> str:
    """What the page's badges say beside a name."""
    marks = []
    if unit.is_synthetic:
        marks.append(_SYNTHETIC)
    if unit.valid_to:
        marks.append(f"đến {format_date(unit.valid_to)}")
    return "; ".join(marks)


def _level(unit: Any) -> str:
    if unit.school_level:
        private = " (ngoài công lập)" if unit.ownership == "private" else ""
        return f"{unit.get_school_level_display()}{private}"
    return str(unit.kind_label)


def tops_table(units: Iterable[Any]) -> Table:
    """The units a person is in charge of (every one: all pages), with their children counted."""
    rows = [[u.name, u.kind_label, u.n_children, _marks(u)] for u in units]
    return Table(
        title="Đơn vị bạn phụ trách",
        sheet="Đơn vị",
        lines=[f"{len(rows)} đơn vị."],
        columns=[
            Column("Đơn vị", width=40),
            Column("Cấp", width=22),
            Column("Đơn vị trực thuộc", "int"),
            Column("Ghi chú"),
        ],
        rows=rows,
    )


def unit_tables(page: UnitPage) -> list[Table]:
    """A unit's direct children (all of them), the counts of its subtree by level, and its
    history, as of the page's day."""
    unit = page.unit
    day = f" tại ngày {format_date(page.as_of)}" if page.as_of else ""
    scope = [f"{unit.name} ({page.kind_label}) · {page.validity}"]
    if page.as_of and not page.existed and page.counterparts:
        names = ", ".join(u.name for u in page.counterparts)
        scope.append(f"{unit.name} không có vào ngày này; các đơn vị tương ứng khi đó: {names}.")
    children = list(page.children)
    counted = bool(children) and getattr(children[0], "n_children", None) is not None
    tables = [
        Table(
            title=f"Đơn vị trực tiếp của {unit.name}{day}",
            sheet="Đơn vị trực tiếp",
            lines=[*scope, f"{len(children)} đơn vị."],
            columns=[
                Column("Đơn vị", width=40),
                Column("Cấp", width=28),
                *([Column("Trực thuộc", "int")] if counted else []),
                Column("Ghi chú"),
            ],
            rows=[
                [
                    u.name,
                    _level(u),
                    *([getattr(u, "n_children", None)] if counted else []),
                    _marks(u),
                ]
                for u in children
            ],
        ),
        Table(
            title=f"Đơn vị trực thuộc {unit.name} (toàn bộ cây{day})",
            sheet="Số đơn vị",
            lines=scope,
            columns=[Column("Cấp", width=40), Column("Số đơn vị", "int")],
            rows=[[c["label"], c["n"]] for c in page.counts],
        ),
    ]
    if page.history:
        tables.append(
            Table(
                title=f"Lịch sử thay đổi của {unit.name}",
                sheet="Lịch sử",
                lines=scope,
                columns=[
                    Column("Ngày", "date"),
                    Column("Thay đổi", width=30),
                    Column("Đơn vị liên quan", width=50),
                    Column("Căn cứ", width=40),
                ],
                rows=[
                    [e.date, _event(e), _links(links), e.legal_basis] for e, links in page.history
                ],
            )
        )
    return tables


def _event(event: Any) -> str:
    text = str(event.get_kind_display())
    if event.kind == "rename":
        names = event.details.get("name") or ["", ""]
        text += f": {names[0]} → {names[1]}"
    return text


def _links(links: Iterable[Any]) -> str:
    parts = []
    for link in links:
        if link.predecessor_id == link.successor_id:
            continue
        text = f"{link.predecessor.name} → {link.successor.name}"
        if link.share == "part":
            text += " (một phần, kế thừa số liệu)" if link.is_primary else " (một phần)"
        parts.append(text)
    return "; ".join(parts)
