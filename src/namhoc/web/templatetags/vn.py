"""``{% load vn %}``: numbers and dates the Vietnamese way on every page (``core.formats``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from namhoc.core.formats import format_date, format_number

register = template.Library()


@register.filter
def vn_number(value: Decimal | int | float | None, decimals: int | None = None) -> str:
    """``1250`` → ``1.250``; ``12.5`` → ``12,5``; nothing → ``—``."""
    if value is None or value == "":
        return "—"
    return format_number(value, decimals)


@register.filter
def vn_date(value: dt.date | dt.datetime | str | None) -> str:
    """``dd/mm/yyyy`` (also for ISO strings, as conflict payloads carry dates)."""
    if isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value[:10]))
        except ValueError:
            return value
    return format_date(value)


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    """``mapping|get_item:key`` — a dict entry by a key held in a variable."""
    return mapping.get(key) if isinstance(mapping, dict) else None
