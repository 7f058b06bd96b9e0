"""Every table page can be downloaded as Excel and printed (issue 13).

A page offers its export by passing ``export_url(request)`` to the template (the snippet
``web/_export.html`` shows "Tải Excel" and "In trang"); the view answers the same request with
``?xuat=xlsx`` by building :class:`namhoc.reporting.xlsx.Table` s from the SAME selector result
it renders — so the file holds exactly what the page shows to that person (same access, same
filters and order), never more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse

from namhoc.core.formats import format_date
from namhoc.reporting.xlsx import Table, xlsx_response

__all__ = ["EXPORT_PARAM", "export_url", "wants_xlsx", "xlsx_download"]

EXPORT_PARAM = "xuat"
_PAGING = ("trang", "trang_dv", "trang_nv", "trang_vb", "trang_kt")


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get(EXPORT_PARAM) == "xlsx"


def export_url(request: HttpRequest) -> str:
    """This page's address with ``xuat=xlsx`` (filters and order kept; every row, no paging)."""
    query = request.GET.copy()
    for name in _PAGING:
        query.pop(name, None)
    query[EXPORT_PARAM] = "xlsx"
    return f"{request.path}?{query.urlencode()}"


def xlsx_download(tables: Sequence[Table], name: str) -> HttpResponse:
    """``tables`` as ``<name> <dd-mm-yyyy>.xlsx``."""
    today = format_date(dt.date.today()).replace("/", "-")
    return xlsx_response(tables, f"{name} {today}.xlsx")
