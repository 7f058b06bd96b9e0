"""Pagination for every list page: Django's Paginator, forgiving page numbers, links that keep
the other query parameters (the filters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


@dataclass(frozen=True)
class Pager:
    """One page of a list, with links that keep the other query parameters (the filters)."""

    page: Page
    param: str
    noun: str
    prev_url: str
    next_url: str


def paginate(
    request: HttpRequest,
    items: Sequence[Any] | Any,
    *,
    per_page: int,
    noun: str,
    param: str = "trang",
) -> Pager:
    """Django's Paginator on ``items`` (a queryset: one COUNT and one page query); a bad or
    too large page number gives the nearest page, never an error."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    return Pager(
        page=page,
        param=param,
        noun=noun,
        prev_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
    )
