"""Correcting a draft: its header, its tasks (correct, merge, split, add, delete), the documents it
cites and the targets it states.

Each function is one user action (ADR 0007): it loads the objects through
``directives.access`` (out of scope → NotFound), raises the refusal of ``edit_refusal``
(specialist of the issuing unit, a draft), parses every value with ``core.parsing`` against the
model field's own cap or bounds, and writes in one transaction with the directive's row locked
(and the task's, for an optimistic version), its audit row beside the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.parsing import (
    clean_text,
    decimal_bounds,
    parse_date,
    parse_decimal,
    parse_id,
    parse_int,
    parse_school_year,
    text_cap,
)
from namhoc.core.types import Actor
from namhoc.directives.access import (
    access_citation,
    access_directive,
    access_target,
    access_task,
    edit_refusal,
)
from namhoc.directives.models import (
    Citation,
    Directive,
    DirectiveTask,
    Target,
)
from namhoc.directives.services.common import (
    CITATION_FIELDS,
    HEADER_FIELDS,
    TARGET_FIELDS,
    TASK_FIELDS,
    check_version,
    directive_changed,
    locked_directive,
    locked_task,
    parse_version,
    refuse,
    user_of,
)

__all__ = [
    "citation_add",
    "citation_delete",
    "citation_update",
    "directive_update",
    "target_add",
    "target_delete",
    "target_update",
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


def _draft_for(actor: Actor | None, directive_id: object) -> Directive:
    directive = access_directive(actor, directive_id)
    refuse(edit_refusal(actor, directive))
    return directive


def _in_directive(directive_id: object, owner_id: int) -> None:
    """A page names the directive in its URL as well: a part of another directive is not found
    there."""
    if directive_id is not None and parse_id(directive_id) != owner_id:
        raise NotFound()


def _still_draft(actor: Actor | None, locked: Directive) -> None:
    """Checked again under the lock: someone may have published it meanwhile."""
    refuse(edit_refusal(actor, locked))


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
    directive = _draft_for(actor, directive_id)
    expected = parse_version(version)
    clean = header_values(values)
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        _still_draft(actor, locked)
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
    _in_directive(directive_id, task.directive_id)
    refuse(edit_refusal(actor, task.directive))
    return task


def _locked_task_of_draft(
    actor: Actor | None, task: DirectiveTask, expected: int
) -> tuple[Directive, DirectiveTask]:
    directive = locked_directive(task.directive_id)
    _still_draft(actor, directive)
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
    directive = _draft_for(actor, directive_id)
    values = _task_values(label=label, title=title, text=text)
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        _still_draft(actor, locked)
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


# --- citations ------------------------------------------------------------------------------


def _citation_values(*, number: object, doc_type: object, issued_on: object) -> dict[str, Any]:
    return {
        "number": clean_text(
            number,
            field="number",
            label="Số, ký hiệu",
            max_length=text_cap(Citation, "number"),
            required=True,
        ),
        "doc_type": clean_text(
            doc_type,
            field="doc_type",
            label="Loại văn bản",
            max_length=text_cap(Citation, "doc_type"),
        ),
        "issued_on": parse_date(issued_on, field="issued_on", label="Ngày"),
    }


def _audit_part(
    *,
    actor: Actor | None,
    action: str,
    part: Citation | Target,
    before: dict[str, Any],
    fields: tuple[str, ...],
    unit_id: int,
) -> None:
    changes = diff(before, snapshot(part, fields))
    if changes:
        audit_record(actor=actor, action=action, target=part, changes=changes, unit_id=unit_id)


def citation_add(
    *,
    actor: Actor | None,
    directive_id: object,
    number: object,
    doc_type: object = "",
    issued_on: object = None,
) -> Citation:
    directive = _draft_for(actor, directive_id)
    values = _citation_values(number=number, doc_type=doc_type, issued_on=issued_on)
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        _still_draft(actor, locked)
        citation = Citation.objects.create(directive=locked, **values)
        audit_record(
            actor=actor,
            action="citation.create",
            target=citation,
            changes=diff({}, snapshot(citation, CITATION_FIELDS)),
            unit_id=locked.unit_id,
        )
    return citation


def _citation_of_draft(actor: Actor | None, citation_id: object, directive_id: object) -> Citation:
    citation = access_citation(actor, citation_id)
    _in_directive(directive_id, citation.directive_id)
    refuse(edit_refusal(actor, citation.directive))
    return citation


def citation_update(
    *,
    actor: Actor | None,
    citation_id: object,
    number: object,
    doc_type: object = "",
    issued_on: object = None,
    directive_id: object = None,
) -> Citation:
    citation = _citation_of_draft(actor, citation_id, directive_id)
    values = _citation_values(number=number, doc_type=doc_type, issued_on=issued_on)
    with transaction.atomic():
        locked = locked_directive(citation.directive_id)
        _still_draft(actor, locked)
        citation = Citation.objects.select_for_update().get(pk=citation.pk)
        before = snapshot(citation, CITATION_FIELDS)
        for name, value in values.items():
            setattr(citation, name, value)
        citation.save()
        _audit_part(
            actor=actor,
            action="citation.update",
            part=citation,
            before=before,
            fields=CITATION_FIELDS,
            unit_id=locked.unit_id,
        )
    return citation


def citation_delete(
    *, actor: Actor | None, citation_id: object, directive_id: object = None
) -> Citation:
    citation = _citation_of_draft(actor, citation_id, directive_id)
    with transaction.atomic():
        locked = locked_directive(citation.directive_id)
        _still_draft(actor, locked)
        audit_record(
            actor=actor,
            action="citation.delete",
            target=citation,
            changes=diff(snapshot(citation, CITATION_FIELDS), {}),
            unit_id=locked.unit_id,
        )
        pk = citation.pk
        citation.delete()
        citation.pk = pk
    return citation


# --- targets --------------------------------------------------------------------------------

_DIGITS, _PLACES = decimal_bounds(Target, "value")


def target_value(raw: object) -> Decimal:
    """A target's value as typed, the one Vietnamese way ("97,5", "1.250", "1.250,5"), within
    the column (14 digits, 4 after the point, not negative)."""
    value = parse_decimal(
        raw,
        field="value",
        label="Giá trị chỉ tiêu",
        max_digits=_DIGITS,
        places=_PLACES,
        minimum=0,
        required=True,
    )
    assert value is not None
    return value


def _target_task(directive: Directive, raw: object) -> DirectiveTask | None:
    """The task a target belongs to, by id as sent; blank: none."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    pk = parse_id(raw)
    task = directive.tasks.filter(pk=pk).first() if pk is not None else None
    if task is None:
        raise DomainError("bad_task", "Nhiệm vụ không thuộc văn bản này.", field="task_id")
    return task


