"""Pages for tracked work: assign a task, an assignment's progress and evidence, a unit's open
work, the dashboard. Each view: parse input -> access -> service/selector -> render."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from namhoc.accounts.access import access_unit, has_role, visible_units
from namhoc.accounts.models import Role
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.text import fold
from namhoc.directives.access import access_task
from namhoc.directives.models import DirectiveTask
from namhoc.directives.services import StaleEdit
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import subtree_q
from namhoc.tracking import selectors, services
from namhoc.tracking.access import ASSIGNER, access_assignment, access_evidence
from namhoc.tracking.models import Assignment, AssignmentStatus
from namhoc.web.access import with_domain_errors
from namhoc.web.directives_views import _download

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssignForm(forms.Form):
    units = forms.MultipleChoiceField(label="Đơn vị thực hiện", required=False)
    level = forms.ChoiceField(label="Hoặc giao cho mọi đơn vị cấp", required=False)
    role = forms.ChoiceField(label="Vai trò", choices=Assignment.Role.choices)
    deadline = forms.DateField(label="Hạn hoàn thành", required=False, widget=DATE)
    target_value = forms.DecimalField(
        label="Chỉ tiêu", max_digits=14, decimal_places=4, required=False
    )
    target_unit = forms.CharField(label="Đơn vị tính", max_length=40, required=False)

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["units"]).choices = [(str(u.pk), u.name) for u in units]
        kinds = sorted({u.kind for u in units}, key=list(OrgUnit.Kind.values).index)
        cast(forms.ChoiceField, self.fields["level"]).choices = [("", "—")] + [
            (k, OrgUnit.Kind(k).label) for k in kinds
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("units") and not data.get("level"):
            raise forms.ValidationError("Hãy chọn đơn vị hoặc một cấp đơn vị.")
        return data


class TermsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label="Vai trò", choices=Assignment.Role.choices)
    deadline = forms.DateField(label="Hạn hoàn thành", required=False, widget=DATE)
    target_value = forms.DecimalField(
        label="Chỉ tiêu", max_digits=14, decimal_places=4, required=False
    )
    target_unit = forms.CharField(label="Đơn vị tính", max_length=40, required=False)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)


class UpdateForm(forms.Form):
    text = forms.CharField(label="Nội dung cập nhật", widget=forms.Textarea(attrs={"rows": 4}))
    percent = forms.IntegerField(label="Tiến độ (%)", min_value=0, max_value=100)


# --- assign ---------------------------------------------------------------------------------


def _assignable_units(task: DirectiveTask, user: Any) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(
            subtree_q(task.directive.unit.path, include_self=False), valid_to__isnull=True
        )
        .filter(pk__in=visible_units(user).values("pk"))
        .exclude(kind=OrgUnit.Kind.DISTRICT)
        .order_by("path")[:1000]
    )


def _prefill(task: DirectiveTask, units: list[OrgUnit]) -> list[str]:
    """Units named as lead by the reader's assignment hints on this task."""
    names = [fold(name) for hint in task.assignment_hints.all() for name in hint.lead]
    return [str(u.pk) for u in units if any(u.name_folded and u.name_folded in n for n in names)]


def _assign_page(
    request: HttpRequest, task: DirectiveTask, form: AssignForm | None = None, *, status: int = 200
) -> HttpResponse:
    units = _assignable_units(task, request.user)
    if form is None:
        form = AssignForm(units=units, initial={"units": _prefill(task, units), "role": "lead"})
    assignments = list(selectors.assignments_for_task(task.pk))
    today = selectors.today()
    return render(
        request,
        "tracking/assign.html",
        {
            "task": task,
            "directive": task.directive,
            "form": form,
            "rows": [(a, a.status_on(today)) for a in assignments],
            "hints": list(task.assignment_hints.all()),
            "can_assign": has_role(request.user, task.directive.unit, Role.SPECIALIST)
            and task.directive.status == "published",
        },
        status=status,
    )


@login_required
@with_domain_errors
def assign(request: HttpRequest, task_id: int) -> HttpResponse:
    if request.method != "POST":
        return _assign_page(request, access_task(request.user, task_id))
    task = access_task(request.user, task_id, need=Role.SPECIALIST)
    units = _assignable_units(task, request.user)
    form = AssignForm(request.POST, units=units)
    if not form.is_valid():
        return _assign_page(request, task, form, status=400)
    data = form.cleaned_data
    terms = {
        "role": data["role"],
        "deadline": data["deadline"],
        "target_value": data["target_value"],
        "target_unit": data["target_unit"],
    }
    try:
        if data["level"]:
            result = services.assignments_create_for_level(
                actor=request.user,
                task=task,
                kind=data["level"],
                within=[u.pk for u in units],
                **terms,
            )
            created = len(result.created)
        else:
            by_id = {str(u.pk): u for u in units}
            created = 0
            for pk in data["units"]:
                services.assignment_create(actor=request.user, task=task, unit=by_id[pk], **terms)
                created += 1
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _assign_page(request, task, form, status=exc.status)
    messages.success(request, f"Đã giao nhiệm vụ cho {created} đơn vị.")
    return redirect("tracking:assign", task.pk)


