"""JSON API for inspections: plans, inspections, their teams, checklists and results, findings,
recommendations (with the follow-up of each), the conclusion. The Word files download from the
URLs given (the same access-checked downloads as the pages). Lists are paginated
(``?limit=&offset=``, at most 500 a page). Every endpoint calls the use case or selector the
page calls (ADR 0007); dates are sent as typed (``dd/mm/yyyy``) or ISO."""

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from namhoc.api.directives import ConflictOut, ErrorOut, Text
from namhoc.api.paging import BoundedLimitOffset
from namhoc.core.parsing import text_cap
from namhoc.directives.models import Directive
from namhoc.inspections import selectors, services
from namhoc.inspections.models import (
    ChecklistItem,
    Inspection,
    InspectionPlan,
    Recommendation,
)

router = Router(tags=["inspections"])

Id = int | str  # an id as sent: a JSON number or a string of digits
_RESPONSES: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut}


# --- plans ----------------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    unit: str
    unit_name: str
    school_year: str
    title: str
    note: str
    version: int

    @staticmethod
    def resolve_unit(obj: InspectionPlan) -> str:
        return obj.unit.key

    @staticmethod
    def resolve_unit_name(obj: InspectionPlan) -> str:
        return obj.unit.name


class PlanIn(Schema):
    unit: str = Field(max_length=40, description="the planning unit's key")
    school_year: str = Field(max_length=20)
    title: str = Text(text_cap(InspectionPlan, "title"))
    note: str = Text(text_cap(InspectionPlan, "note"))


class PlanPatch(Schema):
    version: Id
    title: str = Text(text_cap(InspectionPlan, "title"))
    note: str = Text(text_cap(InspectionPlan, "note"))


class YearQuery(Schema):
    school_year: str = Field("", max_length=9, description="e.g. 2025-2026; blank: all years")


