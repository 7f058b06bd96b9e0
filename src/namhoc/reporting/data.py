"""Every read a drafted document needs, in one place: a small adapter over the selectors of the
apps below (``tracking``, ``indicators``, ``directives``, ``orgunits``), returning plain
dataclasses so that a change upstream touches this module only.

Reads are scoped to the person the draft is for (``viewer``): directives through
``directives.access.visible_directives``, work through ``tracking.access.assignments_visible_to``,
units through ``accounts.access.visible_units``. Rolled-up figures are read for a unit the caller
has already loaded through ``accounts.access`` (its whole subtree is the viewer's to read).

Where no selector answers the question, the query is written here, scoped the same way (marked
"no selector" below): evidence and progress texts per task, units that published nothing for a
school year, how complete a data set is across a subtree, and the levels a task was given to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from namhoc.accounts.access import member_paths, visible_units
from namhoc.core.collation import vi_sort_key
from namhoc.core.types import Actor
from namhoc.directives.access import access_directive, visible_directives
from namhoc.directives.models import Directive, DirectiveTask, TaskLink
from namhoc.directives.models import Target as DirectiveTarget
from namhoc.indicators import dashboards
from namhoc.indicators import selectors as figures
from namhoc.indicators.formulas import parse as parse_formula
from namhoc.indicators.models import DataElement, DataSet, DataSetElement, DataValue, Period
from namhoc.indicators.rollup import figure_rows
from namhoc.orgunits import selectors as units
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths, subtree_q
from namhoc.tracking import selectors as tracking
from namhoc.tracking.access import assignments_visible_to
from namhoc.tracking.models import Assignment, AssignmentStatus, Evidence, ProgressUpdate

__all__ = [
    "LEVELS",
    "DataSetState",
    "DirectiveInfo",
    "EvidenceInfo",
    "Figure",
    "Highlight",
    "IndicatorRow",
    "PeriodInfo",
    "PlanTask",
    "Rate",
    "Situation",
    "TargetInfo",
    "TaskInfo",
    "TaskResult",
    "UnitRate",
    "WorkItem",
    "ancestors",
    "child_rates",
    "directive_above",
    "directive_in_force",
    "directive_info",
    "indicator_rows",
    "late_work",
    "overall_rate",
    "plan_tasks",
    "school_years",
    "silent_units",
    "situation",
    "task_results",
    "upper_directives",
]

# School levels whose scale figures (classes, learners, teachers) the situation section reads.
LEVELS = (
    ("MN", "mầm non", "trẻ"),
    ("TH", "tiểu học", "học sinh"),
    ("THCS", "trung học cơ sở", "học sinh"),
    ("THPT", "trung học phổ thông", "học sinh"),
)
HIGHLIGHTS_PER_TASK = 3


# --- plain answers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """Work by status (DOMAIN.md); ``rate`` = on time / (done + overdue), as on the dashboard."""

    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    in_progress: int = 0

    @property
    def total(self) -> int:
        return self.done_on_time + self.done_late + self.overdue + self.in_progress

    @property
    def due(self) -> int:
        return self.done_on_time + self.done_late + self.overdue

    @property
    def percent(self) -> Decimal | None:
        if not self.due:
            return None
        return (Decimal(100) * self.done_on_time / self.due).quantize(Decimal("0.1"))


def _rate(figures_: object) -> Rate:
    return Rate(
        done_on_time=int(getattr(figures_, "done_on_time", 0)),
        done_late=int(getattr(figures_, "done_late", 0)),
        overdue=int(getattr(figures_, "overdue", 0)),
        in_progress=int(getattr(figures_, "in_progress", 0)),
    )


@dataclass(frozen=True)
class TargetInfo:
    value: Decimal
    unit_label: str
    sentence: str


@dataclass(frozen=True)
class TaskInfo:
    id: int
    position: int
    label: str
    title: str
    text: str
    targets: tuple[TargetInfo, ...] = ()


@dataclass(frozen=True)
class DirectiveInfo:
    id: int
    unit_id: int
    unit_key: str
    unit_name: str
    doc_type: str
    number: str
    title: str
    issuer: str
    issued_on: dt.date | None
    school_year: str
    status: str
    tasks: tuple[TaskInfo, ...]


@dataclass(frozen=True)
class Highlight:
    unit_name: str
    day: dt.date
    percent: int
    text: str


@dataclass(frozen=True)
class EvidenceInfo:
    task_id: int
    unit_name: str
    name: str
    day: dt.date


@dataclass(frozen=True)
class TaskResult:
    task: TaskInfo
    rate: Rate
    leads: int
    supports: int
    highlights: tuple[Highlight, ...]
    evidence: tuple[EvidenceInfo, ...]


@dataclass(frozen=True)
class UnitRate:
    key: str
    name: str
    kind: str
    rate: Rate


@dataclass(frozen=True)
class WorkItem:
    unit_key: str
    unit_name: str
    directive_number: str
    task_label: str
    task_title: str
    role: str
    deadline: dt.date | None
    completed_on: dt.date | None
    percent: int
    status: str

    @property
    def status_label(self) -> str:
        return str(AssignmentStatus(self.status).label)


@dataclass(frozen=True)
class PeriodInfo:
    id: int
    code: str
    kind: str
    name: str
    school_year: str
    as_of: dt.date


def _period(period: Period) -> PeriodInfo:
    return PeriodInfo(
        id=period.pk,
        code=period.code,
        kind=period.kind,
        name=period.name,
        school_year=period.school_year,
        as_of=period.as_of,
    )


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    unit_label: str
    total: Decimal | None
    units: int  # units whose figure is counted


@dataclass(frozen=True)
class DataSetState:
    code: str
    name: str
    reporting: int  # current units of the subtree that report it
    complete: int  # ... with every required figure
    approved_on: dt.date | None  # the approval that locks the unit's figures, if any
    approved_at: str  # the unit that approved (itself or one above)


@dataclass(frozen=True)
class Situation:
    period: PeriodInfo | None
    day: dt.date  # the org tree is counted as of this day
    unit_counts: tuple[tuple[str, str, int], ...]  # (kind, school level, n), current units
    synthetic: int  # of them, demo units (dữ liệu mô phỏng)
    figures: dict[str, Figure] = field(default_factory=dict)
    data_sets: tuple[DataSetState, ...] = ()


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name: str
    group: str
    unit_label: str
    decimals: int
    higher_is_better: bool
    period: PeriodInfo | None  # the period the value is read from (None: no value this year)
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    units: int  # units whose figures are counted
    target: Decimal | None
    target_inherited: bool
    attained: Decimal | None  # % of target reached, capped at 100
    last_year: Decimal | None
    last_period: PeriodInfo | None


@dataclass(frozen=True)
class PlanAssignment:
    unit_name: str
    role: str  # "lead" | "support"
    deadline: dt.date | None
    target_value: Decimal | None
    target_unit: str


@dataclass(frozen=True)
class OwnTask:
    task: TaskInfo
    directive_number: str
    assignments: tuple[PlanAssignment, ...]


@dataclass(frozen=True)
class PlanTask:
    upper: TaskInfo
    applies: bool  # given to this unit or its level, or to nobody in particular
    levels: tuple[str, ...]  # kinds of unit the upper task was given to
    mine: PlanAssignment | None  # the upper task's assignment to this unit
    own: tuple[OwnTask, ...]  # the unit's own tasks linked to it (confirmed cascade links)


# --- units ---------------------------------------------------------------------------------


def ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """The units above ``unit``, the root first."""
    return units.ancestors(unit)


# --- directives ----------------------------------------------------------------------------


def _tasks(directive: Directive) -> tuple[TaskInfo, ...]:
    targets: dict[int | None, list[TargetInfo]] = defaultdict(list)
    for target in DirectiveTarget.objects.filter(directive=directive).order_by("start", "pk"):
        targets[target.task_id].append(
            TargetInfo(value=target.value, unit_label=target.unit_label, sentence=target.sentence)
        )
    return tuple(
        TaskInfo(
            id=task.pk,
            position=task.position,
            label=task.label,
            title=task.title,
            text=_body(task.title, task.text),
            targets=tuple(targets.get(task.pk, ())),
        )
        for task in DirectiveTask.objects.filter(directive=directive).order_by("position")
    )


def _body(title: str, text: str) -> str:
    """A task's text without its title repeated at the start (the reader keeps both)."""
    flat = " ".join(text.split())
    head = " ".join(title.split())
    if head and flat.startswith(head):
        flat = flat[len(head) :].lstrip(" .:;-")
    return flat


