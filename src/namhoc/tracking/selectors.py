"""Reads of assignments: status counts rolled up the hierarchy, open work, dashboards.

Roll-ups run in SQL. A unit's figures count the assignments of its whole subtree: with
fixed-width materialized paths the ancestor of depth ``d`` of a unit is the first ``4 * (d + 1)``
characters of its path, so "per requested unit" is one ``GROUP BY substr(path, 1, n)`` per
distinct path length among the requested units (usually one or two queries), whatever the
number of units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from namhoc.accounts.access import is_staff_superuser, scope_queryset
from namhoc.accounts.models import Membership
from namhoc.directives.access import visible_directives
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import subtree_q
from namhoc.tracking.models import Assignment, AssignmentStatus, ProgressUpdate

__all__ = [
    "OnTimeRate",
    "assignments_for_task",
    "assignments_visible_to",
    "by_child_unit",
    "by_task",
    "current_school_year",
    "home_unit",
    "on_time_rates",
    "open_work",
    "status_q",
    "today",
]


def today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class OnTimeRate:
    """Counts of a unit's work by DOMAIN.md status; ``rate`` = on time / everything due or done."""

    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    in_progress: int = 0

    @property
    def total(self) -> int:
        return self.done_on_time + self.done_late + self.overdue + self.in_progress

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def due(self) -> int:
        """Work that is finished or past its deadline: what the on-time rate is taken over."""
        return self.done_on_time + self.done_late + self.overdue

    @property
    def rate(self) -> float | None:
        return self.done_on_time / self.due if self.due else None

    @property
    def percent(self) -> float | None:
        rate = self.rate
        return None if rate is None else round(rate * 100, 1)


def status_q(status: str, day: dt.date, prefix: str = "") -> Q:
    """The SQL form of :func:`namhoc.tracking.models.status_of`."""
    completed = f"{prefix}completed_on"
    deadline = f"{prefix}deadline"
    if status == AssignmentStatus.DONE_ON_TIME:
        return Q(**{f"{completed}__isnull": False}) & (
            Q(**{f"{deadline}__isnull": True}) | Q(**{f"{completed}__lte": F(deadline)})
        )
    if status == AssignmentStatus.DONE_LATE:
        return Q(**{f"{completed}__isnull": False, f"{completed}__gt": F(deadline)})
    if status == AssignmentStatus.OVERDUE:
        return Q(**{f"{completed}__isnull": True, f"{deadline}__lt": day})
    if status == AssignmentStatus.IN_PROGRESS:
        return Q(**{f"{completed}__isnull": True}) & (
            Q(**{f"{deadline}__isnull": True}) | Q(**{f"{deadline}__gte": day})
        )
    raise ValueError(f"unknown status {status!r}")


def _status_aggregates(day: dt.date) -> dict[str, Any]:
    return {status.value: Count("pk", filter=status_q(status, day)) for status in AssignmentStatus}


def _rate(row: Any) -> OnTimeRate:
    return OnTimeRate(
        done_on_time=row.get(AssignmentStatus.DONE_ON_TIME, 0) or 0,
        done_late=row.get(AssignmentStatus.DONE_LATE, 0) or 0,
        overdue=row.get(AssignmentStatus.OVERDUE, 0) or 0,
        in_progress=row.get(AssignmentStatus.IN_PROGRESS, 0) or 0,
    )


def _published(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    # Work of superseded revisions moves to the new revision's tasks; drafts carry no work.
    return queryset.filter(task__directive__status="published")


def on_time_rates(
    *, unit_ids: Iterable[int], school_year: str, on: dt.date | None = None
) -> dict[int, OnTimeRate]:
    """``{unit_id: OnTimeRate}`` over the assignments of each unit's whole subtree.

    Every requested unit that exists gets an entry (zeros when it has no work). One aggregate
    query per distinct depth among the units; no loop over units in Python beyond the result.
    """
    day = on or today()
    units = list(OrgUnit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "path"))
    by_length: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for pk, path in units:
        by_length[len(path)][path].append(pk)
    result = {pk: OnTimeRate() for pk, _ in units}
    base = _published(Assignment.objects.filter(school_year=school_year))
    for length, paths in by_length.items():
        rows = (
            base.annotate(prefix=Substr("unit__path", 1, length))
            .filter(prefix__in=list(paths))
            .values("prefix")
            .annotate(**_status_aggregates(day))
            .order_by()
        )
        for row in rows:
            for pk in paths[row["prefix"]]:
                result[pk] = _rate(row)
    return result


