"""The document's own particulars: issuer, type, number, place and date, title, addressees, signer.

Two shapes are handled: the text of an administrative document (the header block of Nghị định
30/2020/NĐ-CP: issuer, "Số:", national motto, "Place, ngày ... tháng ... năm ...", type and
title or "V/v", "Kính gửi") and a news article about a document, where the issuer and type are
read from the article's sentences and reported as ``subject``.
"""

from __future__ import annotations

import re

from namhoc.ingest.citations import CITATION, find_citations
from namhoc.ingest.codes import doc_type_by_name, doc_types
from namhoc.ingest.dates import find_dates, make_date
from namhoc.ingest.lines import Line, is_upper_line, split_lines
from namhoc.ingest.model import DocumentInfo, Signer, SubjectDocument

_I = re.IGNORECASE
MOTTO = re.compile(
    r"CỘNG\s*HÒA\s*XÃ\s*HỘI\s*CHỦ\s*NGHĨA\s*VIỆT\s*NAM|ĐẢNG\s*CỘNG\s*SẢN\s*VIỆT\s*NAM|"
    r"Độc\s*lập\s*-\s*Tự\s*do\s*-\s*Hạnh\s*phúc",
    _I,
)
_SYM = r"/\s*(?:(?:19|20)\d\d\s*/\s*)?[A-ZĐ][\w&]*(?:\s?[-/]\s?[A-ZĐ][\w&]*){0,5}"
NUMBER_LINE = re.compile(r"^\s*Số\s*:?\s*(?P<num>\d{1,5})?\s*(?P<sym>" + _SYM + r")?")
SYMBOL_ONLY = re.compile(r"^\s*(?P<sym>" + _SYM + r")")
PLACE_DATE = re.compile(
    r"(?P<place>(?:[A-ZĐÂĂÊÔƠƯ][\w.]*\s+){0,4}[A-ZĐÂĂÊÔƠƯ][\w.]*)\s*,\s*ngày\s*(?P<d>\d{1,2})?"
    r"[\s.…]*tháng\s*(?P<m>\d{1,2})?[\s.…]*năm\s*(?P<y>\d{4})"
)
VV = re.compile(r"^\s*V/v\s*:?\s*", _I)
ADDRESSEE = re.compile(r"^\s*Kính\s+gửi\s*:?\s*", _I)
_TYPE_NAMES = sorted(doc_type_by_name(), key=len, reverse=True)
TYPE_LINE = re.compile(r"^\s*(?:" + "|".join(re.escape(n.upper()) for n in _TYPE_NAMES) + r")\s*$")
_TITLE_STOP = re.compile(
    r"^\s*(?:Căn cứ|Thực hiện|Kính gửi|Theo|Nhằm|Để|Trên cơ sở|Triển khai|Tiếp tục|_{3,}|"
    r"[IVX]+\.|\d+\.|[-+•]|Điều\s+\d|Chương\s+[IVX\d]|Phần\s)",
    _I,
)
SIGNER_ROLE = re.compile(
    r"^\s*[\w .]{0,40}?(?:TRƯỞNG PHÒNG|GIÁM ĐỐC|CHỦ TỊCH|"
    r"HIỆU TRƯỞNG|BỘ TRƯỞNG|THỨ TRƯỞNG|BÍ THƯ|THỦ TƯỚNG|TRƯỞNG BAN|CHÁNH VĂN PHÒNG|"
    r"ỦY BAN NHÂN DÂN|BAN THƯỜNG VỤ|CHÁNH THANH TRA|TỔNG BIÊN TẬP|TRƯỞNG)\s*$"
)
SIGNED = re.compile(r"^\s*\(?\s*(?:đã ký|Đã ký|ký|Ký)[^)]*\)?\s*$")
NAME = re.compile(r"^\s*(?:[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*\s+){1,4}[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*\s*$")
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


def parse_header(
    text: str, body_start: int, body_end: int
) -> tuple[DocumentInfo, tuple[int, int] | None, list[str]]:
    """The document's particulars, the span of its own number (not a citation), and warnings."""
    lines = list(split_lines(text, body_start, body_end))
    head = [ln for ln in lines[:60] if not ln.blank][:25]
    warnings: list[str] = []
    formal = any(MOTTO.search(ln.text) or NUMBER_LINE.match(ln.text) for ln in head[:15])
    if formal:
        info, own = _formal(text, head, warnings)
        info.signer = _signer(lines)
    else:
        info, own = _article(text, head, body_start, body_end), None
    return info, own, warnings


