"""The council's results and the award decision (Quyết định khen thưởng) as documents in the
official layout: the words here, the drawing by ``namhoc.reporting``'s built-in Decree 30 layout
(the same one every drafted document uses), the header by ``reporting.issuer.issuer_of``."""

from __future__ import annotations

from collections.abc import Sequence

from namhoc.core.formats import format_date, format_number
from namhoc.emulation.models import CouncilMember, EmulationRound, Registration
from namhoc.emulation.tally import Tally
from namhoc.emulation.titles import all_titles, law_documents, title_by_code
from namhoc.inspections.documents import NumberedHeader, slug
from namhoc.orgunits.selectors import ancestors
from namhoc.reporting.builtin import TEXT_WIDTH_MM, render_builtin
from namhoc.reporting.document import BodyTable, Document, Para, Run, Signature
from namhoc.reporting.issuer import Issuer, issuer_of

__all__ = ["decision_document", "render", "results_document"]


def _p(text: str, style: str = "body") -> Para:
    return Para(runs=(Run(text),), style=style)


def _issuer(emulation_round: EmulationRound) -> Issuer:
    return issuer_of(emulation_round.unit, ancestors(emulation_round.unit))


def _who(registration: Registration) -> str:
    if registration.person_id:
        return f"{registration.person}, {registration.unit.name}"
    return registration.unit.name


def _title_name(registration: Registration) -> str:
    title = title_by_code(registration.title)
    return title.name if title else registration.title


def results_document(
    emulation_round: EmulationRound,
    *,
    rows: Sequence[tuple[Registration, Tally]],
    members: Sequence[CouncilMember],
) -> Document:
    """The council's results: every candidate's votes and what they give."""
    issuer = _issuer(emulation_round)
    year = emulation_round.school_year
    table = BodyTable(
        headers=("TT", "Tập thể, cá nhân", "Danh hiệu", "Đồng ý", "Không đồng ý", "Kết quả"),
        rows=tuple(
            (
                str(n),
                _who(r),
                _title_name(r),
                f"{t.agree}/{t.members}",
                str(t.disagree),
                t.label,
            )
            for n, (r, t) in enumerate(rows, start=1)
        ),
        widths_mm=(10.0, 50.0, 35.0, 20.0, 20.0, TEXT_WIDTH_MM - 135.0),
        numeric=(True, False, False, True, True, False),
    )
    members_lines = [
        _p(f"- {m.user}, {m.get_role_display().lower()};", "item") for m in members
    ] or [_p("(Chưa có danh sách hội đồng.)", "placeholder")]
    chair = next((m for m in members if m.role == CouncilMember.Role.CHAIR), None)
    return Document(
        kind="emulation_results",
        header=NumberedHeader(
            upper_body=issuer.upper_body,
            issuer=issuer.name,
            symbol=f"BB-{issuer.symbol}",
            place=issuer.place,
            year=int(year[5:]) if year[5:].isdigit() else year,
        ),
        type_name="BIÊN BẢN",
        summary=f"Họp Hội đồng Thi đua – Khen thưởng xét danh hiệu thi đua năm học {year}",
        opening=[_p(f"Hội đồng Thi đua – Khen thưởng {issuer.short} gồm:"), *members_lines],
        body=[
            _p("KẾT QUẢ BỎ PHIẾU", "heading"),
            _p(
                f"Phiếu hợp lệ khi ít nhất {emulation_round.quorum_percent}% thành viên hội đồng "
                f"bỏ phiếu; danh hiệu được đề nghị công nhận khi số phiếu đồng ý trên "
                f"{emulation_round.threshold_percent}% tổng số thành viên hội đồng (quy chế của "
                "hội đồng)."
            ),
            table,
        ],
        closing=_p("Biên bản được lập và thông qua tại cuộc họp./."),
        notes=[],
        signature=Signature(
            title="CHỦ TỊCH HỘI ĐỒNG",
            name=str(chair.user) if chair else "",
            placeholder="(Ký, ghi rõ họ tên)",
        ),
        recipients=["Thành viên hội đồng", "Lưu: VT, hồ sơ thi đua"],
        context={"ten_tep": slug(f"bien ban ket qua thi dua {year} {emulation_round.unit.name}")},
    )


def decision_document(
    emulation_round: EmulationRound, *, awarded: Sequence[Registration]
) -> Document:
    """The award decision: Article 1 names every collective and person recognised, title by
    title; the number and date once recorded."""
    issuer = _issuer(emulation_round)
    year = emulation_round.school_year
    body: list[Para | BodyTable] = []
    by_title: dict[str, list[Registration]] = {}
    for registration in awarded:
        by_title.setdefault(registration.title, []).append(registration)
    body.append(
        _p(
            f"Điều 1. Công nhận danh hiệu thi đua năm học {year} cho {format_number(len(awarded))} "
            "tập thể, cá nhân sau:"
        )
    )
    order = [t.code for t in all_titles()]
    for code in sorted(by_title, key=lambda c: order.index(c) if c in order else len(order)):
        title = title_by_code(code)
        body.append(_p(f"Danh hiệu “{title.name if title else code}”:", "subheading"))
        body += [_p(f"- {_who(r)};", "item") for r in by_title[code]]
    if not awarded:
        body.append(_p("(Không có tập thể, cá nhân nào đạt.)", "placeholder"))
    body += [
        _p(
            "Điều 2. Các tập thể, cá nhân có tên tại Điều 1 được hưởng chế độ khen thưởng theo "
            "quy định hiện hành."
        ),
        _p(
            "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Các tập thể, cá nhân có tên tại Điều 1 "
            "và các đơn vị liên quan chịu trách nhiệm thi hành Quyết định này."
        ),
    ]
    decided = emulation_round.status == EmulationRound.Status.DECIDED
    day = emulation_round.decision_date if decided else None
    return Document(
        kind="emulation_decision",
        header=NumberedHeader(
            upper_body=issuer.upper_body,
            issuer=issuer.name,
            symbol=f"QĐ-{issuer.symbol}",
            place=issuer.place,
            year=day.year if day else (int(year[5:]) if year[5:].isdigit() else year),
            number=emulation_round.decision_number if decided else "",
            day=day,
        ),
        type_name="QUYẾT ĐỊNH",
        summary=f"Về việc công nhận danh hiệu thi đua năm học {year}",
        opening=[
            *(_p(f"Căn cứ {document};") for document in law_documents()),
            _p(
                f"Căn cứ kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng {issuer.short}"
                + (f" (kết luận ngày {format_date(day)})" if day else "")
                + ";"
            ),
            _p("QUYẾT ĐỊNH:", "heading"),
        ],
        body=body,
        closing=_p("./."),
        notes=[],
        signature=Signature(title=issuer.signer_title, name=""),
        recipients=["Như Điều 3", "Lưu: VT, hồ sơ thi đua"],
        context={"ten_tep": slug(f"quyet dinh khen thuong {year} {emulation_round.unit.name}")},
    )


def render(document: Document) -> bytes:
    return render_builtin(document)
