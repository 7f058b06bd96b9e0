"""Writes on tracked work: assign tasks to units, post progress with evidence, publish revisions.

Keyword-only, atomic, audited; DomainError with a Vietnamese message on a broken rule. The
caller has checked access (``directives.access``, ``tracking.access``).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import DomainError
from namhoc.core.text import nfc
from namhoc.directives import services as directive_services
from namhoc.directives.files import EVIDENCE_KINDS, check_upload, clean_filename, store_blob
from namhoc.directives.models import Directive, DirectiveTask
from namhoc.directives.services import StaleEdit
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import subtree_q
from namhoc.tracking.models import Assignment, Evidence, ProgressUpdate

__all__ = [
    "ASSIGNMENT_FIELDS",
    "MAX_EVIDENCE_FILES",
    "HasUpdates",
    "UploadedFile",
    "assignment_create",
    "assignment_delete",
    "assignment_update",
    "assignments_create_for_level",
    "directive_publish",
    "update_post",
]

ASSIGNMENT_FIELDS = ("role", "deadline", "target_value", "target_unit", "note")
MAX_EVIDENCE_FILES = 10


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require_published(task: DirectiveTask) -> Directive:
    directive = task.directive
    if directive.status != Directive.Status.PUBLISHED:
        raise DomainError(
            "not_published", "Chỉ phân công nhiệm vụ của văn bản đang có hiệu lực (đã ban hành)."
        )
    return directive


def _require_below(directive: Directive, unit: OrgUnit) -> None:
    issuer_path = directive.unit.path
    if not unit.path.startswith(issuer_path) or unit.path == issuer_path:
        raise DomainError(
            "unit_not_below",
            f"{unit.name} không thuộc đơn vị cấp dưới của {directive.unit.name}.",
            field="unit",
        )
    if unit.valid_to is not None and unit.valid_to <= timezone.localdate():
        raise DomainError("unit_dissolved", f"{unit.name} đã giải thể.", field="unit")


def _validate(role: str, deadline: dt.date | None, target_value: decimal.Decimal | None) -> None:
    if role not in Assignment.Role.values:
        raise DomainError("bad_role", "Vai trò phải là chủ trì hoặc phối hợp.", field="role")
    if deadline is not None and not (dt.date(2000, 1, 1) <= deadline <= dt.date(2100, 12, 31)):
        raise DomainError("bad_deadline", "Hạn hoàn thành không hợp lệ.", field="deadline")
    if target_value is not None and not target_value.is_finite():
        raise DomainError("bad_target", "Chỉ tiêu phải là một số.", field="target_value")


@transaction.atomic
def assignment_create(
    *,
    actor: Any,
    task: DirectiveTask,
    unit: OrgUnit,
    role: str = Assignment.Role.LEAD,
    deadline: dt.date | None = None,
    target_value: decimal.Decimal | None = None,
    target_unit: str = "",
    note: str = "",
) -> Assignment:
    """Give ``task`` to ``unit`` (a unit below the directive's issuer)."""
    directive = _require_published(task)
    _require_below(directive, unit)
    _validate(role, deadline, target_value)
    if Assignment.objects.filter(task=task, unit=unit).exists():
        raise DomainError("duplicate", f"Nhiệm vụ này đã được giao cho {unit.name}.", field="unit")
    assignment = Assignment.objects.create(
        task=task,
        unit=unit,
        role=role,
        school_year=directive.school_year,
        deadline=deadline,
        target_value=target_value,
        target_unit=nfc(target_unit).strip()[:40],
        note=nfc(note).strip()[:500],
        assigned_by=_user(actor),
        updated_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="assignment.create",
        target=assignment,
        changes=diff({}, snapshot(assignment, ["task", "unit", *ASSIGNMENT_FIELDS])),
        unit_id=unit.pk,
    )
    return assignment


@dataclass(frozen=True)
class BulkResult:
    created: list[Assignment]
    skipped: list[OrgUnit]


@transaction.atomic
def assignments_create_for_level(
    *,
    actor: Any,
    task: DirectiveTask,
    kind: str,
    role: str = Assignment.Role.LEAD,
    deadline: dt.date | None = None,
    target_value: decimal.Decimal | None = None,
    target_unit: str = "",
    within: Iterable[int] | None = None,
    school_level: str = "",
) -> BulkResult:
    """Give ``task`` to every current unit of ``kind`` below the issuer, in one step.

    Units that already have it are skipped (and reported). ``within`` narrows the units (ids)
    to those the acting user may see; ``school_level`` narrows schools to one level
    ("các trường THCS").
    """
    directive = _require_published(task)
    if kind not in OrgUnit.Kind.values or kind == OrgUnit.Kind.MINISTRY:
        raise DomainError("bad_kind", "Cấp đơn vị không hợp lệ.", field="kind")
    if school_level and (
        kind != OrgUnit.Kind.SCHOOL or school_level not in OrgUnit.SchoolLevel.values
    ):
        raise DomainError("bad_school_level", "Cấp học không hợp lệ.", field="school_level")
    _validate(role, deadline, target_value)
    units = OrgUnit.objects.filter(
        subtree_q(directive.unit.path, include_self=False), kind=kind, valid_to__isnull=True
    ).order_by("path")
    if school_level:
        units = units.filter(school_level=school_level)
    if within is not None:
        units = units.filter(pk__in=list(within))
    units_list = list(units)
    if not units_list:
        raise DomainError("no_units", "Không có đơn vị nào ở cấp này.", field="kind")
    taken = set(Assignment.objects.filter(task=task).values_list("unit_id", flat=True))
    fresh = [unit for unit in units_list if unit.pk not in taken]
    created = Assignment.objects.bulk_create(
        Assignment(
            task=task,
            unit=unit,
            role=role,
            school_year=directive.school_year,
            deadline=deadline,
            target_value=target_value,
            target_unit=nfc(target_unit).strip()[:40],
            assigned_by=_user(actor),
            updated_by=_user(actor),
        )
        for unit in fresh
    )
    created = list(
        Assignment.objects.filter(task=task, unit__in=fresh)
        .select_related("unit")
        .order_by("unit__path")
    )
    for assignment in created:
        audit_record(
            actor=actor,
            action="assignment.create",
            target=assignment,
            changes=diff({}, snapshot(assignment, ["task", "unit", *ASSIGNMENT_FIELDS])),
            unit_id=assignment.unit_id,
            note=f"giao hàng loạt cấp {kind}",
        )
    return BulkResult(created=created, skipped=[u for u in units_list if u.pk in taken])


@transaction.atomic
def assignment_update(
    *,
    actor: Any,
    assignment: Assignment,
    version: int,
    role: str,
    deadline: dt.date | None,
    target_value: decimal.Decimal | None,
    target_unit: str,
    note: str,
) -> Assignment:
    """Change the terms of an assignment (the assigner's side). Optimistic: stale -> StaleEdit
    naming who saved the terms first (``updated_by``, ``updated_at``)."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=assignment.pk)
    )
    if assignment.version != version:
        raise StaleEdit(
            current=snapshot(assignment, ASSIGNMENT_FIELDS),
            changed_by=str(assignment.updated_by) if assignment.updated_by else "",
            changed_at=assignment.updated_at,
            what="Phân công này",
        )
    _validate(role, deadline, target_value)
    before = snapshot(assignment, ASSIGNMENT_FIELDS)
    assignment.role = role
    assignment.deadline = deadline
    assignment.target_value = target_value
    assignment.target_unit = nfc(target_unit).strip()[:40]
    assignment.note = nfc(note).strip()[:500]
    changes = diff(before, snapshot(assignment, ASSIGNMENT_FIELDS))
    if not changes:
        return assignment
    assignment.version += 1
    assignment.updated_by = _user(actor)
    assignment.updated_at = timezone.now()
    assignment.save()
    audit_record(
        actor=actor,
        action="assignment.update",
        target=assignment,
        changes=changes,
        unit_id=assignment.unit_id,
    )
    return assignment


class HasUpdates(DomainError):
    """The assignee has reported on this work: its reports and evidence are a record to keep."""

    status = 409


@transaction.atomic
def assignment_delete(*, actor: Any, assignment: Assignment) -> None:
    """Withdraw work given by mistake. Refused (HasUpdates, 409) once the assignee has reported
    progress: the reports and evidence are the unit's record and must not vanish with it; the
    assigner changes the terms instead. The row lock serializes with ``update_post``."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("unit", "task")
        .get(pk=assignment.pk)
    )
    reports = assignment.updates.count()
    if reports:
        raise HasUpdates(
            "has_updates",
            f"{assignment.unit.name} đã báo cáo tiến độ {reports} lần; không xóa được phân công "
            "này để giữ báo cáo và minh chứng. Hãy điều chỉnh hạn, vai trò hoặc ghi chú.",
        )
    audit_record(
        actor=actor,
        action="assignment.delete",
        target=assignment,
        changes=diff(snapshot(assignment, ["task", "unit", *ASSIGNMENT_FIELDS]), {}),
        unit_id=assignment.unit_id,
    )
    assignment.delete()


