"""JSON API for tracked work: assignments, progress updates with evidence, open work, dashboard."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from namhoc.accounts.access import access_unit, visible_units
from namhoc.accounts.models import Role
from namhoc.api.directives import ConflictOut, ErrorOut
from namhoc.core.errors import DomainError
from namhoc.directives.access import access_task
from namhoc.directives.services import StaleEdit
from namhoc.orgunits.tree import subtree_q
from namhoc.tracking import selectors, services
from namhoc.tracking.access import ASSIGNER, access_assignment
from namhoc.tracking.models import Assignment
from namhoc.tracking.selectors import OnTimeRate

router = Router(tags=["tracking"])


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


class AssignIn(Schema):
    units: list[str] = []
    level: str | None = None
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


class UpdateOut(Schema):
    id: int
    text: str
    percent: int
    created_at: dt.datetime
    author: str
    evidence: list[EvidenceOut]


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


def _out(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "task_id": a.task_id,
        "directive_id": a.task.directive_id,
        "unit": a.unit.key,
        "unit_name": a.unit.name,
        "role": a.role,
        "school_year": a.school_year,
        "deadline": a.deadline,
        "target_value": float(a.target_value) if a.target_value is not None else None,
        "target_unit": a.target_unit,
        "note": a.note,
        "percent": a.percent,
        "completed_at": a.completed_at,
        "status": a.status_on(selectors.today()),
        "version": a.version,
    }


def _figures(f: OnTimeRate) -> dict[str, Any]:
    return {
        "done_on_time": f.done_on_time,
        "done_late": f.done_late,
        "overdue": f.overdue,
        "in_progress": f.in_progress,
        "rate": f.rate,
    }


@router.get("/tasks/{task_id}/assignments", response={200: list[AssignmentOut], 404: ErrorOut})
def task_assignments(request: HttpRequest, task_id: int) -> list[dict[str, Any]]:
    task = access_task(request.user, task_id)
    rows = selectors.assignments_for_task(task.pk).select_related("task")
    return [_out(a) for a in rows]


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
    return Status(201, [_out(a) for a in created])


@router.get("/assignments/{assignment_id}", response={200: AssignmentOut, 404: ErrorOut})
def get_assignment(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    return _out(access_assignment(request.user, assignment_id))


@router.patch(
    "/assignments/{assignment_id}",
    response={200: AssignmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    summary="Change an assignment's terms (the assigner; optimistic)",
)
def update_terms(request: HttpRequest, assignment_id: int, payload: TermsIn) -> Any:
    assignment = access_assignment(request.user, assignment_id, need=Role.SPECIALIST, side=ASSIGNER)
    try:
        return _out(
            services.assignment_update(actor=request.user, assignment=assignment, **payload.dict())
        )
    except StaleEdit as exc:
        from namhoc.api.api import api

        response: HttpResponse = api.create_response(
            request, {**exc.as_dict(), "current": exc.current}, status=409
        )
        return response


def _update_out(update: Any) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "id": update.pk,
        "text": update.text,
        "percent": update.percent,
        "created_at": update.created_at,
        "author": str(update.author or ""),
        "evidence": [
            {
                "id": e.pk,
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "url": reverse("tracking:evidence", args=[e.pk]),
            }
            for e in update.evidence.all()
        ],
    }


@router.get("/assignments/{assignment_id}/updates", response={200: list[UpdateOut], 404: ErrorOut})
def list_updates(request: HttpRequest, assignment_id: int) -> list[dict[str, Any]]:
    assignment = access_assignment(request.user, assignment_id)
    return [_update_out(u) for u in selectors.updates_for(assignment)]


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
    return Status(201, _update_out(update))


@router.get("/units/{unit_key}/open-work", response={200: list[AssignmentOut], 404: ErrorOut})
def open_work(request: HttpRequest, unit_key: str) -> list[dict[str, Any]]:
    unit = access_unit(request.user, unit_key)
    return [_out(a) for a in selectors.open_work(unit)]


@router.get(
    "/dashboard",
    response={200: DashboardOut, 404: ErrorOut},
    summary="On-time figures of a unit's subtree for a school year, by child unit and by task",
)
def dashboard(request: HttpRequest, unit: str, school_year: str) -> dict[str, Any]:
    unit_obj = access_unit(request.user, unit)
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
