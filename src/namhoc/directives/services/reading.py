"""Sources: upload or paste a document, read it in the background (within limits, with progress,
recovering from a worker that dies), make its draft directive, read it again.

``source_upload``, ``source_paste`` and ``source_retry`` are user actions (ADR 0007): the acting
user and the raw input (the issuing unit's key, the bytes or text; the source's id), access
checked here through ``directives.access``. ``source_read`` and ``sources_recover`` are the
background task's and the supervisor's.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from namhoc.accounts.access import access_unit
from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.parsing import clean_text, text_cap
from namhoc.core.text import nfc
from namhoc.core.types import Actor
from namhoc.directives.access import access_source, retry_refusal, upload_refusal
from namhoc.directives.files import DIRECTIVE_KINDS, check_upload, clean_filename, store_blob
from namhoc.directives.models import (
    PASTE_TEXT_MAX,
    TARGET_VALUE_MAX,
    AssignmentHint,
    Citation,
    Directive,
    DirectiveTask,
    SourceDocument,
    Target,
)
from namhoc.directives.services.common import (
    HEADER_FIELDS,
    directive_changed,
    refuse,
    user_of,
)
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "PASTE_MIN_CHARS",
    "Recovery",
    "progress_message",
    "read_limits",
    "read_stale_after",
    "source_paste",
    "source_read",
    "source_retry",
    "source_upload",
    "sources_recover",
]

PASTE_MIN_CHARS = 40


# --- sources --------------------------------------------------------------------------------


def _enqueue_read(source_id: int) -> None:
    from namhoc.directives.tasks import read_source

    transaction.on_commit(lambda: read_source.enqueue(source_id))


def _upload_unit(actor: Actor | None, raw: object) -> OrgUnit:
    """The issuing unit named by ``raw`` (its key, as the picker or a client sends it): one the
    actor sees (NotFound otherwise) and may upload for (a specialist there, a current unit)."""
    if isinstance(raw, OrgUnit):  # a caller that holds the unit (the demo): checked the same
        unit = access_unit(actor, raw)
    else:
        key = raw.strip() if isinstance(raw, str) else ""
        if not key:
            raise DomainError("required", "Hãy chọn đơn vị ban hành.", field="unit")
        if len(key) > 40:
            raise NotFound()
        unit = access_unit(actor, key)
    refuse(upload_refusal(actor, unit))
    return unit


@transaction.atomic
def source_upload(
    *, actor: Actor | None, unit: str | OrgUnit, data: bytes, filename: str | None
) -> tuple[SourceDocument, bool]:
    """Keep the original (issued by the unit of key ``unit``) and queue its reading. The same
    bytes again in the same unit give the existing record back (``created`` False) and store
    nothing new."""
    issuer = _upload_unit(actor, unit)
    kind = check_upload(data, allowed=DIRECTIVE_KINDS)
    blob = store_blob(data, folder="directives", kind=kind)
    existing = (
        SourceDocument.objects.filter(unit=issuer, sha256=blob.sha256)
        .defer("text", "extraction")
        .first()
    )
    if existing is not None:
        return _source_again(existing, actor=actor), False
    source = SourceDocument.objects.create(
        unit=issuer,
        sha256=blob.sha256,
        filename=clean_filename(filename, default=f"van-ban.{kind}"),
        format=kind,
        size=blob.size,
        file=blob.name,
        uploaded_by=user_of(actor),
    )
    audit_record(
        actor=actor,
        action="source.upload",
        target=source,
        changes=diff({}, snapshot(source, ["filename", "format", "size", "sha256"])),
        unit_id=issuer.pk,
    )
    _enqueue_read(source.pk)
    return source, True


def _source_again(source: SourceDocument, *, actor: Actor | None) -> SourceDocument:
    """The same bytes uploaded again: never hand back a stuck record. A read whose worker died
    is recovered, a failed one is read again (the person asked for it by uploading)."""
    if source.status == SourceDocument.Status.READING:
        sources_recover(source_ids=[source.pk])
    elif source.status == SourceDocument.Status.FAILED:
        SourceDocument.objects.filter(pk=source.pk, status=SourceDocument.Status.FAILED).update(
            read_attempts=0
        )
        source.read_attempts = 0
        _requeue(source, actor=actor, message="")
    source.refresh_from_db(fields=["status", "status_message", "read_attempts"])
    return source


def source_paste(
    *, actor: Actor | None, unit: str | OrgUnit, text: object
) -> tuple[SourceDocument, bool]:
    """Pasted text becomes a UTF-8 .txt original, then goes the way of an upload."""
    body = clean_text(
        text,
        field="text",
        label="Văn bản dán vào",
        max_length=PASTE_TEXT_MAX,
        required=True,
        multiline=True,
    )
    if len(body) < PASTE_MIN_CHARS:
        raise DomainError(
            "too_short",
            f"Văn bản dán vào quá ngắn để đọc (cần ít nhất {PASTE_MIN_CHARS} ký tự).",
            field="text",
        )
    day = timezone.localdate().strftime("%Y%m%d")
    return source_upload(
        actor=actor, unit=unit, data=body.encode("utf-8"), filename=f"van-ban-dan-{day}.txt"
    )


# --- reading: limits, progress, recovery from a dying worker (issue 9) -----------------------

READ_ATTEMPTS_MAX = 2  # a file that stops the worker this many times is marked unreadable
PROGRESS_EVERY_SECONDS = 1.0  # progress is written to the source at most this often
STALE_GRACE_SECONDS = 60  # past the read's time limit, a silent read is taken for dead
QUEUE_STALE_SECONDS = 30 * 60  # a queued read not started by then is queued again
_RUNNING = "Đang đọc…"


def read_limits(size: int = 0) -> Any:
    """The reader's limits from the settings (``NAMHOC_READ_*``, ``NAMHOC_OCR_MAX_PAGES``)."""
    from django.conf import settings

    from namhoc.ingest import ReadLimits

    ocr_pages = int(getattr(settings, "OCR_MAX_PAGES", 40))
    return ReadLimits(
        max_bytes=max(int(settings.UPLOAD_MAX_BYTES), size + 1),
        max_pages=int(getattr(settings, "READ_MAX_PAGES", 500)),
        max_chars=int(getattr(settings, "READ_MAX_CHARS", 3_000_000)),
        max_seconds=float(getattr(settings, "READ_MAX_SECONDS", 180)),
        ocr=ocr_pages > 0,
        max_ocr_pages=max(1, ocr_pages),
    )


