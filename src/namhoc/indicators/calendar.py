"""The reporting periods in time order, and the one rule for the period a page opens on."""

from __future__ import annotations

import datetime as dt

from namhoc.core.clock import today
from namhoc.indicators.models import Period

__all__ = ["current_period", "periods"]


def periods() -> list[Period]:
    """Every period in time order: by the date its figures are as of ("Đầu năm học" as of 30/9
    before "Học kỳ I" as of 15/1, though both start on 1/9)."""
    return list(Period.objects.order_by("as_of", "start", "pk"))


def current_period(
    all_periods: list[Period] | None = None, *, day: dt.date | None = None
) -> Period | None:
    """The period whose figures are the newest there can be on ``day`` (today): the latest whose
    reference date (``as_of``) has passed — on 24/11 the start-of-year report as of 30/9, not the
    semester that is still running. Before any, the earliest period."""
    day = day or today()
    rows = all_periods if all_periods is not None else periods()
    passed = [p for p in rows if p.as_of <= day]
    if passed:
        return max(passed, key=lambda p: (p.as_of, p.start))
    return min(rows, key=lambda p: (p.as_of, p.start)) if rows else None
