"""Use cases of the legal registry (ADR 0007, ADR 0012): add a document, correct one, load the
curated CSV the project keeps.

Each takes the acting person and the raw input (text as typed or sent; the replacing document by
its number), checks the registry's edit predicate, parses every field with ``core.parsing``
against the model's caps, checks the registry's rules (a replaced document names the one that
replaced it, which is in the registry; no document replaces itself, even through others; in force
no earlier than issued), and writes in one transaction with its audit rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from importlib import resources
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import Conflict, DomainError, StaleEdit
from namhoc.core.parsing import clean_text, parse_date, parse_int, text_cap
from namhoc.core.text import fold
from namhoc.core.types import Actor
from namhoc.ingest.citations import number_key
from namhoc.legal.access import access_document, edit_refusal, registry_unit
from namhoc.legal.models import LegalDocument

__all__ = [
    "CSV_COLUMNS",
    "DATE_FIRST",
    "FIELDS",
    "DocumentFields",
    "LoadSummary",
    "document_create",
    "document_update",
    "read_fields",
    "registry_load",
    "registry_text",
]

# The oldest document the registry may hold: the founding of the state (2/9/1945).
DATE_FIRST = dt.date(1945, 9, 2)
DATE_LAST = dt.date(2100, 12, 31)
# A document's fields as people type them: the form, the API, the CSV's columns (in this
# order) and the audit rows all name these.
FIELDS = (
    "number",
    "doc_type",
    "issuer",
    "issued_on",
    "effective_on",
    "title",
    "status",
    "replaced_by",
    "amended_by",
    "source_url",
    "note",
)
AUDITED = FIELDS
CSV_COLUMNS = FIELDS
MAX_CSV_ROWS = 5_000
_URL = URLValidator(schemes=["http", "https"])


def _user(actor: Actor | None) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _choice(raw: object, choices: Any, *, field: str, label: str) -> str:
    """A choice by its code (``circular``) or its Vietnamese label (``Thông tư``)."""
    text = raw.strip() if isinstance(raw, str) else ""
    for value, name in choices.choices:
        if text == value or fold(text) == fold(str(name)):
            return str(value)
    allowed = ", ".join(str(name) for _, name in choices.choices)
    raise DomainError("bad_choice", f"{label} phải là một trong: {allowed}.", field=field)


@dataclass(frozen=True)
class DocumentFields:
    """One document's fields, parsed and checked one by one (the replacing document by number)."""

    number: str
    doc_type: str
    issuer: str
    issued_on: dt.date | None
    effective_on: dt.date | None
    title: str
    status: str
    replaced_by: str  # its number, "" when none
    amended_by: str
    source_url: str
    note: str

    @property
    def key(self) -> str:
        return number_key(self.number)


def read_fields(raw: Mapping[str, object]) -> DocumentFields:
    """Parse a document's fields as typed or sent; the first wrong field raises."""

    def text(name: str, label: str, *, required: bool = False) -> str:
        return clean_text(
            raw.get(name),
            field=name,
            label=label,
            max_length=text_cap(LegalDocument, name),
            required=required,
        )

    def day(name: str, label: str) -> dt.date | None:
        return parse_date(raw.get(name), field=name, label=label, minimum=DATE_FIRST)

    number = text("number", "Số, ký hiệu", required=True)
    if not any(ch.isdigit() for ch in number) or not number_key(number):
        raise DomainError(
            "bad_number", "Số, ký hiệu phải có chữ số, ví dụ 09/2024/TT-BGDĐT.", field="number"
        )
    doc_type = _choice(
        raw.get("doc_type"), LegalDocument.DocType, field="doc_type", label="Loại văn bản"
    )
    issuer = text("issuer", "Cơ quan ban hành", required=True)
    issued_on = day("issued_on", "Ngày ban hành")
    effective_on = day("effective_on", "Ngày có hiệu lực")
    if issued_on and effective_on and effective_on < issued_on:
        raise DomainError(
            "effective_before_issued",
            "Ngày có hiệu lực không thể trước ngày ban hành.",
            field="effective_on",
        )
    title = text("title", "Trích yếu", required=True)
    status = _choice(
        raw.get("status") or LegalDocument.Status.IN_FORCE,
        LegalDocument.Status,
        field="status",
        label="Tình trạng hiệu lực",
    )
    replaced_by = clean_text(
        raw.get("replaced_by"),
        field="replaced_by",
        label="Văn bản thay thế",
        max_length=text_cap(LegalDocument, "number"),
    )
    if status == LegalDocument.Status.REPLACED and not replaced_by:
        raise DomainError(
            "replacement_missing",
            "Văn bản đã bị thay thế: hãy ghi số, ký hiệu của văn bản thay thế nó.",
            field="replaced_by",
        )
    if status != LegalDocument.Status.REPLACED and replaced_by:
        raise DomainError(
            "replacement_without_status",
            "Chỉ ghi văn bản thay thế khi tình trạng là “Đã bị thay thế”.",
            field="replaced_by",
        )
    if replaced_by and number_key(replaced_by) == number_key(number):
        raise DomainError(
            "replaces_itself", "Một văn bản không thể thay thế chính nó.", field="replaced_by"
        )
    source_url = text("source_url", "Nguồn", required=True)
    try:
        _URL(source_url)
    except ValidationError:
        raise DomainError(
            "bad_source",
            "Nguồn phải là địa chỉ trang web công khai nêu sự việc, bắt đầu bằng https://.",
            field="source_url",
        ) from None
    return DocumentFields(
        number=number,
        doc_type=doc_type,
        issuer=issuer,
        issued_on=issued_on,
        effective_on=effective_on,
        title=title,
        status=status,
        replaced_by=replaced_by,
        amended_by=text("amended_by", "Được sửa đổi, bổ sung bởi"),
        source_url=source_url,
        note=text("note", "Ghi chú về nguồn"),
    )