def _formal(  # noqa: PLR0912 - one branch per header element
    text: str, head: list[Line], warnings: list[str]
) -> tuple[DocumentInfo, tuple[int, int] | None]:
    info = DocumentInfo(kind="document")
    own: tuple[int, int] | None = None
    number_index = next(
        (
            i
            for i, ln in enumerate(head[:15])
            if NUMBER_LINE.match(ln.text) and ln.stripped.lower().startswith("số")
        ),
        None,
    )
    # Issuer: the capital lines above the number, motto lines aside.
    limit = number_index if number_index is not None else 6
    caps = [
        ln.stripped
        for ln in head[:limit]
        if is_upper_line(ln.stripped)
        and not MOTTO.search(ln.text)
        and not re.fullmatch(r"[\d\W_]+", ln.stripped)
    ]
    if caps:
        info.issuer = _clean(caps[-1])
        info.issuer_parent = _clean(" ".join(caps[:-1])) or None
    if number_index is not None:
        line = head[number_index]
        match = NUMBER_LINE.match(line.text)
        assert match is not None
        num, sym = match["num"], match["sym"]
        sym_end = line.start + match.end()
        if num and not sym:
            for later in head[number_index + 1 : number_index + 7]:
                symbol = SYMBOL_ONLY.match(later.text)
                if symbol:
                    sym = symbol["sym"]
                    sym_end = later.start + symbol.end()
                    break
        own = (line.start, sym_end)
        if sym:
            symbol_text = re.sub(r"\s+", "", sym).lstrip("/")
            info.symbol = symbol_text
            segments = [x for x in re.split(r"[-/]", symbol_text) if x and not x.isdigit()]
            first = segments[0] if segments else ""
            if first in doc_types():
                info.doc_type_code = first
                info.doc_type = doc_types()[first]
            else:
                info.doc_type = "Công văn"
            if num:
                citations = find_citations(f"{num}/{symbol_text}")
                info.number = citations[0].canonical if citations else f"{num}/{symbol_text}"
            else:
                warnings.append(f"document number left blank: {line.stripped!r}")
    for ln in head[:15]:
        match = _place_date(ln.text)
        if match:
            place = match["place"]
            words = place.split()
            while words and (words[0].lower() == "số" or re.search(r"[&/]|^[A-ZĐ]{2,}$", words[0])):
                words.pop(0)
            info.place = " ".join(words) or None
            if match["d"] and match["m"]:
                info.date = make_date(match["d"], match["m"], match["y"])
            else:
                warnings.append(
                    f"document date incomplete: {_clean(ln.text[match.start() : match.end()])!r}"
                )
            break
    _title(head, info)
    _addressees(head, info)
    return info, own


def _place_date(line: str) -> re.Match[str] | None:
    """The "Place, ngày ... tháng ... năm ..." of a header line (searched near "ngày" only)."""
    line = line[:400]
    at = line.find("ngày")
    if at < 0:
        return None
    return PLACE_DATE.search(line, max(0, at - 60))


def _title(head: list[Line], info: DocumentInfo) -> None:
    for i, ln in enumerate(head):
        vv = VV.match(ln.text)
        if vv:
            parts = [ln.text[vv.end() :]]
            for later in head[i + 1 : i + 4]:
                if (
                    MOTTO.search(later.text)
                    or _place_date(later.text)
                    or ADDRESSEE.match(later.text)
                ):
                    continue
                if is_upper_line(later.stripped) or _TITLE_STOP.match(later.text):
                    break
                parts.append(later.text)
            info.title = _clean(" ".join(parts))
            return
        if TYPE_LINE.match(ln.text):
            name = _capitalized(ln.stripped)
            info.doc_type = info.doc_type or name
            code = doc_type_by_name().get(name.lower())
            info.doc_type_code = info.doc_type_code or code
            parts = []
            for later in head[i + 1 : i + 5]:
                if MOTTO.search(later.text) or re.fullmatch(r"[_\-=*. ]+", later.stripped):
                    break
                if parts and (_TITLE_STOP.match(later.text) or is_upper_line(later.stripped)):
                    break
                if (
                    parts
                    and later.stripped.endswith((";", ":"))
                    and len(later.stripped.split()) > 12
                ):
                    break
                parts.append(later.text)
                if later.stripped.endswith("."):
                    break
            if parts:
                info.title = _clean(VV.sub("", " ".join(parts), count=1).rstrip("_ "))
            return


def _addressees(head: list[Line], info: DocumentInfo) -> None:
    for i, ln in enumerate(head):
        match = ADDRESSEE.match(ln.text)
        if not match:
            continue
        rest = _clean(ln.text[match.end() :].lstrip("- "))
        if rest:
            info.addressees.append(rest)
        for later in head[i + 1 : i + 15]:
            if later.stripped.startswith(("-", "+", "•")):
                info.addressees.append(_clean(later.stripped.lstrip("-+• ")))
            else:
                break
        return


def _role(line: str) -> bool:
    return bool(SIGNER_ROLE.match(line)) and is_upper_line(line)


def _signer(lines: list[Line]) -> Signer | None:
    tail = [ln for ln in lines[-40:] if not ln.blank]
    for i in range(len(tail) - 1, -1, -1):
        if not _role(tail[i].text):
            continue
        roles = [tail[i].stripped]
        j = i - 1
        while j >= 0 and _role(tail[j].text) and len(roles) < 3:
            roles.insert(0, tail[j].stripped)
            j -= 1
        name = None
        for later in tail[i + 1 : i + 5]:
            if SIGNED.match(later.text):
                continue
            if NAME.match(later.text) and not is_upper_line(later.stripped):
                name = _clean(later.text)
            break
        return Signer(title=" / ".join(roles), name=name)
    return None


def _article(text: str, head: list[Line], body_start: int, body_end: int) -> DocumentInfo:
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
