"""Use cases on tracked work: assign tasks to units, change or withdraw the terms, report
progress with evidence, publish a directive (moving its work to a revision).

Each function is one user action, shared by the pages and the API (ADR 0007): it takes the
acting user and the raw input, loads the objects through ``tracking.access`` /
``directives.access`` (out of scope → NotFound), checks the action's refusal predicate, parses
numbers, dates and text with ``namhoc.core.parsing`` against the model's own bounds, and writes in
one transaction, with the row everyone contends for locked and the audit rows beside the change.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from namhoc.accounts.models import Role
from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import Conflict, DomainError, StaleEdit
from namhoc.core.events import EventSpec, emit, emit_many
from namhoc.core.parsing import (
    clean_text,
    decimal_bounds,
    parse_date,
    parse_decimal,
    parse_int,
    text_cap,
)
from namhoc.core.types import Actor
from namhoc.directives.access import access_directive, access_task
from namhoc.directives.files import (
    CONTENT_TYPES,
    EVIDENCE_KINDS,
    check_upload,
    clean_filename,
    store_blob,
)
from namhoc.directives.models import Directive, DirectiveTask
from namhoc.directives.services.publishing import publish_draft
from namhoc.orgunits.models import OrgUnit
from namhoc.tracking.access import (
    access_assignment,
    access_update,
    assign_refusal,
    assignable_units,
    delete_refusal,
    manage_refusal,
    report_refusal,
    review_refusal,
)
from namhoc.tracking.models import (
    PROGRESS_TEXT_MAX,
    REVIEW_COMMENT_MAX,
    Assignment,
    Evidence,
    ProgressUpdate,
)

__all__ = [
    "ASSIGNMENT_FIELDS",
    "MAX_EVIDENCE_FILES",
    "PROGRESS_TEXT_MAX",
    "BulkResult",
    "Terms",
    "UploadedFile",
    "assignment_delete",
    "assignment_update",
    "assignments_create",
    "directive_publish",
    "progress_post",
    "progress_review",
]

ASSIGNMENT_FIELDS = ("role", "deadline", "target_value", "target_unit", "note")
MAX_EVIDENCE_FILES = 10
MAX_UNITS_PER_REQUEST = 5_000  # units named one by one in one request (a level has no limit)
_DEADLINE_MIN = dt.date(2000, 1, 1)
_DEADLINE_MAX = dt.date(2100, 12, 31)


def _user(actor: Actor | None) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- terms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """An assignment's terms, parsed and checked against the columns that hold them."""

    role: str
    deadline: dt.date | None
    target_value: decimal.Decimal | None
    target_unit: str
    note: str


def _terms(
    *, role: object, deadline: object, target_value: object, target_unit: object, note: object
) -> Terms:
    if role not in Assignment.Role.values:
        raise DomainError("bad_role", "Vai trò phải là chủ trì hoặc phối hợp.", field="role")
    digits, places = decimal_bounds(Assignment, "target_value")
    return Terms(
        role=str(role),
        deadline=parse_date(
            deadline,
            field="deadline",
            label="Hạn hoàn thành",
            minimum=_DEADLINE_MIN,
            maximum=_DEADLINE_MAX,
        ),
        target_value=parse_decimal(
            target_value,
            field="target_value",
            label="Chỉ tiêu",
            max_digits=digits,
            places=places,
            minimum=0,
        ),
        target_unit=clean_text(
            target_unit,
            field="target_unit",
            label="Đơn vị tính",
            max_length=text_cap(Assignment, "target_unit"),
        ),
        note=clean_text(
            note, field="note", label="Ghi chú", max_length=text_cap(Assignment, "note")
        ),
    )


# --- assign ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    task: DirectiveTask
    created: list[Assignment]
    skipped: list[OrgUnit]  # units of the level that already had the task


def _level(raw: object) -> tuple[str, str]:
    """``"commune"`` or ``"school:thcs"`` → (kind, school level)."""
    kind, _, school_level = str(raw or "").partition(":")
    if kind not in OrgUnit.Kind.values or kind in (OrgUnit.Kind.MINISTRY, OrgUnit.Kind.DISTRICT):
        raise DomainError("bad_kind", "Cấp đơn vị không hợp lệ.", field="level")
    if school_level and (
        kind != OrgUnit.Kind.SCHOOL or school_level not in OrgUnit.SchoolLevel.values
    ):
        raise DomainError("bad_school_level", "Cấp học không hợp lệ.", field="level")
    return kind, school_level


