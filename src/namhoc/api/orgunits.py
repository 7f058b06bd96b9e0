"""Org-unit endpoints (``/api/units``): filter, one unit, its subtree and ancestors, "as of" a date.

Every read goes through the selectors of ``namhoc.accounts`` that the pages use: lists are cut to
the units the user sees, a named unit out of scope is a 404. Dates are ``yyyy-mm-dd`` or
``dd/mm/yyyy``. Lists are paginated (``?limit=&offset=``, at most 500 a page).
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from namhoc.accounts import selectors
from namhoc.api.paging import BoundedLimitOffset
from namhoc.orgunits.models import OrgUnit

units_router = Router(tags=["orgunits"])

AS_OF_HELP = "the tree of this date (yyyy-mm-dd or dd/mm/yyyy)"


class UnitOut(Schema):
    key: str
    code: str
    kind: OrgUnit.Kind
    kind_label: str = Field(description="the level in Vietnamese, in the unit's own era")
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
    validity: str = Field(description="the unit's life in words, on as_of when given")
    ancestors: list[UnitRef]
    predecessors: list[UnitRef]
    successors: list[UnitRef]
    counterparts: list[UnitRef] = Field(
        description="with as_of, when the unit did not exist that day: the units standing for it"
    )


class UnitFilter(Schema):
    kind: str = Field(default="", max_length=10, description="ministry | province | ...")
    parent: str = Field(default="", max_length=40, description="a parent unit's key: its children")
    q: str = Field(default="", max_length=100, description="name, diacritics ignored")
    as_of: str = Field(default="", max_length=40, description=AS_OF_HELP)
    school_level: str = Field(default="", max_length=10)


@units_router.get("", response=list[UnitOut], summary="Units in scope, filtered")
@paginate(BoundedLimitOffset)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet[OrgUnit]:
    return selectors.units_list(request.user, **filters.dict())


@units_router.get("/{key}", response=UnitDetailOut, summary="One unit, with its neighbours")
def get_unit(
    request: HttpRequest, key: str, as_of: str = Query("", max_length=40, description=AS_OF_HELP)
) -> dict[str, object]:
    # (ninja reads the annotations at import time: no ``from __future__ import annotations`` here)
    page = selectors.unit_page(request.user, key, as_of=as_of)
    unit = page.unit
    return {
        **UnitOut.from_orm(unit).dict(),
        "parent_key": unit.parent.key if unit.parent else None,
        "kind_label": page.kind_label,
        "validity": page.validity,
        "ancestors": page.ancestors,
        "predecessors": page.predecessors,
        "successors": page.successors,
        "counterparts": page.counterparts,
    }


@units_router.get("/{key}/subtree", response=list[UnitOut], summary="The unit's subtree")
@paginate(BoundedLimitOffset)
def unit_subtree(
    request: HttpRequest,
    key: str,
    as_of: str = Query("", max_length=40, description=AS_OF_HELP),
    kind: str = Query("", max_length=10),
    school_level: str = Query("", max_length=10),
) -> QuerySet[OrgUnit]:
    return selectors.unit_subtree(
        request.user, key, as_of=as_of, kind=kind, school_level=school_level
    )


@units_router.get("/{key}/ancestors", response=list[UnitOut], summary="The units above, root first")
def unit_ancestors(
    request: HttpRequest, key: str, as_of: str = Query("", max_length=40, description=AS_OF_HELP)
) -> list[OrgUnit]:
    return selectors.unit_ancestors(request.user, key, as_of=as_of)
