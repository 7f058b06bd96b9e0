"""What a person (or a program) gets when something goes wrong: Vietnamese pages, JSON for /api/.

Django's error handlers (``handler400/403/404/500`` in ``config/urls.py``) and the CSRF failure
view (``CSRF_FAILURE_VIEW``) render namhoc's own pages, never Django's English or debug ones; a
path under ``/api/`` gets JSON instead, ``{"code": …, "message": …}`` with a stable code and a
Vietnamese message, the same shape as every other API error (``api/api.py``).
:class:`ApiErrorsAsJsonMiddleware` turns the few non-JSON error responses that still come out of
the API's URL space (ninja's bare "Method not allowed", for one) into that shape.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from namhoc.core.http_errors import CSRF_MESSAGE, generic

logger = logging.getLogger("namhoc.errors")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_error(
    status: int, code: str, message: str, **extra: Any
) -> JsonResponse:  # the API's error shape
    return JsonResponse(
        {"code": code, "message": message, "field": None, **extra},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _page(request: HttpRequest, template: str, status: int, **context: Any) -> HttpResponse:
    return render(request, template, context, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return json_error(400, *generic(400))
    return _page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return json_error(403, *generic(403))
    return _page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return json_error(404, "not_found", "Không có địa chỉ API này.")
    return _page(request, "404.html", 404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 answer. Rendered without context processors or the database (the fault may be
    there): a self-contained page, or JSON under /api/."""
    if is_api(request):
        return json_error(500, *generic(500))
    try:
        body = loader.get_template("500.html").render()
    except Exception:  # the templates themselves may be what is broken
        logger.exception("500.html could not be rendered")
        body = "<!doctype html><title>Lỗi hệ thống</title><h1>Lỗi hệ thống</h1>"
    return HttpResponse(body, status=500, content_type="text/html; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form sent from an old page, or without its token."""
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    if is_api(request):
        return json_error(403, "csrf_failed", CSRF_MESSAGE)
    return _page(request, "csrf_failure.html", 403, message=CSRF_MESSAGE)


class ApiErrorsAsJsonMiddleware:
    """Under /api/, an error response that is not JSON becomes ``{"code", "message"}`` JSON with
    the same status (and headers such as ``Allow``). Place it first: it then also covers what
    other middleware answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api(request)
            or response.get("Content-Type", "").startswith("application/json")
            or getattr(response, "streaming", False)
        ):
            return response
        code, message = generic(response.status_code, request.method or "")
        converted = HttpResponse(
            json.dumps(
                {"code": code, "message": message, "field": None}, ensure_ascii=False
            ).encode(),
            status=response.status_code,
            content_type="application/json; charset=utf-8",
        )
        for header in ("Allow", "Retry-After", "WWW-Authenticate", "Vary", "Cache-Control"):
            if header in response:
                converted[header] = response[header]
        converted.cookies = response.cookies
        return converted
