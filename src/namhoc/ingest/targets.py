"""Numeric targets and results: "tỷ lệ ... đạt 66,37%", "huy động 100% trẻ", "32 học sinh"."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from namhoc.ingest.dates import find_dates
from namhoc.ingest.model import Target

_I = re.IGNORECASE
PERCENT = re.compile(r"(?<![\w.,])(?P<num>\d{1,3}(?:[.,]\d{1,3})?)\s?%")
UNITS = (
    "học sinh|trẻ em|trẻ|trường|giải|văn bản|giáo viên|cán bộ|lớp học|lớp|phòng học|hồ sơ|"
    "đơn vị|xã|phường|nhà giáo|chỉ tiêu|điểm trường|cơ sở giáo dục|cơ sở|học viên|sinh viên|"
    "nhân viên|huy chương|công trình|thí sinh|sáng kiến|đề tài|lượt|thư viện|máy tính|bộ thiết bị"
)
COUNT = re.compile(
    r"(?<![\w.,/\-])(?P<num>\d{1,3}(?:\.\d{3})+|\d{1,7})\s+(?P<unit>" + UNITS + r")(?![\w])"
)
# A share of an exam's marks or of its syllabus is not a target: "Tự luận (30% tổng số điểm)",
# "khoảng 10 % kiến thức lớp 8", "Nội dung lớp 12 (khoảng 80 %)".
_SHARE_AFTER = re.compile(r"(?:\s*-\s*\d{1,3}\s?%)?\s*(?:(?:tổng\s+)?số\s+điểm|kiến\s+thức\b)", _I)
_SHARE_LINE = re.compile(
    r"\s*(?:[-+•]\s*)?(?:(?:[IVX]{1,4}|\d{1,2}(?:\.\d{1,2})*)\.?\s*){0,2}"
    r"(?:Nội\s+dung|(?:Phần\s+)?[Kk]iến\s+thức)\b[^.;\n]{0,60}$"
)
_RESULT = re.compile(r"\bđã\b|đạt được|kết quả|năm qua|năm học vừa qua", _I)
_SENTENCE_STOP = re.compile(r"[.;\n](?=\s|$)")


def _value(num: str, percent: bool) -> float:
    if percent:
        return float(num.replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num):
        return float(num.replace(".", ""))
    return float(num.replace(",", "."))


def _sentence(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    left = max(lo, start - 400)
    cut = left
    for match in _SENTENCE_STOP.finditer(text, left, start):
        cut = match.end()
    right_match = _SENTENCE_STOP.search(text, end, min(hi, end + 400))
    right = right_match.start() + 1 if right_match else min(hi, end + 400)
    return cut, right


# The places where a target can end: found cheaply first; the full patterns are tried there only.
# (A number followed by a word that starts like one of the units.)
_COUNT_CANDIDATE = re.compile(
    r"\d\s+(?=" + "|".join(sorted({re.escape(unit[:2]) for unit in UNITS.split("|")})) + ")"
)


def _percents(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``PERCENT.finditer(text, start, end)``, tried only before each "%"."""
    at = text.find("%", start, end)
    while at >= 0:
        first = at - 1 if at - 1 >= start and text[at - 1].isspace() else at
        while (
            first > start
            and first > at - 9
            and (text[first - 1].isdigit() or text[first - 1] in ".,")
        ):
            first -= 1
        match = PERCENT.match(text, first, end)
        if match is not None:
            yield match
        at = text.find("%", at + 1, end)


def _counts(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``COUNT.finditer(text, start, end)``, tried only at numbers followed by a word."""
    done = start
    for candidate in _COUNT_CANDIDATE.finditer(text, start, end):
        first = candidate.start()
        if first < done:
            continue
        while first > done and (text[first - 1].isdigit() or text[first - 1] == "."):
            first -= 1
        match = COUNT.match(text, first, end)
        if match is not None:
            done = match.end()
            yield match


def _in_date(text: str, a: int, b: int, lo: int, hi: int) -> bool:
    """Whether [a, b) lies in a date ("năm 2024 học sinh" is a year, not 2024 pupils). A date is
    under 40 characters: only the dates around the candidate are looked for."""
    return any(
        ds < b and de > a for _iso, ds, de in find_dates(text, max(lo, a - 40), min(hi, b + 41))
    )


def find_targets(text: str, start: int, end: int, excluded: list[tuple[int, int]]) -> list[Target]:
    """Targets and results in ``text[start:end]``, none inside the ``excluded`` spans (the
    citations) or inside a date."""
    out: list[Target] = []
    merged: list[list[int]] = []
    for x, y in sorted(excluded):
        if merged and x <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], y)
        else:
            merged.append([x, y])
    starts = [x for x, _y in merged]

    def blocked(a: int, b: int) -> bool:
        index = bisect.bisect_right(starts, b - 1) - 1
        return index >= 0 and merged[index][1] > a

    found: list[tuple[int, int, float, str]] = []
    for match in _percents(text, start, end):
        if _SHARE_AFTER.match(text, match.end()) or _SHARE_LINE.match(
            text, text.rfind("\n", start, match.start()) + 1, match.start()
        ):
            continue
        found.append((match.start(), match.end(), _value(match["num"], True), "%"))
    for match in _counts(text, start, end):
        found.append((match.start(), match.end(), _value(match["num"], False), match["unit"]))
    found.sort()
    for a, b, value, unit in found:
        if blocked(a, b) or _in_date(text, a, b, start, end):
            continue
        s_start, s_end = _sentence(text, a, b, start, end)
        sentence = " ".join(text[s_start:s_end].split())
        kind = "result" if _RESULT.search(sentence) else "target"
        out.append(Target(value, unit, text[a:b], kind, sentence, a, b))
    return out
