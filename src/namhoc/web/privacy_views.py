"""Personal data pages (ADR 0010): a person's own (``/tai-khoan/du-lieu-ca-nhan/``) and a unit
admin's view of one person (``/nguoi-dung/<id>/du-lieu-ca-nhan/``): export as JSON, erase a
departed person. Each view parses, calls one use case or the page selector of ``namhoc.ops``,
and renders (ADR 0007)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from namhoc.core.errors import DomainError
from namhoc.ops import privacy
from namhoc.ops.selectors import PrivacyPage, privacy_page
from namhoc.web.access import attach_error, with_domain_errors
from namhoc.web.privacy_forms import EraseForm


def _page(
    request: HttpRequest,
    page: PrivacyPage,
    form: EraseForm | None = None,
    *,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "privacy/person.html",
        {"page": page, "person": page.person, "form": form or EraseForm(), "error": error},
        status=status,
    )


def _download(export: privacy.Export) -> HttpResponse:
    response = HttpResponse(
        json.dumps(export.data, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
@with_domain_errors
def mine(request: HttpRequest) -> HttpResponse:
    return _page(request, privacy_page(request.user, request.user.pk))


@login_required
@require_GET
@with_domain_errors
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    return _page(request, privacy_page(request.user, user_id))


@login_required
@require_POST
@with_domain_errors
def export(request: HttpRequest, user_id: int) -> HttpResponse:
    return _download(privacy.personal_data_export(actor=request.user, user_id=user_id))


@login_required
@require_POST
@with_domain_errors
def erase(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        result = privacy.user_erase(
            actor=request.user,
            user_id=user_id,
            confirm=request.POST.get("confirm", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        form = EraseForm(request.POST)
        form.is_valid()
        if exc.field:
            attach_error(form, exc)
        page = privacy_page(request.user, user_id)
        return _page(request, page, form, error=None if exc.field else exc, status=exc.status)
    messages.success(
        request,
        f"Đã xóa dữ liệu cá nhân. Tài khoản không đăng nhập được nữa và hiện là "
        f"“{result.pseudonym}” trong nhật ký và hồ sơ.",
    )
    return redirect("privacy:person", user_id)
