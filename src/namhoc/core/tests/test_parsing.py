"""The one parser of typed input: same string, same meaning, on every path."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from namhoc.core.errors import DomainError
from namhoc.core.formats import format_date, format_number
from namhoc.core.parsing import (
    clean_text,
    parse_date,
    parse_decimal,
    parse_id,
    parse_int,
    parse_school_year,
    school_year_of,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.250", Decimal("1250")),
        ("1.250,5", Decimal("1250.5")),
        ("12,5", Decimal("12.5")),
        ("97,5", Decimal("97.5")),
        ("1.250.000", Decimal("1250000")),
        ("1 250", Decimal("1250")),
        ("1\u00a0250,75", Decimal("1250.75")),
        ("12.5", Decimal("12.5")),
        ("0.75", Decimal("0.75")),
        ("1,250.5", Decimal("1250.5")),
        (",5", Decimal("0.5")),
        ("  42 ", Decimal("42")),
        (7, Decimal("7")),
        (12.5, Decimal("12.5")),
        (Decimal("3.25"), Decimal("3.25")),
    ],
)
def test_numbers_read_the_vietnamese_way(raw: object, expected: Decimal) -> None:
    assert parse_decimal(raw, max_digits=14, places=4) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("²", "invalid_number"),
        ("١٢", "invalid_number"),
        ("１２", "invalid_number"),
        ("1e20", "invalid_number"),
        ("NaN", "invalid_number"),
        ("Infinity", "invalid_number"),
        ("mười", "invalid_number"),
        ("1.2.3", "invalid_number"),
        ("1" * 200, "invalid_number"),
        (True, "invalid_number"),
        ([1], "invalid_number"),
        (float("nan"), "invalid_number"),
        (1e20, "too_large"),
        ("123456789012", "too_large"),
        ("-5", "negative"),
        ("0,12345", "too_many_places"),
    ],
)
def test_what_is_not_a_number_for_the_field_is_refused(raw: object, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_decimal(raw, field="target_value", label="Chỉ tiêu", max_digits=14, places=4)
    assert caught.value.code == code
    assert caught.value.field == "target_value"
    assert caught.value.message.startswith("Chỉ tiêu ")


def test_bounds_are_said_in_vietnamese_numbers() -> None:
    with pytest.raises(DomainError) as caught:
        parse_decimal(
            "1e3".replace("e3", "000000000000"), label="Chỉ tiêu", max_digits=14, places=4
        )
    assert caught.value.message == "Chỉ tiêu không được lớn hơn 9.999.999.999,9999."


def test_blank_is_none_unless_required() -> None:
    assert parse_decimal("  ") is None
    assert parse_decimal(None) is None
    with pytest.raises(DomainError) as caught:
        parse_decimal("", label="Chỉ tiêu", required=True, field="x")
    assert caught.value.message == "Hãy nhập chỉ tiêu."


def test_without_a_label_the_sentence_stands_alone() -> None:
    with pytest.raises(DomainError) as caught:
        parse_decimal("abc", label="")
    assert caught.value.message == "Phải là một số, ví dụ 1.250 hoặc 12,5."


@given(st.decimals(min_value=-(10**10) + 1, max_value=10**10 - 1, places=4))
def test_what_is_shown_reads_back_as_the_same_number(value: Decimal) -> None:
    shown = format_number(value)
    assert parse_decimal(shown, max_digits=14, places=4, minimum=None) == value


@given(st.text(max_size=80))
def test_any_text_is_a_number_or_a_domain_error(raw: str) -> None:
    with contextlib.suppress(DomainError):
        parse_decimal(raw, max_digits=14, places=4, minimum=None)


def test_integers() -> None:
    assert parse_int("1.250") == 1250
    with pytest.raises(DomainError) as caught:
        parse_int("12,5", label="Tiến độ")
    assert caught.value.message == "Tiến độ phải là số nguyên (không có phần thập phân)."
    with pytest.raises(DomainError):
        parse_int("101", maximum=100)
    with pytest.raises(DomainError):
        parse_int("99999999999999999999")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("²", None),
        ("0", None),
        ("-1", None),
        ("1" * 20, None),
        ("9223372036854775807", 2**63 - 1),
        ("9223372036854775808", None),
        (5, 5),
        (True, None),
        ("", None),
        (None, None),
        ("１２", None),
    ],
)
def test_ids(raw: object, expected: int | None) -> None:
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("30/09/2026", dt.date(2026, 9, 30)),
        ("1/8/2025", dt.date(2025, 8, 1)),
        ("05-08-2025", dt.date(2025, 8, 5)),
        ("05.08.2025", dt.date(2025, 8, 5)),
        ("2025-08-05", dt.date(2025, 8, 5)),
        (dt.date(2025, 8, 5), dt.date(2025, 8, 5)),
    ],
)
def test_dates(raw: object, expected: dt.date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("31/02/2026", "invalid_date"),
        ("2026/09/30", "invalid_date"),
        ("hôm nay", "invalid_date"),
        ("01/01/1999", "date_out_of_range"),
        ("10/12/99999", "invalid_date"),
    ],
)
def test_bad_dates(raw: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_date(raw, label="Hạn hoàn thành", field="deadline")
    assert caught.value.code == code
    assert caught.value.field == "deadline"


def test_dates_are_shown_day_first() -> None:
    assert format_date(dt.date(2020, 10, 12)) == "12/10/2020"
    assert format_date(None, "—") == "—"


def test_school_years() -> None:
    assert parse_school_year("2025-2026") == "2025-2026"
    assert parse_school_year("2025 – 2026") == "2025-2026"
    assert parse_school_year("", required=False) == ""
    for bad in ("2025-2027", "25-26", "2025", "２０２５-２０２６"):
        with pytest.raises(DomainError) as caught:
            parse_school_year(bad)
        assert caught.value.code == "bad_school_year"
    assert school_year_of(dt.date(2025, 8, 1)) == "2025-2026"
    assert school_year_of(dt.date(2026, 7, 31)) == "2025-2026"


def test_text_is_capped_never_cut() -> None:
    assert clean_text("  Hòa\u0300 \x00bình\n\nx ", max_length=50) == "Hòà bình x"
    assert clean_text("a\r\nb", max_length=5, multiline=True) == "a\nb"
    with pytest.raises(DomainError) as caught:
        clean_text("x" * 501, label="Ghi chú", max_length=500, field="note")
    assert caught.value.message == "Ghi chú dài tối đa 500 ký tự (đang có 501)."
    with pytest.raises(DomainError) as caught:
        clean_text("x" * 3_000_000, label="Nội dung", max_length=10_000)
    assert caught.value.code == "too_long"
    with pytest.raises(DomainError):
        clean_text(" ", label="Nội dung", max_length=5, required=True)
