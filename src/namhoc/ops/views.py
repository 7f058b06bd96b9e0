"""``/metrics`` (Prometheus text format), restricted: see ``ops.metrics``."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from namhoc.ops import metrics


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    verdict = metrics.allowed(
        authorization=request.headers.get("Authorization", ""),
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        forwarded=any(
            header in request.META
            for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")
        ),
        token=str(getattr(settings, "METRICS_TOKEN", "") or ""),
    )
    if verdict is False:
        response = HttpResponse(
            "Cần mã truy cập / a bearer token is required\n",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response["WWW-Authenticate"] = 'Bearer realm="namhoc metrics"'
        return response
    if verdict is None:
        return HttpResponse(
            "Chỉ đọc được từ máy chủ này (127.0.0.1) hoặc với NAMHOC_METRICS_TOKEN / "
            "only from this server's loopback address, or with NAMHOC_METRICS_TOKEN\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    body, content_type = metrics.render()
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
