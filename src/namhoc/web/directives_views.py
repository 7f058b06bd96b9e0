"""Pages for directives: the list, upload, reading progress, the original's download. Each view
parses the request, calls one use case or page selector of ``namhoc.directives``, and renders
(ADR 0007). The review page with every correction of a draft, publish and revise are in
``directives_review_views``; the cascade pages (upper directive, links, coverage) in
``directives_cascade_views``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from namhoc.core.errors import DomainError
from namhoc.core.parsing import parse_school_year
from namhoc.directives import selectors, services
from namhoc.directives.access import can_upload
from namhoc.directives.models import Directive, SourceDocument
from namhoc.web import directives_exports as exports
from namhoc.web.access import attach_error, is_refusal, with_domain_errors
from namhoc.web.directives_forms import (
    UploadForm,
)
from namhoc.web.downloads import stored_file_response
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.paging import paginate

DIRECTIVES_PER_PAGE = 50


def _review_url(directive_id: int, anchor: str = "") -> str:
    url = reverse("directives:detail", args=[directive_id])
    return f"{url}#{anchor}" if anchor else url


# --- list, upload, reading progress ---------------------------------------------------------


@login_required
@require_GET
@with_domain_errors
def directive_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("nam_hoc", "").strip()[:20]
    try:
        year = parse_school_year(year, required=False)
    except DomainError:
        year = ""
    status = request.GET.get("trang_thai", "")
    if status not in ("", *Directive.Status.values):
        status = ""
    query = request.GET.get("q", "")[:100]
    directives = selectors.directive_list(
        request.user, school_year=year, status=status, search=query
    )
    if wants_xlsx(request):
        table = exports.directive_list_table(directives, year=year, status=status, search=query)
        return xlsx_download([table], "Văn bản chỉ đạo")
    pager = paginate(request, directives, per_page=DIRECTIVES_PER_PAGE, noun="văn bản")
    return render(
        request,
        "directives/list.html",
        {
            "directives": pager.page.object_list,
            "pager": pager,
            "year": year,
            "status": status,
            "statuses": Directive.Status.choices,
            "q": query,
            "can_upload": can_upload(request.user),
            "export_url": export_url(request),
        },
    )


def _upload_page(
    request: HttpRequest, form: UploadForm, *, chosen: list[Any], status: int = 200
) -> HttpResponse:
    return render(
        request,
        "directives/upload.html",
        {
            "form": form,
            "chosen": chosen,
            "unit_errors": form.errors.get("unit", []) if form.is_bound else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def upload(request: HttpRequest) -> HttpResponse:
    page = selectors.upload_page(request.user)  # 404 for people who may upload nowhere
    if request.method != "POST":
        chosen = [page.default_unit] if page.default_unit else []
        return _upload_page(request, UploadForm(), chosen=chosen)
    unit = request.POST.get("unit", "")
    form = UploadForm(request.POST, request.FILES)
    chosen = selectors.upload_units_named(request.user, [unit])
    if not form.is_valid():
        return _upload_page(request, form, chosen=chosen, status=400)
    file = form.cleaned_data.get("file")
    try:
        if file:
            source, created = services.source_upload(
                actor=request.user, unit=unit, data=file.read(), filename=file.name
            )
        else:
            source, created = services.source_paste(
                actor=request.user, unit=unit, text=request.POST.get("text", "")
            )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        if exc.field == "unit":
            form.errors.setdefault("unit", form.error_class()).append(exc.message)
        else:
            attach_error(form, exc)
        return _upload_page(request, form, chosen=chosen, status=exc.status)
    if not created:
        messages.info(request, "Tệp này đã được tải lên trước đây; mở bản đã có.")
    return redirect("directives:source", source.pk)


@login_required
@require_GET
@with_domain_errors
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    page = selectors.source_page(request.user, source_id)
    return render(request, "directives/source.html", {"page": page, "source": page.source})


@login_required
@require_GET
@with_domain_errors
def source_status(request: HttpRequest, source_id: int) -> HttpResponse:
    """The progress fragment htmx polls; once read, tells the browser to open the review."""
    page = selectors.source_page(request.user, source_id)
    response = render(
        request,
        "directives/_source_status.html",
        {"source": page.source, "directive": page.directive},
    )
    if (
        getattr(request, "htmx", False)
        and page.source.status == SourceDocument.Status.READY
        and page.directive is not None
    ):
        response["HX-Redirect"] = _review_url(page.directive.pk)
    return response


@login_required
@require_POST
@with_domain_errors
def source_retry(request: HttpRequest, source_id: int) -> HttpResponse:
    try:
        services.source_retry(actor=request.user, source_id=source_id)
    except DomainError as exc:
        if is_refusal(exc):
            raise
        messages.error(request, exc.message)
    return redirect("directives:source", source_id)


@login_required
@require_GET
@with_domain_errors
def source_download(request: HttpRequest, source_id: int) -> HttpResponse:
    stored = selectors.source_file(request.user, source_id)
    return stored_file_response(stored.name, stored.filename, stored.content_type)
