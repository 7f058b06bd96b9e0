"""The inspection record (biên bản kiểm tra) and its conclusion (kết luận kiểm tra) written as
documents in the official layout: the words here, the drawing by ``namhoc.reporting`` (its
:class:`~namhoc.reporting.document.Document` and the built-in Decree 30 layout,
:func:`~namhoc.reporting.builtin.render_builtin`), the issuer's header by
:func:`~namhoc.reporting.issuer.issuer_of` — one layout for every document namhoc drafts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from namhoc.core.formats import format_date
from namhoc.core.text import fold
from namhoc.inspections.models import ChecklistItem, Inspection, InspectionMember, Recommendation
from namhoc.orgunits.selectors import ancestors
from namhoc.reporting.builtin import TEXT_WIDTH_MM, render_builtin
from namhoc.reporting.document import BodyTable, Document, Header, Para, Run, Signature
from namhoc.reporting.issuer import Issuer, issuer_of

__all__ = [
    "NumberedHeader",
    "conclusion_document",
    "conclusion_stem",
    "plain_text",
    "record_document",
    "render",
    "slug",
]


@dataclass(frozen=True)
class NumberedHeader(Header):
    """The layout's header, with the number and the date once the document has them (a draft
    leaves them blank to fill in by hand, as the report drafts do)."""

    number: str = ""
    day: dt.date | None = None

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}" if self.number else super().number_line

    @property
    def place_date(self) -> str:
        if self.day is None:
            return super().place_date
        # Decree 30/2020/NĐ-CP: a leading zero for days below 10 and months below 3
        month = f"{self.day.month:02d}" if self.day.month < 3 else str(self.day.month)
        return f"{self.place}, ngày {self.day.day:02d} tháng {month} năm {self.day.year}"


def _p(text: str, style: str = "body") -> Para:
    return Para(runs=(Run(text),), style=style)


def _kind_word(inspection: Inspection) -> str:
    """ "kiểm tra", "kiểm tra nội bộ", "thanh tra" inside a sentence."""
    return inspection.get_kind_display().lower()


def slug(text: str) -> str:
    """A file name's words: "Kết luận kiểm tra Xã An Lạc" → "ket-luan-kiem-tra-xa-an-lac"."""
    words = "".join(c if c.isalnum() else " " for c in fold(text)).split()
    return "-".join(words)[:80] or "van-ban"


def _team_lines(members: Sequence[InspectionMember]) -> list[Para]:
    if not members:
        return [_p("(Chưa có danh sách thành viên đoàn.)", "placeholder")]
    return [_p(f"- {m.user}, {m.get_role_display().lower()};", "item") for m in members]


def _checklist_table(items: Sequence[ChecklistItem]) -> BodyTable:
    widths = (12.0, 88.0, 30.0, TEXT_WIDTH_MM - 130.0)
    return BodyTable(
        headers=("TT", "Nội dung kiểm tra", "Kết quả", "Ghi chú"),
        rows=tuple(
            (str(n), item.text, item.get_result_display(), item.note)
            for n, item in enumerate(items, start=1)
        ),
        widths_mm=widths,
        numeric=(True, False, False, False),
    )


def _findings(inspection: Inspection) -> list[Para]:
    lines = [line.strip() for line in inspection.findings.splitlines() if line.strip()]
    return [_p(line) for line in lines] or [_p("ghi kết luận của đoàn kiểm tra.", "placeholder")]


def _recommendation_lines(recommendations: Sequence[Recommendation]) -> list[Para]:
    if not recommendations:
        return [_p("Không có kiến nghị.")]
    return [
        Para(
            runs=(
                Run(f"{n}. {r.text} "),
                Run(f"Thời hạn hoàn thành: {format_date(r.deadline)}.", italic=True),
            )
        )
        for n, r in enumerate(recommendations, start=1)
    ]


def _header(
    inspection: Inspection, symbol: str, *, number: str, day: dt.date | None
) -> tuple[Issuer, NumberedHeader]:
    unit = inspection.plan.unit
    issuer = issuer_of(unit, ancestors(unit))
    header = NumberedHeader(
        upper_body=issuer.upper_body,
        issuer=issuer.name,
        symbol=f"{symbol}-{issuer.symbol}",
        place=issuer.place,
        year=(day or inspection.ends_on).year,
        number=number,
        day=day,
    )
    return issuer, header


