"""The audit log pages: changes in the subtree a unit admin manages, and one object's history.
Each view parses the query string, calls one selector of ``namhoc.accounts``, renders (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from namhoc.accounts import selectors
from namhoc.accounts.selectors import PickPurpose
from namhoc.core.errors import DomainError
from namhoc.web import people_exports as exports
from namhoc.web.access import with_domain_errors
from namhoc.web.accounts_forms import AuditFilterForm
from namhoc.web.accounts_views import on_form
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.paging import paginate

PAGE_SIZE = 50
FILTERS = ("unit", "person", "action", "date_from", "date_to")


@login_required
@require_GET
@with_domain_errors
def audit_list(request: HttpRequest) -> HttpResponse:
    selectors.require_admin_scope(request.user)
    form = AuditFilterForm(request.GET or None, actions=selectors.action_choices())
    raw = {name: request.GET.get(name, "") for name in FILTERS}
    status = 200
    events: Any
    try:
        events = selectors.audit_log(request.user, **raw)
    except DomainError as exc:
        status = on_form(form, exc)
        events = []  # nothing until the filter is fixed, rather than everything
    key = raw["unit"][:40]
    chosen = (
        selectors.unit_pick(request.user, purpose=PickPurpose.ADMIN, chosen_keys=[key]).chosen
        if key
        else []
    )
    unit = chosen[0].name if chosen else ""
    lines = exports.audit_filters(raw, unit=unit, actions=selectors.action_choices())
    if wants_xlsx(request) and status == 200:
        refusal = exports.too_many_events(events.count())
        if not refusal:
            table = exports.audit_table(list(events), title="Nhật ký thay đổi", lines=lines)
            return xlsx_download([table], "Nhật ký thay đổi")
        form.add_error(None, refusal)
        status = 400
    pager = paginate(request, events, per_page=PAGE_SIZE, noun="thay đổi")
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "pager": pager,
            "page": pager.page,
            "rows": selectors.describe_events(pager.page.object_list),
            "chosen": chosen,
            "export_url": export_url(request) if status == 200 else "",
            "print_filters": lines,
        },
        status=status,
    )


@login_required
@require_GET
@with_domain_errors
def audit_object(request: HttpRequest, content_type: str, object_id: str) -> HttpResponse:
    kind, events = selectors.object_history(request.user, content_type, object_id)
    refusal = exports.too_many_events(events.count()) if wants_xlsx(request) else ""
    if refusal:
        messages.error(request, refusal)
    elif wants_xlsx(request):
        every = list(events)
        first = selectors.describe_events(every[:1])
        title = f"Lịch sử thay đổi: {first[0].object_label}" if first else "Lịch sử thay đổi"
        lines = [first[0].object_kind] if first else []
        table = exports.audit_table(every, title=title, lines=lines)
        return xlsx_download([table], "Lịch sử thay đổi")
    pager = paginate(request, events, per_page=PAGE_SIZE, noun="thay đổi")
    rows = selectors.describe_events(pager.page.object_list)
    return render(
        request,
        "audit/object_history.html",
        {
            "pager": pager,
            "page": pager.page,
            "rows": rows,
            "content_type": kind,
            "object_id": object_id,
            "first": rows[0] if rows else None,
            "export_url": export_url(request),
        },
    )
