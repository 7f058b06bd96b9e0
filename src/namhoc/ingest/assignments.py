"""Assignments of responsibility: "giao X chủ trì, phối hợp với Y ..." -> lead X, support Y."""

from __future__ import annotations

import re
from collections.abc import Iterator

from namhoc.ingest.model import Assignment

_I = re.IGNORECASE
_ORG = (
    r"(?:Sở|Phòng|Ủy ban|UBND|Ban|Bộ|Trung tâm|Trường|Các|các|Công an|Đoàn|Hội|Văn phòng|"
    r"Thanh tra|Liên đoàn|Thủ trưởng|Chủ tịch|Hiệu trưởng|Giám đốc|Cơ quan|Công đoàn|"
    r"Bảo hiểm|Đài|Báo|Cục|Vụ|Tổ|Hội đồng|HĐND|Huyện|Tỉnh|Thành)"
)
GIVEN = re.compile(
    r"giao\s+(?:cho\s+)?(?P<lead>[^,;.:\n]{2,100}?)\s+(?:chủ\s+trì|chủ\s+động|có\s+trách\s+nhiệm|"
    r"làm\s+đầu\s+mối|là\s+cơ\s+quan\s+thường\s+trực)",
    _I,
)
LEADS = re.compile(r"(?P<lead>" + _ORG + r"[^,;.:\n]{0,80}?)\s*,?\s+chủ\s+trì(?!\s+(?:hội|cuộc))")
SUPPORT = re.compile(
    r"phối\s+hợp\s+(?:tốt\s+|chặt\s+chẽ\s+)?(?:với|cùng)\s+(?P<support>[^;.:\n]{2,160}?)"
    r"(?=\s+(?:tham\s+mưu|triển\s+khai|xây\s+dựng|tổ\s+chức|thực\s+hiện|hướng\s+dẫn|kiểm\s+tra|"
    r"rà\s+soát|báo\s+cáo|trình|đề\s+xuất|chỉ\s+đạo|tích\s+cực|để|nhằm|trong|theo|về|"
    r"(?-i:nghiên\s+cứu|giải\s+quyết|xử\s+lý|bồi\s+dưỡng|tuyên\s+truyền))\b|[;.:\n]|$)",
    _I,
)
SUPPORTS = re.compile(
    r"(?P<support>"
    + _ORG
    + r"[^;.\n]{0,80}?)\s+phối\s+hợp\s+(?:tốt\s+|chặt\s+chẽ\s+)?(?:với|cùng)\s+"
    r"(?P<lead>(?:" + _ORG + r")[^,;.:\n]{0,80}?)"
    r"(?=\s+(?:tham\s+mưu|triển\s+khai|xây\s+dựng|tổ\s+chức|thực\s+hiện|hướng\s+dẫn|kiểm\s+tra|"
    r"rà\s+soát|báo\s+cáo|trình|đề\s+xuất|chỉ\s+đạo|trong|để|nhằm)\b|[,;.:\n]|$)"
)
_STOP = re.compile(r"[.\n]")
# "... về Bộ Giáo dục và Đào tạo để chủ trì": the purpose word is not part of the unit.
_TRAILING_WORD = re.compile(r"\s+(?:để|sẽ|cần|phải|thì)$")
_ORG_START = re.compile(_ORG + r"\b", _I)


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:-")


def _sentence(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    left = max(text.rfind(".", lo, pos), text.rfind("\n", lo, pos), lo - 1) + 1
    stop = _STOP.search(text, pos, hi)
    right = stop.start() + 1 if stop else hi
    return left, right


# LEADS and SUPPORTS contain these words; they are found first (fast: plain text) and the
# patterns tried around them only.
_LEAD_WORD = re.compile(r"chủ\s+trì")
_SUPPORT_WORD = re.compile(r"phối\s+hợp")
_BEFORE = 110  # a unit's name (at most 90 characters) and what joins it to the keyword
_AFTER = 250  # the keyword, the other unit (80) and the context the pattern looks at


def _around(
    pattern: re.Pattern[str], keyword: re.Pattern[str], text: str, start: int, end: int
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, start, end)``, for a pattern whose matches all hold a match of
    ``keyword`` less than _BEFORE characters (and the spaces and commas before the keyword)
    after their start and end less than _AFTER characters after it."""
    done = start
    for word in keyword.finditer(text, start, end):
        if word.start() < done:
            continue
        lo = word.start()
        while lo > done and text[lo - 1] in " \t\n,":
            lo -= 1
        match = pattern.search(text, max(done, lo - _BEFORE), min(end, word.end() + _AFTER))
        # A match of a later keyword is left for that keyword's own, wider, window.
        if match is not None and match.start() <= word.start() < match.end():
            done = match.end()
            yield match


def find_assignments(text: str, start: int, end: int) -> list[Assignment]:
    out: list[Assignment] = []
    taken: set[int] = set()
    found = (GIVEN.finditer(text, start, end), _around(LEADS, _LEAD_WORD, text, start, end))
    for pattern, matches in zip((GIVEN, LEADS), found, strict=True):
        for match in matches:
            if any(match.end() + delta in taken for delta in range(-4, 5)):
                continue
            lead = _clean(match["lead"])
            if pattern is LEADS:
                lead = re.split(r"\bgiao\s+(?:cho\s+)?", lead)[-1]
                lead = _clean(_TRAILING_WORD.sub("", lead))
            if not _ORG_START.match(lead):
                continue
            s_start, s_end = _sentence(text, match.start(), start, end)
            support_match = SUPPORT.search(text, match.end(), s_end)
            support = [_clean(support_match["support"])] if support_match else []
            taken.add(match.end())
            out.append(Assignment([lead], support, _clean(text[s_start:s_end]), s_start, s_end))
    sentence_starts = {a.start for a in out}
    for match in _around(SUPPORTS, _SUPPORT_WORD, text, start, end):
        s_start, s_end = _sentence(text, match.start(), start, end)
        if s_start in sentence_starts:
            continue
        sentence_starts.add(s_start)
        clause_start = max(text.rfind(";", s_start, match.start()), s_start - 1) + 1
        unit = _clean(text[clause_start : match.start("support") + len(match["support"])])
        if ":" in unit:
            unit = _clean(unit.rsplit(":", 1)[0])
        out.append(
            Assignment([_clean(match["lead"])], [unit], _clean(text[s_start:s_end]), s_start, s_end)
        )
    out.sort(key=lambda a: a.start)
    return out
