"""Org-unit pages: browse and search the tree, a unit's page with its history, "as of" a date.
Each view parses the query string, calls one page selector of ``namhoc.accounts`` (units as the
viewer may see them: out of scope → 404), and renders (ADR 0007)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from namhoc.accounts import selectors
from namhoc.web import orgunits_exports as exports
from namhoc.web.access import with_domain_errors
from namhoc.web.exports import export_url, wants_xlsx, xlsx_download
from namhoc.web.paging import paginate

TOP_PER_PAGE = 40
CHILDREN_PER_PAGE = 50
REFORM_EVE = dt.date(2025, 6, 30)


@login_required
@require_GET
@with_domain_errors
def unit_index(request: HttpRequest) -> HttpResponse:
    index = selectors.unit_index(request.user, query=request.GET.get("q", ""))
    context: dict[str, Any] = {
        "query": index.query,
        "results": index.results,
        "more": index.more,
        "search_limit": selectors.SEARCH_LIMIT,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "orgunits/_search_results.html", context)
    if wants_xlsx(request):
        return xlsx_download([exports.tops_table(index.tops)], "Đơn vị bạn phụ trách")
    context["export_url"] = export_url(request)
    context["pager"] = paginate(request, index.tops, per_page=TOP_PER_PAGE, noun="đơn vị")
    context["page"] = context["pager"].page
    return render(request, "orgunits/index.html", context)


@login_required
@require_GET
@with_domain_errors
def unit_detail(request: HttpRequest, key: str) -> HttpResponse:
    page = selectors.unit_page(request.user, key, as_of=request.GET.get("as_of"))
    if wants_xlsx(request):
        return xlsx_download(exports.unit_tables(page), f"Đơn vị {page.unit.name}")
    pager = paginate(request, page.children, per_page=CHILDREN_PER_PAGE, noun="đơn vị")
    return render(
        request,
        "orgunits/detail.html",
        {
            "p": page,
            "unit": page.unit,
            "as_of": page.as_of,
            "existed": page.existed,
            "counterparts": page.counterparts,
            "ancestors": page.ancestors,
            "pager": pager,
            "page": pager.page,
            "counts": page.counts,
            "predecessors": page.predecessors,
            "successors": page.successors,
            "history": page.history,
            "reform_eve": REFORM_EVE,
            "export_url": export_url(request),
        },
    )
