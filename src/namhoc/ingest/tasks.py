"""Key tasks: the list a document declares ("các nhiệm vụ trọng tâm", "Bảy nhiệm vụ ...").

1. Find where the document announces its key tasks, with the count if it states one.
2. Take the first numbered list after it (or the numbered children of a "NHIỆM VỤ" heading).
3. Where a count is declared but nothing is numbered, split the following paragraphs into that
   many tasks: headings, "Lead: ..." paragraphs and short opening sentences start a task; the
   split with the strongest starts (then the most even lengths) wins, and a warning says so.
4. Where the document names no key-task list at all (short plans of communes and schools), take
   the tasks from its own numbered structure (see :func:`from_structure`), with a warning.
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
    text: str,
    body_start: int,
    body_end: int,
    outline: list[OutlineNode],
    doc_type_code: str | None = None,
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
    tasks = from_structure(
        text, body_start, body_end, outline, doc_type_code=doc_type_code, warnings=warnings
    )
    return tasks, warnings


# --- the document's own numbered structure, when it names no key-task list ---

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
# Sections that are not tasks: purpose, targets, legal basis, situation, schedule, budget,
# implementation arrangements (who does what), reporting, entry into force. "Phân công" only
# as a heading of its own ("PHÂN CÔNG THỰC HIỆN"); "3. Phân công giáo viên ..." is a task.
_NOT_TASKS = re.compile(
    r"^(?:(?:các|những)\s+)?(?:mục\s+đích|yêu\s+cầu|mục\s+tiêu|chỉ\s+tiêu|quan\s+điểm|"
    r"căn\s+cứ|cơ\s+sở\s+pháp\s+lý|sự\s+cần\s+thiết|đặc\s+điểm|tình\s+hình|thực\s+trạng|"
    r"kết\s+quả|đánh\s+giá\s+(?:tình\s+hình|kết\s+quả|thực\s+trạng)|thuận\s+lợi|khó\s+khăn|"
    r"đối\s+tượng|phạm\s+vi|thời\s+gian|tiến\s+độ|lộ\s+trình|"
    r"(?:nguồn\s+|nhu\s+cầu\s+|dự\s+toán\s+)?kinh\s+phí|tổ\s+chức\s+thực\s+hiện|"
    r"trách\s+nhiệm\s+(?:thi\s+hành|thực\s+hiện|của)|"
    r"(?:chế\s+độ\s+|công\s+tác\s+)?(?:thông\s+tin\s*,?\s*)?báo\s+cáo|hiệu\s+lực|"
    r"điều\s+khoản\s+thi\s+hành|phân\s+công(?:\s+(?:thực\s+hiện|nhiệm\s+vụ|trách\s+nhiệm))?$)"
)
_HEADING_WORDS = 12
_NUMBERED = frozenset({"roman", "decimal", "upper", "letter"})
_TOP_KINDS = frozenset({"roman", "decimal", "upper"})
# Documents whose numbered parts are never key tasks (a decision's or a circular's articles).
_LEGAL_TYPES = frozenset({"QĐ", "NĐ", "TT", "TTLT", "NQLT", "VBHN", "QH", "L", "PL", "LĐ"})
# Documents that are plans by nature: their top-level numbered items are the work.
_PLAN_TYPES = frozenset({"KH", "CT", "CTr", "PA", "ĐA", "HD"})
# "... ban hành Kế hoạch như sau:", "... xây dựng kế hoạch thực hiện như sau:"
_PLAN_LEAD = re.compile(
    r"(?:ban\s+hành|xây\s+dựng|triển\s+khai)\s+(?:kế\s+hoạch|chương\s+trình|chỉ\s+thị)"
    r"[^.\n]{0,160}?(?:như\s+sau|sau\s+đây)\s*:",
    _I,
)
_ANNEX = re.compile(r"(?:PHỤ\s+LỤC|DANH\s+(?:SÁCH|MỤC)|BIỂU\s+MẪU|MẪU\s+SỐ)\b")
_FALLBACK_WARNING = "tasks: văn bản không nêu danh sách nhiệm vụ trọng tâm; "


def _numbered(node: OutlineNode) -> bool:
    return node.kind in _NUMBERED or node.kind.startswith("multi")


def _heading(node: OutlineNode) -> str:
    title = node.title[len(node.label) :] if node.title.startswith(node.label) else node.title
    return " ".join(title.lower().split()).strip(" .:;,-")


def _is_heading(heading: str) -> bool:
    words = heading.split()
    return len(words) <= 2 * _HEADING_WORDS and (
        sum(1 for w in words if any(c.isalnum() for c in w)) <= _HEADING_WORDS
    )


def _not_tasks(node: OutlineNode) -> bool:
    heading = _heading(node)
    return _NOT_TASKS.match(heading) is not None and _is_heading(heading)


def _section_rank(node: OutlineNode) -> int | None:
    heading = _heading(node)
    if _HEAD_GENERAL.match(heading):
        rank: int | None = len(_HEAD_RANKS)
    else:
        rank = next((r for r, head in enumerate(_HEAD_RANKS) if head.search(heading)), None)
    if rank is None or not _is_heading(heading) or _NOT_TASKS.match(heading):
        return None
    return rank


def _numbered_children(node: OutlineNode) -> list[OutlineNode]:
    """The first run of two or more numbered children of one kind ("1., 2." or "a), b)")."""
    run: list[OutlineNode] = []
    for child in node.children:
        if run and child.kind == run[0].kind:
            run.append(child)
            continue
        if len(run) >= 2:
            return run
        run = [child] if _numbered(child) else []
    return run if len(run) >= 2 else []


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
            out.extend(_walk(node.children, start, end, outside or _not_tasks(node)))
    return out


def from_structure(
    text: str,
    body_start: int,
    body_end: int,
    outline: list[OutlineNode],
    *,
    doc_type_code: str | None,
    warnings: list[str],
) -> list[Task]:
    """Key tasks from the document's own numbered structure, for a document that names none.

    1. The numbered children of the section whose heading names the work ("II. NHIỆM VỤ CỤ
       THỂ", "II. NỘI DUNG", "CÁC HOẠT ĐỘNG"; "NHIỆM VỤ CHUNG" only when nothing better).
    2. Else, in a plan (Kế hoạch, Chỉ thị, ... or a text saying "ban hành Kế hoạch ... như
       sau:"), the top-level numbered items of the body without the sections that are not
       tasks ("Mục đích, yêu cầu", "Tổ chức thực hiện", "Kinh phí", ...); when one section is
       left, its numbered children.
    Never in a legal text (a Quyết định's or a Thông tư's "Điều 1., Điều 2." are not tasks).
    """
    if doc_type_code in _LEGAL_TYPES:
        return []
    nodes = _walk(outline, body_start, body_end)
    if any(node.kind in ("article", "part") for node, _ in nodes):
        return []
    best: tuple[int, OutlineNode, list[OutlineNode]] | None = None
    for node, outside in nodes:
        rank = None if outside or len(node.children) < 2 else _section_rank(node)
        if rank is None or (best is not None and rank >= best[0]):
            continue
        children = _numbered_children(node)
        if children:
            best = (rank, node, children)
    if best is not None:
        _rank, section, children = best
        heading = " ".join(f"{section.label} {section.title.strip(' .:;')}".split())
        warnings.append(
            f"{_FALLBACK_WARNING}{len(children)} nhiệm vụ được lấy từ các mục đánh số của phần "
            f"“{heading}”"
        )
        return [_task(text, node) for node in children]
    lead = _PLAN_LEAD.search(text, body_start, body_end)
    if doc_type_code not in _PLAN_TYPES and lead is None:
        return []
    start = lead.end() if lead is not None else body_start
    top = _top_level(outline, start, body_end)
    kept = [node for node in top if not _not_tasks(node)]
    if len(kept) == 1:
        kept = _numbered_children(kept[0])
    if len(kept) < 2:
        return []
    skipped = [_heading(node) for node in top if _not_tasks(node)]
    warnings.append(
        f"{_FALLBACK_WARNING}{len(kept)} nhiệm vụ được lấy từ các mục đánh số của văn bản"
        + (f" (bỏ qua các mục: {'; '.join(skipped)})" if skipped else "")
    )
    return [_task(text, node) for node in kept]


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
        elif not _numbered(node):
            stack.extend(reversed(node.children))
    return out


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