def _successor(values: DocumentFields, document: LegalDocument | None) -> LegalDocument | None:
    """The registry entry that replaced the document (refused: missing, or a loop back)."""
    if not values.replaced_by:
        return None
    successor = LegalDocument.objects.filter(number_key=number_key(values.replaced_by)).first()
    if successor is None:
        raise DomainError(
            "replacement_unknown",
            f"Văn bản thay thế {values.replaced_by} chưa có trong danh mục; hãy thêm nó trước.",
            field="replaced_by",
        )
    seen = {values.key}
    step: LegalDocument | None = successor
    while step is not None:  # a chain of replacements never comes back to this document
        if step.number_key in seen:
            raise DomainError(
                "replacement_loop",
                f"{values.replaced_by} đã (trực tiếp hay gián tiếp) được thay thế bởi "
                f"{values.number}: hai văn bản không thể thay thế nhau.",
                field="replaced_by",
            )
        seen.add(step.number_key)
        step = step.replaced_by
    return successor


def _apply(
    document: LegalDocument, values: DocumentFields, successor: LegalDocument | None
) -> None:
    for name in (f.name for f in fields(values)):
        if name != "replaced_by":
            setattr(document, name, getattr(values, name))
    document.replaced_by = successor
    document.number_key = values.key
    document.search_folded = fold(f"{values.number} {values.title} {values.issuer}")


def _save(
    actor: Actor | None,
    document: LegalDocument,
    values: DocumentFields,
    successor: LegalDocument | None,
    *,
    unit_id: int | None,
    note: str = "",
) -> bool:
    """Write ``values`` over ``document`` (new or locked) with its audit row; False: unchanged."""
    creating = document.pk is None
    before = {} if creating else snapshot(document, AUDITED)
    _apply(document, values, successor)
    changes = diff(before, snapshot(document, AUDITED))
    if not changes:
        return False
    if not creating:
        document.version += 1
    document.updated_by = _user(actor)
    document.updated_at = timezone.now()
    document.save()
    audit_record(
        actor=actor,
        action="legal.document_create" if creating else "legal.document_update",
        target=document,
        changes=changes,
        unit_id=unit_id,
        note=note,
    )
    return True


def _refuse_unless_editor(actor: Actor | None) -> int | None:
    unit = registry_unit()
    refusal = edit_refusal(actor, unit)
    if refusal is not None:
        raise refusal
    return unit.pk if unit is not None else None


def document_create(*, actor: Actor | None, **raw: object) -> LegalDocument:
    """Add a document to the registry (its number not there yet)."""
    unit_id = _refuse_unless_editor(actor)
    values = read_fields(raw)
    try:
        with transaction.atomic():
            _refuse_taken(values)
            successor = _successor(values, None)
            document = LegalDocument()
            _save(actor, document, values, successor, unit_id=unit_id)
    except IntegrityError:
        _refuse_taken(values)  # the same number added at the same moment
        raise
    return document


def _refuse_taken(values: DocumentFields) -> None:
    taken = LegalDocument.objects.filter(number_key=values.key).first()
    if taken is not None:
        raise Conflict("duplicate", f"{taken.label} đã có trong danh mục; hãy sửa văn bản đó.")


def document_update(
    *, actor: Actor | None, document_id: object, version: object, **raw: object
) -> LegalDocument:
    """Correct a registry entry. Optimistic: a stale ``version`` raises StaleEdit naming who
    saved first; the number may change only to one not taken by another entry."""
    found = access_document(actor, document_id)
    unit_id = _refuse_unless_editor(actor)
    expected = parse_int(version, field="version", label="Phiên bản", required=True)
    values = read_fields(raw)
    try:
        return _update(actor, found.pk, expected, values, unit_id)
    except IntegrityError:
        taken = LegalDocument.objects.filter(number_key=values.key).exclude(pk=found.pk)
        if taken.exists():  # its new number given to another entry at the same moment
            raise Conflict(
                "duplicate", f"{values.number} đã có trong danh mục.", field="number"
            ) from None
        raise


