"""Org-unit pages: browse and search the tree, a unit's page with its history, "as of" a date.

Every page goes through the access layer: the units a user may see are ``visible_units(user)``;
a unit page first calls ``access_unit`` (out of scope -> 404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from namhoc.accounts.access import access_unit, visible_units
from namhoc.core.errors import DomainError
from namhoc.orgunits import selectors
from namhoc.orgunits.models import OrgUnit
from namhoc.web.access import with_domain_errors
from namhoc.web.paging import paginate

TOP_PER_PAGE = 40
CHILDREN_PER_PAGE = 50
SEARCH_LIMIT = 30


def parse_as_of(value: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` -> date; empty -> None; anything else -> DomainError (400)."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        day = None
    if day is None or len(value.strip()) != 10 or not 1945 <= day.year <= 2100:
        raise DomainError(
            "invalid_date",
            f"Ngày '{value[:20]}' không hợp lệ: hãy nhập theo dạng NNNN-TT-NN, ví dụ 2024-06-30.",
            field="as_of",
        )
    return day


def _page(request: HttpRequest, items: object, per_page: int) -> Page:
    return paginate(request, items, per_page=per_page, noun="đơn vị").page


def _level_label(kind: str, school_level: str) -> str:
    if kind == OrgUnit.Kind.SCHOOL and school_level:
        return str(OrgUnit.SchoolLevel(school_level).label)
    return str(OrgUnit.Kind(kind).label)


@login_required
@require_GET
@with_domain_errors
def unit_index(request: HttpRequest) -> HttpResponse:
    visible = visible_units(request.user)
    query = request.GET.get("q", "").strip()
    results = (
        list(selectors.search(query, within=visible)[:SEARCH_LIMIT]) if len(query) >= 2 else None
    )
    context: dict[str, Any] = {"query": query, "results": results, "search_limit": SEARCH_LIMIT}
    if request.headers.get("HX-Request") == "true":
        return render(request, "orgunits/_search_results.html", context)
    tops = selectors.top_units(visible).annotate(
        n_children=Count("children", filter=Q(children__valid_to__isnull=True))
    )
    context["page"] = _page(request, tops, TOP_PER_PAGE)
    return render(request, "orgunits/index.html", context)


@login_required
@require_GET
@with_domain_errors
def unit_detail(request: HttpRequest, key: str) -> HttpResponse:
    unit = access_unit(request.user, key)
    as_of = parse_as_of(request.GET.get("as_of"))
    existed = as_of is None or selectors.valid_on(unit, as_of)
    children = selectors.children(unit, as_of=as_of).select_related("parent")
    if as_of is None and unit.valid_to is None:
        children = children.annotate(
            n_children=Count("children", filter=Q(children__valid_to__isnull=True))
        )
    children = children.order_by("kind", "school_level", "name_folded", "pk")
    counts = [
        {**row, "label": _level_label(row["kind"], row["school_level"])}
        for row in selectors.count_by_kind(selectors.subtree(unit, as_of=as_of, include_self=False))
    ]
    events = list(selectors.unit_history(unit))
    links = selectors.event_links(events)
    context = {
        "unit": unit,
        "as_of": as_of,
        "existed": existed,
        "counterparts": [] if existed or as_of is None else selectors.counterparts(unit, as_of),
        "ancestors": selectors.ancestors(unit, as_of=as_of if existed else None),
        "page": _page(request, children, CHILDREN_PER_PAGE),
        "counts": counts,
        "predecessors": list(selectors.predecessors(unit)),
        "successors": list(selectors.successors(unit)),
        "history": [(event, links.get(event.pk, [])) for event in events],
        "reform_eve": dt.date(2025, 6, 30),
    }
    return render(request, "orgunits/detail.html", context)
