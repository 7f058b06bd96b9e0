"""A directive's life after review: a published directive is frozen; a change to it is a new
revision, a draft copy that supersedes it once published.

Publishing itself is not here: the one public way to publish is
``tracking.services.directive_publish`` (it also moves the work assigned on the old tasks to the
revision). What publishing does to directives is in ``services.publishing``, which only that use
case calls.
"""

from __future__ import annotations

from django.db import transaction

from namhoc.core.audit import audit_record
from namhoc.core.types import Actor
from namhoc.directives.access import access_directive, revise_refusal
from namhoc.directives.models import (
    AssignmentHint,
    Citation,
    Directive,
    DirectiveTask,
    Target,
)
from namhoc.directives.services.common import (
    HEADER_FIELDS,
    directive_changed,
    locked_directive,
    refuse,
    user_of,
)

__all__ = ["directive_revise"]


def directive_revise(*, actor: Actor | None, directive_id: object) -> Directive:
    """Open a new draft revision of a published directive, copying its header, tasks (each
    remembering the task it continues), citations, targets and assignment hints. Asking again
    while that draft is open gives the same draft back."""
    directive = access_directive(actor, directive_id)
    refuse(revise_refusal(actor, directive))
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        refuse(revise_refusal(actor, locked))
        existing = Directive.objects.filter(previous=locked).first()
        if existing is not None:
            return existing
        revision = Directive.objects.create(
            unit_id=locked.unit_id,
            source_id=locked.source_id,
            revision=locked.revision + 1,
            previous=locked,
            upper_id=locked.upper_id,
            addressed_to_id=locked.addressed_to_id,
            created_by=user_of(actor),
            updated_by=user_of(actor),
            **{name: getattr(locked, name) for name in HEADER_FIELDS},
        )
        old_tasks = list(locked.tasks.order_by("position"))
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
            for c in locked.citations.all()
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
            for t in locked.targets.all()
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
            for h in locked.assignment_hints.all()
        )
        directive_changed(revision.pk)
        audit_record(
            actor=actor,
            action="directive.revise",
            target=revision,
            changes={"previous": [None, locked.pk], "revision": [None, revision.revision]},
            unit_id=locked.unit_id,
        )
    return revision
