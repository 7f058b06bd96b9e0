"""Key tasks: the list a document declares ("các nhiệm vụ trọng tâm", "Bảy nhiệm vụ ...").

1. Find where the document announces its key tasks, with the count if it states one.
2. Take the first numbered list after it (or the numbered children of a "NHIỆM VỤ" heading).
3. Where a count is declared but nothing is numbered, split the following paragraphs into that
   many tasks: headings, "Lead: ..." paragraphs and short opening sentences start a task; the
   split with the strongest starts (then the most even lengths) wins, and a warning says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from namhoc.ingest.lines import split_lines
from namhoc.ingest.model import OutlineNode, Task

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
_SECTION_END = re.compile(r"^\s*(?:các\s+)?(?:nhóm\s+)?giải\s+pháp|^\s*tổ\s+chức\s+thực\s+hiện", _I)
_LIST_KINDS = frozenset({"decimal", "roman", "upper", "multi1"})
_WINDOW = 3000
_MAX_PARAGRAPHS = 400


def _count(word: str) -> int | None:
    word = " ".join(word.lower().split())
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZĐÀ-Ỹ\"“(])|[.!?]\s*$")


def first_sentence(text: str) -> str:
    match = _SENTENCE_END.search(text)
    return text[: match.start()] if match else text


def title_of(text: str, limit: int = 40) -> str:
    """A task's title from its text: the first sentence, cut to a clause when long."""
    text = " ".join(text.split())
    sentence = first_sentence(text).strip()
    if len(sentence.split()) > limit:
        sentence = sentence.split(";")[0].strip()
    if len(sentence.split()) > limit:
        sentence = " ".join(sentence.split()[:limit]) + "…"
    return sentence.rstrip(" .;:,")


def _groups(nodes: list[OutlineNode]) -> list[list[OutlineNode]]:
    """Runs of numbered siblings (two or more of one kind), from every level of the tree."""
    out: list[list[OutlineNode]] = []
    run: list[OutlineNode] = []
    for node in nodes:
        if run and node.kind == run[0].kind:
            run.append(node)
            continue
        if len(run) >= 2 and run[0].kind in _LIST_KINDS:
            out.append(run)
        run = [node]
    if len(run) >= 2 and run[0].kind in _LIST_KINDS:
        out.append(run)
    for node in nodes:
        out.extend(_groups(node.children))
    return out


def _task(text: str, node: OutlineNode) -> Task:
    body_start = node.start + len(node.label)
    body = text[body_start : node.end].strip()
    title = node.title
    if title.startswith(node.label):
        title = title[len(node.label) :]
    return Task(
        label=node.label.rstrip(".)"),
        title=title_of(title),
        text=" ".join(body.split()),
        start=node.start,
        end=node.end,
    )


@dataclass
class _Anchor:
    start: int
    end: int
    count: int | None


def _anchors(text: str, start: int, end: int) -> list[_Anchor]:
    found: list[_Anchor] = []
    for match in COUNT_ANCHOR.finditer(text, start, end):
        count = _count(match["count"])
        if count and 2 <= count <= 30:
            found.append(_Anchor(match.start(), match.end(), count))
    for match in PLAIN_ANCHOR.finditer(text, start, end):
        found.append(_Anchor(match.start(), match.end(), None))
    found.sort(key=lambda a: (a.count is None, a.start))
    return found


def find_tasks(
    text: str, body_start: int, body_end: int, outline: list[OutlineNode]
) -> tuple[list[Task], list[str]]:
    warnings: list[str] = []
    groups = sorted(
        (g for g in _groups(outline) if body_start <= g[0].start < body_end),
        key=lambda g: g[0].start,
    )
    anchors = _anchors(text, body_start, body_end)
    for anchor in anchors:
        group = next((g for g in groups if anchor.end <= g[0].start <= anchor.end + _WINDOW), None)
        if group is not None:
            if anchor.count is not None and anchor.count != len(group):
                warnings.append(
                    f"tasks: the document declares {anchor.count} key tasks; its list has "
                    f"{len(group)}"
                )
            return [_task(text, node) for node in group], warnings
        if anchor.count is not None:
            tasks = segment(text, anchor.end, body_end, anchor.count, warnings)
            if tasks:
                return tasks, warnings
    # A heading that names the tasks: "II. NHIỆM VỤ CỤ THỂ".
    for group in groups[:50]:
        parent = _parent_of(outline, group[0])
        if (
            parent is not None
            and re.search(r"nhiệm\s+vụ", parent.title, _I)
            and not re.search(r"tổ\s+chức\s+thực\s+hiện", parent.title, _I)
        ):
            return [_task(text, node) for node in group], warnings
    return [], warnings


