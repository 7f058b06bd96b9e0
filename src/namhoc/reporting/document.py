"""A drafted document as plain data: what the built-in Word layout draws, what a unit's own
template receives as placeholders, and the tables of the Excel annex.

The words come from :mod:`namhoc.reporting.drafting`; the renderers
(:mod:`namhoc.reporting.builtin`, :mod:`namhoc.reporting.custom`, :mod:`namhoc.reporting.xlsx`)
never decide what to say, only how it looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from namhoc.reporting.xlsx import Table


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    note: int | None = None  # the number of a source note, drawn as a superscript after the text


@dataclass(frozen=True)
class Para:
    """A paragraph. ``style``: ``body`` (justified, first-line indent), ``heading`` (I., II.:
    bold), ``subheading`` (1., 2.: bold), ``item`` (a dash list line), ``placeholder`` (to be
    written by the unit: italic, marked)."""

    runs: tuple[Run, ...]
    style: str = "body"

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class BodyTable:
    """A small table inside the body (the full tables are in the annex)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_mm: tuple[float, ...]
    numeric: tuple[bool, ...]  # right-aligned columns
    caption: str = ""


Block = Para | BodyTable


@dataclass(frozen=True)
class Header:
    upper_body: str  # "UBND THÀNH PHỐ HẢI PHÒNG" ("" for the Ministry)
    issuer: str  # "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    symbol: str  # "BC-SGDĐT": the number itself is left blank to fill in
    place: str  # "Hải Phòng"
    year: int | str  # the year the document will be signed in (a tag in the starter template)

    @property
    def number_line(self) -> str:
        return f"Số:      /{self.symbol}"

    @property
    def place_date(self) -> str:
        return f"{self.place}, ngày      tháng      năm {self.year}"


@dataclass(frozen=True)
class Signature:
    title: str  # "GIÁM ĐỐC"
    name: str  # "" when not given: a dotted line to fill in
    placeholder: str = "(Ký, ghi rõ họ tên, đóng dấu)"


@dataclass
class Document:
    kind: str
    header: Header
    type_name: str  # "BÁO CÁO", "KẾ HOẠCH"
    summary: str  # the summary line (trích yếu)
    opening: list[Para]
    body: list[Block]
    closing: Para
    notes: list[str]  # numbered source notes; Run.note points into this list (1-based)
    signature: Signature
    recipients: list[str]
    annex: list[Table] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)  # placeholders of a unit's template

    @property
    def filename_stem(self) -> str:
        return self.context.get("ten_tep", "bao-cao")
