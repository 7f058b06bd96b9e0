"""Document references by the numbering grammar of Nghị định 30/2020/NĐ-CP and the Party's rules.

Forms recognised (spacing, line breaks and typos as seen in real text are tolerated):

- administrative ``1112/CT-BGDĐT``; dispatch ``4555/BGDĐT-GDPT`` (no type code);
- legal normative ``71/2020/NĐ-CP``, joint ``42/2013/TTLT-BGDĐT-BLĐTBXH-BTC``, law ``43/2019/QH14``;
- Party ``05-CT/TW``, ``29-NQ/TW``;
- compound lists ``Thông tư số 17, 18, 19/2018/TT-BGDĐT`` (three documents);
- variants ``18-2019-TT-BGDĐT``, ``31/2013TT-BGDĐT``, ``44 /2005/QĐ-UBND``, ``3248/QĐ- UBND``,
  ``23/2015/TTLT-BGD ĐT-BNV``, ``số31-QĐ/TW``, a reference broken across lines.

Each citation keeps the text as written (``raw``), the number with spacing removed (``number``)
and the corrected form (``canonical``); every correction made is listed in ``corrections``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache

from namhoc.ingest.codes import (
    TYPE_ALIASES,
    doc_types,
    issuer_aliases,
    issuers,
    nearest_issuer,
)
from namhoc.ingest.dates import parse_date_at
from namhoc.ingest.model import Citation

_WS = r"[ \t]{0,3}(?:\n[ \t]{0,3})?"
_SEP = _WS + r"[/-]" + _WS
_YEAR = r"(?:19[4-9]\d|20\d\d)"
_SEG = r"[A-ZĐƯ][A-Za-zĐđƯư&]{0,11}\d{0,2}(?:[ ][A-ZĐ]{1,3}(?=[-/]))?"

CITATION = re.compile(
    r"(?:(?<=[sS]ố)|(?<![\w/.\-&]))"
    r"(?P<num>\d{1,5})"
    r"(?:(?P<sep1>" + _SEP + r")(?P<year>" + _YEAR + r")(?:(?P<sep2>" + _SEP + r")|(?=[A-ZĐ]))"
    r"|(?P<sep0>" + _SEP + r"))"
    r"(?P<sym>" + _SEG + r"(?:" + _SEP + _SEG + r"){0,5})"
    r"(?![\w&])"
)
# Every reference has digits, "/" or "-" (spaced, at most a line break), maybe a year and another
# separator, then a capital: a cheap pattern finds those places (dates have no capital), and
# CITATION is tried only at the start of their digits.
_CANDIDATE = re.compile(r"\d(?=" + _SEP + r"(?:" + _YEAR + r"(?:" + _SEP + r")?)?[A-ZĐƯ])")
_SEG_SPLIT = re.compile(r"\s*([/-])\s*")
_LIST_BEFORE = re.compile(r"((?:\d{1,5}[ \t]*(?:,|và)[ \t]*){1,30})$")
_DOC_WORD_BEFORE = re.compile(
    r"(?:số|Số|Thông tư|Nghị định|Quyết định|Chỉ thị|Nghị quyết|Kế hoạch|Công văn|Văn bản|"
    r"Hướng dẫn|Kết luận|Luật|Thông báo)[ \t:]*$"
)
_DISPATCH_BEFORE = re.compile(
    r"(?:[Cc]ông\s+văn|CÔNG\s+VĂN|[Vv]ăn\s+bản|VĂN\s+BẢN|\bCV)[ \t]*(?:số|Số|SỐ)?[ \t:]*$"
)
_DATE_AFTER = re.compile(r"[ \t,]{0,3}(?:\n[ \t]*)?(?:ban hành |ký |)(?=[Nn]g[àa]y)")
_TYPE_BEFORE = re.compile(
    r"(Thông tư liên tịch|Thông tư|Nghị định|Quyết định|Chỉ thị|Nghị quyết|Kế hoạch|Công văn|"
    r"Văn bản hợp nhất|Văn bản|Hướng dẫn|Kết luận|Luật|Thông báo|Công điện|Chương trình|Báo cáo|"
    r"Tờ trình|Quy định|Đề án)[ \t]*(?:\n[ \t]*)?(?:số[ \t]*)?:?[ \t]*$",
    re.IGNORECASE,
)
_TYPE_NAMES = tuple(
    name.lower()
    for name in sorted(
        _TYPE_BEFORE.pattern[1 : _TYPE_BEFORE.pattern.index(")")].split("|"), key=len
    )[::-1]
)
_LAW = re.compile(r"^QH\d{1,2}$")
_MINISTRY = frozenset({"ministry"})
_GOVERNMENT = frozenset({"government"})


@cache
def _known(code: str) -> str | None:
    """The table's code for ``code`` (itself, an alias, or a code with a stray space)."""
    table = issuers()
    if code in table:
        return code
    compact = code.replace(" ", "")
    if compact in table:
        return compact
    alias = issuer_aliases().get(compact)
    if alias:
        return alias
    without_amp = compact.replace("&", "")
    if without_amp in table:
        return without_amp
    return None


