"""Reads of inspections: what each page and endpoint shows, scoped to the viewer, with the
``can_*`` answers of ``inspections.access`` for its buttons (ADR 0007); the record and the
conclusion as .docx; the year's inspection results of a unit (read by emulation)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db.models import Count, Prefetch, Q, QuerySet

from namhoc.accounts.access import visible_units
from namhoc.accounts.models import Role, User
from namhoc.accounts.selectors import home_unit
from namhoc.core.clock import today
from namhoc.core.collation import collate_vi
from namhoc.core.errors import NotFound
from namhoc.core.parsing import school_year_of
from namhoc.core.types import Actor
from namhoc.directives.models import DirectiveTask
from namhoc.indicators.models import Indicator
from namhoc.inspections import documents
from namhoc.inspections.access import (
    access_inspection,
    access_plan,
    can_conclude,
    can_conduct,
    can_manage,
    can_plan,
    inspections_visible_to,
    plans_visible_to,
    team_candidates,
)
from namhoc.inspections.models import (
    ChecklistItem,
    Inspection,
    InspectionKind,
    InspectionMember,
    InspectionPlan,
    Recommendation,
)
from namhoc.inspections.scope import scope_indicators, scope_tasks
from namhoc.orgunits.models import OrgUnit
from namhoc.tracking.models import ProgressUpdate

__all__ = [
    "DOCX",
    "FollowUp",
    "IndexPage",
    "InspectionPage",
    "PlanPage",
    "UnitResult",
    "conclusion_file",
    "follow_up_of",
    "index_page",
    "inspection_page",
    "inspection_results",
    "inspections_list",
    "plan_page",
    "plans_list",
    "record_file",
]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- lists ----------------------------------------------------------------------------------


def plans_list(viewer: Actor | None, *, school_year: str = "") -> QuerySet[InspectionPlan]:
    """The plans ``viewer`` may read (of a school year, when given), newest year first, units in
    Vietnamese order. A queryset: the doors paginate it."""
    plans = plans_visible_to(viewer).select_related("unit")
    if school_year:
        plans = plans.filter(school_year=school_year)
    return plans.annotate(inspection_count=Count("inspections")).order_by(
        "-school_year", collate_vi("unit__name"), "pk"
    )


def inspections_list(
    viewer: Actor | None, *, school_year: str = "", plan_id: int | None = None
) -> QuerySet[Inspection]:
    """The inspections ``viewer`` may read (made by their units or of them), latest first."""
    rows = inspections_visible_to(viewer).select_related("plan__unit", "unit")
    if school_year:
        rows = rows.filter(plan__school_year=school_year)
    if plan_id is not None:
        rows = rows.filter(plan_id=plan_id)
    return rows.order_by("-starts_on", "-pk")


@dataclass(frozen=True)
class IndexPage:
    school_year: str
    plans: QuerySet[InspectionPlan]
    inspections: QuerySet[Inspection]
    home: OrgUnit | None
    can_plan: bool  # at the home unit: the create form opens on it


def index_page(viewer: Actor | None, *, school_year: object = "") -> IndexPage:
    year = school_year if isinstance(school_year, str) and len(school_year) == 9 else ""
    year = year or school_year_of(today())
    home = home_unit(viewer)
    return IndexPage(
        school_year=year,
        plans=plans_list(viewer, school_year=year),
        inspections=inspections_list(viewer, school_year=year),
        home=home,
        can_plan=visible_units(viewer, role=Role.SPECIALIST).exists(),
    )


@dataclass(frozen=True)
class PlanPage:
    plan: InspectionPlan
    inspections: list[Inspection]
    can_plan: bool
    kinds: list[tuple[str, str]]


def plan_page(viewer: Actor | None, plan_id: object) -> PlanPage:
    plan = access_plan(viewer, plan_id)
    allowed = can_plan(viewer, plan.unit)
    kinds = [
        (value, label)
        for value, label in InspectionKind.choices
        if value != InspectionKind.INTERNAL or plan.unit.kind == OrgUnit.Kind.SCHOOL
    ]
    return PlanPage(
        plan=plan,
        inspections=list(inspections_list(viewer, plan_id=plan.pk)),
        can_plan=allowed,
        kinds=kinds,
    )


# --- one inspection -------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """Where a recommendation's follow-up stands."""

    code: str  # draft | own | withdrawn | in_progress | overdue | reported | returned | closed
    label: str
    percent: int = 0
    evidence: int = 0


