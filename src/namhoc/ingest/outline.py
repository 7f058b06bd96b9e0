"""The outline: numbered and headed sections (I., 1., 1.1., a), -, +, all-caps headings) as a tree.

A marker's level comes from the order in which marker kinds first appear under their parent
(the way people read a Vietnamese plan: I. > 1. > a) > - > +), so any nesting order works;
only "Phần/Chương/Mục" always stand above "Điều". A "Chương I" alone on its line takes the
capitals line after it as its title.
Duplicated numbers are kept in order and reported.
"""

from __future__ import annotations

import re

from namhoc.ingest.codes import doc_type_by_name
from namhoc.ingest.lines import MOTTO, is_upper_line
from namhoc.ingest.messages import ReaderWarning, warning
from namhoc.ingest.model import OutlineNode

_ROMAN_VALID = re.compile(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
MARKERS: list[tuple[str, re.Pattern[str]]] = [
    (
        "part",
        re.compile(
            r"^(?P<label>(?:PHẦN|Phần)\s+(?:(?:THỨ|thứ)\s+[\wÀ-ỹ]+|[IVXLC]+\b|\d{1,2}\b|[A-ZĐ]\b)|"
            r"(?:CHƯƠNG|Chương)\s+[IVXLC\d]+|"
            r"(?:MỤC|Mục)\s+[IVXLC\d]+)\s*[.:\-]?\s*"
        ),
    ),
    ("article", re.compile(r"^(?P<label>(?:Điều|ĐIỀU)\s+\d{1,3})\s*[.:]\s*")),
    ("roman", re.compile(r"^(?P<label>[IVXLC]{1,6}[.)])\s*(?=\S)")),
    ("multi", re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){1,4}\.?)(?:\s+|(?=[^\d\s.]))")),
    ("decimal", re.compile(r"^(?P<label>\d{1,2}[.)])(?:\s+|(?=[^\d\s.,/%)]))")),
    ("upper", re.compile(r"^(?P<label>[A-ZĐ][.)])\s+")),
    ("letter", re.compile(r"^(?P<label>[a-zđ][).])\s+")),
    ("dash", re.compile(r"^(?P<label>-)\s*(?=[^\s\d-])")),
    ("plus", re.compile(r"^(?P<label>\+)\s*(?=\S)")),
    ("bullet", re.compile(r"^(?P<label>[•·▪●◦*])\s*(?=\S)")),
]
# Lines of a formal header that can also turn up in the text (an annex's own header, a form):
# the motto, "Số: ...", a document type alone ("QUYẾT ĐỊNH:", the enacting formula), and a
# table's heading row ("STT HỌ VÀ TÊN ...").
_NOT_HEADING = re.compile(
    r"^(?:Số\s*:|SỐ\s*:|STT\s|(?:"
    + "|".join(re.escape(n.upper()) for n in sorted(doc_type_by_name(), key=len, reverse=True))
    + r")\s*:?\s*$)"
)
# Kinds whose nesting the law fixes (Nghị định 30/2020: Phần > Chương > Mục > Điều).
_RANK = {"part": 0, "article": 1}
_NUMERIC_KINDS = frozenset({"roman", "multi", "decimal", "upper", "letter", "article", "part"})
_MAX_TITLE = 240


# All the markers in one pattern (one match per line, not ten): each kind's pattern, its label
# group renamed, wrapped in a group named after the kind.
_ANY_MARKER = re.compile(
    "|".join(
        f"(?P<{name}>" + pattern.pattern.replace("(?P<label>", f"(?P<label_{name}>", 1) + ")"
        for name, pattern in MARKERS
    )
)


def _marker(line: str) -> tuple[str, str, int] | None:
    match = _ANY_MARKER.match(line)
    if match is None:
        return None
    name = match.lastgroup or ""  # the kind's group closes last
    label = match[f"label_{name}"]
    if name == "roman" and not _ROMAN_VALID.match(label[:-1]):
        return _marker_after_roman(line)  # "CC." and such: not a numeral; another kind?
    kind = f"multi{label.rstrip('.').count('.')}" if name == "multi" else name
    return kind, label, match.end()


def _marker_after_roman(line: str) -> tuple[str, str, int] | None:
    for name, pattern in MARKERS[MARKERS.index(("roman", MARKERS[2][1])) + 1 :]:
        match = pattern.match(line)
        if match:
            label = match["label"]
            kind = f"multi{label.rstrip('.').count('.')}" if name == "multi" else name
            return kind, label, match.end()
    return None


