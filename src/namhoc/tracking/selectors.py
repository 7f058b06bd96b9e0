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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from namhoc.accounts.access import access_unit, visible_units
from namhoc.accounts.selectors import home_unit
from namhoc.core import sql
from namhoc.core.clock import today as clock_today
from namhoc.core.collation import vi_sort_key
from namhoc.core.errors import DomainError
from namhoc.core.parsing import parse_school_year, school_year_of
from namhoc.core.text import fold
from namhoc.core.types import Actor
from namhoc.directives.access import access_task, visible_directives
from namhoc.directives.models import Directive, DirectiveTask
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import path_upper
from namhoc.tracking import prefill
from namhoc.tracking.access import (
    access_assignment,
    access_update,
    assignable_units,
    assignments_visible_to,
    can_assign,
    can_manage,
    can_report,
    can_review,
    delete_refusal,
)
from namhoc.tracking.models import Assignment, AssignmentStatus, ProgressUpdate, status_of

__all__ = [
    "AssignPage",
    "AssignmentPage",
    "Dashboard",
    "OnTimeRate",
    "WorkDue",
    "WorkPage",
    "assign_page",
    "assign_page_rows",
    "assignment_page",
    "assignments_for_task",
    "by_child_unit",
    "by_task",
    "current_school_year",
    "dashboard",
    "default_school_year",
    "level_choices",
    "on_time_rates",
    "open_work",
    "status_q",
    "today",
    "unit_work",
    "units_named",
    "update_page",
    "work_due_next",
]


today = clock_today


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


