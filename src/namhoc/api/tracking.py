"""JSON API for tracked work: assignments, progress updates with evidence, open work, dashboard.

Lists are paginated (``?limit=&offset=``, at most 500 a page; the answer is
``{"items": [...], "count": n}``). Rows are rendered from the model objects by the schemas'
resolvers, so a page costs one COUNT and one page query, whatever the list's length.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from namhoc.api.directives import ConflictOut, ErrorOut
from namhoc.api.paging import BoundedLimitOffset
from namhoc.tracking import selectors, services
from namhoc.tracking.models import Assignment, Evidence, ProgressUpdate
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


Number = str | int | float | None  # sent as typed ("1.250,5") or as a JSON number


class AssignIn(Schema):
    units: list[str] = []
    level: str | None = None
    school_level: str = ""
    role: str = Assignment.Role.LEAD
    deadline: str | None = None
    target_value: Number = None
    target_unit: str = ""
    note: str = ""


class TermsIn(Schema):
    version: int
    role: str
    deadline: str | None = None
    target_value: Number = None
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
    review: str  # "" (waiting), "accepted", "returned"
    review_comment: str
    reviewed_by: str
    reviewed_at: dt.datetime | None

    @staticmethod
    def resolve_reviewed_by(obj: ProgressUpdate) -> str:
        return str(obj.reviewed_by or "")

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
    return queryset.select_related("task__directive", "unit", "updated_by")


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
    summary="The units a task is assigned to, as far as you may see (paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def task_assignments(request: HttpRequest, task_id: int) -> QuerySet[Assignment]:
    return selectors.assign_page_rows(request.user, task_id)


@router.post(
    "/tasks/{task_id}/assignments",
    response={201: list[AssignmentOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Assign a task to units (by key) or to every unit of a level below the issuer; "
    "all of them or none",
)
def assign(request: HttpRequest, task_id: int, payload: AssignIn) -> Status:
    level = payload.level or ""
    if level and payload.school_level:
        level = f"{level}:{payload.school_level}"
    result = services.assignments_create(
        actor=request.user,
        task_id=task_id,
        units=payload.units,
        level=level,
        role=payload.role,
        deadline=payload.deadline,
        target_value=payload.target_value,
        target_unit=payload.target_unit,
        note=payload.note,
    )
    return Status(201, result.created)


@router.get("/assignments/{assignment_id}", response={200: AssignmentOut, 404: ErrorOut})
def get_assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    return selectors.assignment_page(request.user, assignment_id).assignment


@router.patch(
    "/assignments/{assignment_id}",
    response={200: AssignmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    summary="Change an assignment's terms (the assigner; optimistic)",
)
def update_terms(request: HttpRequest, assignment_id: int, payload: TermsIn) -> Assignment:
    return services.assignment_update(
        actor=request.user, assignment_id=assignment_id, **payload.dict()
    )


@router.delete(
    "/assignments/{assignment_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Withdraw an assignment (the assigner); 409 once the unit has reported progress",
)
def delete_assignment(request: HttpRequest, assignment_id: int) -> Status:
    services.assignment_delete(actor=request.user, assignment_id=assignment_id)
    return Status(204, None)


@router.get(
    "/assignments/{assignment_id}/updates",
    response={200: list[UpdateOut], 404: ErrorOut},
    summary="Progress reports, newest first (paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def list_updates(request: HttpRequest, assignment_id: int) -> list[ProgressUpdate]:
    return selectors.assignment_page(request.user, assignment_id).updates


@router.post(
    "/assignments/{assignment_id}/updates",
    response={201: UpdateOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Report progress (text, percent, evidence files: pdf, docx, xlsx, jpg, png)",
)
def post_update(
    request: HttpRequest,
    assignment_id: int,
    text: Form[str],
    percent: Form[str],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    update = services.progress_post(
        actor=request.user,
        assignment_id=assignment_id,
        text=text,
        percent=percent,
        files=[services.UploadedFile(name=f.name or "", data=f.read()) for f in files or []],
    )
    return Status(201, update)


class DashboardQuery(Schema):
    unit: str = Field("", max_length=40)
    school_year: str = Field("", max_length=20)
    sort: str = Field("", max_length=20)
    descending: bool = False
    kind: str = Field("", max_length=40)
    q: str = Field("", max_length=100)


class ReviewIn(Schema):
    decision: str  # "accepted" or "returned"
    comment: str = ""


@router.post(
    "/updates/{update_id}/review",
    response={200: UpdateOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="The assigner accepts a progress report, or returns it with a comment "
    "(returning the report that completed the work reopens it)",
)
def review_update(request: HttpRequest, update_id: int, payload: ReviewIn) -> ProgressUpdate:
    return services.progress_review(
        actor=request.user,
        update_id=update_id,
        decision=payload.decision,
        comment=payload.comment,
    )


@router.get(
    "/units/{unit_key}/open-work",
    response={200: list[AssignmentOut], 404: ErrorOut},
    summary="A unit's unfinished work, earliest deadline first (paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def open_work(request: HttpRequest, unit_key: str) -> QuerySet[Assignment]:
    return _rows(selectors.unit_work(request.user, unit_key=unit_key).work)


@router.get(
    "/dashboard",
    response={200: DashboardOut, 400: ErrorOut, 404: ErrorOut},
    summary="On-time figures of a unit's subtree for a school year, by child unit and by task",
    description=(
        "`unit` defaults to the user's home unit (their membership highest in the tree), "
        "`school_year` to the current one (a school year starts on 1 August) — the same defaults "
        "as the page. Rows sorted by `sort` (ten, tong, dung_han, tre, qua_han, trong_han, "
        "ti_le; default ti_le: lowest on-time rate first, rows with nothing due last; "
        "`descending` reverses), child units filtered by `kind` (commune, school, school:thcs…) "
        "and `q` (part of the name, diacritics optional). 400 when the user belongs to no unit "
        "and names none."
    ),
)
def dashboard(request: HttpRequest, filters: Query[DashboardQuery]) -> dict[str, Any]:
    board = selectors.dashboard(
        request.user,
        unit_key=filters.unit,
        school_year=filters.school_year,
        sort=filters.sort,
        descending=filters.descending,
        kind=filters.kind,
        search=filters.q,
    )
    return {
        "unit": board.unit.key,
        "school_year": board.school_year,
        "overall": _figures(board.overall),
        "by_child_unit": [
            {"unit": child.key, "name": child.name, **_figures(f)}
            for child, f in board.by_child_unit
        ],
        "by_task": [
            {
                "task_id": t.task_id,
                "directive_id": t.directive_id,
                "label": t.label,
                "title": t.title,
                **_figures(t.figures),
            }
            for t in board.by_task
        ],
    }
