"""Key tasks: the list a document declares ("các nhiệm vụ trọng tâm", "Bảy nhiệm vụ ..."), or
the work its own layout shows.

In this order, the first that finds tasks wins:

1. Where the document announces its key tasks (a heading "NHIỆM VỤ TRỌNG TÂM", or a sentence
   "... các nhiệm vụ trọng tâm sau:", "Bảy nhiệm vụ trọng tâm bao gồm:"; a mention inside a
   legal basis, "Căn cứ ... về nhiệm vụ trọng tâm năm học ...;", announces nothing), the first
   numbered list after it that is not the plan's purpose or requirements.
2. Where a count is declared but nothing is numbered, the following paragraphs split into that
   many tasks (:func:`~namhoc.ingest.tasks.paragraphs.segment`).
3. A decision whose "Điều 1" issues or approves numbered items (the school-year calendar): those
   items; a decision that issues a plan attached after its signature: the plan's tasks.
4. The document's own numbered structure (:func:`~namhoc.ingest.tasks.structure.from_structure`).
5. Paragraphs that each open with what to do, in a news article or a plan
   (:func:`~namhoc.ingest.tasks.paragraphs.action_paragraphs`).

Every way but the first says with a warning where the tasks came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from namhoc.ingest.messages import ReaderWarning, warning
from namhoc.ingest.model import OutlineNode, Task
from namhoc.ingest.tasks.common import first_sentence, groups, not_tasks, task_of, title_of
from namhoc.ingest.tasks.paragraphs import action_paragraphs, segment
from namhoc.ingest.tasks.structure import (
    LEGAL_TYPES,
    PLAN_TYPES,
    attaches_plan,
    from_decision,
    from_structure,
)

__all__ = ["COUNT_ANCHOR", "PLAIN_ANCHOR", "find_tasks", "first_sentence", "title_of"]

_I = re.IGNORECASE
_NUMBER_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
    "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "mười ba": 13, "mười bốn": 14,
    "mười lăm": 15,
}  # fmt: skip
_COUNT_WORD = r"\d{1,2}|mười(?:\s+(?:một|hai|ba|bốn|lăm))?|một|hai|ba|bốn|năm|sáu|bảy|tám|chín"
COUNT_ANCHOR = re.compile(
    r"(?<![\w])(?P<count>" + _COUNT_WORD + r")\s+(?:nhóm\s+)?nhiệm\s+vụ"
    r"(?:\s*(?:,|và)\s*giải\s+pháp)?(?:\s+(?:trọng\s+tâm|chủ\s+yếu|trọng\s+điểm|cơ\s+bản|chính))?",
    _I,
)
PLAIN_ANCHOR = re.compile(
    r"nhiệm\s+vụ(?:\s*(?:,|và)\s*(?:những\s+|các\s+)?giải\s+pháp)?\s+(?:trọng\s+tâm|chủ\s+yếu|"
    r"trọng\s+điểm)|các\s+nhiệm\s+vụ[^.\n]{0,80}?sau\s*:",
    _I,
)
# What comes before "nhiệm vụ" in COUNT_ANCHOR.
_COUNT_BEFORE = re.compile(r"(?<![\w])(?:" + _COUNT_WORD + r")\s+(?:nhóm\s+)?$", _I)
# Both anchors name "nhiệm vụ": found first, cheaply; the anchors are tried around it only.
_TASK_WORD = re.compile(r"nhiệm\s+vụ", _I)
_WINDOW = 3000
_HEADING_WORDS = 15
_MARKER = re.compile(
    r"^\s*(?:(?:Phần|PHẦN|Mục|MỤC)\s+[\wÀ-ỹ]+|[IVXLC]{1,6}|\d{1,2}|[a-zđ])[.:)]?\s*"
)


def _count(word: str) -> int | None:
    word = " ".join(word.lower().split())
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


@dataclass
class _Anchor:
    start: int
    end: int
    count: int | None


def _announces(text: str, start: int, end: int, limit: int) -> bool:
    """Whether the phrase at [start, end) announces a list: it heads its own short line
    ("I. NHIỆM VỤ TRỌNG TÂM"), or its line ends with a colon ("... sau:", "... Cụ thể:"), or a
    colon follows it in the same sentence ("... các nhiệm vụ trọng tâm sau: 1. ...")."""
    line_start = text.rfind("\n", 0, start) + 1
    newline = text.find("\n", end, limit)
    line_end = limit if newline < 0 else newline
    line = text[line_start:line_end].strip()
    if line.endswith(":"):
        return True
    rest = text[end:line_end]
    colon = rest.find(":")
    if colon >= 0 and not re.search(r"[.;](?:\s|$)", rest[:colon]):
        return True
    title = _MARKER.sub("", line, count=1)
    marked = len(title) < len(line)
    words = len(title.split())
    # A heading: "II. NHIỆM VỤ TRỌNG TÂM", "I. Nhiệm vụ trọng tâm." (a short one may end in ".").
    return words <= _HEADING_WORDS and (
        title[-1:] not in ".;," or (marked and words <= 8 and title.endswith("."))
    )


def _task_words(text: str, start: int, end: int) -> list[re.Match[str]]:
    """``_TASK_WORD.finditer``, from the places where "vụ" is written (fast plain-text search;
    "nhiệm" is then looked for before it)."""
    found: list[re.Match[str]] = []
    for tail in ("vụ", "Vụ", "VỤ", "vỤ"):
        at = text.find(tail, start, end)
        while at >= 0:
            lo = at
            while lo > start and text[lo - 1].isspace():
                lo -= 1
            match = _TASK_WORD.match(text, lo - 5, at + 2) if lo - 5 >= start else None
            if match is not None and match.end() == at + 2:
                found.append(match)
            at = text.find(tail, at + 2, end)
    found.sort(key=lambda m: m.start())
    return found


def _anchors(text: str, start: int, end: int) -> list[_Anchor]:
    found: dict[tuple[int, int], _Anchor] = {}
    for word in _task_words(text, start, end):
        lo, hi = max(start, word.start() - 40), min(end, word.end() + 120)
        counted = _COUNT_BEFORE.search(text, lo, word.start())  # "Bảy (nhóm) " before it?
        if counted is not None:
            match = COUNT_ANCHOR.match(text, counted.start(), hi)
            count = _count(match["count"]) if match else None
            if match and count and 2 <= count <= 30 and word.start() < match.end():
                found[(match.start(), match.end())] = _Anchor(match.start(), match.end(), count)
        plain = PLAIN_ANCHOR.match(text, word.start(), hi) or PLAIN_ANCHOR.match(
            text, max(start, word.start() - 4), hi
        )
        if plain is not None and (plain.start(), plain.end()) not in found:
            found[(plain.start(), plain.end())] = _Anchor(plain.start(), plain.end(), None)
    anchors = [a for a in found.values() if _announces(text, a.start, a.end, end)]
    anchors.sort(key=lambda a: (a.count is None, a.start))
    return anchors


def find_tasks(
    text: str,
    body_start: int,
    body_end: int,
    outline: list[OutlineNode],
    doc_type_code: str | None = None,
    *,
    kind: str = "document",
    guidance: bool = False,
    annex: tuple[int, int] | None = None,
) -> tuple[list[Task], list[ReaderWarning]]:
    """Key tasks in ``text[body_start:body_end]`` (see the module's docstring).

    ``kind``: "document" or "article" (news about a document); ``guidance``: a Công văn whose
    subject is "Hướng dẫn ..."; ``annex``: the text after a decision's closing block, read when
    the decision issues a plan attached to it.
    """
    warnings: list[ReaderWarning] = []
    tasks = _announced(text, body_start, body_end, outline, warnings)
    if tasks:
        return tasks, warnings
    if doc_type_code in LEGAL_TYPES:
        tasks = from_decision(text, body_start, body_end, outline, warnings=warnings)
        if tasks:
            return tasks, warnings
        if annex is not None and attaches_plan(outline, body_start, body_end):
            tasks, annex_warnings = find_tasks(text, *annex, outline, "KH")
            if tasks:
                return tasks, [*warnings, *annex_warnings]
        return [], warnings
    tasks = from_structure(
        text,
        body_start,
        body_end,
        outline,
        doc_type_code=doc_type_code,
        guidance=guidance,
        warnings=warnings,
    )
    if tasks:
        return tasks, warnings
    if kind == "article" or doc_type_code in PLAN_TYPES:
        tasks = action_paragraphs(text, body_start, body_end, warnings)
    return tasks, warnings


def _announced(
    text: str,
    body_start: int,
    body_end: int,
    outline: list[OutlineNode],
    warnings: list[ReaderWarning],
) -> list[Task]:
    runs = sorted(
        (g for g in groups(outline) if body_start <= g[0].start < body_end),
        key=lambda g: g[0].start,
    )
    for anchor in _anchors(text, body_start, body_end):
        group = next(
            (
                g
                for g in runs
                if anchor.end <= g[0].start <= anchor.end + _WINDOW
                and not all(not_tasks(node) for node in g)
            ),
            None,
        )
        if group is not None:
            if anchor.count is not None and anchor.count != len(group):
                warnings.append(
                    warning("tasks_count_mismatch", f"declared {anchor.count}, listed {len(group)}")
                )
            return [task_of(text, node) for node in group]
        if anchor.count is not None:
            tasks = segment(text, anchor.end, body_end, anchor.count, warnings)
            if tasks:
                return tasks
    return []