def assignments_create(
    *,
    actor: Actor | None,
    task_id: int,
    units: Sequence[str] = (),
    level: str = "",
    role: object = Assignment.Role.LEAD,
    deadline: object = None,
    target_value: object = None,
    target_unit: object = "",
    note: object = "",
) -> BulkResult:
    """Give task ``task_id`` to the units named by key in ``units``, or to every unit of
    ``level`` ("commune", "school", "school:thcs") below the issuer — all of them or none.

    Named units that already have the task refuse the whole request (nothing is saved); a level
    skips the units that already have it and reports them.
    """
    task = access_task(actor, task_id)
    refusal = assign_refusal(actor, task)
    if refusal is not None:
        raise refusal
    terms = _terms(
        role=role, deadline=deadline, target_value=target_value, target_unit=target_unit, note=note
    )
    keys = list(dict.fromkeys(k for k in units if isinstance(k, str) and k.strip()))
    if not keys and not level:
        raise DomainError("required", "Hãy chọn đơn vị hoặc một cấp đơn vị.", field="units")
    if keys and level:
        raise DomainError(
            "units_and_level", "Hãy chọn hoặc các đơn vị, hoặc một cấp đơn vị.", field="units"
        )
    if len(keys) > MAX_UNITS_PER_REQUEST:
        raise DomainError(
            "too_many_units",
            f"Mỗi lần giao tối đa {MAX_UNITS_PER_REQUEST} đơn vị; hãy giao theo cấp đơn vị.",
            field="units",
        )
    with transaction.atomic():
        # One assigner at a time per task: the duplicate check and the inserts see one state.
        DirectiveTask.objects.select_for_update().filter(pk=task.pk).first()
        candidates = assignable_units(actor, task)
        if level:
            kind, school_level = _level(level)
            chosen = candidates.filter(kind=kind)
            if school_level:
                chosen = chosen.filter(school_level=school_level)
            targets = list(chosen.order_by("path"))
            if not targets:
                raise DomainError("no_units", "Không có đơn vị nào ở cấp này.", field="level")
        else:
            found = {u.key: u for u in candidates.filter(key__in=keys)}
            missing = [k for k in keys if k not in found]
            if missing:
                raise DomainError(
                    "unit_not_below",
                    f"{len(missing)} đơn vị đã chọn không thuộc cấp dưới của "
                    f"{task.directive.unit.name} hoặc đã giải thể; hãy chọn lại.",
                    field="units",
                )
            targets = [found[k] for k in keys]
        taken = set(Assignment.objects.filter(task=task).values_list("unit_id", flat=True))
        already = [u for u in targets if u.pk in taken]
        if already and not level:
            names = ", ".join(u.name for u in already[:5])
            more = f" và {len(already) - 5} đơn vị khác" if len(already) > 5 else ""
            raise DomainError(
                "duplicate",
                f"Nhiệm vụ này đã được giao cho {names}{more}; không giao thêm đơn vị nào.",
                field="units",
            )
        fresh = [u for u in targets if u.pk not in taken]
        created = _create(actor, task, fresh, terms, bulk_note=f"cấp {level}" if level else "")
    return BulkResult(task=task, created=created, skipped=already)


def _create(
    actor: Actor | None,
    task: DirectiveTask,
    units: list[OrgUnit],
    terms: Terms,
    *,
    bulk_note: str,
) -> list[Assignment]:
    user = _user(actor)
    Assignment.objects.bulk_create(
        (
            Assignment(
                task=task,
                unit=unit,
                role=terms.role,
                school_year=task.directive.school_year,
                deadline=terms.deadline,
                target_value=terms.target_value,
                target_unit=terms.target_unit,
                note=terms.note,
                assigned_by=user,
                updated_by=user,
            )
            for unit in units
        ),
        batch_size=500,
    )
    by_unit = {u.pk: u for u in units}
    created: list[Assignment] = []
    for start in range(0, len(units), 1000):
        batch = [u.pk for u in units[start : start + 1000]]
        created.extend(Assignment.objects.filter(task=task, unit_id__in=batch).order_by("pk"))
    created.sort(key=lambda a: by_unit[a.unit_id].path)
    for assignment in created:
        assignment.unit = by_unit[assignment.unit_id]
        assignment.task = task
        audit_record(
            actor=actor,
            action="assignment.create",
            target=assignment,
            changes=diff({}, snapshot(assignment, ["task", "unit", *ASSIGNMENT_FIELDS])),
            unit_id=assignment.unit_id,
            note=f"giao hàng loạt {bulk_note}" if bulk_note else "",
        )
    emit_many(  # the units' specialists hear of it (ADR 0009)
        EventSpec(
            kind="assignment.created",
            key=f"assignment.created:{assignment.pk}",
            unit_id=assignment.unit_id,
            object=assignment,
            payload={"role": assignment.role},
            actor=actor,
        )
        for assignment in created
    )
    return created


