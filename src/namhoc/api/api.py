"""The JSON API: one NinjaAPI, one router module per domain, session or token auth later."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from namhoc import __version__
from namhoc.api.accounts import users_router
from namhoc.api.orgunits import units_router
from namhoc.core.errors import DomainError

api = NinjaAPI(
    title="namhoc API",
    version=__version__,
    description=(
        "Văn bản chỉ đạo, nhiệm vụ, phân công, số liệu — cùng một lớp phân quyền với giao diện web."
    ),
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "unauthenticated", "message": "Bạn cần đăng nhập.", "field": None},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "invalid", "message": "Dữ liệu gửi lên không hợp lệ.", "errors": exc.errors},
        status=422,
    )


@api.get("/me", tags=["accounts"], summary="The signed-in user")
def me(request: HttpRequest) -> dict[str, str]:
    user = request.user
    return {"username": user.get_username(), "display_name": str(user)}


api.add_router("/users", users_router)
api.add_router("/units", units_router)
api.add_router("/directives", "namhoc.api.directives.router")
api.add_router("/tracking", "namhoc.api.tracking.router")
api.add_router("/indicators", "namhoc.api.indicators.router")
