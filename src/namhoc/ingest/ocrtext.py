"""Tidying what OCR read, before the text is analysed like any other.

Tesseract's ``vie`` model reads Vietnamese print well but confuses a few shapes that matter here:
digits with letters in numbers and dates (``15l1``, ``2O20``, ``tháng!0``), ``Đ`` with ``Ð`` in
codes (``GD&ĐÐT``), ``sô`` for ``số``, roman numerals at the head of sections (``L.`` and ``HI.``
for ``I.`` and ``III.``), a dot read as a comma after an item's number; and it gives the page's
lines as printed, wrapped. This module:

1. normalizes the text (NFC, ``Ð`` -> ``Đ``, ...) and fixes those confusions where the context
   makes them unambiguous: digits inside numbers and dates, the codes of document numbers
   checked against the tables of issuer and type codes (a letter is changed only when exactly
   one known code results), markers of sections checked against their neighbours;
2. joins the wrapped lines of a paragraph (a full-width line not ending a sentence, followed by a
   line that starts no item), keeping header lines, headings and list items on their own lines.

Every change to a number or a code is listed (``corrections``) for the ``ocr_corrected`` warning.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import combinations

from namhoc.ingest.codes import TYPE_ALIASES, doc_type_by_name, doc_types, issuer_aliases, issuers
from namhoc.ingest.lines import MOTTO, is_upper_line
from namhoc.ingest.normalize import fold, normalize_text

# --- digits ---------------------------------------------------------------------------------

_DIGIT_LIKE = {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "!": "1"}
# A run of digits and digit-like letters standing alone (not inside a word): "15l1", "2O20".
# "|" and "!" count only before a digit-like character (a final "!" ends a sentence).
_NUMBER_TOKEN = re.compile(r"(?<![^\W\d_])(?:[0-9OoIl]|[|!](?=[0-9OoIl])){2,8}(?![^\W\d_])")
# After a date word the number may be glued to it: "tháng!0", "ngày l5".
_DATE_PART = re.compile(
    r"(?P<word>ngày|tháng|năm|Ngày|Tháng|Năm)(?P<gap>\s{0,2})(?P<num>[0-9OoIl|!]{1,4})"
)
# "số 15 11/QĐ-UBND": a number broken by a space before its symbol.
_SPLIT_NUMBER = re.compile(r"(?<=[Ss]ố)(?P<gap>\s*:?\s*)(?P<a>\d{1,3}) (?P<b>\d{1,3})(?=\s?/)")
_SO = re.compile(r"\b(?P<so>sô|Sô|SÔ)(?=\s*:?\s*\d)")
_DOUBLE_D = re.compile(r"(?<=[A-Z&])ĐĐ(?=[A-Z]|\b)")


def _digitized(token: str) -> str | None:
    if not any(ch.isdigit() for ch in token) or all(ch.isdigit() for ch in token):
        return None
    return "".join(_DIGIT_LIKE.get(ch, ch) for ch in token)


# --- codes of document numbers -----------------------------------------------------------------

_REFERENCE = re.compile(
    r"(?<![\w/])(?P<num>\d{1,5})[ \t]?[/-]\s{0,2}(?P<rest>[A-Za-zĐđ0-9&|]{1,12}"
    r"(?:[ \t]?[-/][ \t]?[A-Za-zĐđ0-9&|]{1,12}){0,5})"
)
_SEGMENT = re.compile(r"[A-Za-zĐđ0-9&|]{1,12}")
# Shapes OCR mixes up inside codes.
_CODE_LIKE = {
    "0": "OQĐD",
    "O": "QĐD",
    "Q": "O",
    "D": "Đ",
    "Đ": "D",
    "1": "I",
    "l": "I",
    "|": "I",
    "5": "S",
    "8": "B",
    "V": "W",  # "TV" for "TW"
}


@cache
def _known_codes() -> frozenset[str]:
    codes = set(issuers()) | set(doc_types()) | set(issuer_aliases()) | set(TYPE_ALIASES)
    return frozenset(c.replace("&", "") for c in codes)


def _known(segment: str) -> bool:
    return segment.replace("&", "") in _known_codes()


def fix_code(segment: str) -> str | None:
    """The one known code that one or two OCR confusions away from ``segment`` would be."""
    if segment.isdigit() or _known(segment) or len(segment) > 12:
        return None
    candidates: set[str] = set()
    if segment.upper() != segment and _known(segment.upper()):
        candidates.add(segment.upper())
    positions = [i for i, ch in enumerate(segment) if ch in _CODE_LIKE]
    for count in (1, 2):
        if candidates:
            break
        for chosen in combinations(positions, count):
            for variant in _variants(segment, chosen):
                if _known(variant):
                    candidates.add(variant)
    return candidates.pop() if len(candidates) == 1 else None


def _variants(segment: str, positions: tuple[int, ...]) -> list[str]:
    out = [segment]
    for position in positions:
        out = [
            word[:position] + other + word[position + 1 :]
            for word in out
            for other in _CODE_LIKE[segment[position]]
        ]
    return out


# --- markers of sections ---------------------------------------------------------------------

_ROMAN_LIKE = re.compile(
    r"^(?P<lead>[ \t]*(?:(?:Phần|PHẦN|Mục|MỤC|Chương|CHƯƠNG)[ \t]+)?)(?P<num>[IVXLHl|1]{1,5})"
    r"(?:(?P<dot>[ \t]?[.:)])|(?=[ \t]+[A-ZĐÀ-Ỹ]{2,}[ \t]))(?=[ \t])",
    re.MULTILINE,
)
_ROMAN = re.compile(r"^(?:X{0,2})(?:IX|IV|V?I{0,3})$")
_DECIMAL_LIKE = re.compile(
    r"^(?P<lead>[ \t]*)(?P<num>\d{1,2})(?P<dot>[.,)]?)(?=[ \t]+[A-ZĐ])", re.MULTILINE
)


_ROMAN_VALUES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8}
_ROMAN_VALUES.update({"IX": 9, "X": 10, "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15})
# What OCR reads for the strokes of a roman numeral: "H" for "II" (or for "I" beside another),
# "L", "l", "|", "1" for "I"; an "L" at the end can also be the dot drawn thick ("IL." for "I.").
_STROKES: dict[str, tuple[str, ...]] = {
    "I": ("I",), "V": ("V",), "X": ("X",), "H": ("II", "I"), "l": ("I",), "|": ("I",),
    "1": ("I",), "L": ("I",),
}  # fmt: skip
_PART_LINE = re.compile(r"^[ \t]*(?:Phần|PHẦN|Chương|CHƯƠNG)\b")


def _readings(token: str) -> list[str]:
    """The roman numerals a misread token can be, most likely first."""
    readings = [""]
    for index, ch in enumerate(token):
        options = _STROKES.get(ch, ())
        if ch == "L" and index == len(token) - 1 and index > 0:
            options = ("I", "")
        readings = [r + o for r in readings for o in options]
    out = [r for r in dict.fromkeys(readings) if r in _ROMAN_VALUES]
    return out


def _decimal_list(following: str) -> bool:
    """Whether the markers after an ambiguous "l." continue a decimal list ("2.") first."""
    next_roman = re.search(r"^[ \t]*II[ \t]?\.", following, re.MULTILINE)
    next_decimal = re.search(r"^[ \t]*2[ \t]?\.", following, re.MULTILINE)
    return next_decimal is not None and (
        next_roman is None or next_decimal.start() < next_roman.start()
    )


def _fix_markers(text: str, corrections: list[str]) -> str:
    """Section and item numbers misread (see :func:`_fix_romans`, :func:`_fix_decimals`)."""
    return _fix_decimals(_fix_romans(text, corrections), corrections)


def _roman_reading(token: str, expected: int, prefixed: bool, following: str) -> str:
    """What a misread numeral token stands for: the reading that follows the previous number
    if there is one, else the likeliest; "1" for an "l." that starts a decimal list."""
    if token in ("l", "|") and not prefixed and _decimal_list(following):
        return "1"
    readings = _readings(token)
    fitting = next((r for r in readings if _ROMAN_VALUES[r] == expected), None)
    return fitting or (readings[0] if readings else "")


def _fix_romans(text: str, corrections: list[str]) -> str:
    """Roman section numbers misread ("L.", "HI.", "IL TỔ CHỨC"), chosen so that they follow
    the previous section's number (a "Phần"/"Chương" heading starts the count again)."""
    out: list[str] = []
    pos = 0
    previous = {"part": 0, "section": 0}
    parts = [m.start() for m in _PART_LINE.finditer(text)]
    part_at = 0
    for match in _ROMAN_LIKE.finditer(text):
        prefixed = bool(match["lead"].strip())
        while part_at < len(parts) and parts[part_at] <= match.start():
            part_at += 1
            previous["section"] = 0  # a new part: its sections count from I again
        level = "part" if prefixed else "section"
        token = match["num"]
        if token.isdigit():
            continue
        if all(ch in "IVX" for ch in token):
            previous[level] = _ROMAN_VALUES.get(token, previous[level])
            continue
        following = text[match.end() : match.end() + 4000]
        fixed = _roman_reading(token, previous[level] + 1, prefixed, following)
        dot = (match["dot"] or "").strip()
        # Without its dot ("IL TỔ CHỨC THỰC HIỆN") only before a heading in capitals.
        if not fixed or (
            not dot and (fixed == "1" or not is_upper_line(following.split("\n", 1)[0]))
        ):
            continue
        if fixed != "1":
            previous[level] = _ROMAN_VALUES[fixed]
        out.append(text[pos : match.start("num")])
        out.append(fixed if dot else fixed + ".")
        corrections.append(f"{token}{dot} -> {fixed}{dot or '.'}")
        pos = match.end("num")
    out.append(text[pos:])
    return "".join(out)


