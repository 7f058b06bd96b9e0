"""A directive with its parts, its source text cut at the tasks, the difference a revision makes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from namhoc.core.types import Actor
from namhoc.directives.access import (
    access_directive,
)
from namhoc.directives.models import Directive, DirectiveTask, SourceDocument, TaskLink

__all__ = [
    "FieldChange",
    "RevisionDiff",
    "Segment",
    "TaskChange",
    "directive_detail",
    "directive_with_parts",
    "revision_diff",
    "source_segments",
]


def directive_with_parts(directive: Directive) -> Directive:
    """The directive with tasks (their targets, hints, links), citations, targets loaded."""
    tasks = DirectiveTask.objects.order_by("position").prefetch_related(
        "targets",
        "assignment_hints",
        Prefetch(
            "upper_links",
            queryset=TaskLink.objects.select_related("upper_task").order_by("rank", "pk"),
        ),
    )
    return (
        Directive.objects.select_related("unit", "source", "upper", "previous", "published_by")
        .defer("source__text", "source__extraction")  # the review page reads them by the page
        .prefetch_related(
            Prefetch("tasks", queryset=tasks),
            "citations",
            "targets__task",
            "assignment_hints__task",
        )
        .get(pk=directive.pk)
    )


@dataclass(frozen=True)
class Segment:
    text: str
    task_id: int | None = None
    position: int | None = None


def source_segments(source: SourceDocument, tasks: list[DirectiveTask]) -> list[Segment]:
    """The source's normalized text cut at the tasks' spans, so a page can mark each task's text.

    Tasks without a span (added or rewritten by hand) have no segment; overlapping spans keep
    the first.
    """
    text = source.text
    spans = sorted(
        (t.start, t.end, t.pk, t.position)
        for t in tasks
        if t.start is not None and t.end is not None and 0 <= t.start < t.end <= len(text)
    )
    segments: list[Segment] = []
    cursor = 0
    for start, end, pk, position in spans:
        if start < cursor:
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], task_id=pk, position=position))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


@dataclass
class FieldChange:
    name: str
    label: str
    old: Any
    new: Any


@dataclass
class TaskChange:
    kind: str  # added | removed | changed
    label: str
    title: str
    diff: list[str] = field(default_factory=list)


@dataclass
class RevisionDiff:
    previous: Directive
    fields: list[FieldChange]
    tasks: list[TaskChange]

    @property
    def empty(self) -> bool:
        return not self.fields and not self.tasks


def revision_diff(directive: Directive) -> RevisionDiff | None:
    """What changed from the revision ``directive`` replaces: header fields and tasks."""
    if directive.previous_id is None:
        return None
    previous = Directive.objects.get(pk=directive.previous_id)
    from namhoc.directives.services import HEADER_FIELDS

    fields = [
        FieldChange(
            name=name,
            label=str(getattr(Directive._meta.get_field(name), "verbose_name", name)),
            old=getattr(previous, name),
            new=getattr(directive, name),
        )
        for name in HEADER_FIELDS
        if getattr(previous, name) != getattr(directive, name)
    ]
    old_tasks = {t.pk: t for t in previous.tasks.order_by("position")}
    changes: list[TaskChange] = []
    continued: set[int] = set()
    for task in directive.tasks.order_by("position"):
        origin = old_tasks.get(task.origin_id) if task.origin_id else None
        if origin is None:
            changes.append(TaskChange("added", task.label, task.title))
            continue
        continued.add(origin.pk)
        old_text = f"{origin.label} {origin.title}\n{origin.text}".strip().splitlines()
        new_text = f"{task.label} {task.title}\n{task.text}".strip().splitlines()
        if old_text != new_text:
            lines = [
                line
                for line in difflib.unified_diff(old_text, new_text, lineterm="", n=1)
                if not line.startswith(("---", "+++"))
            ]
            changes.append(TaskChange("changed", task.label, task.title, lines))
    changes.extend(
        TaskChange("removed", task.label, task.title)
        for pk, task in old_tasks.items()
        if pk not in continued
    )
    return RevisionDiff(previous=previous, fields=fields, tasks=changes)


def directive_detail(viewer: Actor | None, directive_id: object) -> Directive:
    """One directive the viewer may read, with its parts (the API's detail)."""
    return directive_with_parts(access_directive(viewer, directive_id))
