"""From bytes to an :class:`IngestResult`: read, normalize, find the body, then each extractor."""

from __future__ import annotations

import bisect
import hashlib
import os
from dataclasses import replace
from pathlib import Path

from namhoc.ingest.assignments import find_assignments
from namhoc.ingest.citations import find_citations, number_key
from namhoc.ingest.errors import IngestError
from namhoc.ingest.furniture import find_body
from namhoc.ingest.header import parse_header
from namhoc.ingest.limits import Budget, Progress, ReadLimits
from namhoc.ingest.lines import split_lines
from namhoc.ingest.model import IngestResult, Source, Span
from namhoc.ingest.normalize import normalize_text
from namhoc.ingest.outline import build_outline
from namhoc.ingest.readers import read_raw
from namhoc.ingest.schoolyear import find_school_year, find_theme
from namhoc.ingest.targets import find_targets
from namhoc.ingest.tasks import find_tasks

DEFAULT_MAX_BYTES = ReadLimits.max_bytes
# The stages after reading, for progress("analyse", done, total).
_STAGES = 6


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
    limits: ReadLimits | None = None,
    progress: Progress | None = None,
    max_bytes: int | None = None,
) -> IngestResult:
    """Read a directive (path or bytes) and return its structure.

    ``limits`` bound the read (size, PDF pages, characters, time, OCR; see :class:`ReadLimits`);
    ``max_bytes``, kept for older callers, overrides ``limits.max_bytes``. ``progress(stage,
    done, total)`` is called as the read goes: ``("read", 0, 1)`` and ``("read", 1, 1)`` around
    reading the file, ``("ocr", 0, n)`` when recognising the n pages of a scan starts and
    ``("ocr", i, n)`` after page i, ``("analyse", i, n)`` after each stage of the analysis.
    A callback that raises is logged and otherwise ignored.

    Raises :class:`IngestError`, and nothing else, for any file it cannot read.
    """
    limits = limits or ReadLimits()
    if max_bytes is not None:
        limits = replace(limits, max_bytes=max_bytes)
    budget = Budget(limits, progress)
    data, name = _load(path_or_bytes, filename, limits.max_bytes)
    try:
        return _analyse(data, name, budget)
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


def _analyse(data: bytes, name: str, budget: Budget) -> IngestResult:
    budget.report("read", 0, 1)
    raw = read_raw(data, name, budget=budget)
    budget.check()
    budget.check_chars(len(raw.text) // 2)  # normalization cannot halve a text: refuse early
    text = normalize_text(raw.text)
    budget.check_chars(len(text))
    budget.report("read", 1, 1)
    warnings = list(raw.warnings)
    if not text.strip():
        raise IngestError("empty", "Tệp không có chữ nào.", "The file holds no text.")
    lines = split_lines(text)
    body, furniture = find_body(
        text, normalize_text(raw.article) if raw.article else None, lines=lines
    )
    first = bisect.bisect_left([ln.start for ln in lines], body.start)
    body_lines = [ln for ln in lines[first:] if ln.end <= body.end]
    info, own_number, header_warnings, layout = parse_header(
        text, body.start, body.end, lines=body_lines
    )
    _stage(budget, 1)
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
    _stage(budget, 2)
    tasks_end = closing.start if closing else body.end
    guidance = info.doc_type == "Công văn" and (info.title or "").lower().startswith("hướng dẫn")
    tasks, task_warnings = find_tasks(
        content,
        start,
        tasks_end,
        outline,
        doc_type_code=info.doc_type_code,
        kind=info.kind,
        guidance=guidance,
        annex=(closing.end, body.end) if closing and closing.end < body.end else None,
    )
    warnings.extend(task_warnings)
    _stage(budget, 3)
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
    _stage(budget, 4)
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
    targets = find_targets(content, start, body.end, [(c.start, c.end) for c in citations])
    _stage(budget, 5)
    assignments = find_assignments(content, start, body.end)
    _stage(budget, 6)
    source = Source(
        name=name,
        format=raw.format,
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
        chars=len(text),
        pages=raw.pages,
        ocr=raw.ocr,
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


def _stage(budget: Budget, done: int) -> None:
    budget.check()
    budget.report("analyse", done, _STAGES)


def _same_document(canonical: str, own: str | None) -> bool:
    """Whether a reference is the document's own number (issuers in any order)."""
    if own is None:
        return False
    canonical, own = number_key(canonical), number_key(own)
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
