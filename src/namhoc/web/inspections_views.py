"""Pages for inspections: the plans of a school year, a plan and its inspections, one inspection
(team, checklist and results, findings, recommendations, conclusion and the follow-up of each
recommendation), the record and the conclusion as Word files. Each view parses the request, calls
one use case or page selector of ``namhoc.inspections``, and renders (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from namhoc.core.errors import Conflict, DomainError
from namhoc.inspections import selectors, services
from namhoc.inspections.models import InspectionKind
from namhoc.tracking.selectors import units_named
from namhoc.web import inspections_exports as exports
from namhoc.web.access import attach_error, is_refusal, with_domain_errors
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.inspections_forms import (
    ChecklistForm,
    ConcludeForm,
    FindingsForm,
    InspectionForm,
    PlanEditForm,
    PlanForm,
    RecommendationForm,
    ScheduleForm,
    TeamForm,
    results_form_class,
    results_initial,
)
from namhoc.web.paging import paginate

PER_PAGE = 30


def refusal_on(form: Any, exc: DomainError, *, apart: tuple[str, ...] = ()) -> Any:
    """``form`` (bound to what was posted) showing the use case's refusal — the one authority
    (ADR 0007) — and not also the form's own pre-check of the same input. A refusal of a field
    shown ``apart`` (the unit picker's) and a stale edit (the page says what the other person
    saved) leave the form without errors."""
    form.full_clean()
    form.errors.clear()
    if exc.field not in apart and not (isinstance(exc, Conflict) and exc.code == "stale"):
        attach_error(form, exc)
    return form


def docx_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=selectors.DOCX)
    ascii_name = filename.encode("ascii", "ignore").decode() or "van-ban.docx"
    response["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the plans ------------------------------------------------------------------------------


def _index(
    request: HttpRequest,
    page: selectors.IndexPage,
    form: PlanForm,
    *,
    chosen: list[Any],
    unit_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "inspections/index.html",
        {
            "page": page,
            "form": form,
            "chosen": chosen,
            "unit_errors": unit_errors or [],
            "export_url": export_url(request),
            "plans": paginate(request, page.plans, per_page=PER_PAGE, noun="kế hoạch"),
            "inspections": paginate(
                request, page.inspections, per_page=PER_PAGE, noun="cuộc kiểm tra", param="trang_kt"
            ),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def index(request: HttpRequest) -> HttpResponse:
    page = selectors.index_page(request.user, school_year=request.GET.get("nam_hoc", "")[:9])
    if request.method != "POST":
        if wants_xlsx(request):
            tables = exports.index_tables(page)
            return xlsx_download(tables, f"Kiểm tra năm học {page.school_year}")
        form = PlanForm(initial={"school_year": page.school_year})
        return _index(request, page, form, chosen=[page.home] if page.home else [])
    unit_key = request.POST.get("unit", "")
    try:
        plan = services.plan_create(
            actor=request.user,
            unit=unit_key,
            school_year=request.POST.get("school_year", ""),
            title=request.POST.get("title", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        if is_refusal(exc) and exc.field != "unit":
            raise
        form = PlanForm(request.POST)
        unit_errors = [exc.message] if exc.field == "unit" else []
        refusal_on(form, exc, apart=("unit",))
        chosen = units_named(request.user, [unit_key])
        return _index(
            request, page, form, chosen=chosen, unit_errors=unit_errors, status=exc.status
        )
    messages.success(request, f"Đã lập kế hoạch kiểm tra năm học {plan.school_year}.")
    return redirect("inspections:plan", plan.pk)


def _plan(
    request: HttpRequest,
    page: selectors.PlanPage,
    *,
    edit_form: PlanEditForm | None = None,
    form: InspectionForm | None = None,
    chosen: list[Any] | None = None,
    unit_errors: list[str] | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    plan = page.plan
    return render(
        request,
        "inspections/plan.html",
        {
            "page": page,
            "plan": plan,
            "edit_form": edit_form
            or PlanEditForm(
                initial={"version": plan.version, "title": plan.title, "note": plan.note}
            ),
            "form": form
            or InspectionForm(kinds=page.kinds, initial={"kind": InspectionKind.CHECK}),
            "chosen": chosen or [],
            "unit_errors": unit_errors or [],
            "error": error,
            "export_url": reverse("inspections:plan", args=[plan.pk]) + "?xuat=xlsx",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """GET: the plan and its inspections; POST: correct the plan's name and text."""
    page = selectors.plan_page(request.user, plan_id)
    if request.method != "POST":
        if wants_xlsx(request):
            return xlsx_download([exports.plan_table(page)], f"Kế hoạch kiểm tra {plan_id}")
        return _plan(request, page)
    try:
        services.plan_update(
            actor=request.user,
            plan_id=plan_id,
            version=request.POST.get("version", ""),
            title=request.POST.get("title", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = refusal_on(PlanEditForm(request.POST), exc)
        return _plan(request, page, edit_form=form, error=exc, status=exc.status)
    messages.success(request, "Đã lưu kế hoạch.")
    return redirect("inspections:plan", plan_id)


@login_required
@require_POST
@with_domain_errors
def inspection_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    page = selectors.plan_page(request.user, plan_id)
    unit_key = request.POST.get("unit", "")
    try:
        inspection = services.inspection_create(
            actor=request.user,
            plan_id=plan_id,
            kind=request.POST.get("kind", ""),
            unit=unit_key,
            subject=request.POST.get("subject", ""),
            starts_on=request.POST.get("starts_on", ""),
            ends_on=request.POST.get("ends_on", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = InspectionForm(request.POST, kinds=page.kinds)
        unit_errors = [exc.message] if exc.field == "unit" else []
        refusal_on(form, exc, apart=("unit",))
        return _plan(
            request,
            page,
            form=form,
            chosen=units_named(request.user, [unit_key]),
            unit_errors=unit_errors,
            status=exc.status,
        )
    messages.success(request, f"Đã lên lịch {inspection.get_kind_display().lower()}.")
    return redirect("inspections:detail", inspection.pk)


# --- one inspection -------------------------------------------------------------------------


def _people(page: selectors.InspectionPage) -> list[tuple[int, str]]:
    return [(u.pk, str(u)) for u in page.candidates]


def _inspection(
    request: HttpRequest,
    page: selectors.InspectionPage,
    *,
    forms: dict[str, Any] | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    inspection = page.inspection
    given = forms or {}
    items = page.items
    results_class = results_form_class(items)
    members = [str(m.user_id) for m in page.members]
    results_form = given.get("results") or results_class(initial=results_initial(items))
    recommendation_forms = {
        r.pk: given.get(f"recommendation-{r.pk}")
        or RecommendationForm(prefix=f"k{r.pk}", initial={"text": r.text, "deadline": r.deadline})
        for r, _follow in page.recommendations
    }
    context: dict[str, Any] = {
        "page": page,
        "inspection": inspection,
        "export_url": reverse("inspections:detail", args=[inspection.pk]) + "?xuat=xlsx",
        "error": error,
        "stale": error if isinstance(error, Conflict) and error.code == "stale" else None,
        "schedule_form": given.get("schedule")
        or ScheduleForm(
            initial={
                "version": inspection.version,
                "subject": inspection.subject,
                "starts_on": inspection.starts_on,
                "ends_on": inspection.ends_on,
            }
        ),
        "team_form": given.get("team")
        or TeamForm(
            people=_people(page),
            initial={
                "version": inspection.version,
                "members": members,
                "lead": str(page.lead.user_id) if page.lead else "",
            },
        ),
        "checklist_form": given.get("checklist")
        or ChecklistForm(
            tasks=[
                (t.pk, f"{t.directive.short_label} · {t.label} {t.title}") for t in page.scope_tasks
            ],
            indicators=[(i.pk, i.name) for i in page.scope_indicators],
        ),
        "results_form": results_form,
        "findings_form": given.get("findings")
        or FindingsForm(initial={"version": inspection.version, "findings": inspection.findings}),
        "recommendation_form": given.get("recommendation") or RecommendationForm(),
        "conclude_form": given.get("conclude")
        or ConcludeForm(initial={"version": inspection.version}),
    }
    context["result_rows"] = [
        (item, results_form[f"r{item.pk}-result"], results_form[f"r{item.pk}-note"])
        for item in items
    ]
    context["recommendation_rows"] = [
        (r, follow, recommendation_forms[r.pk]) for r, follow in page.recommendations
    ]
    return render(request, "inspections/inspection.html", context, status=status)


def _again(
    request: HttpRequest, inspection_id: int, exc: DomainError, name: str, form: Any
) -> HttpResponse:
    """The inspection page again, ``form`` (the one posted) showing the refusal."""
    refusal_on(form, exc)
    page = selectors.inspection_page(request.user, inspection_id)
    return _inspection(request, page, forms={name: form}, error=exc, status=exc.status)


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """GET: the inspection; POST: change its subject and dates."""
    if request.method != "POST":
        page = selectors.inspection_page(request.user, inspection_id)
        if wants_xlsx(request):
            tables = exports.inspection_tables(page)
            return xlsx_download(tables, f"Cuộc kiểm tra {inspection_id}")
        return _inspection(request, page)
    try:
        services.inspection_update(
            actor=request.user,
            inspection_id=inspection_id,
            version=request.POST.get("version", ""),
            subject=request.POST.get("subject", ""),
            starts_on=request.POST.get("starts_on", ""),
            ends_on=request.POST.get("ends_on", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        return _again(request, inspection_id, exc, "schedule", ScheduleForm(request.POST))
    messages.success(request, "Đã lưu lịch kiểm tra.")
    return redirect("inspections:detail", inspection_id)


@login_required
@require_POST
@with_domain_errors
def team(request: HttpRequest, inspection_id: int) -> HttpResponse:
    try:
        services.team_set(
            actor=request.user,
            inspection_id=inspection_id,
            version=request.POST.get("version", ""),
            members=request.POST.getlist("members"),
            lead=request.POST.get("lead", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        page = selectors.inspection_page(request.user, inspection_id)
        form = TeamForm(request.POST, people=_people(page))
        return _again(request, inspection_id, exc, "team", form)
    messages.success(request, "Đã lưu đoàn kiểm tra.")
    return redirect("inspections:detail", inspection_id)


@login_required
@require_POST
@with_domain_errors
def checklist_add(request: HttpRequest, inspection_id: int) -> HttpResponse:
    try:
        added = services.checklist_add(
            actor=request.user,
            inspection_id=inspection_id,
            text=request.POST.get("text", ""),
            task_ids=request.POST.getlist("task_ids"),
            indicator_ids=request.POST.getlist("indicator_ids"),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        page = selectors.inspection_page(request.user, inspection_id)
        form = ChecklistForm(
            request.POST,
            tasks=[(t.pk, t.title) for t in page.scope_tasks],
            indicators=[(i.pk, i.name) for i in page.scope_indicators],
        )
        return _again(request, inspection_id, exc, "checklist", form)
    messages.success(request, f"Đã thêm {len(added)} mục kiểm tra.")
    return redirect("inspections:detail", inspection_id)


@login_required
@require_POST
@with_domain_errors
def checklist_remove(request: HttpRequest, inspection_id: int, item_id: int) -> HttpResponse:
    try:
        removed = services.checklist_remove(
            actor=request.user, item_id=item_id, inspection_id=inspection_id
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        messages.error(request, exc.message)
        return redirect("inspections:detail", inspection_id)
    messages.success(request, f"Đã bỏ mục “{removed.text}”.")
    return redirect("inspections:detail", inspection_id)


@login_required
@require_POST
@with_domain_errors
def results(request: HttpRequest, inspection_id: int) -> HttpResponse:
    page = selectors.inspection_page(request.user, inspection_id)
    posted = {
        item.pk: {
            "result": request.POST.get(f"r{item.pk}-result", ""),
            "note": request.POST.get(f"r{item.pk}-note", ""),
        }
        for item in page.items
        if f"r{item.pk}-result" in request.POST
    }
    try:
        services.results_record(actor=request.user, inspection_id=inspection_id, results=posted)
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = results_form_class(page.items)(request.POST)
        return _again(request, inspection_id, exc, "results", form)
    messages.success(request, "Đã ghi kết quả kiểm tra.")
    return redirect("inspections:detail", inspection_id)


@login_required
@require_POST
@with_domain_errors
def findings(request: HttpRequest, inspection_id: int) -> HttpResponse:
    try:
        services.findings_save(
            actor=request.user,
            inspection_id=inspection_id,
            version=request.POST.get("version", ""),
            findings=request.POST.get("findings", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        return _again(request, inspection_id, exc, "findings", FindingsForm(request.POST))
    messages.success(request, "Đã lưu nhận xét, kết luận của đoàn.")
    return redirect("inspections:detail", inspection_id)


@login_required
@require_POST
@with_domain_errors
def recommendation_add(request: HttpRequest, inspection_id: int) -> HttpResponse:
    try:
        services.recommendation_add(
            actor=request.user,
            inspection_id=inspection_id,
            text=request.POST.get("text", ""),
            deadline=request.POST.get("deadline", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = RecommendationForm(request.POST)
        return _again(request, inspection_id, exc, "recommendation", form)
    messages.success(request, "Đã thêm kiến nghị.")
    return redirect("inspections:detail", inspection_id)


@login_required
@require_POST
@with_domain_errors
def recommendation_save(
    request: HttpRequest, inspection_id: int, recommendation_id: int
) -> HttpResponse:
    prefix = f"k{recommendation_id}"
    try:
        services.recommendation_update(
            actor=request.user,
            recommendation_id=recommendation_id,
            inspection_id=inspection_id,
            text=request.POST.get(f"{prefix}-text", ""),
            deadline=request.POST.get(f"{prefix}-deadline", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = RecommendationForm(request.POST, prefix=prefix)
        return _again(request, inspection_id, exc, f"recommendation-{recommendation_id}", form)
    messages.success(request, "Đã lưu kiến nghị.")
    return redirect("inspections:detail", inspection_id)


@login_required
@require_POST
@with_domain_errors
def recommendation_delete(
    request: HttpRequest, inspection_id: int, recommendation_id: int
) -> HttpResponse:
    try:
        services.recommendation_delete(
            actor=request.user, recommendation_id=recommendation_id, inspection_id=inspection_id
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        messages.error(request, exc.message)
        return redirect("inspections:detail", inspection_id)
    messages.success(request, "Đã bỏ kiến nghị.")
    return redirect("inspections:detail", inspection_id)


@login_required
@require_POST
@with_domain_errors
def conclude(request: HttpRequest, inspection_id: int) -> HttpResponse:
    try:
        inspection = services.inspection_conclude(
            actor=request.user,
            inspection_id=inspection_id,
            version=request.POST.get("version", ""),
            number=request.POST.get("number", ""),
            issued_on=request.POST.get("issued_on", ""),
            signer_name=request.POST.get("signer_name", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        return _again(request, inspection_id, exc, "conclude", ConcludeForm(request.POST))
    count = inspection.recommendations.count()
    if count:
        messages.success(
            request,
            f"Đã ban hành kết luận; {count} kiến nghị đã thành việc của {inspection.unit.name}.",
        )
    else:
        messages.success(request, "Đã ban hành kết luận (không có kiến nghị).")
    return redirect("inspections:detail", inspection_id)


@login_required
@require_GET
@with_domain_errors
def record_download(request: HttpRequest, inspection_id: int) -> HttpResponse:
    return docx_response(*selectors.record_file(request.user, inspection_id))


@login_required
@require_GET
@with_domain_errors
def conclusion_download(request: HttpRequest, inspection_id: int) -> HttpResponse:
    return docx_response(*selectors.conclusion_file(request.user, inspection_id))
