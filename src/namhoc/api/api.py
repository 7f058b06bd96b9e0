"""The JSON API: one NinjaAPI, one router module per domain, session or token auth later."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from namhoc import __version__
from namhoc.api.accounts import users_router
from namhoc.api.orgunits import units_router
from namhoc.core.errors import DomainError
from namhoc.core.http_errors import CSRF_MESSAGE, generic

api = NinjaAPI(
    title="namhoc API",
    version=__version__,
    description=(
        "Văn bản chỉ đạo, nhiệm vụ, phân công, số liệu — cùng một lớp phân quyền với giao diện web."
    ),
    auth=django_auth,
    urls_namespace="api",
)


# --- every error as JSON: {"code": stable, "message": Vietnamese, "field": …} -----------------
# Pages have their Vietnamese error pages (``namhoc.web.errors``); here every failure — a domain
# refusal, a missing sign-in, a CSRF failure, a body that is not JSON, invalid input, an unknown
# object, an unexpected exception — answers JSON of the same shape, never HTML or English.

logger = logging.getLogger("namhoc.api")


def _error(
    request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "field": None, **extra}, status=status
    )


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "Bạn cần đăng nhập.")


# ninja raises HttpError with an English sentence for these; a stable code and Vietnamese instead.
_NINJA_MESSAGES = {
    "CSRF check Failed": ("csrf_failed", CSRF_MESSAGE),
    "Cannot parse request body": (
        "bad_body",
        "Nội dung gửi lên không đọc được: cần JSON hợp lệ (UTF-8) đúng kiểu khai báo.",
    ),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    text = str(exc)
    for english, (code, message) in _NINJA_MESSAGES.items():
        if text.startswith(english):
            return _error(request, exc.status_code, code, message)
    code, message = generic(exc.status_code, request.method or "")
    return _error(request, exc.status_code, code, message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "Không tìm thấy hoặc bạn không có quyền xem.")


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{**error, "message": field_message(error)} for error in exc.errors]
    fields: dict[str, str] = {}
    for error in errors:
        fields.setdefault(field_name(error.get("loc", ())), error["message"])
    # "message" stays one sentence for the whole request; each field's own is under "fields".
    return api.create_response(
        request,
        {
            "code": "invalid",
            "message": "Dữ liệu gửi lên không hợp lệ.",
            "field": next(iter(fields), None),
            "fields": fields,
            "errors": errors,
        },
        status=422,
    )


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else: logged with its traceback for the operator; the client gets a 500 in JSON
    (never the traceback, whatever DEBUG says)."""
    logger.error("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
    code, message = generic(500)
    return _error(request, 500, code, message)


_SOURCES = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})


def field_name(loc: Any) -> str:
    """``["body", "payload", "title"]`` → ``"title"``; ``["query", "limit"]`` → ``"limit"``."""
    parts = [str(part) for part in (loc or ())]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "payload"


# pydantic error type -> Vietnamese sentence ({…} filled from the error's context).
_FIELD_MESSAGES = {
    "missing": "Thiếu giá trị bắt buộc.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_short": "Phải có ít nhất {min_length} ký tự.",
    "string_too_long": "Dài quá {max_length} ký tự.",
    "string_pattern_mismatch": "Không đúng dạng quy định.",
    "int_type": "Phải là số nguyên.",
    "int_parsing": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "int_parsing_size": "Số quá lớn.",
    "float_type": "Phải là một số.",
    "float_parsing": "Phải là một số.",
    "decimal_type": "Phải là một số.",
    "decimal_parsing": "Phải là một số.",
    "decimal_max_digits": "Nhiều nhất {max_digits} chữ số.",
    "decimal_max_places": "Nhiều nhất {decimal_places} chữ số sau dấu thập phân.",
    "decimal_whole_digits": "Quá nhiều chữ số phần nguyên.",
    "finite_number": "Phải là một số hữu hạn.",
    "greater_than": "Phải lớn hơn {gt}.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "bool_type": "Phải là true hoặc false.",
    "bool_parsing": "Phải là true hoặc false.",
    "date_type": "Phải là ngày dạng YYYY-MM-DD.",
    "date_parsing": "Phải là ngày dạng YYYY-MM-DD.",
    "date_from_datetime_parsing": "Phải là ngày dạng YYYY-MM-DD.",
    "date_from_datetime_inexact": "Phải là ngày dạng YYYY-MM-DD.",
    "datetime_type": "Phải là thời điểm dạng ISO 8601.",
    "datetime_parsing": "Phải là thời điểm dạng ISO 8601.",
    "literal_error": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "enum": "Giá trị không hợp lệ; chọn một trong: {expected}.",
    "list_type": "Phải là một danh sách.",
    "too_long": "Quá nhiều phần tử (tối đa {max_length}).",
    "too_short": "Quá ít phần tử (ít nhất {min_length}).",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
    "json_invalid": "JSON không hợp lệ.",
    "json_type": "JSON không hợp lệ.",
    "extra_forbidden": "Trường này không được nhận.",
    "uuid_parsing": "Mã không đúng dạng UUID.",
    "url_parsing": "Địa chỉ không hợp lệ.",
}


def field_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        # Our validators raise ValueError with a Vietnamese sentence; pydantic prefixes it.
        text = str((error.get("ctx") or {}).get("error") or error.get("msg") or "")
        for prefix in ("Value error, ", "Assertion failed, "):
            text = text.removeprefix(prefix)
        return text or "Giá trị không hợp lệ."
    template = _FIELD_MESSAGES.get(kind)
    if template is None:
        return "Giá trị không hợp lệ."
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip(" ;:(") + "."


@api.get("/me", tags=["accounts"], summary="The signed-in user")
def me(request: HttpRequest) -> dict[str, str]:
    user = request.user
    return {"username": user.get_username(), "display_name": str(user)}


api.add_router("/users", users_router)
api.add_router("/units", units_router)
api.add_router("/audit", "namhoc.api.audit.router")
api.add_router("/directives", "namhoc.api.directives.router")
api.add_router("/tracking", "namhoc.api.tracking.router")
api.add_router("/indicators", "namhoc.api.indicators.router")
api.add_router("/reports", "namhoc.api.reporting.router")
api.add_router("/inspections", "namhoc.api.inspections.router")
api.add_router("/emulation", "namhoc.api.emulation.router")
api.add_router("/notifications", "namhoc.api.notifications.router")
api.add_router("/legal", "namhoc.api.legal.router")
api.add_router("/disclosure", "namhoc.api.disclosure.router")  # public: no sign-in
api.add_router("/privacy", "namhoc.api.privacy.router")
