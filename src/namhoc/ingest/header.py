"""The document's own particulars: issuer, type, number, place and date, title, addressees, signer.

Two shapes are handled: the text of an administrative document (the header block of Nghị định
30/2020/NĐ-CP: issuer, "Số:", national motto, "Place, ngày ... tháng ... năm ...", type and
title or "V/v", "Kính gửi") and a news article about a document, where the issuer and type are
read from the article's sentences and reported as ``subject``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from namhoc.ingest.citations import CITATION, find_citations
from namhoc.ingest.codes import doc_type_by_name, doc_types
from namhoc.ingest.dates import find_dates, make_date
from namhoc.ingest.lines import MOTTO, Line, is_upper_line, split_lines
from namhoc.ingest.model import DocumentInfo, Signer, SubjectDocument

_I = re.IGNORECASE
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
# "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN", "TL. BỘ TRƯỞNG", "Q. HIỆU TRƯỞNG", "TUQ. ..."
ROLE_PREFIX = re.compile(r"^\s*(?:KT|TM|TL|TUQ|Q|QUYỀN)\s*[.:]\s*\S")
NOI_NHAN = re.compile(r"^\s*N[ơo]i\s+nh[ậa]n\s*:?", _I)
_RULE = re.compile(r"[_\-=*.~ ]{3,}")
_AUTHORITY_TYPES = frozenset({"QĐ", "NQ"})
_MARKER_START = re.compile(
    r"^(?:[IVXLC]{1,6}|\d{1,2}|[a-zđA-Z])[.)]\s|^(?:Điều|ĐIỀU|Chương|CHƯƠNG)\s"
)
_PAGE_NUMBER = re.compile(r"\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*")
# Cheap first looks, so that a long document is not read line by line with every pattern.
_NOI_NHAN_ANYWHERE = re.compile(r"N[ơo]i\s+nh[ậa]n", _I)
_ROLE_WORDS = (
    "TRƯỞNG", "GIÁM ĐỐC", "CHỦ TỊCH", "BÍ THƯ", "THỦ TƯỚNG", "ỦY BAN", "CHÁNH", "THƯỜNG VỤ",
    "BIÊN TẬP",
)  # fmt: skip
_ROLE_PREFIX_LINE = re.compile(r"\n[ \t]*(?:KT|TM|TL|TUQ|Q|QUYỀN)[ \t]*[.:]")
_CLOSING_ITEM = re.compile(r"^\s*(?:[-+•]|Bản\s+điện\s+tử|Lưu\b|Như\s+trên)", _I)
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


@dataclass
class Layout:
    """Where a formal document's own text lies between its header block and its closing block.

    ``header_end``: just past the last line of the header block (issuer, number, motto, place and
    date, type and title or "V/v", addressees, a decision's authority line); for an article, the
    body's start. ``closing``: the signature block and the "Nơi nhận:" list, or None. Legal-basis
    paragraphs ("Căn cứ ...") are body. Annexes after the closing block are body too.
    """

    header_end: int
    closing: tuple[int, int] | None = None


def parse_header(
    text: str, body_start: int, body_end: int
) -> tuple[DocumentInfo, tuple[int, int] | None, list[str], Layout]:
    """The document's particulars, the span of its own number (not a citation), warnings, and
    the layout (where the header block ends and where the closing block lies)."""
    lines = list(split_lines(text, body_start, body_end))
    head = [ln for ln in lines[:60] if not ln.blank][:25]
    warnings: list[str] = []
    formal = any(MOTTO.search(ln.text) or NUMBER_LINE.match(ln.text) for ln in head[:15])
    layout = Layout(body_start)
    if formal:
        info, own, header_end = _formal(text, head, warnings)
        layout.header_end = max(body_start, header_end)
        after = [ln for ln in lines if ln.start >= layout.header_end]
        closing = find_closing(after)
        if closing is not None:
            first, last = closing
            layout.closing = (after[first].start, after[last].end)
            info.signer = _signer(after[first : last + 1])
        if info.signer is None:
            info.signer = _signer(lines)
    else:
        info, own = _article(text, head, body_start, body_end), None
    return info, own, warnings, layout


def _formal(  # noqa: PLR0912, PLR0915 - one branch per header element
    text: str, head: list[Line], warnings: list[str]
) -> tuple[DocumentInfo, tuple[int, int] | None, int]:
    info = DocumentInfo(kind="document")
    own: tuple[int, int] | None = None
    used: set[int] = set()  # indices in ``head`` of the lines the header block is made of
    used.update(i for i, ln in enumerate(head[:15]) if MOTTO.search(ln.text))
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
    issuer_lines = [
        i
        for i, ln in enumerate(head[:limit])
        if is_upper_line(ln.stripped)
        and not MOTTO.search(ln.text)
        and not re.fullmatch(r"[\d\W_]+", ln.stripped)
    ]
    used.update(issuer_lines)
    caps = [head[i].stripped for i in issuer_lines]
    if caps:
        info.issuer = _clean(caps[-1])
        info.issuer_parent = _clean(" ".join(caps[:-1])) or None
    if number_index is not None:
        line = head[number_index]
        match = NUMBER_LINE.match(line.text)
        assert match is not None
        num, sym = match["num"], match["sym"]
        sym_end = line.start + match.end()
        used.add(number_index)
        if num and not sym:
            for offset, later in enumerate(head[number_index + 1 : number_index + 7]):
                symbol = SYMBOL_ONLY.match(later.text)
                if symbol:
                    sym = symbol["sym"]
                    sym_end = later.start + symbol.end()
                    used.add(number_index + 1 + offset)
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
    for index, ln in enumerate(head[:15]):
        match = _place_date(ln.text)
        if match:
            used.add(index)
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
    used.update(_title(head, info))
    used.update(_addressees(head, info))
    last = max(used, default=-1)
    # After the title: separator rules, and a decision's authority line ("HIỆU TRƯỞNG ...").
    for index in range(last + 1, min(len(head), last + 3)):
        stripped = head[index].stripped
        if _RULE.fullmatch(stripped) or (
            info.doc_type_code in _AUTHORITY_TYPES
            and is_upper_line(stripped)
            and len(stripped.split()) <= 15
            and not _MARKER_START.match(stripped)
            and not TYPE_LINE.match(head[index].text.rstrip(": "))
        ):
            last = index
        else:
            break
    return info, own, head[last].end if last >= 0 else 0


def _place_date(line: str) -> re.Match[str] | None:
    """The "Place, ngày ... tháng ... năm ..." of a header line (searched near "ngày" only)."""
    line = line[:400]
    at = line.find("ngày")
    if at < 0:
        return None
    return PLACE_DATE.search(line, max(0, at - 60))


def _title(head: list[Line], info: DocumentInfo) -> list[int]:
    """Reads the type and title (or "V/v" subject) into ``info``; the lines it used."""
    for i, ln in enumerate(head):
        vv = VV.match(ln.text)
        if vv:
            parts = [ln.text[vv.end() :]]
            used = [i]
            for j, later in enumerate(head[i + 1 : i + 4], i + 1):
                if (
                    MOTTO.search(later.text)
                    or _place_date(later.text)
                    or ADDRESSEE.match(later.text)
                ):
                    continue
                if is_upper_line(later.stripped) or _TITLE_STOP.match(later.text):
                    break
                parts.append(later.text)
                used.append(j)
            info.title = _clean(" ".join(parts))
            return used
        if TYPE_LINE.match(ln.text):
            used = [i]
            name = _capitalized(ln.stripped)
            info.doc_type = info.doc_type or name
            code = doc_type_by_name().get(name.lower())
            info.doc_type_code = info.doc_type_code or code
            parts = []
            for j, later in enumerate(head[i + 1 : i + 5], i + 1):
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
                used.append(j)
                if later.stripped.endswith("."):
                    break
            if parts:
                info.title = _clean(VV.sub("", " ".join(parts), count=1).rstrip("_ "))
            return used
    return []


def _addressees(head: list[Line], info: DocumentInfo) -> list[int]:
    """Reads "Kính gửi:" and its list into ``info``; the lines it used."""
    for i, ln in enumerate(head):
        match = ADDRESSEE.match(ln.text)
        if not match:
            continue
        used = [i]
        rest = _clean(ln.text[match.end() :].lstrip("- "))
        if rest:
            info.addressees.append(rest)
        for j, later in enumerate(head[i + 1 : i + 15], i + 1):
            if later.stripped.startswith(("-", "+", "•")):
                info.addressees.append(_clean(later.stripped.lstrip("-+• ")))
                used.append(j)
            else:
                break
        return used
    return []


def _role(line: str) -> bool:
    return (
        len(line) <= 120
        and bool(SIGNER_ROLE.match(line) or ROLE_PREFIX.match(line))
        and is_upper_line(line)
    )


def _cells(line: Line) -> list[str]:
    """A line's table cells (a Word table row is read as "cell | cell")."""
    return [cell.strip() for cell in line.text.split(" | ")]


def _signed_or_name(cell: str) -> bool:
    return bool(SIGNED.match(cell)) or (bool(NAME.match(cell)) and not is_upper_line(cell))


def _closing_kind(line: Line) -> str | None:
    """What a line of a closing block is: "recipients", "role", "name", "page", or None."""
    kinds = []
    for cell in _cells(line):
        if NOI_NHAN.match(cell):
            kinds.append("recipients")
        elif len(cell) > 120:  # longer than any role, name or "(Đã ký)": a sentence
            continue
        elif _role(cell) or _ROLE_SIGNED_NAME.match(cell):
            kinds.append("role")
        elif _signed_or_name(cell) or _SIGNED_NAME.match(cell):
            kinds.append("name")
    for kind in ("recipients", "role", "name"):
        if kind in kinds:
            return kind
    if _PAGE_NUMBER.fullmatch(line.text):
        return "page"
    return None


def find_closing(lines: list[Line]) -> tuple[int, int] | None:
    """The closing block among ``lines`` (those after the header): (first, last) line indices.

    It is anchored on "Nơi nhận:" (or, without one, on a signer's role followed by a name or
    "(Đã ký)"), and takes in the role lines, "(Đã ký)", the signer's name and the recipients'
    list around the anchor; a page number or an annex heading after it ends it.
    """
    if not lines:
        return None
    # One pass of a cheap pattern over the text finds the candidate lines.
    text = "\n" + "\n".join(ln.text for ln in lines)
    starts = []
    pos = 1
    for ln in lines:
        starts.append(pos)
        pos += len(ln.text) + 1

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    anchor = next(
        (
            line_of(m.start())
            for m in _NOI_NHAN_ANYWHERE.finditer(text)
            if _closing_kind(lines[line_of(m.start())]) == "recipients"
        ),
        None,
    )
    if anchor is None:
        hits = {line_of(m.end() - 1) for m in _ROLE_PREFIX_LINE.finditer(text)}
        for word in _ROLE_WORDS:
            at = text.find(word)
            while at >= 0:
                hits.add(line_of(at))
                at = text.find(word, at + len(word))
        for i in sorted(hits):
            if _closing_kind(lines[i]) != "role":
                continue
            following = [later for later in lines[i + 1 : i + 6] if not later.blank][:3]
            if any(_closing_kind(later) in ("name", "role") for later in following):
                anchor = i
                break
    if anchor is None:
        return None
    return _closing_first(lines, anchor), _closing_last(lines, anchor)


def _closing_first(lines: list[Line], anchor: int) -> int:
    """Backwards over the signature block when it is printed before the recipients."""
    first = anchor
    i = anchor - 1
    while i >= 0 and anchor - i <= 30:
        ln = lines[i]
        kind = _closing_kind(ln)
        if ln.blank or kind in ("role", "name"):
            if kind in ("role", "name"):
                first = i
            i -= 1
            continue
        if _short_caps(ln) and i > 0 and _closing_kind(lines[i - 1]) == "role":
            i -= 1  # "KT. BỘ TRƯỞNG" / "BỘ TÀI CHÍNH" / "THỨ TRƯỞNG"
            continue
        break
    while first < anchor and _closing_kind(lines[first]) != "role":
        first += 1
    return first


def _closing_last(lines: list[Line], anchor: int) -> int:
    """Forwards over the recipients, the roles, "(Đã ký)" and the name."""
    last = anchor
    previous = _closing_kind(lines[anchor])
    for i in range(anchor + 1, len(lines)):
        ln = lines[i]
        if ln.blank:
            continue
        kind = _closing_kind(ln)
        if kind == "page":
            break
        if kind is None and _CLOSING_ITEM.match(ln.text) and previous == "recipients":
            kind = "recipients"
        elif kind is None and _short_caps(ln) and _prefixed_role(lines, i):
            kind = "role"
        if kind is None:
            break
        last, previous = i, kind
    return last


def _short_caps(line: Line) -> bool:
    return (
        is_upper_line(line.stripped)
        and len(line.stripped.split()) <= 12
        and not _MARKER_START.match(line.stripped)
    )


def _prefixed_role(lines: list[Line], index: int) -> bool:
    """Whether a caps line sits inside "KT. BỘ TRƯỞNG" / "BỘ TÀI CHÍNH" / "THỨ TRƯỞNG"."""
    before = next((ln for ln in reversed(lines[max(0, index - 2) : index]) if not ln.blank), None)
    after = next((ln for ln in lines[index + 1 : index + 3] if not ln.blank), None)
    return bool(
        (before is not None and ROLE_PREFIX.match(before.stripped))
        or (after is not None and _role(after.stripped))
    )


_SIGNED_NAME = re.compile(
    r"^\(?\s*(?:đã\s+ký|Đã\s+ký)\s*\)?\s*(?P<name>(?:[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*\s+){1,4}"
    r"[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*)$"
)
# One cell holding role, "Đã ký" and name: "KT. BỘ TRƯỞNG THỨ TRƯỞNG Đã ký Nguyễn Vinh Hiển".
_ROLE_SIGNED_NAME = re.compile(
    r"^(?P<role>[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ .&-]{2,80}?)\s*\(?\s*(?:đã\s+ký|Đã\s+ký)\s*\)?\s*"
    r"(?P<name>(?:[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*\s+){1,4}[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*)$"
)


def _signer(lines: list[Line]) -> Signer | None:
    cells = [
        Line(ln.index, ln.start, ln.end, cell)
        for ln in lines[-40:]
        if not ln.blank
        for cell in _cells(ln)
        if cell and not NOI_NHAN.match(cell)
    ]
    for i in range(len(cells) - 1, -1, -1):
        combined = _ROLE_SIGNED_NAME.match(cells[i].stripped)
        if combined:
            return Signer(title=_clean(combined["role"]), name=_clean(combined["name"]))
        if not _role(cells[i].text):
            continue
        roles = [cells[i].stripped]
        j = i - 1
        while j >= 0 and _role(cells[j].text) and len(roles) < 3:
            roles.insert(0, cells[j].stripped)
            j -= 1
        name = None
        for later in cells[i + 1 : i + 5]:
            signed = _SIGNED_NAME.match(later.stripped)
            if signed:
                name = _clean(signed["name"])
                break
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