def read_stale_after() -> dt.timedelta:
    """A read whose worker has said nothing for this long is dead (or hung past its limit)."""
    from django.conf import settings

    seconds = float(getattr(settings, "READ_MAX_SECONDS", 180)) + STALE_GRACE_SECONDS
    return dt.timedelta(seconds=seconds)


def progress_message(stage: str, done: int, total: int) -> str:
    """What the source page says while a read goes on ("Đang nhận dạng chữ trang 3/12")."""
    if stage == "ocr":
        if done <= 0:
            return f"Đang nhận dạng chữ ({total} trang)…"
        if done >= total:
            return f"Đã nhận dạng chữ {total}/{total} trang, đang phân tích…"
        # ``done`` pages are read: the one being read now is the next
        return f"Đang nhận dạng chữ trang {done + 1}/{total}"
    if stage == "read":
        return "Đang mở tệp…"
    if stage == "analyse":
        return f"Đang phân tích văn bản ({min(done, total)}/{total})…"
    return f"Đang đọc ({done}/{total})…" if total else _RUNNING


class _Progress:
    """The reader's progress callback: writes the message and the heartbeat of this attempt,
    at most once every PROGRESS_EVERY_SECONDS (and never over a read recovered meanwhile)."""

    def __init__(self, source_id: int, attempt: int) -> None:
        self.rows = SourceDocument.objects.filter(
            pk=source_id, status=SourceDocument.Status.READING, read_attempts=attempt
        )
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        self.rows.update(
            status_message=progress_message(stage, done, total)[:500],
            read_heartbeat_at=timezone.now(),
        )


def _requeue(source: SourceDocument, *, actor: Actor | None, message: str, note: str = "") -> bool:
    """Put ``source`` back in the queue (attempts kept); False if it changed meanwhile."""
    updated = SourceDocument.objects.filter(
        pk=source.pk, status=source.status, read_attempts=source.read_attempts
    ).update(
        status=SourceDocument.Status.QUEUED,
        status_message=message[:500],
        read_worker="",
        read_heartbeat_at=timezone.now(),
    )
    if updated:
        audit_record(
            actor=actor,
            action="source.retry",
            target=source,
            changes={"status": [source.status, "queued"]},
            unit_id=source.unit_id,
            note=note,
        )
        _enqueue_read(source.pk)
    return bool(updated)


