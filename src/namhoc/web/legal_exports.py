"""The legal registry pages as Excel: the registry as filtered (every page of it), and the
directives still citing a replaced document — built only from what the page selectors return
to the person (``web.exports``)."""

from __future__ import annotations

from collections.abc import Iterable

from namhoc.directives.selectors.citing import StaleCitations
from namhoc.legal.models import LegalDocument
from namhoc.reporting.xlsx import Column, Table

__all__ = ["registry_table", "stale_table"]

_UNVERIFIED = "chưa xác minh"


def _status(document: LegalDocument) -> str:
    return str(document.get_status_display())


def registry_table(documents: Iterable[LegalDocument], *, search: str, status: str) -> Table:
    """Every registry entry as filtered (no paging), in the page's order."""
    filters = []
    if status in LegalDocument.Status.values:
        filters.append(f"tình trạng “{LegalDocument.Status(status).label}”")
    if search.strip():
        filters.append(f"có “{search.strip()}”")
    rows = [
        [
            d.label,
            d.title,
            d.issuer,
            d.issued_on or _UNVERIFIED,
            _status(d),
            d.replaced_by.number if d.replaced_by else "",
        ]
        for d in documents
    ]
    count = f"{len(rows)} văn bản."
    return Table(
        title="Danh mục văn bản pháp lý",
        sheet="Văn bản pháp lý",
        lines=[f"Đã lọc: {', '.join(filters)} — {count}" if filters else count],
        columns=[
            Column("Số, ký hiệu", width=30),
            Column("Trích yếu", width=60),
            Column("Cơ quan ban hành", width=28),
            Column("Ngày ban hành", "date"),
            Column("Tình trạng", width=20),
            Column("Thay thế bởi", width=24),
        ],
        rows=rows,
    )


def _cited(result: StaleCitations, directive: object) -> str:
    lines = []
    for citation in getattr(directive, "stale_citations", []):
        line = citation.number
        entry = result.entries.get(citation.k)
        if entry is not None:
            line += f" — {_status(entry).lower()}"
            if entry.replaced_by:
                line += f" bởi {entry.replaced_by.number}"
        lines.append(line)
    return "\n".join(lines)


def stale_table(result: StaleCitations) -> Table:
    """Every directive of the unit's subtree still citing a replaced document, page's order."""
    directives = list(result.directives)
    scope = result.unit.name if result.unit else "Bạn chưa thuộc đơn vị nào"
    return Table(
        title="Văn bản còn dẫn văn bản đã bị thay thế",
        sheet="Còn dẫn văn bản cũ",
        lines=[f"{scope} — {len(directives)} văn bản."],
        columns=[
            Column("Văn bản", width=24),
            Column("Trích yếu", width=60),
            Column("Đơn vị ban hành", width=30),
            Column("Ngày", "date"),
            Column("Còn dẫn", width=50),
        ],
        rows=[
            [d.short_label, d.title or "—", d.unit.name, d.issued_on, _cited(result, d)]
            for d in directives
        ],
    )
