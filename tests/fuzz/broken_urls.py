"""A URLconf for ``test_harness.py``: the project's URLs plus two deliberately broken forms, to
show the form fuzzer catches what it is there to catch."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import path

from namhoc.accounts.models import User
from namhoc.config.urls import urlpatterns as project_patterns


def crashes_on_odd_digits(request: HttpRequest) -> HttpResponse:
    """``str.isdigit()`` lets "²" through and ``int()`` then fails: the bug of issue 9.6(a)."""
    raw = request.POST.get("n", "")
    if raw and not raw.isdigit():
        return HttpResponseBadRequest("Phải là số.")
    return HttpResponse(str(int(raw or 0) + 1))


def writes_then_refuses(request: HttpRequest) -> HttpResponse:
    """Saves a name, then refuses the request as if nothing happened."""
    User.objects.filter(username="fuzz-harness").update(full_name=request.POST.get("name", ""))
    return HttpResponseBadRequest("Tên không hợp lệ.")


urlpatterns = [
    path("fuzz-harness/crash/", crashes_on_odd_digits),
    path("fuzz-harness/write/", writes_then_refuses),
    *project_patterns,
]