def _issuer_name(codes: Iterable[str]) -> str | None:
    table = issuers()
    names = [table[c].name for c in codes if c in table]
    return ", ".join(names) if names else None


class _Parsed:
    def __init__(self) -> None:
        self.doc_type_code: str | None = None
        self.issuer_codes: list[str] = []
        self.units: list[str] = []
        self.canonical = ""
        self.corrections: list[str] = []
        self.issuer_code: str | None = None  # the codes joined, and their names (see _parsed)
        self.issuer: str | None = None
        self.segs: list[str] = []  # the symbol's segments as written


def _fix_type(code: str, parsed: _Parsed) -> str | None:
    types = doc_types()
    if code in types:
        return code
    fixed = TYPE_ALIASES.get(code) or TYPE_ALIASES.get(code.upper())
    if fixed:
        parsed.corrections.append(f"type {code} -> {fixed}")
        return fixed
    return None


def _fix_issuer(written: str, type_code: str | None, parsed: _Parsed) -> tuple[str, str]:
    """(the code as the number should show it, the table's code for it).

    The code is kept as its issuer writes it when it differs from the table's only by "&"
    ("PGD&ĐT"); other variants are corrected to the table's code, and the correction listed.
    """
    known = _known(written)
    code = known or written
    kind = issuers()[code].kind if code in issuers() else None
    wanted: frozenset[str] | None = None
    if type_code in ("TT", "TTLT") and kind != "ministry":
        wanted = _MINISTRY
    elif type_code == "NĐ" and code != "CP":
        wanted = _GOVERNMENT
    elif kind is None and len(code) >= 4:
        wanted = frozenset({"ministry", "government", "local", "party", "assembly"})
    if wanted is not None:
        nearest = _truncated(code, wanted) or nearest_issuer(code, wanted, limit=1)
        if nearest and nearest != code:
            code = nearest
    if code == written or code == written.replace("&", ""):
        return written, code
    parsed.corrections.append(f"issuer {written} -> {code}")
    return code, code


@cache
def _truncated(code: str, kinds: frozenset[str]) -> str | None:
    """The one known code of ``kinds`` that ``code`` (three letters or more) is the start of:
    "BGD" for "BGDĐT" in a Thông tư."""
    if len(code) < 3:
        return None
    found = [k for k, issuer in issuers().items() if issuer.kind in kinds and k.startswith(code)]
    return found[0] if len(found) == 1 else None


def number_key(number: str) -> str:
    """The form under which two numbers name the same document: "&" and spacing ignored
    ("25/KH-PGD&ĐT" and "25/KH-PGDĐT" are one document)."""
    return "".join(number.split()).replace("&", "")


@lru_cache(maxsize=4096)
def _classified(
    num: str, year: str | None, sym: str, sep0: str | None
) -> tuple[str, _Parsed | None]:
    """What a match of CITATION is, remembered: ("party" | "single" | "full", its parse), or
    (..., None) when it is not a grammar we know. "single": a code without a type, which
    needs "Công văn" before it (see :func:`_dispatch`)."""
    parts = _SEG_SPLIT.split(sym.replace("\n", " "))
    segs = [p.strip() for p in parts[0::2]]
    seps = parts[1::2]
    party = sep0 is not None and sep0.strip() == "-" and "/" in seps and not year
    if party and len(segs) < 2:
        return "party", None
    if not party and sep0 is not None and sep0.strip() == "-":
        # "18-CT-..." is not a grammar we know; "5-10" etc. never reach here (no letters).
        return "full", None
    parsed = _parsed(num, year, tuple(segs), tuple(seps), party)
    parsed.segs = segs
    single = not year and not party and len(segs) < 2
    return ("party" if party else "single" if single else "full"), parsed