@transaction.atomic
def source_retry(*, actor: Actor | None, source_id: object) -> SourceDocument:
    """Read a failed source again ("Đọc lại"): it gets a fresh count of attempts. A read whose
    worker died is recovered first, so "Đọc lại" works on it too."""
    source = access_source(actor, source_id)
    refuse(retry_refusal(actor, source))
    if source.status == SourceDocument.Status.READING:
        sources_recover(source_ids=[source.pk])
        source.refresh_from_db(fields=["status", "status_message", "read_attempts"])
    if source.status != SourceDocument.Status.FAILED:
        raise DomainError("not_failed", "Chỉ đọc lại được tệp đã đọc lỗi.")
    SourceDocument.objects.filter(pk=source.pk, status=SourceDocument.Status.FAILED).update(
        read_attempts=0
    )
    source.read_attempts = 0
    _requeue(source, actor=actor, message="")
    source.refresh_from_db(fields=["status", "status_message", "read_attempts"])
    return source


def _read(data: bytes, filename: str, progress: Any = None) -> dict[str, Any]:
    """Run the reader within the limits; its JSON form with the normalized text under "text"."""
    from namhoc.ingest import read_document

    result = read_document(
        data, filename=filename, limits=read_limits(len(data)), progress=progress
    )
    return result.to_dict(include_text=True)


def source_read(*, source_id: int, worker_id: str = "") -> SourceDocument | None:
    """Read a queued source and make its draft directive. Safe to run twice: a source that is
    already read (or taken by another worker) is left alone.

    The claim counts an attempt and names the worker (``worker_id``); every write after it is
    conditional on that attempt, so a read recovered meanwhile (its worker taken for dead) is
    never overwritten by a late finish.
    """
    from namhoc.ingest import IngestError

    with transaction.atomic():
        claimed = SourceDocument.objects.filter(
            pk=source_id, status=SourceDocument.Status.QUEUED
        ).update(
            status=SourceDocument.Status.READING,
            status_message=_RUNNING,
            read_attempts=F("read_attempts") + 1,
            read_worker=worker_id[:64],
            read_heartbeat_at=timezone.now(),
        )
    source = SourceDocument.objects.filter(pk=source_id).defer("text", "extraction").first()
    if source is None or not claimed:
        return source
    mine = SourceDocument.objects.filter(
        pk=source_id, status=SourceDocument.Status.READING, read_attempts=source.read_attempts
    )
    try:
        with default_storage.open(source.file.name or "", "rb") as handle:
            data = handle.read()
        extraction = _read(data, source.filename, _Progress(source_id, source.read_attempts))
    except IngestError as exc:
        with transaction.atomic():
            if mine.update(
                status=SourceDocument.Status.FAILED, status_message=exc.message_vi[:500]
            ):
                audit_record(
                    actor=None,
                    action="source.read_failed",
                    target=source,
                    changes={"status": ["reading", "failed"]},
                    unit_id=source.unit_id,
                    note=exc.code[:255],
                )
        source.refresh_from_db(fields=["status", "status_message"])
        return source
    except Exception:
        mine.update(
            status=SourceDocument.Status.FAILED,
            status_message="Lỗi hệ thống khi đọc tệp; hãy thử đọc lại hoặc báo quản trị.",
        )
        raise
    with transaction.atomic():
        text = extraction.pop("text", "")
        if not mine.update(
            status=SourceDocument.Status.READY,
            status_message=_summary(extraction),
            text=text,
            extraction=extraction,
            read_at=timezone.now(),
        ):
            return SourceDocument.objects.filter(pk=source_id).defer("text", "extraction").first()
        source.refresh_from_db()
        if not source.directives.exists():
            directive = _directive_from_extraction(source)
            audit_record(
                actor=None,
                action="directive.create",
                target=directive,
                changes=diff({}, snapshot(directive, ["source", *HEADER_FIELDS])),
                unit_id=source.unit_id,
            )
        audit_record(
            actor=None,
            action="source.read",
            target=source,
            changes={"status": ["reading", "ready"]},
            unit_id=source.unit_id,
        )
    return source


