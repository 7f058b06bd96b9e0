"""The audit log pages: changes in the subtree a unit admin manages, and one object's history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from namhoc.accounts import selectors
from namhoc.accounts.access import access_unit
from namhoc.accounts.models import Role, User
from namhoc.core.errors import DomainError, NotFound
from namhoc.web.access import with_domain_errors
from namhoc.web.accounts_forms import AuditFilterForm
from namhoc.web.paging import paginate

PAGE_SIZE = 50


def _content_type(label: str) -> ContentType:
    """``app_label.model`` -> ContentType; NotFound for anything else."""
    app_label, _, model = label.partition(".")
    content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    if content_type is None:
        raise NotFound()
    return content_type


@login_required
@with_domain_errors
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    selectors.require_admin_scope(request.user)
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, object] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["unit"]:
                filters["unit"] = access_unit(request.user, data["unit"], need=Role.UNIT_ADMIN)
            if data["actor"]:
                actor = User.objects.filter(username=data["actor"]).first()
                filters["actor_id"] = actor.pk if actor else -1
            if data["target"]:
                label, _, object_id = data["target"].partition(":")
                filters["content_type"] = _content_type(label.strip().lower())
                if object_id.strip():
                    filters["object_id"] = object_id.strip()
        except DomainError:
            form.add_error(None, "Không tìm thấy đơn vị hoặc đối tượng này trong phạm vi của bạn.")
            filters = {"object_id": ""}  # show nothing rather than everything
        filters["date_from"] = data.get("date_from")
        filters["date_to"] = data.get("date_to")
    events = selectors.audit_events_for(request.user, **filters)  # type: ignore[arg-type]
    page = paginate(request, events, per_page=PAGE_SIZE, noun="thay đổi").page
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


@login_required
@with_domain_errors
@require_GET
def audit_object(request: HttpRequest, content_type: str, object_id: str) -> HttpResponse:
    selectors.require_admin_scope(request.user)
    ct = _content_type(content_type)
    events = selectors.object_history(request.user, ct, object_id)
    page = paginate(request, events, per_page=PAGE_SIZE, noun="thay đổi").page
    first = page.object_list[0] if page.object_list else None
    return render(
        request,
        "audit/object_history.html",
        {"page": page, "content_type": ct, "object_id": object_id, "first": first},
    )
