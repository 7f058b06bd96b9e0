"""Correcting a draft's parts: the documents it cites and the targets it states.

Each function is one user action (ADR 0007): it loads the objects through
``directives.access`` (out of scope → NotFound), raises the refusal of ``edit_refusal``
(specialist of the issuing unit, a draft), parses every value with ``core.parsing`` against the
model field's own cap or bounds, and writes in one transaction with the directive's row locked
(and the task's, for an optimistic version), its audit row beside the change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import DomainError
from namhoc.core.parsing import (
    clean_text,
    decimal_bounds,
    parse_date,
    parse_decimal,
    parse_id,
    text_cap,
)
from namhoc.core.types import Actor
from namhoc.directives.access import (
    access_citation,
    access_target,
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
    TARGET_FIELDS,
    draft_for,
    in_directive,
    locked_directive,
    refuse,
    still_draft,
)

__all__ = [
    "citation_add",
    "citation_delete",
    "citation_update",
    "target_add",
    "target_delete",
    "target_update",
    "target_value",
]


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
    directive = draft_for(actor, directive_id)
    values = _citation_values(number=number, doc_type=doc_type, issued_on=issued_on)
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        still_draft(actor, locked)
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
    in_directive(directive_id, citation.directive_id)
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
        still_draft(actor, locked)
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
        still_draft(actor, locked)
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
    directive = draft_for(actor, directive_id)
    number = target_value(value)
    texts = _target_texts(unit_label=unit_label, sentence=sentence)
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        still_draft(actor, locked)
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
    in_directive(directive_id, target.directive_id)
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
        still_draft(actor, locked)
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
        still_draft(actor, locked)
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
