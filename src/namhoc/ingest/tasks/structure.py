"""Key tasks from a document's own numbered structure, when it names no key-task list."""

from __future__ import annotations

import re

from namhoc.ingest.messages import ReaderWarning, warning
from namhoc.ingest.model import OutlineNode, Task
from namhoc.ingest.tasks.common import (
    NOT_TASKS,
    heading,
    is_heading,
    not_tasks,
    numbered,
    numbered_children,
    task_of,
)

_I = re.IGNORECASE
# Sections whose heading names the work, best first: "NHIỆM VỤ CỤ THỂ"; "NHIỆM VỤ VÀ GIẢI PHÁP",
# "CÁC NHIỆM VỤ"; "NỘI DUNG", "CÁC HOẠT ĐỘNG" or another short heading naming "nhiệm vụ";
# last "NHIỆM VỤ CHUNG" (a preamble that the specific tasks then spell out).
_HEAD_SPECIFIC = re.compile(r"^(?:(?:các|những)\s+)?nhiệm\s+vụ\b.{0,40}\bcụ\s+thể\b")
_HEAD_TASKS = re.compile(
    r"^(?:(?:các|những)\s+)?(?:nhóm\s+)?(?:nhiệm\s+vụ|giải\s+pháp|công\s+việc)\b(?!\s+chung\b)"
)
_HEAD_CONTENT = re.compile(r"^(?:(?:các|những)\s+)?(?:nội\s+dung|hoạt\s+động)\b")
_HEAD_GENERAL = re.compile(r"^nhiệm\s+vụ\s+chung\b")
_HEAD_MENTIONS = re.compile(r"\bnhiệm\s+vụ\b")
_HEAD_RANKS = (_HEAD_SPECIFIC, _HEAD_TASKS, _HEAD_CONTENT, _HEAD_MENTIONS)
_TOP_KINDS = frozenset({"roman", "decimal", "upper"})
# Documents whose numbered parts are never key tasks (a decision's or a circular's articles).
LEGAL_TYPES = frozenset({"QĐ", "NĐ", "TT", "TTLT", "NQLT", "VBHN", "QH", "L", "PL", "LĐ", "NQ"})
# Documents that are plans by nature: their top-level numbered items are the work.
PLAN_TYPES = frozenset({"KH", "CT", "CTr", "PA", "ĐA", "HD"})
# "... ban hành Kế hoạch như sau:", "... xây dựng kế hoạch thực hiện như sau:"
_PLAN_LEAD = re.compile(
    r"(?:ban\s+hành|xây\s+dựng|triển\s+khai)\s+(?:kế\s+hoạch|chương\s+trình|chỉ\s+thị)"
    r"[^.\n]{0,160}?(?:như\s+sau|sau\s+đây)\s*:",
    _I,
)
_ANNEX = re.compile(r"(?:PHỤ\s+LỤC|DANH\s+(?:SÁCH|MỤC)|BIỂU\s+MẪU|MẪU\s+SỐ)\b")
# A decision's first article that issues or approves what follows: "Điều 1. Ban hành Kế hoạch
# thời gian năm học ... như sau:", "Điều 1. Phê duyệt Kế hoạch ... với các nội dung sau:".
_ISSUES = re.compile(r"^(?:ban\s+hành|phê\s+duyệt|quy\s+định|giao)\b", _I)
# "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch ...": the plan follows the signature.
_ATTACHED = re.compile(
    r"^(?:ban\s+hành|phê\s+duyệt)\s+(?:kèm\s+theo\s+quyết\s+định\s+này\s+)?"
    r"(?:kế\s+hoạch|chương\s+trình|khung\s+kế\s+hoạch)",
    _I,
)


def _section_rank(node: OutlineNode) -> int | None:
    text = heading(node)
    if _HEAD_GENERAL.match(text):
        rank: int | None = len(_HEAD_RANKS)
    else:
        rank = next((r for r, head in enumerate(_HEAD_RANKS) if head.search(text)), None)
    if rank is None or not is_heading(text) or NOT_TASKS.match(text):
        return None
    return rank


def _walk(
    nodes: list[OutlineNode], start: int, end: int, outside: bool = False
) -> list[tuple[OutlineNode, bool]]:
    """Nodes that begin in [start, end), in document order, each with whether it lies inside a
    section that is not tasks ("III. TỔ CHỨC THỰC HIỆN" > "1. Nhiệm vụ của các trường")."""
    out: list[tuple[OutlineNode, bool]] = []
    for node in nodes:
        if node.start >= end or node.end <= start:
            continue
        if node.start >= start:
            out.append((node, outside))
        if node.children:
            out.extend(_walk(node.children, start, end, outside or not_tasks(node)))
    return out