def rate_for(unit: OrgUnit, *, school_year: str, on: dt.date | None = None) -> OnTimeRate:
    return on_time_rates(unit_ids=[unit.pk], school_year=school_year, on=on)[unit.pk]


def by_child_unit(
    unit: OrgUnit, *, school_year: str, on: dt.date | None = None
) -> list[tuple[OrgUnit, OnTimeRate]]:
    """The unit's current children with their subtree figures, in path order. Two queries."""
    day = on or today()
    children = list(OrgUnit.objects.filter(parent=unit, valid_to__isnull=True).order_by("path"))
    length = len(unit.path) + 4
    rows = (
        _published(Assignment.objects.filter(school_year=school_year))
        .filter(subtree_q(unit.path, field="unit__path", include_self=False))
        .annotate(prefix=Substr("unit__path", 1, length))
        .values("prefix")
        .annotate(**_status_aggregates(day))
        .order_by()
    )
    figures = {row["prefix"]: _rate(row) for row in rows}
    return [(child, figures.get(child.path, OnTimeRate())) for child in children]


@dataclass(frozen=True)
class TaskFigures:
    task_id: int
    label: str
    title: str
    directive_id: int
    directive_number: str
    figures: OnTimeRate


def by_task(unit: OrgUnit, *, school_year: str, on: dt.date | None = None) -> list[TaskFigures]:
    """Per task, the status counts of its assignments within the unit's subtree. One query."""
    day = on or today()
    rows = (
        _published(Assignment.objects.filter(school_year=school_year))
        .filter(subtree_q(unit.path, field="unit__path"))
        .values(
            "task_id",
            "task__label",
            "task__title",
            "task__position",
            "task__directive_id",
            "task__directive__number",
        )
        .annotate(**_status_aggregates(day))
        .order_by("task__directive_id", "task__position")
    )
    return [
        TaskFigures(
            task_id=row["task_id"],
            label=row["task__label"],
            title=row["task__title"],
            directive_id=row["task__directive_id"],
            directive_number=row["task__directive__number"],
            figures=_rate(row),
        )
        for row in rows
    ]


def assignments_visible_to(user: Any) -> QuerySet[Assignment]:
    """Assignments the user may see: given to a unit in scope, or given by a directive the user
    may see as its issuer's scope (the assigner sees what it assigned)."""
    mine = scope_queryset(user, Assignment.objects.all(), unit_field="unit")
    assigned = scope_queryset(user, Assignment.objects.all(), unit_field="task__directive__unit")
    return Assignment.objects.filter(Q(pk__in=mine.values("pk")) | Q(pk__in=assigned.values("pk")))


def open_work(unit: OrgUnit, *, school_year: str | None = None) -> QuerySet[Assignment]:
    """The unit's own unfinished work on published directives, earliest deadline first."""
    queryset = _published(Assignment.objects.filter(unit=unit, completed_on__isnull=True))
    if school_year:
        queryset = queryset.filter(school_year=school_year)
    return queryset.select_related("task__directive__unit").order_by(
        F("deadline").asc(nulls_last=True), "pk"
    )


def assignments_for_task(task_id: int) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(task_id=task_id)
        .select_related("unit")
        .order_by("role", "unit__path")
    )


def updates_for(assignment: Assignment) -> QuerySet[ProgressUpdate]:
    return (
        ProgressUpdate.objects.filter(assignment=assignment)
        .select_related("author")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )


def school_years(user: Any) -> list[str]:
    """School years that have published directives visible to the user, newest first."""
    years = (
        visible_directives(user)
        .filter(status="published")
        .exclude(school_year="")
        .order_by()
        .values_list("school_year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def current_school_year(day: dt.date | None = None) -> str:
    """The school year a day falls in: August starts a new one (2025-08-01 -> "2025-2026",
    2026-07-31 -> "2025-2026")."""
    day = day or today()
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


def home_unit(user: Any) -> OrgUnit | None:
    """The unit a user's figures default to: the unit of their first membership by path (the
    highest and leftmost); for a superuser without one, the first root. None: no unit."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = (
        Membership.objects.filter(user_id=user.pk)
        .select_related("unit")
        .order_by("unit__path", "pk")
        .first()
    )
    if membership is not None:
        return membership.unit
    if is_staff_superuser(user):
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    return None
