"""Uploaded files: type by content (magic bytes), size cap, storage under sha256-based names.

The client's file name and content type are never trusted: the bytes decide the kind, the name
only supplies a label for the download. Files live under MEDIA_ROOT, which is never served
directly; downloads go through access-checked views (``Content-Disposition: attachment``).
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from namhoc.core.errors import DomainError

__all__ = [
    "CONTENT_TYPES",
    "DIRECTIVE_KINDS",
    "EVIDENCE_KINDS",
    "StoredBlob",
    "check_upload",
    "clean_filename",
    "sniff",
    "store_blob",
]

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
    "html": "text/html; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
DIRECTIVE_KINDS = frozenset({"pdf", "docx", "doc", "html", "txt"})
EVIDENCE_KINDS = frozenset({"pdf", "docx", "xlsx", "jpg", "png"})
_KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "doc": "Word 97-2003 (.doc)",
    "xlsx": "Excel (.xlsx)",
    "jpg": "ảnh JPEG",
    "png": "ảnh PNG",
    "html": "trang web (.html)",
    "txt": "văn bản (.txt)",
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: Word 97-2003, Excel 97-2003...
_WORD_STREAM = "WordDocument".encode("utf-16-le")  # the stream only a Word file has
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def sniff(data: bytes) -> str | None:  # noqa: PLR0911 - one return per signature
    """The kind of ``data`` from its bytes: pdf, docx, doc, xlsx, jpg, png, html, txt — or
    None. A compound file is a .doc only when it holds a ``WordDocument`` stream (an .xls or a
    .ppt does not)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_OLE2):
        return "doc" if _WORD_STREAM in data else None
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith(b"<") and any(marker in head.lower() for marker in _HTML_MARKERS):
        return "html"
    if not data.strip():
        return None
    return "txt"


def clean_filename(name: str | None, *, default: str = "tep") -> str:
    """A display name: NFC, no path, no control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    return (name or default)[:200]


def check_upload(data: bytes, *, allowed: frozenset[str], field: str = "file") -> str:
    """The content kind of ``data``; DomainError if too large, empty or not an allowed kind."""
    limit = int(settings.UPLOAD_MAX_BYTES)
    if len(data) > limit:
        raise DomainError(
            "too_large",
            f"Tệp quá lớn ({len(data) / 1048576:.1f} MB); tối đa {limit // 1048576} MB.",
            field=field,
        )
    if not data:
        raise DomainError("empty", "Tệp rỗng.", field=field)
    kind = sniff(data)
    if kind not in allowed:
        accepted = ", ".join(_KIND_LABELS[k] for k in sorted(allowed))
        raise DomainError(
            "bad_type",
            f"Nội dung tệp không thuộc loại được nhận ({accepted}).",
            field=field,
        )
    return kind


@dataclass(frozen=True)
class StoredBlob:
    name: str
    sha256: str
    size: int


def store_blob(data: bytes, *, folder: str, kind: str) -> StoredBlob:
    """Store ``data`` as ``folder/ab/<sha256>.<kind>`` once (same bytes, same file)."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{folder}/{digest[:2]}/{digest}.{kind}"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent writer stored the same bytes first: keep one copy
            default_storage.delete(saved)
    return StoredBlob(name=name, sha256=digest, size=len(data))
