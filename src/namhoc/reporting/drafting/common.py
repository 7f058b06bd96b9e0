"""Shared pieces of the drafted words: numbers and dates the Vietnamese way, source notes,
shortened quotes, references to documents, and matching a directive's target to an indicator."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from namhoc.core.formats import format_date, format_number
from namhoc.core.text import fold
from namhoc.reporting.data import DirectiveInfo, IndicatorRow, Rate, TargetInfo
from namhoc.reporting.document import Para, Run

Progress = Callable[[int, str], None]

PLACEHOLDER_MARK = "[Đơn vị bổ sung: "


def noop_progress(percent: int, stage: str) -> None:
    """Progress reports go nowhere (the CLI and tests)."""


def num(value: Decimal | int | float | None, decimals: int | None = None) -> str:
    return format_number(value, decimals)


def pct(value: Decimal | float | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{format_number(value, decimals)}%"


def day(value: dt.date | None) -> str:
    return format_date(value, "—")


def shorten(text: str, limit: int = 240) -> str:
    """One line of at most ``limit`` characters, cut at a word, with "…" when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def names(items: Sequence[str], limit: int = 5, *, more: str = "đơn vị") -> str:
    """ "A, B, C và 4 đơn vị khác": a list cut in the text, saying how much is left."""
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return f"{shown} và {num(rest)} {more} khác" if rest > 0 else shown


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def value_text(row: IndicatorRow, value: Decimal | None, *, exact: bool = False) -> str:
    """An indicator's value with its decimals (a target: as given, ``exact``), ``%`` for rates."""
    if value is None:
        return "—"
    text = num(value) if exact else num(value, row.decimals)
    return f"{text}%" if row.unit_label == "%" else text


_CAPITALS = (
    ("ủy ban nhân dân", "Ủy ban nhân dân"),
    ("ubnd", "UBND"),
    ("giáo dục và đào tạo", "Giáo dục và Đào tạo"),
    ("văn hóa - xã hội", "Văn hóa - Xã hội"),
    ("gdđt", "GDĐT"),
)


def sentence_case(text: str, proper_name: str = "") -> str:
    """An issuer copied from a header in capitals ("ỦY BAN NHÂN DÂN XÃ AN LẠC") as running text
    ("Ủy ban nhân dân xã An Lạc"), the place written as in ``proper_name`` (the unit's name);
    text that is not all capitals is kept."""
    if not text.isupper():
        return text
    result = text[:1] + text[1:].lower()
    for lower, proper in _CAPITALS:
        result = result.replace(lower, proper)
    words = proper_name.split()
    for start in range(len(words)):  # "Xã An Lạc", then "An Lạc", then "Lạc"
        phrase = " ".join(words[start:])
        if start and phrase.lower() in result:
            result = result.replace(phrase.lower(), phrase)
            break
    return result


def reference(directive: DirectiveInfo) -> str:
    """ "Kế hoạch số 1520/KH-SGDĐT ngày 05/09/2025 của Sở Giáo dục và Đào tạo về ..." """
    kind = directive.doc_type or "Văn bản"
    parts = [f"{kind} số {directive.number}" if directive.number else kind]
    if directive.issued_on:
        parts.append(f"ngày {day(directive.issued_on)}")
    issuer = sentence_case(directive.issuer, directive.unit_name)
    parts.append(f"của {issuer or directive.unit_name}")
    text = " ".join(parts)
    if directive.title:
        text += f" về {lower_first(directive.title.rstrip('.'))}"
    return text


@dataclass
class Notes:
    """Numbered source notes: every number in the body points at one (or at an annex row)."""

    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> int:
        if text in self.items:
            return self.items.index(text) + 1
        self.items.append(text)
        return len(self.items)


def para(*parts: str | Run, style: str = "body") -> Para:
    return Para(runs=tuple(Run(p) if isinstance(p, str) else p for p in parts), style=style)


def placeholder(text: str) -> Para:
    """A paragraph the unit writes itself: marked, in italics."""
    return Para(runs=(Run(f"{PLACEHOLDER_MARK}{text}]", italic=True),), style="placeholder")


def rate_sentence(rate: Rate) -> str:
    """ "7 hoàn thành đúng hạn; 2 quá hạn chưa hoàn thành; tỷ lệ hoàn thành đúng hạn 77,8%"
    (statuses with no work are left out)."""
    counts = (
        (rate.done_on_time, "hoàn thành đúng hạn"),
        (rate.done_late, "hoàn thành quá hạn"),
        (rate.overdue, "quá hạn chưa hoàn thành"),
        (rate.in_progress, "đang thực hiện trong hạn"),
    )
    parts = [f"{num(n)} {label}" for n, label in counts if n]
    share = (
        f"tỷ lệ hoàn thành đúng hạn {pct(rate.percent)}"
        if rate.percent is not None
        else "chưa có việc đến hạn để tính tỷ lệ đúng hạn"
    )
    return f"{'; '.join(parts)}; {share}"


# --- a directive's target and the indicator that measures it --------------------------------

_GENERIC = frozenset(
    {
        "ty",
        "le",
        "so",
        "cac",
        "cap",
        "hoc",
        "va",
        "cua",
        "trong",
        "tren",
        "duoi",
        "theo",
        "dat",
        "binh",
        "quan",
        "mot",
        "nhom",
        "lop",
        "tong",
        "sinh",
        "tre",
        "em",
        "giao",
        "vien",
        "den",
        "ra",
    }
)
_WORD = re.compile(r"[0-9a-z]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(fold(re.sub(r"\([^)]*\)", " ", text)))) - _GENERIC


def match_indicator(target: TargetInfo, rows: Iterable[IndicatorRow]) -> IndicatorRow | None:
    """The indicator a directive's target speaks of, by the words of the indicator's name found
    in the target's sentence (most of them, the best match, the same unit of measure) — or None
    when no indicator fits well enough to be shown as "what was reached"."""
    said = _words(target.sentence)
    percent = target.unit_label.strip() == "%"
    best: tuple[float, int, IndicatorRow] | None = None
    for row in rows:
        if (row.unit_label.strip() == "%") != percent:
            continue
        wanted = _words(row.name)
        if not wanted:
            continue
        score = len(wanted & said) / len(wanted)
        key = (score, -len(wanted), row)
        if score >= 0.75 and (best is None or key[:2] > best[:2]):
            best = key
    return best[2] if best is not None else None
