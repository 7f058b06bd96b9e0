"""Reads of the hierarchy: subtree, ancestors, children, search, history — now or "as of" a date.

Current queries read ``OrgUnit.path`` (one indexed range). "As of" queries read
:class:`OrgUnitPlacement` (the parent and path each unit had during a period). A unit that did not
exist on the date asked (a 2025 province "as of 2024-06-30") is answered by its *counterparts*
on that date: the units it succeeded (or that succeeded it), found through the succession links.

Scope is explicit: these functions do not know the user. Pages and the API first check the unit
with ``accounts.access.access_unit`` and pass ``within=visible_units(user)`` where they list
units the user did not name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from namhoc.core.collation import collate_vi
from namhoc.core.text import fold
from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitPlacement, OrgUnitSuccession
from namhoc.orgunits.tree import ancestor_paths, is_valid_on, subtree_q, valid_on_q

__all__ = [
    "ancestors",
    "children",
    "count_by_kind",
    "counterparts",
    "placement_on",
    "predecessors",
    "resolve_many",
    "resolve_to_current",
    "search",
    "subtree",
    "successors",
    "today",
    "top_units",
    "unit_history",
    "valid_on",
]

_MAX_HOPS = 20


def today() -> dt.date:
    return timezone.localdate()


def valid_on(unit: OrgUnit, day: dt.date) -> bool:
    return is_valid_on(unit.valid_from, unit.valid_to, day)


def _last_day(unit: OrgUnit) -> dt.date:
    assert unit.valid_to is not None
    return unit.valid_to - dt.timedelta(days=1)


def _effective_day(unit: OrgUnit, as_of: dt.date | None) -> dt.date | None:
    """None means "the current tree, read from OrgUnit.path"; else the day to read placements.

    A dissolved unit asked without a date answers with the tree of its last day.
    """
    if as_of is not None:
        return as_of
    if unit.valid_to is not None:
        return _last_day(unit)
    if unit.valid_from is not None and unit.valid_from > today():
        return unit.valid_from
    return None


def placement_on(unit: OrgUnit, day: dt.date) -> OrgUnitPlacement | None:
    return OrgUnitPlacement.objects.filter(valid_on_q(day), unit=unit).first()


def counterparts(unit: OrgUnit, day: dt.date) -> list[OrgUnit]:
    """The units standing for ``unit`` on ``day``: itself if it existed then; else the units it
    succeeded (day before it began) or that succeeded it (day after it ended), transitively.

    "Hải Phòng (2025)" on 2024-06-30 -> [Hải Phòng (2024), Hải Dương (2024)].
    """
    if valid_on(unit, day):
        return [unit]
    backwards = unit.valid_from is not None and day < unit.valid_from
    frontier = {unit.pk}
    seen = set(frontier)
    found: dict[int, OrgUnit] = {}
    for _ in range(_MAX_HOPS):
        if not frontier:
            break
        if backwards:
            links = OrgUnitSuccession.objects.filter(successor_id__in=frontier).exclude(
                predecessor_id__in=frontier
            )
            neighbours = OrgUnit.objects.filter(pk__in=links.values("predecessor_id"))
        else:
            links = OrgUnitSuccession.objects.filter(predecessor_id__in=frontier).exclude(
                successor_id__in=frontier
            )
            neighbours = OrgUnit.objects.filter(pk__in=links.values("successor_id"))
        frontier = set()
        for other in neighbours:
            if other.pk in seen:
                continue
            seen.add(other.pk)
            if valid_on(other, day):
                found[other.pk] = other
            else:
                frontier.add(other.pk)
    # Keep the minimal set: a district that went to a province is already inside the legacy
    # province that went there too.
    paths = dict(
        OrgUnitPlacement.objects.filter(valid_on_q(day), unit_id__in=found).values_list(
            "unit_id", "path"
        )
    )
    roots: list[OrgUnit] = []
    covered: list[str] = []
    for pk, path in sorted(paths.items(), key=lambda item: item[1]):
        if covered and path.startswith(covered[-1]):
            continue
        covered.append(path)
        roots.append(found[pk])
    return roots


def _current(queryset: QuerySet[OrgUnit], day: dt.date | None = None) -> QuerySet[OrgUnit]:
    return queryset.filter(valid_on_q(day or today()))


def subtree(
    unit: OrgUnit,
    *,
    as_of: dt.date | None = None,
    kinds: Sequence[str] | None = None,
    include_self: bool = True,
) -> QuerySet[OrgUnit]:
    """The units under ``unit`` (and the unit itself unless ``include_self=False``).

    Without ``as_of``: the current tree (a dissolved unit: the tree of its last day). With
    ``as_of``: the tree of that date; a unit that did not exist then answers with the subtrees
    of its counterparts (see :func:`counterparts`), counterparts included when ``include_self``.
    """
    day = _effective_day(unit, as_of)
    if day is None:
        queryset = _current(OrgUnit.objects.filter(subtree_q(unit.path, include_self=include_self)))
    else:
        roots = counterparts(unit, day)
        paths = list(
            OrgUnitPlacement.objects.filter(valid_on_q(day), unit__in=roots).values_list(
                "path", flat=True
            )
        )
        if not paths:
            return OrgUnit.objects.none()
        ranges = subtree_q(paths[0], include_self=include_self)
        for path in paths[1:]:
            ranges |= subtree_q(path, include_self=include_self)
        # a semi-join on the placements (an outer join here makes SQLite scan)
        placed = OrgUnitPlacement.objects.filter(ranges, valid_on_q(day)).values("unit_id")
        queryset = OrgUnit.objects.filter(pk__in=placed)
    if kinds:
        queryset = queryset.filter(kind__in=list(kinds))
    return queryset


def ancestors(unit: OrgUnit, *, as_of: dt.date | None = None) -> list[OrgUnit]:
    """The units above ``unit``, root first (the Ministry), in the tree of ``as_of``."""
    day = _effective_day(unit, as_of)
    if day is None or not valid_on(unit, day):
        return list(OrgUnit.objects.filter(path__in=ancestor_paths(unit.path)).order_by("path"))
    placement = placement_on(unit, day)
    if placement is None:
        return []
    rows = OrgUnitPlacement.objects.filter(path__in=ancestor_paths(placement.path)).select_related(
        "unit"
    )
    return [row.unit for row in rows.order_by("path")]


def children(unit: OrgUnit, *, as_of: dt.date | None = None) -> QuerySet[OrgUnit]:
    """The units directly under ``unit`` (its counterparts', if it did not exist on ``as_of``)."""
    day = _effective_day(unit, as_of)
    if day is None:
        return _current(OrgUnit.objects.filter(parent=unit))
    roots = counterparts(unit, day)
    placed = OrgUnitPlacement.objects.filter(valid_on_q(day), parent__in=roots).values("unit_id")
    return OrgUnit.objects.filter(pk__in=placed)


def top_units(units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """The current units of ``units`` whose parent is not in ``units`` (the roots of a scope)."""
    scoped = _current(units)
    return scoped.exclude(parent__in=scoped.values("pk")).order_by("path")


def count_by_kind(units: QuerySet[OrgUnit]) -> list[dict[str, Any]]:
    """``[{"kind", "school_level", "n"}]`` for ``units``, one query, stable order."""
    rows = (
        units.order_by()
        .values("kind", "school_level")
        .annotate(n=Count("pk"))
        .order_by("kind", "school_level")
    )
    return [dict(row) for row in rows]


def search(
    text: str,
    *,
    within: QuerySet[OrgUnit] | None = None,
    as_of: dt.date | None = None,
    kinds: Sequence[str] | None = None,
) -> QuerySet[OrgUnit]:
    """Units whose name contains ``text``, ignoring case and diacritics ("tu ky" -> "Tứ Kỳ").

    Every era unless ``as_of`` is given (then: units that existed that day); current units first.
    """
    folded = fold(text)
    queryset = OrgUnit.objects.all() if within is None else within
    if folded:
        for word in folded.split():
            queryset = queryset.filter(name_folded__contains=word)
        queryset = queryset.filter(name_folded__contains=folded)
    if as_of is not None:
        queryset = queryset.filter(valid_on_q(as_of))
    if kinds:
        queryset = queryset.filter(kind__in=list(kinds))
    return queryset.order_by(
        F("valid_to").desc(nulls_first=True), "depth", collate_vi("name"), "pk"
    ).select_related("parent")


def unit_history(unit: OrgUnit) -> QuerySet[OrgUnitEvent]:
    """The changes that touched ``unit`` (as predecessor or successor), oldest first, with links."""
    event_ids = OrgUnitSuccession.objects.filter(Q(predecessor=unit) | Q(successor=unit)).values(
        "event_id"
    )
    return OrgUnitEvent.objects.filter(pk__in=event_ids).order_by("date", "pk")


def event_links(events: Iterable[OrgUnitEvent]) -> dict[int, list[OrgUnitSuccession]]:
    """The links of ``events`` with both units loaded, by event id (one query)."""
    result: dict[int, list[OrgUnitSuccession]] = {}
    links = OrgUnitSuccession.objects.filter(event__in=list(events)).select_related(
        "predecessor", "successor"
    )
    for link in links.order_by("pk"):
        result.setdefault(link.event_id, []).append(link)
    return result


def successors(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The units that directly took over (all or part of) ``unit``."""
    ids = OrgUnitSuccession.objects.filter(predecessor=unit).exclude(successor=unit)
    return OrgUnit.objects.filter(pk__in=ids.values("successor_id")).order_by("path")


def predecessors(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The units ``unit`` directly took over (all or part of)."""
    ids = OrgUnitSuccession.objects.filter(successor=unit).exclude(predecessor=unit)
    return OrgUnit.objects.filter(pk__in=ids.values("predecessor_id")).order_by("path")


def resolve_many(unit_ids: Iterable[int], *, on: dt.date | None = None) -> dict[int, int]:
    """``{unit_id: id of the unit that carries its figures on ``on``}`` (default: today).

    Follows the *primary* succession links (a split commune: its default successor) until a unit
    valid on the date; a unit valid then maps to itself. Units with no valid successor map to
    the last one reached. A few queries per hop, whatever the number of units.
    """
    day = on or today()
    ids = set(unit_ids)
    result: dict[int, int] = {}
    origin: dict[int, set[int]] = {pk: {pk} for pk in ids}
    pending = ids
    for _ in range(_MAX_HOPS):
        if not pending:
            break
        valid = set(
            OrgUnit.objects.filter(valid_on_q(day), pk__in=pending).values_list("pk", flat=True)
        )
        next_origin: dict[int, set[int]] = {}
        links = dict(
            OrgUnitSuccession.objects.filter(predecessor_id__in=pending - valid, is_primary=True)
            .exclude(successor_id=F("predecessor_id"))
            .order_by("event__date", "pk")
            .values_list("predecessor_id", "successor_id")
        )
        for pk in pending:
            if pk in valid or pk not in links:
                for source in origin[pk]:
                    result[source] = pk
            else:
                next_origin.setdefault(links[pk], set()).update(origin[pk])
        origin = next_origin
        pending = set(next_origin)
    for pk, sources in origin.items():
        for source in sources:
            result.setdefault(source, pk)
    return result


def resolve_to_current(unit: OrgUnit, on: dt.date | None = None) -> OrgUnit:
    """The unit that carries ``unit``'s figures on ``on`` (default today): see :func:`resolve_many`.

    A legacy commune -> its (default) 2025 commune; a legacy district -> its 2025 province;
    a legacy province -> the 2025 province it merged into; a current unit -> itself.
    """
    target = resolve_many([unit.pk], on=on)[unit.pk]
    return unit if target == unit.pk else OrgUnit.objects.get(pk=target)
