"""The one reader of what people type: Vietnamese numbers and dates, school years, free text.

Every path that accepts input — pages, the JSON API, Excel imports, the CLI — parses with these
functions, so one string means one thing everywhere:

- Numbers the Vietnamese way: ``1.250`` is one thousand two hundred and fifty, ``1.250,5`` is
  1250.5, ``12,5`` is 12.5. A dot followed by something other than groups of three digits is a
  decimal point (``12.5``, ``0.75``), and the English ``1,250.5`` is read as 1250.5 (a comma before
  a dot can only group thousands). Spaces (also no-break and thin spaces) group digits. Only the
  ASCII digits 0–9 count: ``²``, ``٣`` or full-width digits are refused, and so are exponents
  (``1e20``), ``NaN`` and infinities.
- Every number is checked against the digits, decimal places and range of the field it is meant
  for (:func:`decimal_bounds` reads them off the model field), so nothing that the database or a
  later page cannot hold is ever saved.
- Dates as ``dd/mm/yyyy`` (also ``d/m/yyyy``, with ``-`` or ``.``), or ISO ``yyyy-mm-dd`` as
  browsers and JSON send them; within 2000–2100 unless the caller says otherwise.
- School years as ``2025-2026``.
- Free text: NFC, control characters dropped, trimmed, capped in length.

A refusal is a :class:`~namhoc.core.errors.DomainError` (status 400) whose ``field`` names the
input and whose message is one Vietnamese sentence saying what to type instead.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from namhoc.core.errors import DomainError

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "ID_MAX",
    "clean_text",
    "decimal_bounds",
    "parse_date",
    "parse_decimal",
    "parse_id",
    "parse_int",
    "parse_school_year",
    "school_year_of",
    "text_cap",
]

DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
ID_MAX = 2**63 - 1  # the largest primary key PostgreSQL's bigint holds

_SPACES = str.maketrans(dict.fromkeys(" \u00a0\u202f\u2009\u2007\u200a\t", ""))
_SIGN = r"[-+\u2212]?"
_DOT_GROUPS = re.compile(rf"^({_SIGN})([0-9]{{1,3}}(?:\.[0-9]{{3}})+)(?:,([0-9]+))?$")
_COMMA_GROUPS = re.compile(rf"^({_SIGN})([0-9]{{1,3}}(?:,[0-9]{{3}})+)\.([0-9]+)$")
_PLAIN = re.compile(rf"^({_SIGN})([0-9]+)(?:[.,]([0-9]+))?$")
_LEADING_POINT = re.compile(rf"^({_SIGN})[.,]([0-9]+)$")
_DIGITS = re.compile(r"^[0-9]+$")


def _say(label: str, rest: str) -> str:
    """``"Chỉ tiêu" + "phải là một số."``; without a label (a spreadsheet cell, a box whose label
    stands beside it): ``"Phải là một số."``."""
    return f"{label} {rest}" if label else rest[:1].upper() + rest[1:]


def _required(label: str, field: str | None) -> DomainError:
    what = f"{label[:1].lower()}{label[1:]}" if label else "giá trị"
    return DomainError("required", f"Hãy nhập {what}.", field=field)


def _number_error(field: str | None, label: str) -> DomainError:
    return DomainError(
        "invalid_number", _say(label, "phải là một số, ví dụ 1.250 hoặc 12,5."), field=field
    )


def _read_number(raw: object, *, field: str | None, label: str) -> Decimal:  # noqa: PLR0912
    """``raw`` as a Decimal, by the rules in the module docstring (no bounds yet)."""
    if isinstance(raw, bool):  # True is an int in Python, never a number a person typed
        raise _number_error(field, label)
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = raw.translate(_SPACES)
        if len(text) > 64:  # no field holds a number that long; do not parse megabytes
            raise _number_error(field, label)
        for pattern in (_DOT_GROUPS, _COMMA_GROUPS, _PLAIN, _LEADING_POINT):
            match = pattern.match(text)
            if match is None:
                continue
            groups = match.groups()
            sign = "-" if groups[0] in {"-", "\u2212"} else ""
            if pattern is _LEADING_POINT:
                whole, fraction = "0", groups[1]
            else:
                whole, fraction = groups[1], groups[2]
            whole = whole.replace(".", "").replace(",", "")
            value = Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
            break
        else:
            raise _number_error(field, label)
    else:
        raise _number_error(field, label)
    if not value.is_finite():
        raise _number_error(field, label)
    return value


def _plain(value: Decimal) -> str:
    """A bound for a message, the Vietnamese way (``99.999.999,99``)."""
    from namhoc.core.formats import format_number

    return format_number(value)


def parse_decimal(
    raw: object,
    *,
    field: str | None = None,
    label: str = "Giá trị",
    max_digits: int = 18,
    places: int = 4,
    minimum: Decimal | int | None = 0,
    maximum: Decimal | int | None = None,
    required: bool = False,
) -> Decimal | None:
    """A number typed or sent for a field with ``max_digits`` digits, ``places`` of them after
    the decimal point, between ``minimum`` and ``maximum`` (inclusive; None: no bound beyond the
    digits). None for a blank, unless ``required``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise _required(label, field)
        return None
    value = _read_number(raw, field=field, label=label)
    quantum = Decimal(1).scaleb(-places)
    try:
        rounded = value.quantize(quantum)
    except InvalidOperation:  # more digits than the context holds: far out of any range
        raise DomainError("too_large", _say(label, "quá lớn."), field=field) from None
    if rounded != value:
        if places == 0:
            raise DomainError(
                "not_integer",
                _say(label, "phải là số nguyên (không có phần thập phân)."),
                field=field,
            )
        raise DomainError(
            "too_many_places",
            _say(label, f"có tối đa {places} chữ số sau dấu phẩy."),
            field=field,
        )
    largest = Decimal(10) ** (max_digits - places) - quantum
    upper = largest if maximum is None else min(largest, Decimal(maximum))
    lower = -largest if minimum is None else max(-largest, Decimal(minimum))
    if rounded < lower:
        if lower == 0:
            raise DomainError("negative", _say(label, "không được là số âm."), field=field)
        raise DomainError(
            "too_small", _say(label, f"phải từ {_plain(lower)} trở lên."), field=field
        )
    if rounded > upper:
        raise DomainError(
            "too_large", _say(label, f"không được lớn hơn {_plain(upper)}."), field=field
        )
    return rounded


