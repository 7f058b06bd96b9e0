"""Figures pages: my data sets, entry per unit/period/data set (htmx save), approval, Excel round
trip, targets, the dashboard and the scorecard. Each view parses the request, calls one use case
of ``namhoc.indicators.services`` or one page selector of ``namhoc.indicators.selectors``, and
renders (ADR 0007): who may do what, every number and every lock is decided there.

The page selectors of pages that show rolled-up figures also say whether the roll-ups are being
rebuilt after a change of the org tree (and queue that rebuild once); the pages show a banner.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from namhoc.core.errors import DomainError
from namhoc.indicators import selectors, services
from namhoc.indicators.access import Scope
from namhoc.indicators.charts import bar_chart, trend_chart
from namhoc.indicators.excel import ImportRefused, ImportResult
from namhoc.indicators.services import ConfirmDeletes, InvalidValues, StaleValues
from namhoc.indicators.snapshot import CatalogueSnapshot
from namhoc.web import indicators_exports as exports
from namhoc.web.access import attach_error, is_refusal, with_domain_errors
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.indicators_forms import (
    AllocationForm,
    ApproveForm,
    FiguresForm,
    ImportForm,
    RevokeForm,
    TargetForm,
    WeightsForm,
    version_name,
)

_NOT_FIGURES = frozenset({"csrfmiddlewaretoken", "xac_nhan_xoa"})


@login_required
@require_GET
@with_domain_errors
def index(request: HttpRequest) -> HttpResponse:
    """My units (the tops of my scope), the data sets reported in each, for a period."""
    page = selectors.index_page(request.user, period_code=request.GET.get("ky", ""))
    return render(
        request,
        "indicators/index.html",
        {"page": page, "periods": page.periods, "period": page.period, "cards": page.cards},
    )


# --- entry, approval, Excel ----------------------------------------------------------------


def _form_context(page: Any, figures: FiguresForm | None) -> dict[str, Any]:
    """What ``indicators/_entry_form.html`` reads, from an ``EntryPage`` or an
    ``EntryFormPart``; ``figures``: the form holding what was typed, when it is shown again."""
    return {
        "page": page,
        "unit": page.unit,
        "period": page.period,
        "data_set": page.data_set,
        "figures": figures,
        "errors": {},
    }


def _entry(
    request: HttpRequest,
    key: str,
    period_code: str,
    data_set_code: str,
    *,
    status: int = 200,
    partial: bool = False,
    scope: Scope | None = None,
    catalogue: CatalogueSnapshot | None = None,
    **extra: Any,
) -> HttpResponse:
    page = selectors.entry_page(
        request.user,
        unit_key=key,
        period_code=period_code,
        data_set_code=data_set_code,
        scope=scope,
        catalogue=catalogue,
    )
    figures = extra.pop("figures_form", None)  # what was typed, when a save is refused
    context = {
        **_form_context(page, figures),
        "rollups_stale": page.rollups_stale,
        "export_url": reverse("indicators-entry", args=[key, period_code, data_set_code])
        + "?xuat=xlsx",
        # the approval forms show on the page of a unit above the reporting ones only
        **({} if page.reports else {"approve_form": ApproveForm(), "revoke_form": RevokeForm()}),
        **extra,
    }
    if partial:
        # htmx swaps only successful responses: the form with its messages comes back as 200.
        return render(request, "indicators/_entry_form.html", context)
    return render(request, "indicators/entry.html", context, status=status)


@login_required
@require_GET
@with_domain_errors
def entry(request: HttpRequest, key: str, period_code: str, data_set_code: str) -> HttpResponse:
    if wants_xlsx(request):
        page = selectors.entry_page(
            request.user, unit_key=key, period_code=period_code, data_set_code=data_set_code
        )
        return xlsx_download(exports.entry_tables(page), f"{page.data_set.name} {page.unit.name}")
    return _entry(request, key, period_code, data_set_code)


def _typed(post: QueryDict) -> tuple[dict[str, object], dict[str, object]]:
    """The figures typed in the form (box name = element code) and the versions shown beside
    them (``v-CODE``), as sent."""
    values: dict[str, object] = {
        name: post.get(name, "")
        for name in post
        if name not in _NOT_FIGURES and not name.startswith("v-")
    }
    versions: dict[str, object] = {code: post.get(version_name(code), "") for code in values}
    return values, versions


@login_required
@require_POST
@with_domain_errors
def save(request: HttpRequest, key: str, period_code: str, data_set_code: str) -> HttpResponse:
    """Save the form (htmx swaps the form; without htmx the page is rendered again)."""
    values, versions = _typed(request.POST)
    partial = bool(getattr(request, "htmx", False))
    try:
        result = services.values_save(
            actor=request.user,
            unit_key=key,
            period_code=period_code,
            data_set_code=data_set_code,
            values=values,
            versions=versions,
            confirm_deletes=bool(request.POST.get("xac_nhan_xoa")),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        page = selectors.entry_page(
            request.user, unit_key=key, period_code=period_code, data_set_code=data_set_code
        )
        errors: dict[str, list[str]] = {}
        if isinstance(exc, InvalidValues | StaleValues | ConfirmDeletes):
            errors = exc.errors
        elif exc.field:
            errors = {exc.field: [exc.message]}
        assert page.form is not None or not errors
        figures = FiguresForm(request.POST, figures=page.form) if page.form is not None else None
        return _entry(
            request,
            key,
            period_code,
            data_set_code,
            status=exc.status,
            partial=partial,
            figures_form=figures,
            errors=errors,
            notice=exc.message,
            failed=True,
            confirm_deletes=isinstance(exc, ConfirmDeletes),
        )
    notice = (
        f"Đã lưu {result.changed} số liệu." if result.changed else "Không có số liệu nào thay đổi."
    )
    if result.deleted:
        notice += f" Trong đó {result.deleted} số liệu đã lưu được xóa theo xác nhận của bạn."
    if partial and result.scope is not None and result.catalogue is not None:
        # htmx swaps the form alone: only what it shows is read again.
        part = selectors.entry_form_part(
            request.user, scope=result.scope, catalogue=result.catalogue
        )
        context = {**_form_context(part, None), "notice": notice}
        return render(request, "indicators/_entry_form.html", context)
    return _entry(
        request,
        key,
        period_code,
        data_set_code,
        partial=partial,
        scope=result.scope,
        catalogue=result.catalogue,
        notice=notice,
    )


@login_required
@require_POST
@with_domain_errors
def approve(request: HttpRequest, key: str, period_code: str, data_set_code: str) -> HttpResponse:
    """Approve (after the confirmation box is ticked), or un-approve with a reason."""
    revoking = request.POST.get("action") == "revoke"
    try:
        if revoking:
            services.approval_revoke(
                actor=request.user,
                unit_key=key,
                period_code=period_code,
                data_set_code=data_set_code,
                reason=request.POST.get("reason", ""),
            )
        else:
            services.approval_approve(
                actor=request.user,
                unit_key=key,
                period_code=period_code,
                data_set_code=data_set_code,
                confirmed=bool(request.POST.get("xac_nhan")),
            )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form: Any = RevokeForm(request.POST) if revoking else ApproveForm(request.POST)
        form.is_valid()  # the use case's message replaces the form's own for its field
        form.errors.pop(exc.field or "__all__", None)
        attach_error(form, exc)
        name = "revoke_form" if revoking else "approve_form"
        return _entry(request, key, period_code, data_set_code, status=exc.status, **{name: form})
    if revoking:
        messages.success(request, "Đã hủy phê duyệt; số liệu được mở để sửa. Lý do được ghi lại.")
    else:
        messages.success(request, "Đã phê duyệt số liệu; số liệu các đơn vị bên dưới được khóa.")
    return redirect(
        "indicators-entry", key=key, period_code=period_code, data_set_code=data_set_code
    )


@login_required
@require_GET
@with_domain_errors
def template_download(
    request: HttpRequest, key: str, period_code: str, data_set_code: str
) -> HttpResponse:
    download = services.values_template(
        actor=request.user, unit_key=key, period_code=period_code, data_set_code=data_set_code
    )
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@login_required
@require_POST
@with_domain_errors
def template_upload(
    request: HttpRequest, key: str, period_code: str, data_set_code: str
) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    upload = request.FILES.get("file")
    content = upload.read(settings.UPLOAD_MAX_BYTES + 1) if upload is not None else b""
    result: ImportResult | None = None
    try:
        result = services.values_import(
            actor=request.user,
            unit_key=key,
            period_code=period_code,
            data_set_code=data_set_code,
            content=content,
        )
    except ImportRefused as exc:
        message = "Hãy chọn tệp Excel (.xlsx) để nhập." if upload is None else exc.message
        return _entry(request, key, period_code, data_set_code, status=400, import_error=message)
    except DomainError as exc:
        if is_refusal(exc):
            raise
        return _entry(
            request, key, period_code, data_set_code, status=exc.status, import_error=exc.message
        )
    if not result.ok:
        return _entry(
            request,
            key,
            period_code,
            data_set_code,
            status=400,
            import_result=result,
            import_form=form,
        )
    messages.success(
        request,
        f"Đã nhập {result.rows} dòng: {result.created} số liệu mới, {result.updated} số liệu sửa, "
        f"{result.deleted} số liệu xóa.",
    )
    return redirect(
        "indicators-entry", key=key, period_code=period_code, data_set_code=data_set_code
    )


# --- dashboards ----------------------------------------------------------------------------


def _listing(request: HttpRequest) -> dict[str, str]:
    return {
        "sort": request.GET.get("sap_xep", ""),
        "direction": request.GET.get("chieu", ""),
        "kind": request.GET.get("loai", ""),
        "search": request.GET.get("tim", ""),
    }


@login_required
@require_GET
@with_domain_errors
def dashboard(request: HttpRequest, key: str = "") -> HttpResponse:
    """A unit's indicators (no key: the person's own unit), the focus indicator's trend and its
    figure in each child unit."""
    page = selectors.dashboard_page(
        request.user,
        unit_key=key,
        period_code=request.GET.get("ky", ""),
        indicator_code=request.GET.get("chi_tieu", ""),
        **_listing(request),
    )
    if wants_xlsx(request):
        return xlsx_download(exports.dashboard_tables(page), f"Bảng chỉ tiêu {page.unit.name}")
    row = page.focus_row
    trend = (
        trend_chart(
            [(p.school_year, v.value) for p, v in row.trend],
            row.cell.target,
            width=560,
            height=200,
        )
        if row is not None
        else None
    )
    bars = (
        bar_chart(
            [(u.name, c.shown, c.target, c.colour, c.coverage.label) for u, c in page.children]
        )
        if page.children
        else None
    )
    sparks = {
        r.indicator.pk: trend_chart(
            [(p.school_year, v.value) for p, v in r.trend],
            r.cell.target,
            width=120,
            height=36,
            pad=4,
            axis=False,
        )
        for r in page.board.rows
    }
    return render(
        request,
        "indicators/dashboard.html",
        {
            "page": page,
            "unit": page.unit,
            "board": page.board,
            "periods": page.periods,
            "period": page.period,
            "trend": trend,
            "bars": bars,
            "sparks": sparks,
            "focus_row": row,
            "rollups_stale": page.rollups_stale,
            "extra": [("chi_tieu", page.board.focus.code)] if page.board.focus else [],
            "export_url": export_url(request),
        },
    )


@login_required
@require_GET
@with_domain_errors
def scorecard(request: HttpRequest, key: str) -> HttpResponse:
    weights = WeightsForm(request.GET)
    status = 200
    try:
        page = selectors.scorecard_page(
            request.user,
            unit_key=key,
            period_code=request.GET.get("ky", ""),
            w_attainment=request.GET.get("w_dat", ""),
            w_on_time=request.GET.get("w_han", ""),
            **_listing(request),
        )
    except DomainError as exc:
        if is_refusal(exc) or exc.field not in ("w_dat", "w_han"):
            raise
        page = selectors.scorecard_page(
            request.user, unit_key=key, period_code=request.GET.get("ky", ""), **_listing(request)
        )
        weights = WeightsForm(request.GET)
        weights.is_valid()
        if not weights.errors:
            attach_error(weights, exc)
        status = exc.status
    if status == 200 and wants_xlsx(request):
        return xlsx_download(exports.scorecard_tables(page), f"Xếp hạng {page.unit.name}")
    if status == 200:
        weights = WeightsForm(
            initial={
                "w_dat": page.card.weights["attainment"],
                "w_han": page.card.weights["on_time"],
            }
        )
    return render(
        request,
        "indicators/scorecard.html",
        {
            "page": page,
            "unit": page.unit,
            "card": page.card,
            "periods": page.periods,
            "period": page.period,
            "weights": weights,
            "rollups_stale": page.rollups_stale,
            "extra": [
                (name, request.GET[name]) for name in ("w_dat", "w_han") if request.GET.get(name)
            ]
            if status == 200
            else [],
            "export_url": export_url(request) if status == 200 else "",
        },
        status=status,
    )


# --- targets -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def targets(request: HttpRequest, key: str) -> HttpResponse:
    """GET: the unit's targets for a school year; POST: set one, or allocate one to children."""
    data = request.POST if request.method == "POST" else request.GET
    period_code = data.get("ky", "") or request.GET.get("ky", "")
    focus_code = request.GET.get("chi_tieu", "") or (
        request.POST.get("indicator", "") if request.POST.get("action") == "allocate" else ""
    )
    page = selectors.targets_page(
        request.user, unit_key=key, period_code=period_code, indicator_code=focus_code
    )
    if request.method != "POST" and wants_xlsx(request):
        return xlsx_download(exports.targets_tables(page), f"Chỉ tiêu giao {page.unit.name}")
    target_form: TargetForm | None = None
    allocation_form = AllocationForm(allocation=page.allocation)
    error_for = ""
    status = 200
    if request.method == "POST":
        allocating = request.POST.get("action") == "allocate"
        try:
            if allocating:
                result = services.target_allocate(
                    actor=request.user,
                    unit_key=key,
                    indicator_code=request.POST.get("indicator", ""),
                    school_year=page.school_year,
                    allocations={
                        name[2:]: value
                        for name, value in request.POST.items()
                        if name.startswith("c-")
                    },
                )
                message = (
                    f"Đã phân bổ chỉ tiêu “{result.indicator.name}” cho "
                    f"{len(result.targets)} đơn vị."
                )
                if result.warning:
                    message += f" Lưu ý: {result.warning}"
                    messages.warning(request, message)
                else:
                    messages.success(request, message)
            else:
                services.target_set(
                    actor=request.user,
                    unit_key=key,
                    indicator_code=request.POST.get("indicator", ""),
                    school_year=page.school_year,
                    value=request.POST.get("value", ""),
                    source=request.POST.get("source", ""),
                )
                messages.success(request, "Đã lưu chỉ tiêu.")
        except DomainError as exc:
            if is_refusal(exc):
                raise
            status = exc.status
            if allocating:
                allocation_form = AllocationForm(request.POST, allocation=page.allocation)
                attach_error(allocation_form, exc)
                error_for = "allocation"
            else:
                target_form = TargetForm(request.POST)
                attach_error(target_form, exc)
                error_for = request.POST.get("indicator", "")
        if status == 200:
            query = f"?ky={page.period.code}"
            if allocating and page.focus is not None:
                query += f"&chi_tieu={page.focus.code}"
            return redirect(reverse("indicators-targets", args=[page.unit.key]) + query)
    forms_by_indicator = {
        indicator.code: (
            target_form
            if target_form is not None and error_for == indicator.code
            else TargetForm(
                initial={
                    "indicator": indicator.code,
                    "value": target.value if target is not None else None,
                    "source": target.source if target is not None else "",
                }
            )
        )
        for indicator, target, _ in page.rows
    }
    return render(
        request,
        "indicators/targets.html",
        {
            "page": page,
            "unit": page.unit,
            "period": page.period,
            "periods": page.periods,
            "target_forms": forms_by_indicator,
            "allocation_form": allocation_form,
            "error_for": error_for,
            "extra": [],
            "export_url": export_url(request),
        },
        status=status,
    )
