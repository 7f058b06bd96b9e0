"""Pages for drafted documents: ask for a draft (unit, kind, school year), follow its progress,
download it and its Excel annex with every version; a unit's own templates. Each view parses the
request, calls one use case or page selector of ``namhoc.reporting``, and renders (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from namhoc.core.errors import DomainError, NotFound
from namhoc.reporting import selectors, services
from namhoc.reporting.models import ReportKind
from namhoc.reporting.starter import starter_template
from namhoc.web import reporting_exports as exports
from namhoc.web.access import attach_error, is_refusal, with_domain_errors
from namhoc.web.downloads import stored_file_response
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.paging import paginate
from namhoc.web.reporting_forms import DraftForm, TemplateForm

DRAFTS_PER_PAGE = 30
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _field_error(form: Any, exc: DomainError, picker: str = "unit") -> list[str]:
    """Put a use case's refusal on its field; the unit picker's errors are returned apart."""
    if exc.field == picker:
        return [exc.message]
    attach_error(form, exc)
    return []


# --- drafts ----------------------------------------------------------------------------------


def _index(
    request: HttpRequest,
    page: selectors.ReportsPage,
    form: DraftForm,
    *,
    chosen: list[Any],
    unit_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "reporting/index.html",
        {
            "page": page,
            "form": form,
            "chosen": chosen,
            "unit_errors": unit_errors or [],
            "drafts": paginate(request, page.drafts, per_page=DRAFTS_PER_PAGE, noun="dự thảo"),
            "kinds": ReportKind.choices,
            "export_url": export_url(request) if request.method == "GET" else "",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def index(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    page = selectors.reports_page(
        request.user,
        unit_key=request.GET.get("don_vi", "")[:40],
        school_year=source.get("school_year", "")[:20],
        kind=request.GET.get("loai", "")[:20],
    )
    if request.method != "POST" and wants_xlsx(request):
        kind = request.GET.get("loai", "")
        label = str(ReportKind(kind).label) if kind in ReportKind.values else ""
        return xlsx_download([exports.drafts_table(page.drafts, kind_label=label)], "Dự thảo")
    if request.method != "POST":
        form = DraftForm(
            years=page.years,
            directives=page.upper_directives,
            initial={"kind": ReportKind.YEAR_END, "school_year": page.year},
        )
        return _index(request, page, form, chosen=[page.unit] if page.unit else [])
    unit_key = request.POST.get("unit", "")
    try:
        draft = services.draft_request(
            actor=request.user,
            unit_key=unit_key,
            kind=request.POST.get("kind", ""),
            school_year=request.POST.get("school_year", ""),
            directive_id=request.POST.get("directive", ""),
            signer_title=request.POST.get("signer_title", ""),
            signer_name=request.POST.get("signer_name", ""),
        )
    except DomainError as exc:
        if is_refusal(exc) and exc.field != "unit":
            raise
        form = DraftForm(request.POST, years=page.years, directives=page.upper_directives)
        unit_errors = _field_error(form, exc)
        chosen = selectors.chosen_units(request.user, [unit_key])
        return _index(
            request,
            page,
            form,
            chosen=chosen,
            unit_errors=unit_errors,
            status=exc.status,
        )
    messages.success(request, f"Đã nhận yêu cầu soạn {draft.kind_phrase} (bản {draft.version}).")
    return redirect("reporting:draft", draft.pk)


@login_required
@require_GET
@with_domain_errors
def draft_detail(request: HttpRequest, draft_id: int) -> HttpResponse:
    page = selectors.draft_page(request.user, draft_id)
    return render(request, "reporting/draft.html", {"page": page, "draft": page.draft})


@login_required
@require_GET
@with_domain_errors
def draft_status(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The progress fragment htmx polls until the draft is finished."""
    page = selectors.draft_page(request.user, draft_id)
    return render(request, "reporting/_draft_status.html", {"page": page, "draft": page.draft})


@login_required
@require_GET
@with_domain_errors
def draft_download(request: HttpRequest, draft_id: int) -> HttpResponse:
    file = selectors.draft_file(request.user, draft_id)
    return stored_file_response(file.name, file.filename, file.content_type)


@login_required
@require_GET
@with_domain_errors
def draft_annex(request: HttpRequest, draft_id: int) -> HttpResponse:
    file = selectors.draft_file(request.user, draft_id, annex=True)
    return stored_file_response(file.name, file.filename, file.content_type)


# --- templates -------------------------------------------------------------------------------


def _templates(
    request: HttpRequest,
    form: TemplateForm,
    *,
    chosen: list[Any],
    unit_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "reporting/templates.html",
        {
            "page": selectors.templates_page(request.user),
            "form": form,
            "chosen": chosen,
            "unit_errors": unit_errors or [],
            "kinds": ReportKind.choices,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def templates(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _templates(request, TemplateForm(initial={"kind": ReportKind.YEAR_END}), chosen=[])
    unit_key = request.POST.get("unit", "")
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError("required", "Hãy chọn tệp mẫu (.docx).", field="file")
        created = services.template_upload(
            actor=request.user,
            unit_key=unit_key,
            kind=request.POST.get("kind", ""),
            data=upload.read(),
            filename=upload.name,
        )
    except DomainError as exc:
        if is_refusal(exc) and exc.field != "unit":
            raise
        form = TemplateForm(request.POST, request.FILES)
        unit_errors = _field_error(form, exc)
        chosen = selectors.chosen_units(request.user, [unit_key])
        return _templates(request, form, chosen=chosen, unit_errors=unit_errors, status=exc.status)
    messages.success(
        request,
        f"Đã dùng mẫu “{created.original_name}” cho {created.kind_phrase} của {created.unit.name}.",
    )
    return redirect("reporting:templates")


@login_required
@require_POST
@with_domain_errors
def template_retire(request: HttpRequest, template_id: int) -> HttpResponse:
    try:
        retired = services.template_retire(actor=request.user, template_id=template_id)
    except DomainError as exc:
        if is_refusal(exc):
            raise
        messages.error(request, exc.message)
        return redirect("reporting:templates")
    messages.success(
        request, f"Đã thôi dùng mẫu “{retired.original_name}” của {retired.unit.name}."
    )
    return redirect("reporting:templates")


@login_required
@require_GET
@with_domain_errors
def template_download(request: HttpRequest, template_id: int) -> HttpResponse:
    file = selectors.template_file(request.user, template_id)
    return stored_file_response(file.name, file.filename, file.content_type)


@login_required
@require_GET
@with_domain_errors
def starter_download(request: HttpRequest, kind: str) -> HttpResponse:
    """The built-in layout with placeholders in place of the words: a unit's starting point."""
    if kind not in ReportKind.values:
        raise NotFound("Không có loại văn bản này.")
    response = HttpResponse(starter_template(kind), content_type=_DOCX)
    response["Content-Disposition"] = f'attachment; filename="mau-goc-{kind}.docx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