# --- terms: change, withdraw ----------------------------------------------------------------


def assignment_update(
    *,
    actor: Actor | None,
    assignment_id: int,
    version: object,
    role: object,
    deadline: object = None,
    target_value: object = None,
    target_unit: object = "",
    note: object = "",
) -> Assignment:
    """Change the terms of an assignment (the assigner's side). Optimistic: a stale ``version``
    raises StaleEdit naming who saved the terms first."""
    assignment = access_assignment(actor, assignment_id)
    refusal = manage_refusal(actor, assignment)
    if refusal is not None:
        raise refusal
    expected = parse_int(version, field="version", label="Phiên bản", required=True)
    terms = _terms(
        role=role, deadline=deadline, target_value=target_value, target_unit=target_unit, note=note
    )
    with transaction.atomic():
        locked = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("updated_by", "unit", "task__directive__unit")
            .get(pk=assignment.pk)
        )
        if locked.version != expected:
            raise StaleEdit(
                current=snapshot(locked, ASSIGNMENT_FIELDS),
                changed_by=str(locked.updated_by) if locked.updated_by else "",
                changed_at=locked.updated_at,
                what="Phân công này",
            )
        before = snapshot(locked, ASSIGNMENT_FIELDS)
        locked.role = terms.role
        locked.deadline = terms.deadline
        locked.target_value = terms.target_value
        locked.target_unit = terms.target_unit
        locked.note = terms.note
        changes = diff(before, snapshot(locked, ASSIGNMENT_FIELDS))
        if not changes:
            return locked
        locked.version += 1
        locked.updated_by = _user(actor)
        locked.updated_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action="assignment.update",
            target=locked,
            changes=changes,
            unit_id=locked.unit_id,
        )
    return locked


def assignment_delete(*, actor: Actor | None, assignment_id: int) -> Assignment:
    """Withdraw work given by mistake. Refused (409) once the assignee has reported progress:
    the reports and evidence are the unit's record; the assigner changes the terms instead.
    Returns the deleted assignment (its unit and task still loaded, for the message)."""
    assignment = access_assignment(actor, assignment_id)
    refusal = manage_refusal(actor, assignment)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        # The row lock serializes with progress_post: a report cannot slip in between.
        locked = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("unit", "task__directive__unit")
            .get(pk=assignment.pk)
        )
        refusal = delete_refusal(actor, locked, reports=locked.updates.count())
        if refusal is not None:
            raise refusal
        audit_record(
            actor=actor,
            action="assignment.delete",
            target=locked,
            changes=diff(snapshot(locked, ["task", "unit", *ASSIGNMENT_FIELDS]), {}),
            unit_id=locked.unit_id,
        )
        pk = locked.pk
        locked.delete()
        locked.pk = pk
    return locked


# --- progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    name: str
    data: bytes


def progress_post(
    *,
    actor: Actor | None,
    assignment_id: int,
    text: object,
    percent: object,
    files: Sequence[UploadedFile] = (),
) -> ProgressUpdate:
    """Report progress. 100 % completes the work (today, local time); less reopens it.

    Every file is checked by content (pdf, docx, xlsx, jpg, png), capped in size, stored under
    its sha256; any bad file refuses the whole report."""
    assignment = access_assignment(actor, assignment_id)
    refusal = report_refusal(actor, assignment)
    if refusal is not None:
        raise refusal
    body = clean_text(
        text,
        field="text",
        label="Nội dung cập nhật",
        max_length=PROGRESS_TEXT_MAX,
        required=True,
        multiline=True,
    )
    done = parse_int(
        percent, field="percent", label="Tiến độ", minimum=0, maximum=100, required=True
    )
    assert done is not None
    if len(files) > MAX_EVIDENCE_FILES:
        raise DomainError(
            "too_many_files", f"Tối đa {MAX_EVIDENCE_FILES} tệp mỗi lần.", field="files"
        )
    kinds = [check_upload(f.data, allowed=EVIDENCE_KINDS, field="files") for f in files]
    with transaction.atomic():
        locked = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("unit", "task__directive")
            .get(pk=assignment.pk)
        )
        refusal = report_refusal(actor, locked)  # the directive may have been revised meanwhile
        if refusal is not None:
            raise refusal
        now = timezone.now()
        update = ProgressUpdate.objects.create(
            assignment=locked, author=_user(actor), text=body, percent=done, created_at=now
        )
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
        before = snapshot(locked, ["percent", "completed_at", "completed_on"])
        locked.percent = done
        if done == 100 and locked.completed_at is None:
            locked.completed_at = now
            locked.completed_on = timezone.localdate(now)
        elif done < 100:
            locked.completed_at = None
            locked.completed_on = None
        # Not the terms: neither ``version`` nor ``updated_by/at`` change, so an assigner's open
        # terms form does not turn stale because the assignee reported.
        locked.save()
        audit_record(
            actor=actor,
            action="progress.post",
            target=update,
            changes={
                **diff(before, snapshot(locked, ["percent", "completed_at", "completed_on"])),
                "evidence": [None, len(files)],
            },
            unit_id=locked.unit_id,
        )
    return update


