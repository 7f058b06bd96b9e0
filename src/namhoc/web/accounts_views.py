"""User management for unit admins: list, create, edit, grant/revoke roles, disable/enable.

Each view: parse input -> access (accounts.access / selectors) -> service -> render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from namhoc.accounts import selectors, services
from namhoc.accounts.access import access_unit
from namhoc.accounts.models import Role, User
from namhoc.core.errors import DomainError, NotFound
from namhoc.web.access import with_domain_errors
from namhoc.web.accounts_forms import GrantForm, UserCreateForm, UserEditForm
from namhoc.web.paging import paginate

PAGE_SIZE = 25
UNIT_NOT_IN_SCOPE = "Không tìm thấy đơn vị này trong phạm vi bạn quản trị."


def _form_error(form: UserCreateForm | UserEditForm | GrantForm, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
@with_domain_errors
@require_http_methods(["GET"])
def user_list(request: HttpRequest) -> HttpResponse:
    selectors.require_admin_scope(request.user)
    query = request.GET.get("q", "").strip()[:100]
    users = selectors.users_for_admin(request.user, search=query)
    page = paginate(request, users, per_page=PAGE_SIZE, noun="người dùng").page
    context = {"page": page, "q": query}
    template = "accounts/_user_rows.html" if request.htmx else "accounts/user_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@with_domain_errors
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    selectors.require_admin_scope(request.user)
    form = UserCreateForm(request.POST or None, initial={"unit": request.GET.get("don-vi", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = access_unit(request.user, data["unit"], need=Role.UNIT_ADMIN)
        except DomainError:
            form.add_error("unit", UNIT_NOT_IN_SCOPE)
        else:
            try:
                user = services.user_create(
                    actor=request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    password=data["password"] or None,
                    unit=unit,
                    role=Role(data["role"]),
                )
            except DomainError as exc:
                _form_error(form, exc if exc.field else _role_error(exc))
            else:
                messages.success(request, f"Đã tạo người dùng {user.username}.")
                return redirect("users:detail", user_id=user.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "units": selectors.admin_unit_options(request.user)},
        status=400 if form.errors else 200,
    )


def _role_error(exc: DomainError) -> DomainError:
    """A refusal about the role (Forbidden without a field) shown next to the role field."""
    return DomainError(exc.code, exc.message, field="role")


def _detail_context(request: HttpRequest, user: User, **forms: object) -> dict[str, object]:
    return {
        "subject": user,
        "memberships": list(user.memberships.all()),
        "edit_form": forms.get("edit_form")
        or UserEditForm(initial={"full_name": user.full_name, "email": user.email}),
        "grant_form": forms.get("grant_form") or GrantForm(),
        "units": selectors.admin_unit_options(request.user),
        "is_self": user.pk == request.user.pk,
    }


@login_required
@with_domain_errors
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    subject = selectors.user_for_admin(request.user, user_id)
    if request.method == "POST":
        form = UserEditForm(request.POST)
        if form.is_valid():
            try:
                services.user_update(
                    actor=request.user,
                    user=subject,
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                )
            except NotFound:
                raise
            except DomainError as exc:
                if exc.status != 400:
                    raise
                _form_error(form, exc)
            else:
                messages.success(request, "Đã lưu thông tin người dùng.")
                return redirect("users:detail", user_id=subject.pk)
        return render(
            request,
            "accounts/user_detail.html",
            _detail_context(request, subject, edit_form=form),
            status=400,
        )
    return render(request, "accounts/user_detail.html", _detail_context(request, subject))


@login_required
@with_domain_errors
@require_POST
def membership_grant(request: HttpRequest, user_id: int) -> HttpResponse:
    subject = selectors.user_for_admin(request.user, user_id)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            unit = access_unit(request.user, form.cleaned_data["unit"], need=Role.UNIT_ADMIN)
        except DomainError:
            form.add_error("unit", UNIT_NOT_IN_SCOPE)
        else:
            try:
                services.membership_grant(
                    actor=request.user,
                    user=subject,
                    unit=unit,
                    role=Role(form.cleaned_data["role"]),
                )
            except DomainError as exc:
                _form_error(form, exc if exc.field else _role_error(exc))
            else:
                messages.success(request, "Đã cấp vai trò.")
                return redirect("users:detail", user_id=subject.pk)
    return render(
        request,
        "accounts/user_detail.html",
        _detail_context(request, subject, grant_form=form),
        status=400,
    )


@login_required
@with_domain_errors
@require_POST
def membership_revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_for_admin(request.user, membership_id)
    user_id = membership.user_id
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except DomainError as exc:
        if exc.status != 400:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã thu hồi vai trò.")
    return redirect("users:detail", user_id=user_id)


@login_required
@with_domain_errors
@require_POST
def user_disable(request: HttpRequest, user_id: int) -> HttpResponse:
    subject = selectors.user_for_admin(request.user, user_id)
    try:
        services.user_disable(actor=request.user, user=subject)
    except DomainError as exc:
        if exc.status != 400:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Đã khóa tài khoản; mọi phiên đăng nhập của người này đã kết thúc."
        )
    return redirect("users:detail", user_id=subject.pk)


@login_required
@with_domain_errors
@require_POST
def user_enable(request: HttpRequest, user_id: int) -> HttpResponse:
    subject = selectors.user_for_admin(request.user, user_id)
    services.user_enable(actor=request.user, user=subject)
    messages.success(request, "Đã mở khóa tài khoản.")
    return redirect("users:detail", user_id=subject.pk)
