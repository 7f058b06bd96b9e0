from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from namhoc import __version__
from namhoc.accounts import selectors as accounts_selectors
from namhoc.tracking import selectors as tracking_selectors

HOME_OPEN_WORK = 8


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a person lands: their units and roles, and the work of their home unit due next
    (``accounts.selectors.home_unit``: the same unit every page defaults to)."""
    facts = accounts_selectors.home(request.user)
    units, first = facts.units, facts.unit
    work = (
        tracking_selectors.work_due_next(first, limit=HOME_OPEN_WORK) if first is not None else []
    )
    return render(
        request, "web/home.html", {"units": units, "first_unit": first, "open_work": work}
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and monitoring. No sign-in."""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        failure = {"status": "error", "vendor": connection.vendor, "error": type(exc).__name__}
        return JsonResponse(
            {"status": "error", "version": __version__, "database": failure}, status=503
        )
    latency_ms = round((time.perf_counter() - started) * 1000, 2)
    database: dict[str, str | float] = {
        "status": "ok",
        "vendor": connection.vendor,
        "latency_ms": latency_ms,
    }
    return JsonResponse({"status": "ok", "version": __version__, "database": database})
