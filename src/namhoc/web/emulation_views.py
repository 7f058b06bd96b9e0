"""Pages for emulation: the year's rounds, a round (titles and their criteria, registrations, the
council, the stages, the decision), one registration (self-assessment with evidence, the vote),
the results and the decision as Word files, the history of a unit and of a person. Each view
parses the request, calls one use case or page selector of ``namhoc.emulation``, and renders
(ADR 0007)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from namhoc.core.errors import DomainError
from namhoc.emulation import selectors, services
from namhoc.emulation.access import access_evidence
from namhoc.emulation.models import EmulationRound
from namhoc.tracking.selectors import units_named
from namhoc.web import emulation_exports as exports
from namhoc.web.access import is_refusal, with_domain_errors
from namhoc.web.downloads import stored_file_response
from namhoc.web.emulation_forms import (
    CouncilForm,
    DecideForm,
    RegisterForm,
    RoundEditForm,
    RoundForm,
    VersionForm,
    assessment_form_class,
    assessment_initial,
)
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.inspections_views import docx_response, refusal_on
from namhoc.web.paging import paginate

PER_PAGE = 30
_DEFAULTS = {"quorum_percent": 67, "threshold_percent": 50}


# --- rounds ---------------------------------------------------------------------------------


def _index(
    request: HttpRequest,
    page: selectors.IndexPage,
    form: RoundForm,
    *,
    chosen: list[Any],
    unit_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "emulation/index.html",
        {
            "page": page,
            "form": form,
            "chosen": chosen,
            "unit_errors": unit_errors or [],
            "export_url": export_url(request),
            "rounds": paginate(request, page.rounds, per_page=PER_PAGE, noun="đợt thi đua"),
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
            table = exports.rounds_table(page)
            return xlsx_download([table], f"Thi đua năm học {page.school_year}")
        form = RoundForm(
            initial={
                "school_year": page.school_year,
                "title": f"Thi đua năm học {page.school_year}",
                **_DEFAULTS,
            }
        )
        return _index(request, page, form, chosen=[page.home] if page.home else [])
    unit_key = request.POST.get("unit", "")
    try:
        created = services.round_open(
            actor=request.user,
            unit=unit_key,
            school_year=request.POST.get("school_year", ""),
            title=request.POST.get("title", ""),
            quorum_percent=request.POST.get("quorum_percent", ""),
            threshold_percent=request.POST.get("threshold_percent", ""),
        )
    except DomainError as exc:
        if is_refusal(exc) and exc.field != "unit":
            raise
        form = refusal_on(RoundForm(request.POST), exc, apart=("unit",))
        unit_errors = [exc.message] if exc.field == "unit" else []
        chosen = units_named(request.user, [unit_key])
        return _index(
            request, page, form, chosen=chosen, unit_errors=unit_errors, status=exc.status
        )
    messages.success(request, f"Đã mở đợt thi đua năm học {created.school_year}.")
    return redirect("emulation:round", created.pk)


def _round(
    request: HttpRequest,
    page: selectors.RoundPage,
    *,
    forms: dict[str, Any] | None = None,
    chosen: list[Any] | None = None,
    unit_errors: list[str] | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    found = page.round
    given = forms or {}
    return render(
        request,
        "emulation/round.html",
        {
            "page": page,
            "round": found,
            "error": error,
            "settings_form": given.get("settings")
            or RoundEditForm(
                initial={
                    "version": found.version,
                    "title": found.title,
                    "quorum_percent": found.quorum_percent,
                    "threshold_percent": found.threshold_percent,
                }
            ),
            "advance_form": VersionForm(initial={"version": found.version}),
            "council_form": given.get("council")
            or CouncilForm(people=[(u.pk, str(u)) for u in page.candidates]),
            "register_form": given.get("register") or RegisterForm(),
            "decide_form": given.get("decide") or DecideForm(initial={"version": found.version}),
            "chosen": chosen if chosen is not None else ([page.home] if page.home else []),
            "unit_errors": unit_errors or [],
            "statuses": EmulationRound.Status,
            "export_url": reverse("emulation:round", args=[found.pk]) + "?xuat=xlsx",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """GET: the round; POST: its name and its council's rules."""
    if request.method != "POST":
        page = selectors.round_page(request.user, round_id)
        if wants_xlsx(request):
            return xlsx_download([exports.round_table(page)], f"Đợt thi đua {round_id}")
        return _round(request, page)
    try:
        services.round_update(
            actor=request.user,
            round_id=round_id,
            version=request.POST.get("version", ""),
            title=request.POST.get("title", ""),
            quorum_percent=request.POST.get("quorum_percent", ""),
            threshold_percent=request.POST.get("threshold_percent", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = refusal_on(RoundEditForm(request.POST), exc)
        page = selectors.round_page(request.user, round_id)
        return _round(request, page, forms={"settings": form}, error=exc, status=exc.status)
    messages.success(request, "Đã lưu đợt thi đua.")
    return redirect("emulation:round", round_id)


def _round_again(
    request: HttpRequest, round_id: int, exc: DomainError, name: str, form: Any
) -> HttpResponse:
    refusal_on(form, exc)
    page = selectors.round_page(request.user, round_id)
    return _round(request, page, forms={name: form}, error=exc, status=exc.status)


@login_required
@require_POST
@with_domain_errors
def round_advance(request: HttpRequest, round_id: int) -> HttpResponse:
    try:
        moved = services.round_advance(
            actor=request.user, round_id=round_id, version=request.POST.get("version", "")
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        page = selectors.round_page(request.user, round_id)
        return _round(request, page, error=exc, status=exc.status)
    messages.success(request, f"Đợt thi đua chuyển sang giai đoạn: {moved.get_status_display()}.")
    return redirect("emulation:round", round_id)


@login_required
@require_POST
@with_domain_errors
def council_add(request: HttpRequest, round_id: int) -> HttpResponse:
    try:
        member = services.council_member_add(
            actor=request.user,
            round_id=round_id,
            user_id=request.POST.get("user", ""),
            role=request.POST.get("role", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        page = selectors.round_page(request.user, round_id)
        form = CouncilForm(request.POST, people=[(u.pk, str(u)) for u in page.candidates])
        return _round_again(request, round_id, exc, "council", form)
    messages.success(request, f"Đã thêm {member.user} vào hội đồng.")
    return redirect("emulation:round", round_id)


@login_required
@require_POST
@with_domain_errors
def council_remove(request: HttpRequest, round_id: int, member_id: int) -> HttpResponse:
    try:
        member = services.council_member_remove(
            actor=request.user, member_id=member_id, round_id=round_id
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        messages.error(request, exc.message)
        return redirect("emulation:round", round_id)
    messages.success(request, f"Đã bỏ {member.user} khỏi hội đồng.")
    return redirect("emulation:round", round_id)


@login_required
@require_POST
@with_domain_errors
def register(request: HttpRequest, round_id: int) -> HttpResponse:
    unit_key = request.POST.get("unit", "")
    try:
        registration = services.registration_create(
            actor=request.user,
            round_id=round_id,
            title=request.POST.get("title", ""),
            unit=unit_key,
            person=request.POST.get("person", ""),
        )
    except DomainError as exc:
        if is_refusal(exc) and exc.field != "unit":
            raise
        form = refusal_on(RegisterForm(request.POST), exc, apart=("unit",))
        unit_errors = [exc.message] if exc.field == "unit" else []
        page = selectors.round_page(request.user, round_id)
        return _round(
            request,
            page,
            forms={"register": form},
            chosen=units_named(request.user, [unit_key]),
            unit_errors=unit_errors,
            status=exc.status,
        )
    messages.success(request, f"Đã đăng ký danh hiệu: {registration}.")
    return redirect("emulation:registration", registration.pk)


@login_required
@require_POST
@with_domain_errors
def decide(request: HttpRequest, round_id: int) -> HttpResponse:
    try:
        decided = services.round_decide(
            actor=request.user,
            round_id=round_id,
            version=request.POST.get("version", ""),
            decision_number=request.POST.get("decision_number", ""),
            decision_date=request.POST.get("decision_date", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        return _round_again(request, round_id, exc, "decide", DecideForm(request.POST))
    messages.success(request, f"Đã ghi quyết định khen thưởng năm học {decided.school_year}.")
    return redirect("emulation:round", round_id)


@login_required
@require_GET
@with_domain_errors
def results_download(request: HttpRequest, round_id: int) -> HttpResponse:
    return docx_response(*selectors.results_file(request.user, round_id))


@login_required
@require_GET
@with_domain_errors
def decision_download(request: HttpRequest, round_id: int) -> HttpResponse:
    return docx_response(*selectors.decision_file(request.user, round_id))


# --- one registration -----------------------------------------------------------------------


def _registration(
    request: HttpRequest,
    page: selectors.RegistrationPage,
    *,
    form: Any = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    form_class = assessment_form_class(page.title)
    return render(
        request,
        "emulation/registration.html",
        {
            "page": page,
            "registration": page.registration,
            "round": page.registration.round,
            "title": page.title,
            "form": form or form_class(initial=assessment_initial(page.registration, page.title)),
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
@with_domain_errors
def registration_detail(request: HttpRequest, registration_id: int) -> HttpResponse:
    return _registration(request, selectors.registration_page(request.user, registration_id))


@login_required
@require_POST
@with_domain_errors
def assess(request: HttpRequest, registration_id: int) -> HttpResponse:
    page = selectors.registration_page(request.user, registration_id)
    declared = {
        c.code: request.POST.get(f"d-{c.code}", "")
        for c in (page.title.declared if page.title else ())
    }
    try:
        services.assessment_submit(
            actor=request.user,
            registration_id=registration_id,
            version=request.POST.get("version", ""),
            text=request.POST.get("text", ""),
            declared=declared,
            files=[
                services.UploadedFile(name=f.name or "", data=f.read())
                for f in request.FILES.getlist("files")
            ],
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = refusal_on(assessment_form_class(page.title)(request.POST), exc)
        return _registration(request, page, form=form, error=exc, status=exc.status)
    messages.success(request, "Đã nộp tự đánh giá; namhoc đã tính các tiêu chí từ số liệu năm học.")
    return redirect("emulation:registration", registration_id)


@login_required
@require_POST
@with_domain_errors
def withdraw(request: HttpRequest, registration_id: int) -> HttpResponse:
    try:
        services.registration_withdraw(actor=request.user, registration_id=registration_id)
    except DomainError as exc:
        if is_refusal(exc):
            raise
        page = selectors.registration_page(request.user, registration_id)
        return _registration(request, page, error=exc, status=exc.status)
    messages.success(request, "Đã rút đăng ký.")
    return redirect("emulation:registration", registration_id)


@login_required
@require_POST
@with_domain_errors
def vote(request: HttpRequest, registration_id: int) -> HttpResponse:
    try:
        services.vote_cast(
            actor=request.user,
            registration_id=registration_id,
            agree=request.POST.get("agree", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        page = selectors.registration_page(request.user, registration_id)
        return _registration(request, page, error=exc, status=exc.status)
    messages.success(request, "Đã ghi phiếu của bạn.")
    return redirect("emulation:registration", registration_id)


@login_required
@require_GET
@with_domain_errors
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence: Any = access_evidence(request.user, evidence_id)
    return stored_file_response(
        evidence.file.name or "", evidence.original_name, evidence.content_type
    )


# --- history --------------------------------------------------------------------------------


@login_required
@require_GET
@with_domain_errors
def unit_history(request: HttpRequest, unit_key: str) -> HttpResponse:
    page = selectors.unit_history(request.user, unit_key[:40])
    return render(request, "emulation/history.html", {"page": page})


@login_required
@require_GET
@with_domain_errors
def person_history(request: HttpRequest, user_id: int) -> HttpResponse:
    page = selectors.person_history(request.user, user_id)
    return render(request, "emulation/history.html", {"page": page})