def _fix_decimals(text: str, corrections: list[str]) -> str:
    """ "3, Tăng cường ..." between "2." and "4.": a dot read as a comma (one neighbour agrees),
    or lost (both agree)."""
    found = list(_DECIMAL_LIKE.finditer(text))
    numbers = [(int(m["num"]), m["dot"]) for m in found]
    out: list[str] = []
    pos = 0
    for i, match in enumerate(found):
        value, dot = numbers[i]
        if dot in (".", ")"):
            continue
        before = next((n for n, d in reversed(numbers[:i]) if d == "."), None)
        after = next((n for n, d in numbers[i + 1 :] if d == "."), None)
        agrees = (before == value - 1) + (after == value + 1)
        if (dot == "," and agrees >= 1) or (dot == "" and agrees == 2):
            out.append(text[pos : match.end("num")])
            out.append(".")
            pos = match.end("dot")
            corrections.append(f"{value}{dot} -> {value}.")
    out.append(text[pos:])
    return "".join(out)


# --- wrapped lines ---------------------------------------------------------------------------

_ITEM_START = re.compile(
    r"^[ \t]*(?:[IVXLC]{1,6}[.)]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ][.)]|[-+•*]|"
    r"(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Điều|ĐIỀU)\s|(?:Căn cứ|Thực hiện|Kính gửi|Nơi nhận|"
    r"Số\s*:))"
)
_SENTENCE_END = (".", ":", ";", "!", "?", "./.")


