"""The unit picker: type part of a name (diacritics optional), tick units; htmx refreshes the
matches as you type and keeps what is already ticked. Works by keyboard; without JavaScript the
ticked units still post with the form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from namhoc.accounts.selectors import PickPurpose, unit_pick
from namhoc.web.access import with_domain_errors

_NAME_OK = frozenset("abcdefghijklmnopqrstuvwxyz_-0123456789")


def field_name(raw: str) -> str:
    name = raw.strip()[:40]
    return name if name and set(name) <= _NAME_OK else "units"


@login_required
@require_GET
@with_domain_errors
def unit_picker(request: HttpRequest) -> HttpResponse:
    """The matches and the ticked units for one picker (an htmx fragment)."""
    name = field_name(request.GET.get("o", ""))
    choices = unit_pick(
        request.user,
        purpose=request.GET.get("muc", PickPurpose.VISIBLE),
        query=request.GET.get(f"tim_{name}", ""),
        within_key=request.GET.get("trong", "")[:40],
        chosen_keys=request.GET.getlist(name),
        kinds=[k for k in request.GET.get("cap", "").split(",") if k],
    )
    return render(
        request,
        "web/_unit_picker_results.html",
        {"p": {"name": name, "multiple": request.GET.get("mot") != "1"}, "choices": choices},
    )
