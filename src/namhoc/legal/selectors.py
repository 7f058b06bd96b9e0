"""Reads of the legal registry (ADR 0007): the list, one entry, and the lookups by number that
the directives' pages use to link a citation to its entry and to warn about a replaced one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from namhoc.core.formats import format_date
from namhoc.core.text import fold
from namhoc.core.types import Actor
from namhoc.ingest.citations import number_key
from namhoc.legal.access import access_document, can_edit_registry
from namhoc.legal.models import LegalDocument

__all__ = [
    "DocumentPage",
    "document_page",
    "entries_for",
    "entry_for",
    "registry_list",
    "status_note",
    "superseded_entries",
    "superseded_notices",
]


def _printable(text: str) -> str:
    """``text`` without control characters (a NUL cannot even reach PostgreSQL)."""
    return "".join(c for c in text if c.isprintable())


def _signed_in(viewer: Actor | None) -> bool:
    return viewer is not None and bool(getattr(viewer, "is_authenticated", False))


def registry_list(
    viewer: Actor | None, *, search: object = "", status: object = ""
) -> QuerySet[LegalDocument]:
    """Every registry entry (for anyone signed in), newest first; ``search``: words of the
    number, title or issuer, diacritics optional; ``status``: one of the statuses."""
    if not _signed_in(viewer):
        return LegalDocument.objects.none()
    queryset = LegalDocument.objects.select_related("replaced_by")
    phrase = fold(_printable(search[:200])) if isinstance(search, str) else ""
    if phrase:
        queryset = queryset.filter(search_folded__contains=phrase)
    if isinstance(status, str) and status in LegalDocument.Status.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-issued_on", "number", "pk")


def entries_for(numbers: Iterable[str]) -> dict[str, LegalDocument]:
    """``{number_key: entry}`` for the numbers the registry knows (one query)."""
    keys = {number_key(_printable(n))[:80] for n in numbers if n}
    keys.discard("")
    if not keys:
        return {}
    return {
        d.number_key: d
        for d in LegalDocument.objects.filter(number_key__in=keys).select_related("replaced_by")
    }


def entry_for(number: str) -> LegalDocument | None:
    return entries_for([number]).get(number_key(number))


def superseded_entries() -> dict[str, LegalDocument]:
    """``{number_key: entry}`` of every document replaced or no longer in force."""
    return {
        d.number_key: d
        for d in LegalDocument.objects.filter(
            status__in=[LegalDocument.Status.REPLACED, LegalDocument.Status.EXPIRED]
        ).select_related("replaced_by")
    }


def status_note(entry: LegalDocument) -> str:
    """Why citing ``entry`` deserves a second look, in one Vietnamese clause ("" when in force):
    "đã bị thay thế bởi Thông tư 09/2024/TT-BGDĐT ngày 03/06/2024"."""
    if entry.status == LegalDocument.Status.REPLACED and entry.replaced_by is not None:
        successor = entry.replaced_by
        dated = f" ngày {format_date(successor.issued_on)}" if successor.issued_on else ""
        return f"đã bị thay thế bởi {successor.label}{dated}"
    if entry.status == LegalDocument.Status.EXPIRED:
        return "đã hết hiệu lực"
    return ""


def superseded_notices(
    numbers: Iterable[str], *, found: dict[str, LegalDocument] | None = None
) -> list[str]:
    """One sentence per cited number the registry says is replaced or expired (one query, none
    when the caller has the entries already: ``found``, as :func:`entries_for` gives them)."""
    numbers = list(dict.fromkeys(n for n in numbers if n))
    found = entries_for(numbers) if found is None else found
    notices = []
    for number in numbers:
        entry = found.get(number_key(number))
        if entry is not None and entry.is_superseded:
            notices.append(
                f"Văn bản được dẫn {entry.label} {status_note(entry)}; hãy kiểm tra lại căn cứ."
            )
    return notices


@dataclass(frozen=True)
class DocumentPage:
    document: LegalDocument
    replaces: list[LegalDocument]  # the registry entries this one replaced
    can_edit: bool


def document_page(viewer: Actor | None, document_id: object) -> DocumentPage:
    document = access_document(viewer, document_id)
    return DocumentPage(
        document=document,
        replaces=list(document.replaces.order_by("-issued_on", "number")),
        can_edit=can_edit_registry(viewer),
    )
