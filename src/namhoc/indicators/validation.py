"""Reading figures typed by people, and the data set's rules between figures.

Numbers are read the Vietnamese way: ``1.250`` is one thousand two hundred and fifty, ``12,5``
is twelve and a half; ``1 250`` and ``1,250.5`` are accepted too. Every message is Vietnamese and
says what to type instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

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

MAX_VALUE = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES) - 1
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^-?\d+([.,]\d+)?$")


class InvalidValue(ValueError):
    """A typed figure that cannot be read; the message is for the user (Vietnamese)."""

    pass


def _to_decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        return Decimal(int(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        return raw
    text = str(raw).replace("\u00a0", " ").replace("\u202f", " ").strip().replace(" ", "")
    if _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")
    elif _THOUSANDS_COMMA.match(text):
        text = text.replace(",", "")
    elif "." in text and "," in text and text.rfind(",") > text.rfind("."):
        text = text.replace(".", "").replace(",", ".")
    elif _PLAIN.match(text):
        text = text.replace(",", ".")
    else:
        raise InvalidValue("Phải là một số, ví dụ 1250 hoặc 12,5.")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise InvalidValue("Phải là một số, ví dụ 1250 hoặc 12,5.") from exc


def parse_value(element: DataElement, raw: object) -> Decimal | None:
    """The figure typed for ``element``; None for a blank (no figure). InvalidValue if wrong."""
    return _parse(element.value_type, raw)


def parse_number(raw: object) -> Decimal | None:
    """A non-negative number with at most two decimals (targets); None for a blank."""
    return _parse(ValueType.NUMBER, raw)


def _parse(value_type: str, raw: object) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if value_type == ValueType.BOOLEAN and isinstance(raw, str):
        folded = raw.strip().lower()
        if folded in {"có", "co", "đạt", "x"}:
            return Decimal(1)
        if folded in {"không", "khong", "chưa đạt"}:
            return Decimal(0)
    value = _to_decimal(raw)
    if not value.is_finite():
        raise InvalidValue("Phải là một số, ví dụ 1250 hoặc 12,5.")
    if value < 0:
        raise InvalidValue("Không được là số âm.")
    if value > MAX_VALUE:
        raise InvalidValue("Số quá lớn.")
    if value_type == ValueType.BOOLEAN:
        if value not in (0, 1):
            raise InvalidValue("Chỉ nhận 1 (có, đạt) hoặc 0 (không, chưa đạt).")
        return Decimal(int(value))
    if value_type == ValueType.INTEGER:
        if value != value.to_integral_value():
            raise InvalidValue("Phải là số nguyên (không có phần thập phân).")
        return Decimal(int(value))
    if value != value.quantize(Decimal(1).scaleb(-VALUE_PLACES)):
        raise InvalidValue(f"Tối đa {VALUE_PLACES} chữ số sau dấu phẩy.")
    return value.quantize(Decimal(1).scaleb(-VALUE_PLACES))


def format_number(value: Decimal | int | float | None, decimals: int | None = None) -> str:
    """``1250`` -> ``1.250``; ``12.5`` -> ``12,5`` (Vietnamese grouping); None -> ``—``."""
    if value is None:
        return "—"
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
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
