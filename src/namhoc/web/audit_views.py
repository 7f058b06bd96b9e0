"""The audit log pages: changes in the subtree a unit admin manages, and one object's history.
Each view parses the query string, calls one selector of ``namhoc.accounts``, renders (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from namhoc.accounts import selectors
from namhoc.accounts.selectors import PickPurpose
from namhoc.core.errors import DomainError
from namhoc.web.access import with_domain_errors
from namhoc.web.accounts_forms import AuditFilterForm
from namhoc.web.accounts_views import on_form
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
    pager = paginate(request, events, per_page=PAGE_SIZE, noun="thay đổi")
    key = raw["unit"][:40]
    chosen = (
        selectors.unit_pick(request.user, purpose=PickPurpose.ADMIN, chosen_keys=[key]).chosen
        if key
        else []
    )
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "pager": pager,
            "page": pager.page,
            "rows": selectors.describe_events(pager.page.object_list),
            "chosen": chosen,
        },
        status=status,
    )


@login_required
@require_GET
@with_domain_errors
def audit_object(request: HttpRequest, content_type: str, object_id: str) -> HttpResponse:
    kind, events = selectors.object_history(request.user, content_type, object_id)
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
        },
    )
