"""Dates as Vietnamese documents write them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

_YEAR_MIN, _YEAR_MAX = 1945, 2100

# "ngày 05 tháng 8 năm 2025", "ngày 19/8/2022", "24/03/2023", "9-10-2018", "16.8.2020"
LONG_DATE = re.compile(
    r"(?:ngày|Ngày|NGÀY)\s{0,3}(?P<d>\d{1,2})\s{0,3}(?:tháng|THÁNG)\s{0,3}(?P<m>\d{1,2})"
    r"\s{0,3}(?:năm|NĂM)\s{0,3}(?P<y>\d{4})(?!\d)"
)
_NGAY = re.compile(r"(?:[Nn]g[àa]y)?\s{0,2}")
SHORT_DATE = re.compile(
    r"(?<![\d/.-])(?P<d>\d{1,2})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})(?!\d)"
)
# What follows the day of a short date: found first (cheaply), SHORT_DATE is tried only there.
_SHORT_TAIL = re.compile(r"[/.-]\d{1,2}[/.-]\d{4}")


def make_date(day: str | int, month: str | int, year: str | int) -> str | None:
    """ISO ``YYYY-MM-DD`` or None when the parts do not make a date."""
    try:
        value = date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None
    if not _YEAR_MIN <= value.year <= _YEAR_MAX:
        return None
    return value.isoformat()


def parse_date_at(text: str, pos: int) -> tuple[str, int] | None:
    """A date that starts at ``pos`` (after spaces and an optional "ngày"); (iso, end)."""
    match = LONG_DATE.match(text, pos)
    if match:
        iso = make_date(match["d"], match["m"], match["y"])
        return (iso, match.end()) if iso else None
    probe = _NGAY.match(text, pos)
    start = probe.end() if probe else pos
    match = SHORT_DATE.match(text, start)
    if match:
        iso = make_date(match["d"], match["m"], match["y"])
        return (iso, match.end()) if iso else None
    return None


def short_dates(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``SHORT_DATE.finditer(text, start, end)``, tried only before a "/mm/yyyy" tail."""
    done = start
    for tail in _SHORT_TAIL.finditer(text, start, end):
        first = tail.start()
        while first > done and first > tail.start() - 2 and text[first - 1].isdigit():
            first -= 1
        if first == tail.start() or first < done:
            continue
        match = SHORT_DATE.match(text, first, end)
        if match is not None:
            done = match.end()
            yield match


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """Every full date in ``text[start:end]`` as (iso, start, end), in order."""
    end = len(text) if end is None else end
    found: list[tuple[str, int, int]] = []
    for match in LONG_DATE.finditer(text, start, end):
        iso = make_date(match["d"], match["m"], match["y"])
        if iso:
            found.append((iso, match.start(), match.end()))
    for match in short_dates(text, start, end):
        iso = make_date(match["d"], match["m"], match["y"])
        if iso:
            found.append((iso, match.start(), match.end()))
    found.sort(key=lambda item: item[1])
    return found
