"""One log line and one metrics observation per request (ADR 0010).

``RequestObservationMiddleware`` comes first in ``settings.MIDDLEWARE``, so its clock covers the
whole stack. It settles the request id before anything else runs — the ``X-Request-ID`` a proxy
sent (when it is a sane one), or a new one — and writes it back into the request, so that the
audit context (``accounts.middleware.AuditContextMiddleware``) files this request's changes under
the same id; the response carries it in ``X-Request-ID`` too.

The line (logger ``namhoc.request``): request id, method, path (never the query string: it can
hold what people searched for), route name, status, duration, the CPU time the request's thread
used (the rest of the duration was spent waiting: for the database, for a lock, for the
machine's cores when they are busy), the user's id (not their name),
their home unit's key (kept in the session at sign-in: no query per request), and the client
address.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from namhoc.ops import metrics
from namhoc.ops.logs import FIELDS
from namhoc.ops.signin import SESSION_UNIT

logger = logging.getLogger("namhoc.request")


def _request_id(request: HttpRequest) -> str:
    # META, not request.headers: that is built once, and the audit middleware must see our id.
    given = str(request.META.get("HTTP_X_REQUEST_ID", ""))
    if 0 < len(given) <= 64 and given.replace("-", "").isalnum():
        return given
    return uuid.uuid4().hex


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        return str(match.view_name)
    if request.path.startswith(str(getattr(settings, "STATIC_URL", "/static/"))):
        return "<static>"
    return "<unmatched>"


class RequestObservationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started, cpu_started = time.perf_counter(), time.thread_time()
        request_id = _request_id(request)
        request.META["HTTP_X_REQUEST_ID"] = request_id
        request.__dict__.pop("headers", None)  # were they read already, read them again
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        cpu_seconds = time.thread_time() - cpu_started
        response["X-Request-ID"] = request_id
        route = route_of(request)
        metrics.observe(
            route=route, method=request.method or "", status=response.status_code, seconds=seconds
        )
        self._log(
            request,
            response,
            request_id=request_id,
            route=route,
            seconds=seconds,
            cpu_seconds=cpu_seconds,
        )
        return response

    def _log(
        self,
        request: HttpRequest,
        response: HttpResponse,
        *,
        request_id: str,
        route: str,
        seconds: float,
        cpu_seconds: float,
    ) -> None:
        if route == "<static>" and response.status_code < 400:
            return
        from namhoc.accounts.http import client_ip

        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        session = getattr(request, "session", None)
        unit = str(session.get(SESSION_UNIT, "")) if signed_in and session is not None else ""
        status = response.status_code
        fields = {
            "request_id": request_id,
            "method": request.method,
            "path": request.path,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "cpu_ms": round(cpu_seconds * 1000, 1),
            "user": user.pk if user is not None and signed_in else None,
            "unit": unit,
            "ip": client_ip(request),
        }
        level = logging.ERROR if status >= 500 else logging.INFO
        logger.log(
            level,
            "%s %s %s %.0f ms",
            request.method,
            request.path,
            status,
            seconds * 1000,
            extra={FIELDS: fields},
        )
