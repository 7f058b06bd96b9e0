"""``{% load figures %}``: Vietnamese number formatting for figures and indicator values."""

from __future__ import annotations

from decimal import Decimal

from django import template

from namhoc.indicators.validation import format_number

register = template.Library()


@register.filter
def vn(value: Decimal | int | float | None, decimals: int | None = None) -> str:
    """``1250`` -> ``1.250``; ``12.5`` -> ``12,5``; None -> ``—``."""
    if value is None or value == "":
        return "—"
    return format_number(value, decimals)


@register.filter
def vn_input(value: Decimal | None) -> str:
    """The value as typed back into an input (no grouping ambiguity: ``1250``, ``12,5``)."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number.normalize():f}".replace(".", ",")


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
