"""Pages of the notice centre: the list, mark read, preferences; for unit admins the webhooks
and the deliveries that failed. Each view parses the request, calls one use case or selector of
``namhoc.notifications``, and renders (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from namhoc.accounts.selectors import has_admin_scope
from namhoc.core.errors import DomainError
from namhoc.notifications import selectors, services
from namhoc.notifications.access import access_webhook
from namhoc.notifications.delivery import MAX_ATTEMPTS
from namhoc.notifications.kinds import KINDS
from namhoc.web import notifications_exports as exports
from namhoc.web.access import attach_error, is_refusal, with_domain_errors
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.notifications_forms import (
    MODE_PREFIX,
    PreferencesForm,
    WebhookEditForm,
    WebhookForm,
)
from namhoc.web.paging import paginate

NOTICES_PER_PAGE = 50
FAILURES_PER_PAGE = 50


# --- the notice centre ----------------------------------------------------------------------


@login_required
@require_GET
@with_domain_errors
def notice_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("chua-doc") == "1"
    notices = selectors.notices(request.user, unread_only=unread_only)
    if wants_xlsx(request):
        rows = selectors.notice_rows(list(notices))
        return xlsx_download([exports.notices_table(rows, unread_only=unread_only)], "Thông báo")
    pager = paginate(
        request,
        notices,
        per_page=NOTICES_PER_PAGE,
        noun="thông báo",
    )
    return render(
        request,
        "notifications/list.html",
        {
            "pager": pager,
            "rows": selectors.notice_rows(list(pager.page.object_list)),
            "unread_only": unread_only,
            "can_admin": has_admin_scope(request.user),
            "export_url": export_url(request),
        },
    )


@login_required
@require_POST
@with_domain_errors
def read(request: HttpRequest, notice_id: int) -> HttpResponse:
    services.notice_read(actor=request.user, notice_id=notice_id)
    return redirect(request.POST.get("next") or reverse("notifications:list"))


@login_required
@require_POST
@with_domain_errors
def open_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark the notice read and go where it leads."""
    notice = services.notice_read(actor=request.user, notice_id=notice_id)
    told = selectors.notice_rows([notice])[0].told
    return redirect(told.url or reverse("notifications:list"))


@login_required
@require_POST
@with_domain_errors
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.notices_read_all(actor=request.user)
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return redirect("notifications:list")


# --- preferences ----------------------------------------------------------------------------


def _preferences_initial(page: selectors.PreferencesPage) -> dict[str, Any]:
    stored = page.preferences.settings
    return {
        "email_enabled": stored.email_enabled,
        "quiet_start": f"{stored.quiet_start:%H:%M}",
        "quiet_end": f"{stored.quiet_end:%H:%M}",
        **{MODE_PREFIX + row.kind.code: row.mode for row in page.rows},
    }


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def preferences(request: HttpRequest) -> HttpResponse:
    page = selectors.preferences_page(request.user)
    if request.method != "POST":
        form = PreferencesForm(initial=_preferences_initial(page))
        return render(request, "notifications/preferences.html", {"form": form, "page": page})
    try:
        services.preferences_save(
            actor=request.user,
            modes={
                code: request.POST[MODE_PREFIX + code]
                for code in KINDS
                if MODE_PREFIX + code in request.POST
            },
            email_enabled=request.POST.get("email_enabled", ""),
            quiet_start=request.POST.get("quiet_start", ""),
            quiet_end=request.POST.get("quiet_end", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = PreferencesForm(request.POST)
        attach_error(form, exc)
        return render(
            request,
            "notifications/preferences.html",
            {"form": form, "page": page},
            status=exc.status,
        )
    messages.success(request, "Đã lưu cách nhận thông báo.")
    return redirect("notifications:preferences")


# --- webhooks (unit admins) -----------------------------------------------------------------


def _webhooks_page(
    request: HttpRequest,
    *,
    form: WebhookForm | None = None,
    secret: services.WebhookSecret | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.webhooks_page(request.user)
    chosen = (
        selectors.admin_units_named(request.user, request.POST.getlist("unit"))
        if form is not None and form.is_bound
        else []
    )
    return render(
        request,
        "notifications/webhooks.html",
        {
            "page": page,
            "form": form or WebhookForm(),
            "secret": secret,
            "chosen": chosen,
            "create_url": reverse("notifications:webhooks"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def webhooks(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _webhooks_page(request)
    try:
        created = services.webhook_create(
            actor=request.user,
            unit=request.POST.get("unit", ""),
            name=request.POST.get("name", ""),
            url=request.POST.get("url", ""),
            kinds=request.POST.getlist("kinds"),
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        form = WebhookForm(request.POST)
        attach_error(form, exc)
        return _webhooks_page(request, form=form, status=exc.status)
    # The secret is shown in this answer only (never stored in the session or shown again).
    return _webhooks_page(request, secret=created)


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def webhook_edit(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = access_webhook(request.user, webhook_id)
    if request.method != "POST":
        form = WebhookEditForm(
            initial={
                "version": webhook.version,
                "name": webhook.name,
                "url": webhook.url,
                "kinds": webhook.kind_list,
                "active": webhook.active,
            }
        )
        return render(
            request, "notifications/webhook_edit.html", {"webhook": webhook, "form": form}
        )
    try:
        services.webhook_update(
            actor=request.user,
            webhook_id=webhook_id,
            version=request.POST.get("version", ""),
            name=request.POST.get("name", ""),
            url=request.POST.get("url", ""),
            kinds=request.POST.getlist("kinds"),
            active=request.POST.get("active", ""),
        )
    except DomainError as exc:
        if is_refusal(exc):
            raise
        form = WebhookEditForm(request.POST)
        attach_error(form, exc)
        return render(
            request,
            "notifications/webhook_edit.html",
            {"webhook": webhook, "form": form},
            status=exc.status,
        )
    messages.success(request, f"Đã lưu webhook «{webhook.name}».")
    return redirect("notifications:webhooks")


@login_required
@require_POST
@with_domain_errors
def webhook_rotate(request: HttpRequest, webhook_id: int) -> HttpResponse:
    rotated = services.webhook_rotate(actor=request.user, webhook_id=webhook_id)
    return _webhooks_page(request, secret=rotated)


@login_required
@require_POST
@with_domain_errors
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    deleted = services.webhook_delete(actor=request.user, webhook_id=webhook_id)
    messages.success(request, f"Đã xóa webhook «{deleted.name}».")
    return redirect("notifications:webhooks")


# --- failed deliveries (unit admins) --------------------------------------------------------


@login_required
@require_GET
@with_domain_errors
def failures(request: HttpRequest) -> HttpResponse:
    pager = paginate(
        request,
        selectors.failed_deliveries(request.user),
        per_page=FAILURES_PER_PAGE,
        noun="lần gửi",
    )
    rows = [{"delivery": d, "target": selectors.delivery_target(d)} for d in pager.page.object_list]
    return render(
        request,
        "notifications/failures.html",
        {"pager": pager, "rows": rows, "attempts": MAX_ATTEMPTS},
    )


@login_required
@require_POST
@with_domain_errors
def retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    services.delivery_retry(actor=request.user, delivery_id=delivery_id)
    messages.success(request, "Đã xếp gửi lại.")
    return redirect("notifications:failures")