@lru_cache(maxsize=4096)
def _parsed(
    num: str, year: str | None, segs: tuple[str, ...], seps: tuple[str, ...], party: bool
) -> _Parsed:
    """:func:`_parse`, remembered: a document cites the same numbers again and again. (Its
    result is shared: callers copy what they keep.)"""
    parsed = _parse(num, year, list(segs), list(seps), party)
    parsed.issuer_code = "-".join(parsed.issuer_codes) if parsed.issuer_codes else None
    parsed.issuer = _issuer_name(parsed.issuer_codes)
    return parsed


def _parse(num: str, year: str | None, segs: list[str], seps: list[str], party: bool) -> _Parsed:
    parsed = _Parsed()
    if party:
        party_type = _fix_type(segs[0], parsed) or segs[0]
        parsed.doc_type_code = party_type
        parsed.issuer_codes = [_known(s) or s for s in segs[1:]]
        written = [
            s if (_known(s) or s) == s.replace("&", "") else (_known(s) or s) for s in segs[1:]
        ]
        parsed.canonical = f"{num}-{party_type}/" + "/".join(written)
        return parsed
    if year and _LAW.match(segs[0]):
        parsed.doc_type_code = "QH"
        parsed.issuer_codes = ["QH"]
        parsed.canonical = f"{num}/{year}/{segs[0]}"
        return parsed
    fixed_type = _fix_type(segs[0], parsed)
    type_code = fixed_type if fixed_type is not None and (len(segs) > 1 or year) else None
    if type_code is not None:
        parsed.doc_type_code = type_code
        issuer_segs = segs[1:]
        head = f"{num}/{year}/{type_code}" if year else f"{num}/{type_code}"
    else:
        # A dispatch: ISSUER-UNIT, no type code.
        parsed.doc_type_code = None
        issuer_segs = segs
        head = f"{num}/{year}" if year else f"{num}"
    fixed: list[str] = []  # as the number shows them
    codes: list[str] = []  # the table's codes
    for index, seg in enumerate(issuer_segs):
        if type_code is not None or index == 0:
            shown, code = _fix_issuer(seg, parsed.doc_type_code, parsed)
        else:
            shown, code = seg, seg
        fixed.append(shown)
        codes.append(code)
    if type_code is not None:
        parsed.issuer_codes = codes
    else:
        parsed.issuer_codes = codes[:1]
        parsed.units = codes[1:]
    rest = "-".join(fixed)
    if type_code is not None:
        parsed.canonical = f"{head}-{rest}" if rest else head
    else:
        parsed.canonical = f"{head}/{rest}"
    return parsed


def _dispatch(text: str, match: re.Match[str], segs: list[str]) -> bool:
    """ "Công văn số 123/PGDĐT": a dispatch numbered with its issuer alone, no unit. Taken only
    after "Công văn"/"Văn bản" and when the code is a known issuer's."""
    return (
        len(segs) == 1
        and (match["sep0"] or "").strip() == "/"
        and _known(segs[0]) is not None
        and _DISPATCH_BEFORE.search(text, max(0, match.start() - 30), match.start()) is not None
    )


def _type_name_before(text: str, start: int) -> str | None:
    """The type written just before a reference ("Thông tư số", "QUYẾT ĐỊNH SỐ:"): what
    _TYPE_BEFORE finds in the 40 characters before ``start``, without a regex search (this runs
    for every reference)."""
    window = text[max(0, start - 40) : start]
    rest = window.removesuffix("\n").rstrip(" \t")  # ("$" matches before a final newline)
    rest = rest.removesuffix(":").rstrip(" \t")
    if rest[-2:].lower() == "số":
        rest = rest[:-2]
    rest = rest.rstrip(" \t")
    if rest.endswith("\n"):
        rest = rest[:-1].rstrip(" \t")
    lowered = rest[-20:].lower()
    for name in _TYPE_NAMES:
        if lowered.endswith(name):
            word = rest[len(rest) - len(name) :]
            return word[0].upper() + word[1:].lower() if word.isupper() else word
    return None


