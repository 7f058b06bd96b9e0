"""The document's own particulars: issuer, type, number, place and date, title, addressees, signer.

Two shapes are handled: the text of an administrative document (the header block of Nghị định
30/2020/NĐ-CP: issuer, "Số:", national motto, "Place, ngày ... tháng ... năm ...", type and
title or "V/v", "Kính gửi") and a news article about a document, where the issuer and type are
read from the article's sentences and reported as ``subject``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from namhoc.ingest.article import read_article
from namhoc.ingest.citations import find_citations
from namhoc.ingest.closing import MARKER_START, find_closing, signer_of
from namhoc.ingest.codes import doc_type_by_name, doc_types
from namhoc.ingest.dates import make_date
from namhoc.ingest.lines import MOTTO, Line, is_upper_line, split_lines
from namhoc.ingest.messages import ReaderWarning, warning
from namhoc.ingest.model import DocumentInfo

_I = re.IGNORECASE
_SYM = r"/\s*(?:(?:19|20)\d\d\s*/\s*)?[A-ZĐ][\w&]*(?:\s?[-/]\s?[A-ZĐ][\w&]*){0,5}"
NUMBER_LINE = re.compile(r"^\s*Số\s*:?\s*(?P<num>\d{1,5})?\s*(?P<sym>" + _SYM + r")?")
SYMBOL_ONLY = re.compile(r"^\s*(?P<sym>" + _SYM + r")")
# The blanks of an unsigned date are dots or spaces; an OCR'd stamp may leave a few odd marks.
_BLANK = r"[\s.…]*(?:[^\d\s.…]{1,3}[\s.…]*)?"
PLACE_DATE = re.compile(
    r"(?P<place>(?:[A-ZĐÂĂÊÔƠƯ][\w.]*\s+){0,4}[A-ZĐÂĂÊÔƠƯ][\w.]*)\s*,\s*ngày\s*(?P<d>\d{1,2})?"
    + _BLANK
    + r"tháng\s*(?P<m>\d{1,2})?"
    + _BLANK
    + r"năm\s*(?P<y>\d{4})"
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
_RULE = re.compile(r"[_\-=*.~ ]{3,}")
_AUTHORITY_TYPES = frozenset({"QĐ", "NQ"})
_EARLY_LINES = 15
_EMPHASIS = re.compile(r"^(?:\*\*|__)(.+?)(?:\*\*|__)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CELL_SEP = re.compile(r"\s*(?:\||<br\s*/?>)\s*", re.IGNORECASE)
_NUMBER_INSIDE = re.compile(r"(?<=\s)Số\s*:\s*(?=\d|/)")
# "ỦY BAN NHÂN DÂN" over "TỈNH HÀ GIANG": one name on two lines, not a parent and its office.
_BARE_BODY = re.compile(r"(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN|UBND|HỘI\s+ĐỒNG\s+NHÂN\s+DÂN|HĐND")
_PLACE = re.compile(
    r"^(?:TỈNH|THÀNH\s+PHỐ|TP\.?|HUYỆN|QUẬN|THỊ\s+XÃ|XÃ|PHƯỜNG|THỊ\s+TRẤN|ĐẶC\s+KHU)\s"
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
    text: str, body_start: int, body_end: int, *, lines: list[Line] | None = None
) -> tuple[DocumentInfo, tuple[int, int] | None, list[ReaderWarning], Layout]:
    """The document's particulars, the span of its own number (not a citation), warnings, and
    the layout (where the header block ends and where the closing block lies). ``lines``: the
    lines of the body, when the caller has them."""
    lines = split_lines(text, body_start, body_end) if lines is None else lines
    head = header_cells(text, [ln for ln in lines[:60] if not ln.blank][:25])
    warnings: list[ReaderWarning] = []
    formal = any(MOTTO.search(ln.text) or NUMBER_LINE.match(ln.text) for ln in _early(head))
    layout = Layout(body_start)
    if formal:
        info, own, header_end = _formal(text, head, warnings)
        layout.header_end = max(body_start, header_end)
        after = [ln for ln in lines if ln.start >= layout.header_end]
        closing = find_closing(after)
        if closing is not None:
            first, last = closing
            layout.closing = (after[first].start, after[last].end)
            info.signer = signer_of(after[first : last + 1])
        if info.signer is None:
            info.signer = signer_of(lines)
    else:
        info, own = read_article(text, head, body_start, body_end), None
    return info, own, warnings, layout


def _formal(  # noqa: PLR0912, PLR0915 - one branch per header element
    text: str, head: list[Line], warnings: list[ReaderWarning]
) -> tuple[DocumentInfo, tuple[int, int] | None, int]:
    info = DocumentInfo(kind="document")
    own: tuple[int, int] | None = None
    used: set[int] = set()  # indices in ``head`` of the lines the header block is made of
    early = len(_early(head))
    used.update(i for i, ln in enumerate(head[:early]) if MOTTO.search(ln.text))
    number_index = next(
        (
            i
            for i, ln in enumerate(head[:early])
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
    if len(caps) >= 2 and _BARE_BODY.fullmatch(_clean(caps[-2])) and _PLACE.match(caps[-1]):
        caps[-2:] = [f"{_clean(caps[-2])} {caps[-1]}"]  # "ỦY BAN NHÂN DÂN" / "TỈNH HÀ GIANG"
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
                warnings.append(warning("number_blank", line.stripped))
    for index, ln in enumerate(head[:early]):
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
                    warning("date_incomplete", _clean(ln.text[match.start() : match.end()]))
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
            and not MARKER_START.match(stripped)
            and not TYPE_LINE.match(head[index].text.rstrip(": "))
        ):
            last = index
        else:
            break
    if last < 0:
        return info, own, 0
    # The end of the physical line of the last cell used (a table row ends there).
    newline = text.find("\n", head[last].end)
    return info, own, newline if newline >= 0 else len(text)


def _early(head: list[Line]) -> list[Line]:
    """The cells of the first 15 lines of the page, where the header's elements are."""
    return [cell for cell in head if cell.index < _EARLY_LINES]


