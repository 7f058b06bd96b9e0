"""A formal document's closing block: the signature (roles, "(Đã ký)", the name) and "Nơi nhận:".

The block is anchored on "Nơi nhận:" (else on a signer's role followed by a name or "(Đã ký)"),
and takes in the role lines, "(Đã ký)", the signer's name and the recipients' list around the
anchor; a page number or an annex heading after it ends it.
"""

from __future__ import annotations

import bisect
import re

from namhoc.ingest.lines import Line, is_upper_line
from namhoc.ingest.model import Signer

_I = re.IGNORECASE
SIGNER_ROLE = re.compile(
    r"^\s*[\w .]{0,40}?(?:TRƯỞNG PHÒNG|GIÁM ĐỐC|CHỦ TỊCH|"
    r"HIỆU TRƯỞNG|BỘ TRƯỞNG|THỨ TRƯỞNG|BÍ THƯ|THỦ TƯỚNG|TRƯỞNG BAN|CHÁNH VĂN PHÒNG|"
    r"ỦY BAN NHÂN DÂN|BAN THƯỜNG VỤ|CHÁNH THANH TRA|TỔNG BIÊN TẬP|TRƯỞNG)\s*$"
)
# "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN", "TL. BỘ TRƯỞNG", "Q. HIỆU TRƯỞNG", "TUQ. ..."
ROLE_PREFIX = re.compile(r"^\s*(?:KT|TM|TL|TUQ|Q|QUYỀN)\s*[.:]\s*\S")
NOI_NHAN = re.compile(r"^\s*N[ơo]i\s+nh[ậa]n\s*:?", _I)
MARKER_START = re.compile(
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


def clean(text: str) -> str:
    return " ".join(text.split()).strip(" ;,.")


def _role(line: str) -> bool:
    return (
        len(line) <= 120
        and bool(SIGNER_ROLE.match(line) or ROLE_PREFIX.match(line))
        and is_upper_line(line)
    )


def _cells(line: Line) -> list[str]:
    """A line's table cells (a Word table row is read as "cell | cell", a markdown one as
    "| cell | cell |")."""
    if "|" not in line.text:
        return [line.text.strip()]
    return [cell.strip() for cell in line.text.strip().strip("|").split("|")]


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
    # (the lines are consecutive: their text joined is the stretch of text they cover)
    text = "\n" + "\n".join(ln.text for ln in lines)
    base = lines[0].start - 1
    starts = [ln.start - base for ln in lines]

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
        and not MARKER_START.match(line.stripped)
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
# One cell holding role, "Đã ký" and name: "KT. BỘ TRƯỞNG THỨ TRƯỞNG Đã ký Nguyễn Vinh Hiển",
# or role and name alone ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn Minh"):
# then the role ends with a signer's title and the name is written in lower case after capitals.
_ROLE_SIGNED_NAME = re.compile(
    r"^(?P<role>[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ .&-]{2,80}?)\s*(?:\(?\s*(?:đã\s+ký|Đã\s+ký)\s*\)?\s*|"
    r"(?:(?<=TRƯỞNG)|(?<=ĐỐC)|(?<=TỊCH)|(?<=BÍ THƯ)|(?<=TƯỚNG))\s+)"
    r"(?P<name>(?:[A-ZĐÂĂÊÔƠƯ][a-zà-ỹđ]*\s+){1,4}[A-ZĐÂĂÊÔƠƯ][a-zà-ỹđ]+)$"
)


def signer_of(lines: list[Line]) -> Signer | None:
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
            return Signer(title=clean(combined["role"]), name=clean(combined["name"]))
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
                name = clean(signed["name"])
                break
            if SIGNED.match(later.text):
                continue
            if NAME.match(later.text) and not is_upper_line(later.stripped):
                name = clean(later.text)
            break
        return Signer(title=" / ".join(roles), name=name)
    return None
