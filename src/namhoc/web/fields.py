"""Form fields that read and show values the one Vietnamese way (``namhoc.core.parsing``).

A form pre-checks input for a friendly page; the use case checks it again and is the authority
(ADR 0007). What these fields show (``prepare_value``), they read back as the same value, so a
form re-posted unchanged is accepted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from namhoc.core.errors import DomainError
from namhoc.core.formats import format_date, format_number
from namhoc.core.parsing import DATE_MAX, DATE_MIN, parse_date, parse_decimal

__all__ = ["VNDateField", "VNDecimalField"]


class VNDecimalField(forms.Field):
    """A number typed the Vietnamese way (``1.250,5``), within the model field's digits."""

    def __init__(
        self,
        *,
        max_digits: int,
        decimal_places: int,
        min_value: Decimal | int | None = 0,
        max_value: Decimal | int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        self.min_value = min_value
        self.max_value = max_value

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_number(value)
        return value

    def to_python(self, value: Any) -> Decimal | None:
        try:
            return parse_decimal(
                value,
                label="",
                max_digits=self.max_digits,
                places=self.decimal_places,
                minimum=self.min_value,
                maximum=self.max_value,
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


class VNDateField(forms.Field):
    """A date typed ``dd/mm/yyyy`` (the browser's language never decides the order)."""

    def __init__(
        self, *, minimum: dt.date = DATE_MIN, maximum: dt.date = DATE_MAX, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "placeholder": "dd/mm/yyyy",
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "class": "date-input",
                }
            ),
        )
        super().__init__(**kwargs)
        self.minimum = minimum
        self.maximum = maximum

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return format_date(value)
        return value

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return parse_date(value, label="", minimum=self.minimum, maximum=self.maximum)
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