def record_document(
    inspection: Inspection,
    *,
    members: Sequence[InspectionMember],
    items: Sequence[ChecklistItem],
    recommendations: Sequence[Recommendation],
) -> Document:
    """The record of the inspection (biên bản) as the team signs it on its last day."""
    issuer, header = _header(inspection, "BB", number="", day=None)
    word = _kind_word(inspection)
    lead = next((m for m in members if m.role == InspectionMember.Role.LEAD), None)
    body: list[Para | BodyTable] = [
        _p("I. THÀNH PHẦN", "heading"),
        _p(f"1. Đoàn {word} của {issuer.short}:", "subheading"),
        *_team_lines(members),
        _p(f"2. Đơn vị được {word}: {inspection.unit.name}.", "subheading"),
        _p("II. NỘI DUNG VÀ KẾT QUẢ", "heading"),
        _p(
            f"Từ ngày {format_date(inspection.starts_on)} đến ngày "
            f"{format_date(inspection.ends_on)}, đoàn đã {word} {inspection.subject.rstrip('.')} "
            f"tại {inspection.unit.name}. Kết quả theo từng nội dung:"
        ),
        _checklist_table(items),
        _p("III. NHẬN XÉT, KẾT LUẬN CỦA ĐOÀN", "heading"),
        *_findings(inspection),
        _p("IV. KIẾN NGHỊ", "heading"),
        *_recommendation_lines(recommendations),
    ]
    return Document(
        kind="inspection_record",
        header=header,
        type_name="BIÊN BẢN",
        summary=f"{word.capitalize()} {inspection.subject.rstrip('.')} tại {inspection.unit.name}",
        opening=[
            _p(
                f"Thực hiện Kế hoạch {inspection.plan.title.rstrip('.')} năm học "
                f"{inspection.plan.school_year} của {issuer.short}, đoàn {word} lập biên bản như "
                "sau:"
            )
        ],
        body=body,
        closing=_p(
            "Biên bản được lập thành hai bản, đoàn giữ một bản, đơn vị được "
            f"{word} giữ một bản; các bên đã đọc lại và thống nhất./."
        ),
        notes=[],
        signature=Signature(
            title=f"TRƯỞNG ĐOÀN {word.upper()}",
            name=str(lead.user) if lead is not None else "",
            placeholder="(Ký, ghi rõ họ tên)",
        ),
        recipients=[f"{inspection.unit.name}", "Lưu: hồ sơ kiểm tra"],
        context={"ten_tep": slug(f"bien ban {word} {inspection.unit.name}")},
    )


def conclusion_document(
    inspection: Inspection,
    *,
    items: Sequence[ChecklistItem],
    recommendations: Sequence[Recommendation],
    number: str = "",
    issued_on: dt.date | None = None,
    signer_title: str = "",
    signer_name: str = "",
) -> Document:
    """The conclusion (kết luận) the inspecting unit issues: what was found, what the inspected
    unit must do and by when."""
    issuer, header = _header(inspection, "KL", number=number, day=issued_on)
    word = _kind_word(inspection)
    met = sum(1 for i in items if i.result == ChecklistItem.Result.MET)
    not_met = sum(1 for i in items if i.result == ChecklistItem.Result.NOT_MET)
    body: list[Para | BodyTable] = [
        _p("I. KHÁI QUÁT", "heading"),
        _p(
            f"Từ ngày {format_date(inspection.starts_on)} đến ngày "
            f"{format_date(inspection.ends_on)}, đoàn {word} của {issuer.short} đã {word} "
            f"{inspection.subject.rstrip('.')} tại {inspection.unit.name}."
        ),
        _p("II. KẾT QUẢ", "heading"),
        _p(
            f"Đoàn đã xem xét {len(items)} nội dung: {met} nội dung đạt, {not_met} nội dung "
            "chưa đạt (chi tiết trong bảng)."
        ),
        _checklist_table(items),
        _p("III. KẾT LUẬN", "heading"),
        *_findings(inspection),
        _p("IV. KIẾN NGHỊ", "heading"),
        _p(f"{inspection.unit.name} thực hiện các kiến nghị sau:"),
        *_recommendation_lines(recommendations),
    ]
    return Document(
        kind="inspection_conclusion",
        header=header,
        type_name="KẾT LUẬN",
        summary=f"{word.capitalize()} {inspection.subject.rstrip('.')} tại {inspection.unit.name}",
        opening=[
            _p(
                f"Căn cứ Kế hoạch {inspection.plan.title.rstrip('.')} năm học "
                f"{inspection.plan.school_year} của {issuer.short};"
            ),
            _p(
                f"Căn cứ biên bản {word} ngày {format_date(inspection.ends_on)} tại "
                f"{inspection.unit.name};"
            ),
            _p(f"{issuer.short} kết luận như sau:"),
        ],
        body=body,
        closing=_p(
            f"{inspection.unit.name} báo cáo kết quả thực hiện từng kiến nghị, kèm minh chứng, "
            f"trên namhoc trước thời hạn nêu trên; {issuer.short} theo dõi, xem xét và chấp nhận "
            "báo cáo./."
        ),
        notes=[],
        signature=Signature(title=signer_title or issuer.signer_title, name=signer_name),
        recipients=[f"{inspection.unit.name} (để thực hiện)", "Lưu: VT, hồ sơ kiểm tra"],
        context={"ten_tep": conclusion_stem(inspection)},
    )


def conclusion_stem(inspection: Inspection) -> str:
    """The conclusion's file name without ".docx": "ket-luan-kiem-tra-truong-tieu-hoc-an-lac"."""
    return slug(f"ket luan {_kind_word(inspection)} {inspection.unit.name}")


def render(document: Document) -> bytes:
    """``document`` in the built-in layout, as .docx bytes."""
    return render_builtin(document)


def plain_text(document: Document) -> str:
    """The document's words as plain text (kept as the conclusion's stored text, searchable)."""
    lines = [document.type_name, document.summary, ""]
    for para in document.opening:
        lines.append(para.text)
    for block in document.body:
        if isinstance(block, BodyTable):
            lines += [" | ".join(block.headers), *(" | ".join(row) for row in block.rows)]
        else:
            lines.append(block.text)
    lines.append(document.closing.text)
    return "\n".join(lines)
