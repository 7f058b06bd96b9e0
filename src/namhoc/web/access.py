"""Views speak the access layer's errors: NotFound -> 404 page, Forbidden -> 403 page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from namhoc.core.errors import DomainError, Forbidden, NotFound

V = TypeVar("V", bound=Callable[..., HttpResponse])


def is_refusal(exc: DomainError) -> bool:
    """A refusal the error page answers (out of scope, no right) rather than the form."""
    return exc.status in (403, 404)


def domain_error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        template = "404.html"
    elif isinstance(exc, Forbidden):
        template = "403.html"
    else:
        template = "400.html"
    return render(request, template, {"error": exc}, status=exc.status)


def with_domain_errors(view: V) -> V:
    """Turn a DomainError escaping ``view`` into the matching error page (404, 403, 400...)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return domain_error_response(request, exc)

    return cast(V, wrapper)


def attach_error(form: Any, exc: DomainError) -> None:
    """Show a use case's refusal on the form field it names (else above the form)."""
    field = exc.field if exc.field in getattr(form, "fields", {}) else None
    form.add_error(field, exc.message)
