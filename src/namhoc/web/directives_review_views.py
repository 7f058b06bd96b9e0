"""The review page of a directive and every correction of a draft (header, tasks, citations,
targets), publish (with its confirmation) and revise. Each view parses the request, calls one use
case of ``namhoc.directives`` (or ``tracking.services.directive_publish``), and renders the page
again with the input kept and the message on its field when refused (ADR 0007).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from namhoc.core.errors import Conflict, DomainError, StaleEdit
from namhoc.core.formats import format_date
from namhoc.core.parsing import parse_date
from namhoc.directives import selectors, services
from namhoc.directives.source_text import PAGE_PARAMETER as TEXT_PAGE_PARAMETER
from namhoc.tracking import services as tracking_services
from namhoc.web import directives_exports as exports
from namhoc.web.access import attach_error, is_refusal, with_domain_errors
from namhoc.web.directives_forms import (
    CitationForm,
    HeaderForm,
    PublishForm,
    SplitForm,
    TargetAddForm,
    TargetForm,
    TaskAddForm,
    TaskForm,
)
from namhoc.web.exports import wants_xlsx, xlsx_download


def _review_url(directive_id: int, anchor: str = "") -> str:
    url = reverse("directives:detail", args=[directive_id])
    return f"{url}#{anchor}" if anchor else url


# --- the review page ------------------------------------------------------------------------


def _review_forms(page: selectors.ReviewPage, bound: Mapping[str, forms.Form]) -> dict[str, Any]:
    """Every form of the review page, pre-filled with the saved values (numbers and dates the
    Vietnamese way), or the one the user just posted (``bound``, with its input and errors)."""
    directive = page.directive
    tasks = page.tasks
    rows = []
    for task in tasks:
        rows.append(
            {
                "task": task,
                "form": bound.get(f"task-{task.pk}")
                or TaskForm(
                    initial={
                        "version": task.version,
                        "label": task.label,
                        "title": task.title,
                        "text": task.text,
                    },
                    prefix=f"t{task.pk}",
                ),
                "split": bound.get(f"split-{task.pk}")
                or SplitForm(initial={"version": task.version}, prefix=f"s{task.pk}"),
            }
        )
    citations = [
        (
            citation,
            bound.get(f"citation-{citation.pk}")
            or CitationForm(
                initial={
                    "number": citation.number,
                    "doc_type": citation.doc_type,
                    "issued_on": citation.issued_on,
                },
                auto_id=f"vbd{citation.pk}-%s",
            ),
        )
        for citation in directive.citations.all()
    ]
    targets = [
        (
            target,
            cast(
                TargetAddForm,
                bound.get(f"target-{target.pk}")
                or TargetForm(
                    initial={
                        "value": target.value,
                        "unit_label": target.unit_label,
                        "task_id": str(target.task_id or ""),
                    },
                    auto_id=f"ct{target.pk}-%s",
                ),
            ).with_tasks(tasks),
        )
        for target in directive.targets.all()
    ]
    new_target = cast(TargetAddForm, bound.get("target-new") or TargetAddForm(auto_id="ct-moi-%s"))
    return {
        "header_form": bound.get("header")
        or HeaderForm(
            initial={
                "version": directive.version,
                **{name: getattr(directive, name) for name in services.HEADER_FIELDS},
            }
        ),
        "rows": rows,
        "citations": citations,
        "citation_form": bound.get("citation-new") or CitationForm(auto_id="vbd-moi-%s"),
        "targets": targets,
        "target_form": new_target.with_tasks(tasks),
        "task_form": bound.get("task-new") or TaskAddForm(auto_id="nv-moi-%s"),
    }


def _stale_fields(stale: StaleEdit) -> list[tuple[str, str]]:
    """What the other person saved, by the labels of the form's fields, the Vietnamese way."""
    form = HeaderForm if "doc_type" in stale.current else TaskForm  # a header or a task
    labels = {name: str(field.label) for name, field in form.base_fields.items()}
    shown = []
    for name, value in stale.current.items():
        if name not in labels or name == "version":
            continue
        if isinstance(value, bool):
            text = "có" if value else "không"
        elif name == "issued_on":
            text = format_date(parse_date(value)) if value else ""
        else:
            text = str(value or "")
        shown.append((labels[name], text or "—"))
    return shown


