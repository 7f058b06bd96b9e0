"""Cascade pages of a directive: the upper directive it implements, the links of its tasks to the
upper tasks (proposed, confirmed, rejected), and who below the issuer implements it (coverage).
Each view parses, calls one use case or page selector of ``namhoc.directives``, renders."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from namhoc.core.errors import DomainError
from namhoc.directives import selectors, services
from namhoc.directives.cascade import embedding_available
from namhoc.web import directives_exports as exports
from namhoc.web.access import attach_error, with_domain_errors
from namhoc.web.directives_forms import AcceptLinksForm, UpperForm
from namhoc.web.exports import wants_xlsx, xlsx_download


def _links_url(directive_id: int, anchor: str = "") -> str:
    url = reverse("directives:links", args=[directive_id])
    return f"{url}#{anchor}" if anchor else url


def _links_page(
    request: HttpRequest,
    directive_id: int,
    *,
    error: DomainError | None = None,
    upper_form: UpperForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.links_page(request.user, directive_id)
    form = upper_form or UpperForm(initial={"upper": str(page.directive.upper_id or "")})
    form.set_choices(page.upper_choices)
    accept = AcceptLinksForm(initial={"level": "strong"})
    return render(
        request,
        "directives/links.html",
        {
            "page": page,
            "directive": page.directive,
            "upper": page.upper,
            "upper_form": form,
            "accept_form": accept,
            "embeddings": embedding_available(),
            "error": error,
            "export_url": _links_url(directive_id) + "?xuat=xlsx" if page.upper else "",
        },
        status=status,
    )


@login_required
@require_GET
@with_domain_errors
def links(request: HttpRequest, directive_id: int) -> HttpResponse:
    if wants_xlsx(request):
        page = selectors.links_page(request.user, directive_id)
        table = exports.links_table(page)
        return xlsx_download([table], f"Liên kết cấp trên {page.directive.short_label}")
    return _links_page(request, directive_id)


def _act(
    request: HttpRequest,
    directive_id: int,
    action: Callable[[], object],
    *,
    upper_form: UpperForm | None = None,
    done: Callable[[object], str] | None = None,
    anchor: str = "",
) -> HttpResponse:
    try:
        result = action()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        if upper_form is not None:
            attach_error(upper_form, exc)
        return _links_page(
            request, directive_id, error=exc, upper_form=upper_form, status=exc.status
        )
    if done is not None:
        messages.success(request, done(result))
    return redirect(_links_url(directive_id, anchor))


@login_required
@require_POST
@with_domain_errors
def set_upper(request: HttpRequest, directive_id: int) -> HttpResponse:
    upper = request.POST.get("upper", "")
    return _act(
        request,
        directive_id,
        lambda: services.directive_set_upper(
            actor=request.user, directive_id=directive_id, upper_id=upper
        ),
        upper_form=UpperForm(request.POST),
        done=lambda _: "Đã ghi văn bản cấp trên.",
    )


@login_required
@require_POST
@with_domain_errors
def links_suggest(request: HttpRequest, directive_id: int) -> HttpResponse:
    return _act(
        request,
        directive_id,
        lambda: services.links_suggest(actor=request.user, directive_id=directive_id),
        done=lambda count: f"Đã đề xuất {count} liên kết; hãy xác nhận hoặc bỏ từng liên kết.",
    )


@login_required
@require_POST
@with_domain_errors
def link_decide(request: HttpRequest, directive_id: int) -> HttpResponse:
    task = request.POST.get("task", "")
    return _act(
        request,
        directive_id,
        lambda: services.link_decide(
            actor=request.user,
            directive_id=directive_id,
            task_id=task,
            upper_task_id=request.POST.get("upper_task", ""),
            decision=request.POST.get("decision", ""),
        ),
        anchor=f"nhiem-vu-{task}" if task.isascii() and task.isdigit() else "",
    )


@login_required
@require_POST
@with_domain_errors
def links_accept(request: HttpRequest, directive_id: int) -> HttpResponse:
    """Confirm every undecided proposal of a level or better, in one step."""
    return _act(
        request,
        directive_id,
        lambda: services.links_accept(
            actor=request.user, directive_id=directive_id, level=request.POST.get("level", "")
        ),
        done=lambda links: f"Đã xác nhận {len(links)} liên kết.",  # type: ignore[arg-type]
    )


@login_required
@require_GET
@with_domain_errors
def coverage(request: HttpRequest, directive_id: int) -> HttpResponse:
    report = selectors.coverage_page(request.user, directive_id)
    if wants_xlsx(request):
        tables = exports.coverage_tables(report)
        return xlsx_download(tables, f"Cấp dưới thực hiện {report.upper.short_label}")
    return render(
        request,
        "directives/coverage.html",
        {
            "directive": report.upper,
            "report": report,
            "uncovered": report.uncovered_task_ids,
            "export_url": reverse("directives:coverage", args=[directive_id]) + "?xuat=xlsx",
        },
    )
