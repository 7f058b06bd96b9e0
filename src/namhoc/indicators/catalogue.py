"""The starter catalogue (``data/catalogue.json``) and the school-year periods.

Loading is idempotent: rows are matched by code and updated in place; a data set's elements and
rules are replaced by the file's. Every formula is parsed and every code checked before anything
is written, so a broken catalogue changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

from django.db import transaction

from namhoc.core.errors import DomainError
from namhoc.core.parsing import parse_school_year
from namhoc.indicators.formulas import FormulaError, parse
from namhoc.indicators.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Indicator,
    Period,
    ValidationRule,
)

__all__ = ["CatalogueSummary", "catalogue_load", "period_code", "periods_ensure", "read_catalogue"]


@dataclass(frozen=True)
class CatalogueSummary:
    elements: int
    data_sets: int
    indicators: int
    rules: int


def read_catalogue() -> dict[str, Any]:
    text = resources.files("namhoc.indicators").joinpath("data/catalogue.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _check(data: dict[str, Any]) -> None:
    codes = {e["code"] for e in data["elements"]}
    problems: list[str] = []

    def formula(text: str, where: str) -> None:
        try:
            expression = parse(text)
        except FormulaError as exc:
            problems.append(f"{where}: {exc}")
            return
        unknown = expression.codes - codes
        if unknown:
            problems.append(f"{where}: unknown elements {sorted(unknown)}")

    for ds in data["data_sets"]:
        members = {m["element"] for m in ds["elements"]}
        if members - codes:
            problems.append(f"data set {ds['code']}: unknown elements {sorted(members - codes)}")
        for rule in ds["rules"]:
            for side in ("left", "right"):
                formula(rule[side], f"rule {ds['code']}.{rule['code']}")
            used = parse(rule["left"]).codes | parse(rule["right"]).codes
            if used - members:
                problems.append(f"rule {ds['code']}.{rule['code']}: not in the data set")
    for indicator in data["indicators"]:
        formula(indicator["numerator"], f"indicator {indicator['code']}")
        if indicator["denominator"]:
            formula(indicator["denominator"], f"indicator {indicator['code']}")
    if problems:
        raise DomainError(
            "catalogue_invalid", "Danh mục chỉ tiêu không hợp lệ: " + "; ".join(problems)
        )


def catalogue_load(data: dict[str, Any] | None = None) -> CatalogueSummary:
    """Create or update elements, data sets (with their elements and rules) and indicators."""
    data = read_catalogue() if data is None else data
    _check(data)
    with transaction.atomic():
        elements: dict[str, DataElement] = {}
        for row in data["elements"]:
            element, _ = DataElement.objects.update_or_create(
                code=row["code"],
                defaults={
                    k: row.get(k, "")
                    for k in (
                        "name",
                        "short_name",
                        "value_type",
                        "aggregation",
                        "unit_label",
                        "source",
                        "description",
                    )
                },
            )
            elements[element.code] = element
        rules = 0
        for row in data["data_sets"]:
            data_set, _ = DataSet.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "source": row.get("source", ""),
                    "unit_kind": row["unit_kind"],
                    "school_levels": row.get("school_levels", []),
                    "period_kinds": row["period_kinds"],
                },
            )
            DataSetElement.objects.filter(data_set=data_set).delete()
            DataSetElement.objects.bulk_create(
                DataSetElement(
                    data_set=data_set,
                    element=elements[m["element"]],
                    section=m.get("section", ""),
                    order=n,
                    required=m.get("required", True),
                )
                for n, m in enumerate(row["elements"], start=1)
            )
            ValidationRule.objects.filter(data_set=data_set).delete()
            ValidationRule.objects.bulk_create(
                ValidationRule(data_set=data_set, **rule) for rule in row["rules"]
            )
            rules += len(row["rules"])
        for row in data["indicators"]:
            fields = {k: v for k, v in row.items() if k != "code"}
            for key in ("factor", "good_threshold", "warn_threshold"):
                fields[key] = Decimal(str(fields[key]))
            Indicator.objects.update_or_create(code=row["code"], defaults=fields)
    return CatalogueSummary(
        elements=len(data["elements"]),
        data_sets=len(data["data_sets"]),
        indicators=len(data["indicators"]),
        rules=rules,
    )


_SUFFIX = {Period.Kind.START: "DN", Period.Kind.SEMESTER_1: "HK1", Period.Kind.END: "CN"}


def period_code(school_year: str, kind: str) -> str:
    return f"{school_year}.{_SUFFIX[Period.Kind(kind)]}"


def periods_ensure(school_year: str) -> list[Period]:
    """The three reporting periods of ``school_year`` ("2025-2026"), created when missing.

    Dates are namhoc defaults, editable in the admin: start-of-year report as of 30/9 (the date
    Thông tư 25/2024/TT-BGDĐT gives), due 15/10; semester I as of 15/1, due 31/1; end of year as
    of 31/5, due 30/6 (these three due dates are namhoc's assumptions).
    """
    school_year = parse_school_year(school_year)
    first, second = (int(part) for part in school_year.split("-"))
    specs = [
        (
            Period.Kind.START,
            f"Đầu năm học {school_year} (số liệu đến 30/9/{first})",
            dt.date(first, 9, 1),
            dt.date(first, 9, 30),
            dt.date(first, 9, 30),
            dt.date(first, 10, 15),
        ),
        (
            Period.Kind.SEMESTER_1,
            f"Học kỳ I năm học {school_year}",
            dt.date(first, 9, 1),
            dt.date(second, 1, 15),
            dt.date(second, 1, 15),
            dt.date(second, 1, 31),
        ),
        (
            Period.Kind.END,
            f"Cuối năm học {school_year}",
            dt.date(second, 1, 16),
            dt.date(second, 5, 31),
            dt.date(second, 5, 31),
            dt.date(second, 6, 30),
        ),
    ]
    result = []
    with transaction.atomic():
        for kind, name, start, end, as_of, due in specs:
            period, _ = Period.objects.get_or_create(
                school_year=school_year,
                kind=kind,
                defaults={
                    "code": period_code(school_year, kind),
                    "name": name,
                    "start": start,
                    "end": end,
                    "as_of": as_of,
                    "due": due,
                },
            )
            result.append(period)
    return result
