"""People pages for unit admins: list, create, a user's page (edit, grant/revoke roles, disable,
enable). Each view parses the request, calls one use case or page selector of
``namhoc.accounts``, and renders (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from namhoc.accounts import selectors, services
from namhoc.accounts.selectors import PickPurpose
from namhoc.core.errors import DomainError
from namhoc.web import people_exports as exports
from namhoc.web.access import attach_error, with_domain_errors
from namhoc.web.accounts_forms import GrantForm, UserCreateForm, UserEditForm
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.paging import paginate

PAGE_SIZE = 25


def on_form(form: Any, exc: DomainError) -> int:
    """Put a use case's refusal on the form and answer the status to re-render it with — or
    re-raise it for the error page: a 403/404 that names no field of the form is about the page
    itself (out of scope, no right), not about what was typed."""
    if exc.status in (403, 404) and exc.field not in form.fields:
        raise exc
    if exc.field in form.fields:
        # the use case is the authority: its sentence replaces the form's own pre-check there
        form.errors[exc.field] = form.error_class([exc.message])
    else:
        attach_error(form, exc)
    return 400 if exc.status in (403, 404) else exc.status


def _picked(request: HttpRequest, key: str) -> list[Any]:
    """The unit ticked in a picker, to show it ticked again when the form comes back."""
    if not key:
        return []
    return selectors.unit_pick(request.user, purpose=PickPurpose.ADMIN, chosen_keys=[key]).chosen


@login_required
@require_GET
@with_domain_errors
def user_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    users = selectors.users_for_admin(request.user, search=query)
    if wants_xlsx(request):
        return xlsx_download([exports.users_table(users, search=query.strip())], "Người dùng")
    page = paginate(request, users, per_page=PAGE_SIZE, noun="người dùng").page
    context = {"page": page, "q": query.strip(), "export_url": export_url(request)}
    template = "accounts/_user_rows.html" if request.htmx else "accounts/user_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def user_create(request: HttpRequest) -> HttpResponse:
    selectors.require_admin_scope(request.user)
    if request.method != "POST":
        key = request.GET.get("don-vi", "")[:40]
        form = UserCreateForm(initial={"unit": key, "role": "viewer"})
        return _create_page(request, form, chosen=_picked(request, key))
    post = request.POST
    try:
        user = services.user_create(
            actor=request.user,
            username=post.get("username", ""),
            full_name=post.get("full_name", ""),
            email=post.get("email", ""),
            password=post.get("password", ""),
            unit=post.get("unit", ""),
            role=post.get("role", ""),
        )
    except DomainError as exc:
        form = UserCreateForm(post)
        status = on_form(form, exc)
        return _create_page(
            request, form, chosen=_picked(request, post.get("unit", "")), status=status
        )
    messages.success(request, f"Đã tạo người dùng {user.username}.")
    return redirect("users:detail", user_id=user.pk)


def _create_page(
    request: HttpRequest, form: UserCreateForm, *, chosen: list[Any], status: int = 200
) -> HttpResponse:
    return render(
        request, "accounts/user_form.html", {"form": form, "chosen": chosen}, status=status
    )


def _detail(
    request: HttpRequest,
    page: selectors.UserPage,
    *,
    edit_form: UserEditForm | None = None,
    grant_form: GrantForm | None = None,
    chosen: list[Any] | None = None,
    link: services.PasswordLink | None = None,
    status: int = 200,
) -> HttpResponse:
    subject = page.subject
    return render(
        request,
        "accounts/user_detail.html",
        {
            "page": page,
            "subject": subject,
            "edit_form": edit_form
            or UserEditForm(initial={"full_name": subject.full_name, "email": subject.email}),
            "grant_form": grant_form or GrantForm(initial={"role": "viewer"}),
            "chosen": chosen or [],
            "link": link,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    if request.method != "POST":
        return _detail(request, selectors.user_page(request.user, user_id))
    try:
        services.user_update(
            actor=request.user,
            user_id=user_id,
            full_name=request.POST.get("full_name", ""),
            email=request.POST.get("email", ""),
        )
    except DomainError as exc:
        form = UserEditForm(request.POST)
        status = on_form(form, exc)
        page = selectors.user_page(request.user, user_id)
        return _detail(request, page, edit_form=form, status=status)
    messages.success(request, "Đã lưu thông tin người dùng.")
    return redirect("users:detail", user_id=user_id)


@login_required
@require_POST
@with_domain_errors
def membership_grant(request: HttpRequest, user_id: int) -> HttpResponse:
    key = request.POST.get("unit", "")
    try:
        services.membership_grant(
            actor=request.user, user_id=user_id, unit=key, role=request.POST.get("role", "")
        )
    except DomainError as exc:
        form = GrantForm(request.POST)
        status = on_form(form, exc)
        page = selectors.user_page(request.user, user_id)
        return _detail(request, page, grant_form=form, chosen=_picked(request, key), status=status)
    messages.success(request, "Đã cấp vai trò.")
    return redirect("users:detail", user_id=user_id)


def _done_or_said(request: HttpRequest, exc: DomainError) -> None:
    """A refusal of a one-button action: said on the page it came from (403/404: error page)."""
    if exc.status in (403, 404):
        raise exc
    messages.error(request, exc.message)


@login_required
@require_POST
@with_domain_errors
def membership_revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    try:
        membership = services.membership_revoke(actor=request.user, membership_id=membership_id)
    except DomainError as exc:
        _done_or_said(request, exc)
        membership = selectors.membership_for_admin(request.user, membership_id)
    else:
        messages.success(request, "Đã thu hồi vai trò.")
    return redirect("users:detail", user_id=membership.user_id)


@login_required
@require_POST
@with_domain_errors
def user_disable(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        services.user_disable(actor=request.user, user_id=user_id)
    except DomainError as exc:
        _done_or_said(request, exc)
    else:
        messages.success(
            request, "Đã khóa tài khoản; mọi phiên đăng nhập của người này đã kết thúc."
        )
    return redirect("users:detail", user_id=user_id)


@login_required
@require_POST
@with_domain_errors
def user_enable(request: HttpRequest, user_id: int) -> HttpResponse:
    services.user_enable(actor=request.user, user_id=user_id)
    messages.success(request, "Đã mở khóa tài khoản.")
    return redirect("users:detail", user_id=user_id)


@login_required
@require_POST
@with_domain_errors
def password_link(request: HttpRequest, user_id: int) -> HttpResponse:
    """Make a one-time link for the user to set their password; shown once, on this answer."""
    try:
        link = services.password_link_create(actor=request.user, user_id=user_id)
    except DomainError as exc:
        _done_or_said(request, exc)
        return redirect("users:detail", user_id=user_id)
    response = _detail(request, selectors.user_page(request.user, user_id), link=link)
    response["Cache-Control"] = "no-store, private"
    return response


# --- many people from a workbook ----------------------------------------------------------------


def _upload(request: HttpRequest) -> bytes:
    """The uploaded file's bytes, read no further than an import accepts (plus one byte, so the
    use case can say "too large")."""
    upload = request.FILES.get("file")
    return upload.read(services.MAX_UPLOAD + 1) if upload is not None else b""


@login_required
@require_http_methods(["GET", "POST"])
@with_domain_errors
def people_import(request: HttpRequest) -> HttpResponse:
    selectors.require_admin_scope(request.user)
    context: dict[str, Any] = {"max_people": services.MAX_PEOPLE, "error": None}
    if request.method != "POST":
        return render(request, "accounts/user_import.html", context)
    try:
        created = services.people_import(actor=request.user, content=_upload(request))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        context["error"] = exc
        return render(request, "accounts/user_import.html", context, status=exc.status)
    messages.success(
        request,
        f"Đã tạo {len(created)} người dùng. Mỗi người đặt mật khẩu bằng “Quên mật khẩu” "
        "(thư điện tử) hoặc liên kết bạn tạo ở trang của họ.",
    )
    return redirect("users:list")


@login_required
@require_GET
@with_domain_errors
def people_template(request: HttpRequest) -> HttpResponse:
    content = services.people_template(actor=request.user)
    response = HttpResponse(content, content_type=services.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nguoi-dung.xlsx"'
    return response