def parse_int(
    raw: object,
    *,
    field: str | None = None,
    label: str = "Giá trị",
    minimum: int | None = 0,
    maximum: int | None = ID_MAX,
    required: bool = False,
) -> int | None:
    """A whole number within [minimum, maximum]; None for a blank unless ``required``."""
    value = parse_decimal(
        raw,
        field=field,
        label=label,
        max_digits=19,
        places=0,
        minimum=minimum,
        maximum=maximum,
        required=required,
    )
    return None if value is None else int(value)


def parse_id(raw: object) -> int | None:
    """A primary key from a URL, a form field name or a select box: ASCII digits within bigint
    range, else None (the caller answers "not found" or ignores the input)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 < raw <= ID_MAX else None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > 19 or not _DIGITS.match(text):
        return None
    value = int(text)
    return value if 0 < value <= ID_MAX else None


_DMY = re.compile(r"^([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})$")
_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ][0-9:.+\-Z]*)?$")


def parse_date(
    raw: object,
    *,
    field: str | None = None,
    label: str = "Ngày",
    minimum: dt.date = DATE_MIN,
    maximum: dt.date = DATE_MAX,
    required: bool = False,
) -> dt.date | None:
    """A date typed as ``dd/mm/yyyy`` (or sent as ISO ``yyyy-mm-dd``); None for a blank."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise _required(label, field)
        return None
    bad = DomainError(
        "invalid_date", _say(label, "phải có dạng ngày/tháng/năm, ví dụ 30/09/2026."), field=field
    )
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if len(text) > 40:
            raise bad
        try:
            if match := _DMY.match(text):
                value = dt.date(int(match[3]), int(match[2]), int(match[1]))
            elif match := _ISO.match(text):
                value = dt.date(int(match[1]), int(match[2]), int(match[3]))
            else:
                raise bad
        except ValueError:  # 31/02/2026
            raise DomainError(
                "invalid_date",
                _say(label, f"không đúng: ngày {text} không có trên lịch."),
                field=field,
            ) from None
    else:
        raise bad
    if not minimum <= value <= maximum:
        raise DomainError(
            "date_out_of_range",
            _say(label, f"phải từ {minimum:%d/%m/%Y} đến {maximum:%d/%m/%Y}."),
            field=field,
        )
    return value


_SCHOOL_YEAR = re.compile(r"^([0-9]{4})\s*[-\u2013\u2014/]\s*([0-9]{4})$")


def parse_school_year(
    raw: object, *, field: str | None = "school_year", required: bool = True
) -> str:
    """``"2025-2026"`` (also ``2025 – 2026``, ``2025/2026``) → ``"2025-2026"``; "" for a blank
    when not ``required``."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text and not required and (raw is None or isinstance(raw, str)):
        return ""
    match = _SCHOOL_YEAR.match(text)
    if match is None or int(match[2]) != int(match[1]) + 1 or not 2000 <= int(match[1]) <= 2099:
        raise DomainError(
            "bad_school_year", "Năm học phải có dạng 2025-2026 (hai năm liền nhau).", field=field
        )
    return f"{match[1]}-{match[2]}"


def school_year_of(day: dt.date) -> str:
    """The school year a day falls in: August starts a new one (2025-08-01 → "2025-2026",
    2026-07-31 → "2025-2026")."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


_CONTROL: dict[int, None] = {code: None for code in range(0x20) if chr(code) not in "\n\t"}
_CONTROL[0x7F] = None


def clean_text(
    raw: object,
    *,
    field: str | None = None,
    label: str = "Nội dung",
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Free text as people mean it: NFC, control characters dropped (line breaks kept when
    ``multiline``, folded to spaces otherwise), trimmed; refused when longer than ``max_length``
    characters (never silently cut)."""
    if raw is None:
        text = ""
    elif isinstance(raw, str):
        text = raw
    else:
        raise DomainError("invalid_text", _say(label, "phải là chữ."), field=field)
    if len(text) > max_length * 4 + 1000:  # refuse megabytes before normalising them
        raise DomainError(
            "too_long", _say(label, f"dài tối đa {_plain(Decimal(max_length))} ký tự."), field=field
        )
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_CONTROL)
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if required and not text:
        raise _required(label, field)
    if len(text) > max_length:
        raise DomainError(
            "too_long",
            _say(
                label,
                f"dài tối đa {_plain(Decimal(max_length))} ký tự "
                f"(đang có {_plain(Decimal(len(text)))}).",
            ),
            field=field,
        )
    return text


def decimal_bounds(model: Any, name: str) -> tuple[int, int]:
    """``(max_digits, decimal_places)`` of a model's DecimalField, for :func:`parse_decimal`."""
    model_field = model._meta.get_field(name)
    return int(model_field.max_digits), int(model_field.decimal_places)


def text_cap(model: Any, name: str) -> int:
    """The ``max_length`` of a model's text field (CharField, or TextField given one)."""
    model_field = model._meta.get_field(name)
    cap = model_field.max_length
    if cap is None:
        raise LookupError(f"{model.__name__}.{name} has no max_length")
    return int(cap)
