"""Org-unit endpoints (``/api/units``): filter, one unit, its subtree and ancestors, "as of" a date.

Everything goes through the access layer: lists are cut to ``visible_units(user)``, a named unit
is fetched with ``access_unit`` (out of scope -> 404).
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from namhoc.accounts.access import access_unit, visible_units
from namhoc.orgunits import selectors
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import valid_on_q

units_router = Router(tags=["orgunits"])


class UnitOut(Schema):
    key: str
    code: str
    kind: OrgUnit.Kind
    name: str
    unit_type: str
    office_name: str
    parent_key: str | None
    path: str
    depth: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    school_level: str
    ownership: str
    is_synthetic: bool = Field(description="generated for demonstration: not a real institution")

    @staticmethod
    def resolve_parent_key(obj: OrgUnit | dict[str, Any]) -> str | None:
        if isinstance(obj, dict):
            return obj.get("parent_key")
        return obj.parent.key if obj.parent_id is not None and obj.parent else None


class UnitRef(Schema):
    key: str
    name: str
    kind: OrgUnit.Kind
    valid_to: dt.date | None


class UnitDetailOut(UnitOut):
    ancestors: list[UnitRef]
    predecessors: list[UnitRef]
    successors: list[UnitRef]
    counterparts: list[UnitRef] = Field(
        description="with as_of, when the unit did not exist that day: the units standing for it"
    )


class UnitFilter(Schema):
    kind: OrgUnit.Kind | None = None
    parent: str | None = Field(default=None, description="a parent unit's key: its children")
    q: str | None = Field(default=None, max_length=100, description="name, diacritics ignored")
    as_of: dt.date | None = Field(default=None, description="the tree of this date (YYYY-MM-DD)")
    school_level: OrgUnit.SchoolLevel | None = None


@units_router.get("", response=list[UnitOut], summary="Units in scope, filtered")
@paginate(LimitOffsetPagination)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet[OrgUnit]:
    visible = visible_units(request.user)
    if filters.parent:
        parent = access_unit(request.user, filters.parent)
        units = selectors.children(parent, as_of=filters.as_of)
    elif filters.q:
        units = selectors.search(filters.q, within=visible, as_of=filters.as_of)
    else:
        units = visible.filter(valid_on_q(filters.as_of or selectors.today()))
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.school_level:
        units = units.filter(school_level=filters.school_level)
    if not filters.q:
        units = units.order_by("path")
    return units.select_related("parent")


@units_router.get("/{key}", response=UnitDetailOut, summary="One unit, with its neighbours")
def get_unit(request: HttpRequest, key: str, as_of: dt.date | None = None) -> dict[str, object]:
    # (ninja reads the annotations at import time: no ``from __future__ import annotations`` here)
    unit = access_unit(request.user, key)
    existed = as_of is None or selectors.valid_on(unit, as_of)
    return {
        **UnitOut.from_orm(unit).dict(),
        "parent_key": unit.parent.key if unit.parent else None,
        "ancestors": selectors.ancestors(unit, as_of=as_of if existed else None),
        "predecessors": list(selectors.predecessors(unit)),
        "successors": list(selectors.successors(unit)),
        "counterparts": [] if existed or as_of is None else selectors.counterparts(unit, as_of),
    }


@units_router.get("/{key}/subtree", response=list[UnitOut], summary="The unit's subtree")
@paginate(LimitOffsetPagination)
def unit_subtree(
    request: HttpRequest,
    key: str,
    as_of: dt.date | None = None,
    kind: OrgUnit.Kind | None = None,
    school_level: OrgUnit.SchoolLevel | None = None,
) -> QuerySet[OrgUnit]:
    unit = access_unit(request.user, key)
    units = selectors.subtree(unit, as_of=as_of, kinds=[kind] if kind else None)
    if school_level:
        units = units.filter(school_level=school_level)
    return units.select_related("parent").order_by("path")


@units_router.get("/{key}/ancestors", response=list[UnitOut], summary="The units above, root first")
def unit_ancestors(request: HttpRequest, key: str, as_of: dt.date | None = None) -> list[OrgUnit]:
    unit = access_unit(request.user, key)
    return selectors.ancestors(unit, as_of=as_of)
