"""Use cases of drafted documents: ask for a draft, build it (the background task), upload or
remove a unit's own template.

Each user action takes the acting person and the raw input, loads the unit (and the upper
directive) through the access layer (out of scope → NotFound), checks the action's refusal
predicate (``reporting.access``), parses the input with ``namhoc.core.parsing`` against the
model's bounds, and writes in one transaction with the unit's row locked, so that two people
asking at once get versions n+1 and n+2, never the same one; the audit row is written beside
the change (ADR 0007).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from namhoc.accounts.access import access_unit
from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.clock import today as clock_today
from namhoc.core.errors import Conflict, DomainError
from namhoc.core.parsing import clean_text, parse_id, parse_school_year, text_cap
from namhoc.core.types import SYSTEM, Actor
from namhoc.directives.access import access_directive
from namhoc.directives.files import check_upload, clean_filename, store_blob
from namhoc.directives.models import Directive
from namhoc.orgunits.models import OrgUnit
from namhoc.reporting import data
from namhoc.reporting.access import access_template, draft_refusal, template_refusal
from namhoc.reporting.builtin import render_builtin
from namhoc.reporting.custom import TemplateProblem, check_template, render_custom
from namhoc.reporting.drafting import draft
from namhoc.reporting.drafting.context import sample_context
from namhoc.reporting.models import ReportDraft, ReportKind, ReportTemplate
from namhoc.reporting.selectors import STALE_AFTER, template_for
from namhoc.reporting.xlsx import workbook_bytes

__all__ = [
    "MAX_ATTEMPTS",
    "draft_build",
    "draft_request",
    "parse_kind",
    "template_retire",
    "template_upload",
]

logger = logging.getLogger("namhoc.reporting")

MAX_ATTEMPTS = 3  # a draft whose build was cut short this often is failed, not retried
REQUEST_FIELDS = ("kind", "school_year", "directive", "version", "signer_title", "signer_name")
_KINDS = {
    "year_end": ReportKind.YEAR_END,
    "year-end": ReportKind.YEAR_END,
    "tong-ket": ReportKind.YEAR_END,
    "semester": ReportKind.SEMESTER,
    "so-ket": ReportKind.SEMESTER,
    "plan": ReportKind.PLAN,
    "ke-hoach": ReportKind.PLAN,
}


def _user(actor: Actor | None) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def parse_kind(raw: object) -> str:
    kind = _KINDS.get(str(raw or "").strip().lower()) if isinstance(raw, str) else None
    if kind is None:
        raise DomainError(
            "bad_kind",
            "Loại văn bản phải là báo cáo tổng kết năm học (year-end), sơ kết học kỳ I "
            "(semester) hoặc kế hoạch thực hiện (plan).",
            field="kind",
        )
    return str(kind)


def _unit(actor: Actor | None, raw: object) -> OrgUnit:
    key = raw.strip() if isinstance(raw, str) else ""
    if not key:
        raise DomainError("required", "Hãy chọn đơn vị.", field="unit")
    if len(key) > 40:
        raise DomainError("not_found", "Không tìm thấy đơn vị này.", field="unit")
    return access_unit(actor, key)


def _upper(actor: Actor | None, unit: OrgUnit, raw: object, school_year: object) -> Directive:
    """The directive above ``unit`` its plan carries out: the one named, else the one in force
    at the nearest unit above for ``school_year``."""
    directive_id = parse_id(raw)
    if directive_id is None:
        if raw not in (None, ""):
            raise DomainError("bad_directive", "Mã văn bản không hợp lệ.", field="directive")
        year = parse_school_year(school_year)
        directive_id = data.directive_above(actor, unit, year)
        if directive_id is None:
            raise DomainError(
                "no_upper",
                f"Chưa có văn bản năm học {year} của đơn vị cấp trên {unit.name} trên namhoc; "
                "hãy chọn văn bản cấp trên.",
                field="directive",
            )
    directive = access_directive(actor, directive_id)
    if directive.status != Directive.Status.PUBLISHED:
        raise DomainError(
            "not_published",
            "Chỉ lập kế hoạch thực hiện văn bản đang có hiệu lực (đã ban hành).",
            field="directive",
        )
    above = directive.unit.path
    if not (unit.path.startswith(above) and unit.path != above):
        raise DomainError(
            "not_above",
            f"Văn bản {directive.number or directive.pk} do {directive.unit.name} ban hành, "
            f"không phải đơn vị cấp trên của {unit.name}.",
            field="directive",
        )
    if not directive.school_year:
        raise DomainError(
            "no_school_year",
            "Văn bản cấp trên chưa ghi năm học; hãy bổ sung năm học trên trang văn bản.",
            field="directive",
        )
    return directive


def _enqueue(draft_id: int) -> None:
    from namhoc.reporting.tasks import build_draft

    transaction.on_commit(lambda: build_draft.enqueue(draft_id))


def draft_request(
    *,
    actor: Actor | None,
    unit_key: object,
    kind: object,
    school_year: object = "",
    directive_id: object = None,
    signer_title: object = "",
    signer_name: object = "",
    enqueue: bool = True,
) -> ReportDraft:
    """Ask for a new version of a unit's year-end or semester report for ``school_year``, or of
    its implementing plan for the directive above (``directive_id``; blank: the one in force
    above the unit for ``school_year``). Drafting runs in the background (``enqueue``) unless
    the caller builds it itself (the CLI)."""
    parsed_kind = parse_kind(kind)
    unit = _unit(actor, unit_key)
    refusal = draft_refusal(actor, unit)
    if refusal is not None:
        raise refusal
    title = clean_text(
        signer_title,
        field="signer_title",
        label="Chức vụ người ký",
        max_length=text_cap(ReportDraft, "signer_title"),
    )
    name = clean_text(
        signer_name,
        field="signer_name",
        label="Người ký",
        max_length=text_cap(ReportDraft, "signer_name"),
    )
    directive: Directive | None = None
    if parsed_kind == ReportKind.PLAN:
        directive = _upper(actor, unit, directive_id, school_year)
        year = directive.school_year
    else:
        year = parse_school_year(school_year)
    with transaction.atomic():
        # One requester at a time per unit: the version below is n+1 of what is committed.
        OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
        series = ReportDraft.objects.filter(unit=unit, kind=parsed_kind)
        series = (
            series.filter(directive=directive)
            if directive is not None
            else series.filter(school_year=year, directive__isnull=True)
        )
        version = (series.aggregate(n=Max("version"))["n"] or 0) + 1
        created = ReportDraft.objects.create(
            unit=unit,
            kind=parsed_kind,
            school_year=year,
            directive=directive,
            version=version,
            signer_title=title,
            signer_name=name,
            requested_by=_user(actor),
            requested_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="report.request",
            target=created,
            changes=diff({}, snapshot(created, REQUEST_FIELDS)),
            unit_id=unit.pk,
        )
        if enqueue:
            _enqueue(created.pk)
    return created


# --- building (the background task) ---------------------------------------------------------


def _progress(draft_id: int) -> Any:
    def report(percent: int, stage: str) -> None:
        ReportDraft.objects.filter(pk=draft_id, status=ReportDraft.Status.RUNNING).update(
            progress=max(0, min(99, percent)), stage=stage[:200]
        )

    return report


def _claim(draft_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=ReportDraft.Status.QUEUED) | Q(
        status=ReportDraft.Status.RUNNING, started_at__lt=now - STALE_AFTER
    )
    return bool(
        ReportDraft.objects.filter(claimable, pk=draft_id).update(
            status=ReportDraft.Status.RUNNING,
            started_at=now,
            attempts=F("attempts") + 1,
            progress=1,
            stage="Bắt đầu soạn",
            message="",
        )
    )


def _fail(draft_id: int, message: str) -> ReportDraft:
    with transaction.atomic():
        locked = ReportDraft.objects.select_for_update().get(pk=draft_id)
        locked.status = ReportDraft.Status.FAILED
        locked.message = message[:1000]
        locked.stage = ""
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "message", "stage", "finished_at"])
        audit_record(
            actor=None,
            action="report.fail",
            target=locked,
            changes={"message": [None, locked.message]},
            unit_id=locked.unit_id,
        )
    return locked


@dataclass(frozen=True)
class _Built:
    docx: bytes
    annex: bytes
    title: str
    template: ReportTemplate | None


def _render(target: ReportDraft) -> _Built:
    viewer = target.requested_by if target.requested_by is not None else SYSTEM
    document = draft(
        viewer=viewer,
        unit=target.unit,
        kind=target.kind,
        school_year=target.school_year,
        directive_id=target.directive_id,
        signer_title=target.signer_title,
        signer_name=target.signer_name,
        today=clock_today(),
        progress=_progress(target.pk),
    )
    _progress(target.pk)(90, "Đang tạo tệp Word và phụ lục Excel")
    template = template_for(target.unit, target.kind)
    if template is not None:
        with default_storage.open(template.file.name or "", "rb") as handle:
            docx = render_custom(handle.read(), document.context)
    else:
        docx = render_builtin(document)
    return _Built(
        docx=docx,
        annex=workbook_bytes(document.annex),
        title=f"{document.type_name.capitalize()} {document.summary[:1].lower()}"
        f"{document.summary[1:]}"[:500],
        template=template,
    )


def draft_build(*, draft_id: int) -> ReportDraft | None:  # noqa: PLR0911 - one per way it ends
    """Draft a requested document: read the data, write the words, render the .docx (the unit's
    template or the built-in layout) and the Excel annex, store both. Safe to run twice: a draft
    already built (or being built by a live worker) is left alone; one whose worker stopped is
    taken over, at most :data:`MAX_ATTEMPTS` times."""
    if not _claim(draft_id):
        return ReportDraft.objects.filter(pk=draft_id).first()
    target = ReportDraft.objects.select_related("unit", "requested_by").get(pk=draft_id)
    if target.attempts > MAX_ATTEMPTS:
        return _fail(
            draft_id,
            f"Việc soạn dự thảo bị dừng giữa chừng {MAX_ATTEMPTS} lần; hãy soạn lại, nếu vẫn "
            "lỗi hãy báo quản trị hệ thống.",
        )
    try:
        built = _render(target)
    except TemplateProblem as exc:
        return _fail(draft_id, f"Mẫu báo cáo riêng của đơn vị không dùng được: {exc.message}")
    except DomainError as exc:
        return _fail(draft_id, exc.message)
    except Exception:
        logger.exception("drafting report %s failed", draft_id)
        return _fail(
            draft_id,
            "Không soạn được dự thảo do lỗi của hệ thống; hãy thử lại sau hoặc báo quản trị.",
        )
    docx = store_blob(built.docx, folder="reports", kind="docx")
    annex = store_blob(built.annex, folder="reports", kind="xlsx")
    with transaction.atomic():
        locked = ReportDraft.objects.select_for_update().get(pk=draft_id)
        if locked.status != ReportDraft.Status.RUNNING:
            return locked
        locked.status = ReportDraft.Status.DONE
        locked.progress = 100
        locked.stage = ""
        locked.file = docx.name
        locked.file_size = docx.size
        locked.annex = annex.name
        locked.annex_size = annex.size
        locked.template = built.template
        locked.title = built.title
        locked.finished_at = timezone.now()
        locked.save()
        audit_record(
            actor=None,
            action="report.finish",
            target=locked,
            changes={
                "file": [None, docx.sha256],
                "template": [None, built.template.pk if built.template else None],
            },
            unit_id=locked.unit_id,
        )
    return locked


# --- a unit's own template ------------------------------------------------------------------


def template_upload(
    *, actor: Actor | None, unit_key: object, kind: object, data: bytes, filename: str | None
) -> ReportTemplate:
    """Use an uploaded .docx as ``unit``'s template for ``kind`` (its subtree too, unless a unit
    below has its own). The file is checked by content and size, its tags compiled in the
    sandbox and rendered with sample values; the template it replaces is kept, retired."""
    parsed_kind = parse_kind(kind)
    unit = _unit(actor, unit_key)
    refusal = template_refusal(actor, unit)
    if refusal is not None:
        raise refusal
    check_upload(data, allowed=frozenset({"docx"}), field="file")
    tags = check_template(data, sample_context(parsed_kind))
    name = clean_filename(filename, default="mau-bao-cao.docx")
    blob = store_blob(data, folder="report-templates", kind="docx")
    now = timezone.now()
    with transaction.atomic():
        OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
        for old in ReportTemplate.objects.filter(
            unit=unit, kind=parsed_kind, retired_at__isnull=True
        ):
            _retire(actor, old, now, note="thay bằng mẫu mới")
        created = ReportTemplate.objects.create(
            unit=unit,
            kind=parsed_kind,
            file=blob.name,
            original_name=name,
            size=blob.size,
            sha256=blob.sha256,
            tags=tags[:500],
            uploaded_by=_user(actor),
            uploaded_at=now,
        )
        audit_record(
            actor=actor,
            action="report_template.upload",
            target=created,
            changes=diff({}, snapshot(created, ["kind", "original_name", "size", "sha256"])),
            unit_id=unit.pk,
        )
    return created


def _retire(actor: Actor | None, template: ReportTemplate, now: Any, *, note: str = "") -> None:
    template.retired_at = now
    template.retired_by = _user(actor)
    template.save(update_fields=["retired_at", "retired_by"])
    audit_record(
        actor=actor,
        action="report_template.retire",
        target=template,
        changes={"retired_at": [None, now.isoformat()]},
        unit_id=template.unit_id,
        note=note,
    )


def template_retire(*, actor: Actor | None, template_id: int) -> ReportTemplate:
    """Stop using a unit's template: its documents go back to the template above it, or to the
    built-in layout. The file stays, for the record."""
    template = access_template(actor, template_id)
    refusal = template_refusal(actor, template.unit)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        locked = (
            ReportTemplate.objects.select_for_update().select_related("unit").get(pk=template.pk)
        )
        if locked.retired_at is not None:
            raise Conflict("already_retired", "Mẫu này đã thôi được dùng từ trước.")
        _retire(actor, locked, timezone.now())
    return locked
