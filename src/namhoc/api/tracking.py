"""JSON API for tracked work: assignments, progress updates with evidence, open work, dashboard.

Lists are paginated (``?limit=&offset=``, at most 500 a page; the answer is
``{"items": [...], "count": n}``). Rows are rendered from the model objects by the schemas'
resolvers, so a page costs one COUNT and one page query, whatever the list's length.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from namhoc.accounts.access import access_unit, visible_units
from namhoc.accounts.models import Role
from namhoc.api.directives import ConflictOut, ErrorOut
from namhoc.core.errors import DomainError
from namhoc.directives.access import access_task
from namhoc.directives.services import StaleEdit
from namhoc.orgunits.tree import subtree_q
from namhoc.tracking import selectors, services
from namhoc.tracking.access import ASSIGNER, access_assignment
from namhoc.tracking.models import Assignment, Evidence, ProgressUpdate
from namhoc.tracking.selectors import OnTimeRate

router = Router(tags=["tracking"])
MAX_PAGE = 500
_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


class AssignmentOut(Schema):
    id: int
    task_id: int
    directive_id: int
    unit: str
    unit_name: str
    role: str
    school_year: str
    deadline: dt.date | None
    target_value: float | None
    target_unit: str
    note: str
    percent: int
    completed_at: dt.datetime | None
    status: str
    version: int
    updated_by: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_directive_id(obj: Assignment) -> int:
        return obj.task.directive_id

    @staticmethod
    def resolve_unit(obj: Assignment) -> str:
        return obj.unit.key

    @staticmethod
    def resolve_unit_name(obj: Assignment) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_target_value(obj: Assignment) -> float | None:
        return float(obj.target_value) if obj.target_value is not None else None

    @staticmethod
    def resolve_status(obj: Assignment) -> str:
        return obj.status_on(selectors.today())

    @staticmethod
    def resolve_updated_by(obj: Assignment) -> str:
        return str(obj.updated_by or "")


class AssignIn(Schema):
    units: list[str] = []
    level: str | None = None
    school_level: str = ""
    role: str = Assignment.Role.LEAD
    deadline: dt.date | None = None
    target_value: decimal.Decimal | None = None
    target_unit: str = ""


class TermsIn(Schema):
    version: int
    role: str
    deadline: dt.date | None = None
    target_value: decimal.Decimal | None = None
    target_unit: str = ""
    note: str = ""


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_name(obj: Evidence) -> str:
        return obj.original_name

    @staticmethod
    def resolve_url(obj: Evidence) -> str:
        return reverse("tracking:evidence", args=[obj.pk])


class UpdateOut(Schema):
    id: int
    text: str
    percent: int
    created_at: dt.datetime
    author: str
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_author(obj: ProgressUpdate) -> str:
        return str(obj.author or "")

    @staticmethod
    def resolve_evidence(obj: ProgressUpdate) -> list[Evidence]:
        return list(obj.evidence.all())


class FiguresOut(Schema):
    done_on_time: int
    done_late: int
    overdue: int
    in_progress: int
    rate: float | None


class ChildFiguresOut(FiguresOut):
    unit: str
    name: str


class TaskFiguresOut(FiguresOut):
    task_id: int
    directive_id: int
    label: str
    title: str


class DashboardOut(Schema):
    unit: str
    school_year: str
    overall: FiguresOut
    by_child_unit: list[ChildFiguresOut]
    by_task: list[TaskFiguresOut]


def _rows(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return queryset.select_related("task", "unit", "updated_by")


def _figures(f: OnTimeRate) -> dict[str, Any]:
    return {
        "done_on_time": f.done_on_time,
        "done_late": f.done_late,
        "overdue": f.overdue,
        "in_progress": f.in_progress,
        "rate": f.rate,
    }


@router.get(
    "/tasks/{task_id}/assignments",
    response={200: list[AssignmentOut], 404: ErrorOut},
    summary="The units a task is assigned to (paginated: limit, offset)",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def task_assignments(request: HttpRequest, task_id: int) -> QuerySet[Assignment]:
    task = access_task(request.user, task_id)
    return _rows(selectors.assignments_for_task(task.pk))


@router.post(
    "/tasks/{task_id}/assignments",
    response={201: list[AssignmentOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Assign a task to units (by key) or to every unit of a level below the issuer",
)
def assign(request: HttpRequest, task_id: int, payload: AssignIn) -> Status:
    task = access_task(request.user, task_id, need=Role.SPECIALIST)
    if payload.level:
        scope = visible_units(request.user).filter(
            subtree_q(task.directive.unit.path, include_self=False)
        )
        result = services.assignments_create_for_level(
            actor=request.user,
            task=task,
            kind=payload.level,
            school_level=payload.school_level,
            within=scope.values_list("pk", flat=True),
            role=payload.role,
            deadline=payload.deadline,
            target_value=payload.target_value,
            target_unit=payload.target_unit,
        )
        created = result.created
    else:
        if not payload.units:
            raise DomainError("required", "Hãy chọn đơn vị hoặc một cấp đơn vị.", field="units")
        units = [access_unit(request.user, key) for key in payload.units]
        created = [
            services.assignment_create(
                actor=request.user,
                task=task,
                unit=unit,
                role=payload.role,
                deadline=payload.deadline,
                target_value=payload.target_value,
                target_unit=payload.target_unit,
            )
            for unit in units
        ]
    loaded = {a.pk: a for a in _rows(Assignment.objects.filter(pk__in=[a.pk for a in created]))}
    return Status(201, [loaded[a.pk] for a in created])


def _one(assignment_id: int) -> Assignment:
    return _rows(Assignment.objects.all()).get(pk=assignment_id)


@router.get("/assignments/{assignment_id}", response={200: AssignmentOut, 404: ErrorOut})
def get_assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    return _one(access_assignment(request.user, assignment_id).pk)


@router.patch(
    "/assignments/{assignment_id}",
    response={200: AssignmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    summary="Change an assignment's terms (the assigner; optimistic)",
)
def update_terms(request: HttpRequest, assignment_id: int, payload: TermsIn) -> Any:
    assignment = access_assignment(request.user, assignment_id, need=Role.SPECIALIST, side=ASSIGNER)
    try:
        services.assignment_update(actor=request.user, assignment=assignment, **payload.dict())
        return _one(assignment.pk)
    except StaleEdit as exc:
        from namhoc.api.api import api

        response: HttpResponse = api.create_response(
            request, {**exc.as_dict(), "current": exc.current}, status=409
        )
        return response


@router.delete(
    "/assignments/{assignment_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Withdraw an assignment (the assigner); 409 once the unit has reported progress",
)
def delete_assignment(request: HttpRequest, assignment_id: int) -> Status:
    assignment = access_assignment(request.user, assignment_id, need=Role.SPECIALIST, side=ASSIGNER)
    services.assignment_delete(actor=request.user, assignment=assignment)
    return Status(204, None)


@router.get(
    "/assignments/{assignment_id}/updates",
    response={200: list[UpdateOut], 404: ErrorOut},
    summary="Progress reports, newest first (paginated: limit, offset)",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_updates(request: HttpRequest, assignment_id: int) -> QuerySet[ProgressUpdate]:
    assignment = access_assignment(request.user, assignment_id)
    return selectors.updates_for(assignment)


@router.post(
    "/assignments/{assignment_id}/updates",
    response={201: UpdateOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Report progress (text, percent, evidence files: pdf, docx, xlsx, jpg, png)",
)
def post_update(
    request: HttpRequest,
    assignment_id: int,
    text: Form[str],
    percent: Form[int],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    assignment = access_assignment(request.user, assignment_id, need=Role.SPECIALIST)
    uploads = [services.UploadedFile(name=f.name or "", data=f.read()) for f in files or []]
    update = services.update_post(
        actor=request.user, assignment=assignment, text=text, percent=percent, files=uploads
    )
    return Status(201, selectors.updates_for(update.assignment).get(pk=update.pk))


@router.get(
    "/units/{unit_key}/open-work",
    response={200: list[AssignmentOut], 404: ErrorOut},
    summary="A unit's unfinished work, earliest deadline first (paginated: limit, offset)",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def open_work(request: HttpRequest, unit_key: str) -> QuerySet[Assignment]:
    unit = access_unit(request.user, unit_key)
    return _rows(selectors.open_work(unit))


@router.get(
    "/dashboard",
    response={200: DashboardOut, 400: ErrorOut, 404: ErrorOut},
    summary="On-time figures of a unit's subtree for a school year, by child unit and by task",
    description=(
        "`unit` defaults to the user's own unit (their first membership's unit by path); "
        "`school_year` to the current one (a school year starts on 1 August). "
        "400 when the user belongs to no unit and names none."
    ),
)
def dashboard(request: HttpRequest, unit: str = "", school_year: str = "") -> dict[str, Any]:
    if unit:
        unit_obj = access_unit(request.user, unit)
    else:
        home = selectors.home_unit(request.user)
        if home is None:
            raise DomainError(
                "no_unit",
                "Tài khoản chưa thuộc đơn vị nào; hãy chọn đơn vị (tham số unit).",
                field="unit",
            )
        unit_obj = home
    if not school_year:
        school_year = selectors.current_school_year()
    match = _SCHOOL_YEAR.match(school_year)
    if match is None or int(match.group(2)) != int(match.group(1)) + 1:
        raise DomainError("bad_school_year", "Năm học phải có dạng 2025-2026.", field="school_year")
    return {
        "unit": unit_obj.key,
        "school_year": school_year,
        "overall": _figures(selectors.rate_for(unit_obj, school_year=school_year)),
        "by_child_unit": [
            {"unit": child.key, "name": child.name, **_figures(f)}
            for child, f in selectors.by_child_unit(unit_obj, school_year=school_year)
        ],
        "by_task": [
            {
                "task_id": t.task_id,
                "directive_id": t.directive_id,
                "label": t.label,
                "title": t.title,
                **_figures(t.figures),
            }
            for t in selectors.by_task(unit_obj, school_year=school_year)
        ],
    }
