"""From bytes to an :class:`IngestResult`: read, normalize, find the body, then each extractor."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from namhoc.ingest.assignments import find_assignments
from namhoc.ingest.citations import find_citations
from namhoc.ingest.dates import find_dates
from namhoc.ingest.errors import IngestError
from namhoc.ingest.furniture import find_body
from namhoc.ingest.header import parse_header
from namhoc.ingest.model import IngestResult, Source, Span
from namhoc.ingest.normalize import normalize_text
from namhoc.ingest.outline import build_outline
from namhoc.ingest.readers import read_raw
from namhoc.ingest.schoolyear import find_school_year, find_theme
from namhoc.ingest.targets import find_targets
from namhoc.ingest.tasks import find_tasks

DEFAULT_MAX_BYTES = 20 * 2**20


def _mask(text: str, spans: list[Span]) -> str:
    """``text`` with the furniture blanked out (newlines kept), so offsets stay the same."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos:
            continue
        parts.append(text[pos : span.start])
        parts.append(
            "\n".join(" " * len(piece) for piece in text[span.start : span.end].split("\n"))
        )
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts)


def _load(
    path_or_bytes: str | os.PathLike[str] | bytes, filename: str | None, max_bytes: int
) -> tuple[bytes, str]:
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        data = bytes(path_or_bytes)
        if len(data) > max_bytes:
            raise _too_large(len(data), max_bytes)
        return data, filename or "<bytes>"
    path = Path(path_or_bytes)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except IngestError:
        raise
    except OSError as exc:
        raise IngestError(
            "unreadable",
            f"Không đọc được tệp {path}: {exc.strerror or exc}",
            f"Cannot read the file {path}: {exc.strerror or exc}",
        ) from exc
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    return data, filename or path.name


def _too_large(size: int, max_bytes: int) -> IngestError:
    return IngestError(
        "too_large",
        f"Tệp quá lớn ({size / 2**20:.1f} MB; giới hạn {max_bytes / 2**20:.1f} MB).",
        f"The file is too large ({size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.1f} MB).",
    )


def read_document(
    path_or_bytes: str | os.PathLike[str] | bytes,
    *,
    filename: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> IngestResult:
    """Read a directive (path or bytes) and return its structure.

    Raises :class:`IngestError`, and nothing else, for any file it cannot read.
    """
    data, name = _load(path_or_bytes, filename, max_bytes)
    try:
        return _analyse(data, name, max_bytes)
    except IngestError:
        raise
    except RecursionError as exc:
        raise IngestError(
            "too_deep", "Tệp lồng nhau quá sâu, không đọc được.", "The file is nested too deeply."
        ) from exc
    except MemoryError as exc:
        raise IngestError(
            "too_large", "Không đủ bộ nhớ để đọc tệp.", "Not enough memory to read the file."
        ) from exc
    except Exception as exc:  # the promise: only IngestError leaves the library
        raise IngestError(
            "internal",
            f"Lỗi không mong đợi khi đọc tệp {name}: {type(exc).__name__}: {exc}",
            f"Unexpected failure while reading {name}: {type(exc).__name__}: {exc}",
        ) from exc


def _analyse(data: bytes, name: str, max_bytes: int) -> IngestResult:
    raw = read_raw(data, name, max_bytes=max_bytes)
    text = normalize_text(raw.text)
    warnings = list(raw.warnings)
    if not text.strip():
        raise IngestError("empty", "Tệp không có chữ nào.", "The file holds no text.")
    body, furniture = find_body(text, normalize_text(raw.article) if raw.article else None)
    info, own_number, header_warnings, layout = parse_header(text, body.start, body.end)
    warnings.extend(header_warnings)
    analysis = _mask(text, furniture)
    # The document's own text: after the header block, without the closing block (signature,
    # "Nơi nhận:"); an annex after the closing block is kept. Citations still read everything.
    start = layout.header_end
    closing = Span(*layout.closing, "closing") if layout.closing else None
    content = _mask(analysis, [closing]) if closing else analysis
    skip = [(s.start, s.end) for s in furniture if s.kind == "line"]
    outline, _flat, outline_warnings = build_outline(content, start, body.end, skip=skip)
    warnings.extend(outline_warnings)
    tasks_end = closing.start if closing else body.end
    tasks, task_warnings = find_tasks(
        content, start, tasks_end, outline, doc_type_code=info.doc_type_code
    )
    warnings.extend(task_warnings)
    citations = [
        c
        for c in find_citations(analysis, body.start, body.end)
        if (own_number is None or not (c.start < own_number[1] and own_number[0] < c.end))
        and not _same_document(c.canonical, info.number)
    ]
    furniture_text = _mask(
        text, [Span(body.start, body.end)] if not furniture else _inverse(furniture, len(text))
    )
    furniture_citations = find_citations(furniture_text) if furniture else []
    theme, theme_year = find_theme(analysis, body.start, body.end)
    info.theme = theme
    lead_end = _lead_end(text, body.start, body.end)
    known_dates = [d for d in (info.date, info.subject.date if info.subject else None) if d]
    info.school_year = find_school_year(
        analysis,
        body.start,
        body.end,
        title=info.title,
        lead_end=lead_end,
        theme_year=theme_year,
        known_dates=known_dates,
    )
    excluded = [(c.start, c.end) for c in citations]
    excluded += [(a, b) for _iso, a, b in find_dates(analysis, body.start, body.end)]
    targets = find_targets(content, start, body.end, excluded)
    assignments = find_assignments(content, start, body.end)
    source = Source(
        name=name,
        format=raw.format,
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
        chars=len(text),
    )
    return IngestResult(
        source=source,
        text=text,
        document=info,
        body=Span(body.start, body.end, "body"),
        header=Span(body.start, start, "header") if start > body.start else None,
        closing=closing,
        furniture=furniture,
        outline=outline,
        tasks=tasks,
        citations=citations,
        furniture_citations=furniture_citations,
        targets=targets,
        assignments=assignments,
        warnings=warnings,
    )


def _same_document(canonical: str, own: str | None) -> bool:
    """Whether a reference is the document's own number (issuers in any order)."""
    if own is None:
        return False
    if canonical == own:
        return True
    a, b = canonical.split("-"), own.split("-")
    return a[0] == b[0] and sorted(a[1:]) == sorted(b[1:])


def _inverse(spans: list[Span], length: int) -> list[Span]:
    """The complement of ``spans`` in [0, length)."""
    out: list[Span] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start > pos:
            out.append(Span(pos, span.start))
        pos = max(pos, span.end)
    if pos < length:
        out.append(Span(pos, length))
    return out


def _lead_end(text: str, start: int, end: int) -> int:
    """The end of the first three non-blank lines of the body (headline and lead)."""
    pos, seen = start, 0
    while pos < end and seen < 3:
        newline = text.find("\n", pos, end)
        line_end = end if newline < 0 else newline
        if text[pos:line_end].strip():
            seen += 1
        pos = line_end + 1
    return min(pos, end)