_FOLLOW_UP_LABELS = {
    "draft": "Chưa ban hành kết luận",
    "own": "Đơn vị tự thực hiện (kiểm tra nội bộ)",
    "withdrawn": "Không còn việc giao",
    "in_progress": "Đang thực hiện",
    "overdue": "Quá hạn chưa hoàn thành",
    "reported": "Đã báo cáo hoàn thành, chờ chấp nhận",
    "returned": "Bị trả lại, cần bổ sung",
    "accepted_no_evidence": "Đã chấp nhận nhưng chưa có minh chứng",
    "closed": "Đã khắc phục (có minh chứng, đã chấp nhận)",
}


def follow_up_of(recommendation: Recommendation, *, day: dt.date | None = None) -> FollowUp:
    """The follow-up of a recommendation whose assignment's reports are loaded
    (``_recommendations`` prefetches them, newest first, with their evidence)."""

    def made(code: str, percent: int = 0, evidence: int = 0) -> FollowUp:
        return FollowUp(code, _FOLLOW_UP_LABELS[code], percent, evidence)

    inspection = recommendation.inspection
    if not inspection.is_concluded:
        return made("draft")
    assignment = recommendation.assignment
    if assignment is None:
        return made("own" if inspection.kind == InspectionKind.INTERNAL else "withdrawn")
    updates: list[ProgressUpdate] = list(assignment.updates.all())
    evidence = sum(len(u.evidence.all()) for u in updates)
    latest = updates[0] if updates else None
    if latest is not None and latest.review == ProgressUpdate.Review.RETURNED:
        return made("returned", assignment.percent, evidence)
    if assignment.completed_on is not None:
        if latest is None or not latest.review:
            return made("reported", 100, evidence)
        return made("closed" if evidence else "accepted_no_evidence", 100, evidence)
    status = assignment.status_on(day or today())
    return made("overdue" if status == "overdue" else "in_progress", assignment.percent, evidence)


def _recommendations(inspection: Inspection) -> list[Recommendation]:
    updates = ProgressUpdate.objects.order_by("-created_at", "-pk").prefetch_related("evidence")
    rows = list(
        inspection.recommendations.select_related("assignment", "task")
        .prefetch_related(Prefetch("assignment__updates", queryset=updates))
        .order_by("position")
    )
    for row in rows:
        row.inspection = inspection
    return rows


@dataclass(frozen=True)
class InspectionPage:
    inspection: Inspection
    members: list[InspectionMember]
    items: list[ChecklistItem]
    recommendations: list[tuple[Recommendation, FollowUp]]
    can_manage: bool
    can_conduct: bool
    can_conclude: bool
    candidates: list[User] = field(default_factory=list)  # for the team form
    scope_tasks: list[DirectiveTask] = field(default_factory=list)  # not yet on the checklist
    scope_indicators: list[Indicator] = field(default_factory=list)

    @property
    def pending_items(self) -> int:
        return sum(1 for item in self.items if not item.result)

    @property
    def lead(self) -> InspectionMember | None:
        return next((m for m in self.members if m.role == InspectionMember.Role.LEAD), None)

    @property
    def closed(self) -> int:
        return sum(1 for _r, follow in self.recommendations if follow.code == "closed")


def _members(inspection: Inspection) -> list[InspectionMember]:
    rows = inspection.members.select_related("user").order_by(
        "-role", collate_vi("user__full_name"), "pk"
    )
    return list(rows)


def inspection_page(viewer: Actor | None, inspection_id: object) -> InspectionPage:
    inspection = access_inspection(viewer, inspection_id)
    manage = can_manage(viewer, inspection)
    items = list(inspection.items.select_related("task", "indicator").order_by("position"))
    candidates: list[User] = []
    tasks: list[DirectiveTask] = []
    indicators: list[Indicator] = []
    if manage:
        candidates = list(
            team_candidates(inspection.plan.unit).order_by(collate_vi("full_name"), "pk")
        )
        on_list = {i.task_id for i in items if i.task_id}
        tasks = [t for t in scope_tasks(inspection) if t.pk not in on_list]
        measured = {i.indicator_id for i in items if i.indicator_id}
        indicators = [i for i in scope_indicators() if i.pk not in measured]
    day = today()
    return InspectionPage(
        inspection=inspection,
        members=_members(inspection),
        items=items,
        recommendations=[(r, follow_up_of(r, day=day)) for r in _recommendations(inspection)],
        can_manage=manage,
        can_conduct=can_conduct(viewer, inspection),
        can_conclude=can_conclude(viewer, inspection),
        candidates=candidates,
        scope_tasks=tasks,
        scope_indicators=indicators,
    )


