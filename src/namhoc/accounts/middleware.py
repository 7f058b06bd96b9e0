"""Per-request middleware of the accounts layer: session timeouts and the audit context."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from namhoc.accounts.http import client_ip
from namhoc.accounts.sessions import user_session_record
from namhoc.core.audit import audit_context

STARTED = "namhoc_started"
SEEN = "namhoc_seen"
# "Last seen" is written at most this often, so that reading pages does not write every time.
SEEN_RESOLUTION_SECONDS = 60


def _now() -> float:
    return timezone.now().timestamp()


class SessionTimeoutMiddleware:
    """Ends a session after ``SESSION_IDLE_SECONDS`` without a request, or ``SESSION_COOKIE_AGE``
    after sign-in, whichever comes first. Also records each signed-in session for its user.

    Place it after ``AuthenticationMiddleware`` and ``MessageMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        response = self.get_response(request)
        # A sign-in during this request (the login view rotated the session key): start the clock.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and STARTED not in request.session:
            self._start(request)
        return response

    def _start(self, request: HttpRequest) -> None:
        now = _now()
        request.session[STARTED] = now
        request.session[SEEN] = now
        if request.session.session_key is None:
            request.session.save()
        user_session_record(user=request.user, session_key=request.session.session_key or "")  # type: ignore[arg-type]

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = _now()
        started = session.get(STARTED)
        seen = session.get(SEEN)
        if started is None or seen is None:
            self._start(request)
            return
        idle = int(getattr(settings, "SESSION_IDLE_SECONDS", 30 * 60))
        if now - float(seen) > idle or now - float(started) > settings.SESSION_COOKIE_AGE:
            auth.logout(request)
            messages.info(
                request, "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.", fail_silently=True
            )
            return
        if now - float(seen) >= SEEN_RESOLUTION_SECONDS:
            session[SEEN] = now


def _source(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


class AuditContextMiddleware:
    """Opens the audit context for the request: where changes come from (web, api, admin), the
    client's address, and a request id (``X-Request-ID`` if a proxy sent a sane one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")
        if not (0 < len(request_id) <= 64 and request_id.replace("-", "").isalnum()):
            request_id = uuid.uuid4().hex
        with audit_context(
            source=_source(request.path), ip=client_ip(request), request_id=request_id
        ):
            return self.get_response(request)


__all__ = ["AuditContextMiddleware", "SessionTimeoutMiddleware"]