def _date_after(text: str, end: int) -> str | None:
    match = _DATE_AFTER.match(text, end, min(len(text), end + 40))
    if match is None:
        return None
    parsed = parse_date_at(text, match.end())
    return parsed[0] if parsed else None


def _matches(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """What ``CITATION.finditer(text, start, end)`` finds, tried only where digits meet "/"/"-"."""
    done = start  # matches do not overlap: the next one starts after the last one's end
    for candidate in _CANDIDATE.finditer(text, start, end):
        first = candidate.start()
        if first < done:
            continue
        while first > start and first > candidate.start() - 5 and text[first - 1].isdigit():
            first -= 1
        match = CITATION.match(text, first, end)
        if match is not None:
            done = match.end()
            yield match


def find_citations(text: str, start: int = 0, end: int | None = None) -> list[Citation]:
    """Every document reference in ``text[start:end]``, in order of appearance."""
    end = len(text) if end is None else end
    out: list[Citation] = []
    types = doc_types()
    for match in _matches(text, start, end):
        year = match["year"]
        kind, parsed = _classified(match["num"], year, match["sym"], match["sep0"])
        if parsed is None or (kind == "single" and not _dispatch(text, match, parsed.segs)):
            continue
        corrections = list(parsed.corrections)
        if year and (match["sep1"].strip() != "/" or (match["sep2"] or "").strip() != "/"):
            corrections.append("separators -> /")
        raw = text[match.start() : match.end()]
        number = "".join(raw.split())
        type_code = parsed.doc_type_code
        doc_type = types.get(type_code) if type_code else None
        written_type = _type_name_before(text, match.start())
        if type_code is None:
            doc_type = written_type if written_type in ("Công văn", "Văn bản") else "Công văn"
        elif type_code == "QH" and written_type:
            doc_type = written_type
        date = _date_after(text, match.end())
        year_value = int(year) if year else (int(date[:4]) if date else None)
        citation = Citation(
            number=number,
            canonical=parsed.canonical,
            doc_type=doc_type,
            doc_type_code=type_code,
            year=year_value,
            issuer_code=parsed.issuer_code,
            issuer=parsed.issuer,
            date=date,
            raw=raw,
            start=match.start(),
            end=match.end(),
            corrections=corrections,
        )
        out.extend(_compound(text, match.start(), citation))
        out.append(citation)
    return out


def _compound(text: str, num_start: int, citation: Citation) -> list[Citation]:
    """The numbers before a reference that share its tail: 17, 18 in "17, 18, 19/2018/..."."""
    window_start = max(0, num_start - 200)
    at = num_start
    while at > window_start and text[at - 1] in " \t":
        at -= 1
    if not (text.endswith(",", window_start, at) or text.endswith("và", window_start, at)):
        return []  # what _LIST_BEFORE needs last; most references are not in a list
    match = _LIST_BEFORE.search(text, window_start, num_start)
    if match is None or not _DOC_WORD_BEFORE.search(
        text, max(0, match.start() - 30), match.start()
    ):
        return []
    tail_number = citation.number[len(citation.raw.split("/")[0].split("-")[0].strip()) :]
    tail_canonical = citation.canonical[
        citation.canonical.index(citation.canonical.lstrip("0123456789")[0]) :
    ]
    out: list[Citation] = []
    for number in re.finditer(r"\d{1,5}", match.group(1)):
        n_start = match.start(1) + number.start()
        out.append(
            Citation(
                number=number.group() + tail_number,
                canonical=number.group() + tail_canonical,
                doc_type=citation.doc_type,
                doc_type_code=citation.doc_type_code,
                year=citation.year,
                issuer_code=citation.issuer_code,
                issuer=citation.issuer,
                date=citation.date,
                raw=number.group(),
                start=n_start,
                end=n_start + len(number.group()),
                corrections=list(citation.corrections),
            )
        )
    return out