def progress_review(
    *, actor: Actor | None, update_id: int, decision: object, comment: object = ""
) -> ProgressUpdate:
    """The assigner answers a progress report: ``accepted``, or ``returned`` with a comment
    saying what is missing. Returning the report that completed the work reopens it (at the
    percent reported before), so the unit sees it first in its work list."""
    update = access_update(actor, update_id)
    refusal = review_refusal(actor, update)
    if refusal is not None:
        raise refusal
    if decision not in (ProgressUpdate.Review.ACCEPTED, ProgressUpdate.Review.RETURNED):
        raise DomainError(
            "bad_decision", "Hãy chọn chấp nhận hoặc trả lại báo cáo.", field="decision"
        )
    note = clean_text(
        comment,
        field="comment",
        label="Ý kiến",
        max_length=REVIEW_COMMENT_MAX,
        multiline=True,
        required=decision == ProgressUpdate.Review.RETURNED,
    )
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update(of=("self",)).get(pk=update.assignment_id)
        locked = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
        locked.assignment = assignment
        if locked.review:  # someone answered it between the check above and the lock
            raise Conflict("already_reviewed", "Báo cáo này vừa được người khác xem xét.")
        before = snapshot(assignment, ["percent", "completed_at", "completed_on"])
        locked.review = str(decision)
        locked.review_comment = note
        locked.reviewed_by = _user(actor)
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["review", "review_comment", "reviewed_by", "reviewed_at"])
        latest = assignment.updates.order_by("-created_at", "-pk").first()
        reopened = (
            decision == ProgressUpdate.Review.RETURNED
            and latest is not None
            and latest.pk == locked.pk
            and assignment.completed_at is not None
        )
        if reopened:
            earlier = (
                assignment.updates.exclude(pk=locked.pk).order_by("-created_at", "-pk").first()
            )
            assignment.percent = earlier.percent if earlier and earlier.percent < 100 else 0
            assignment.completed_at = None
            assignment.completed_on = None
            assignment.save(update_fields=["percent", "completed_at", "completed_on"])
        audit_record(
            actor=actor,
            action="progress.review",
            target=locked,
            changes={
                "review": ["", locked.review],
                **diff(before, snapshot(assignment, ["percent", "completed_at", "completed_on"])),
            },
            unit_id=assignment.unit_id,
            note=note[:255],
        )
        emit(
            f"progress.{locked.review}",
            key=f"progress.{locked.review}:{locked.pk}",
            unit_id=assignment.unit_id,
            object=locked,
            payload={"comment": note[:500]},
            actor=actor,
        )
    return locked


# --- publishing -----------------------------------------------------------------------------


def directive_publish(*, actor: Actor | None, directive_id: int, version: object) -> Directive:
    """Publish a draft — the one public way to publish. For a revision, the work assigned on the
    old tasks moves to the tasks that continue them, in the same transaction; work on tasks the
    revision dropped stays with the superseded text."""
    expected = parse_int(version, field="version", label="Phiên bản", required=True)
    assert expected is not None
    with transaction.atomic():
        directive = access_directive(actor, directive_id, need=Role.SPECIALIST, for_update=True)
        directive = publish_draft(actor=actor, directive=directive, version=expected)
        emit(  # the units below must implement it (ADR 0009)
            "directive.published",
            key=f"directive.published:{directive.pk}",
            unit_id=directive.unit_id,
            object=directive,
            actor=actor,
        )
        if directive.previous_id is None:
            return directive
        for task in directive.tasks.exclude(origin=None).only("pk", "origin_id"):
            moving = Assignment.objects.select_for_update().filter(task_id=task.origin_id)
            for assignment in moving:
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
    return directive
