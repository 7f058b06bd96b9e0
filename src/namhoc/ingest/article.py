"""A news article about a document: which document it reports on."""

from __future__ import annotations

import re

from namhoc.ingest.citations import CITATION, find_citations
from namhoc.ingest.dates import find_dates
from namhoc.ingest.lines import Line
from namhoc.ingest.model import DocumentInfo, SubjectDocument

_I = re.IGNORECASE
SUBJECT = re.compile(
    r"(?P<issuer>(?:Chủ tịch|Ủy ban nhân dân|UBND|Bộ trưởng|Bộ |Sở |Phòng |Thủ tướng|"
    r"Ban Thường vụ|Ban Chấp hành|Tỉnh ủy|Huyện ủy|Hội đồng nhân dân|HĐND|Chính phủ)"
    r"[^.;:\n\"“”]{0,60}?)\s+(?:vừa\s+|đã\s+|mới\s+)?(?:ký\s+)?(?:ban hành|có|ký)\s+"
    r"(?P<type>Chỉ thị|Kế hoạch|Quyết định|Công văn|Hướng dẫn|Nghị quyết|Thông tư|Nghị định|"
    r"Thông báo|Công điện)(?![\w])",
    _I,
)


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ;,.")


def _capitalized(name: str) -> str:
    return name[0].upper() + name[1:].lower() if name.isupper() else name


def read_article(text: str, head: list[Line], body_start: int, body_end: int) -> DocumentInfo:
    info = DocumentInfo(kind="article")
    if head:
        first = head[0].stripped
        if len(first.split()) <= 40:
            info.title = _clean(first) if not first.endswith("?") else first
    info.subject = find_subject(text, body_start, min(body_end, body_start + 4000))
    return info


def find_subject(text: str, start: int, end: int) -> SubjectDocument | None:
    """The document a news article reports on: "Chủ tịch UBND tỉnh X ban hành Chỉ thị ..."."""
    best: SubjectDocument | None = None
    for match in SUBJECT.finditer(text, start, end):
        issuer = _clean(match["issuer"])
        doc_type = _capitalized(match["type"])
        doc_type = doc_type[0].upper() + doc_type[1:].lower()
        number = None
        after = re.compile(r"\s+(?:số\s+)?").match(text, match.end())
        if after:
            cited = CITATION.match(text, after.end())
            if cited:
                found = find_citations(text, cited.start(), cited.end())
                number = found[-1].canonical if found else None
        date = None
        sentence_start = max(
            text.rfind(".", start, match.start()), text.rfind("\n", start, match.start()), start
        )
        dates = find_dates(text, sentence_start, match.start())
        if dates and match.start() - dates[-1][2] < 40:
            date = dates[-1][0]
        else:
            later = find_dates(text, match.end(), min(end, match.end() + 60))
            if later and re.match(r"[^.;\n]*ngày\s*$", text[match.end() : later[0][1]]):
                date = later[0][0]
        candidate = SubjectDocument(doc_type, issuer, number, date, match.start(), match.end())
        if best is None:
            best = candidate
            continue
        if candidate.doc_type == best.doc_type:
            if (
                len(candidate.issuer or "") > len(best.issuer or "")
                and (best.issuer or "").split()[-1:] == (candidate.issuer or "").split()[-1:]
            ) or (
                len(candidate.issuer or "") > len(best.issuer or "")
                and (best.issuer or "") in (candidate.issuer or "")
            ):
                best.issuer = candidate.issuer
            best.number = best.number or candidate.number
            best.date = best.date or candidate.date
    return best