@dataclass
class Recovery:
    """What :func:`sources_recover` did: sources queued again, given up, and the workers whose
    reads were found dead or hung (a supervisor stops such a worker if it is still running)."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    queued_again: list[int] = field(default_factory=list)
    stale_workers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[Any]]:
        return {
            "requeued": self.requeued,
            "failed": self.failed,
            "queued_again": self.queued_again,
            "stale_workers": self.stale_workers,
        }


def sources_recover(
    *,
    worker_ids: Iterable[str] = (),
    source_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> Recovery:
    """Recover reads left behind by a worker that died (issue 9). Safe to run any time, on any
    host, as often as wanted.

    - A read being done by one of ``worker_ids`` (workers known to be dead: the supervisor
      passes the one it just saw die), or silent for longer than its time limit plus a grace
      (:func:`read_stale_after`; also reads from before this was recorded), is queued again —
      unless it already had READ_ATTEMPTS_MAX attempts: then the file is marked unreadable, with
      a message saying why and what to do. "Đọc lại" starts a fresh count.
    - A read queued for over QUEUE_STALE_SECONDS without starting (its task lost) is enqueued
      once more (a duplicate task is a no-op: the claim is conditional).
    ``source_ids`` limits the work to those sources (the upload of the same bytes, "Đọc lại").
    """
    now = now or timezone.now()
    dead = [w for w in worker_ids if w]
    silent_since = now - read_stale_after()
    reading = SourceDocument.objects.filter(status=SourceDocument.Status.READING).filter(
        Q(read_heartbeat_at__lt=silent_since)
        | Q(read_heartbeat_at__isnull=True)
        | Q(read_worker__in=dead)
    )
    queued = SourceDocument.objects.filter(status=SourceDocument.Status.QUEUED).filter(
        Q(read_heartbeat_at__lt=now - dt.timedelta(seconds=QUEUE_STALE_SECONDS))
        | Q(
            read_heartbeat_at__isnull=True,
            created_at__lt=now - dt.timedelta(seconds=QUEUE_STALE_SECONDS),
        )
    )
    if source_ids is not None:
        ids = list(source_ids)
        reading, queued = reading.filter(pk__in=ids), queued.filter(pk__in=ids)
    report = Recovery()
    for source in reading.defer("text", "extraction").order_by("pk"):
        with transaction.atomic():
            _recover_one(source, report)
    if report.requeued or report.failed:
        from namhoc.directives.tasks import read_tasks_fail_orphaned

        read_tasks_fail_orphaned(
            source_ids=[*report.requeued, *report.failed], worker_ids=report.stale_workers
        )
    for source in queued.defer("text", "extraction").order_by("pk"):
        if SourceDocument.objects.filter(pk=source.pk, status=SourceDocument.Status.QUEUED).update(
            read_heartbeat_at=now
        ):
            report.queued_again.append(source.pk)
            _enqueue_read(source.pk)
    return report


def _recover_one(source: SourceDocument, report: Recovery) -> None:
    if source.read_worker and source.read_worker not in report.stale_workers:
        report.stale_workers.append(source.read_worker)
    attempts = source.read_attempts
    if attempts < READ_ATTEMPTS_MAX:
        message = (
            "Tiến trình đọc bị dừng giữa chừng; tệp đã được xếp đọc lại "
            f"(lần {attempts + 1}/{READ_ATTEMPTS_MAX})."
        )
        if _requeue(source, actor=None, message=message, note="worker_died"):
            report.requeued.append(source.pk)
        return
    message = (
        f"Không đọc được: tệp này đã làm dừng tiến trình đọc {attempts} lần (có thể tệp hỏng, "
        "quá lớn hoặc quá phức tạp). Hãy mở tệp rồi lưu lại (hoặc xuất lại PDF) và tải lên lại; "
        "hoặc bấm “Đọc lại” để thử lần nữa."
    )
    if SourceDocument.objects.filter(
        pk=source.pk, status=SourceDocument.Status.READING, read_attempts=attempts
    ).update(status=SourceDocument.Status.FAILED, status_message=message, read_worker=""):
        audit_record(
            actor=None,
            action="source.read_failed",
            target=source,
            changes={"status": ["reading", "failed"]},
            unit_id=source.unit_id,
            note="worker_died",
        )
        report.failed.append(source.pk)


def _summary(extraction: Mapping[str, Any]) -> str:
    tasks = len(extraction.get("tasks") or [])
    citations = len(extraction.get("citations") or [])
    targets = len(extraction.get("targets") or [])
    return f"Đã đọc: {tasks} nhiệm vụ, {citations} văn bản được dẫn, {targets} chỉ tiêu."


def _parse_date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _clip(value: Any, length: int) -> str:
    """The reader's text for a column holding ``length`` characters (the source keeps it
    whole)."""
    text = nfc(str(value or "")).strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _cap(model: Any, name: str) -> int:
    return text_cap(model, name)


def _header_from(extraction: Mapping[str, Any]) -> dict[str, Any]:
    document = dict(extraction.get("document") or {})
    subject = document.get("subject") or {}
    number = document.get("number") or subject.get("number")
    return {
        "doc_type": _clip(document.get("doc_type") or subject.get("doc_type"), 60),
        "number": _clip(number, _cap(Directive, "number")),
        "issuer": _clip(document.get("issuer") or subject.get("issuer"), 255),
        "issued_on": _parse_date(document.get("date") or subject.get("date")),
        "place": _clip(document.get("place"), 120),
        "title": _clip(document.get("title"), _cap(Directive, "title")),
        "school_year": _clip(document.get("school_year"), 9),
        "theme": _clip(document.get("theme"), _cap(Directive, "theme")),
    }


def _target_value(raw: Any) -> Decimal | None:
    """A target value the reader found, if the column can hold it (else the target is left
    out: the sentence stays in the source text for a person to add it by hand)."""
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and 0 <= value <= TARGET_VALUE_MAX else None


def _directive_from_extraction(source: SourceDocument) -> Directive:
    extraction = source.extraction
    directive = Directive.objects.create(
        unit_id=source.unit_id,
        source=source,
        created_by_id=source.uploaded_by_id,
        **_header_from(extraction),
    )
    tasks = [
        DirectiveTask(
            directive=directive,
            position=index,
            label=_clip(item.get("label"), _cap(DirectiveTask, "label")),
            title=_clip(item.get("title") or item.get("text"), _cap(DirectiveTask, "title"))
            or f"Nhiệm vụ {index}",
            text=_clip(item.get("text"), _cap(DirectiveTask, "text")),
            start=item.get("start"),
            end=item.get("end"),
        )
        for index, item in enumerate(extraction.get("tasks") or [], start=1)
    ]
    DirectiveTask.objects.bulk_create(tasks)
    tasks = list(directive.tasks.order_by("position"))

    def task_at(start: Any) -> DirectiveTask | None:
        if start is None:
            return None
        for task in tasks:
            if task.start is not None and task.end is not None and task.start <= start < task.end:
                return task
        return None

    Citation.objects.bulk_create(
        Citation(
            directive=directive,
            number=_clip(item.get("canonical") or item.get("number"), _cap(Citation, "number")),
            doc_type=_clip(item.get("doc_type"), _cap(Citation, "doc_type")),
            issued_on=_parse_date(item.get("date")),
            raw=_clip(item.get("raw"), _cap(Citation, "raw")),
            start=item.get("start"),
            end=item.get("end"),
        )
        for item in extraction.get("citations") or []
        if item.get("canonical") or item.get("number")
    )
    targets = [
        (item, _target_value(item.get("value")))
        for item in extraction.get("targets") or []
        if item.get("kind", "target") == "target" and item.get("value") is not None
    ]
    Target.objects.bulk_create(
        Target(
            directive=directive,
            task=task_at(item.get("start")),
            value=value,
            unit_label=_clip(item.get("unit"), _cap(Target, "unit_label")),
            sentence=_clip(item.get("sentence") or item.get("raw"), _cap(Target, "sentence")),
            start=item.get("start"),
            end=item.get("end"),
        )
        for item, value in targets
        if value is not None
    )
    AssignmentHint.objects.bulk_create(
        AssignmentHint(
            directive=directive,
            task=task_at(item.get("start")),
            lead=[nfc(str(name)) for name in item.get("lead") or []],
            support=[nfc(str(name)) for name in item.get("support") or []],
            text=_clip(item.get("text"), _cap(AssignmentHint, "text")),
            start=item.get("start"),
            end=item.get("end"),
        )
        for item in extraction.get("assignments") or []
    )
    directive_changed(directive.pk)
    return directive