# --- documents ------------------------------------------------------------------------------


def record_file(viewer: Actor | None, inspection_id: object) -> tuple[str, bytes]:
    """The inspection's record (biên bản) as .docx: ``(file name, bytes)``."""
    inspection = access_inspection(viewer, inspection_id)
    document = documents.record_document(
        inspection,
        members=_members(inspection),
        items=list(inspection.items.order_by("position")),
        recommendations=list(inspection.recommendations.order_by("position")),
    )
    return f"{document.filename_stem}.docx", documents.render(document)


def conclusion_file(viewer: Actor | None, inspection_id: object) -> tuple[str, bytes]:
    """The conclusion as .docx: once concluded, the file kept as issued (with its number, date
    and signer, with or without recommendations); a draft (``du-thao-…``) before."""
    inspection = access_inspection(viewer, inspection_id)
    stem = documents.conclusion_stem(inspection)
    kept = inspection.conclusion_file.name or ""
    if kept:
        if not default_storage.exists(kept):
            raise NotFound("Tệp không còn trên máy chủ.")
        with default_storage.open(kept, "rb") as handle:
            return f"{stem}.docx", handle.read()
    # before the conclusion; or concluded before namhoc kept the file (drawn again with what
    # was kept of its header)
    document = documents.conclusion_document(
        inspection,
        items=list(inspection.items.order_by("position")),
        recommendations=list(inspection.recommendations.order_by("position")),
        number=inspection.conclusion_number,
        issued_on=inspection.conclusion_date,
        signer_name=inspection.conclusion_signer,
    )
    return (f"{stem}.docx" if inspection.is_concluded else f"du-thao-{stem}.docx"), (
        documents.render(document)
    )


# --- the year's results of a unit (emulation reads these) -----------------------------------


@dataclass(frozen=True)
class UnitResult:
    inspections: int = 0  # concluded inspections of the unit in the year
    met: int = 0  # checklist items found met
    evaluated: int = 0  # items met or not met (not applicable ones left out)
    recommendations: int = 0
    done: int = 0  # recommendations the unit reported done

    @property
    def percent(self) -> float | None:
        """Share of the evaluated items found met, in percent (None: nothing evaluated)."""
        return round(100 * self.met / self.evaluated, 1) if self.evaluated else None


def inspection_results(unit_ids: Iterable[int], *, school_year: str) -> dict[int, UnitResult]:
    """``{unit_id: UnitResult}`` over the concluded inspections of each unit in the school year
    (the unit's own inspections, not its subtree's). Three queries for any number of units."""
    ids = list(unit_ids)
    concluded = Inspection.objects.filter(
        unit_id__in=ids, plan__school_year=school_year, concluded_at__isnull=False
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in concluded.values("unit_id").annotate(n=Count("pk")).order_by():
        counts[row["unit_id"]]["inspections"] = row["n"]
    item_rows = (
        ChecklistItem.objects.filter(inspection__in=concluded)
        .values("inspection__unit_id", "result")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for item in item_rows:
        unit_id, result, number = item["inspection__unit_id"], item["result"], item["n"]
        if result == ChecklistItem.Result.MET:
            counts[unit_id]["met"] += number
            counts[unit_id]["evaluated"] += number
        elif result == ChecklistItem.Result.NOT_MET:
            counts[unit_id]["evaluated"] += number
    recommendations = (
        Recommendation.objects.filter(inspection__in=concluded)
        .values("inspection__unit_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(assignment__completed_on__isnull=False)))
        .order_by()
    )
    for given in recommendations:
        counts[given["inspection__unit_id"]]["recommendations"] = given["n"]
        counts[given["inspection__unit_id"]]["done"] = given["done"]
    return {pk: UnitResult(**counts[pk]) if pk in counts else UnitResult() for pk in ids}
