"""The school year a document is for, and the year's theme (chủ đề năm học)."""

from __future__ import annotations

import re
from collections import Counter

from namhoc.ingest.dates import find_dates

_I = re.IGNORECASE
SCHOOL_YEAR = re.compile(
    r"năm\s+học\s*:?\s*(?P<a>(?:19|20)\d\d)\s*-\s*(?P<b>(?:19|20)\d\d)(?!\d)", _I
)
THEME = re.compile(
    r"chủ\s+đề(?:\s+của)?\s+năm\s+học(?:\s*(?P<a>(?:19|20)\d\d)\s*-\s*(?P<b>(?:19|20)\d\d))?"
    r"\s*(?:là|được\s+xác\s+định\s+là|được\s+chọn\s+là)?\s*:?\s*[“\"«]\s*(?P<theme>[^”\"»\n]{3,300}?)\s*[”\"»]",
    _I,
)
# "... năm học 2024-2025 với chủ đề “...”": the theme inside a sentence about the year.
THEME_IN_SENTENCE = re.compile(
    r"năm\s+học(?:\s*(?P<a>(?:19|20)\d\d)\s*-\s*(?P<b>(?:19|20)\d\d))?[^.;:\n“”\"«»]{0,120}?"
    r"\b(?:với|có|theo|mang|lấy)\s+chủ\s+đề\s*(?:là|:)?\s*[“\"«]\s*(?P<theme>[^”\"»\n]{3,300}?)\s*[”\"»]",
    _I,
)
THEME_PLAIN = re.compile(
    r"chủ\s+đề\s+năm\s+học(?:\s*(?P<a>(?:19|20)\d\d)\s*-\s*(?P<b>(?:19|20)\d\d))?\s*(?:là)?\s*:\s*"
    r"(?P<theme>[^\n.]{3,200})",
    _I,
)


def _valid(a: str, b: str) -> str | None:
    return f"{a}-{b}" if int(b) == int(a) + 1 else None


def find_theme(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """(theme, school year named with it)."""
    for pattern in (THEME, THEME_IN_SENTENCE, THEME_PLAIN):
        match = pattern.search(text, start, end)
        if match:
            theme = " ".join(match["theme"].split()).strip(" ;,")
            year = _valid(match["a"], match["b"]) if match["a"] else None
            if pattern is THEME_PLAIN and len(theme.split()) > 20:
                continue
            return theme, year
    return None, None


def school_year_of(iso_date: str) -> str:
    year, month = int(iso_date[:4]), int(iso_date[5:7])
    return f"{year}-{year + 1}" if month >= 8 else f"{year - 1}-{year}"


def find_school_year(
    text: str,
    start: int,
    end: int,
    *,
    title: str | None,
    lead_end: int,
    theme_year: str | None,
    known_dates: list[str],
) -> str | None:
    """The school year: with the theme, in the title, in the lead, by the date, or most named."""
    if theme_year:
        return theme_year
    if title:
        for match in SCHOOL_YEAR.finditer(title):
            year = _valid(match["a"], match["b"])
            if year:
                return year
    mentioned: list[str] = []
    for match in SCHOOL_YEAR.finditer(text, start, end):
        year = _valid(match["a"], match["b"])
        if year:
            if match.start() < lead_end:
                return year
            mentioned.append(year)
    if not mentioned:
        return None
    dates = list(known_dates)
    if not dates:
        first = find_dates(text, start, min(end, start + 3000))
        dates = [first[0][0]] if first else []
    for iso in dates:
        year = school_year_of(iso)
        if year in mentioned:
            return year
    # No anchor: the one school year the text names most, if it names it more than once.
    (year, count), *_ = Counter(mentioned).most_common(1)
    return year if count >= 2 else None
