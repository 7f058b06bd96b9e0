"""Reading figures typed by people, and the data set's rules between figures.

Numbers are read by the one shared parser (:mod:`namhoc.core.parsing`): ``1.250`` is one
thousand two hundred and fifty, ``12,5`` is twelve and a half. Every message is Vietnamese and
says what to type instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from namhoc.core.errors import DomainError
from namhoc.core.formats import format_number
from namhoc.core.parsing import parse_decimal
from namhoc.indicators.formulas import parse
from namhoc.indicators.models import (
    VALUE_DIGITS,
    VALUE_PLACES,
    DataElement,
    ValidationRule,
    ValueType,
)

__all__ = [
    "InvalidValue",
    "RuleFailure",
    "check_rules",
    "format_number",
    "parse_number",
    "parse_value",
]

MAX_VALUE = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES) - Decimal(1).scaleb(-VALUE_PLACES)


class InvalidValue(ValueError):
    """A typed figure that cannot be read; the message is for the user (Vietnamese)."""

    pass


def parse_value(element: DataElement, raw: object) -> Decimal | None:
    """The figure typed for ``element``; None for a blank (no figure). InvalidValue if wrong."""
    return _parse(element.value_type, raw)


def parse_number(raw: object) -> Decimal | None:
    """A non-negative number with at most two decimals (targets); None for a blank."""
    return _parse(ValueType.NUMBER, raw)


_YES = {"có", "co", "đạt", "dat", "x"}
_NO = {"không", "khong", "chưa đạt", "chua dat"}


def _parse(value_type: str, raw: object) -> Decimal | None:
    """One figure, read by the shared parser (:mod:`namhoc.core.parsing`) within the column's
    digits and places; messages without a label (they stand beside the box or cell)."""
    if value_type == ValueType.BOOLEAN and isinstance(raw, str):
        folded = " ".join(raw.lower().split())
        if folded in _YES:
            return Decimal(1)
        if folded in _NO:
            return Decimal(0)
    whole = value_type in (ValueType.INTEGER, ValueType.BOOLEAN)
    try:
        value = parse_decimal(
            raw,
            label="",
            max_digits=VALUE_DIGITS - (VALUE_PLACES if whole else 0),
            places=0 if whole else VALUE_PLACES,
            minimum=0,
        )
    except DomainError as exc:
        raise InvalidValue(exc.message) from None
    if value is None:
        return None
    if value_type == ValueType.BOOLEAN:
        if value not in (0, 1):
            raise InvalidValue("Chỉ nhận 1 (có, đạt) hoặc 0 (không, chưa đạt).")
        return Decimal(int(value))
    if whole:
        return Decimal(int(value))
    return value


@dataclass(frozen=True)
class RuleFailure:
    rule_code: str
    field: str  # the element code the message is shown next to
    message: str


_COMPARE = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    ">=": lambda a, b: a >= b,
}


def check_rules(
    rules: Iterable[ValidationRule], values: Mapping[str, Decimal]
) -> list[RuleFailure]:
    """The rules ``values`` break. A rule with a side lacking figures is not checked."""
    failures = []
    for rule in rules:
        left = parse(rule.left)
        right = parse(rule.right)
        left_value = left.evaluate(values)
        right_value = right.evaluate(values)
        if left_value is None or right_value is None:
            continue
        if _COMPARE[rule.operator](left_value, right_value):
            continue
        field = next((t.code for t in left.terms if t.code), rule.left)
        message = rule.message.format(
            left=format_number(left_value), right=format_number(right_value)
        )
        failures.append(RuleFailure(rule_code=rule.code, field=field, message=message))
    return failures
