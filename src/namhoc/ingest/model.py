"""The result of reading a document: plain dataclasses and their JSON form.

Every ``start``/``end`` pair is a half-open character span in :attr:`IngestResult.text`, the
normalized text (see :mod:`namhoc.ingest.normalize`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from namhoc.ingest.messages import ReaderWarning

# /2: warnings became objects ({"code", "message", "message_en", "detail"}); source gained
# "pages" and "ocr".
SCHEMA = "namhoc.ingest/2"


@dataclass(slots=True)
class Source:
    name: str
    format: str
    sha256: str
    bytes: int
    chars: int = 0
    pages: int | None = None  # a PDF's page count
    ocr: bool = False  # the text (or some pages of it) was recognised by OCR


@dataclass(slots=True)
class Signer:
    title: str | None
    name: str | None


@dataclass(slots=True)
class SubjectDocument:
    """The document a news article is about, as far as the article identifies it."""

    doc_type: str | None
    issuer: str | None
    number: str | None
    date: str | None
    start: int
    end: int


@dataclass(slots=True)
class DocumentInfo:
    kind: str = "document"  # "document" (the text of a document) or "article" (news about one)
    issuer: str | None = None
    issuer_parent: str | None = None
    doc_type: str | None = None
    doc_type_code: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: str | None = None
    place: str | None = None
    title: str | None = None
    addressees: list[str] = field(default_factory=list)
    signer: Signer | None = None
    school_year: str | None = None
    theme: str | None = None
    subject: SubjectDocument | None = None


@dataclass(slots=True)
class Span:
    start: int
    end: int
    kind: str = ""


@dataclass(slots=True)
class OutlineNode:
    label: str
    kind: str
    level: int
    title: str
    start: int
    end: int
    children: list[OutlineNode] = field(default_factory=list)


@dataclass(slots=True)
class Task:
    label: str
    title: str
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Citation:
    number: str
    canonical: str
    doc_type: str | None
    doc_type_code: str | None
    year: int | None
    issuer_code: str | None
    issuer: str | None
    date: str | None
    raw: str
    start: int
    end: int
    corrections: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Target:
    value: float
    unit: str
    raw: str
    kind: str  # "target" (to reach) or "result" (reached)
    sentence: str
    start: int
    end: int


@dataclass(slots=True)
class Assignment:
    lead: list[str]
    support: list[str]
    text: str
    start: int
    end: int


@dataclass(slots=True)
class IngestResult:
    source: Source
    text: str
    document: DocumentInfo
    body: Span
    furniture: list[Span]
    outline: list[OutlineNode]
    tasks: list[Task]
    citations: list[Citation]
    furniture_citations: list[Citation]
    targets: list[Target]
    assignments: list[Assignment]
    warnings: list[ReaderWarning]
    # A formal document's header block (issuer ... title, addressees) and closing block
    # (signature, "Nơi nhận:"); the outline, tasks, targets and assignments lie outside both.
    header: Span | None = None
    closing: Span | None = None

    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"schema": SCHEMA}
        data["source"] = asdict(self.source)
        data["document"] = asdict(self.document)
        data["body"] = {"start": self.body.start, "end": self.body.end}
        data["header"] = (
            {"start": self.header.start, "end": self.header.end} if self.header else None
        )
        data["closing"] = (
            {"start": self.closing.start, "end": self.closing.end} if self.closing else None
        )
        data["furniture"] = [asdict(span) for span in self.furniture]
        data["outline"] = [asdict(node) for node in self.outline]
        data["tasks"] = [asdict(task) for task in self.tasks]
        data["citations"] = [asdict(c) for c in self.citations]
        data["furniture_citations"] = [asdict(c) for c in self.furniture_citations]
        data["targets"] = [asdict(t) for t in self.targets]
        data["assignments"] = [asdict(a) for a in self.assignments]
        data["warnings"] = [w.to_dict() for w in self.warnings]
        if include_text:
            data["text"] = self.text
        return data

    def to_json(self, *, include_text: bool = False, indent: int | None = None) -> str:
        return json.dumps(
            self.to_dict(include_text=include_text), ensure_ascii=False, indent=indent
        )
