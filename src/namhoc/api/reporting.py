"""JSON API for drafted documents: ask for a draft, follow it, list drafts and templates, upload
or retire a unit's template. The files themselves download from the URLs given (the same
access-checked downloads as the pages). Lists are paginated (``?limit=&offset=``, at most 500)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from namhoc.api.directives import ErrorOut
from namhoc.api.paging import BoundedLimitOffset
from namhoc.reporting import selectors, services
from namhoc.reporting.drafting.context import PLACEHOLDERS
from namhoc.reporting.models import ReportDraft, ReportKind, ReportTemplate

router = Router(tags=["reports"])


class DraftOut(Schema):
    id: int
    unit: str
    unit_name: str
    kind: str
    school_year: str
    directive_id: int | None
    version: int
    status: str
    progress: int
    stage: str
    message: str
    title: str
    requested_by: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    template_id: int | None
    docx_url: str | None
    annex_url: str | None

    @staticmethod
    def resolve_unit(obj: ReportDraft) -> str:
        return obj.unit.key

    @staticmethod
    def resolve_unit_name(obj: ReportDraft) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_requested_by(obj: ReportDraft) -> str:
        return str(obj.requested_by or "")

    @staticmethod
    def resolve_docx_url(obj: ReportDraft) -> str | None:
        if obj.status != ReportDraft.Status.DONE:
            return None
        return reverse("reporting:draft_download", args=[obj.pk])

    @staticmethod
    def resolve_annex_url(obj: ReportDraft) -> str | None:
        if obj.status != ReportDraft.Status.DONE:
            return None
        return reverse("reporting:draft_annex", args=[obj.pk])


class DraftIn(Schema):
    unit: str
    kind: str
    school_year: str = ""
    directive_id: str | int | None = None
    signer_title: str = ""
    signer_name: str = ""


class TemplateOut(Schema):
    id: int
    unit: str
    unit_name: str
    kind: str
    original_name: str
    size: int
    tags: list[str]
    uploaded_by: str
    uploaded_at: dt.datetime
    in_use: bool
    retired_at: dt.datetime | None
    url: str

    @staticmethod
    def resolve_unit(obj: ReportTemplate) -> str:
        return obj.unit.key

    @staticmethod
    def resolve_unit_name(obj: ReportTemplate) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_uploaded_by(obj: ReportTemplate) -> str:
        return str(obj.uploaded_by or "")

    @staticmethod
    def resolve_url(obj: ReportTemplate) -> str:
        return reverse("reporting:template_download", args=[obj.pk])


class PlaceholderOut(Schema):
    name: str
    description: str


@router.get(
    "/drafts",
    response={200: list[DraftOut], 400: ErrorOut, 404: ErrorOut},
    summary="Drafts you may see, newest first, every version (filters: unit subtree, kind, "
    "school_year; paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def list_drafts(
    request: HttpRequest, unit: str = "", kind: str = "", school_year: str = ""
) -> QuerySet[ReportDraft]:
    return selectors.drafts_for(
        request.user, unit_key=unit[:40], kind=kind[:20], school_year=school_year[:20]
    )


@router.post(
    "/drafts",
    response={202: DraftOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Ask for a new version of a unit's year-end report (kind=year_end), semester "
    "report (semester) or implementing plan (plan, directive_id of the directive above; blank: "
    "the one in force above the unit for school_year); drafted in the background",
)
def request_draft(request: HttpRequest, payload: DraftIn) -> Status:
    draft = services.draft_request(
        actor=request.user,
        unit_key=payload.unit,
        kind=payload.kind,
        school_year=payload.school_year,
        directive_id=payload.directive_id,
        signer_title=payload.signer_title,
        signer_name=payload.signer_name,
    )
    return Status(202, selectors.draft_page(request.user, draft.pk).draft)


@router.get("/drafts/{draft_id}", response={200: DraftOut, 404: ErrorOut})
def get_draft(request: HttpRequest, draft_id: int) -> ReportDraft:
    return selectors.draft_page(request.user, draft_id).draft


@router.get(
    "/templates",
    response={200: list[TemplateOut], 404: ErrorOut},
    summary="Units' own templates you may see, in use first (paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def list_templates(request: HttpRequest) -> list[ReportTemplate]:
    return [row.template for row in selectors.templates_page(request.user).rows]


@router.post(
    "/templates",
    response={201: TemplateOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Use an uploaded .docx (docxtpl tags) as a unit's template for a kind of document; "
    "checked by rendering it with sample values (400 names the bad tag)",
)
def upload_template(
    request: HttpRequest,
    unit: Form[str],
    kind: Form[str],
    file: File[UploadedFile],
) -> Status:
    created = services.template_upload(
        actor=request.user, unit_key=unit, kind=kind, data=file.read(), filename=file.name
    )
    return Status(201, created)


@router.delete(
    "/templates/{template_id}",
    response={200: TemplateOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Stop using a unit's template (kept, retired); its documents go back to the "
    "template above or the built-in layout",
)
def retire_template(request: HttpRequest, template_id: int) -> ReportTemplate:
    return services.template_retire(actor=request.user, template_id=template_id)


@router.get(
    "/placeholders",
    response={200: list[PlaceholderOut], 400: ErrorOut},
    summary="The placeholders a template of a kind receives (kind: year_end, semester, plan)",
)
def placeholders(request: HttpRequest, kind: str = ReportKind.YEAR_END) -> list[dict[str, str]]:
    parsed = services.parse_kind(kind[:20])
    return [{"name": name, "description": text} for name, text in PLACEHOLDERS[parsed]]
