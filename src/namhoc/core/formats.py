"""Showing numbers and dates the Vietnamese way (the inverse of :mod:`namhoc.core.parsing`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

__all__ = ["format_date", "format_number"]


def format_number(value: Decimal | int | float | None, decimals: int | None = None) -> str:
    """``1250`` → ``1.250``; ``12.5`` → ``12,5`` (Vietnamese grouping); None → ``—``.

    What it prints, :func:`namhoc.core.parsing.parse_decimal` reads back as the same number.
    """
    if value is None:
        return "—"
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return "—"
    if decimals is not None:
        number = (
            number.quantize(Decimal(1).scaleb(-decimals))
            if decimals
            else number.quantize(Decimal(1))
        )
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    text = f"{abs(number):f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    if fraction:
        result += "," + fraction
    return sign + result


def format_date(value: dt.date | dt.datetime | None, empty: str = "") -> str:
    """``dd/mm/yyyy``; a datetime in the local time zone first."""
    if value is None:
        return empty
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value:%d/%m/%Y}"
