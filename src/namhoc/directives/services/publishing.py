"""Internal: what publishing does to directives. Called only by
``tracking.services.directive_publish`` — the one public way to publish, which also moves the
work assigned on a revision's old tasks to the tasks that continue them, in the same transaction.
Calling this alone on a revision would leave that work on superseded tasks; nothing else may.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from namhoc.core.audit import audit_record
from namhoc.core.errors import DomainError
from namhoc.core.types import Actor
from namhoc.directives.access import publish_refusal
from namhoc.directives.models import Directive, TaskLink
from namhoc.directives.services.common import (
    HEADER_FIELDS,
    check_version,
    locked_directive,
    refuse,
    user_of,
)

__all__: list[str] = []  # nothing public: see the module's docstring


def publish_problems(directive: Directive) -> list[str]:
    """What a draft still lacks before it can be published (empty: ready). A directive is
    published with its number and date, or deliberately without them ("chưa có số, ngày")."""
    problems = []
    if not directive.tasks.exists():
        problems.append("chưa có nhiệm vụ nào")
    if not directive.school_year:
        problems.append("chưa ghi năm học")
    if not directive.unnumbered:
        if not directive.number:
            problems.append(
                "chưa có số, ký hiệu (nếu văn bản chưa được cấp số, hãy đánh dấu "
                "“Chưa có số, ngày” trong thông tin văn bản)"
            )
        if not directive.issued_on:
            problems.append("chưa có ngày ban hành")
    elif not directive.title:
        problems.append("chưa có trích yếu (văn bản chưa có số cần trích yếu để nhận ra)")
    return problems


@transaction.atomic
def publish_draft(*, actor: Actor | None, directive: Directive, version: int) -> Directive:
    """Freeze a draft (``directive`` loaded by the caller through ``directives.access``). A
    revision supersedes the one it replaces; the cascade links of the old tasks pass to the new
    tasks that continue them (``origin``), and lower directives now implement the revision."""
    directive = locked_directive(directive.pk)
    refuse(publish_refusal(actor, directive))
    check_version(directive, version, HEADER_FIELDS, what="Văn bản này")
    problems = publish_problems(directive)
    if problems:
        raise DomainError("incomplete", "Chưa ban hành được: " + "; ".join(problems) + ".")
    now = timezone.now()
    directive.status = Directive.Status.PUBLISHED
    directive.published_at = now
    directive.published_by = user_of(actor)
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