def _review(
    request: HttpRequest,
    directive_id: int,
    *,
    bound: Mapping[str, forms.Form] | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.review_page(
        request.user, directive_id, text_page=request.GET.get(TEXT_PAGE_PARAMETER)
    )
    stale = error if isinstance(error, StaleEdit) else None
    context = {
        "page": page,
        "directive": page.directive,
        "source": page.source,
        "error": error,
        "stale": stale,
        "stale_fields": _stale_fields(stale) if stale is not None else [],
        "export_url": _review_url(directive_id) + "?xuat=xlsx",
        **_review_forms(page, bound or {}),
    }
    return render(request, "directives/review.html", context, status=status)


@login_required
@require_GET
@with_domain_errors
def detail(request: HttpRequest, directive_id: int) -> HttpResponse:
    if wants_xlsx(request):
        page = selectors.review_page(request.user, directive_id)
        tables = exports.review_tables(page)
        return xlsx_download(tables, f"Nhiệm vụ {page.directive.short_label}")
    return _review(request, directive_id)


def _act(
    request: HttpRequest,
    directive_id: int,
    action: Callable[[], object],
    *,
    form: tuple[str, forms.Form] | None = None,
    done: str = "",
    anchor: str = "",
) -> HttpResponse:
    """Run one use case for the review page: on success back to the page (at ``anchor``) with
    ``done`` said; on a refusal the page again, with ``form`` keeping the input and showing the
    message on its field (403/404: the error page)."""
    try:
        action()
    except DomainError as exc:
        if is_refusal(exc):
            raise
        bound: dict[str, forms.Form] = {}
        if form is not None:
            key, posted = form
            if not isinstance(exc, Conflict) and not posted.errors.get(exc.field or ""):
                attach_error(posted, exc)
            bound[key] = posted
        return _review(request, directive_id, bound=bound, error=exc, status=exc.status)
    if done:
        messages.success(request, done)
    return redirect(_review_url(directive_id, anchor))


@login_required
@require_POST
@with_domain_errors
def header_update(request: HttpRequest, directive_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        directive_id,
        lambda: services.directive_update(
            actor=request.user,
            directive_id=directive_id,
            version=post.get("version"),
            values={name: post.get(name, "") for name in services.HEADER_FIELDS},
        ),
        form=("header", HeaderForm(post)),
        done="Đã lưu thông tin văn bản.",
    )


def _task_fields(request: HttpRequest, prefix: str) -> dict[str, str]:
    return {
        name: request.POST.get(f"{prefix}{name}", "")
        for name in ("version", "label", "title", "text")
    }


@login_required
@require_POST
@with_domain_errors
def task_update(request: HttpRequest, directive_id: int, task_id: int) -> HttpResponse:
    return _act(
        request,
        directive_id,
        lambda: services.task_update(
            actor=request.user,
            directive_id=directive_id,
            task_id=task_id,
            **_task_fields(request, f"t{task_id}-"),
        ),
        form=(f"task-{task_id}", TaskForm(request.POST, prefix=f"t{task_id}")),
        done="Đã lưu nhiệm vụ.",
        anchor=f"nhiem-vu-{task_id}",
    )


@login_required
@require_POST
@with_domain_errors
def task_merge(request: HttpRequest, directive_id: int, task_id: int) -> HttpResponse:
    return _act(
        request,
        directive_id,
        lambda: services.task_merge_next(
            actor=request.user,
            directive_id=directive_id,
            task_id=task_id,
            version=request.POST.get("version"),
        ),
        done="Đã gộp với nhiệm vụ kế tiếp.",
        anchor=f"nhiem-vu-{task_id}",
    )


@login_required
@require_POST
@with_domain_errors
def task_split(request: HttpRequest, directive_id: int, task_id: int) -> HttpResponse:
    prefix = f"s{task_id}"
    return _act(
        request,
        directive_id,
        lambda: services.task_split(
            actor=request.user,
            directive_id=directive_id,
            task_id=task_id,
            version=request.POST.get(f"{prefix}-version"),
            before=request.POST.get(f"{prefix}-before", ""),
        ),
        form=(f"split-{task_id}", SplitForm(request.POST, prefix=prefix)),
        done="Đã tách thành hai nhiệm vụ.",
        anchor=f"nhiem-vu-{task_id}",
    )


@login_required
@require_POST
@with_domain_errors
def task_delete(request: HttpRequest, directive_id: int, task_id: int) -> HttpResponse:
    return _act(
        request,
        directive_id,
        lambda: services.task_delete(
            actor=request.user,
            directive_id=directive_id,
            task_id=task_id,
            version=request.POST.get("version"),
        ),
        done="Đã xóa nhiệm vụ.",
        anchor="nhiem-vu",
    )


@login_required
@require_POST
@with_domain_errors
def task_add(request: HttpRequest, directive_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        directive_id,
        lambda: services.task_add(
            actor=request.user,
            directive_id=directive_id,
            label=post.get("label", ""),
            title=post.get("title", ""),
            text=post.get("text", ""),
        ),
        form=("task-new", TaskAddForm(post, auto_id="nv-moi-%s")),
        done="Đã thêm nhiệm vụ.",
        anchor="nhiem-vu",
    )


def _citation_fields(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in ("number", "doc_type", "issued_on")}


@login_required
@require_POST
@with_domain_errors
def citation_add(request: HttpRequest, directive_id: int) -> HttpResponse:
    return _act(
        request,
        directive_id,
        lambda: services.citation_add(
            actor=request.user, directive_id=directive_id, **_citation_fields(request)
        ),
        form=("citation-new", CitationForm(request.POST, auto_id="vbd-moi-%s")),
        done="Đã thêm văn bản được dẫn.",
        anchor="van-ban-dan",
    )


@login_required
@require_POST
@with_domain_errors
def citation_save(request: HttpRequest, directive_id: int, citation_id: int) -> HttpResponse:
    """Save a citation's correction, or delete it (the form's "Xóa" button)."""
    if request.POST.get("delete"):
        return _act(
            request,
            directive_id,
            lambda: services.citation_delete(
                actor=request.user, directive_id=directive_id, citation_id=citation_id
            ),
            done="Đã xóa văn bản được dẫn.",
            anchor="van-ban-dan",
        )
    return _act(
        request,
        directive_id,
        lambda: services.citation_update(
            actor=request.user,
            directive_id=directive_id,
            citation_id=citation_id,
            **_citation_fields(request),
        ),
        form=(
            f"citation-{citation_id}",
            CitationForm(request.POST, auto_id=f"vbd{citation_id}-%s"),
        ),
        done="Đã lưu văn bản được dẫn.",
        anchor="van-ban-dan",
    )


@login_required
@require_POST
@with_domain_errors
def target_add(request: HttpRequest, directive_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        directive_id,
        lambda: services.target_add(
            actor=request.user,
            directive_id=directive_id,
            value=post.get("value", ""),
            unit_label=post.get("unit_label", ""),
            task_id=post.get("task_id", ""),
            sentence=post.get("sentence", ""),
        ),
        form=("target-new", TargetAddForm(post, auto_id="ct-moi-%s")),
        done="Đã thêm chỉ tiêu.",
        anchor="chi-tieu",
    )


@login_required
@require_POST
@with_domain_errors
def target_save(request: HttpRequest, directive_id: int, target_id: int) -> HttpResponse:
    """Save a target's correction, or delete it (the form's "Xóa" button)."""
    if request.POST.get("delete"):
        return _act(
            request,
            directive_id,
            lambda: services.target_delete(
                actor=request.user, directive_id=directive_id, target_id=target_id
            ),
            done="Đã xóa chỉ tiêu.",
            anchor="chi-tieu",
        )
    post = request.POST
    return _act(
        request,
        directive_id,
        lambda: services.target_update(
            actor=request.user,
            directive_id=directive_id,
            target_id=target_id,
            value=post.get("value", ""),
            unit_label=post.get("unit_label", ""),
            task_id=post.get("task_id", ""),
        ),
        form=(
            f"target-{target_id}",
            TargetForm(post, auto_id=f"ct{target_id}-%s"),
        ),
        done="Đã lưu chỉ tiêu.",
        anchor="chi-tieu",
    )


# --- publish, revise ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def publish(request: HttpRequest, directive_id: int) -> HttpResponse:
    """GET (or a POST without the confirmation): what publishing will do and what the draft
    still lacks; POST with ``xac_nhan=1``: publish (works without JavaScript)."""
    page = selectors.publish_page(request.user, directive_id)
    form = PublishForm(initial={"version": page.directive.version})
    if request.method == "POST" and request.POST.get("xac_nhan") == "1":
        try:
            tracking_services.directive_publish(
                actor=request.user, directive_id=directive_id, version=request.POST.get("version")
            )
        except DomainError as exc:
            if is_refusal(exc):
                raise
            page = selectors.publish_page(request.user, directive_id)
            context = {"page": page, "directive": page.directive, "form": form, "error": exc}
            return render(request, "directives/publish.html", context, status=exc.status)
        messages.success(request, "Đã ban hành văn bản trên hệ thống.")
        return redirect(_review_url(directive_id))
    context = {"page": page, "directive": page.directive, "form": form, "error": None}
    return render(request, "directives/publish.html", context)


@login_required
@require_POST
@with_domain_errors
def revise(request: HttpRequest, directive_id: int) -> HttpResponse:
    try:
        revision = services.directive_revise(actor=request.user, directive_id=directive_id)
    except DomainError as exc:
        if is_refusal(exc):
            raise
        return _review(request, directive_id, error=exc, status=exc.status)
    messages.success(request, f"Đã mở bản sửa đổi lần {revision.revision}.")
    return redirect(_review_url(revision.pk))
