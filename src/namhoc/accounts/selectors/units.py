"""Reads about units as a person sees them: the unit picker, a person's home unit and roles, the
pages and API lists of the org tree (always cut to the viewer's scope, ADR 0004)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from namhoc.accounts.access import access_unit, admin_units, is_staff_superuser, visible_units
from namhoc.accounts.models import Membership, Role
from namhoc.core.collation import collate_vi
from namhoc.core.errors import DomainError
from namhoc.core.parsing import clean_text, parse_date
from namhoc.core.types import Actor
from namhoc.orgunits import selectors as tree
from namhoc.orgunits.models import (
    REFORM_DATE,
    OrgUnit,
    OrgUnitEvent,
    OrgUnitSuccession,
    kind_label,
)
from namhoc.orgunits.tree import subtree_q, valid_on_q

__all__ = [
    "PICK_LIMIT",
    "SEARCH_LIMIT",
    "Home",
    "PickChoices",
    "PickPurpose",
    "UnitIndex",
    "UnitPage",
    "home",
    "home_unit",
    "parse_as_of",
    "pickable_units",
    "unit_ancestors",
    "unit_index",
    "unit_page",
    "unit_pick",
    "unit_subtree",
    "units_list",
    "units_with_roles",
]

SEARCH_LIMIT = 30  # matches shown by the tree's search box (the page says when there are more)
QUERY_MAX = 100  # characters in a search box
AS_OF_MIN = dt.date(1945, 1, 1)


@dataclass(frozen=True)
class Home:
    units: list[tuple[OrgUnit, list[str]]]  # where the person holds roles, highest first
    unit: OrgUnit | None  # their home unit (:func:`home_unit`)


def home(viewer: Actor | None) -> Home:
    """The landing page's facts: the person's units with their roles, and their home unit."""
    units = units_with_roles(viewer)
    # ``units`` is in the order home_unit() picks from (tree order): its first row IS the home
    # unit, already loaded; only a person without memberships needs home_unit's own query.
    return Home(units=units, unit=units[0][0] if units else home_unit(viewer))


def units_with_roles(user: Actor | None) -> list[tuple[OrgUnit, list[str]]]:
    """The units where ``user`` holds a role, highest first, each with its role names. One query."""
    if user is None or not user.is_authenticated:
        return []
    units: dict[int, tuple[OrgUnit, list[str]]] = {}
    rows = (
        Membership.objects.filter(user_id=user.pk)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    for membership in rows:
        units.setdefault(membership.unit_id, (membership.unit, []))[1].append(
            membership.get_role_display()
        )
    return list(units.values())


# --- the unit picker ------------------------------------------------------------------------

PICK_LIMIT = 20


class PickPurpose:
    """What a unit picker picks for; each purpose has its own candidate units."""

    VISIBLE = "xem"  # any current unit the viewer sees (filters)
    BELOW = "duoi"  # current units strictly below ``within`` that the viewer sees (assigning work)
    SPECIALIST = "chuyen-vien"  # current units where the viewer works (issuing a document)
    ADMIN = "quan-tri"  # current units where the viewer manages people (memberships)
    ALL = (VISIBLE, BELOW, SPECIALIST, ADMIN)


@dataclass(frozen=True)
class PickChoices:
    chosen: list[OrgUnit]
    matches: list[OrgUnit]
    more: bool  # more matches than shown: type more of the name
    query: str


def pickable_units(
    viewer: Actor | None, *, purpose: str, within: OrgUnit | None = None
) -> QuerySet[OrgUnit]:
    """The current units a picker offers ``viewer`` for ``purpose`` (see :class:`PickPurpose`).

    Use cases check their own rule again; this only decides what is offered."""
    if purpose == PickPurpose.ADMIN:
        units = admin_units(viewer)
    elif purpose == PickPurpose.SPECIALIST:
        units = visible_units(viewer, role=Role.SPECIALIST)
    else:
        units = visible_units(viewer)
    units = units.filter(valid_to__isnull=True)
    if purpose == PickPurpose.BELOW:
        if within is None:
            return units.none()
        units = units.filter(subtree_q(within.path, include_self=False)).exclude(
            kind=OrgUnit.Kind.DISTRICT
        )
    return units


def unit_pick(
    viewer: Actor | None,
    *,
    purpose: str,
    query: str = "",
    within_key: str = "",
    chosen_keys: Sequence[str] = (),
    kinds: Sequence[str] = (),
    limit: int = PICK_LIMIT,
) -> PickChoices:
    """The picker's state: the units already chosen (kept, whatever the query) and up to
    ``limit`` units matching ``query`` by name, ignoring diacritics ("tu ky" finds Tứ Kỳ).

    ``within_key`` must be a unit the viewer sees (NotFound otherwise)."""
    within = access_unit(viewer, within_key) if within_key else None
    if purpose not in PickPurpose.ALL:
        purpose = PickPurpose.VISIBLE
    candidates = pickable_units(viewer, purpose=purpose, within=within)
    if kinds:
        candidates = candidates.filter(kind__in=[k for k in kinds if k in OrgUnit.Kind.values])
    keys = [k for k in dict.fromkeys(chosen_keys) if isinstance(k, str) and 0 < len(k) <= 40]
    chosen = list(candidates.filter(key__in=keys[:2000]).select_related("parent"))
    order = {key: i for i, key in enumerate(keys)}
    chosen.sort(key=lambda unit: order.get(unit.key, 0))
    query = " ".join(query.split())[:100]
    matches: list[OrgUnit] = []
    more = False
    if len(query) >= 2:
        found = list(
            tree.search(query, within=candidates.exclude(key__in=keys[:2000]))[: limit + 1]
        )
        matches, more = found[:limit], len(found) > limit
    return PickChoices(chosen=chosen, matches=matches, more=more, query=query)


def home_unit(viewer: Actor | None) -> OrgUnit | None:
    """The unit a person's pages default to — the one rule for every page and endpoint: the unit
    of their first membership in tree order (by path: the highest of one branch, the leftmost
    branch first); for a superuser without one, the root. None: the person belongs to no unit."""
    if viewer is None or not viewer.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(user_id=viewer.pk)
        .select_related("unit")
        .order_by("unit__path", "pk")
        .first()
    )
    if membership is not None:
        return membership.unit
    if is_staff_superuser(viewer):
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    return None


# --- the org tree's pages and API ---------------------------------------------------------------


def parse_as_of(raw: object, *, field: str = "as_of") -> dt.date | None:
    """The "as of" day of a tree question: ``dd/mm/yyyy`` or ``yyyy-mm-dd``; None for a blank."""
    return parse_date(
        raw, field=field, label="Ngày xem", minimum=AS_OF_MIN, maximum=dt.date(2100, 12, 31)
    )


def _query(raw: object) -> str:
    return clean_text(raw, field="q", label="Từ khóa tìm kiếm", max_length=QUERY_MAX)


@dataclass(frozen=True)
class UnitIndex:
    query: str
    results: list[OrgUnit] | None  # None: nothing searched
    more: bool  # more matches than shown
    tops: QuerySet[OrgUnit]  # the roots of the viewer's scope, with ``n_children``


def unit_index(viewer: Actor | None, *, query: object = "") -> UnitIndex:
    """The tree's front page: the viewer's top units, and the units matching ``query`` by name
    (diacritics optional) among those the viewer sees."""
    visible = visible_units(viewer)
    text = _query(query)
    results: list[OrgUnit] | None = None
    more = False
    if len(text) >= 2:
        found = list(tree.search(text, within=visible)[: SEARCH_LIMIT + 1])
        results, more = found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT
    tops = (
        tree.top_units(visible)
        .annotate(n_children=Count("children", filter=Q(children__valid_to__isnull=True)))
        .order_by("path")
    )
    return UnitIndex(query=text, results=results, more=more, tops=tops)


def _validity(unit: OrgUnit, as_of: dt.date | None) -> str:
    """The unit's life in one phrase — on ``as_of`` when given, never "đang hoạt động" about a
    day it did not exist."""
    start = f"từ {unit.valid_from:%d/%m/%Y}" if unit.valid_from else "từ trước khi có dữ liệu"
    end = f", kết thúc từ ngày {unit.valid_to:%d/%m/%Y}" if unit.valid_to else ""
    if as_of is None:
        return f"{start}{end}" if end else f"{start} — đang hoạt động"
    day = f"{as_of:%d/%m/%Y}"
    if unit.valid_from is not None and as_of < unit.valid_from:
        return f"chưa có vào ngày {day} (thành lập từ {unit.valid_from:%d/%m/%Y})"
    if unit.valid_to is not None and as_of >= unit.valid_to:
        return f"đã kết thúc vào ngày {day} ({start}{end})"
    return f"có vào ngày {day} ({start}{end})"


@dataclass(frozen=True)
class UnitPage:
    unit: OrgUnit
    as_of: dt.date | None
    existed: bool  # the unit existed on ``as_of`` (always, without one)
    legacy: bool  # the tree shown is the pre-2025 one
    kind_label: str
    validity: str
    counterparts: list[OrgUnit]
    ancestors: list[OrgUnit]
    children: QuerySet[OrgUnit]
    counts: list[dict[str, Any]]
    predecessors: list[OrgUnit]
    successors: list[OrgUnit]
    history: list[tuple[OrgUnitEvent, list[OrgUnitSuccession]]] = field(default_factory=list)


def _tree_day(unit: OrgUnit, as_of: dt.date | None) -> dt.date:
    if as_of is not None:
        return as_of
    if unit.valid_to is not None:
        return unit.valid_to - dt.timedelta(days=1)
    return tree.today()


def unit_page(viewer: Actor | None, key: str, *, as_of: object = None) -> UnitPage:
    """One unit as ``viewer`` may see it (NotFound out of scope), in the tree of ``as_of``: its
    place, its children (of its counterparts, when it did not exist that day), the counts of its
    subtree by level, and its history."""
    unit = access_unit(viewer, key)
    day = parse_as_of(as_of)
    existed = day is None or tree.valid_on(unit, day)
    legacy = _tree_day(unit, day) < REFORM_DATE
    children = tree.children(unit, as_of=day).select_related("parent")
    if day is None and unit.valid_to is None:
        children = children.annotate(
            n_children=Count("children", filter=Q(children__valid_to__isnull=True))
        )
    children = children.order_by("kind", "school_level", collate_vi("name"), "pk")
    counts = [
        {**row, "label": kind_label(row["kind"], row["school_level"], legacy=legacy)}
        for row in tree.count_by_kind(tree.subtree(unit, as_of=day, include_self=False))
    ]
    events = list(tree.unit_history(unit))
    links = tree.event_links(events)
    return UnitPage(
        unit=unit,
        as_of=day,
        existed=existed,
        legacy=legacy,
        kind_label=kind_label(unit.kind, unit.school_level, legacy=unit.is_legacy),
        validity=_validity(unit, day),
        counterparts=[] if existed or day is None else tree.counterparts(unit, day),
        ancestors=tree.ancestors(unit, as_of=day if existed else None),
        children=children,
        counts=counts,
        predecessors=list(tree.predecessors(unit)),
        successors=list(tree.successors(unit)),
        history=[(event, links.get(event.pk, [])) for event in events],
    )


def _kind(raw: object) -> str:
    if raw in (None, ""):
        return ""
    if isinstance(raw, str) and raw in OrgUnit.Kind.values:
        return raw
    raise DomainError("bad_kind", "Cấp đơn vị không hợp lệ.", field="kind")


def _school_level(raw: object) -> str:
    if raw in (None, ""):
        return ""
    if isinstance(raw, str) and raw in OrgUnit.SchoolLevel.values:
        return raw
    raise DomainError("bad_school_level", "Cấp học không hợp lệ.", field="school_level")


def units_list(
    viewer: Actor | None,
    *,
    kind: object = "",
    parent: object = "",
    q: object = "",
    as_of: object = None,
    school_level: object = "",
) -> QuerySet[OrgUnit]:
    """Units ``viewer`` sees: the children of ``parent`` (a key), or those whose name matches
    ``q``, or all of them — in the tree of ``as_of`` (today by default); filtered by level."""
    day = parse_as_of(as_of)
    the_kind, the_level, text = _kind(kind), _school_level(school_level), _query(q)
    visible = visible_units(viewer)
    if parent:
        units = tree.children(access_unit(viewer, str(parent)), as_of=day)
    elif text:
        units = tree.search(text, within=visible, as_of=day)
    else:
        units = visible.filter(valid_on_q(day or tree.today()))
    if the_kind:
        units = units.filter(kind=the_kind)
    if the_level:
        units = units.filter(school_level=the_level)
    if not text:
        units = units.order_by("path")
    return units.select_related("parent")


def unit_subtree(
    viewer: Actor | None,
    key: str,
    *,
    as_of: object = None,
    kind: object = "",
    school_level: object = "",
) -> QuerySet[OrgUnit]:
    """The subtree of a unit ``viewer`` sees, in the tree of ``as_of``."""
    unit = access_unit(viewer, key)
    the_kind, the_level = _kind(kind), _school_level(school_level)
    units = tree.subtree(unit, as_of=parse_as_of(as_of), kinds=[the_kind] if the_kind else None)
    if the_level:
        units = units.filter(school_level=the_level)
    return units.select_related("parent").order_by("path")


def unit_ancestors(viewer: Actor | None, key: str, *, as_of: object = None) -> list[OrgUnit]:
    """The units above a unit ``viewer`` sees, root first, in the tree of ``as_of``."""
    return tree.ancestors(access_unit(viewer, key), as_of=parse_as_of(as_of))
