"""Public JSON API of the disclosure pages (issue 17; ADR 0012): no sign-in. The units with a
public page, and a unit's approved aggregates for a period — the same selectors, and the same
document, as the page's JSON download."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from namhoc.api.directives import ErrorOut
from namhoc.api.paging import BoundedLimitOffset
from namhoc.disclosure import opendata, selectors
from namhoc.orgunits.models import OrgUnit

router = Router(tags=["disclosure"], auth=None)


class PublicUnitOut(Schema):
    key: str
    name: str
    kind: str
    parent: str | None
    synthetic: bool

    @staticmethod
    def resolve_kind(obj: OrgUnit) -> str:
        return obj.kind_label

    @staticmethod
    def resolve_parent(obj: OrgUnit) -> str | None:
        return obj.parent.name if obj.parent else None

    @staticmethod
    def resolve_synthetic(obj: OrgUnit) -> bool:
        return obj.is_synthetic


class UnitsQuery(Schema):
    q: str = Field("", max_length=100)
    kind: str = Field("", max_length=20)


@router.get(
    "/units",
    response={200: list[PublicUnitOut]},
    summary="Units with a public page, in Vietnamese order (q: words of the name, diacritics "
    "optional; paginated: limit, offset)",
)
@paginate(BoundedLimitOffset)
def units(request: HttpRequest, filters: Query[UnitsQuery]) -> QuerySet[OrgUnit]:
    return selectors.unit_index(search=filters.q, kind=filters.kind)


class PeriodQuery(Schema):
    period: str = Field("", max_length=20)


@router.get(
    "/units/{key}",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="A unit's approved figures for a period (default: the newest with approved figures): "
    "the open data of its public page; nothing unapproved, nothing about people",
)
def unit(request: HttpRequest, key: str, filters: Query[PeriodQuery]) -> dict[str, Any]:
    page, rows = selectors.open_data(key, filters.period)
    return opendata.as_json(page, rows)
