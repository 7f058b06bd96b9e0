"""JSON API for directives: upload, reading status, review corrections, publish, revise, cascade.

Same access layer and services as the pages. A stale ``version`` answers 409 with the current
values under ``current``. The directive list is paginated (``?limit=&offset=``, at most 500 a
page; the answer is ``{"items": [...], "count": n}``).
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from namhoc.accounts.access import access_unit
from namhoc.accounts.models import Role
from namhoc.core.errors import DomainError, NotFound
from namhoc.directives import selectors, services
from namhoc.directives.access import access_directive, access_source, access_task
from namhoc.directives.models import Directive, DirectiveTask, SourceDocument
from namhoc.directives.services import StaleEdit
from namhoc.tracking import services as tracking_services

router = Router(tags=["directives"])
MAX_PAGE = 500


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class ConflictOut(ErrorOut):
    current: dict[str, Any]


class SourceOut(Schema):
    id: int
    unit: str
    filename: str
    format: str
    size: int
    sha256: str
    status: str
    status_message: str
    directive_id: int | None
    created: bool = False


class TaskOut(Schema):
    id: int
    position: int
    label: str
    title: str
    text: str
    start: int | None
    end: int | None
    version: int


class CitationOut(Schema):
    id: int
    number: str
    doc_type: str
    issued_on: dt.date | None


class TargetOut(Schema):
    id: int
    value: float
    unit_label: str
    sentence: str
    task_id: int | None


class HintOut(Schema):
    id: int
    lead: list[str]
    support: list[str]
    text: str
    task_id: int | None


class DirectiveOut(Schema):
    id: int
    unit: str
    status: str
    revision: int
    previous_id: int | None
    upper_id: int | None
    school_year: str
    doc_type: str
    number: str
    issuer: str
    issued_on: dt.date | None
    place: str
    title: str
    theme: str
    version: int
    source_id: int


class DirectiveRowOut(DirectiveOut):
    """A row of the directive list, rendered from the model (one query per page)."""

    task_count: int

    @staticmethod
    def resolve_unit(obj: Directive) -> str:
        return obj.unit.key


class TargetIn(Schema):
    value: str | decimal.Decimal  # "97,5" or "97.5" or 97.5: parsed with a Vietnamese message
    unit_label: str = ""
    task_id: int | None = None
    sentence: str = ""


class DirectiveDetailOut(DirectiveOut):
    tasks: list[TaskOut]
    citations: list[CitationOut]
    targets: list[TargetOut]
    assignment_hints: list[HintOut]


class PasteIn(Schema):
    unit: str
    text: str


class HeaderIn(Schema):
    version: int
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    issued_on: dt.date | None = None
    place: str | None = None
    title: str | None = None
    school_year: str | None = None
    theme: str | None = None


class TaskIn(Schema):
    version: int
    label: str = ""
    title: str
    text: str = ""


class VersionIn(Schema):
    version: int


class SplitIn(Schema):
    version: int
    at: int


class UpperIn(Schema):
    upper_id: int | None


class LinkIn(Schema):
    task_id: int
    upper_task_id: int
    confirmed: bool = True


class LinkOut(Schema):
    task_id: int
    upper_task_id: int
    status: str
    score: float | None
    rank: int | None
    lexical: float | None
    semantic: float | None


class CoverageUnitOut(Schema):
    unit: str
    name: str
    directive_ids: list[int]
    covered_task_ids: list[int]


class CoverageOut(Schema):
    directive_id: int
    task_ids: list[int]
    uncovered_task_ids: list[int]
    silent_units: list[str]
    units: list[CoverageUnitOut]


def _source_out(source: SourceDocument, created: bool = False) -> dict[str, Any]:
    directive = source.directives.order_by("revision").first()
    return {
        "id": source.pk,
        "unit": source.unit.key,
        "filename": source.filename,
        "format": source.format,
        "size": source.size,
        "sha256": source.sha256,
        "status": source.status,
        "status_message": source.status_message,
        "directive_id": directive.pk if directive else None,
        "created": created,
    }


def _directive_out(directive: Directive) -> dict[str, Any]:
    return {
        "id": directive.pk,
        "unit": directive.unit.key,
        "status": directive.status,
        "revision": directive.revision,
        "previous_id": directive.previous_id,
        "upper_id": directive.upper_id,
        "school_year": directive.school_year,
        "doc_type": directive.doc_type,
        "number": directive.number,
        "issuer": directive.issuer,
        "issued_on": directive.issued_on,
        "place": directive.place,
        "title": directive.title,
        "theme": directive.theme,
        "version": directive.version,
        "source_id": directive.source_id,
    }


def _detail(directive: Directive) -> dict[str, Any]:
    full = selectors.directive_with_parts(directive)
    return {
        **_directive_out(full),
        "tasks": list(full.tasks.all()),
        "citations": list(full.citations.all()),
        "targets": [
            {
                "id": t.pk,
                "value": float(t.value),
                "unit_label": t.unit_label,
                "sentence": t.sentence,
                "task_id": t.task_id,
            }
            for t in full.targets.all()
        ],
        "assignment_hints": list(full.assignment_hints.all()),
    }


def _conflict(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
    from namhoc.api.api import api

    return api.create_response(request, {**exc.as_dict(), "current": exc.current}, status=409)


@router.get(
    "",
    response=list[DirectiveRowOut],
    summary="Directives the user may read (paginated: limit, offset)",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_directives(
    request: HttpRequest, school_year: str = "", status: str = "", unit: str = ""
) -> QuerySet[Directive]:
    unit_obj = access_unit(request.user, unit) if unit else None
    return selectors.directive_list(
        request.user, unit=unit_obj, school_year=school_year, status=status
    )


@router.post(
    "/sources",
    response={201: SourceOut, 200: SourceOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Upload a directive file (.docx, .pdf, .html, .txt); reading runs in the background",
)
def upload_source(request: HttpRequest, unit: Form[str], file: File[UploadedFile]) -> Status:
    unit_obj = access_unit(request.user, unit, need=Role.SPECIALIST)
    from django.conf import settings

    if file.size and file.size > int(settings.UPLOAD_MAX_BYTES):
        raise DomainError("too_large", "Tệp quá lớn.", field="file")
    source, created = services.source_upload(
        actor=request.user, unit=unit_obj, data=file.read(), filename=file.name
    )
    return Status((201 if created else 200), _source_out(source, created))


@router.post(
    "/sources/paste",
    response={201: SourceOut, 200: SourceOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Paste a directive's text",
)
def paste_source(request: HttpRequest, payload: PasteIn) -> Status:
    unit_obj = access_unit(request.user, payload.unit, need=Role.SPECIALIST)
    source, created = services.source_paste(actor=request.user, unit=unit_obj, text=payload.text)
    return Status((201 if created else 200), _source_out(source, created))


@router.get("/sources/{source_id}", response={200: SourceOut, 404: ErrorOut})
def get_source(request: HttpRequest, source_id: int) -> dict[str, Any]:
    return _source_out(access_source(request.user, source_id))


@router.get("/{directive_id}", response={200: DirectiveDetailOut, 404: ErrorOut})
def get_directive(request: HttpRequest, directive_id: int) -> dict[str, Any]:
    return _detail(access_directive(request.user, directive_id))


@router.patch(
    "/{directive_id}",
    response={
        200: DirectiveDetailOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
    },
    summary="Correct header fields of a draft (optimistic: send the version you read)",
)
def update_directive(request: HttpRequest, directive_id: int, payload: HeaderIn) -> Any:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    try:
        directive = services.directive_update(
            actor=request.user, directive=directive, version=version, values=values
        )
    except StaleEdit as exc:
        return _conflict(request, exc)
    return _detail(directive)


def _task(request: HttpRequest, task_id: int) -> DirectiveTask:
    return access_task(request.user, task_id, need=Role.SPECIALIST)


@router.patch(
    "/tasks/{task_id}",
    response={200: TaskOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    summary="Correct a task of a draft (optimistic: send the version you read)",
)
def update_task(request: HttpRequest, task_id: int, payload: TaskIn) -> Any:
    task = _task(request, task_id)
    try:
        return services.task_update(actor=request.user, task=task, **payload.dict())
    except StaleEdit as exc:
        return _conflict(request, exc)


@router.post(
    "/tasks/{task_id}/merge-next",
    response={200: TaskOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
)
def merge_task(request: HttpRequest, task_id: int, payload: VersionIn) -> Any:
    task = _task(request, task_id)
    try:
        return services.task_merge_next(actor=request.user, task=task, version=payload.version)
    except StaleEdit as exc:
        return _conflict(request, exc)


@router.post(
    "/tasks/{task_id}/split",
    response={200: list[TaskOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    summary="Split a task's text at a character offset into two tasks",
)
def split_task(request: HttpRequest, task_id: int, payload: SplitIn) -> Any:
    task = _task(request, task_id)
    try:
        return list(
            services.task_split(
                actor=request.user, task=task, version=payload.version, at=payload.at
            )
        )
    except StaleEdit as exc:
        return _conflict(request, exc)


@router.post(
    "/{directive_id}/targets",
    response={201: TargetOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Add a target (chỉ tiêu) the reader missed to a draft",
)
def add_target(request: HttpRequest, directive_id: int, payload: TargetIn) -> Status:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    task = None
    if payload.task_id is not None:
        task = directive.tasks.filter(pk=payload.task_id).first()
        if task is None:
            raise DomainError("bad_task", "Nhiệm vụ không thuộc văn bản này.", field="task_id")
    target = services.target_add(
        actor=request.user,
        directive=directive,
        value=services.target_value_parse(payload.value),
        unit_label=payload.unit_label,
        task=task,
        sentence=payload.sentence,
    )
    return Status(
        201,
        {
            "id": target.pk,
            "value": float(target.value),
            "unit_label": target.unit_label,
            "sentence": target.sentence,
            "task_id": target.task_id,
        },
    )


@router.post(
    "/{directive_id}/publish",
    response={200: DirectiveOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
)
def publish_directive(request: HttpRequest, directive_id: int, payload: VersionIn) -> Any:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    try:
        directive = tracking_services.directive_publish(
            actor=request.user, directive_id=directive.pk, version=payload.version
        )
    except StaleEdit as exc:
        return _conflict(request, exc)
    return _directive_out(directive)


@router.post(
    "/{directive_id}/revise",
    response={201: DirectiveOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Open a new draft revision of a published directive",
)
def revise_directive(request: HttpRequest, directive_id: int) -> Status:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    revision = services.directive_revise(actor=request.user, directive=directive)
    return Status(201, _directive_out(Directive.objects.select_related("unit").get(pk=revision.pk)))


@router.put(
    "/{directive_id}/upper",
    response={200: DirectiveOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Name the upper directive this one implements",
)
def set_upper(request: HttpRequest, directive_id: int, payload: UpperIn) -> dict[str, Any]:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    upper = access_directive(request.user, payload.upper_id) if payload.upper_id else None
    return _directive_out(
        services.directive_set_upper(actor=request.user, directive=directive, upper=upper)
    )


def _links(directive: Directive) -> list[dict[str, Any]]:
    from namhoc.directives.models import TaskLink

    return [
        dict(row)
        for row in TaskLink.objects.filter(task__directive=directive)
        .order_by("task__position", "rank", "pk")
        .values("task_id", "upper_task_id", "status", "score", "rank", "lexical", "semantic")
    ]


@router.get("/{directive_id}/links", response={200: list[LinkOut], 404: ErrorOut})
def list_links(request: HttpRequest, directive_id: int) -> list[dict[str, Any]]:
    return _links(access_directive(request.user, directive_id))


@router.post(
    "/{directive_id}/links/suggest",
    response={200: list[LinkOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Propose ranked links from this directive's tasks to its upper directive's tasks",
)
def suggest(request: HttpRequest, directive_id: int) -> list[dict[str, Any]]:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    services.links_suggest(actor=request.user, directive=directive)
    return _links(directive)


@router.post(
    "/{directive_id}/links",
    response={200: LinkOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Confirm (or reject) that a task carries out an upper task",
)
def decide_link(request: HttpRequest, directive_id: int, payload: LinkIn) -> dict[str, Any]:
    directive = access_directive(request.user, directive_id, need=Role.SPECIALIST)
    task = directive.tasks.filter(pk=payload.task_id).first()
    upper_task = (
        DirectiveTask.objects.filter(
            pk=payload.upper_task_id, directive_id=directive.upper_id
        ).first()
        if directive.upper_id is not None
        else None
    )
    if task is None or upper_task is None:
        raise NotFound("Không tìm thấy nhiệm vụ của văn bản này hoặc của văn bản cấp trên.")
    link = services.link_decide(
        actor=request.user, task=task, upper_task=upper_task, confirmed=payload.confirmed
    )
    return {
        "task_id": link.task_id,
        "upper_task_id": link.upper_task_id,
        "status": link.status,
        "score": link.score,
        "rank": link.rank,
        "lexical": link.lexical,
        "semantic": link.semantic,
    }


@router.get("/{directive_id}/coverage", response={200: CoverageOut, 404: ErrorOut})
def get_coverage(request: HttpRequest, directive_id: int) -> dict[str, Any]:
    from namhoc.accounts.access import visible_units

    directive = access_directive(request.user, directive_id)
    report = selectors.coverage(directive, within=visible_units(request.user))
    return {
        "directive_id": directive.pk,
        "task_ids": [t.pk for t in report.upper_tasks],
        "uncovered_task_ids": sorted(report.uncovered_task_ids),
        "silent_units": [u.key for u in report.silent_units],
        "units": [
            {
                "unit": row.unit.key,
                "name": row.unit.name,
                "directive_ids": [d.pk for d in row.directives],
                "covered_task_ids": sorted(row.covered),
            }
            for row in report.units
        ],
    }
