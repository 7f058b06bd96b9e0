"""Figures endpoints (``/api/indicators``): catalogue, periods, a unit's values (read and write
with versions), the Excel template and its import, approval (status, approve, un-approve with a
reason), targets (list, set, allocate to the children), the dashboard, the indicator table and
the scorecard — whatever the pages do, through the same use cases and page selectors (ADR 0007).

Numbers are sent as typed ("1.250", "12,5") or as JSON numbers and read by the one parser.
Out of scope → 404, no right → 403, a lock or a stale version → 409, wrong input → 400 with a
Vietnamese message (per element under ``errors`` for figures). Lists are paginated
(``?limit=&offset=``, at most 500 a page: ``{"items": [...], "count": n}``). ``period`` may be
left out: the current period, the same default as the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from namhoc.api.directives import ErrorOut
from namhoc.api.paging import BoundedLimitOffset
from namhoc.indicators import selectors, services
from namhoc.indicators.dashboards import Cell, ScoreRow
from namhoc.indicators.models import REASON_MAX, Indicator, Period

router = Router(tags=["indicators"])

Number = str | int | float | None  # sent as typed ("1.250,5") or as a JSON number


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
    as_of: dt.date
    due: dt.date


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
    period: str = Field("", max_length=40, description="blank: the current period")
    data_set: str = Field(max_length=40)
    values: dict[str, Number] = Field(
        description="element code -> figure ('1.250' = 1250, '12,5' = 12.5); null or '' removes it"
    )
    versions: dict[str, str | int | None] | None = Field(
        default=None,
        description="element code -> the version read (null: absent); a newer one gives 409",
    )


class SaveOut(Schema):
    created: int
    updated: int
    deleted: int
    versions: dict[str, int]


class CellErrorOut(Schema):
    cell: str
    unit: str
    message: str


class ImportOut(Schema):
    rows: int
    created: int
    updated: int
    deleted: int


class ImportErrorsOut(ErrorOut):
    errors: list[CellErrorOut]


class ApprovalIn(Schema):
    period: str = Field("", max_length=40)
    data_set: str = Field(max_length=40)


class ApprovalOut(Schema):
    unit: str
    data_set: str
    period: str
    approved: bool


class ChildStatusOut(Schema):
    unit: str
    name: str
    reports: bool
    filled: int
    required: int
    below: int
    approved: bool
    ready: bool


class HistoryOut(Schema):
    kind: str
    at: dt.datetime
    by: str
    reason: str


class ApprovalStatusOut(Schema):
    unit: str
    data_set: str
    period: str
    reports: bool = Field(description="the unit reports this data set itself (no approval)")
    approved: bool
    approved_by: str | None
    approved_at: dt.datetime | None
    locked_by: str | None = Field(description="the unit whose approval locks the figures")
    can_enter: bool
    can_approve: bool
    approve_refusal: str = Field(description="why not (the page's disabled button says it)")
    can_revoke: bool
    children: list[ChildStatusOut]
    history: list[HistoryOut]


class TargetIn(Schema):
    indicator: str = Field(max_length=40)
    school_year: str = Field(max_length=20)
    value: Number
    source: str = Field("", max_length=255)


class TargetOut(Schema):
    indicator: str
    unit: str
    school_year: str
    value: Decimal


class TargetRowOut(Schema):
    indicator: str
    name: str
    unit_label: str
    value: Decimal | None
    source: str
    allocated: bool
    can_set: bool


class AllocationIn(Schema):
    indicator: str = Field(max_length=40)
    school_year: str = Field(max_length=20)
    allocations: dict[str, Number] = Field(
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


STATUS_HELP = (
    "ok: complete; partial: some units have not reported (reported/expected); not_due: not "
    "collected yet in this period; not_collected: not reported in this kind of period; none: "
    "no unit below reports it. value is null unless ok or partial."
)


class CellOut(Schema):
    indicator: str
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    status: str = Field(description=STATUS_HELP)
    status_label: str
    reported: int
    expected: int
    target: Decimal | None = None
    target_inherited: bool = False
    attainment: Decimal | None = Field(None, description="only for a complete figure")
    colour: str = "none"


class TrendOut(Schema):
    period: str
    value: Decimal | None


class DashboardRowOut(CellOut):
    trend: list[TrendOut]


class BreakdownOut(CellOut):
    unit: str
    name: str


class SummaryOut(Schema):
    good: int
    warn: int
    bad: int
    no_target: int
    incomplete: int
    not_due: int
    none: int


STALE_HELP = "the org tree changed and the roll-ups are being rebuilt; totals may lag"


class DashboardOut(Schema):
    unit: str
    period: str
    rollups_stale: bool = Field(description=STALE_HELP)
    summary: SummaryOut
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
    group: str = Field(description="units are ranked within their group (kind; school level)")
    rank: int | None
    score: Decimal | None
    attainment: Decimal | None
    on_time: float | None
    counted: int = Field(description="indicators averaged into the attainment")
    applicable: int = Field(description="indicators with a target the unit reports")


class ScoreGroupOut(Schema):
    key: str
    label: str
    rows: list[ScoreRowOut]


class ScorecardOut(Schema):
    unit: str
    period: str
    rollups_stale: bool = Field(description=STALE_HELP)
    weights: dict[str, Decimal]
    tracking_available: bool
    groups: list[ScoreGroupOut]


def _cell(cell: Cell) -> dict[str, Any]:
    return {
        "indicator": cell.indicator.code,
        "numerator": cell.value.numerator if cell.shown is not None else None,
        "denominator": cell.value.denominator if cell.shown is not None else None,
        "value": cell.shown,
        "status": cell.coverage.status,
        "status_label": cell.coverage.label,
        "reported": cell.coverage.reported,
        "expected": cell.coverage.expected,
        "target": cell.target,
        "target_inherited": cell.inherited,
        "attainment": cell.attained,
        "colour": cell.colour,
    }


# --- catalogue, periods ----------------------------------------------------------------------


@router.get(
    "/catalogue",
    response=list[IndicatorOut],
    summary="Indicators and their formulas (paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def catalogue(request: HttpRequest) -> list[Indicator]:
    return selectors.catalogue()


@router.get(
    "/periods", response=list[PeriodOut], summary="Reporting periods in time order (paginated)"
)
@paginate(BoundedLimitOffset)
def periods(request: HttpRequest) -> list[Period]:
    return selectors.periods()


# --- values ------------------------------------------------------------------------------------


@router.get(
    "/units/{key}/values",
    response={200: ValuesOut, 404: ErrorOut},
    summary="A unit's figures of a data set for a period, with versions",
)
def values_read(request: HttpRequest, key: str, data_set: str, period: str = "") -> Any:
    form = selectors.figures_read(
        request.user, unit_key=key, period_code=period, data_set_code=data_set
    )
    return {
        "unit": form.unit.key,
        "period": form.period.code,
        "data_set": form.data_set.code,
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


@router.put(
    "/units/{key}/values",
    response={200: SaveOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Save figures (all or nothing)",
)
def values_write(request: HttpRequest, key: str, payload: ValuesIn) -> Any:
    result = services.values_save(
        actor=request.user,
        unit_key=key,
        period_code=payload.period,
        data_set_code=payload.data_set,
        values=payload.values,
        versions=payload.versions,
    )
    return {
        "created": result.created,
        "updated": result.updated,
        "deleted": result.deleted,
        "versions": result.versions,
    }


@router.get(
    "/units/{key}/template",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
    summary="The Excel template of a data set, prefilled (the unit, or every reporting unit "
    "under it you see)",
)
def template(request: HttpRequest, key: str, data_set: str, period: str = "") -> HttpResponse:
    download = services.values_template(
        actor=request.user,
        unit_key=key,
        period_code=period,
        data_set_code=data_set,
    )
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@router.post(
    "/units/{key}/import",
    response={
        200: ImportOut,
        400: ImportErrorsOut | ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    summary="Import a filled template, all or nothing: every wrong cell is listed (400)",
)
def import_file(
    request: HttpRequest,
    key: str,
    data_set: Form[str],
    file: File[UploadedFile],
    period: Form[str] = "",
) -> Any:
    result = services.values_import(
        actor=request.user,
        unit_key=key,
        period_code=period,
        data_set_code=data_set,
        content=file.read(settings.UPLOAD_MAX_BYTES + 1),
    )
    if not result.ok:
        return Status(
            400,
            {
                "code": "invalid_cells",
                "message": f"Tệp chưa được nhập vì có {len(result.errors)} lỗi; không số liệu "
                "nào được lưu.",
                "field": "file",
                "errors": [
                    {"cell": e.cell, "unit": e.unit, "message": e.message} for e in result.errors
                ],
            },
        )
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "deleted": result.deleted,
    }


# --- approval --------------------------------------------------------------------------------


@router.get(
    "/units/{key}/approval",
    response={200: ApprovalStatusOut, 404: ErrorOut},
    summary="Approval status: the children, what blocks approval, who may act, the history",
)
def approval_status(request: HttpRequest, key: str, data_set: str, period: str = "") -> Any:
    page = selectors.entry_page(
        request.user,
        unit_key=key,
        period_code=period,
        data_set_code=data_set,
    )
    approval = page.approval
    return {
        "unit": page.unit.key,
        "data_set": page.data_set.code,
        "period": page.period.code,
        "reports": page.reports,
        "approved": approval is not None,
        "approved_by": str(approval.approved_by) if approval and approval.approved_by else None,
        "approved_at": approval.approved_at if approval else None,
        "locked_by": page.lock.unit.key if page.lock else None,
        "can_enter": page.can_enter,
        "can_approve": page.can_approve,
        "approve_refusal": page.approve_refusal,
        "can_revoke": page.can_revoke,
        "children": [
            {
                "unit": r.unit.key,
                "name": r.unit.name,
                "reports": r.reports,
                "filled": r.filled,
                "required": r.required,
                "below": r.below,
                "approved": r.approved,
                "ready": r.ready,
            }
            for r in page.rows
        ],
        "history": [
            {
                "kind": e.kind,
                "at": e.at,
                "by": str(e.actor) if e.actor else "namhoc",
                "reason": e.reason,
            }
            for e in page.history
        ],
    }


@router.post(
    "/units/{key}/approval",
    response={200: ApprovalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Approve (locks the subtree's figures)",
)
def approve(request: HttpRequest, key: str, payload: ApprovalIn) -> Any:
    approval = services.approval_approve(
        actor=request.user,
        unit_key=key,
        period_code=payload.period,
        data_set_code=payload.data_set,
    )
    return {
        "unit": key,
        "data_set": payload.data_set,
        "period": approval.period.code,
        "approved": True,
    }


@router.delete(
    "/units/{key}/approval",
    response={200: ApprovalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Un-approve (someone above), with a reason kept in the unit's history",
)
def unapprove(
    request: HttpRequest,
    key: str,
    data_set: str,
    reason: str = Query(..., max_length=REASON_MAX),
    period: str = "",
) -> Any:
    event = services.approval_revoke(
        actor=request.user,
        unit_key=key,
        period_code=period,
        data_set_code=data_set,
        reason=reason,
    )
    return {"unit": key, "data_set": data_set, "period": event.period.code, "approved": False}


# --- targets ---------------------------------------------------------------------------------


@router.get(
    "/units/{key}/targets",
    response={200: list[TargetRowOut], 400: ErrorOut, 404: ErrorOut},
    summary="A unit's own targets for a school year (default: the current period's), with "
    "whether you may set each (paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def targets_read(request: HttpRequest, key: str, school_year: str = "") -> list[dict[str, Any]]:
    page = selectors.targets_page(request.user, unit_key=key, school_year=school_year)
    return [
        {
            "indicator": indicator.code,
            "name": indicator.name,
            "unit_label": indicator.unit_label,
            "value": target.value if target is not None else None,
            "source": target.source if target is not None else "",
            "allocated": target is not None and target.allocated_from_id is not None,
            "can_set": may_set,
        }
        for indicator, target, may_set in page.rows
    ]


@router.put(
    "/units/{key}/targets",
    response={200: TargetOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Set the unit's own target",
)
def target_write(request: HttpRequest, key: str, payload: TargetIn) -> Any:
    target = services.target_set(
        actor=request.user,
        unit_key=key,
        indicator_code=payload.indicator,
        school_year=payload.school_year,
        value=payload.value,
        source=payload.source,
    )
    return {
        "indicator": payload.indicator,
        "unit": key,
        "school_year": target.school_year,
        "value": target.value,
    }


@router.post(
    "/units/{key}/targets/allocation",
    response={200: AllocationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Allocate the unit's target to its children",
)
def target_allocation(request: HttpRequest, key: str, payload: AllocationIn) -> Any:
    """Same rule as the targets page: the approver of the unit allocates its own target to its
    current children; each allocated target is then changed only from here."""
    result = services.target_allocate(
        actor=request.user,
        unit_key=key,
        indicator_code=payload.indicator,
        school_year=payload.school_year,
        allocations=payload.allocations,
    )
    assert result.allocated_from is not None
    units = {t.unit_id: t.unit for t in result.targets}
    return {
        "indicator": result.indicator.code,
        "unit": result.unit.key,
        "school_year": result.allocated_from.school_year,
        "value": result.allocated_from.value,
        "targets": sorted(
            (
                {"unit": units[t.unit_id].key, "name": units[t.unit_id].name, "value": t.value}
                for t in result.targets
            ),
            key=lambda row: str(row["unit"]),
        ),
        "warning": result.warning,
    }


# --- dashboards ------------------------------------------------------------------------------


class DashboardQuery(Schema):
    period: str = Field("", max_length=40, description="blank: the current period")
    indicator: str = Field("", max_length=40, description="the focus; blank: the first with data")
    sort: str = Field(
        "", max_length=20, description="breakdown: ten, gia_tri, chi_tieu, dat, so_lieu"
    )
    direction: str = Field("", max_length=4, description="asc (default) or desc")
    kind: str = Field("", max_length=40, description="breakdown: only units of this group")
    search: str = Field("", max_length=100, description="breakdown: names containing (no marks)")


def _dashboard(request: HttpRequest, unit: str, query: DashboardQuery) -> dict[str, Any]:
    page = selectors.dashboard_page(
        request.user,
        unit_key=unit,
        period_code=query.period,
        indicator_code=query.indicator,
        sort=query.sort,
        direction=query.direction,
        kind=query.kind,
        search=query.search,
    )
    board = page.board
    return {
        "unit": page.unit.key,
        "period": page.period.code,
        "rollups_stale": page.rollups_stale,
        "summary": vars(board.summary),
        "focus": board.focus.code if board.focus else None,
        "rows": [
            {
                **_cell(r.cell),
                "trend": [{"period": p.code, "value": v.value} for p, v in r.trend],
            }
            for r in board.rows
        ],
        "breakdown": [
            {**_cell(cell), "unit": child.key, "name": child.name} for child, cell in page.children
        ],
    }


@router.get(
    "/units/{key}/dashboard",
    response={200: DashboardOut, 400: ErrorOut, 404: ErrorOut},
    summary="Indicators vs targets, where each figure stands, the focus by child unit",
)
def dashboard(request: HttpRequest, key: str, query: Query[DashboardQuery]) -> Any:
    return _dashboard(request, key, query)


@router.get(
    "/dashboard",
    response={200: DashboardOut, 400: ErrorOut, 404: ErrorOut},
    summary="The dashboard of a unit (default: your home unit — the page's default too)",
)
def my_dashboard(
    request: HttpRequest, query: Query[DashboardQuery], unit: str = Query("", max_length=40)
) -> Any:
    return _dashboard(request, unit, query)


@router.get(
    "/units/{key}/table",
    response={200: list[TableRowOut], 404: ErrorOut},
    summary="Every indicator at the unit and at each current child (paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def table(request: HttpRequest, key: str, period: str = "") -> list[dict[str, Any]]:
    page = selectors.indicator_table(request.user, unit_key=key, period_code=period)
    return [
        {"unit": u.key, "name": u.name, "cells": [_cell(c) for c in cells]}
        for u, cells in page.rows
    ]


class ScoreQuery(Schema):
    period: str = Field("", max_length=40, description="blank: the current period")
    w_attainment: Number = Field(None, description="0–1 ('0,7'); blank: 0.7")
    w_on_time: Number = Field(None, description="0–1; blank: 0.3")
    sort: str = Field("", max_length=20, description="hang, ten, diem, dat, dung_han, so_lieu")
    direction: str = Field("", max_length=4, description="asc (default) or desc")
    kind: str = Field("", max_length=40, description="only this group (commune, school:thpt…)")
    search: str = Field("", max_length=100, description="names containing (no marks needed)")


def _score_row(r: ScoreRow) -> dict[str, Any]:
    return {
        "unit": r.unit.key,
        "name": r.unit.name,
        "group": r.group,
        "rank": r.rank or None,
        "score": r.score,
        "attainment": r.attainment,
        "on_time": r.on_time,
        "counted": r.counted,
        "applicable": r.applicable,
    }


@router.get(
    "/units/{key}/scorecard",
    response={200: ScorecardOut, 400: ErrorOut, 404: ErrorOut},
    summary="Child units ranked like with like, with the weights given",
)
def scorecard(request: HttpRequest, key: str, query: Query[ScoreQuery]) -> Any:
    page = selectors.scorecard_page(
        request.user,
        unit_key=key,
        period_code=query.period,
        w_attainment=query.w_attainment,
        w_on_time=query.w_on_time,
        sort=query.sort,
        direction=query.direction,
        kind=query.kind,
        search=query.search,
    )
    return {
        "unit": page.unit.key,
        "period": page.period.code,
        "rollups_stale": page.rollups_stale,
        "weights": page.card.weights,
        "tracking_available": page.card.tracking_available,
        "groups": [
            {"key": g.key, "label": g.label, "rows": [_score_row(r) for r in g.rows]}
            for g in page.groups
        ],
    }