def reflow(text: str) -> str:
    """Join the wrapped lines of each paragraph of one OCR'd page."""
    lines = text.split("\n")
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return text
    full = lengths[int(0.9 * (len(lengths) - 1))]  # a full line of the page's body
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        previous = out[-1] if out else ""
        if (
            stripped
            and previous.strip()
            and _wrapped(previous.strip(), full, lower_next=stripped[:1].islower())
            and not _ITEM_START.match(stripped)
            and (not is_upper_line(stripped) or _tail(stripped))
            and not MOTTO.search(stripped)
        ):
            out[-1] = previous.rstrip() + " " + stripped
            continue
        if not stripped and previous.strip() and _wrapped(previous.strip(), full):
            # A blank line inside a paragraph (OCR puts some): kept only if the next line
            # does not continue the sentence; decided when that line comes.
            out.append("")
            continue
        if (
            stripped
            and out
            and not out[-1]
            and len(out) >= 2
            and _continues(out[-2], stripped, full)
        ):
            out.pop()
            out[-1] = out[-1].rstrip() + " " + stripped
            continue
        out.append(line.rstrip())
    return "\n".join(out)


def _wrapped(line: str, full: int, *, lower_next: bool = False) -> bool:
    """A full line that does not end its paragraph (a clause may end at the wrap when the next
    line goes on in lower case)."""
    ends = line.endswith(_SENTENCE_END) and not (lower_next and line.endswith((";", ",")))
    return (
        len(line) >= 0.75 * full and not ends and not is_upper_line(line) and not MOTTO.search(line)
    )


