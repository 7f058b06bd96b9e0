"""Pages of the legal registry (issue 17): the list, an entry with the directives that cite it,
the look-up of any cited number, adding and correcting entries, and the directives still citing
a replaced document. Each view parses the request, calls one use case or page selector of
``namhoc.legal`` / ``namhoc.directives``, and renders (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from namhoc.core.errors import DomainError, NotFound
from namhoc.directives.selectors.citing import citation_graph, stale_citations
from namhoc.legal import selectors, services
from namhoc.legal.access import can_edit_registry, edit_refusal
from namhoc.legal.models import LegalDocument
from namhoc.web import legal_exports as exports
from namhoc.web.access import attach_error, with_domain_errors
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.legal_forms import FIELDS, LegalDocumentForm, initial_of
from namhoc.web.paging import paginate

PER_PAGE = 50


@login_required
@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:200]
    status = request.GET.get("tinh_trang", "")
    documents = selectors.registry_list(request.user, search=search, status=status)
    if wants_xlsx(request):
        table = exports.registry_table(documents, search=search, status=status)
        return xlsx_download([table], "Danh mục văn bản pháp lý")
    return render(
        request,
        "legal/registry.html",
        {
            "pager": paginate(request, documents, per_page=PER_PAGE, noun="văn bản"),
            "search": search,
            "status": status,
            "statuses": LegalDocument.Status.choices,
            "can_edit": can_edit_registry(request.user),
            "export_url": export_url(request),
        },
    )


def _graph_page(
    request: HttpRequest, number: str, page: selectors.DocumentPage | None, status: int = 200
) -> HttpResponse:
    graph = citation_graph(request.user, number)
    return render(
        request,
        "legal/document.html",
        {"graph": graph, "page": page, "entry": page.document if page else graph.entry},
        status=status,
    )


@login_required
@require_GET
@with_domain_errors
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    page = selectors.document_page(request.user, document_id)
    return _graph_page(request, page.document.number, page)


@login_required
@require_GET
@with_domain_errors
def lookup(request: HttpRequest) -> HttpResponse:
    """Any number as cited (``?so=``): its registry entry if there is one, and who cites it."""
    number = request.GET.get("so", "")
    entry = selectors.entry_for(number[:200]) if number.strip() else None
    if entry is not None:
        return redirect("legal:document", entry.pk)
    try:
        return _graph_page(request, number, None)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return render(request, "legal/lookup.html", {"error": exc, "number": number}, status=400)


def _form_page(
    request: HttpRequest,
    form: LegalDocumentForm,
    document: LegalDocument | None,
    *,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "legal/form.html",
        {"form": form, "document": document, "error": error},
        status=status,
    )


def _raw(request: HttpRequest) -> dict[str, Any]:
    return {name: request.POST.get(name, "") for name in FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def create(request: HttpRequest) -> HttpResponse:
    refusal = edit_refusal(request.user)
    if refusal is not None:
        raise refusal
    if request.method != "POST":
        return _form_page(request, LegalDocumentForm(initial={"status": "in_force"}), None)
    try:
        document = services.document_create(actor=request.user, **_raw(request))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        form = LegalDocumentForm(request.POST)
        attach_error(form, exc)
        return _form_page(request, form, None, error=exc, status=exc.status)
    messages.success(request, f"Đã thêm {document.label} vào danh mục.")
    return redirect("legal:document", document.pk)


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def update(request: HttpRequest, document_id: int) -> HttpResponse:
    page = selectors.document_page(request.user, document_id)
    if not page.can_edit:
        raise edit_refusal(request.user) or NotFound()
    if request.method != "POST":
        return _form_page(
            request, LegalDocumentForm(initial=initial_of(page.document)), page.document
        )
    try:
        document = services.document_update(
            actor=request.user,
            document_id=document_id,
            version=request.POST.get("version", ""),
            **_raw(request),
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        form = LegalDocumentForm(request.POST)
        attach_error(form, exc)
        return _form_page(request, form, page.document, error=exc, status=exc.status)
    messages.success(request, f"Đã lưu {document.label}.")
    return redirect("legal:document", document.pk)


@login_required
@require_GET
@with_domain_errors
def stale(request: HttpRequest) -> HttpResponse:
    """Published directives of a unit's subtree still citing a replaced document."""
    result = stale_citations(request.user, unit_key=request.GET.get("don_vi", "")[:40])
    if wants_xlsx(request):
        table = exports.stale_table(result)
        return xlsx_download([table], "Văn bản còn dẫn văn bản bị thay thế")
    return render(
        request,
        "legal/stale.html",
        {
            "result": result,
            "chosen": [result.unit] if result.unit else [],
            "export_url": export_url(request),
            "pager": paginate(request, result.directives, per_page=PER_PAGE, noun="văn bản"),
        },
    )
