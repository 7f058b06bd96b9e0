"""The figures dashboard's and the scorecard's computations, cached under a key that changes
with everything they read (issue 15: a province officer's page cost 0.1–0.7 s of CPU).

What a computation at unit U for a period reads, and what in the key follows it:

- every figure counted at U or at one of its current children: they all count toward U too
  (a child's subtree is in U's; a dissolved unit's figures count toward its carrier's
  ancestors), so every write moves U's own aggregate rows, and each write moves their
  ``version`` by one (``rollup.apply_deltas``): the sum and the count of U's rows' versions;
- the roll-ups' rebuild (which writes the rows anew): the tree they were built for and when;
- the org tree (children, names, who must report): the tree marker (``freshness``);
- the targets of U, its ancestors and its children for the school year: their count, last id
  and last change (every target write saves ``updated_at``);
- the catalogue, the indicators and the periods: a digest of the rows the page has read anyway;
- the day (what is "not due yet" changes at midnight), the unit and the period, and the page's
  own arguments (the focus indicator).

Nothing in a cached value depends on who looks: the page selectors check the viewer's access to
U first (out of scope: 404 before any cache is read) and compute every access-dependent part
(breadcrumbs, buttons) per request. Approvals are not read by these computations (they lock
figures; the figures themselves are in the key). A school (a leaf) has no aggregate rows of its
own: its pages are computed every time, and cheaply — it has no children.

Each process keeps its latest values as objects; a deployment that sets a shared cache
(``CACHES``) gets them through it too. Django's default, local memory, is not used: it is this
process's again, and pickling a province's scorecard into it cost every computation ~10 ms more
(issue 15: under a rush every save changes the province's key, so its pages are computed almost
every time). The key is read from the database every time, so a process never serves a value
older than the database, whatever its caches hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import Count, Max, Q, Sum

from namhoc.indicators.coverage import Catalogue, forget_expected
from namhoc.indicators.freshness import RollupFreshness
from namhoc.indicators.models import Aggregate, Indicator, Period, Target
from namhoc.indicators.rollup import LEAF_KINDS
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths

__all__ = ["CACHE_SECONDS", "cached", "figures_key", "forget_local"]

CACHE_SECONDS = 600  # an entry no key asks for again goes; a changed figure changes the key
PREFIX = "indicators:figures:v1"

T = TypeVar("T")


def _rows(objects: Iterable[Any], fields: Sequence[str] | None = None) -> list[tuple[Any, ...]]:
    rows = []
    for obj in objects:
        names = fields or [f.attname for f in obj._meta.concrete_fields]
        rows.append(tuple(getattr(obj, name) for name in names))
    return rows


def _catalogue_rows(catalogue: Catalogue) -> tuple[Any, ...]:
    return (
        _rows(catalogue.data_sets),
        sorted((pk, sorted(codes)) for pk, codes in catalogue.elements.items()),
        sorted(catalogue.element_ids.items()),
        sorted(catalogue.names.items()),
    )


def figures_key(
    page: str,
    *,
    unit: OrgUnit,
    period: Period,
    day: dt.date,
    freshness: RollupFreshness,
    indicators: Sequence[Indicator],
    catalogue: Catalogue,
    all_periods: Sequence[Period],
    extra: tuple[Any, ...] = (),
) -> str | None:
    """The cache key of ``page``'s computation at ``unit`` for ``period`` (two queries), or None
    for a school, whose pages are not cached."""
    if unit.kind in LEAF_KINDS:
        return None
    figures = Aggregate.objects.filter(unit=unit).aggregate(v=Sum("version"), n=Count("pk"))
    near = Q(unit__parent=unit) | Q(unit__path__in=[*ancestor_paths(unit.path), unit.path])
    targets = Target.objects.filter(near, school_year=period.school_year).aggregate(
        n=Count("pk"), last=Max("pk"), changed=Max("updated_at")
    )
    state = (
        figures["v"] or 0,
        figures["n"],
        freshness.built_for,
        freshness.built_at.isoformat() if freshness.built_at else None,
        freshness.tree,
        targets["n"],
        targets["last"],
        targets["changed"].isoformat() if targets["changed"] else None,
        day.isoformat(),
        period.pk,
        extra,
        _rows(indicators),
        _catalogue_rows(catalogue),
        _rows(all_periods),
    )
    digest = hashlib.sha256(repr(state).encode()).hexdigest()
    return f"{PREFIX}:{page}:{unit.pk}:{period.pk}:{digest}"


# The latest values of this process, as objects: unpickling a province's scorecard from
# Django's cache costs ~30 ms, more than the rest of a warm page. Values are only read after they
# are stored (pages build their own lists from them), so threads share them safely.
LOCAL_ENTRIES = 32
_local: OrderedDict[str, Any] = OrderedDict()
_local_lock = threading.Lock()


def cached(key: str | None, compute: Callable[[], T], kind: type) -> T:
    """The value under ``key`` if this process or the shared cache holds one of ``kind``; else
    ``compute()``, kept in both."""
    if key is None:
        return compute()
    with _local_lock:
        found = _local.get(key)
        if found is not None:
            _local.move_to_end(key)
    shared = _shared()
    if not isinstance(found, kind) and shared:
        found = cache.get(key)
    if isinstance(found, kind):
        _keep(key, found)
        return found  # type: ignore[return-value]
    value = compute()
    if shared:
        cache.set(key, value, CACHE_SECONDS)
    _keep(key, value)
    return value


def _shared() -> bool:
    """Whether the default cache reaches beyond this process (not Django's local memory)."""
    return not isinstance(caches["default"], LocMemCache)


def _keep(key: str, value: Any) -> None:
    with _local_lock:
        _local[key] = value
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def forget_local() -> None:
    """Empty this process's layer, and what it keeps of who must report (``coverage``): tests
    and benches that empty the cache empty these too (a rolled-back test can leave another test
    the same tree marker with another tree)."""
    with _local_lock:
        _local.clear()
    forget_expected()