def _tail(line: str) -> bool:
    """The last words of a sentence in capitals ("GD&ĐT."), not a heading."""
    return len(line.split()) <= 3 and line.endswith((".", ";", ","))


def _continues(previous: str, line: str, full: int) -> bool:
    return _wrapped(previous.strip(), full) and line[:1].islower() and not _ITEM_START.match(line)


# --- a document type misread in its heading --------------------------------------------------


@cache
def _type_names() -> dict[str, str]:
    """Folded type name -> the name in capitals ("ke hoach" -> "KẾ HOẠCH"), unambiguous ones."""
    by_fold: dict[str, set[str]] = {}
    for name in doc_type_by_name():
        by_fold.setdefault(fold(name), set()).add(name.upper())
    return {key: names.pop() for key, names in by_fold.items() if len(names) == 1}


def _fix_type_lines(text: str, corrections: list[str]) -> str:
    """ "KẺ HOẠCH" -> "KẾ HOẠCH": a line in capitals that is a document type but for a mark."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or len(stripped.split()) > 4 or not is_upper_line(stripped):
            continue
        name = _type_names().get(fold(stripped.rstrip(":")))
        if name and name != stripped.rstrip(":"):
            lines[index] = line.replace(stripped.rstrip(":"), name, 1)
            corrections.append(f"{stripped} -> {name}")
    return "\n".join(lines)


# --- all of it -------------------------------------------------------------------------------


def tidy(text: str) -> tuple[str, list[str]]:
    """One page's OCR output, normalized, corrected and reflowed; the corrections made."""
    corrections: list[str] = []
    text = normalize_text(text)

    def double_d(match: re.Match[str]) -> str:
        corrections.append("ĐĐ -> Đ")
        return "Đ"

    text = _DOUBLE_D.sub(double_d, text)

    def so(match: re.Match[str]) -> str:
        return {"sô": "số", "Sô": "Số", "SÔ": "SỐ"}[match["so"]]

    text = _SO.sub(so, text)

    def date_part(match: re.Match[str]) -> str:
        fixed = _digitized(match["num"]) if len(match["num"]) > 1 else None
        if fixed is None:
            return match.group()
        corrections.append(f"{match['word']} {match['num']} -> {match['word']} {fixed}")
        return f"{match['word']} {fixed}"

    text = _DATE_PART.sub(date_part, text)

    def number(match: re.Match[str]) -> str:
        fixed = _digitized(match.group())
        if fixed is None:
            return match.group()
        corrections.append(f"{match.group()} -> {fixed}")
        return fixed

    text = _NUMBER_TOKEN.sub(number, text)

    def split_number(match: re.Match[str]) -> str:
        joined = match["a"] + match["b"]
        if len(joined) > 5:
            return match.group()
        corrections.append(f"{match['a']} {match['b']} -> {joined}")
        return match["gap"] + joined

    text = _SPLIT_NUMBER.sub(split_number, text)

    def reference(match: re.Match[str]) -> str:
        rest = match["rest"]

        def segment(seg: re.Match[str]) -> str:
            fixed = fix_code(seg.group())
            if fixed is None:
                return seg.group()
            corrections.append(f"{seg.group()} -> {fixed}")
            return fixed

        return match.group()[: match.start("rest") - match.start()] + _SEGMENT.sub(segment, rest)

    text = _REFERENCE.sub(reference, text)
    text = _fix_markers(text, corrections)
    text = _fix_type_lines(text, corrections)
    return reflow(text), corrections
