"""Figures pages: my data sets, entry per unit/period/data set (htmx save), approval, Excel round
trip, targets, the dashboard and the scorecard. Each view: parse -> access -> service/selector ->
render. Services check roles and locks themselves; views first check that the unit is in scope.

Pages that show rolled-up figures (entry, dashboard, scorecard) ask whether the roll-ups are
built for the current org tree (``services.rollups_rebuild_request``: one query; when stale it
enqueues the rebuild once) and then say so in a banner.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from namhoc.accounts.access import access_unit, has_role, roles_at, visible_units
from namhoc.accounts.models import Role
from namhoc.core.errors import DomainError, NotFound
from namhoc.indicators import dashboards, excel, selectors, services
from namhoc.indicators.charts import bar_chart, trend_chart
from namhoc.indicators.models import DataSet, Period
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.selectors import top_units
from namhoc.web.access import with_domain_errors

XLSX = excel.XLSX_CONTENT_TYPE


def _period(code: str | None, all_periods: list[Period] | None = None) -> Period:
    rows = all_periods if all_periods is not None else selectors.periods()
    if code:
        for period in rows:
            if period.code == code:
                return period
        raise NotFound("Không có kỳ báo cáo này.")
    current = selectors.current_period(rows)
    if current is None:
        raise NotFound("Chưa có kỳ báo cáo nào; quản trị cần tạo kỳ báo cáo.")
    return current


def _data_set(code: str) -> DataSet:
    data_set = selectors.data_set_by_code(code)
    if data_set is None:
        raise NotFound("Không có biểu báo cáo này.")
    return data_set


@login_required
@require_GET
@with_domain_errors
def index(request: HttpRequest) -> HttpResponse:
    """My units (the tops of my scope), the data sets reported in each, for a period."""
    all_periods = selectors.periods()
    period = _period(request.GET.get("ky"), all_periods) if all_periods else None
    tops = list(top_units(visible_units(request.user))[:20])
    cards = []
    if period is not None:
        for unit in tops:
            sets = [ds for ds in selectors.data_sets_for(unit) if period.kind in ds.period_kinds]
            cards.append((unit, sets))
    return render(
        request,
        "indicators/index.html",
        {"periods": all_periods, "period": period, "cards": cards},
    )


def _entry_context(
    request: HttpRequest, unit: OrgUnit, data_set: DataSet, period: Period
) -> dict[str, Any]:
    roles = roles_at(request.user, unit)
    context: dict[str, Any] = {
        "unit": unit,
        "data_set": data_set,
        "period": period,
        "can_edit": Role.SPECIALIST in roles,
        "reports": data_set.applies_to(unit),
        "rollups_stale": services.rollups_rebuild_request(),
    }
    if context["reports"]:
        context["form"] = selectors.entry_form(unit, data_set, period)
        context["rules"] = list(data_set.rules.all())
    else:
        members = selectors.data_set_members(data_set)
        context["totals"] = selectors.unit_totals(unit, period, members)
        context["rows"] = selectors.status_rows(unit, data_set, period)
        context["approval"] = selectors.approval_of(unit, data_set, period)
        context["lock"] = selectors.lock_of(unit, data_set, period)
        context["can_approve"] = Role.APPROVER in roles
        parent = unit.parent
        context["can_revoke"] = (
            has_role(request.user, parent, Role.APPROVER)
            if parent is not None
            else bool(request.user.is_superuser)
        )
        context["blocker"] = (
            "" if context["approval"] else selectors.approval_blocker(unit, data_set, period)
        )
    return context


@login_required
@require_GET
@with_domain_errors
def entry(request: HttpRequest, key: str, period_code: str, data_set_code: str) -> HttpResponse:
    unit = access_unit(request.user, key)
    period = _period(period_code)
    data_set = _data_set(data_set_code)
    context = _entry_context(request, unit, data_set, period)
    return render(request, "indicators/entry.html", context)


@login_required
@require_POST
@with_domain_errors
def save(request: HttpRequest, key: str, period_code: str, data_set_code: str) -> HttpResponse:
    """Save the form (htmx swaps the form; without htmx the page is rendered again)."""
    unit = access_unit(request.user, key)
    period = _period(period_code)
    data_set = _data_set(data_set_code)
    members = selectors.data_set_members(data_set)
    values: dict[str, object] = {}
    versions: dict[str, int | None] = {}
    for member in members:
        code = member.element.code
        if code in request.POST:
            values[code] = request.POST[code]
            raw_version = request.POST.get(f"v-{code}", "")
            versions[code] = int(raw_version) if raw_version.isdigit() else None
    errors: dict[str, list[str]] = {}
    status = 200
    try:
        result = services.values_save(
            actor=request.user,
            unit=unit,
            data_set=data_set,
            period=period,
            values=values,
            versions=versions,
        )
        notice = (
            f"Đã lưu {result.changed} số liệu."
            if result.changed
            else "Không có số liệu nào thay đổi."
        )
    except (services.InvalidValues, services.StaleValues) as exc:
        errors = exc.errors
        notice = exc.message
        status = exc.status
    context = _entry_context(request, unit, data_set, period)
    context.update({"errors": errors, "notice": notice, "typed": values if errors else {}})
    if getattr(request, "htmx", False):
        # htmx swaps only successful responses: the form with its messages comes back as 200.
        return render(request, "indicators/_entry_form.html", context)
    return render(request, "indicators/entry.html", context, status=status)


@login_required
@require_POST
@with_domain_errors
def approve(request: HttpRequest, key: str, period_code: str, data_set_code: str) -> HttpResponse:
    unit = access_unit(request.user, key)
    period = _period(period_code)
    data_set = _data_set(data_set_code)
    if request.POST.get("action") == "revoke":
        services.approval_revoke(actor=request.user, unit=unit, data_set=data_set, period=period)
        messages.success(request, f"Đã hủy phê duyệt của {unit.name}; số liệu được mở để sửa.")
    else:
        services.approval_approve(actor=request.user, unit=unit, data_set=data_set, period=period)
        messages.success(request, f"{unit.name} đã phê duyệt số liệu; số liệu bên dưới được khóa.")
    return redirect(
        "indicators-entry", key=unit.key, period_code=period.code, data_set_code=data_set.code
    )


@login_required
@require_GET
@with_domain_errors
def template_download(
    request: HttpRequest, key: str, period_code: str, data_set_code: str
) -> HttpResponse:
    unit = access_unit(request.user, key)
    period = _period(period_code)
    data_set = _data_set(data_set_code)
    units = excel.template_units(request.user, unit, data_set)
    if not units:
        raise DomainError("no_units", f"Không có đơn vị nào thuộc {unit.name} báo cáo biểu này.")
    content = excel.template_build(unit=unit, data_set=data_set, period=period, units=units)
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{data_set.code}_{period.code}_{unit.key}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
@with_domain_errors
def template_upload(
    request: HttpRequest, key: str, period_code: str, data_set_code: str
) -> HttpResponse:
    unit = access_unit(request.user, key, need=Role.SPECIALIST)
    period = _period(period_code)
    data_set = _data_set(data_set_code)
    upload = request.FILES.get("file")
    context = _entry_context(request, unit, data_set, period)
    if upload is None:
        context["import_error"] = "Hãy chọn tệp Excel (.xlsx) để nhập."
        return render(request, "indicators/entry.html", context, status=400)
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        context["import_error"] = (
            f"Tệp quá lớn; tối đa {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB."
        )
        return render(request, "indicators/entry.html", context, status=400)
    content = upload.read(settings.UPLOAD_MAX_BYTES + 1)
    try:
        result = excel.workbook_import(
            actor=request.user,
            unit=unit,
            data_set=data_set,
            period=period,
            content=content,
            max_bytes=settings.UPLOAD_MAX_BYTES,
        )
    except excel.ImportRefused as exc:
        context["import_error"] = exc.message
        return render(request, "indicators/entry.html", context, status=400)
    if not result.ok:
        context["import_result"] = result
        return render(request, "indicators/entry.html", context, status=400)
    messages.success(
        request,
        f"Đã nhập {result.rows} dòng: {result.created} số liệu mới, {result.updated} số liệu sửa, "
        f"{result.deleted} số liệu xóa.",
    )
    return redirect(
        "indicators-entry", key=unit.key, period_code=period.code, data_set_code=data_set.code
    )


# --- dashboards ----------------------------------------------------------------------------


@login_required
@require_GET
@with_domain_errors
def dashboard(request: HttpRequest, key: str) -> HttpResponse:
    unit = access_unit(request.user, key)
    all_periods = selectors.periods()
    period = _period(request.GET.get("ky"), all_periods)
    indicators = dashboards.all_indicators()
    focus_code = request.GET.get("chi_tieu")
    focus = next((i for i in indicators if i.code == focus_code), None)
    if focus_code and focus is None:
        raise NotFound("Không có chỉ tiêu này.")
    board = dashboards.dashboard(unit, period, indicators=indicators, focus=focus)
    focus_row = next(
        (r for r in board.rows if board.focus and r.indicator.pk == board.focus.pk), None
    )
    trend = (
        trend_chart(
            [(p.school_year, v.value) for p, v in focus_row.trend],
            focus_row.target,
            width=560,
            height=200,
        )
        if focus_row
        else None
    )
    bars = (
        bar_chart([(u.name, v.value, t, c) for u, v, t, c in board.breakdown])
        if board.breakdown
        else None
    )
    sparks = {
        r.indicator.pk: trend_chart(
            [(p.school_year, v.value) for p, v in r.trend], r.target, width=120, height=36, pad=4
        )
        for r in board.rows
    }
    return render(
        request,
        "indicators/dashboard.html",
        {
            "unit": unit,
            "board": board,
            "periods": all_periods,
            "period": period,
            "trend": trend,
            "bars": bars,
            "sparks": sparks,
            "focus_row": focus_row,
            "rollups_stale": services.rollups_rebuild_request(),
        },
    )


def _weight(raw: str | None, default: Decimal) -> Decimal:
    if raw is None or raw == "":
        return default
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation as exc:
        raise DomainError("invalid_weight", "Trọng số phải là số từ 0 đến 1.", field="w") from exc
    if not value.is_finite() or not 0 <= value <= 1:
        raise DomainError("invalid_weight", "Trọng số phải là số từ 0 đến 1.", field="w")
    return value


@login_required
@require_GET
@with_domain_errors
def scorecard(request: HttpRequest, key: str) -> HttpResponse:
    unit = access_unit(request.user, key)
    all_periods = selectors.periods()
    period = _period(request.GET.get("ky"), all_periods)
    weights = {
        "attainment": _weight(request.GET.get("w_dat"), dashboards.DEFAULT_WEIGHTS["attainment"]),
        "on_time": _weight(request.GET.get("w_han"), dashboards.DEFAULT_WEIGHTS["on_time"]),
    }
    if weights["attainment"] + weights["on_time"] == 0:
        raise DomainError("invalid_weight", "Tổng các trọng số phải lớn hơn 0.", field="w")
    card = dashboards.scorecard(unit, period, weights=weights)
    shown = [
        i
        for i in card.indicators
        if any(c[2] is not None for r in card.rows for c in r.cells if c[0].pk == i.pk)
    ]
    return render(
        request,
        "indicators/scorecard.html",
        {
            "unit": unit,
            "card": card,
            "periods": all_periods,
            "period": period,
            "shown": shown,
            "rollups_stale": services.rollups_rebuild_request(),
        },
    )


# --- targets -------------------------------------------------------------------------------


@login_required
@with_domain_errors
def targets(request: HttpRequest, key: str) -> HttpResponse:
    """GET: the unit's targets for a school year; POST: set one, or allocate one to children."""
    unit = access_unit(request.user, key)
    all_periods = selectors.periods()
    period = _period(request.GET.get("ky") or request.POST.get("ky"), all_periods)
    year = period.school_year
    indicators = dashboards.all_indicators()
    status = 200
    error = ""
    warning = ""
    if request.method == "POST":
        indicator = next((i for i in indicators if i.code == request.POST.get("indicator")), None)
        if indicator is None:
            raise DomainError("unknown_indicator", "Hãy chọn chỉ tiêu.", field="indicator")
        try:
            if request.POST.get("action") == "allocate":
                allocations = {
                    int(name[2:]): request.POST.get(name, "")
                    for name in request.POST
                    if name.startswith("c-")
                    and name[2:].isdigit()
                    and request.POST.get(name, "").strip()
                }
                result = services.target_allocate(
                    actor=request.user,
                    indicator=indicator,
                    unit=unit,
                    school_year=year,
                    allocations=allocations,
                )
                warning = result.warning
                messages.success(
                    request,
                    f"Đã phân bổ chỉ tiêu “{indicator.name}” cho {len(result.targets)} đơn vị.",
                )
            else:
                services.target_set(
                    actor=request.user,
                    indicator=indicator,
                    unit=unit,
                    school_year=year,
                    value=request.POST.get("value", ""),
                    source=request.POST.get("source", "")[:255],
                )
                messages.success(request, f"Đã lưu chỉ tiêu “{indicator.name}”.")
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            error = exc.message
            status = exc.status
        if not error and not warning:
            return redirect(f"{reverse('indicators-targets', args=[unit.key])}?ky={period.code}")
    focus = next(
        (
            i
            for i in indicators
            if i.code == (request.GET.get("chi_tieu") or request.POST.get("indicator"))
        ),
        None,
    )
    own, allocation = selectors.targets_of(unit, year, focus)
    rows = [(i, own.get(i.pk)) for i in indicators]
    return render(
        request,
        "indicators/targets.html",
        {
            "unit": unit,
            "period": period,
            "periods": all_periods,
            "rows": rows,
            "focus": focus,
            "focus_target": own.get(focus.pk) if focus else None,
            "allocation": allocation,
            "error": error,
            "warning": warning,
            "can_set": Role.APPROVER in roles_at(request.user, unit),
        },
        status=status,
    )
