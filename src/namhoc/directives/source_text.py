"""The stored text of a source, read a page at a time (issue 9, item 3).

A source's normalized text can be long (3,000,000 characters at the reading limit; 169 million
before there was one), and only the review page shows it. Every other read of a source defers
``text`` and ``extraction``; the review page asks for one page of ~50,000 characters, cut by
the database (``SUBSTR``), with the tasks' spans marked inside it, and for the two parts of the
reader's result it shows (outline, warnings) — never the whole text or the whole result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Value
from django.db.models.functions import Length, Substr

from namhoc.directives.models import DirectiveTask, SourceDocument

__all__ = ["PAGE_CHARS", "SourceTextPage", "TextSegment", "source_outline", "source_text_page"]

PAGE_CHARS = 50_000
PAGE_PARAMETER = "trang_vb"  # ?trang_vb=3 on the review page


@dataclass(frozen=True)
class TextSegment:
    text: str
    task_id: int | None = None
    anchor: bool = False  # the segment holds the start of its task's span (the link target)


@dataclass(frozen=True)
class SourceTextPage:
    number: int  # 1-based
    count: int
    length: int  # characters of the whole text
    start: int  # offset of the page's first character
    segments: list[TextSegment]
    task_pages: dict[int, int] = field(default_factory=dict)  # task id -> page of its start

    @property
    def end(self) -> int:
        return min(self.start + PAGE_CHARS, self.length)

    @property
    def paged(self) -> bool:
        return self.count > 1

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    def href(self, task_id: int, current: int | None = None) -> str:
        """The link to a task's text: on this page an anchor, on another the page and anchor."""
        page = self.task_pages.get(task_id)
        if page is None or page == (current or self.number):
            return f"#nv-{task_id}"
        return f"?{PAGE_PARAMETER}={page}#nv-{task_id}"


def _page_number(raw: Any, count: int) -> int:
    try:
        number = int(str(raw))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), count)  # out of range: the nearest page


def source_text_page(
    source_id: int, tasks: Iterable[DirectiveTask], page: Any = None
) -> SourceTextPage:
    """Page ``page`` (1-based; anything else: the first, or the nearest) of the source's text,
    cut at the tasks' spans. Costs one query that returns at most PAGE_CHARS characters."""
    length = (
        SourceDocument.objects.filter(pk=source_id)
        .annotate(n=Length("text"))
        .values_list("n", flat=True)
        .first()
    ) or 0
    count = max(1, math.ceil(length / PAGE_CHARS))
    number = _page_number(page, count)
    start = (number - 1) * PAGE_CHARS
    chunk = (
        SourceDocument.objects.filter(pk=source_id)
        .annotate(chunk=Substr("text", Value(start + 1), Value(PAGE_CHARS)))
        .values_list("chunk", flat=True)
        .first()
    ) or ""
    spans = sorted(
        (t.start, t.end, t.pk)
        for t in tasks
        if t.start is not None and t.end is not None and 0 <= t.start < t.end <= length
    )
    task_pages = {pk: s // PAGE_CHARS + 1 for s, _e, pk in spans}
    end = start + len(chunk)
    segments: list[TextSegment] = []
    cursor = start
    covered = 0  # where the last kept span ended (overlapping spans keep the first)
    for s, e, pk in spans:
        if s < covered:
            continue
        covered = e
        if e <= start or s >= end:
            continue
        s_in, e_in = max(s, start), min(e, end)
        if s_in > cursor:
            segments.append(TextSegment(chunk[cursor - start : s_in - start]))
        segments.append(
            TextSegment(chunk[s_in - start : e_in - start], task_id=pk, anchor=s >= start)
        )
        cursor = e_in
    if cursor < end:
        segments.append(TextSegment(chunk[cursor - start :]))
    return SourceTextPage(
        number=number,
        count=count,
        length=length,
        start=start,
        segments=segments,
        task_pages=task_pages,
    )


def source_outline(source_id: int) -> tuple[list[Any], list[Any]]:
    """The outline and the warnings of the reader's result, without loading the rest of it."""
    row = (
        SourceDocument.objects.filter(pk=source_id)
        .values_list("extraction__outline", "extraction__warnings")
        .first()
    )
    if row is None:
        return [], []
    outline, warnings = row
    return (
        list(outline) if isinstance(outline, list) else [],
        list(warnings) if isinstance(warnings, list) else [],
    )