def _published(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    # Work of superseded revisions moves to the new revision's tasks; drafts carry no work.
    return queryset.filter(task__directive__status="published")


def _status_counts(
    *,
    group: Sequence[str],
    where: str,
    params: Sequence[Any],
    school_year: str,
    day: dt.date,
    order: str = "",
) -> list[tuple[Any, ...]]:
    """Rows of ``group`` (SQL expressions over ``a`` the assignment, ``t`` its task, ``d`` the
    directive, ``u`` the unit) followed by the four status counts of :class:`OnTimeRate`, over
    the work of ``school_year`` on published directives that matches ``where``.

    The statement :func:`on_time_rates`, :func:`by_child_unit` and :func:`by_task` read: the
    same rule as :func:`_published` and :func:`status_q` (a test compares them with the ORM's),
    written out because composing it through the ORM was most of the tracking dashboard's and a
    sixth of the scorecard's CPU (issue 15), for a statement PostgreSQL answers in well under a
    millisecond."""
    day_value = sql.day(day)
    statement = _STATUS_COUNTS.format(
        group=", ".join(group),
        assignment=sql.table(Assignment),
        task=sql.table(DirectiveTask),
        directive=sql.table(Directive),
        unit=sql.table(OrgUnit),
        where=where,
        order=f"ORDER BY {order}" if order else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            statement, [day_value, day_value, Directive.Status.PUBLISHED, school_year, *params]
        )
        return [tuple(row) for row in cursor.fetchall()]


# The four sums are, in order, AssignmentStatus's done on time, done late, overdue, in progress:
# status_q's conditions (a NULL comparison counts nowhere, as in the ORM's COUNT ... FILTER).
_STATUS_COUNTS = """
SELECT {group},
  SUM(CASE WHEN a.completed_on IS NOT NULL
            AND (a.deadline IS NULL OR a.completed_on <= a.deadline) THEN 1 ELSE 0 END),
  SUM(CASE WHEN a.completed_on IS NOT NULL AND a.completed_on > a.deadline THEN 1 ELSE 0 END),
  SUM(CASE WHEN a.completed_on IS NULL AND a.deadline < %s THEN 1 ELSE 0 END),
  SUM(CASE WHEN a.completed_on IS NULL
            AND (a.deadline IS NULL OR a.deadline >= %s) THEN 1 ELSE 0 END)
FROM {assignment} a
JOIN {task} t ON t.id = a.task_id
JOIN {directive} d ON d.id = t.directive_id
JOIN {unit} u ON u.id = a.unit_id
WHERE d.status = %s AND a.school_year = %s AND ({where})
GROUP BY {group}
{order}
"""


def _counted(row: Sequence[Any]) -> OnTimeRate:
    """The :class:`OnTimeRate` of the four counts that end a :func:`_status_counts` row."""
    on_time, late, overdue, in_progress = (int(n or 0) for n in row[-4:])
    return OnTimeRate(
        done_on_time=on_time, done_late=late, overdue=overdue, in_progress=in_progress
    )


def on_time_rates(
    *, unit_ids: Iterable[int], school_year: str, on: dt.date | None = None
) -> dict[int, OnTimeRate]:
    """``{unit_id: OnTimeRate}`` over the assignments of each unit's whole subtree.

    Every requested unit that exists gets an entry (zeros when it has no work). One aggregate
    query per distinct depth among the units; no loop over units in Python beyond the result.
    """
    day = on or today()
    wanted = [int(pk) for pk in dict.fromkeys(unit_ids)]
    units: list[tuple[int, str]] = []
    if wanted:
        which, params = sql.one_of("id", wanted)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, path FROM {sql.table(OrgUnit)} WHERE {which}", params)  # noqa: S608
            units = [(pk, path) for pk, path in cursor.fetchall()]
    by_length: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for pk, path in units:
        by_length[len(path)][path].append(pk)
    result = {pk: OnTimeRate() for pk, _ in units}
    for length, paths in by_length.items():
        prefix = f"SUBSTR(u.path, 1, {int(length)})"
        which, params = sql.one_of(prefix, list(paths))
        rows = _status_counts(
            group=[prefix],
            where=which,
            params=params,
            school_year=school_year,
            day=day,
        )
        for row in rows:
            for pk in paths[row[0]]:
                result[pk] = _counted(row)
    return result


def rate_for(unit: OrgUnit, *, school_year: str, on: dt.date | None = None) -> OnTimeRate:
    return on_time_rates(unit_ids=[unit.pk], school_year=school_year, on=on)[unit.pk]


def by_child_unit(
    unit: OrgUnit, *, school_year: str, on: dt.date | None = None
) -> list[tuple[OrgUnit, OnTimeRate]]:
    """The unit's current children with their subtree figures, in path order. Two queries."""
    day = on or today()
    children = sql.fetch_models(
        OrgUnit,
        f"SELECT {sql.columns_of(OrgUnit)} FROM {sql.table(OrgUnit)} "  # noqa: S608 - no user text
        "WHERE parent_id = %s AND valid_to IS NULL ORDER BY path",
        [unit.pk],
    )
    length = len(unit.path) + 4
    rows = _status_counts(
        group=[f"SUBSTR(u.path, 1, {int(length)})"],
        where="u.path > %s AND u.path < %s",  # subtree_q(include_self=False)
        params=[unit.path, path_upper(unit.path)],
        school_year=school_year,
        day=day,
    )
    figures = {row[0]: _counted(row) for row in rows}
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
    rows = _status_counts(
        group=["t.id", "t.label", "t.title", "t.position", "t.directive_id", "d.number"],
        where="u.path >= %s AND u.path < %s",  # subtree_q(include_self=True)
        params=[unit.path, path_upper(unit.path)],
        school_year=school_year,
        day=day,
        order="t.directive_id, t.position",
    )
    return [
        TaskFigures(
            task_id=row[0],
            label=row[1],
            title=row[2],
            directive_id=row[4],
            directive_number=row[5],
            figures=_counted(row),
        )
        for row in rows
    ]


def _last_review() -> Subquery:
    return Subquery(
        ProgressUpdate.objects.filter(assignment=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("review")[:1]
    )


def open_work(unit: OrgUnit, *, school_year: str | None = None) -> QuerySet[Assignment]:
    """The unit's own unfinished work on published directives: work whose last report came
    back returned first (``last_review``), then earliest deadline first."""
    queryset = _published(Assignment.objects.filter(unit=unit, completed_on__isnull=True))
    if school_year:
        queryset = queryset.filter(school_year=school_year)
    returned = Case(
        When(last_review=ProgressUpdate.Review.RETURNED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        queryset.select_related("task__directive__unit")
        .annotate(last_review=_last_review())
        .order_by(returned, F("deadline").asc(nulls_last=True), "pk")
    )


@dataclass(frozen=True)
class WorkDue:
    """One line of a unit's work due next (the home page): an assignment and its task."""

    id: int
    deadline: dt.date | None
    percent: int
    task_label: str
    task_title: str
    directive_number: str
    status: str  # AssignmentStatus on the day asked


def work_due_next(unit: OrgUnit, *, limit: int, on: dt.date | None = None) -> list[WorkDue]:
    """The first ``limit`` of :func:`open_work` (same rows, same order), as one statement.

    Every sign-in lands on the home page, which shows these: composing ``open_work``'s query
    (three joins, the last review as a subquery, a CASE to order by) cost the ORM more than a
    third of the page's CPU (issue 15). A test holds the two to the same rows in the same order.
    """
    day = on or today()
    statement = _WORK_DUE.format(
        assignment=sql.table(Assignment),
        task=sql.table(DirectiveTask),
        directive=sql.table(Directive),
        update=sql.table(ProgressUpdate),
    )
    params: list[Any] = [
        unit.pk, Directive.Status.PUBLISHED, ProgressUpdate.Review.RETURNED, int(limit)
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    return [
        WorkDue(
            id=pk,
            deadline=deadline,
            percent=percent,
            task_label=label,
            task_title=title,
            directive_number=number,
            status=status_of(completed_on=None, deadline=deadline, today=day),
        )
        for pk, deadline, percent, label, title, number in rows
    ]


# open_work's rule: the unit's unfinished work on published directives, work whose last report
# came back returned first, then the earliest deadline (none last), then the oldest.
_WORK_DUE = """
SELECT a.id, a.deadline, a.percent, t.label, t.title, d.number
FROM {assignment} a
JOIN {task} t ON t.id = a.task_id
JOIN {directive} d ON d.id = t.directive_id
WHERE a.unit_id = %s AND a.completed_on IS NULL AND d.status = %s
ORDER BY
  CASE WHEN (SELECT p.review FROM {update} p WHERE p.assignment_id = a.id
             ORDER BY p.created_at DESC, p.id DESC LIMIT 1) = %s THEN 0 ELSE 1 END,
  CASE WHEN a.deadline IS NULL THEN 1 ELSE 0 END, a.deadline, a.id
LIMIT %s
"""


def assignments_for_task(viewer: Actor | None, task: DirectiveTask) -> QuerySet[Assignment]:
    """The assignments of ``task`` that ``viewer`` may see (the issuer's people: all of them; a
    unit: its own subtree's), leads first, then by unit."""
    return (
        assignments_visible_to(viewer)
        .filter(task=task)
        .select_related("unit", "updated_by", "task__directive")
        .order_by("role", "unit__path")
    )


def assign_page_rows(viewer: Actor | None, task_id: int) -> QuerySet[Assignment]:
    """The assignments of task ``task_id`` that ``viewer`` may see (NotFound: task not visible)."""
    return assignments_for_task(viewer, access_task(viewer, task_id))


def updates_for(assignment: Assignment) -> QuerySet[ProgressUpdate]:
    """The progress reports of an assignment the caller has already loaded through access."""
    return (
        ProgressUpdate.objects.filter(assignment=assignment)
        .select_related("author", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )


# --- what each page shows ------------------------------------------------------------------


def level_choices(present: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """ "Every unit of a level" among the (kind, school level) pairs present: each kind, and for
    schools each school level ("school:thcs" → "Trường Trung học cơ sở")."""
    order = list(OrgUnit.Kind.values)
    levels = list(OrgUnit.SchoolLevel.values)
    pairs = set(present)
    choices: list[tuple[str, str]] = []
    for kind in sorted({k for k, _ in pairs}, key=order.index):
        choices.append((kind, str(OrgUnit.Kind(kind).label)))
        if kind == OrgUnit.Kind.SCHOOL:
            for level in sorted({lv for k, lv in pairs if k == kind and lv}, key=levels.index):
                choices.append((f"{kind}:{level}", f"Trường {OrgUnit.SchoolLevel(level).label}"))
    return choices


@dataclass(frozen=True)
class AssignPage:
    task: DirectiveTask
    rows: list[tuple[Assignment, str]]  # (assignment, status today)
    hints: list[Any]
    can_assign: bool
    levels: list[tuple[str, str]]  # the "every unit of level" choices
    proposed_units: list[OrgUnit]  # units the document names as lead (pre-ticked)
    proposed_levels: list[tuple[str, str, str]]  # (value, label, the document's words)


def assign_page(viewer: Actor | None, task_id: int) -> AssignPage:
    """The assign page of a task: who has it (as far as ``viewer`` may see), the reader's hints
    and what they propose, and whether ``viewer`` may assign."""
    task = access_task(viewer, task_id)
    day = today()
    rows = [(a, a.status_on(day)) for a in assignments_for_task(viewer, task)]
    hints = list(task.assignment_hints.all())
    allowed = can_assign(viewer, task)
    levels: list[tuple[str, str]] = []
    units: list[OrgUnit] = []
    proposed_levels: list[tuple[str, str, str]] = []
    if allowed:
        candidates = assignable_units(viewer, task)
        present = set(candidates.order_by().values_list("kind", "school_level").distinct())
        levels = level_choices(present)
        names = [name for hint in hints for name in hint.lead]
        proposal = prefill.propose(names, prefill.candidates_for(names, candidates), present)
        by_pk = {u.pk: u for u in candidates.filter(pk__in=proposal.units)}
        units = [by_pk[pk] for pk in proposal.units if pk in by_pk]
        labels = dict(levels)
        proposed_levels = [
            (lv.value, labels[lv.value], lv.hint) for lv in proposal.levels if lv.value in labels
        ]
    return AssignPage(
        task=task,
        rows=rows,
        hints=hints,
        can_assign=allowed,
        levels=levels,
        proposed_units=units,
        proposed_levels=proposed_levels,
    )


@dataclass(frozen=True)
class AssignmentPage:
    assignment: Assignment
    status: str
    updates: list[ProgressUpdate]
    can_report: bool
    can_manage: bool
    deletable: bool
    reviewable: set[int]  # the reports the viewer may accept or return


def update_page(viewer: Actor | None, update_id: int) -> AssignmentPage:
    """The page of the assignment a progress report belongs to."""
    return assignment_page(viewer, access_update(viewer, update_id).assignment_id)


def assignment_page(viewer: Actor | None, assignment_id: int) -> AssignmentPage:
    assignment = access_assignment(viewer, assignment_id)
    updates = list(updates_for(assignment))
    for update in updates:
        update.assignment = assignment
    manage = can_manage(viewer, assignment)
    return AssignmentPage(
        assignment=assignment,
        status=assignment.status_on(today()),
        updates=updates,
        can_report=can_report(viewer, assignment),
        can_manage=manage,
        deletable=manage and delete_refusal(viewer, assignment, reports=len(updates)) is None,
        # the predicate decides; only unanswered reports are asked (one role lookup each)
        reviewable={u.pk for u in updates if manage and not u.review and can_review(viewer, u)},
    )


def school_years(viewer: Actor | None) -> list[str]:
    """School years that have published directives visible to ``viewer``, newest first."""
    years = (
        visible_directives(viewer)
        .filter(status="published")
        .exclude(school_year="")
        .order_by()
        .values_list("school_year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def current_school_year(day: dt.date | None = None) -> str:
    """The school year ``day`` (default: today) falls in; August starts a new one."""
    return school_year_of(day or today())


def default_school_year(years: list[str]) -> str:
    """The year a page opens on when none is asked for — the one rule for page and API: the
    current school year; if nothing is published for it yet, the newest year that has work."""
    current = current_school_year()
    if current in years or not years:
        return current
    return years[0]


SORT_KEYS = {
    "ten": "tên",
    "tong": "tổng số việc",
    "dung_han": "hoàn thành đúng hạn",
    "tre": "hoàn thành quá hạn",
    "qua_han": "quá hạn chưa hoàn thành",
    "trong_han": "đang thực hiện trong hạn",
    "ti_le": "tỷ lệ đúng hạn",
}
DEFAULT_SORT = "ti_le"  # worst first


def _figure_key(sort: str, figures: OnTimeRate) -> Any:
    if sort == "ti_le":
        # Rows with nothing due yet have no rate: they go after every row that has one.
        return (figures.rate is None, figures.rate if figures.rate is not None else 0)
    value = {
        "tong": figures.total,
        "dung_han": figures.done_on_time,
        "tre": figures.done_late,
        "qua_han": figures.overdue,
        "trong_han": figures.in_progress,
    }[sort]
    return (False, value)


def _sorted(rows: list[Any], *, sort: str, descending: bool, name: Any, figures: Any) -> list[Any]:
    """Rows by one column, ties by name (Vietnamese order; ``name=None``: the order given);
    rows without a rate stay last."""
    by_name = sorted(rows, key=lambda row: vi_sort_key(name(row))) if name else list(rows)
    if sort == "ten":
        return list(reversed(by_name)) if descending else by_name
    keyed = sorted(by_name, key=lambda row: _figure_key(sort, figures(row))[1], reverse=descending)
    return sorted(keyed, key=lambda row: _figure_key(sort, figures(row))[0])


@dataclass(frozen=True)
class Dashboard:
    unit: OrgUnit
    parent: OrgUnit | None  # the unit above, when the viewer may open it
    school_year: str
    years: list[str]
    overall: OnTimeRate
    by_child_unit: list[tuple[OrgUnit, OnTimeRate]]  # filtered and sorted as asked
    by_task: list[TaskFigures]  # sorted as asked
    sort: str
    descending: bool
    kind: str  # "" or a unit kind (and ":school level") the child rows are filtered to
    kinds: list[tuple[str, str]]  # the kinds present among the children, for the filter
    search: str
    children_total: int  # child units before the filter


def dashboard(
    viewer: Actor | None,
    *,
    unit_key: str = "",
    school_year: str = "",
    sort: str = "",
    descending: bool | None = None,
    kind: str = "",
    search: str = "",
) -> Dashboard:
    """On-time figures of a unit's subtree for a school year, per child unit and per task.

    ``unit_key`` defaults to the viewer's home unit, ``school_year`` to :func:`default_school_year`;
    rows sorted by ``sort`` (a key of :data:`SORT_KEYS`; default: lowest on-time rate first),
    child units filtered by ``kind`` ("commune", "school", "school:thcs") and by ``search`` (part
    of the name, diacritics optional).
    """
    if unit_key:
        unit = access_unit(viewer, unit_key)
    else:
        home = home_unit(viewer)
        if home is None:
            raise DomainError(
                "no_unit",
                "Tài khoản chưa thuộc đơn vị nào; hãy chọn đơn vị cần xem.",
                field="unit",
            )
        unit = home
    years = school_years(viewer)
    year = parse_school_year(school_year) if school_year else default_school_year(years)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    parent = None
    if unit.parent_id is not None:
        parent = visible_units(viewer).filter(pk=unit.parent_id).first()
    sort = sort if sort in SORT_KEYS else DEFAULT_SORT
    if descending is None:
        descending = False
    children = by_child_unit(unit, school_year=year)
    kinds = level_choices({(c.kind, c.school_level) for c, _ in children})
    if kind and kind not in dict(kinds):
        kind = ""
    rows = children
    if kind:
        wanted, _, level = kind.partition(":")
        rows = [
            (c, f) for c, f in rows if c.kind == wanted and (not level or c.school_level == level)
        ]
    search = " ".join(search.split())[:100]
    if search:
        words = fold(search).split()
        rows = [(c, f) for c, f in rows if all(w in c.name_folded for w in words)]
    return Dashboard(
        unit=unit,
        parent=parent,
        school_year=year,
        years=years,
        overall=rate_for(unit, school_year=year),
        by_child_unit=_sorted(
            rows, sort=sort, descending=descending, name=lambda r: r[0].name, figures=lambda r: r[1]
        ),
        by_task=_sorted(
            by_task(unit, school_year=year),
            sort=sort,
            descending=descending,
            name=None,  # the document's own order: directive, then task position
            figures=lambda t: t.figures,
        ),
        sort=sort,
        descending=descending,
        kind=kind,
        kinds=kinds,
        search=search,
        children_total=len(children),
    )


def units_named(viewer: Actor | None, keys: Iterable[str]) -> list[OrgUnit]:
    """The units ``viewer`` sees among ``keys``, in the order given (a form's ticked units)."""
    wanted = [k for k in dict.fromkeys(keys) if isinstance(k, str) and 0 < len(k) <= 40][:5000]
    found = {
        u.key: u for u in visible_units(viewer).filter(key__in=wanted).select_related("parent")
    }
    return [found[k] for k in wanted if k in found]


@dataclass(frozen=True)
class WorkPage:
    unit: OrgUnit
    work: QuerySet[Assignment]


def unit_work(viewer: Actor | None, *, unit_key: str) -> WorkPage:
    """A unit's unfinished work (``viewer`` must see the unit), earliest deadline first."""
    unit = access_unit(viewer, unit_key)
    return WorkPage(unit=unit, work=open_work(unit))
