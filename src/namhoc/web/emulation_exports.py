"""The emulation pages as Excel: the rounds of a school year, and a round's registrations with
their scores — and the council's tally only when the person may read it, as on the page —
built only from what the page selectors return to the person (``web.exports``)."""

from __future__ import annotations

from typing import Any

from namhoc.emulation.selectors import IndexPage, RoundPage, Row
from namhoc.reporting.xlsx import Column, Table

__all__ = ["round_table", "rounds_table"]

_SCORE_NOTE = (
    "Điểm namhoc là bình quân có trọng số của các tiêu chí có số liệu (tiêu chí chưa có số "
    "liệu không tính, không coi là 0), để hội đồng tham khảo; hội đồng bỏ phiếu quyết định."
)


def rounds_table(page: IndexPage) -> Table:
    """The year's rounds the person may read, every row, in the page's order."""
    rounds = list(page.rounds)
    return Table(
        title=f"Các đợt thi đua năm học {page.school_year}",
        sheet="Đợt thi đua",
        lines=[f"Năm học {page.school_year} — {len(rounds)} đợt thi đua."],
        columns=[
            Column("Đơn vị", width=32),
            Column("Đợt", width=50),
            Column("Giai đoạn", width=28),
            Column("Số hồ sơ", "int"),
        ],
        rows=[
            [
                r.unit.name,
                r.title,
                r.get_status_display(),
                r.registration_count,  # type: ignore[attr-defined]  # annotated by the selector
            ]
            for r in rounds
        ],
    )


def _vote_of(row: Row) -> str:
    if row.voted:
        return "Đã bỏ phiếu"
    return "Chưa bỏ phiếu" if row.can_vote else ""


def round_table(page: RoundPage) -> Table:
    """The round's registrations the person may read; the tally's columns only for those the
    page shows it to, the person's own vote only for a council member."""
    found = page.round
    tally = page.can_read_tally
    seat = page.seat is not None
    columns = [
        Column("Tập thể, cá nhân", width=32),
        Column("Đơn vị", width=30),
        Column("Danh hiệu", width=36),
        Column("Trạng thái", width=20),
        Column("Điểm namhoc", "decimal", decimals=1),
    ]
    if tally:
        columns += [
            Column("Phiếu đồng ý", "int"),
            Column("Phiếu không đồng ý", "int"),
            Column("Số thành viên", "int"),
            Column("Kết quả bỏ phiếu", width=30),
        ]
    if seat:
        columns.append(Column("Phiếu của bạn", width=16))
    columns.append(Column("Kết quả", width=22))
    rows: list[list[Any]] = []
    for row in page.rows:
        r = row.registration
        cells: list[Any] = [
            str(r.person) if r.person_id else r.unit.name,
            r.unit.name,
            row.title.name if row.title else r.title,
            r.get_status_display(),
            r.score,
        ]
        if tally:
            t = row.tally
            cells += [t.agree, t.disagree, t.members, t.label] if t else [None] * 4
        if seat:
            cells.append(_vote_of(row))
        cells.append(r.get_result_display() if r.result else "")
        rows.append(cells)
    lines = [f"{found.unit.name} · năm học {found.school_year} · {found.get_status_display()}"]
    if tally:
        lines.append(
            f"Hợp lệ khi ít nhất {found.quorum_percent}% thành viên bỏ phiếu; công nhận khi "
            f"đồng ý trên {found.threshold_percent}% tổng số thành viên hội đồng."
        )
    return Table(
        title=found.title,
        sheet="Hồ sơ đăng ký",
        lines=lines,
        columns=columns,
        rows=rows,
        notes=[_SCORE_NOTE],
    )