def _directive(directive: Directive) -> DirectiveInfo:
    return DirectiveInfo(
        id=directive.pk,
        unit_id=directive.unit_id,
        unit_key=directive.unit.key,
        unit_name=directive.unit.name,
        doc_type=directive.doc_type,
        number=directive.number,
        title=directive.title,
        issuer=directive.issuer,
        issued_on=directive.issued_on,
        school_year=directive.school_year,
        status=directive.status,
        tasks=_tasks(directive),
    )


def directive_in_force(
    viewer: Actor | None, unit: OrgUnit, school_year: str
) -> DirectiveInfo | None:
    """The directive a unit works by in ``school_year``: the one it published for the year, else
    the nearest unit above's. Among several of one unit, the one with the most key tasks (the
    year's plan rather than a single-topic letter), then the latest issued."""
    paths = [*(u.path for u in ancestors(unit)), unit.path]
    rows = list(
        visible_directives(viewer)
        .filter(status=Directive.Status.PUBLISHED, school_year=school_year, unit__path__in=paths)
        .annotate(task_count=Count("tasks"))
        .select_related("unit")
    )
    if not rows:
        return None
    best = max(
        rows,
        key=lambda d: (
            d.unit.depth,
            getattr(d, "task_count", 0),
            d.issued_on or dt.date.min,
            d.pk,
        ),
    )
    return _directive(best)


