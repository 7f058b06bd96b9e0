"""Figures endpoints (``/api/indicators``): catalogue, periods, values of a unit (read and write
with versions), approval, targets (set, allocate to the children), the dashboard, the indicator
table and the scorecard.

Every unit goes through ``access_unit`` (out of scope -> 404); writes go through the services,
which check roles (403), approval locks and versions (409) and rules (400, errors per element).
The dashboard and the scorecard say whether the roll-ups are still being rebuilt after a change
of the org tree (``rollups_stale``; the rebuild is then enqueued once).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from namhoc.accounts.access import access_unit
from namhoc.accounts.models import Role
from namhoc.core.errors import DomainError, NotFound
from namhoc.indicators import dashboards, selectors, services
from namhoc.indicators.models import DataSet, Indicator, Period

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    code: str
    name: str
    group: str
    numerator: str
    denominator: str
    factor: Decimal
    unit_label: str
    direction: str
    good_threshold: Decimal
    warn_threshold: Decimal
    official_code: str = Field(description="blank: a namhoc code, not an official one")


class PeriodOut(Schema):
    code: str
    school_year: str
    kind: str
    name: str
    as_of: str
    due: str

    @staticmethod
    def resolve_as_of(obj: Period) -> str:
        return obj.as_of.isoformat()

    @staticmethod
    def resolve_due(obj: Period) -> str:
        return obj.due.isoformat()


class ValueOut(Schema):
    element: str
    name: str
    value: Decimal | None
    version: int | None


class ValuesOut(Schema):
    unit: str
    period: str
    data_set: str
    locked_by: str | None
    values: list[ValueOut]


class ValuesIn(Schema):
    period: str
    data_set: str
    values: dict[str, str | float | int | None] = Field(
        description="element code -> figure; null or '' removes it"
    )
    versions: dict[str, int | None] | None = Field(
        default=None,
        description="element code -> the version read (null: absent); a newer one gives 409",
    )


class SaveOut(Schema):
    created: int
    updated: int
    deleted: int
    versions: dict[str, int]


class ApprovalIn(Schema):
    period: str
    data_set: str


class ApprovalOut(Schema):
    unit: str
    data_set: str
    period: str
    approved: bool


class TargetIn(Schema):
    indicator: str
    school_year: str
    value: str | float | int
    source: str = ""


class TargetOut(Schema):
    indicator: str
    unit: str
    school_year: str
    value: Decimal


class AllocationIn(Schema):
    indicator: str
    school_year: str
    allocations: dict[str, str | float | int] = Field(
        min_length=1,
        description="key of a current child unit -> its target ('1.250' = 1250, '12,5' = 12.5); "
        "for a total (no denominator) they must add up to the unit's own target",
    )


class AllocatedOut(Schema):
    unit: str
    name: str
    value: Decimal


class AllocationOut(Schema):
    indicator: str
    unit: str
    school_year: str
    value: Decimal = Field(description="the unit's own target, the one allocated")
    targets: list[AllocatedOut]
    warning: str = Field(
        description="for a rate: the children's targets weighted by size fall short; else ''"
    )


class CellOut(Schema):
    indicator: str
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    target: Decimal | None = None
    target_inherited: bool = False
    attainment: Decimal | None = None
    colour: str = "none"


class TrendOut(Schema):
    period: str
    value: Decimal | None


class DashboardRowOut(CellOut):
    trend: list[TrendOut]


class BreakdownOut(Schema):
    unit: str
    name: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    target: Decimal | None
    colour: str


STALE_HELP = "the org tree changed and the roll-ups are being rebuilt; totals may lag"


class DashboardOut(Schema):
    unit: str
    period: str
    rollups_stale: bool = Field(description=STALE_HELP)
    rows: list[DashboardRowOut]
    focus: str | None
    breakdown: list[BreakdownOut]


class TableRowOut(Schema):
    unit: str
    name: str
    cells: list[CellOut]


class ScoreRowOut(Schema):
    unit: str
    name: str
    rank: int | None
    score: Decimal | None
    attainment: Decimal | None
    on_time: float | None


class ScorecardOut(Schema):
    unit: str
    period: str
    rollups_stale: bool = Field(description=STALE_HELP)
    weights: dict[str, Decimal]
    tracking_available: bool
    rows: list[ScoreRowOut]


def _period(code: str) -> Period:
    period = Period.objects.filter(code=code).first()
    if period is None:
        raise NotFound("Không có kỳ báo cáo này.")
    return period


def _data_set(code: str) -> DataSet:
    data_set = DataSet.objects.filter(code=code).first()
    if data_set is None:
        raise NotFound("Không có biểu báo cáo này.")
    return data_set


@router.get("/catalogue", response=list[IndicatorOut], summary="Indicators and their formulas")
def catalogue(request: HttpRequest) -> Any:
    return list(Indicator.objects.all())


@router.get("/periods", response=list[PeriodOut], summary="Reporting periods")
def periods(request: HttpRequest) -> Any:
    return selectors.periods()


@router.get("/units/{key}/values", response=ValuesOut, summary="A unit's figures of a data set")
def values_read(request: HttpRequest, key: str, period: str, data_set: str) -> Any:
    unit = access_unit(request.user, key)
    form = selectors.entry_form(unit, _data_set(data_set), _period(period))
    return {
        "unit": unit.key,
        "period": period,
        "data_set": data_set,
        "locked_by": form.lock.unit.key if form.lock else None,
        "values": [
            {
                "element": f.element.code,
                "name": f.element.name,
                "value": f.value,
                "version": f.version,
            }
            for f in form.fields
        ],
    }


@router.put("/units/{key}/values", response=SaveOut, summary="Save figures (all or nothing)")
def values_write(request: HttpRequest, key: str, payload: ValuesIn) -> Any:
    unit = access_unit(request.user, key)
    result = services.values_save(
        actor=request.user,
        unit=unit,
        data_set=_data_set(payload.data_set),
        period=_period(payload.period),
        values=payload.values,
        versions=payload.versions,
    )
    return {
        "created": result.created,
        "updated": result.updated,
        "deleted": result.deleted,
        "versions": result.versions,
    }


@router.post("/units/{key}/approval", response=ApprovalOut, summary="Approve (locks the subtree)")
def approve(request: HttpRequest, key: str, payload: ApprovalIn) -> Any:
    unit = access_unit(request.user, key)
    services.approval_approve(
        actor=request.user,
        unit=unit,
        data_set=_data_set(payload.data_set),
        period=_period(payload.period),
    )
    return {
        "unit": unit.key,
        "data_set": payload.data_set,
        "period": payload.period,
        "approved": True,
    }


@router.delete("/units/{key}/approval", response=ApprovalOut, summary="Un-approve (someone above)")
def unapprove(request: HttpRequest, key: str, period: str, data_set: str) -> Any:
    unit = access_unit(request.user, key)
    services.approval_revoke(
        actor=request.user, unit=unit, data_set=_data_set(data_set), period=_period(period)
    )
    return {"unit": unit.key, "data_set": data_set, "period": period, "approved": False}


@router.put("/units/{key}/targets", response=TargetOut, summary="Set the unit's own target")
def target_write(request: HttpRequest, key: str, payload: TargetIn) -> Any:
    unit = access_unit(request.user, key)
    indicator = Indicator.objects.filter(code=payload.indicator).first()
    if indicator is None:
        raise NotFound("Không có chỉ tiêu này.")
    target = services.target_set(
        actor=request.user,
        indicator=indicator,
        unit=unit,
        school_year=payload.school_year,
        value=payload.value,
        source=payload.source,
    )
    return {
        "indicator": indicator.code,
        "unit": unit.key,
        "school_year": target.school_year,
        "value": target.value,
    }


@router.post(
    "/units/{key}/targets/allocation",
    response=AllocationOut,
    summary="Allocate the unit's target to its children",
)
def target_allocation(request: HttpRequest, key: str, payload: AllocationIn) -> Any:
    """Same rule as the targets page: the approver of the unit allocates its own target to its
    current children; each allocated target is then changed only from here."""
    unit = access_unit(request.user, key, need=Role.APPROVER)
    indicator = Indicator.objects.filter(code=payload.indicator).first()
    if indicator is None:
        raise NotFound("Không có chỉ tiêu này.")
    children = selectors.allocation_children(unit, payload.allocations)
    unknown = sorted(set(payload.allocations) - set(children))
    if unknown:
        raise DomainError(
            "not_a_child",
            f"Không phải đơn vị trực thuộc đang hoạt động của {unit.name}: {', '.join(unknown)}.",
            field="allocations",
        )
    result = services.target_allocate(
        actor=request.user,
        indicator=indicator,
        unit=unit,
        school_year=payload.school_year,
        allocations={children[k].pk: raw for k, raw in payload.allocations.items()},
    )
    names = {child.pk: child for child in children.values()}
    assert result.allocated_from is not None
    return {
        "indicator": indicator.code,
        "unit": unit.key,
        "school_year": payload.school_year,
        "value": result.allocated_from.value,
        "targets": sorted(
            (
                {
                    "unit": names[t.unit_id].key,
                    "name": names[t.unit_id].name,
                    "value": t.value,
                }
                for t in result.targets
            ),
            key=lambda row: row["unit"],
        ),
        "warning": result.warning,
    }


def _cell(indicator: Indicator, value: dashboards.IndicatorValue) -> dict[str, Any]:
    return {
        "indicator": indicator.code,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "value": value.value,
    }


@router.get("/units/{key}/dashboard", response=DashboardOut, summary="Indicators vs targets")
def dashboard(request: HttpRequest, key: str, period: str, indicator: str | None = None) -> Any:
    unit = access_unit(request.user, key)
    focus = None
    if indicator:
        focus = Indicator.objects.filter(code=indicator).first()
        if focus is None:
            raise NotFound("Không có chỉ tiêu này.")
    board = dashboards.dashboard(unit, _period(period), focus=focus)
    return {
        "unit": unit.key,
        "period": period,
        "rollups_stale": services.rollups_rebuild_request(),
        "focus": board.focus.code if board.focus else None,
        "rows": [
            {
                **_cell(r.indicator, r.value),
                "target": r.target,
                "target_inherited": r.inherited,
                "attainment": r.attained,
                "colour": r.colour,
                "trend": [{"period": p.code, "value": v.value} for p, v in r.trend],
            }
            for r in board.rows
        ],
        "breakdown": [
            {
                "unit": u.key,
                "name": u.name,
                "value": v.value,
                "numerator": v.numerator,
                "denominator": v.denominator,
                "target": t,
                "colour": c,
            }
            for u, v, t, c in board.breakdown
        ],
    }


@router.get(
    "/units/{key}/table", response=list[TableRowOut], summary="Every indicator, unit and children"
)
def table(request: HttpRequest, key: str, period: str) -> Any:
    unit = access_unit(request.user, key)
    indicators, units, values = dashboards.national_table(_period(period), root=unit)
    period_id = _period(period).pk
    return [
        {
            "unit": u.key,
            "name": u.name,
            "cells": [_cell(i, values[(i.pk, u.pk, period_id)]) for i in indicators],
        }
        for u in units
    ]


class ScoreQuery(Schema):
    period: str
    w_attainment: Decimal = Field(default=dashboards.DEFAULT_WEIGHTS["attainment"], ge=0, le=1)
    w_on_time: Decimal = Field(default=dashboards.DEFAULT_WEIGHTS["on_time"], ge=0, le=1)


@router.get("/units/{key}/scorecard", response=ScorecardOut, summary="Child units ranked")
def scorecard(request: HttpRequest, key: str, query: Query[ScoreQuery]) -> Any:
    unit = access_unit(request.user, key)
    if query.w_attainment + query.w_on_time == 0:
        raise DomainError("invalid_weight", "Tổng các trọng số phải lớn hơn 0.", field="w")
    card = dashboards.scorecard(
        unit,
        _period(query.period),
        weights={"attainment": query.w_attainment, "on_time": query.w_on_time},
    )
    return {
        "unit": unit.key,
        "period": query.period,
        "rollups_stale": services.rollups_rebuild_request(),
        "weights": card.weights,
        "tracking_available": card.tracking_available,
        "rows": [
            {
                "unit": r.unit.key,
                "name": r.unit.name,
                "rank": r.rank or None,
                "score": r.score,
                "attainment": r.attainment,
                "on_time": r.on_time,
            }
            for r in card.rows
        ],
    }
