"""Not reported is not zero (issue 11.1): whether an indicator's figures are due in a period,
and how many of the units that must report them have.

- An indicator is *collected* in a kind of period when every element of its formula is on a
  data set reported in that kind (the graduation rate's numerator only comes with the end-of-year
  report, so at the start of the year it is "chưa đến kỳ", not 0 %).
- Its *coverage* at a unit is, for each element, the units below (the unit itself included) that
  reported it — the roll-ups' ``count`` — against the current units that must report it; the
  indicator is complete when every element is. Shown as "chưa đủ số liệu (n/N đơn vị)" with the
  element reported least (the units that report a form are the same for all its elements).

Counting the units that must report is one query per distinct depth among the units asked,
whatever their number (a ``GROUP BY`` over path prefixes, with one conditional count per data
set).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from django.db.models import Count, Q
from django.db.models.functions import Substr

from namhoc.core.formats import format_date
from namhoc.indicators.formulas import parse
from namhoc.indicators.models import DataSet, Indicator, Period
from namhoc.indicators.snapshot import catalogue
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "KIND_ORDER",
    "Catalogue",
    "Coverage",
    "FigureStatus",
    "collected_kinds",
    "expected_reporters",
    "forget_expected",
    "status_of",
]

FigureStatus = Literal["ok", "partial", "not_due", "not_collected", "none"]
"""``ok``: every unit that must report has; ``partial``: some have not yet; ``not_due``: the
figures are not due yet in this period (not collected in it, or its reference date is ahead);
``not_collected``: this kind of period does not collect them (and no later one in the year
does); ``none``: no unit below reports them (a commune without upper-secondary schools)."""

KIND_ORDER = {Period.Kind.START: 0, Period.Kind.SEMESTER_1: 1, Period.Kind.END: 2}


@dataclass(frozen=True)
class Coverage:
    status: FigureStatus
    reported: int = 0  # units that reported the element reported least
    expected: int = 0  # units that must report it
    label: str = ""  # what the page shows instead of (or beside) the figure; "" when complete

    @property
    def complete(self) -> bool:
        return self.status == "ok"

    @property
    def counts(self) -> bool:
        """A figure to compare with a target, rank and average: complete, nothing missing."""
        return self.status == "ok"


@functools.lru_cache(maxsize=1024)
def _codes_of(numerator: str, denominator: str) -> tuple[str, ...]:
    """The element codes of a formula, sorted (``status_of`` asks for every unit on a page: a
    pure function of the formula's text, kept like ``parse``)."""
    codes = parse(numerator).codes
    if denominator.strip():
        codes |= parse(denominator).codes
    return tuple(sorted(codes))


@dataclass(frozen=True)
class Catalogue:
    """Which data sets collect which elements in which kinds of period, and the elements' ids
    and names: taken from the process's catalogue snapshot (``snapshot.catalogue``: one
    digest statement when nothing changed, instead of three ORM reads on every province page;
    issue 15)."""

    data_sets: list[DataSet]
    elements: dict[int, set[str]]  # data set id -> element codes
    element_ids: dict[str, int]  # element code -> id
    names: dict[str, str]  # element code -> name

    @classmethod
    def load(cls) -> Catalogue:
        known = catalogue()
        data_sets = sorted(known.data_sets.values(), key=lambda data_set: data_set.code)
        elements = {
            pk: {member.element.code for member in members}
            for pk, members in known.members.items()
            if members
        }
        ids = {code: element.pk for code, element in known.elements.items()}
        names = {code: element.name for code, element in known.elements.items()}
        return cls(data_sets=data_sets, elements=elements, element_ids=ids, names=names)

    def collecting(self, code: str, kind: str) -> list[DataSet]:
        return [
            ds
            for ds in self.data_sets
            if kind in ds.period_kinds and code in self.elements.get(ds.pk, ())
        ]


def collected_kinds(indicators: Iterable[Indicator], catalogue: Catalogue) -> dict[int, set[str]]:
    """``{indicator id: the kinds of period in which every element of its formula is
    collected}``."""
    result = {}
    for indicator in indicators:
        codes = _codes_of(indicator.numerator, indicator.denominator)
        result[indicator.pk] = {
            kind
            for kind in Period.Kind.values
            if codes and all(catalogue.collecting(code, kind) for code in codes)
        }
    return result


def _reporting_q(data_set: DataSet) -> Q:
    query = Q(kind=data_set.unit_kind)
    if data_set.school_levels:
        query &= Q(school_level__in=data_set.school_levels)
    return query


Expected = dict[str, dict[str, int]]
"""Per kind of period, per element code: the units that must report it."""


# Who must report depends on the org tree and the catalogue only, not on any figure: a province
# page computed again after every save (issue 15: the figures move its cache key) reads it from
# here. Kept under the tree's marker (``freshness.rollups_freshness().tree``) that the page
# cache's keys hold for the same reason — every change of the tree moves it — and the
# catalogue's data sets and elements; a changed tree or catalogue asks anew.
EXPECTED_ENTRIES = 64
_expected: OrderedDict[tuple[Any, ...], dict[int, Expected]] = OrderedDict()
_expected_lock = threading.Lock()


def expected_reporters(
    units: Sequence[OrgUnit], catalogue: Catalogue, *, tree: str | None = None
) -> dict[int, Expected]:
    """``{unit id: {kind of period: {element code: current units in its subtree (itself
    included) that must report the element in that kind of period}}}``. One query per distinct
    depth among ``units``, with one conditional count per data set — none when ``tree`` (the
    tree marker read for this request) is given and this process has answered for the same
    tree, catalogue and units. The answer is shared: read it, never change it."""
    if tree is None:
        return _expected_reporters(units, catalogue)
    key = (
        tree,
        tuple(
            (ds.pk, ds.unit_kind, tuple(ds.school_levels), tuple(ds.period_kinds))
            for ds in catalogue.data_sets
        ),
        tuple(sorted((pk, tuple(sorted(codes))) for pk, codes in catalogue.elements.items())),
        tuple((u.pk, u.path) for u in units),
    )
    with _expected_lock:
        found = _expected.get(key)
        if found is not None:
            _expected.move_to_end(key)
            return found
    result = _expected_reporters(units, catalogue)
    with _expected_lock:
        _expected[key] = result
        while len(_expected) > EXPECTED_ENTRIES:
            _expected.popitem(last=False)
    return result


def forget_expected() -> None:
    """Empty this process's answers (tests and benches that empty every cache)."""
    with _expected_lock:
        _expected.clear()


def _expected_reporters(units: Sequence[OrgUnit], catalogue: Catalogue) -> dict[int, Expected]:
    result: dict[int, Expected] = {u.pk: {} for u in units}
    if not catalogue.data_sets or not units:
        return result
    by_length: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for unit in units:
        by_length[len(unit.path)][unit.path].append(unit.pk)
    counts = {f"ds{ds.pk}": Count("pk", filter=_reporting_q(ds)) for ds in catalogue.data_sets}
    # Each data set's count adds to every (kind of period, element code) it collects.
    sums = [
        (
            f"ds{ds.pk}",
            [
                (kind, code)
                for kind in ds.period_kinds
                for code in catalogue.elements.get(ds.pk, ())
            ],
        )
        for ds in catalogue.data_sets
    ]
    for length, paths in by_length.items():
        rows = (
            OrgUnit.objects.filter(valid_to__isnull=True)
            .annotate(prefix=Substr("path", 1, length))
            .filter(prefix__in=list(paths))
            .values("prefix")
            .annotate(**counts)
            .order_by()
        )
        for row in cast(Iterable[dict[str, Any]], rows):
            per_kind: dict[str, dict[str, int]] = {}
            for column, pairs in sums:
                n = row[column]
                for kind, code in pairs:
                    codes = per_kind.setdefault(kind, {})
                    codes[code] = codes.get(code, 0) + n
            for pk in paths[row["prefix"]]:
                result[pk] = {kind: dict(codes) for kind, codes in per_kind.items()}
    return result


def _outside(period: Period, kinds: set[str]) -> Coverage:
    """A period that does not collect the figure: due in a later period of the year, or not
    reported in this kind of period at all."""
    here = KIND_ORDER[Period.Kind(period.kind)]
    later = [k for k in kinds if KIND_ORDER[Period.Kind(k)] > here]
    if later:
        first = Period.Kind(min(later, key=lambda k: KIND_ORDER[Period.Kind(k)]))
        return Coverage("not_due", label=f"chưa đến kỳ ({first.label.lower()})")
    return Coverage(
        "not_collected", label=f"không báo cáo vào kỳ {period.get_kind_display().lower()}"
    )


def status_of(
    indicator: Indicator,
    *,
    unit: OrgUnit,
    period: Period,
    kinds: set[str],
    expected: Expected,
    reported: dict[str, int],
    day: dt.date,
) -> Coverage:
    """Where ``indicator``'s figure at ``unit`` for ``period`` stands. ``kinds``: the kinds of
    period collecting it (:func:`collected_kinds`); ``expected``: the units that must report
    each element, per kind of period (:func:`expected_reporters`); ``reported``: per element,
    the units that did (the roll-ups' counts)."""
    codes = _codes_of(indicator.numerator, indicator.denominator)
    if unit.valid_to is not None:  # a dissolved unit: its figures are history, nobody is due
        got = max((reported.get(code, 0) for code in codes), default=0)
        return Coverage("ok", got, got) if got else Coverage("none", label="không có số liệu")
    if not _anyone_reports(expected, kinds, codes):
        return NOBODY  # not a figure this unit's subtree reports, in any period
    if period.kind not in kinds:
        return _outside(period, kinds)
    here = expected.get(period.kind, {})
    due = [(reported.get(code, 0), here[code]) for code in codes if here.get(code)]
    return _covered(due, period, day) if due else NOBODY


def _anyone_reports(expected: Expected, kinds: set[str], codes: tuple[str, ...]) -> bool:
    """Whether some unit must report one of ``codes`` in one of ``kinds`` (a plain loop: asked
    for every unit and indicator of a page)."""
    for kind in kinds:
        here = expected.get(kind)
        if here:
            for code in codes:
                if here.get(code):
                    return True
    return False


NOBODY = Coverage("none", label="không có đơn vị báo cáo")


def _covered(due: list[tuple[int, int]], period: Period, day: dt.date) -> Coverage:
    """Complete, not yet due, or partial: ``due`` holds (reported, expected) per element."""
    got, of = min(due, key=lambda pair: (pair[0] / pair[1], -pair[1]))
    if all(n >= total for n, total in due):
        return Coverage("ok", got, of)
    if got == 0 and day < period.as_of:
        return Coverage(
            "not_due", 0, of, label=f"chưa đến kỳ (số liệu tính đến {format_date(period.as_of)})"
        )
    return Coverage("partial", got, of, label=f"chưa đủ số liệu ({got}/{of} đơn vị)")