def _update(
    actor: Actor | None, pk: int, expected: int | None, values: DocumentFields, unit_id: int | None
) -> LegalDocument:
    with transaction.atomic():
        document = (
            LegalDocument.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=pk)
        )
        if document.version != expected:
            raise StaleEdit(
                current=snapshot(document, AUDITED),
                changed_by=str(document.updated_by) if document.updated_by else "",
                changed_at=document.updated_at,
                what=f"Văn bản {document.number} trong danh mục",
            )
        if LegalDocument.objects.filter(number_key=values.key).exclude(pk=document.pk).exists():
            raise Conflict("duplicate", f"{values.number} đã có trong danh mục.", field="number")
        _save(actor, document, values, _successor(values, document), unit_id=unit_id)
    return document


# --- the curated list the project keeps -----------------------------------------------------


@dataclass(frozen=True)
class LoadSummary:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def registry_text() -> str:
    """The CSV the project keeps (``namhoc/legal/data/registry.csv``)."""
    return resources.files("namhoc.legal").joinpath("data/registry.csv").read_text("utf-8")


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError(
            "bad_columns", f"Tệp danh mục thiếu cột: {', '.join(missing)}.", field="file"
        )
    rows: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        if len(rows) >= MAX_CSV_ROWS:
            raise DomainError(
                "too_many_rows", f"Tệp danh mục dài quá {MAX_CSV_ROWS} dòng.", field="file"
            )
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        rows.append((reader.line_num, {k: v or "" for k, v in row.items() if k}))
    return rows


def _parsed(rows: Iterable[tuple[int, dict[str, str]]]) -> list[DocumentFields]:
    """Every row parsed, or one refusal listing every wrong row (nothing is written)."""
    problems: list[str] = []
    parsed: list[DocumentFields] = []
    keys: dict[str, int] = {}
    for line, row in rows:
        try:
            values = read_fields(row)
        except DomainError as exc:
            problems.append(f"dòng {line}: {exc.message}")
            continue
        if values.key in keys:
            problems.append(f"dòng {line}: {values.number} đã có ở dòng {keys[values.key]}.")
            continue
        keys[values.key] = line
        parsed.append(values)
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (và {len(problems) - 10} dòng khác)" if len(problems) > 10 else ""
        raise DomainError(
            "bad_rows", f"Tệp danh mục có {len(problems)} dòng sai: {shown}{more}.", field="file"
        )
    return parsed


def registry_load(*, actor: Actor | None, text: str | None = None) -> LoadSummary:
    """Load the curated registry (``text``: a CSV of :data:`CSV_COLUMNS`; by default the one the
    project keeps) — all of it or nothing. Idempotent: a row equal to its entry changes nothing
    and writes no audit row; entries not in the file are kept."""
    unit_id = _refuse_unless_editor(actor)
    pending = _parsed(_rows(registry_text() if text is None else text))
    try:
        return _load(actor, pending, unit_id)
    except IntegrityError:  # another load (or a person) added one of its numbers meanwhile
        raise Conflict(
            "concurrent_load",
            "Danh mục vừa được sửa cùng lúc (một văn bản trong tệp vừa được thêm); hãy nạp lại.",
        ) from None


def _load(actor: Actor | None, pending: list[DocumentFields], unit_id: int | None) -> LoadSummary:
    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {
            d.number_key: d for d in LegalDocument.objects.select_for_update().order_by("pk")
        }
        # A replaced document needs its successor saved first: rows go in as their successors
        # become known; what never does names a document missing from file and registry alike.
        while pending:
            ready = [
                v for v in pending if not v.replaced_by or number_key(v.replaced_by) in existing
            ]
            if not ready:
                names = ", ".join(f"{v.number} → {v.replaced_by}" for v in pending[:10])
                raise DomainError(
                    "replacement_unknown",
                    "Văn bản thay thế không có trong tệp lẫn danh mục, hoặc các văn bản thay "
                    f"thế nhau thành vòng: {names}.",
                    field="file",
                )
            for values in ready:
                document = existing.get(values.key) or LegalDocument()
                successor = _successor(values, document)
                if document.pk is None:
                    _save(actor, document, values, successor, unit_id=unit_id, note="tệp danh mục")
                    created += 1
                elif _save(
                    actor, document, values, successor, unit_id=unit_id, note="tệp danh mục"
                ):
                    updated += 1
                else:
                    unchanged += 1
                existing[values.key] = document
            pending = [v for v in pending if v not in ready]
    return LoadSummary(created=created, updated=updated, unchanged=unchanged)