def _target_texts(*, unit_label: object, sentence: object) -> dict[str, str]:
    return {
        "unit_label": clean_text(
            unit_label,
            field="unit_label",
            label="Đơn vị tính",
            max_length=text_cap(Target, "unit_label"),
        ),
        "sentence": clean_text(
            sentence,
            field="sentence",
            label="Câu nêu chỉ tiêu",
            max_length=text_cap(Target, "sentence"),
            multiline=True,
        ),
    }


def target_add(
    *,
    actor: Actor | None,
    directive_id: object,
    value: object,
    unit_label: object = "",
    task_id: object = None,
    sentence: object = "",
) -> Target:
    """A target the reader missed, typed by a person on a draft (no span in the source)."""
    directive = _draft_for(actor, directive_id)
    number = target_value(value)
    texts = _target_texts(unit_label=unit_label, sentence=sentence)
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        _still_draft(actor, locked)
        target = Target.objects.create(
            directive=locked, task=_target_task(locked, task_id), value=number, **texts
        )
        audit_record(
            actor=actor,
            action="target.create",
            target=target,
            changes=diff({}, snapshot(target, TARGET_FIELDS)),
            unit_id=locked.unit_id,
        )
    return target


def _target_of_draft(actor: Actor | None, target_id: object, directive_id: object) -> Target:
    target = access_target(actor, target_id)
    _in_directive(directive_id, target.directive_id)
    refuse(edit_refusal(actor, target.directive))
    return target


def target_update(
    *,
    actor: Actor | None,
    target_id: object,
    value: object,
    unit_label: object = "",
    task_id: object = None,
    sentence: object = None,
    directive_id: object = None,
) -> Target:
    """Correct a target of a draft: its value, unit and task (and its sentence, when sent)."""
    target = _target_of_draft(actor, target_id, directive_id)
    number = target_value(value)
    texts = _target_texts(unit_label=unit_label, sentence=sentence or "")
    with transaction.atomic():
        locked = locked_directive(target.directive_id)
        _still_draft(actor, locked)
        target = Target.objects.select_for_update().get(pk=target.pk)
        before = snapshot(target, TARGET_FIELDS)
        target.value = number
        target.unit_label = texts["unit_label"]
        if sentence is not None:
            target.sentence = texts["sentence"]
        target.task = _target_task(locked, task_id)
        target.save()
        _audit_part(
            actor=actor,
            action="target.update",
            part=target,
            before=before,
            fields=TARGET_FIELDS,
            unit_id=locked.unit_id,
        )
    return target


def target_delete(*, actor: Actor | None, target_id: object, directive_id: object = None) -> Target:
    target = _target_of_draft(actor, target_id, directive_id)
    with transaction.atomic():
        locked = locked_directive(target.directive_id)
        _still_draft(actor, locked)
        audit_record(
            actor=actor,
            action="target.delete",
            target=target,
            changes=diff(snapshot(target, TARGET_FIELDS), {}),
            unit_id=locked.unit_id,
        )
        pk = target.pk
        target.delete()
        target.pk = pk
    return target