@dataclass(frozen=True)
class UploadedFile:
    name: str
    data: bytes


@transaction.atomic
def update_post(
    *,
    actor: Any,
    assignment: Assignment,
    text: str,
    percent: int,
    files: Sequence[UploadedFile] = (),
) -> ProgressUpdate:
    """Report progress. 100 % completes the work (today, local time); less reopens it.

    Every file is checked by content (pdf, docx, xlsx, jpg, png), capped in size, stored under
    its sha256; any bad file refuses the whole update.
    """
    text = nfc(text).strip()
    if not text:
        raise DomainError("required", "Hãy ghi nội dung cập nhật.", field="text")
    if not 0 <= percent <= 100:
        raise DomainError("bad_percent", "Tiến độ phải từ 0 đến 100%.", field="percent")
    if len(files) > MAX_EVIDENCE_FILES:
        raise DomainError(
            "too_many_files", f"Tối đa {MAX_EVIDENCE_FILES} tệp mỗi lần.", field="files"
        )
    kinds = [check_upload(f.data, allowed=EVIDENCE_KINDS, field="files") for f in files]
    assignment = Assignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    if assignment.task.directive.status != Directive.Status.PUBLISHED:
        raise DomainError("not_published", "Văn bản này không còn hiệu lực.")
    now = timezone.now()
    update = ProgressUpdate.objects.create(
        assignment=assignment, author=_user(actor), text=text, percent=percent, created_at=now
    )
    from namhoc.directives.files import CONTENT_TYPES

    for upload, kind in zip(files, kinds, strict=True):
        blob = store_blob(upload.data, folder="evidence", kind=kind)
        Evidence.objects.create(
            update=update,
            file=blob.name,
            original_name=clean_filename(upload.name, default=f"minh-chung.{kind}"),
            content_type=CONTENT_TYPES[kind],
            size=blob.size,
            sha256=blob.sha256,
        )
    before = snapshot(assignment, ["percent", "completed_at", "completed_on"])
    assignment.percent = percent
    if percent == 100 and assignment.completed_at is None:
        assignment.completed_at = now
        assignment.completed_on = timezone.localdate(now)
    elif percent < 100:
        assignment.completed_at = None
        assignment.completed_on = None
    # Not the terms: neither ``version`` nor ``updated_by/at`` change, so an assigner's open
    # terms form does not turn stale because the assignee reported.
    assignment.save()
    audit_record(
        actor=actor,
        action="progress.post",
        target=update,
        changes={
            **diff(before, snapshot(assignment, ["percent", "completed_at", "completed_on"])),
            "evidence": [None, len(files)],
        },
        unit_id=assignment.unit_id,
    )
    return update


@transaction.atomic
def directive_publish(*, actor: Any, directive: Directive, version: int) -> Directive:
    """Publish a draft; for a revision, move the work assigned on the old tasks to the tasks
    that continue them. Work on tasks the revision dropped stays with the superseded text."""
    directive = directive_services.directive_publish(
        actor=actor, directive=directive, version=version
    )
    if directive.previous_id is None:
        return directive
    moved = 0
    for task in directive.tasks.exclude(origin=None).only("pk", "origin_id"):
        for assignment in Assignment.objects.select_for_update().filter(task_id=task.origin_id):
            assignment.task = task
            assignment.school_year = directive.school_year
            assignment.save(update_fields=["task", "school_year"])
            audit_record(
                actor=actor,
                action="assignment.carry_over",
                target=assignment,
                changes={"task": [task.origin_id, task.pk]},
                unit_id=assignment.unit_id,
            )
            moved += 1
    return directive
