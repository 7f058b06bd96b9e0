"""Correcting a draft: its header and its tasks (correct, merge, split, add, delete). The documents
it cites and the targets it states are corrected in :mod:`.parts`.

Each function is one user action (ADR 0007): it loads the objects through
``directives.access`` (out of scope → NotFound), raises the refusal of ``edit_refusal``
(specialist of the issuing unit, a draft), parses every value with ``core.parsing`` against the
model field's own cap or bounds, and writes in one transaction with the directive's row locked
(and the task's, for an optimistic version), its audit row beside the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import DomainError
from namhoc.core.parsing import (
    clean_text,
    parse_date,
    parse_int,
    parse_school_year,
    text_cap,
)
from namhoc.core.types import Actor
from namhoc.directives.access import (
    access_task,
    edit_refusal,
)
from namhoc.directives.models import (
    Directive,
    DirectiveTask,
)
from namhoc.directives.services.common import (
    HEADER_FIELDS,
    TASK_FIELDS,
    check_version,
    directive_changed,
    draft_for,
    in_directive,
    locked_directive,
    locked_task,
    parse_version,
    refuse,
    still_draft,
    user_of,
)

__all__ = [
    "HEADER_LABELS",
    "directive_update",
    "header_values",
    "task_add",
    "task_delete",
    "task_merge_next",
    "task_split",
    "task_update",
]

HEADER_LABELS = {
    "doc_type": "Loại văn bản",
    "number": "Số, ký hiệu",
    "unnumbered": "Chưa có số, ngày",
    "issuer": "Cơ quan ban hành",
    "issued_on": "Ngày ban hành",
    "place": "Địa danh",
    "title": "Trích yếu",
    "school_year": "Năm học",
    "theme": "Chủ đề năm học",
}


# --- header ---------------------------------------------------------------------------------


def header_values(values: Mapping[str, object]) -> dict[str, Any]:
    """The header fields present in ``values``, parsed and checked against their columns."""
    clean: dict[str, Any] = {}
    for name in HEADER_FIELDS:
        if name not in values:
            continue
        raw = values[name]
        label = HEADER_LABELS[name]
        if name == "unnumbered":
            clean[name] = raw in (True, "on", "1", "true", "yes", "co")
        elif name == "issued_on":
            clean[name] = parse_date(raw, field=name, label=label)
        elif name == "school_year":
            clean[name] = parse_school_year(raw, field=name, required=False)
        else:
            clean[name] = clean_text(
                raw, field=name, label=label, max_length=text_cap(Directive, name)
            )
    return clean


def directive_update(
    *, actor: Actor | None, directive_id: object, version: object, values: Mapping[str, object]
) -> Directive:
    """Correct header fields of a draft. ``values`` maps header field names to what was typed
    (fields left out stay as they are). A stale ``version`` raises StaleEdit (409) naming who
    saved first; nothing is saved."""
    directive = draft_for(actor, directive_id)
    expected = parse_version(version)
    clean = header_values(values)
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        still_draft(actor, locked)
        check_version(locked, expected, HEADER_FIELDS, what="Thông tin văn bản này")
        before = snapshot(locked, HEADER_FIELDS)
        for name, value in clean.items():
            setattr(locked, name, value)
        changes = diff(before, snapshot(locked, HEADER_FIELDS))
        if not changes:
            return locked
        locked.version += 1
        locked.updated_by = user_of(actor)
        locked.save()
        directive_changed(locked.pk)
        audit_record(
            actor=actor,
            action="directive.update",
            target=locked,
            changes=changes,
            unit_id=locked.unit_id,
        )
    return locked


# --- tasks ----------------------------------------------------------------------------------

_TASK_TEXT_LABELS = {"label": "Số hiệu", "title": "Tên nhiệm vụ", "text": "Nội dung nhiệm vụ"}


def _task_values(*, label: object, title: object, text: object) -> dict[str, str]:
    return {
        "label": clean_text(
            label,
            field="label",
            label=_TASK_TEXT_LABELS["label"],
            max_length=text_cap(DirectiveTask, "label"),
        ),
        "title": clean_text(
            title,
            field="title",
            label=_TASK_TEXT_LABELS["title"],
            max_length=text_cap(DirectiveTask, "title"),
            required=True,
        ),
        "text": clean_text(
            text,
            field="text",
            label=_TASK_TEXT_LABELS["text"],
            max_length=text_cap(DirectiveTask, "text"),
            multiline=True,
        ),
    }


def _task_snapshot(task: DirectiveTask) -> dict[str, Any]:
    return snapshot(task, [*TASK_FIELDS, "position", "start", "end"])


def _task_of_draft(actor: Actor | None, task_id: object, directive_id: object) -> DirectiveTask:
    task = access_task(actor, task_id)
    in_directive(directive_id, task.directive_id)
    refuse(edit_refusal(actor, task.directive))
    return task


def _locked_task_of_draft(
    actor: Actor | None, task: DirectiveTask, expected: int
) -> tuple[Directive, DirectiveTask]:
    directive = locked_directive(task.directive_id)
    still_draft(actor, directive)
    locked = locked_task(task.pk)
    check_version(locked, expected, TASK_FIELDS, what="Nhiệm vụ này")
    return directive, locked


def task_update(
    *,
    actor: Actor | None,
    task_id: object,
    version: object,
    label: object = "",
    title: object,
    text: object = "",
    directive_id: object = None,
) -> DirectiveTask:
    """Correct a task of a draft. A stale ``version`` raises StaleEdit (nothing is saved)."""
    task = _task_of_draft(actor, task_id, directive_id)
    expected = parse_version(version)
    values = _task_values(label=label, title=title, text=text)
    with transaction.atomic():
        directive, locked = _locked_task_of_draft(actor, task, expected)
        before = _task_snapshot(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        changes = diff(before, _task_snapshot(locked))
        if not changes:
            return locked
        locked.version += 1
        locked.updated_by = user_of(actor)
        locked.save()
        directive_changed(directive.pk)
        audit_record(
            actor=actor,
            action="task.update",
            target=locked,
            changes=changes,
            unit_id=directive.unit_id,
        )
    return locked


def _renumber(directive: Directive, ordered: list[DirectiveTask]) -> None:
    """Give ``ordered`` positions 1..n (two passes: the unique constraint holds throughout)."""
    offset = (directive.tasks.aggregate(top=Max("position"))["top"] or 0) + len(ordered) + 1
    for index, task in enumerate(ordered, start=1):
        DirectiveTask.objects.filter(pk=task.pk).update(position=offset + index)
    for index, task in enumerate(ordered, start=1):
        DirectiveTask.objects.filter(pk=task.pk).update(position=index)
        task.position = index


def task_merge_next(
    *, actor: Actor | None, task_id: object, version: object, directive_id: object = None
) -> DirectiveTask:
    """Merge the task with the one after it (the reader cut one task in two)."""
    task = _task_of_draft(actor, task_id, directive_id)
    expected = parse_version(version)
    with transaction.atomic():
        directive, locked = _locked_task_of_draft(actor, task, expected)
        following = (
            DirectiveTask.objects.select_for_update()
            .filter(directive=directive, position__gt=locked.position)
            .order_by("position")
            .first()
        )
        if following is None:
            raise DomainError("no_next", "Không có nhiệm vụ kế tiếp để gộp.")
        merged = "\n".join(p for p in (locked.text, following.title, following.text) if p)
        cap = text_cap(DirectiveTask, "text")
        if len(merged) > cap:
            raise DomainError(
                "too_long",
                f"Hai nhiệm vụ gộp lại dài {len(merged):,} ký tự, quá mức {cap:,} ký tự của một "
                "nhiệm vụ; hãy rút gọn nội dung trước khi gộp.".replace(",", "."),
            )
        before = _task_snapshot(locked)
        locked.text = merged
        if locked.start is not None and following.end is not None:
            locked.end = following.end
        else:
            locked.start = locked.end = None
        locked.version += 1
        locked.updated_by = user_of(actor)
        locked.save()
        following.targets.update(task=locked)
        following.assignment_hints.update(task=locked)
        removed = _task_snapshot(following)
        removed_pk = following.pk
        following.delete()
        _renumber(directive, list(directive.tasks.order_by("position")))
        locked.refresh_from_db()
        directive_changed(directive.pk)
        audit_record(
            actor=actor,
            action="task.merge",
            target=locked,
            changes={**diff(before, _task_snapshot(locked)), "merged": [removed, None]},
            unit_id=directive.unit_id,
            note=f"gộp nhiệm vụ #{removed_pk}",
        )
    return locked


def _split_at(task: DirectiveTask, *, at: object, before: object) -> int:
    """Where to cut: ``before`` (the first words of the part to split off, as the page asks) or
    ``at`` (a character offset into the task's text, as the API sends)."""
    if before is not None and not (isinstance(before, str) and not before.strip()):
        words = clean_text(
            before, field="before", label="Đoạn cần tách", max_length=300, required=True
        )
        position = task.text.find(words)
        if position <= 0:
            raise DomainError(
                "bad_split", "Không tìm thấy đoạn này giữa nội dung nhiệm vụ.", field="before"
            )
        return position
    if at is None or (isinstance(at, str) and not at.strip()):
        raise DomainError("required", "Hãy nhập vài chữ đầu của phần cần tách.", field="before")
    offset = parse_int(at, field="at", label="Vị trí tách", minimum=0, required=True)
    assert offset is not None
    return offset


def task_split(
    *,
    actor: Actor | None,
    task_id: object,
    version: object,
    at: object = None,
    before: object = None,
    directive_id: object = None,
) -> tuple[DirectiveTask, DirectiveTask]:
    """Split the task's text: the second part becomes a new task after it, titled by its first
    line (the reader ran two tasks together)."""
    task = _task_of_draft(actor, task_id, directive_id)
    expected = parse_version(version)
    with transaction.atomic():
        directive, locked = _locked_task_of_draft(actor, task, expected)
        cut = _split_at(locked, at=at, before=before)
        head, tail = locked.text[:cut].rstrip(), locked.text[cut:].strip()
        if not (0 < cut < len(locked.text)) or not head or not tail:
            raise DomainError(
                "bad_split", "Chọn vị trí tách nằm giữa nội dung nhiệm vụ.", field="at"
            )
        first_line, _, rest = tail.partition("\n")
        title_cap = text_cap(DirectiveTask, "title")
        title = first_line.strip()
        if len(title) > title_cap:
            title = title[: title_cap - 1].rstrip() + "…"
        before_change = _task_snapshot(locked)
        old_end = locked.end
        locked.text = head
        if locked.start is not None and old_end is not None:
            locked.end = min(old_end, locked.start + cut)
        locked.version += 1
        locked.updated_by = user_of(actor)
        locked.save()
        ordered = list(directive.tasks.order_by("position"))
        new = DirectiveTask.objects.create(
            directive=directive,
            position=(ordered[-1].position + 1),
            label="",
            title=title,
            text=rest.strip(),
            start=locked.end if locked.start is not None else None,
            end=old_end if locked.start is not None else None,
            updated_by=locked.updated_by,
        )
        index = next(i for i, item in enumerate(ordered) if item.pk == locked.pk)
        ordered.insert(index + 1, new)
        _renumber(directive, ordered)
        directive_changed(directive.pk)
        audit_record(
            actor=actor,
            action="task.split",
            target=locked,
            changes={**diff(before_change, _task_snapshot(locked)), "new_task": [None, new.pk]},
            unit_id=directive.unit_id,
        )
    locked.refresh_from_db()
    new.refresh_from_db()
    return locked, new


def task_add(
    *,
    actor: Actor | None,
    directive_id: object,
    label: object = "",
    title: object,
    text: object = "",
) -> DirectiveTask:
    """A task the reader missed, added at the end of a draft."""
    directive = draft_for(actor, directive_id)
    values = _task_values(label=label, title=title, text=text)
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        still_draft(actor, locked)
        top = locked.tasks.aggregate(top=Max("position"))["top"] or 0
        task = DirectiveTask.objects.create(
            directive=locked, position=top + 1, updated_by=user_of(actor), **values
        )
        directive_changed(locked.pk)
        audit_record(
            actor=actor,
            action="task.create",
            target=task,
            changes=diff({}, _task_snapshot(task)),
            unit_id=locked.unit_id,
        )
    return task


def task_delete(
    *, actor: Actor | None, task_id: object, version: object, directive_id: object = None
) -> DirectiveTask:
    """Delete a task of a draft (its targets and hints stay, without a task). Returns the deleted
    task (for the message)."""
    task = _task_of_draft(actor, task_id, directive_id)
    expected = parse_version(version)
    with transaction.atomic():
        directive, locked = _locked_task_of_draft(actor, task, expected)
        audit_record(
            actor=actor,
            action="task.delete",
            target=locked,
            changes=diff(_task_snapshot(locked), {}),
            unit_id=directive.unit_id,
        )
        pk = locked.pk
        locked.delete()
        locked.pk = pk
        _renumber(directive, list(directive.tasks.order_by("position")))
        directive_changed(directive.pk)
    return locked
