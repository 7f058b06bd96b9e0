"""The public disclosure pages (công khai, issue 17; ADR 0012): no sign-in. The unit index, a
unit's page for a period, and its open data (CSV, JSON). Each view parses the request, calls one
page selector of ``namhoc.disclosure``, and renders (ADR 0007)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from namhoc.disclosure import opendata, selectors
from namhoc.disclosure.sections import CIRCULAR, CIRCULAR_SOURCE, FINANCE, GENERAL
from namhoc.orgunits.models import OrgUnit
from namhoc.web.access import with_domain_errors
from namhoc.web.paging import paginate

UNITS_PER_PAGE = 50
DIRECTIVES_PER_PAGE = 20
_KINDS = [
    (value, label)
    for value, label in OrgUnit.Kind.choices
    if value not in (OrgUnit.Kind.DISTRICT, OrgUnit.Kind.MINISTRY)
]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    kind = request.GET.get("cap", "")[:20]
    units = selectors.unit_index(search=search, kind=kind)
    return render(
        request,
        "disclosure/index.html",
        {
            "pager": paginate(request, units, per_page=UNITS_PER_PAGE, noun="đơn vị"),
            "search": search,
            "kind": kind,
            "kinds": _KINDS,
            "circular": CIRCULAR,
            "circular_source": CIRCULAR_SOURCE,
        },
    )


@require_GET
@with_domain_errors
def unit_page(request: HttpRequest, key: str) -> HttpResponse:
    page = selectors.disclosure_page(key, request.GET.get("ky", "")[:20])
    return render(
        request,
        "disclosure/unit.html",
        {
            "page": page,
            "general": GENERAL,
            "finance": FINANCE,
            "directives": paginate(
                request, page.directives, per_page=DIRECTIVES_PER_PAGE, noun="văn bản"
            ),
            "circular": CIRCULAR,
            "circular_source": CIRCULAR_SOURCE,
        },
    )


@require_GET
@with_domain_errors
def open_csv(request: HttpRequest, key: str) -> HttpResponse:
    page, rows = selectors.open_data(key, request.GET.get("ky", "")[:20])
    response = HttpResponse(opendata.as_csv(page, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{opendata.file_stem(page)}.csv"'
    return response


@require_GET
@with_domain_errors
def open_json(request: HttpRequest, key: str) -> HttpResponse:
    page, rows = selectors.open_data(key, request.GET.get("ky", "")[:20])
    response = HttpResponse(
        json.dumps(opendata.as_json(page, rows), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{opendata.file_stem(page)}.json"'
    return response