@router.get(
    "/plans",
    response={200: list[PlanOut]},
    summary="Inspection plans of the units in your scope (paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def list_plans(request: HttpRequest, filters: Query[YearQuery]) -> QuerySet[InspectionPlan]:
    return selectors.plans_list(request.user, school_year=filters.school_year)


@router.post(
    "/plans",
    response={201: PlanOut, **_RESPONSES},
    summary="A unit's inspection plan for a school year (one per unit and year)",
)
def create_plan(request: HttpRequest, payload: PlanIn) -> Status:
    plan = services.plan_create(actor=request.user, **payload.dict())
    return Status(201, plan)


@router.get("/plans/{plan_id}", response={200: PlanOut, 404: ErrorOut})
def get_plan(request: HttpRequest, plan_id: int) -> InspectionPlan:
    return selectors.plan_page(request.user, plan_id).plan


@router.patch("/plans/{plan_id}", response={200: PlanOut, **_RESPONSES})
def update_plan(request: HttpRequest, plan_id: int, payload: PlanPatch) -> InspectionPlan:
    return services.plan_update(actor=request.user, plan_id=plan_id, **payload.dict())


# --- inspections ----------------------------------------------------------------------------


class InspectionFields(Schema):
    id: int
    plan_id: int
    inspecting_unit: str
    kind: str
    unit: str
    unit_name: str
    subject: str
    starts_on: dt.date
    ends_on: dt.date
    concluded_at: dt.datetime | None
    conclusion_id: int | None
    conclusion_number: str = Field(description="as issued (blank: without a number)")
    conclusion_date: dt.date | None
    conclusion_signer: str
    version: int
    record_url: str
    conclusion_url: str


class InspectionOut(InspectionFields):
    @staticmethod
    def resolve_inspecting_unit(obj: Inspection) -> str:
        return obj.plan.unit.key

    @staticmethod
    def resolve_unit(obj: Inspection) -> str:
        return obj.unit.key

    @staticmethod
    def resolve_unit_name(obj: Inspection) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_record_url(obj: Inspection) -> str:
        return reverse("inspections:record", args=[obj.pk])

    @staticmethod
    def resolve_conclusion_url(obj: Inspection) -> str:
        return reverse("inspections:conclusion", args=[obj.pk])


class MemberOut(Schema):
    user_id: int
    name: str
    role: str


class ItemOut(Schema):
    id: int
    position: int
    text: str
    task_id: int | None
    indicator_id: int | None
    result: str
    note: str


class FollowUpOut(Schema):
    code: str
    label: str
    percent: int
    evidence: int


class RecommendationOut(Schema):
    id: int
    position: int
    text: str
    deadline: dt.date
    task_id: int | None
    assignment_id: int | None


class RecommendationRow(RecommendationOut):
    follow_up: FollowUpOut


class InspectionDetailOut(InspectionFields):
    findings: str
    members: list[MemberOut]
    items: list[ItemOut]
    recommendations: list[RecommendationRow]
    can_manage: bool
    can_conduct: bool
    can_conclude: bool


def _detail(page: selectors.InspectionPage) -> dict[str, Any]:
    inspection = page.inspection
    return {
        **{name: getattr(inspection, name) for name in ("id", "kind", "subject", "findings")},
        "plan_id": inspection.plan_id,
        "inspecting_unit": inspection.plan.unit.key,
        "unit": inspection.unit.key,
        "unit_name": inspection.unit.name,
        "starts_on": inspection.starts_on,
        "ends_on": inspection.ends_on,
        "concluded_at": inspection.concluded_at,
        "conclusion_id": inspection.conclusion_id,
        "conclusion_number": inspection.conclusion_number,
        "conclusion_date": inspection.conclusion_date,
        "conclusion_signer": inspection.conclusion_signer,
        "version": inspection.version,
        "record_url": reverse("inspections:record", args=[inspection.pk]),
        "conclusion_url": reverse("inspections:conclusion", args=[inspection.pk]),
        "members": [
            {"user_id": m.user_id, "name": str(m.user), "role": m.role} for m in page.members
        ],
        "items": page.items,
        "recommendations": [
            {
                "id": r.pk,
                "position": r.position,
                "text": r.text,
                "deadline": r.deadline,
                "task_id": r.task_id,
                "assignment_id": r.assignment_id,
                "follow_up": asdict(follow),
            }
            for r, follow in page.recommendations
        ],
        "can_manage": page.can_manage,
        "can_conduct": page.can_conduct,
        "can_conclude": page.can_conclude,
    }


class InspectionIn(Schema):
    kind: str = Field(max_length=20, description="kiem_tra | noi_bo | thanh_tra")
    unit: str = Field("", max_length=40, description="the inspected unit's key (noi_bo: blank)")
    subject: str = Text(text_cap(Inspection, "subject"))
    starts_on: str = Field(max_length=40, description="dd/mm/yyyy or yyyy-mm-dd")
    ends_on: str = Field(max_length=40, description="dd/mm/yyyy or yyyy-mm-dd")


class SchedulePatch(Schema):
    version: Id
    subject: str = Text(text_cap(Inspection, "subject"))
    starts_on: str = Field(max_length=40)
    ends_on: str = Field(max_length=40)


class InspectionsQuery(YearQuery):
    plan_id: int | None = Field(None, ge=1, le=2**63 - 1)


@router.get(
    "",
    response={200: list[InspectionOut]},
    summary="Inspections made by your units or of them, latest first (paginated)",
)
@paginate(BoundedLimitOffset)
def list_inspections(
    request: HttpRequest, filters: Query[InspectionsQuery]
) -> QuerySet[Inspection]:
    return selectors.inspections_list(
        request.user, school_year=filters.school_year, plan_id=filters.plan_id
    )


@router.post(
    "/plans/{plan_id}/inspections",
    response={201: InspectionOut, **_RESPONSES},
    summary="Schedule an inspection: a check (kiem_tra) or an inspectorate's inspection "
    "(thanh_tra) of a unit below, or a school's internal check (noi_bo) of itself",
)
def create_inspection(request: HttpRequest, plan_id: int, payload: InspectionIn) -> Status:
    inspection = services.inspection_create(actor=request.user, plan_id=plan_id, **payload.dict())
    return Status(201, inspection)


@router.get("/{inspection_id}", response={200: InspectionDetailOut, 404: ErrorOut})
def get_inspection(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    return _detail(selectors.inspection_page(request.user, inspection_id))


def _fresh(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    return _detail(selectors.inspection_page(request.user, inspection_id))


@router.patch("/{inspection_id}", response={200: InspectionDetailOut, **_RESPONSES})
def update_inspection(
    request: HttpRequest, inspection_id: int, payload: SchedulePatch
) -> dict[str, Any]:
    services.inspection_update(actor=request.user, inspection_id=inspection_id, **payload.dict())
    return _fresh(request, inspection_id)


class TeamIn(Schema):
    version: Id
    members: list[Id] = Field(default=[], max_length=100)
    lead: Id | None = None


@router.put(
    "/{inspection_id}/team",
    response={200: InspectionDetailOut, **_RESPONSES},
    summary="The team, all of it (people of the inspecting unit; `lead` heads it)",
)
def set_team(request: HttpRequest, inspection_id: int, payload: TeamIn) -> dict[str, Any]:
    services.team_set(actor=request.user, inspection_id=inspection_id, **payload.dict())
    return _fresh(request, inspection_id)


class ChecklistIn(Schema):
    text: str = Text(text_cap(ChecklistItem, "text"))
    task_ids: list[Id] = Field(default=[], max_length=500)
    indicator_ids: list[Id] = Field(default=[], max_length=500)


@router.post(
    "/{inspection_id}/checklist",
    response={201: list[ItemOut], **_RESPONSES},
    summary="Add to the checklist: a line written freely, tasks given to the inspected unit, "
    "indicators",
)
def add_items(request: HttpRequest, inspection_id: int, payload: ChecklistIn) -> Status:
    items = services.checklist_add(
        actor=request.user, inspection_id=inspection_id, **payload.dict()
    )
    return Status(201, items)


@router.delete("/{inspection_id}/checklist/{item_id}", response={204: None, **_RESPONSES})
def remove_item(request: HttpRequest, inspection_id: int, item_id: int) -> Status:
    services.checklist_remove(actor=request.user, item_id=item_id, inspection_id=inspection_id)
    return Status(204, None)


class ResultIn(Schema):
    id: Id
    result: str | None = Field("", max_length=20, description="dat | chua_dat | khong_ap_dung | ''")
    note: str = Text(text_cap(ChecklistItem, "note"))


class ResultsIn(Schema):
    results: list[ResultIn] = Field(max_length=500)


@router.put(
    "/{inspection_id}/results",
    response={200: InspectionDetailOut, **_RESPONSES},
    summary="Record the checklist's results (items left out stay as they are)",
)
def record_results(request: HttpRequest, inspection_id: int, payload: ResultsIn) -> dict[str, Any]:
    results = {str(row.id): {"result": row.result, "note": row.note} for row in payload.results}
    services.results_record(actor=request.user, inspection_id=inspection_id, results=results)
    return _fresh(request, inspection_id)


class FindingsIn(Schema):
    version: Id
    findings: str = Text(text_cap(Inspection, "findings"))


@router.put("/{inspection_id}/findings", response={200: InspectionDetailOut, **_RESPONSES})
def save_findings(request: HttpRequest, inspection_id: int, payload: FindingsIn) -> dict[str, Any]:
    services.findings_save(actor=request.user, inspection_id=inspection_id, **payload.dict())
    return _fresh(request, inspection_id)


class RecommendationIn(Schema):
    text: str = Text(text_cap(Recommendation, "text"))
    deadline: str = Field(max_length=40, description="dd/mm/yyyy or yyyy-mm-dd")


@router.post("/{inspection_id}/recommendations", response={201: RecommendationOut, **_RESPONSES})
def add_recommendation(
    request: HttpRequest, inspection_id: int, payload: RecommendationIn
) -> Status:
    created = services.recommendation_add(
        actor=request.user, inspection_id=inspection_id, **payload.dict()
    )
    return Status(201, created)


@router.patch(
    "/{inspection_id}/recommendations/{recommendation_id}",
    response={200: RecommendationOut, **_RESPONSES},
)
def update_recommendation(
    request: HttpRequest, inspection_id: int, recommendation_id: int, payload: RecommendationIn
) -> Recommendation:
    return services.recommendation_update(
        actor=request.user,
        recommendation_id=recommendation_id,
        inspection_id=inspection_id,
        **payload.dict(),
    )


@router.delete(
    "/{inspection_id}/recommendations/{recommendation_id}", response={204: None, **_RESPONSES}
)
def delete_recommendation(
    request: HttpRequest, inspection_id: int, recommendation_id: int
) -> Status:
    services.recommendation_delete(
        actor=request.user, recommendation_id=recommendation_id, inspection_id=inspection_id
    )
    return Status(204, None)


class ConcludeIn(Schema):
    version: Id
    number: str = Text(text_cap(Directive, "number"))
    issued_on: str | None = Field(None, max_length=40, description="blank: today")
    signer_name: str = Text(120)


@router.post(
    "/{inspection_id}/conclusion",
    response={200: InspectionDetailOut, **_RESPONSES},
    summary="Issue the conclusion: a published document of the inspecting unit whose tasks "
    "are the recommendations, each given to the inspected unit with its deadline",
)
def conclude(request: HttpRequest, inspection_id: int, payload: ConcludeIn) -> dict[str, Any]:
    services.inspection_conclude(actor=request.user, inspection_id=inspection_id, **payload.dict())
    return _fresh(request, inspection_id)