def directive_info(viewer: Actor | None, directive_id: int) -> DirectiveInfo:
    """A directive ``viewer`` may read (NotFound otherwise), with its tasks and targets."""
    return _directive(access_directive(viewer, directive_id))


# --- tracked work --------------------------------------------------------------------------


def overall_rate(unit: OrgUnit, school_year: str, day: dt.date) -> Rate:
    return _rate(tracking.rate_for(unit, school_year=school_year, on=day))


def child_rates(unit: OrgUnit, school_year: str, day: dt.date) -> list[UnitRate]:
    """The units directly below, in Vietnamese alphabetical order."""
    rows = [
        UnitRate(key=child.key, name=child.name, kind=child.kind, rate=_rate(rate))
        for child, rate in tracking.by_child_unit(unit, school_year=school_year, on=day)
    ]
    return sorted(rows, key=lambda row: vi_sort_key(row.name))


def _in_subtree(unit: OrgUnit) -> Q:
    return subtree_q(unit.path, field="unit__path")


def task_results(
    viewer: Actor | None,
    unit: OrgUnit,
    directive: DirectiveInfo,
    school_year: str,
    day: dt.date,
) -> list[TaskResult]:
    """Per task of ``directive``: its work in ``unit``'s subtree by status, how many units lead
    or support, the latest progress reports (shortened later) and every evidence file."""
    counts = {
        row.task_id: _rate(row.figures)
        for row in tracking.by_task(unit, school_year=school_year, on=day)
        if row.directive_id == directive.id
    }
    work = assignments_visible_to(viewer).filter(_in_subtree(unit), task__directive_id=directive.id)
    roles: dict[int, dict[str, int]] = defaultdict(dict)
    for task_id, role, n in work.order_by().values_list("task_id", "role").annotate(n=Count("pk")):
        roles[task_id][role] = n
    # no selector: progress texts and evidence of a directive's work within a subtree
    evidence: dict[int, list[EvidenceInfo]] = defaultdict(list)
    for task_id, unit_name, name, created in (
        Evidence.objects.filter(update__assignment__in=work)
        .order_by("update__assignment__task__position", "update__created_at", "pk")
        .values_list(
            "update__assignment__task_id",
            "update__assignment__unit__name",
            "original_name",
            "update__created_at",
        )
    ):
        evidence[task_id].append(
            EvidenceInfo(task_id=task_id, unit_name=unit_name, name=name, day=_local_day(created))
        )
    results = []
    for task in directive.tasks:
        updates = (
            ProgressUpdate.objects.filter(assignment__in=work.filter(task_id=task.id))
            .select_related("assignment__unit")
            .order_by("-created_at", "-pk")[:HIGHLIGHTS_PER_TASK]
        )
        results.append(
            TaskResult(
                task=task,
                rate=counts.get(task.id, Rate()),
                leads=roles[task.id].get(Assignment.Role.LEAD, 0),
                supports=roles[task.id].get(Assignment.Role.SUPPORT, 0),
                highlights=tuple(
                    Highlight(
                        unit_name=u.assignment.unit.name,
                        day=_local_day(u.created_at),
                        percent=u.percent,
                        text=u.text,
                    )
                    for u in updates
                ),
                evidence=tuple(evidence.get(task.id, ())),
            )
        )
    return results


