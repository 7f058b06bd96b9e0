"""A candidate's criteria, valued from the year's record, and the score namhoc proposes to the
council (advice: the council votes, and the vote decides).

- ``attainment``, ``indicator``: :func:`namhoc.indicators.dashboards.cells_for` at the candidate
  unit for the latest period of the school year whose reference date (``Period.as_of``) has
  passed — the rule of ``indicators.calendar.current_period``: the newest figures there can be,
  even before their due date (not reported is not zero: a figure without complete data or
  without a target is left out, never scored 0);
- ``on_time``: :func:`namhoc.tracking.selectors.on_time_rates` (the unit's subtree);
- ``inspection``: :func:`namhoc.inspections.selectors.inspection_results` (the unit's own
  concluded inspections of the year);
- ``declared``: the candidate's own statement in the self-assessment (100 yes, 0 no).

The score is the weighted mean over the criteria that have a value (weights re-normalised, like
the scorecard), rounded to one decimal. A title is proposed when the score reaches its pass
score and every required criterion is met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from namhoc.core.clock import today
from namhoc.emulation.titles import Criterion, Title
from namhoc.indicators.dashboards import cells_for
from namhoc.indicators.models import Indicator, Period
from namhoc.inspections.selectors import inspection_results
from namhoc.orgunits.models import OrgUnit
from namhoc.tracking.selectors import on_time_rates

__all__ = ["CriterionValue", "Scored", "score"]

_ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class CriterionValue:
    criterion: Criterion
    value: Decimal | None  # 0–100; None: no data (left out of the score)
    met: bool | None  # None: no data, or not applicable
    note: str  # where it comes from, in words

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.criterion.code,
            "label": self.criterion.label,
            "value": None if self.value is None else str(self.value),
            "weight": str(self.criterion.weight),
            "met": self.met,
            "note": self.note,
        }


@dataclass(frozen=True)
class Scored:
    values: list[CriterionValue]
    score: Decimal | None
    proposed: bool  # the score reaches the pass score and every required criterion is met

    @property
    def counted(self) -> int:
        return sum(1 for v in self.values if v.value is not None and v.criterion.weight > 0)


def _q(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(_ONE_PLACE, ROUND_HALF_UP)


def _period(school_year: str, day: dt.date) -> Period | None:
    """The latest period of ``school_year`` whose reference date (``as_of``) is ``day`` or
    earlier — not whose due date has passed: figures as of that date may be entered and
    approved before it is due, and incomplete ones are left out of the score."""
    return (
        Period.objects.filter(school_year=school_year, as_of__lte=day)
        .order_by("-as_of", "-start")
        .first()
    )


def _attainment(
    unit: OrgUnit, school_year: str, day: dt.date, code: str = ""
) -> tuple[Decimal | None, str]:
    period = _period(school_year, day)
    if period is None:
        return None, f"chưa đến kỳ báo cáo nào của năm học {school_year}"
    indicators = list(Indicator.objects.filter(code=code) if code else Indicator.objects.all())
    if not indicators:
        return None, f"không có chỉ số {code} trong danh mục" if code else "chưa có chỉ số"
    cells = cells_for(indicators, [unit], period, day=day)
    attained = [c.attained for c in cells.values() if c.attained is not None]
    with_target = sum(1 for c in cells.values() if c.target is not None)
    if not attained:
        return None, f"{period.name}: chưa đủ số liệu hoặc chưa có chỉ tiêu"
    mean = sum(attained, Decimal(0)) / len(attained)
    return _q(mean), f"{period.name}: {len(attained)}/{with_target} chỉ số có chỉ tiêu"


def _value(  # noqa: PLR0911 - one return per source
    criterion: Criterion,
    unit: OrgUnit,
    school_year: str,
    declared: Mapping[str, object],
    day: dt.date,
) -> tuple[Decimal | None, str]:
    source = criterion.source
    if source == "declared":
        said = declared.get(criterion.code)
        if said is None:
            return None, "chưa tự khai"
        return (Decimal(100), "tự khai: có") if said else (Decimal(0), "tự khai: không")
    if source in ("attainment", "indicator"):
        return _attainment(unit, school_year, day, criterion.indicator)
    if source == "on_time":
        rate = on_time_rates(unit_ids=[unit.pk], school_year=school_year, on=day)[unit.pk]
        if rate.rate is None:
            return None, "chưa có việc đến hạn"
        return _q(rate.rate * 100), f"{rate.done_on_time}/{rate.due} việc đúng hạn"
    if source == "inspection":
        result = inspection_results([unit.pk], school_year=school_year)[unit.pk]
        if result.percent is None:
            return None, "không có cuộc kiểm tra nào đã kết luận trong năm học"
        return _q(result.percent), (
            f"{result.met}/{result.evaluated} nội dung đạt qua {result.inspections} cuộc kiểm tra"
        )
    raise ValueError(f"unknown source {source!r}")  # pragma: no cover - titles.py checks it


def score(
    title: Title,
    *,
    unit: OrgUnit,
    school_year: str,
    declared: Mapping[str, object],
    day: dt.date | None = None,
) -> Scored:
    """``title``'s criteria for a candidate at ``unit`` (a person: the unit they stand from;
    their individual criteria are declared ones), the score and whether namhoc proposes it."""
    day = day or today()
    values: list[CriterionValue] = []
    for criterion in title.criteria:
        if criterion.unit_kinds and unit.kind not in criterion.unit_kinds:
            values.append(CriterionValue(criterion, None, None, "không áp dụng cho cấp đơn vị này"))
            continue
        value, note = _value(criterion, unit, school_year, declared, day)
        met = None
        if value is not None:
            threshold = criterion.threshold if criterion.threshold is not None else Decimal(100)
            met = value >= threshold
        values.append(CriterionValue(criterion, value, met, note))
    weighted = [(v.criterion.weight, v.value) for v in values if v.value is not None]
    total = sum((w for w, _ in weighted), Decimal(0))
    result = (
        _q(sum((w * v for w, v in weighted if v is not None), Decimal(0)) / total)
        if total > 0
        else None
    )
    required_met = all(v.met for v in values if v.criterion.required)
    proposed = result is not None and result >= title.pass_score and required_met
    return Scored(values=values, score=result, proposed=proposed)
