"""Pages for tracked work: assign a task, an assignment's progress and evidence, a unit's open
work, the dashboard. Each view parses the request, calls one use case or page selector of
``namhoc.tracking``, and renders (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from namhoc.core.errors import Conflict, DomainError, Forbidden
from namhoc.tracking import selectors, services
from namhoc.tracking.access import access_evidence
from namhoc.tracking.models import AssignmentStatus
from namhoc.web import tracking_exports as exports
from namhoc.web.access import attach_error, is_refusal, with_domain_errors
from namhoc.web.downloads import stored_file_response
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.paging import paginate
from namhoc.web.tracking_forms import AssignForm, TermsForm, UpdateForm

WORK_PER_PAGE = 50
DASHBOARD_ROWS_PER_PAGE = 50
_TERMS = ("role", "deadline", "target_value", "target_unit")


# --- assign ---------------------------------------------------------------------------------


def _assign_page(
    request: HttpRequest,
    page: selectors.AssignPage,
    form: AssignForm | None = None,
    *,
    chosen: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        proposed_level = (
            page.proposed_levels[0][0] if page.proposed_levels and not page.proposed_units else ""
        )
        form = AssignForm(levels=page.levels, initial={"level": proposed_level, "role": "lead"})
        chosen = page.proposed_units
    return render(
        request,
        "tracking/assign.html",
        {
            "page": page,
            "task": page.task,
            "directive": page.task.directive,
            "form": form,
            "chosen": chosen or [],
            "export_url": export_url(request),
            "unit_errors": form.errors.get("units", []) if form.is_bound else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def assign(request: HttpRequest, task_id: int) -> HttpResponse:
    page = selectors.assign_page(request.user, task_id)
    if request.method != "POST":
        if wants_xlsx(request):
            table = exports.assignments_table(page, selectors.today())
            return xlsx_download([table], f"Phân công nhiệm vụ {page.task.label}")
        return _assign_page(request, page)
    keys = request.POST.getlist("units")
    try:
        result = services.assignments_create(
            actor=request.user,
            task_id=task_id,
            units=keys,
            level=request.POST.get("level", ""),
            **{name: request.POST.get(name, "") for name in _TERMS},
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        form = AssignForm(request.POST, levels=page.levels)
        if exc.field == "units":
            form.errors.setdefault("units", form.error_class()).append(exc.message)
        else:
            attach_error(form, exc)
        chosen = selectors.units_named(request.user, keys)
        return _assign_page(request, page, form, chosen=chosen, status=exc.status)
    skipped = f" ({len(result.skipped)} đơn vị đã được giao trước đó)" if result.skipped else ""
    messages.success(request, f"Đã giao nhiệm vụ cho {len(result.created)} đơn vị{skipped}.")
    return redirect("tracking:assign", task_id)


# --- one assignment -------------------------------------------------------------------------


def _assignment_page(
    request: HttpRequest,
    page: selectors.AssignmentPage,
    *,
    update_form: UpdateForm | None = None,
    terms_form: TermsForm | None = None,
    error: DomainError | None = None,
    review_error: tuple[int, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    assignment = page.assignment
    return render(
        request,
        "tracking/assignment.html",
        {
            "page": page,
            "assignment": assignment,
            "status_label": AssignmentStatus(page.status).label,
            "status": page.status,
            "updates": page.updates,
            "update_form": update_form or UpdateForm(initial={"percent": assignment.percent}),
            "terms_form": terms_form
            or TermsForm(
                initial={
                    "version": assignment.version,
                    "role": assignment.role,
                    "deadline": assignment.deadline,
                    "target_value": assignment.target_value,
                    "target_unit": assignment.target_unit,
                    "note": assignment.note,
                }
            ),
            "can_report": page.can_report,
            "can_manage": page.can_manage,
            "deletable": page.deletable,
            "error": error,
            "stale": error if isinstance(error, Conflict) and terms_form is not None else None,
            "review_error": review_error[0] if review_error else None,
            "review_comment": review_error[1].get("comment", "") if review_error else "",
        },
        status=status,
    )


@login_required
@require_GET
@with_domain_errors
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    return _assignment_page(request, selectors.assignment_page(request.user, assignment_id))


@login_required
@require_POST
@with_domain_errors
def update_post(request: HttpRequest, assignment_id: int) -> HttpResponse:
    try:
        services.progress_post(
            actor=request.user,
            assignment_id=assignment_id,
            text=request.POST.get("text", ""),
            percent=request.POST.get("percent", ""),
            files=[
                services.UploadedFile(name=f.name or "", data=f.read())
                for f in request.FILES.getlist("files")
            ],
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = UpdateForm(request.POST)
        attach_error(form, exc)
        page = selectors.assignment_page(request.user, assignment_id)
        return _assignment_page(request, page, update_form=form, status=exc.status)
    messages.success(request, "Đã gửi cập nhật tiến độ.")
    return redirect("tracking:assignment", assignment_id)


@login_required
@require_POST
@with_domain_errors
def update_review(request: HttpRequest, update_id: int) -> HttpResponse:
    """The assigner accepts a progress report, or returns it with a comment."""
    try:
        update = services.progress_review(
            actor=request.user,
            update_id=update_id,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        page = selectors.update_page(request.user, update_id)
        return _assignment_page(
            request, page, error=exc, review_error=(update_id, request.POST), status=exc.status
        )
    if update.review == update.Review.RETURNED:
        messages.success(request, "Đã trả lại báo cáo; đơn vị sẽ thấy việc này đầu danh sách.")
    else:
        messages.success(request, "Đã chấp nhận báo cáo.")
    return redirect("tracking:assignment", update.assignment_id)


@login_required
@require_POST
@with_domain_errors
def terms_update(request: HttpRequest, assignment_id: int) -> HttpResponse:
    try:
        services.assignment_update(
            actor=request.user,
            assignment_id=assignment_id,
            version=request.POST.get("version", ""),
            note=request.POST.get("note", ""),
            **{name: request.POST.get(name, "") for name in _TERMS},
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = TermsForm(request.POST)
        if not isinstance(exc, Conflict):
            attach_error(form, exc)
        page = selectors.assignment_page(request.user, assignment_id)
        return _assignment_page(request, page, terms_form=form, error=exc, status=exc.status)
    messages.success(request, "Đã lưu phân công.")
    return redirect("tracking:assignment", assignment_id)


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def assignment_delete(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """GET: the confirmation page; POST: withdraw the assignment. Refused with 409 once the unit
    has reported progress."""
    page = selectors.assignment_page(request.user, assignment_id)
    context = {"assignment": page.assignment, "reports": len(page.updates), "error": None}
    if request.method == "POST":
        try:
            deleted = services.assignment_delete(actor=request.user, assignment_id=assignment_id)
        except DomainError as exc:
            context["error"] = exc
            return render(request, "tracking/assignment_delete.html", context, status=exc.status)
        messages.success(request, f"Đã xóa phân công cho {deleted.unit.name}.")
        return redirect("tracking:assign", deleted.task_id)
    if not page.can_manage:
        raise Forbidden()
    return render(request, "tracking/assignment_delete.html", context)


@login_required
@require_GET
@with_domain_errors
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = access_evidence(request.user, evidence_id)
    return stored_file_response(
        evidence.file.name or "", evidence.original_name, evidence.content_type
    )


# --- a unit's open work, dashboard ----------------------------------------------------------


@login_required
@require_GET
@with_domain_errors
def unit_work(request: HttpRequest, unit_key: str) -> HttpResponse:
    page = selectors.unit_work(request.user, unit_key=unit_key)
    today = selectors.today()
    if wants_xlsx(request):
        table = exports.work_table(page.unit.name, page.work, today)
        return xlsx_download([table], f"Việc cần làm {page.unit.name}")
    pager = paginate(request, page.work, per_page=WORK_PER_PAGE, noun="việc")
    return render(
        request,
        "tracking/unit_work.html",
        {
            "export_url": export_url(request),
            "unit": page.unit,
            "pager": pager,
            "rows": [(a, a.status_on(today)) for a in pager.page.object_list],
        },
    )


def _sort_links(request: HttpRequest, board: selectors.Dashboard) -> dict[str, dict[str, str]]:
    """Per column: the link that sorts by it (again: the other way) and its current state."""
    links: dict[str, dict[str, str]] = {}
    for key, label in selectors.SORT_KEYS.items():
        query = request.GET.copy()
        query["sap_xep"] = key
        current = board.sort == key
        query["chieu"] = "giam" if current and not board.descending else "tang"
        for page_param in ("trang_dv", "trang_nv"):
            query.pop(page_param, None)
        state = ""
        if current:
            state = "descending" if board.descending else "ascending"
        links[key] = {"url": "?" + query.urlencode(), "state": state, "label": label}
    return links


@login_required
@require_GET
@with_domain_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    board = selectors.dashboard(
        request.user,
        unit_key=request.GET.get("don_vi", "")[:40],
        school_year=request.GET.get("nam_hoc", "")[:20],
        sort=request.GET.get("sap_xep", ""),
        descending=request.GET.get("chieu") == "giam",
        kind=request.GET.get("loai", "")[:40],
        search=request.GET.get("tim", ""),
    )
    if wants_xlsx(request):
        return xlsx_download(exports.dashboard_tables(board), f"Bảng theo dõi {board.unit.name}")
    return render(
        request,
        "tracking/dashboard.html",
        {
            "export_url": export_url(request),
            "board": board,
            "unit": board.unit,
            "parent": board.parent,
            "year": board.school_year,
            "years": board.years,
            "overall": board.overall,
            "sort_links": _sort_links(request, board),
            "children": paginate(
                request,
                board.by_child_unit,
                per_page=DASHBOARD_ROWS_PER_PAGE,
                noun="đơn vị",
                param="trang_dv",
            ),
            "tasks": paginate(
                request,
                board.by_task,
                per_page=DASHBOARD_ROWS_PER_PAGE,
                noun="nhiệm vụ",
                param="trang_nv",
            ),
            "work_url": reverse("tracking:unit_work", args=[board.unit.key]),
        },
    )
