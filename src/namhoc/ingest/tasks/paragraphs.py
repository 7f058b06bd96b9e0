"""Key tasks written as unnumbered paragraphs.

- :func:`segment`: a document declares how many ("Bảy nhiệm vụ trọng tâm bao gồm:") and then
  writes them as paragraphs; they are split into that many by dynamic programming over the cues
  that start a task (a heading line, "Lead: ...", a short first sentence, a heading restated as
  the paragraph's first clause), ties broken by the most even lengths.
- :func:`action_paragraphs`: a news article (or a plan) lists the work as paragraphs that each
  open with what to do ("Tiếp tục ...", "Triển khai ...", "Tăng cường ..."), without saying how
  many; the longest run of such paragraphs is taken, with the paragraph that assigns them just
  before it ("Theo đó giao Phòng GD-ĐT chủ động ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from namhoc.ingest.lines import is_upper_line, split_lines
from namhoc.ingest.messages import ReaderWarning, warning
from namhoc.ingest.model import Task
from namhoc.ingest.tasks.common import first_sentence, title_of

_I = re.IGNORECASE
_SECTION_END = re.compile(r"^\s*(?:các\s+)?(?:nhóm\s+)?giải\s+pháp|^\s*tổ\s+chức\s+thực\s+hiện", _I)
_MAX_PARAGRAPHS = 400
_LEAD = re.compile(r"^([^:;.\n]{5,140}):\s+\S")
# "Đổi mới quản lý tài chính và tăng cường cơ sở vật chất, đổi mới công tác quản lý tài chính
# theo hướng ...": a heading run into its paragraph, the paragraph restating its first word.
_RESTATED = re.compile(r"^(?P<word>[^\W\d_]+)(?P<clause>[^,;:.]{3,100}),\s+(?P<again>[^\W\d_]+)")


@dataclass
class _Para:
    start: int
    end: int
    text: str
    score: float
    title: str
    heading: bool


def _restated(line: str) -> str | None:
    match = _RESTATED.match(line)
    if match is None or match["again"].lower() != match["word"].lower():
        return None
    title = (match["word"] + match["clause"]).strip()
    return title if len(title.split()) <= 15 else None


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
        restated = _restated(stripped)
        if heading:
            score, title = 3.0, stripped
        elif lead and len(lead.group(1).split()) <= 15:
            score, title = 2.5, lead.group(1)
        elif restated:
            score, title = 1.5, restated
        elif len(first.split()) <= 25:
            score, title = 1.0, first
        else:
            score, title = 0.0, title_of(stripped, limit=25)
            if len(title.split()) > 25:
                title = stripped.split(",")[0]
        offset = line.start + (len(line.text) - len(line.text.lstrip()))
        paras.append(_Para(offset, line.end, stripped, score, title.rstrip(" .;:,"), heading))
    return paras


def segment(
    text: str, start: int, end: int, count: int, warnings: list[ReaderWarning]
) -> list[Task]:
    paras = _paragraphs(text, start, end)
    n = len(paras)
    if n < count or n > _MAX_PARAGRAPHS:
        warnings.append(warning("tasks_not_segmented", f"declared {count}; {n} paragraphs follow"))
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
        warnings.append(warning("tasks_not_segmented", f"declared {count}; no split fits"))
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
        warning(
            "tasks_segmented",
            f"{count} tasks from {n} paragraphs"
            + (f"; {weak} boundary without a heading cue" if weak else ""),
        )
    )
    return tasks


# --- paragraphs that open with what to do ------------------------------------------------------

# Verbs that open a task in Vietnamese directives (an imperative without a subject).
_ACTION_VERBS = (
    "tiếp tục", "triển khai", "thực hiện", "tổ chức", "tăng cường", "đẩy mạnh", "nâng cao",
    "nâng", "phát huy", "phát triển", "chỉ đạo", "xây dựng", "chú trọng", "tập trung",
    "rà soát", "đổi mới", "củng cố", "bảo đảm", "đảm bảo", "quan tâm", "huy động", "chủ động",
    "kiện toàn", "duy trì", "giữ vững", "hoàn thiện", "hoàn thành", "nghiên cứu", "tham mưu",
    "quán triệt", "phối hợp", "kiểm tra", "khuyến khích", "ưu tiên", "thúc đẩy", "mở rộng",
    "phấn đấu", "tuyên truyền", "sắp xếp", "bố trí", "đầu tư", "tích cực", "làm tốt",
    "chuẩn bị", "hướng dẫn", "ứng dụng", "thường xuyên", "chấn chỉnh", "cải thiện",
    "cải cách", "khắc phục", "đa dạng hóa", "nghiêm túc", "giải quyết", "xử lý", "tạo điều kiện",
)  # fmt: skip
_ACTION = re.compile(
    r"^(?:"
    + "|".join(sorted((re.escape(v) for v in _ACTION_VERBS), key=len, reverse=True))
    + r")\b",
    _I,
)
# "Thực hiện Quyết định số ... ;" is a legal basis, not a task.
_BASIS = re.compile(
    r"^(?:thực\s+hiện|triển\s+khai|căn\s+cứ)\s+(?:(?:các\s+)?(?:quyết\s+định|chỉ\s+thị|công\s+văn|"
    r"kế\s+hoạch|nghị\s+quyết|thông\s+tư|hướng\s+dẫn|văn\s+bản|nghị\s+định|kết\s+luận|luật)\s+"
    r"(?:số\s+)?\d)",
    _I,
)
# "Theo đó giao Phòng GD-ĐT chủ động xây dựng ...": the paragraph that hands out the work.
_ASSIGNING = re.compile(
    r"^(?:(?:theo\s+đó|trong\s+đó|cụ\s+thể|đồng\s+thời)\s*,?\s*)?"
    r"(?:giao|yêu\s+cầu)\s+(?:cho\s+)?[^.;:\n]{2,80}?\s(?:chủ\s+động|chủ\s+trì|"
    r"có\s+trách\s+nhiệm|tập\s+trung|khẩn\s+trương)\b",
    _I,
)
# "... triển khai các việc sau:", "... như sau.": an introduction, not a task.
_ANNOUNCING = re.compile(r"(?:sau|như\s+sau|sau\s+đây|gồm|cụ\s+thể)\s*[:.]?\s*$", _I)
_CONNECTIVE = re.compile(r"^(?:theo\s+đó|trong\s+đó|cụ\s+thể|đồng\s+thời)\s*,?\s*", _I)
_MIN_RUN = 3
_MIN_WORDS = 8


@dataclass
class _Block:
    start: int
    end: int
    text: str


def _blocks(text: str, start: int, end: int) -> list[_Block]:
    out: list[_Block] = []
    for line in split_lines(text, start, end):
        stripped = line.stripped
        if stripped:
            offset = line.start + (len(line.text) - len(line.text.lstrip()))
            out.append(_Block(offset, line.end, stripped))
    return out


def _is_action(block: _Block) -> bool:
    return (
        len(block.text.split()) >= _MIN_WORDS
        and _ACTION.match(block.text) is not None
        and _BASIS.match(block.text) is None
        and not is_upper_line(block.text)
    )


def action_paragraphs(text: str, start: int, end: int, warnings: list[ReaderWarning]) -> list[Task]:
    """The longest run (three or more) of paragraphs that each open with an action, and the
    paragraph that assigns them when it comes just before; short heading lines inside the run
    are kept with the task before them."""
    blocks = _blocks(text, start, end)
    best: tuple[int, int] | None = None  # (first, last) block indices of the run
    i = 0
    while i < len(blocks):
        if not _is_action(blocks[i]):
            i += 1
            continue
        j, last, count = i, i, 0
        while j < len(blocks):
            if _is_action(blocks[j]):
                last, count = j, count + 1
            elif not _short_heading(blocks[j].text):
                break
            j += 1
        if count >= _MIN_RUN and (best is None or count > _count(blocks, *best)):
            best = (i, last)
        i = j if j > i else i + 1
    if best is None:
        return []
    first, last = best
    before = blocks[first - 1].text if first > 0 else ""
    if _ASSIGNING.match(before) and not _ANNOUNCING.search(before):
        first -= 1  # "Theo đó giao Phòng GD-ĐT chủ động xây dựng ...": work itself
    tasks: list[Task] = []
    index = first
    while index <= last:
        block = blocks[index]
        stop = index + 1
        while stop <= last and not _is_action(blocks[stop]):
            stop += 1  # a heading line inside the run goes with the task before it
        body = text[block.start : blocks[stop - 1].end]
        title = _CONNECTIVE.sub("", block.text, count=1)
        title = title_of(title[:1].upper() + title[1:])
        if title.endswith("…"):  # a first sentence too long for a title: its first clause
            words = title.split()
            cut = next((i for i in range(8, len(words)) if words[i - 1].endswith(",")), None)
            title = " ".join(words[:cut]).rstrip(",") if cut else title
        tasks.append(
            Task(
                label=str(len(tasks) + 1),
                title=title,
                text=" ".join(body.split()),
                start=block.start,
                end=blocks[stop - 1].end,
            )
        )
        index = stop
    warnings.append(warning("tasks_from_paragraphs", f"{len(tasks)} paragraphs"))
    return tasks


def _count(blocks: list[_Block], first: int, last: int) -> int:
    return sum(1 for block in blocks[first : last + 1] if _is_action(block))


def _short_heading(line: str) -> bool:
    return len(line.split()) <= 12 and line[-1:] not in ".;:,"