def _parent_of(nodes: list[OutlineNode], target: OutlineNode) -> OutlineNode | None:
    for node in nodes:
        if target in node.children:
            return node
        found = _parent_of(node.children, target)
        if found is not None:
            return found
    return None


# --- segmentation of unnumbered paragraphs ---

_LEAD = re.compile(r"^([^:;.\n]{5,140}):\s+\S")


@dataclass
class _Para:
    start: int
    end: int
    text: str
    score: float
    title: str
    heading: bool


def _paragraphs(text: str, start: int, end: int) -> list[_Para]:
    paras: list[_Para] = []
    line_start = text.find("\n", start, end)
    if line_start < 0:
        return paras
    for line in split_lines(text, line_start + 1, end):
        stripped = line.stripped
        if not stripped:
            continue
        if _SECTION_END.match(stripped) and len(stripped.split()) <= 12:
            break
        words = stripped.split()
        heading = len(words) <= 15 and stripped[-1] not in ".;:,"
        lead = _LEAD.match(stripped)
        first = first_sentence(stripped)
        if heading:
            score, title = 3.0, stripped
        elif lead and len(lead.group(1).split()) <= 15:
            score, title = 2.5, lead.group(1)
        elif len(first.split()) <= 25:
            score, title = 1.0, first
        else:
            score, title = 0.0, title_of(stripped, limit=25)
            if len(title.split()) > 25:
                title = stripped.split(",")[0]
        offset = line.start + (len(line.text) - len(line.text.lstrip()))
        paras.append(_Para(offset, line.end, stripped, score, title.rstrip(" .;:,"), heading))
    return paras


def segment(text: str, start: int, end: int, count: int, warnings: list[str]) -> list[Task]:
    paras = _paragraphs(text, start, end)
    n = len(paras)
    if n < count or n > _MAX_PARAGRAPHS:
        warnings.append(
            f"tasks: the document declares {count} key tasks but they are not numbered and "
            f"{n} paragraphs follow; not segmented"
        )
        return []
    forbidden = [i > 0 and paras[i - 1].heading for i in range(n)]
    lengths = [p.end - p.start for p in paras]
    prefix = [0]
    for length in lengths:
        prefix.append(prefix[-1] + length)
    neg_inf = (-1e9, -1e18)
    # best[j][i]: j segments covering paragraphs [0, i); value (score, -longest segment)
    best = [[neg_inf] * (n + 1) for _ in range(count + 1)]
    back = [[-1] * (n + 1) for _ in range(count + 1)]
    for i in range(1, n + 1):
        best[1][i] = (0.0, -float(prefix[i]))
    for j in range(2, count + 1):
        for i in range(j, n + 1):
            for p in range(j - 1, i):
                if forbidden[p] or best[j - 1][p] == neg_inf:
                    continue
                prev_score, prev_len = best[j - 1][p]
                value = (prev_score + paras[p].score, min(prev_len, -float(prefix[i] - prefix[p])))
                if value > best[j][i]:
                    best[j][i] = value
                    back[j][i] = p
    if best[count][n] == neg_inf:
        warnings.append(f"tasks: cannot split the paragraphs into the declared {count} key tasks")
        return []
    starts: list[int] = []
    i, j = n, count
    while j > 1:
        p = back[j][i]
        starts.append(p)
        i, j = p, j - 1
    starts = [0, *reversed(starts)]
    bounds = [*starts, n]
    tasks: list[Task] = []
    for index in range(count):
        first, last = paras[bounds[index]], paras[bounds[index + 1] - 1]
        body = text[first.start : last.end]
        tasks.append(
            Task(
                label=str(index + 1),
                title=first.title,
                text=" ".join(body.split()),
                start=first.start,
                end=last.end,
            )
        )
    weak = sum(1 for s in starts[1:] if paras[s].score <= 0)
    warnings.append(
        f"tasks: the document declares {count} key tasks without numbering them; "
        f"{n} paragraphs were split into {count} by their headings and lead sentences"
        + (f" ({weak} boundary chosen without a heading cue)" if weak else "")
    )
    return tasks
