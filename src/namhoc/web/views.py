from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from namhoc import __version__


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {})


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
