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
from namhoc.directives.access import access_task
from namhoc.directives.models import DirectiveTask
from namhoc.directives.services import StaleEdit
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import subtree_q
from namhoc.tracking import prefill, selectors, services
from namhoc.tracking.access import ASSIGNER, access_assignment, access_evidence
from namhoc.tracking.models import Assignment, AssignmentStatus
from namhoc.web.access import with_domain_errors
from namhoc.web.downloads import stored_file_response
from namhoc.web.paging import paginate

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WORK_PER_PAGE = 50
DASHBOARD_ROWS_PER_PAGE = 50


def level_choices(units: list[OrgUnit]) -> list[tuple[str, str]]:
    """ "Every unit of a level" among ``units``: each kind, and for schools each school level
    present ("school:thcs" -> "Trường Trung học cơ sở")."""
    order = list(OrgUnit.Kind.values)
    choices: list[tuple[str, str]] = []
    for kind in sorted({u.kind for u in units}, key=order.index):
        choices.append((kind, str(OrgUnit.Kind(kind).label)))
        if kind == OrgUnit.Kind.SCHOOL:
            levels = list(OrgUnit.SchoolLevel.values)
            present = {u.school_level for u in units if u.kind == kind and u.school_level}
            for level in sorted(present, key=levels.index):
                label = OrgUnit.SchoolLevel(level).label
                choices.append((f"{kind}:{level}", f"Trường {label}"))
    return choices


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
        cast(forms.ChoiceField, self.fields["level"]).choices = [
            ("", "—"),
            *level_choices(units),
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


def _proposal(task: DirectiveTask, units: list[OrgUnit]) -> prefill.Proposal:
    """Units and levels named as lead by the reader's assignment hints on this task."""
    names = [name for hint in task.assignment_hints.all() for name in hint.lead]
    return prefill.propose(names, units)


def _assign_page(
    request: HttpRequest, task: DirectiveTask, form: AssignForm | None = None, *, status: int = 200
) -> HttpResponse:
    units = _assignable_units(task, request.user)
    proposal = _proposal(task, units)
    labels = dict(level_choices(units))
    if form is None:
        initial = {
            "units": [str(pk) for pk in proposal.units],
            "level": proposal.levels[0].value if proposal.levels and not proposal.units else "",
            "role": "lead",
        }
        form = AssignForm(units=units, initial=initial)
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
            "proposed_units": [u.name for u in units if u.pk in set(proposal.units)],
            "proposed_levels": [(labels[lv.value], lv.hint) for lv in proposal.levels],
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
            kind, _, school_level = data["level"].partition(":")
            result = services.assignments_create_for_level(
                actor=request.user,
                task=task,
                kind=kind,
                school_level=school_level,
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
    updates = list(selectors.updates_for(assignment))
    return render(
        request,
        "tracking/assignment.html",
        {
            "assignment": assignment,
            "status_label": AssignmentStatus(assignment.status_on(today)).label,
            "status": assignment.status_on(today),
            "updates": updates,
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
            "deletable": not updates,
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
@with_domain_errors
def assignment_delete(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """GET: the confirmation page; POST: withdraw the assignment (the assigner's specialist, as
    for assigning). Refused with 409 once the unit has reported progress."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    assignment = access_assignment(request.user, assignment_id, need=Role.SPECIALIST, side=ASSIGNER)
    reports = selectors.updates_for(assignment).count()
    context = {"assignment": assignment, "reports": reports, "error": None}
    if request.method == "POST":
        try:
            services.assignment_delete(actor=request.user, assignment=assignment)
        except DomainError as exc:
            context["error"] = exc
            return render(request, "tracking/assignment_delete.html", context, status=exc.status)
        messages.success(request, f"Đã xóa phân công cho {assignment.unit.name}.")
        return redirect("tracking:assign", assignment.task_id)
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
    pager = paginate(request, selectors.open_work(unit), per_page=WORK_PER_PAGE, noun="việc")
    return render(
        request,
        "tracking/unit_work.html",
        {
            "unit": unit,
            "pager": pager,
            "rows": [(a, a.status_on(today)) for a in pager.page.object_list],
        },
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
            "children": paginate(
                request,
                selectors.by_child_unit(unit, school_year=year),
                per_page=DASHBOARD_ROWS_PER_PAGE,
                noun="đơn vị",
                param="trang_dv",
            ),
            "tasks": paginate(
                request,
                selectors.by_task(unit, school_year=year),
                per_page=DASHBOARD_ROWS_PER_PAGE,
                noun="nhiệm vụ",
                param="trang_nv",
            ),
            "work_url": reverse("tracking:unit_work", args=[unit.key]),
        },
    )