def _local_day(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def late_work(
    viewer: Actor | None, unit: OrgUnit, school_year: str, day: dt.date
) -> list[WorkItem]:
    """Work of the year in ``unit``'s subtree that is overdue or was done late, by unit (in
    Vietnamese alphabetical order), then deadline."""
    rows = (
        assignments_visible_to(viewer)
        .filter(
            _in_subtree(unit),
            school_year=school_year,
            task__directive__status=Directive.Status.PUBLISHED,
        )
        .filter(
            tracking.status_q(AssignmentStatus.OVERDUE, day)
            | tracking.status_q(AssignmentStatus.DONE_LATE, day)
        )
        .select_related("unit", "task__directive")
        .order_by("unit__path", "deadline", "task__position", "pk")
    )
    items = [
        WorkItem(
            unit_key=a.unit.key,
            unit_name=a.unit.name,
            directive_number=a.task.directive.number,
            task_label=a.task.label,
            task_title=a.task.title,
            role=a.get_role_display(),
            deadline=a.deadline,
            completed_on=a.completed_on,
            percent=a.percent,
            status=a.status_on(day),
        )
        for a in rows
    ]
    return sorted(items, key=lambda item: vi_sort_key(item.unit_name))  # stable: deadlines kept


def silent_units(viewer: Actor | None, unit: OrgUnit, school_year: str) -> list[OrgUnit]:
    """The current units directly below ``unit`` (no pre-2025 districts) with no published
    directive for ``school_year`` anywhere in their subtree, in Vietnamese alphabetical order.
    No selector: written here."""
    children = list(
        visible_units(viewer)
        .filter(parent=unit, valid_to__isnull=True)
        .exclude(kind=OrgUnit.Kind.DISTRICT)
        .order_by("path")
    )
    if not children:
        return []
    published = set(
        visible_directives(viewer)
        .filter(
            subtree_q(unit.path, field="unit__path", include_self=False),
            status=Directive.Status.PUBLISHED,
            school_year=school_year,
        )
        .values_list("unit__path", flat=True)
    )
    silent = [c for c in children if not any(path.startswith(c.path) for path in published)]
    return sorted(silent, key=lambda unit_: vi_sort_key(unit_.name))


# --- figures -------------------------------------------------------------------------------


def _periods(school_year: str, kinds: Sequence[str]) -> list[Period]:
    return [p for p in figures.periods() if p.school_year == school_year and p.kind in kinds]


def _element_ids(codes: Iterable[str]) -> dict[str, DataElement]:
    return {e.code: e for e in DataElement.objects.filter(code__in=list(codes))}


def _complete(unit: OrgUnit, data_set: DataSet, period: Period) -> tuple[int, int]:
    """(reporting units, those with every required figure) in ``unit``'s subtree. No selector
    counts this across a subtree without listing the units: one query each."""
    reporting = figures.reporting_units(unit, data_set)
    required = list(
        DataSetElement.objects.filter(data_set=data_set, required=True).values_list(
            "element_id", flat=True
        )
    )
    total = reporting.count()
    if not total or not required:
        return total, 0
    complete = (
        DataValue.objects.filter(
            unit__in=reporting.values("pk"), period=period, element_id__in=required
        )
        .values("unit_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=len(required))
        .count()
    )
    return total, complete


def situation(unit: OrgUnit, school_year: str, kinds: Sequence[str], day: dt.date) -> Situation:
    """Units by kind (the current tree), and classes, learners and teachers per level from the
    latest period of ``kinds`` in ``school_year`` that has figures, with how complete and
    approved each data set of that period is."""
    tree = units.subtree(unit).filter(valid_to__isnull=True)
    counts = tuple(
        (row["kind"], row["school_level"], row["n"]) for row in units.count_by_kind(tree)
    )
    synthetic = tree.filter(is_synthetic=True).count()
    codes = [f"{lv}_{suffix}" for lv, _, _ in LEVELS for suffix in ("LOP", "HS", "GV", "GV_CHUAN")]
    elements = _element_ids(codes)
    chosen: Period | None = None
    rows: list[tuple[int, int, int, Decimal, int]] = []
    for period in reversed(_periods(school_year, kinds)):
        rows = figure_rows([unit.pk], [period.pk], [e.pk for e in elements.values()])
        if any(count for *_, count in rows):
            chosen = period
            break
    if chosen is None:
        return Situation(period=None, day=day, unit_counts=counts, synthetic=synthetic)
    by_element = {element_id: (total, count) for _, _, element_id, total, count in rows}
    found = {
        code: Figure(
            code=code,
            name=element.name,
            unit_label=element.unit_label,
            total=by_element[element.pk][0] if by_element.get(element.pk, (0, 0))[1] else None,
            units=by_element.get(element.pk, (0, 0))[1],
        )
        for code, element in elements.items()
    }
    states = []
    for data_set in DataSet.objects.order_by("code"):
        if (
            not data_set.collected_in(chosen)
            or not data_set.elements.filter(code__in=codes).exists()
        ):
            continue
        reporting, complete = _complete(unit, data_set, chosen)
        if not reporting:
            continue
        lock = figures.lock_of(unit, data_set, chosen)
        states.append(
            DataSetState(
                code=data_set.code,
                name=data_set.name,
                reporting=reporting,
                complete=complete,
                approved_on=_local_day(lock.approved_at) if lock is not None else None,
                approved_at=lock.unit.name if lock is not None else "",
            )
        )
    return Situation(
        period=_period(chosen),
        day=day,
        unit_counts=counts,
        synthetic=synthetic,
        figures=found,
        data_sets=tuple(states),
    )


def _previous_year(school_year: str) -> str:
    first = int(school_year[:4])
    return f"{first - 1}-{first}"


def indicator_rows(unit: OrgUnit, school_year: str, kinds: Sequence[str]) -> list[IndicatorRow]:
    """Every indicator at ``unit``: its value in the latest period of ``kinds`` this school year
    that has one, the target (own or the nearest unit above's), how far it is reached, and the
    value of the same kind of period last school year."""
    periods = _periods(school_year, kinds)
    last_year = _previous_year(school_year)
    earlier = _periods(last_year, kinds)
    boards = [(p, dashboards.dashboard(unit, p)) for p in periods]
    counts: dict[tuple[int, int], int] = {}
    by_code: dict[str, int] = {}
    if periods:
        by_code = dict(DataElement.objects.values_list("code", "pk"))
        for _, period_id, element_id, _, count in figure_rows(
            [unit.pk], [p.pk for p in (*periods, *earlier)], list(by_code.values())
        ):
            counts[(period_id, element_id)] = count

    def counted(numerator: str, period_id: int) -> int:
        """Units whose figures make the numerator (a multi-level school once per level)."""
        codes = parse_formula(numerator).codes
        return sum(counts.get((period_id, by_code[c]), 0) for c in codes if c in by_code)

    result: dict[str, IndicatorRow] = {}
    order: list[str] = []
    for period, board in boards:  # earliest first: a later period with a value wins
        for row in board.rows:
            indicator = row.indicator
            if indicator.code not in order:
                order.append(indicator.code)
            units_ = counted(indicator.numerator, period.pk)
            # A rate whose numerator nobody reported is not zero, it is not known yet (a
            # graduation rate at the start of the year): no value.
            has_value = row.value.value is not None and units_ > 0
            if (
                indicator.code in result
                and result[indicator.code].value is not None
                and (not has_value)
            ):
                continue
            previous = next(
                (
                    (p, v)
                    for p, v in row.trend
                    if p.school_year == last_year
                    and p.kind == period.kind
                    and v.value is not None
                    and counted(indicator.numerator, p.pk) > 0
                ),
                None,
            )
            result[indicator.code] = IndicatorRow(
                code=indicator.code,
                name=indicator.name,
                group=indicator.group,
                unit_label=indicator.unit_label,
                decimals=indicator.decimals,
                higher_is_better=indicator.direction == indicator.Direction.HIGHER,
                period=_period(period) if has_value else None,
                value=row.value.value if has_value else None,
                numerator=row.value.numerator if has_value else None,
                denominator=(
                    row.value.denominator if has_value and indicator.denominator.strip() else None
                ),
                units=units_ if has_value else 0,
                target=row.target,
                target_inherited=row.inherited,
                attained=row.attained if has_value else None,
                last_year=previous[1].value if previous is not None else None,
                last_period=_period(previous[0]) if previous is not None else None,
            )
    return [result[code] for code in order]


# --- plans ---------------------------------------------------------------------------------


def _plan_assignment(a: Assignment) -> PlanAssignment:
    return PlanAssignment(
        unit_name=a.unit.name,
        role=a.role,
        deadline=a.deadline,
        target_value=a.target_value,
        target_unit=a.target_unit,
    )


def plan_tasks(viewer: Actor | None, unit: OrgUnit, upper: DirectiveInfo) -> list[PlanTask]:
    """The upper directive's key tasks as they bear on ``unit``: whether each applies to it (given
    to it or to units of its level, or to nobody in particular), its own assignment (role,
    deadline, target), and the unit's own tasks linked to it with the units they are given to."""
    task_ids = [t.id for t in upper.tasks]
    # no selector: which levels an upper task was given to (kinds only, never whom)
    levels: dict[int, set[str]] = defaultdict(set)
    for task_id, kind in (
        Assignment.objects.filter(task_id__in=task_ids)
        .order_by()
        .values_list("task_id", "unit__kind")
        .distinct()
    ):
        levels[task_id].add(kind)
    mine = {
        a.task_id: _plan_assignment(a)
        for a in assignments_visible_to(viewer)
        .filter(task_id__in=task_ids, unit=unit)
        .select_related("unit")
    }
    own_directives = list(
        visible_directives(viewer)
        .filter(unit=unit, upper_id=upper.id)
        .exclude(status=Directive.Status.SUPERSEDED)
        .order_by("-status", "-pk")  # published before draft, newest first
    )
    own_directive = own_directives[0] if own_directives else None
    linked: dict[int, list[OwnTask]] = defaultdict(list)
    if own_directive is not None:
        own = {t.id: t for t in _tasks(own_directive)}
        given: dict[int, list[PlanAssignment]] = defaultdict(list)
        for a in (
            assignments_visible_to(viewer)
            .filter(task_id__in=list(own))
            .select_related("unit")
            .order_by("role", "unit__path")
        ):
            given[a.task_id].append(_plan_assignment(a))
        for task_id, upper_id in (
            TaskLink.objects.filter(
                task_id__in=list(own), upper_task_id__in=task_ids, status=TaskLink.Status.CONFIRMED
            )
            .order_by("task__position")
            .values_list("task_id", "upper_task_id")
        ):
            linked[upper_id].append(
                OwnTask(
                    task=own[task_id],
                    directive_number=own_directive.number,
                    assignments=tuple(given.get(task_id, ())),
                )
            )
    return [
        PlanTask(
            upper=task,
            applies=(
                task.id in mine
                or not levels.get(task.id)
                or unit.kind in levels[task.id]
                or bool(linked.get(task.id))
            ),
            levels=tuple(sorted(levels.get(task.id, ()))),
            mine=mine.get(task.id),
            own=tuple(linked.get(task.id, ())),
        )
        for task in upper.tasks
    ]


# --- what the pages offer ------------------------------------------------------------------


def directive_above(viewer: Actor | None, unit: OrgUnit, school_year: str) -> int | None:
    """The directive in force for ``school_year`` at the nearest unit above ``unit`` (its id),
    the default upper document of an implementing plan."""
    parent = unit.parent
    if parent is None:
        return None
    found = directive_in_force(viewer, parent, school_year)
    return found.id if found is not None else None


def school_years(viewer: Actor | None) -> list[str]:
    """The school years with published directives ``viewer`` sees, and the current one and the
    one before it, newest first."""
    current = tracking.current_school_year()
    first = int(current[:4])
    years = set(tracking.school_years(viewer)) | {current, f"{first - 1}-{first}"}
    return sorted(years, reverse=True)


def upper_directives(viewer: Actor | None, school_year: str) -> list[tuple[int, str]]:
    """Published directives for ``school_year`` issued by the viewer's own units or the units
    above them (the documents the viewer's plans carry out): (id, label), highest unit first.
    Someone with no membership (a superuser) is offered the Ministry's and the provinces'."""
    paths = {p for path in member_paths(viewer) for p in (*ancestor_paths(path), path)}
    rows = visible_directives(viewer).filter(
        status=Directive.Status.PUBLISHED, school_year=school_year
    )
    rows = rows.filter(unit__path__in=sorted(paths)) if paths else rows.filter(unit__depth__lte=1)
    return [
        (d.pk, f"{d.number or d.title or d.pk} — {d.unit.name}")
        for d in rows.select_related("unit").order_by("unit__depth", "unit__path", "-pk")
    ]
