"""JSON API for directives: everything the pages do — upload or paste, reading status, read
again, download the original, review corrections (header, tasks, citations, targets), publish,
revise, the upper directive, link proposals and decisions, coverage.

Each endpoint parses the request, calls the same use case or selector as its page (ADR 0007),
and renders a schema. Numbers and dates are sent as typed ("97,5", "1.250", "30/09/2025") or as
JSON numbers and ISO dates; the use case reads them the one Vietnamese way and answers a bad one
with 400, a stable ``code``, a Vietnamese ``message`` and the ``field``. A stale ``version``
answers 409 with the current values under ``current``. Lists are paginated (``?limit=&offset=``,
at most 500 a page; the answer is ``{"items": [...], "count": n}``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from namhoc.api.paging import BoundedLimitOffset
from namhoc.core.errors import NotFound
from namhoc.core.parsing import text_cap
from namhoc.directives import selectors, services
from namhoc.directives.models import (
    PASTE_TEXT_MAX,
    AssignmentHint,
    Citation,
    Directive,
    DirectiveTask,
    SourceDocument,
    Target,
    TaskLink,
)
from namhoc.tracking import services as tracking_services

router = Router(tags=["directives"])

Number = str | int | float | None  # sent as typed ("97,5", "1.250") or as a JSON number


def _cap(model: Any, name: str) -> int:
    return text_cap(model, name)


def Text(cap: int, default: str | None = "") -> Any:
    """A free-text field; ``cap`` is documented in the schema and enforced by the use case (400
    with a Vietnamese message beyond it)."""
    return Field(default, json_schema_extra={"maxLength": cap})


# --- errors ---------------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class ConflictOut(ErrorOut):
    current: dict[str, Any]


# --- sources --------------------------------------------------------------------------------


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


class PasteIn(Schema):
    unit: str
    text: str = Text(PASTE_TEXT_MAX)


_SOURCE_RESPONSES = {201: SourceOut, 200: SourceOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post(
    "/sources",
    response=_SOURCE_RESPONSES,
    summary="Upload a directive file (.docx, .doc, .pdf, .html, .txt); read in the background",
)
def upload_source(request: HttpRequest, unit: Form[str], file: File[UploadedFile]) -> Status:
    source, created = services.source_upload(
        actor=request.user, unit=unit, data=file.read(), filename=file.name
    )
    return Status((201 if created else 200), _source_out(source, created))


@router.post("/sources/paste", response=_SOURCE_RESPONSES, summary="Paste a directive's text")
def paste_source(request: HttpRequest, payload: PasteIn) -> Status:
    source, created = services.source_paste(
        actor=request.user, unit=payload.unit, text=payload.text
    )
    return Status((201 if created else 200), _source_out(source, created))


@router.get("/sources/{source_id}", response={200: SourceOut, 404: ErrorOut})
def get_source(request: HttpRequest, source_id: int) -> dict[str, Any]:
    return _source_out(selectors.source_page(request.user, source_id).source)


@router.post(
    "/sources/{source_id}/retry",
    response={200: SourceOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Read a source again (after a failed read, or one whose worker died)",
)
def retry_source(request: HttpRequest, source_id: int) -> dict[str, Any]:
    return _source_out(services.source_retry(actor=request.user, source_id=source_id))


@router.get(
    "/sources/{source_id}/file",
    response={200: None, 404: ErrorOut},
    summary="The original file, as an attachment",
)
def download_source(request: HttpRequest, source_id: int) -> HttpResponse:
    stored = selectors.source_file(request.user, source_id)
    if not default_storage.exists(stored.name):
        raise NotFound("Tệp không còn trên máy chủ.")
    response = FileResponse(
        default_storage.open(stored.name, "rb"),
        as_attachment=True,
        filename=stored.filename,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return cast(HttpResponse, response)


# --- directives -----------------------------------------------------------------------------


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
    unnumbered: bool
    issuer: str
    issued_on: dt.date | None
    place: str
    title: str
    theme: str
    version: int
    source_id: int

    @staticmethod
    def resolve_unit(obj: Directive) -> str:
        return obj.unit.key


class DirectiveRowOut(DirectiveOut):
    """A row of the directive list, rendered from the model (one query per page)."""

    task_count: int


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

    @staticmethod
    def resolve_value(obj: Target) -> float:
        return float(obj.value)


class HintOut(Schema):
    id: int
    lead: list[str]
    support: list[str]
    text: str
    task_id: int | None


class DirectiveDetailOut(DirectiveOut):
    tasks: list[TaskOut]
    citations: list[CitationOut]
    targets: list[TargetOut]
    assignment_hints: list[HintOut]

    @staticmethod
    def resolve_tasks(obj: Directive) -> list[DirectiveTask]:
        return list(obj.tasks.all())

    @staticmethod
    def resolve_citations(obj: Directive) -> list[Citation]:
        return list(obj.citations.all())

    @staticmethod
    def resolve_targets(obj: Directive) -> list[Target]:
        return list(obj.targets.all())

    @staticmethod
    def resolve_assignment_hints(obj: Directive) -> list[AssignmentHint]:
        return list(obj.assignment_hints.all())


@router.get(
    "",
    response=list[DirectiveRowOut],
    summary="Directives the user may read (paginated: limit, offset)",
    description="Filters: `school_year` (2025-2026), `status` (draft, published, superseded), "
    "`unit` (a unit's key), `q` (words in the number, title or issuer).",
)
@paginate(BoundedLimitOffset)
def list_directives(
    request: HttpRequest, school_year: str = "", status: str = "", unit: str = "", q: str = ""
) -> QuerySet[Directive]:
    return selectors.directive_list(
        request.user,
        unit_key=unit,
        school_year=school_year[:20],
        status=status if status in Directive.Status.values else "",
        search=q[:100],
    )


@router.get("/{directive_id}", response={200: DirectiveDetailOut, 404: ErrorOut})
def get_directive(request: HttpRequest, directive_id: int) -> Directive:
    return selectors.directive_detail(request.user, directive_id)


class HeaderIn(Schema):
    version: Number
    doc_type: str | None = Text(_cap(Directive, "doc_type"), None)
    number: str | None = Text(_cap(Directive, "number"), None)
    unnumbered: bool | None = Field(
        None, description="True: published without a number and date (chưa có số, ngày)"
    )
    issuer: str | None = Text(_cap(Directive, "issuer"), None)
    issued_on: str | None = Field(None, description="dd/mm/yyyy or yyyy-mm-dd")
    place: str | None = Text(_cap(Directive, "place"), None)
    title: str | None = Text(_cap(Directive, "title"), None)
    school_year: str | None = Field(None, description="2025-2026")
    theme: str | None = Text(_cap(Directive, "theme"), None)


_CHANGE = {200: DirectiveDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut}


@router.patch(
    "/{directive_id}",
    response=_CHANGE,
    summary="Correct header fields of a draft (optimistic: send the version you read)",
)
def update_directive(request: HttpRequest, directive_id: int, payload: HeaderIn) -> Directive:
    values = payload.dict(exclude_unset=True)
    version = values.pop("version", None)
    services.directive_update(
        actor=request.user, directive_id=directive_id, version=version, values=values
    )
    return selectors.directive_detail(request.user, directive_id)


class VersionIn(Schema):
    version: Number


@router.post(
    "/{directive_id}/publish",
    response={200: DirectiveOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    summary="Publish a draft; a revision takes over the work assigned on the tasks it continues",
    description="Refused (400 `incomplete`) without tasks, a school year, and a number and a "
    "date — unless the header says `unnumbered` (chưa có số, ngày).",
)
def publish_directive(request: HttpRequest, directive_id: int, payload: VersionIn) -> Directive:
    return tracking_services.directive_publish(
        actor=request.user, directive_id=directive_id, version=payload.version
    )


@router.post(
    "/{directive_id}/revise",
    response={201: DirectiveOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Open a new draft revision of a published directive",
)
def revise_directive(request: HttpRequest, directive_id: int) -> Status:
    return Status(201, services.directive_revise(actor=request.user, directive_id=directive_id))


# --- tasks ----------------------------------------------------------------------------------


class TaskAddIn(Schema):
    label: str = Text(_cap(DirectiveTask, "label"))
    title: str = Text(_cap(DirectiveTask, "title"))
    text: str = Text(_cap(DirectiveTask, "text"))


class TaskIn(TaskAddIn):
    version: Number


class SplitIn(Schema):
    version: Number
    at: Number = Field(None, description="Character offset into the task's text")
    before: str | None = Field(None, description="Or: the first words of the part to split off")


_TASK_CHANGE = {200: TaskOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut}


@router.post(
    "/{directive_id}/tasks",
    response={201: TaskOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Add a task the reader missed to a draft",
)
def add_task(request: HttpRequest, directive_id: int, payload: TaskAddIn) -> Status:
    return Status(
        201,
        services.task_add(actor=request.user, directive_id=directive_id, **payload.dict()),
    )


@router.patch(
    "/tasks/{task_id}",
    response=_TASK_CHANGE,
    summary="Correct a task of a draft (optimistic: send the version you read)",
)
def update_task(request: HttpRequest, task_id: int, payload: TaskIn) -> DirectiveTask:
    return services.task_update(actor=request.user, task_id=task_id, **payload.dict())


@router.delete(
    "/tasks/{task_id}",
    response={204: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    summary="Delete a task of a draft (send the version you read)",
)
def delete_task(request: HttpRequest, task_id: int, payload: VersionIn) -> Status:
    services.task_delete(actor=request.user, task_id=task_id, version=payload.version)
    return Status(204, None)


@router.post("/tasks/{task_id}/merge-next", response=_TASK_CHANGE)
def merge_task(request: HttpRequest, task_id: int, payload: VersionIn) -> DirectiveTask:
    return services.task_merge_next(actor=request.user, task_id=task_id, version=payload.version)


@router.post(
    "/tasks/{task_id}/split",
    response={200: list[TaskOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
    summary="Split a task in two, at a character offset or before the words given",
)
def split_task(request: HttpRequest, task_id: int, payload: SplitIn) -> list[DirectiveTask]:
    return list(services.task_split(actor=request.user, task_id=task_id, **payload.dict()))


# --- citations ------------------------------------------------------------------------------


class CitationIn(Schema):
    number: str = Text(_cap(Citation, "number"))
    doc_type: str = Text(_cap(Citation, "doc_type"))
    issued_on: str | None = Field(None, description="dd/mm/yyyy or yyyy-mm-dd")


_CITATION = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post(
    "/{directive_id}/citations",
    response={201: CitationOut, **_CITATION},
    summary="Add a document a draft cites",
)
def add_citation(request: HttpRequest, directive_id: int, payload: CitationIn) -> Status:
    return Status(
        201,
        services.citation_add(actor=request.user, directive_id=directive_id, **payload.dict()),
    )


@router.patch(
    "/citations/{citation_id}",
    response={200: CitationOut, **_CITATION},
    summary="Correct a cited document of a draft",
)
def update_citation(request: HttpRequest, citation_id: int, payload: CitationIn) -> Citation:
    return services.citation_update(actor=request.user, citation_id=citation_id, **payload.dict())


@router.delete(
    "/citations/{citation_id}",
    response={204: None, **_CITATION},
    summary="Remove a cited document from a draft",
)
def delete_citation(request: HttpRequest, citation_id: int) -> Status:
    services.citation_delete(actor=request.user, citation_id=citation_id)
    return Status(204, None)


# --- targets --------------------------------------------------------------------------------


class TargetIn(Schema):
    value: Number = Field(..., description='"97,5", "1.250", "1.250,5" or a JSON number')
    unit_label: str = Text(_cap(Target, "unit_label"))
    task_id: Number = None
    sentence: str = Text(_cap(Target, "sentence"))


class TargetUpdateIn(Schema):
    value: Number = Field(..., description='"97,5", "1.250", "1.250,5" or a JSON number')
    unit_label: str = Text(_cap(Target, "unit_label"))
    task_id: Number = None
    sentence: str | None = Text(_cap(Target, "sentence"), None)


@router.post(
    "/{directive_id}/targets",
    response={201: TargetOut, **_CITATION},
    summary="Add a target (chỉ tiêu) the reader missed to a draft",
)
def add_target(request: HttpRequest, directive_id: int, payload: TargetIn) -> Status:
    target = services.target_add(
        actor=request.user,
        directive_id=directive_id,
        value=payload.value,
        unit_label=payload.unit_label,
        task_id=payload.task_id,
        sentence=payload.sentence,
    )
    return Status(201, target)


@router.patch(
    "/targets/{target_id}",
    response={200: TargetOut, **_CITATION},
    summary="Correct a target of a draft (value, unit, task; the sentence when sent)",
)
def update_target(request: HttpRequest, target_id: int, payload: TargetUpdateIn) -> Target:
    return services.target_update(
        actor=request.user,
        target_id=target_id,
        value=payload.value,
        unit_label=payload.unit_label,
        task_id=payload.task_id,
        sentence=payload.sentence,
    )


@router.delete("/targets/{target_id}", response={204: None, **_CITATION}, summary="Remove a target")
def delete_target(request: HttpRequest, target_id: int) -> Status:
    services.target_delete(actor=request.user, target_id=target_id)
    return Status(204, None)


# --- cascade --------------------------------------------------------------------------------


class UpperIn(Schema):
    upper_id: Number = None


@router.put(
    "/{directive_id}/upper",
    response={200: DirectiveOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Name the upper directive this one implements (null: none)",
)
def set_upper(request: HttpRequest, directive_id: int, payload: UpperIn) -> Directive:
    return services.directive_set_upper(
        actor=request.user, directive_id=directive_id, upper_id=payload.upper_id
    )


class LinkIn(Schema):
    task_id: Number
    upper_task_id: Number
    confirmed: bool = True


class LinkOut(Schema):
    task_id: int
    upper_task_id: int
    status: str
    score: float | None
    rank: int | None
    lexical: float | None
    semantic: float | None


@router.get(
    "/{directive_id}/links",
    response={200: list[LinkOut], 404: ErrorOut},
    summary="The links of a directive's tasks to its upper directive's (paginated)",
)
@paginate(BoundedLimitOffset)
def list_links(request: HttpRequest, directive_id: int) -> QuerySet[TaskLink]:
    return selectors.directive_links(request.user, directive_id)


@router.post(
    "/{directive_id}/links/suggest",
    response={200: list[LinkOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Propose ranked links from this directive's tasks to its upper directive's tasks "
    "(at most 3 a task); the links after it",
)
def suggest(request: HttpRequest, directive_id: int) -> list[TaskLink]:
    services.links_suggest(actor=request.user, directive_id=directive_id)
    return list(selectors.directive_links(request.user, directive_id))


@router.post(
    "/{directive_id}/links",
    response={200: LinkOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Confirm (or reject) that a task carries out an upper task",
)
def decide_link(request: HttpRequest, directive_id: int, payload: LinkIn) -> TaskLink:
    return services.link_decide(
        actor=request.user,
        directive_id=directive_id,
        task_id=payload.task_id,
        upper_task_id=payload.upper_task_id,
        decision="confirm" if payload.confirmed else "reject",
    )


class AcceptIn(Schema):
    level: str = Field(
        ..., description='"strong" (rất khớp) or "possible" (có thể khớp and rất khớp)'
    )


class AcceptOut(Schema):
    confirmed: list[LinkOut]


@router.post(
    "/{directive_id}/links/accept",
    response={200: AcceptOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Confirm in one step every undecided proposal of a match level or better",
)
def accept_links(request: HttpRequest, directive_id: int, payload: AcceptIn) -> dict[str, Any]:
    links = services.links_accept(
        actor=request.user, directive_id=directive_id, level=payload.level
    )
    return {"confirmed": links}


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


@router.get(
    "/{directive_id}/coverage",
    response={200: CoverageOut, 404: ErrorOut},
    summary="Per unit directly below the issuer: its directives implementing this one and the "
    "tasks they cover (the units you see)",
)
def get_coverage(request: HttpRequest, directive_id: int) -> dict[str, Any]:
    report = selectors.coverage_page(request.user, directive_id)
    return {
        "directive_id": report.upper.pk,
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
