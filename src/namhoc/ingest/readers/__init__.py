"""Readers turn the bytes of a file into text; each raises only :class:`IngestError`."""

from __future__ import annotations

from dataclasses import dataclass, field

from namhoc.ingest.errors import IngestError
from namhoc.ingest.limits import Budget
from namhoc.ingest.messages import ReaderWarning

FORMATS = ("txt", "html", "docx", "pdf", "doc")


@dataclass
class RawText:
    """What a reader gives back: text (not yet normalized) and what it noticed."""

    text: str
    format: str
    warnings: list[ReaderWarning] = field(default_factory=list)
    pages: int | None = None  # a PDF's page count
    ocr: bool = False  # some or all of the text was recognised by OCR
    # For HTML: the first and last lines of the article as a content extractor found them,
    # so the body can be located in the whole page's text.
    article: str | None = None


def sniff_format(data: bytes, filename: str | None) -> str:
    """Decide the format from the content first, then from the file name."""
    head = data[:1024]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    suffix = (filename or "").lower().rsplit(".", 1)[-1] if filename and "." in filename else ""
    if suffix in ("htm", "html", "xhtml"):
        return "html"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if (
        probe.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml"))
        and b"<html" in data[:4096].lower()
    ):
        return "html"
    if suffix in ("docx", "pdf", "doc"):
        # The name says one thing and the bytes another: believe the bytes, say so.
        raise IngestError(
            "bad_format",
            f"Tệp có đuôi .{suffix} nhưng nội dung không phải định dạng {suffix.upper()} "
            "(tệp hỏng hoặc sai đuôi).",
            f"The file is named .{suffix} but its content is not {suffix.upper()} "
            "(damaged or misnamed).",
        )
    return "txt"


def read_raw(data: bytes, filename: str | None, *, budget: Budget) -> RawText:
    fmt = sniff_format(data, filename)
    max_bytes = budget.limits.max_bytes
    if fmt == "pdf":
        from namhoc.ingest.readers.pdf import read_pdf

        return read_pdf(data, budget=budget)
    if fmt == "docx":
        from namhoc.ingest.readers.docx import read_docx

        return read_docx(data, max_bytes=max_bytes)
    if fmt == "doc":
        from namhoc.ingest.readers.doc import read_doc

        return read_doc(data, max_bytes=max_bytes, budget=budget)
    if fmt == "html":
        from namhoc.ingest.readers.html import read_html

        return read_html(data)
    from namhoc.ingest.readers.text import read_text

    return read_text(data)
