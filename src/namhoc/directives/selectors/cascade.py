"""Cascade reads: the links page (proposals in plain words, shared words marked) and coverage."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from namhoc.accounts.access import visible_units
from namhoc.core.collation import vi_sort_key
from namhoc.core.types import Actor
from namhoc.directives.access import (
    access_directive,
    can_link,
)
from namhoc.directives.cascade import (
    MATCH_LABELS,
    MATCH_LEVELS,
    MATCH_MEANINGS,
    MatchLevel,
    marked,
    match_level,
    shared_syllables,
)
from namhoc.directives.models import Directive, DirectiveTask, TaskLink
from namhoc.directives.selectors.lists import upper_candidates
from namhoc.directives.selectors.parts import directive_with_parts
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "Coverage",
    "LinkRow",
    "LinksPage",
    "TaskLinks",
    "UnitCoverage",
    "coverage",
    "coverage_page",
    "directive_links",
    "links_page",
]


@dataclass
class UnitCoverage:
    unit: OrgUnit
    directives: list[Directive]
    covered: set[int]  # upper task ids

    @property
    def has_published(self) -> bool:
        return bool(self.directives)


@dataclass
class Coverage:
    upper: Directive
    upper_tasks: list[DirectiveTask]
    units: list[UnitCoverage]

    @property
    def uncovered_task_ids(self) -> set[int]:
        """Upper tasks no subordinate directive covers."""
        covered: set[int] = set()
        for row in self.units:
            covered |= row.covered
        return {t.pk for t in self.upper_tasks} - covered

    @property
    def silent_units(self) -> list[OrgUnit]:
        """Subordinate units that have published nothing implementing the upper directive."""
        return [row.unit for row in self.units if not row.has_published]


def coverage(upper: Directive, *, within: QuerySet[OrgUnit] | None = None) -> Coverage:
    """Per unit directly below the issuer: its published directives implementing ``upper``
    (anywhere in its subtree), and the upper tasks their confirmed links cover. Four queries."""
    upper_tasks = list(upper.tasks.order_by("position"))
    units_qs = OrgUnit.objects.filter(parent_id=upper.unit_id, valid_to__isnull=True)
    if within is not None:
        units_qs = units_qs.filter(pk__in=within.values("pk"))
    units = list(units_qs.order_by("path"))
    lowers = list(
        Directive.objects.filter(upper=upper, status=Directive.Status.PUBLISHED)
        .select_related("unit")
        .order_by("unit__path", "pk")
    )
    links = TaskLink.objects.filter(
        task__directive__in=lowers, status=TaskLink.Status.CONFIRMED
    ).values_list("task__directive_id", "upper_task_id")
    covered_by_directive: dict[int, set[int]] = defaultdict(set)
    for directive_id, upper_task_id in links:
        covered_by_directive[directive_id].add(upper_task_id)
    rows = []
    for unit in units:
        mine = [d for d in lowers if d.unit.path.startswith(unit.path)]
        covered: set[int] = set()
        for d in mine:
            covered |= covered_by_directive[d.pk]
        rows.append(UnitCoverage(unit=unit, directives=mine, covered=covered))
    return Coverage(upper=upper, upper_tasks=upper_tasks, units=rows)


@dataclass(frozen=True)
class LinkRow:
    link: TaskLink
    level: MatchLevel
    label: str  # "Rất khớp", "Có thể khớp", "Ít khớp"
    upper_title: list[tuple[str, bool]]  # the upper task's title, shared words marked
    shared: list[str]  # the words both tasks use, in Vietnamese order


@dataclass(frozen=True)
class TaskLinks:
    task: DirectiveTask
    title: list[tuple[str, bool]]  # the task's title, words shared with a proposal marked
    rows: list[LinkRow]


@dataclass(frozen=True)
class LinksPage:
    directive: Directive  # with its tasks and their links loaded
    upper: Directive | None  # with its tasks loaded
    upper_choices: list[Directive]
    can_link: bool
    tasks: list[TaskLinks]
    levels: list[tuple[str, str, str]]  # (level, label, what it means)
    undecided: dict[MatchLevel, int]  # proposals awaiting a decision, per level


def links_page(viewer: Actor | None, directive_id: object) -> LinksPage:
    directive = directive_with_parts(access_directive(viewer, directive_id))
    upper = directive_with_parts(directive.upper) if directive.upper else None
    linkable = can_link(viewer, directive)
    tasks: list[TaskLinks] = []
    undecided = dict.fromkeys(MATCH_LEVELS, 0)
    for task in directive.tasks.all():
        text = f"{task.title}\n{task.text}"
        rows = []
        everything_shared: set[str] = set()
        for link in task.upper_links.all():
            upper_task = link.upper_task
            shared = shared_syllables(text, f"{upper_task.title}\n{upper_task.text}")
            everything_shared |= shared
            level = match_level(rank=link.rank, score=link.score)
            if link.status == TaskLink.Status.SUGGESTED:
                undecided[level] += 1
            rows.append(
                LinkRow(
                    link=link,
                    level=level,
                    label=MATCH_LABELS[level],
                    upper_title=marked(upper_task.title, shared),
                    shared=sorted(shared, key=vi_sort_key)[:12],
                )
            )
        tasks.append(TaskLinks(task=task, title=marked(task.title, everything_shared), rows=rows))
    return LinksPage(
        directive=directive,
        upper=upper,
        upper_choices=list(upper_candidates(viewer, directive)) if linkable else [],
        can_link=linkable,
        tasks=tasks,
        levels=[(level, MATCH_LABELS[level], MATCH_MEANINGS[level]) for level in MATCH_LEVELS],
        undecided=undecided,
    )


def directive_links(viewer: Actor | None, directive_id: object) -> QuerySet[TaskLink]:
    """The task links of a directive the viewer may read, in task order."""
    directive = access_directive(viewer, directive_id)
    return TaskLink.objects.filter(task__directive=directive).order_by(
        "task__position", "rank", "pk"
    )


def coverage_page(viewer: Actor | None, directive_id: object) -> Coverage:
    """Who below the issuer implements the directive, as far as the viewer sees."""
    directive = access_directive(viewer, directive_id)
    return coverage(directive, within=visible_units(viewer))