# --- one assignment -------------------------------------------------------------------------


def _assignment_page(
    request: HttpRequest,
    assignment: Assignment,
    *,
    update_form: UpdateForm | None = None,
    terms_form: TermsForm | None = None,
    error: DomainError | None = None,
    stale: StaleEdit | None = None,
    status: int = 200,
) -> HttpResponse:
    today = selectors.today()
    return render(
        request,
        "tracking/assignment.html",
        {
            "assignment": assignment,
            "status_label": AssignmentStatus(assignment.status_on(today)).label,
            "status": assignment.status_on(today),
            "updates": list(selectors.updates_for(assignment)),
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
            "can_report": has_role(request.user, assignment.unit, Role.SPECIALIST),
            "can_manage": has_role(request.user, assignment.task.directive.unit, Role.SPECIALIST),
            "error": error,
            "stale": stale,
        },
        status=status,
    )


@login_required
@require_GET
@with_domain_errors
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    return _assignment_page(request, access_assignment(request.user, assignment_id))


@login_required
@require_POST
@with_domain_errors
def update_post(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id, need=Role.SPECIALIST)
    form = UpdateForm(request.POST)
    if not form.is_valid():
        return _assignment_page(request, assignment, update_form=form, status=400)
    files = [
        services.UploadedFile(name=f.name or "", data=f.read())
        for f in request.FILES.getlist("files")
    ]
    try:
        services.update_post(
            actor=request.user,
            assignment=assignment,
            text=form.cleaned_data["text"],
            percent=form.cleaned_data["percent"],
            files=files,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _assignment_page(request, assignment, update_form=form, status=exc.status)
    messages.success(request, "Đã gửi cập nhật tiến độ.")
    return redirect("tracking:assignment", assignment.pk)


@login_required
@require_POST
@with_domain_errors
def terms_update(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access_assignment(request.user, assignment_id, need=Role.SPECIALIST, side=ASSIGNER)
    form = TermsForm(request.POST)
    if not form.is_valid():
        return _assignment_page(request, assignment, terms_form=form, status=400)
    try:
        services.assignment_update(actor=request.user, assignment=assignment, **form.cleaned_data)
    except StaleEdit as exc:
        assignment.refresh_from_db()
        return _assignment_page(
            request, assignment, terms_form=form, error=exc, stale=exc, status=409
        )
    except DomainError as exc:
        return _assignment_page(request, assignment, terms_form=form, error=exc, status=400)
    messages.success(request, "Đã lưu phân công.")
    return redirect("tracking:assignment", assignment.pk)


@login_required
@require_GET
@with_domain_errors
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = access_evidence(request.user, evidence_id)
    return _download(evidence.file.name or "", evidence.original_name, evidence.content_type)


# --- a unit's open work, dashboard ----------------------------------------------------------


def _year(request: HttpRequest, years: list[str]) -> str:
    wanted = request.GET.get("nam_hoc", "")
    if wanted and wanted in years:
        return wanted
    return years[0] if years else ""


@login_required
@require_GET
@with_domain_errors
def unit_work(request: HttpRequest, unit_key: str) -> HttpResponse:
    unit = access_unit(request.user, unit_key)
    today = selectors.today()
    work = list(selectors.open_work(unit))
    return render(
        request,
        "tracking/unit_work.html",
        {"unit": unit, "rows": [(a, a.status_on(today)) for a in work]},
    )


@login_required
@require_GET
@with_domain_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("don_vi", "")
    if key:
        unit = access_unit(request.user, key)
    else:
        from namhoc.orgunits.selectors import top_units

        top = top_units(visible_units(request.user)).first()
        if top is None:
            raise NotFound()
        unit = top
    years = selectors.school_years(request.user)
    year = _year(request, years)
    overall = selectors.rate_for(unit, school_year=year)
    return render(
        request,
        "tracking/dashboard.html",
        {
            "unit": unit,
            "year": year,
            "years": years,
            "overall": overall,
            "children": selectors.by_child_unit(unit, school_year=year),
            "tasks": selectors.by_task(unit, school_year=year),
            "work_url": reverse("tracking:unit_work", args=[unit.key]),
        },
    )