def _title(text: str) -> str:
    # A node's title is the rest of its line, often a whole paragraph: its head is enough
    # when, spaces collapsed, it already runs past the cut.
    title = " ".join(text[: 3 * _MAX_TITLE].split())
    if len(title) <= _MAX_TITLE + 1 and len(text) > 3 * _MAX_TITLE:
        title = " ".join(text.split())
    return title if len(title) <= _MAX_TITLE else title[: _MAX_TITLE - 1] + "…"


def build_outline(  # noqa: PLR0912, PLR0915 - one pass, one branch per kind of line
    text: str, start: int, end: int, *, skip: list[tuple[int, int]] | None = None
) -> tuple[list[OutlineNode], list[OutlineNode], list[ReaderWarning]]:
    """(tree, nodes in document order, warnings) for ``text[start:end]``."""
    skip = sorted(skip or [])
    skip_at = 0
    flat: list[OutlineNode] = []
    stack: list[str] = []
    untitled: OutlineNode | None = None  # "Chương I" whose title is the next line
    line_end = start - 1
    for line_text in text[start:end].split("\n"):
        line_start, line_end = line_end + 1, line_end + 1 + len(line_text)
        stripped = line_text.lstrip()
        if not stripped or " | " in stripped:
            continue
        if untitled is not None:
            heading = untitled
            untitled = None
            if _marker(stripped) is None and is_upper_line(stripped) and len(stripped) < 200:
                heading.title = _title(stripped)
                continue
        while skip_at < len(skip) and skip[skip_at][1] <= line_start:
            skip_at += 1
        if skip_at < len(skip) and skip[skip_at][0] <= line_start:
            continue
        indent = len(line_text) - len(stripped)
        found = _marker(stripped)
        if found is None:
            if (
                (len(stripped) < 200 or len(stripped.split(None, 25)) <= 25)  # (cheap first)
                and is_upper_line(stripped)
                and 2 <= len(stripped.split(None, 25)) <= 25
                and not stripped.endswith((",", ";"))
                and not _NOT_HEADING.match(stripped)
                and not MOTTO.search(stripped)
            ):
                found = ("caps", "", 0)
            else:
                continue
        kind, label, body_at = found
        if kind == "caps":
            stack = ["caps"] if "caps" not in stack else stack[: stack.index("caps") + 1]
            level = stack.index("caps")
        elif kind in stack:
            level = stack.index(kind)
            del stack[level + 1 :]
        elif kind in _RANK and any(_RANK.get(k, -1) > _RANK[kind] for k in stack):
            # "Chương II" after "Điều 3": a chapter holds articles, never the reverse.
            level = next(i for i, k in enumerate(stack) if _RANK.get(k, -1) > _RANK[kind])
            del stack[level:]
            stack.append(kind)
        else:
            stack.append(kind)
            level = len(stack) - 1
        title_text = stripped[body_at:] if kind != "caps" else stripped
        node = OutlineNode(
            label=label,
            kind=kind,
            level=level,
            title=_title(title_text),
            start=line_start + indent,
            end=end,
        )
        flat.append(node)
        if kind == "part" and not node.title:
            untitled = node
    # Spans: a node ends where the next node at its level or above begins.
    open_nodes: list[OutlineNode] = []
    for node in flat:
        while open_nodes and open_nodes[-1].level >= node.level:
            finished = open_nodes.pop()
            finished.end = _trim(text, finished.start, node.start)
        open_nodes.append(node)
    for node in open_nodes:
        node.end = _trim(text, node.start, end)
    roots: list[OutlineNode] = []
    parents: list[OutlineNode] = []
    for node in flat:
        while parents and parents[-1].level >= node.level:
            parents.pop()
        (parents[-1].children if parents else roots).append(node)
        parents.append(node)
    return roots, flat, _duplicates(roots)


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _duplicates(nodes: list[OutlineNode]) -> list[ReaderWarning]:
    warnings: list[ReaderWarning] = []
    previous: OutlineNode | None = None
    for node in nodes:
        if (
            previous is not None
            and node.kind in _NUMERIC_KINDS
            and node.kind == previous.kind
            and node.label == previous.label
        ):
            warnings.append(
                warning(
                    "outline_number_repeated", f"{node.label!r} repeated at offset {node.start}"
                )
            )
        previous = node
        warnings.extend(_duplicates(node.children))
    return warnings