def from_structure(
    text: str,
    body_start: int,
    body_end: int,
    outline: list[OutlineNode],
    *,
    doc_type_code: str | None,
    guidance: bool,
    warnings: list[ReaderWarning],
) -> list[Task]:
    """Key tasks from the document's own numbered structure, for a document that names none.

    1. The numbered children of the section whose heading names the work ("II. NHIỆM VỤ CỤ
       THỂ", "II. NỘI DUNG", "CÁC HOẠT ĐỘNG"; "NHIỆM VỤ CHUNG" only when nothing better).
    2. Else, in a plan (Kế hoạch, Chỉ thị, ... or a text saying "ban hành Kế hoạch ... như
       sau:"), the top-level numbered items of the body without the sections that are not
       tasks ("Mục đích, yêu cầu", "Tổ chức thực hiện", "Kinh phí", ...); when one section is
       left, its numbered children. A guidance letter (a Công văn whose subject is "Hướng dẫn
       ...") counts as a plan when its work is in roman sections holding numbered items.
    Never in a legal text (a Quyết định's or a Thông tư's "Điều 1., Điều 2." are not tasks).
    """
    if doc_type_code in LEGAL_TYPES:
        return []
    nodes = _walk(outline, body_start, body_end)
    if any(node.kind in ("article", "part") for node, _ in nodes):
        return []
    best: tuple[int, OutlineNode, list[OutlineNode]] | None = None
    for node, outside in nodes:
        rank = None if outside or len(node.children) < 2 else _section_rank(node)
        if rank is None or (best is not None and rank >= best[0]):
            continue
        children = numbered_children(node)
        if children:
            best = (rank, node, children)
    if best is not None:
        _rank, section, children = best
        name = " ".join(f"{section.label} {section.title.strip(' .:;')}".split())
        warnings.append(warning("tasks_from_sections", f"{len(children)} items of “{name}”"))
        return [task_of(text, node) for node in children]
    lead = _PLAN_LEAD.search(text, body_start, body_end)
    if doc_type_code not in PLAN_TYPES and lead is None and not guidance:
        return []
    start = lead.end() if lead is not None else body_start
    top = _top_level(outline, start, body_end)
    kept = [node for node in top if not not_tasks(node)]
    if guidance and doc_type_code not in PLAN_TYPES and lead is None and not _laid_out(kept):
        kept = []
    if len(kept) == 1:
        kept = numbered_children(kept[0])
    if len(kept) < 2:
        return []
    skipped = [heading(node) for node in top if not_tasks(node)]
    warnings.append(
        warning(
            "tasks_from_sections",
            f"{len(kept)} top-level items"
            + (f"; left out: {'; '.join(skipped)}" if skipped else ""),
        )
    )
    return [task_of(text, node) for node in kept]


def _laid_out(sections: list[OutlineNode]) -> bool:
    """Whether a guidance letter is laid out like a plan: roman sections of work, each with its
    numbered items (its numbered points alone are instructions, not tasks)."""
    return (
        bool(sections)
        and sections[0].kind == "roman"
        and all(len(numbered_children(node)) >= 2 for node in sections)
    )


def _top_level(nodes: list[OutlineNode], start: int, end: int) -> list[OutlineNode]:
    """The outermost numbered items in [start, end) (under dashes or capitals headings at most),
    of the kind of the first one; an annex the closing block did not cut off ends the search."""
    out: list[OutlineNode] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if node.start >= end or node.end <= start:
            continue
        if node.kind == "caps" and _ANNEX.match(node.title):
            break
        if node.kind in _TOP_KINDS and node.start >= start:
            if not out or node.kind == out[0].kind:
                out.append(node)
        elif not numbered(node):
            stack.extend(reversed(node.children))
    return out


def first_article(outline: list[OutlineNode], start: int, end: int) -> OutlineNode | None:
    """A decision's "Điều 1" in [start, end), wherever the outline nests it."""
    stack = list(reversed(outline))
    while stack:
        node = stack.pop()
        if node.start >= end or node.end <= start:
            continue
        if node.kind == "article":
            return node if node.label.split()[-1] == "1" and node.start >= start else None
        stack.extend(reversed(node.children))
    return None


def from_decision(
    text: str,
    body_start: int,
    body_end: int,
    outline: list[OutlineNode],
    *,
    warnings: list[ReaderWarning],
) -> list[Task]:
    """The numbered items of a decision's "Điều 1" when it issues or approves them: the
    school-year calendar, a plan approved in the decision itself."""
    article = first_article(outline, body_start, body_end)
    if article is None or not _ISSUES.match(heading(article)):
        return []
    children = numbered_children(article)
    if len(children) < 2:
        return []
    warnings.append(warning("tasks_from_article", f"{len(children)} items of “{article.label}”"))
    return [task_of(text, node) for node in children]


def attaches_plan(outline: list[OutlineNode], start: int, end: int) -> bool:
    """Whether a decision's "Điều 1" issues a plan attached to it ("Ban hành kèm theo Quyết
    định này Kế hoạch ..."), whose text follows the decision's signature."""
    article = first_article(outline, start, end)
    return article is not None and _ATTACHED.match(heading(article)) is not None