def header_cells(text: str, lines: list[Line]) -> list[Line]:
    """The lines of a header split into the cells a reader sees.

    A header laid out as a table comes as rows ("| ỦY BAN NHÂN DÂN TỈNH X | CỘNG HÒA ... |",
    a Word table as "cell | cell"); a print view or an OCR'd page puts both columns on one
    line ("Số: 123/QĐ-UBND Hà Giang, ngày 05 tháng 8 năm 2024", "UBND HUYỆN X CỘNG HÒA XÃ
    HỘI ..."). Each line is cut into its cells and each cell at the motto, before "Số:" and
    after the number, so that every header element is a line of its own. A cell keeps its
    offsets in ``text``; ``index`` is the row (the line's place among the non-blank lines).
    """
    out: list[Line] = []
    for row, line in enumerate(lines):
        if _TABLE_RULE.match(line.text):
            continue  # a markdown table's "|---|---|"
        pieces = [(line.start, line.end)]
        if "|" in line.text or "<br" in line.text:
            pieces = _split(text, line.start, line.end, _CELL_SEP)
        for start, end in pieces:
            for a, b in _split_elements(text, start, end):
                cell = text[a:b]
                stripped = _EMPHASIS.sub(r"\1", cell.strip())  # "**ỦY BAN NHÂN DÂN**"
                if stripped:
                    lead = cell.index(stripped)
                    out.append(Line(row, a + lead, a + lead + len(stripped), stripped))
    return out


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = start
    for match in pattern.finditer(text, start, end):
        out.append((pos, match.start()))
        pos = match.end()
    out.append((pos, end))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _split_elements(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a cell at the motto's ends, before "Số:" and after a leading "Số: ..." number."""
    cuts = {start, end}
    for match in MOTTO.finditer(text, start, end):
        cuts.update((match.start(), match.end()))
    for match in _NUMBER_INSIDE.finditer(text, start, end):
        cuts.add(match.start())
    for cut in sorted(cuts):
        if cut >= end:
            continue
        number = NUMBER_LINE.match(text, cut, end)
        if (
            number
            and text[cut:end].lstrip().lower().startswith("số")
            and "ngày" in text[number.end() : end]
        ):
            cuts.add(number.end())
    ordered = sorted(c for c in cuts if start <= c <= end)
    return [(a, b) for a, b in itertools.pairwise(ordered) if b > a]


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
