"""What the ways of finding key tasks share: outline helpers and how a task is made."""

from __future__ import annotations

import re

from namhoc.ingest.model import OutlineNode, Task

_I = re.IGNORECASE
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZĐÀ-Ỹ\"“(])|[.!?]\s*$")
_LIST_KINDS = frozenset({"decimal", "roman", "upper", "multi1"})
NUMBERED = frozenset({"roman", "decimal", "upper", "letter"})
# Sections that are not tasks: purpose, targets, legal basis, situation, schedule, budget,
# implementation arrangements (who does what), reporting, entry into force. "Phân công" only
# as a heading of its own ("PHÂN CÔNG THỰC HIỆN"); "3. Phân công giáo viên ..." is a task.
NOT_TASKS = re.compile(
    r"^(?:(?:các|những)\s+)?(?:mục\s+đích|yêu\s+cầu|mục\s+tiêu|chỉ\s+tiêu|quan\s+điểm|"
    r"căn\s+cứ|cơ\s+sở\s+pháp\s+lý|sự\s+cần\s+thiết|đặc\s+điểm|tình\s+hình|thực\s+trạng|"
    r"kết\s+quả|đánh\s+giá\s+(?:tình\s+hình|kết\s+quả|thực\s+trạng)|thuận\s+lợi|khó\s+khăn|"
    r"đối\s+tượng|phạm\s+vi|thời\s+gian|tiến\s+độ|lộ\s+trình|"
    r"(?:nguồn\s+|nhu\s+cầu\s+|dự\s+toán\s+)?kinh\s+phí|tổ\s+chức\s+thực\s+hiện|"
    r"trách\s+nhiệm\s+(?:thi\s+hành|thực\s+hiện|của)|"
    r"(?:chế\s+độ\s+|công\s+tác\s+)?(?:thông\s+tin\s*,?\s*)?báo\s+cáo|hiệu\s+lực|"
    r"điều\s+khoản\s+thi\s+hành|phân\s+công(?:\s+(?:thực\s+hiện|nhiệm\s+vụ|trách\s+nhiệm))?$)"
)
HEADING_WORDS = 12


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


def numbered(node: OutlineNode) -> bool:
    return node.kind in NUMBERED or node.kind.startswith("multi")


def heading(node: OutlineNode) -> str:
    """A node's title without its label, lower-cased, single-spaced."""
    title = node.title[len(node.label) :] if node.title.startswith(node.label) else node.title
    return " ".join(title.lower().split()).strip(" .:;,-")


def is_heading(text: str) -> bool:
    words = text.split()
    return len(words) <= 2 * HEADING_WORDS and (
        sum(1 for w in words if any(c.isalnum() for c in w)) <= HEADING_WORDS
    )


def not_tasks(node: OutlineNode) -> bool:
    text = heading(node)
    return NOT_TASKS.match(text) is not None and is_heading(text)


def groups(nodes: list[OutlineNode]) -> list[list[OutlineNode]]:
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
        out.extend(groups(node.children))
    return out


def numbered_children(node: OutlineNode) -> list[OutlineNode]:
    """The first run of two or more numbered children of one kind ("1., 2." or "a), b)")."""
    run: list[OutlineNode] = []
    for child in node.children:
        if run and child.kind == run[0].kind:
            run.append(child)
            continue
        if len(run) >= 2:
            return run
        run = [child] if numbered(child) else []
    return run if len(run) >= 2 else []


def task_of(text: str, node: OutlineNode) -> Task:
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
