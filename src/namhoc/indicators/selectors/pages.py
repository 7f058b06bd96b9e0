"""What each figures page (and its API endpoint) shows, for one viewer (ADR 0007).

Every function takes the viewer first and the raw request values (unit key, period code, …),
loads the unit through the access layer — out of scope answers NotFound, as if it did not
exist — and returns a small dataclass: the figures the viewer may see and the ``can_*`` answers
of ``indicators.access`` that decide which buttons show (with the refusal's sentence where a
button says what blocks it). The page and the API read through the same function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q

from namhoc.accounts.access import access_unit, visible_paths, visible_units
from namhoc.accounts.selectors import home_unit
from namhoc.core.clock import today as clock_today
from namhoc.core.collation import collate_vi, vi_sort_key
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.parsing import parse_decimal, parse_school_year
from namhoc.core.text import fold
from namhoc.core.types import Actor
from namhoc.indicators import dashboards, pagecache, snapshot
from namhoc.indicators.access import (
    Scope,
    access_figures,
    access_indicator,
    approve_refusal,
    can_allocate,
    can_import,
    can_revoke,
    can_set_target,
    enter_refusal,
    period_by_code,
)
from namhoc.indicators.coverage import Catalogue
from namhoc.indicators.dashboards import Cell, Dashboard, Row, Scorecard, ScoreGroup
from namhoc.indicators.formulas import parse
from namhoc.indicators.freshness import rollups_freshness, rollups_rebuild_request
from namhoc.indicators.models import (
    Approval,
    ApprovalEvent,
    DataSet,
    DataSetElement,
    Indicator,
    Period,
    Target,
    ValidationRule,
)
from namhoc.indicators.selectors.figures import (
    EntryForm,
    StatusRow,
    approval_blocker,
    approval_history,
    approval_of,
    approved_above,
    current_period,
    element_names,
    entry_form,
    formula_text,
    lock_of,
    periods,
    rule_text,
    status_rows,
    targets_of,
    unit_totals,
)
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.selectors import top_units
from namhoc.orgunits.tree import ancestor_paths, subtree_q

__all__ = [
    "DashboardPage",
    "EntryPage",
    "IndexPage",
    "ScorecardPage",
    "TablePage",
    "TargetsPage",
    "catalogue",
    "choose_period",
    "crumbs",
    "dashboard_page",
    "default_period",
    "entry_page",
    "figures_read",
    "index_page",
    "indicator_table",
    "parse_weights",
    "scorecard_page",
    "targets_page",
]

SEARCH_MAX = 100  # characters of a name search


# --- shared pieces --------------------------------------------------------------------------


def default_period(all_periods: list[Period] | None = None) -> Period:
    """The period a page or endpoint opens on when none is asked for — the one rule for both
    (``access.period_by_code`` with a blank code): the latest whose figures' reference date has
    passed (``current_period``)."""
    if all_periods is None:
        return period_by_code("")
    period = current_period(all_periods)
    if period is None:
        raise NotFound("Chưa có kỳ báo cáo nào; quản trị cần tạo kỳ báo cáo.")
    return period


def choose_period(code: object, all_periods: list[Period] | None = None) -> Period:
    """The period ``code`` names (NotFound if none does), or the default for a blank code."""
    if all_periods is None or code is None or code == "":
        return period_by_code(code) if all_periods is None else default_period(all_periods)
    found = next((p for p in all_periods if p.code == code), None)
    if found is None:
        raise NotFound("Không có kỳ báo cáo này.")
    return found


def _unit(viewer: Actor | None, unit_key: object) -> OrgUnit:
    """The unit by key if the viewer sees it; a blank key is the viewer's home unit."""
    if unit_key is None or unit_key == "":
        home = home_unit(viewer)
        if home is None:
            raise DomainError(
                "no_unit", "Tài khoản chưa thuộc đơn vị nào; hãy chọn đơn vị cần xem.", field="unit"
            )
        return home
    if not isinstance(unit_key, str) or len(unit_key) > 40:
        raise NotFound()
    return access_unit(viewer, unit_key)


def crumbs(viewer: Actor | None, unit: OrgUnit) -> list[OrgUnit]:
    """The units above ``unit`` that ``viewer`` may open, top first: a breadcrumb never leads to
    a page that would answer 404."""
    paths = visible_paths(viewer, ancestor_paths(unit.path))
    if not paths:  # a school principal sees nothing above the school: no query
        return []
    return list(OrgUnit.objects.filter(path__in=paths).order_by("path"))


Direction = Literal["asc", "desc"]


@dataclass(frozen=True)
class Listing:
    """How a table of units is sorted and filtered (from the query string, never trusted)."""

    sort: str
    direction: Direction
    kind: str  # group key (``dashboards.group_of``); "" for every kind
    search: str


def _listing(
    sort: object, direction: object, kind: object, search: object, *, sorts: Sequence[str]
) -> Listing:
    chosen = sort if isinstance(sort, str) and sort in sorts else sorts[0]
    way: Direction = "desc" if direction == "desc" else "asc"
    text = search[:SEARCH_MAX] if isinstance(search, str) else ""
    return Listing(
        sort=chosen,
        direction=way,
        kind=kind[:40] if isinstance(kind, str) else "",
        search=" ".join(text.split()),
    )


def _arrange(
    rows: list[Any],
    listing: Listing,
    *,
    unit_of: Callable[[Any], OrgUnit],
    keys: dict[str, Callable[[Any], Any]],
) -> list[Any]:
    """Rows filtered by kind and name (without diacritics: "tu ky" finds "Tứ Kỳ") and sorted
    by the chosen column; rows without a figure in that column always come last."""
    if listing.kind:
        rows = [r for r in rows if dashboards.group_of(unit_of(r))[0] == listing.kind]
    if listing.search:
        wanted = fold(listing.search)
        rows = [r for r in rows if wanted in fold(unit_of(r).name)]
    key = keys[listing.sort]
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    present.sort(key=lambda r: vi_sort_key(unit_of(r).name))
    present.sort(key=key, reverse=listing.direction == "desc")
    missing.sort(key=lambda r: vi_sort_key(unit_of(r).name))
    return present + missing


def _groups(units: Sequence[OrgUnit]) -> list[tuple[str, str, int]]:
    """The kinds among ``units`` for the filter: ``(key, label, how many)``."""
    found: dict[str, tuple[str, int]] = {}
    for unit in units:
        key, label = dashboards.group_of(unit)
        found[key] = (label, found.get(key, (label, 0))[1] + 1)
    return [(key, label, n) for key, (label, n) in found.items()]


# --- the index ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexPage:
    periods: list[Period]
    period: Period | None
    cards: list[tuple[OrgUnit, list[DataSet]]]  # the tops of the viewer's scope, each form


def index_page(viewer: Actor | None, *, period_code: object = "") -> IndexPage:
    """The tops of the viewer's scope (every one: never cut) and, for each, the data sets
    reported in it for the period. One query per data set whatever the number of units."""
    all_periods = periods()
    if not all_periods:
        return IndexPage(periods=[], period=None, cards=[])
    period = choose_period(period_code, all_periods)
    tops = list(top_units(visible_units(viewer)).order_by(collate_vi("name"), "pk"))
    sets: dict[int, list[DataSet]] = {u.pk: [] for u in tops}
    if tops:
        scope = Q(pk__in=[])
        for unit in tops:
            scope |= subtree_q(unit.path)
        for data_set in DataSet.objects.order_by("code"):
            if not data_set.collected_in(period):
                continue
            query = Q(kind=data_set.unit_kind, valid_to__isnull=True)
            if data_set.school_levels:
                query &= Q(school_level__in=data_set.school_levels)
            paths = set(
                OrgUnit.objects.filter(scope, query).values_list("path", flat=True).distinct()
            )
            for unit in tops:
                if any(p.startswith(unit.path) for p in paths):
                    sets[unit.pk].append(data_set)
    return IndexPage(periods=all_periods, period=period, cards=[(u, sets[u.pk]) for u in tops])


# --- entry and approval ---------------------------------------------------------------------


class _InScope:
    """What a page of one unit, data set and period says of its ``scope``."""

    scope: Scope

    @property
    def unit(self) -> OrgUnit:
        return self.scope.unit

    @property
    def period(self) -> Period:
        return self.scope.period

    @property
    def data_set(self) -> DataSet:
        return self.scope.data_set

    @property
    def collected(self) -> bool:
        """The data set is collected in this period: only then are figures due (a count of
        the required figures entered means nothing for a period the form is not sent in)."""
        return self.data_set.collected_in(self.period)


@dataclass(frozen=True)
class EntryPage(_InScope):
    """A unit's page for a data set and period: its own form if it reports the data set, else
    the children's status, the rolled-up totals and the approval."""

    scope: Scope
    periods: list[Period]
    crumbs: list[OrgUnit]
    reports: bool
    lock: Approval | None  # the approval locking the figures (the unit's own or one above)
    form: EntryForm | None
    rules: list[str]  # the data set's rules in element names
    can_enter: bool
    enter_refusal: str  # why the figures cannot be entered ("" when they can)
    can_import: bool
    totals: list[tuple[Any, tuple[Decimal, int] | None]] = field(default_factory=list)
    rows: list[StatusRow] = field(default_factory=list)
    approval: Approval | None = None
    blocker: str = ""
    can_approve: bool = False
    approve_refusal: str = ""  # what the disabled approve button says
    may_approve: bool = False  # the viewer is an approver here (the button shows, maybe disabled)
    can_revoke: bool = False
    history: list[ApprovalEvent] = field(default_factory=list)
    rollups_stale: bool = False


def entry_page(
    viewer: Actor | None,
    *,
    unit_key: object,
    period_code: object,
    data_set_code: object,
    scope: Scope | None = None,
    catalogue: snapshot.CatalogueSnapshot | None = None,
) -> EntryPage:
    """The entry page of a unit, data set and period. ``scope`` is the one a use case of this
    request has just loaded through ``access_figures`` for the same viewer and the same request
    values (the page after a save): the unit, period and data set are not loaded again;
    ``catalogue`` the snapshot that use case read (else one query checks it here)."""
    known = catalogue or snapshot.catalogue()  # the periods, data set, members and rules
    all_periods = list(known.periods)
    if scope is None or (scope.unit.key, scope.period.code, scope.data_set.code) != (
        unit_key,
        period_code,
        data_set_code,
    ):
        scope = access_figures(
            viewer,
            unit_key=unit_key,
            period_code=period_code,
            data_set_code=data_set_code,
            catalogue=known,
        )
    unit, data_set, period = scope.unit, scope.data_set, scope.period
    lock = lock_of(unit, data_set, period)
    refusal = enter_refusal(viewer, scope, lock=lock)
    reports = data_set.applies_to(unit)
    members = known.members_of(data_set)
    rules = known.rules_of(data_set)
    names = _rule_names(rules, members)
    common: dict[str, Any] = {
        "scope": scope,
        "periods": all_periods,
        "crumbs": crumbs(viewer, unit),
        "reports": reports,
        "lock": lock,
        "rules": [rule_text(r.left, r.operator, r.right, names) for r in rules],
        "can_enter": reports and refusal is None,
        "enter_refusal": refusal.message if refusal is not None and reports else "",
        "can_import": can_import(viewer, scope, lock=lock),
        "rollups_stale": rollups_rebuild_request(),
        "history": approval_history(unit, data_set, period),
    }
    if reports:
        return EntryPage(
            form=entry_form(unit, data_set, period, lock=lock, members=members), **common
        )
    rows = status_rows(unit, data_set, period)
    approval = approval_of(unit, data_set, period)
    blocker = "" if approval else approval_blocker(unit, data_set, period, rows)
    approve = approve_refusal(viewer, scope, approval=approval, blocker=blocker)
    may_approve = approve is None or approve.code in ("not_ready", "already_approved")
    return EntryPage(
        form=None,
        totals=unit_totals(unit, period, members),
        rows=rows,
        approval=approval,
        blocker=blocker,
        can_approve=approve is None,
        approve_refusal=approve.message if approve is not None else "",
        may_approve=may_approve and approval is None,
        can_revoke=can_revoke(
            viewer, scope, approval=approval, above=approved_above(unit, data_set, period)
        ),
        **common,
    )


@dataclass(frozen=True)
class EntryFormPart(_InScope):
    """The entry form alone, as a save answers an htmx request: the figures with their
    versions, whether they may be entered, whether the data set is collected in the period
    (what ``EntryPage`` says of them)."""

    scope: Scope
    form: EntryForm
    can_enter: bool


def entry_form_part(
    viewer: Actor | None, *, scope: Scope, catalogue: snapshot.CatalogueSnapshot
) -> EntryFormPart:
    """The form of a unit that reports the data set, for the ``scope`` a use case of this request
    has just loaded through ``access_figures`` and the ``catalogue`` it read: after a save, the
    figures and the lock are read again (two queries); the rest of the page is not, as the
    form is all an htmx save swaps (issue 15: the whole page's reads were a fifth of a save)."""
    unit, data_set, period = scope.unit, scope.data_set, scope.period
    lock = lock_of(unit, data_set, period)
    refusal = enter_refusal(viewer, scope, lock=lock)
    form = entry_form(unit, data_set, period, lock=lock, members=catalogue.members_of(data_set))
    return EntryFormPart(
        scope=scope, form=form, can_enter=data_set.applies_to(unit) and refusal is None
    )


def _rule_names(rules: list[ValidationRule], members: list[DataSetElement]) -> dict[str, str]:
    """The element names the rules' texts need: the data set's own (the catalogue keeps rules
    within their data set), or every element's when a rule names another."""
    names = {m.element.code: m.element.name for m in members}
    for rule in rules:
        if not (parse(rule.left).codes | parse(rule.right).codes) <= names.keys():
            return element_names()
    return names


def figures_read(
    viewer: Actor | None, *, unit_key: object, period_code: object, data_set_code: object
) -> EntryForm:
    """A unit's figures of a data set for a period, with versions and the lock (the API)."""
    scope = access_figures(
        viewer,
        unit_key=unit_key,
        period_code=period_code,
        data_set_code=data_set_code,
    )
    lock = lock_of(scope.unit, scope.data_set, scope.period)
    return entry_form(scope.unit, scope.data_set, scope.period, lock=lock)


# --- dashboard --------------------------------------------------------------------------------

DASHBOARD_SORTS = ("ten", "gia_tri", "chi_tieu", "dat", "so_lieu")


@dataclass(frozen=True)
class DashboardPage:
    unit: OrgUnit
    period: Period
    periods: list[Period]
    crumbs: list[OrgUnit]
    board: Dashboard
    focus_row: Row | None
    children: list[tuple[OrgUnit, Cell]]  # the breakdown, filtered and sorted as asked
    kinds: list[tuple[str, str, int]]
    listing: Listing
    formulas: list[tuple[Indicator, str]]
    rollups_stale: bool


def _coverage_ratio(cell: Cell) -> float | None:
    cov = cell.coverage
    return cov.reported / cov.expected if cov.expected else None


def dashboard_page(
    viewer: Actor | None,
    *,
    unit_key: object = "",
    period_code: object = "",
    indicator_code: object = "",
    sort: object = "",
    direction: object = "",
    kind: object = "",
    search: object = "",
) -> DashboardPage:
    """Every indicator at a unit (default: the viewer's home unit) for a period (default: the
    current one), the focus indicator by child unit — filtered by kind, searched by name and
    sorted by any column — and how each indicator is computed."""
    unit = _unit(viewer, unit_key)
    all_periods = periods()
    period = choose_period(period_code, all_periods)
    indicators = dashboards.all_indicators()
    focus = None
    if indicator_code:
        focus = next((i for i in indicators if i.code == indicator_code), None)
        if focus is None:
            raise NotFound("Không có chỉ tiêu này.")
    catalogue = Catalogue.load()
    day = clock_today()
    freshness = rollups_freshness()
    cache_keys = pagecache.figures_keys(
        "dashboard",
        unit=unit,
        period=period,
        day=day,
        freshness=freshness,
        indicators=indicators,
        catalogue=catalogue,
        all_periods=all_periods,
        extra=(focus.pk if focus else None,),
    )
    board = pagecache.cached(
        cache_keys.page,
        lambda: dashboards.dashboard(
            unit,
            period,
            indicators=indicators,
            focus=focus,
            day=day,
            all_periods=all_periods,
            catalogue=catalogue,
            tree=freshness.tree,
            context=cache_keys.context,
        ),
        Dashboard,
    )
    focus_row = next(
        (r for r in board.rows if board.focus and r.indicator.pk == board.focus.pk), None
    )
    listing = _listing(sort, direction, kind, search, sorts=DASHBOARD_SORTS)
    children = _arrange(
        list(board.breakdown),
        listing,
        unit_of=lambda row: row[0],
        keys={
            "ten": lambda row: vi_sort_key(row[0].name),
            "gia_tri": lambda row: row[1].shown,
            "chi_tieu": lambda row: row[1].target,
            "dat": lambda row: row[1].attained,
            "so_lieu": lambda row: _coverage_ratio(row[1]),
        },
    )
    names = catalogue.names
    return DashboardPage(
        unit=unit,
        period=period,
        periods=all_periods,
        crumbs=crumbs(viewer, unit),
        board=board,
        focus_row=focus_row,
        children=children,
        kinds=_groups([u for u, _ in board.breakdown]),
        listing=listing,
        formulas=[(i, formula_text(i, names)) for i in indicators],
        rollups_stale=rollups_rebuild_request(freshness),
    )


@dataclass(frozen=True)
class TablePage:
    unit: OrgUnit
    period: Period
    indicators: list[Indicator]
    rows: list[tuple[OrgUnit, list[Cell]]]  # the unit, then its current children


def indicator_table(
    viewer: Actor | None, *, unit_key: object, period_code: object = ""
) -> TablePage:
    """Every indicator at a unit and at each of its current children (the national table at
    the Ministry). The unit must be in the viewer's scope: NotFound otherwise."""
    unit = _unit(viewer, unit_key)
    period = choose_period(period_code)
    indicators = dashboards.all_indicators()
    children = list(
        OrgUnit.objects.filter(parent=unit, valid_to__isnull=True).order_by(
            collate_vi("name"), "pk"
        )
    )
    units = [unit, *children]
    cells = dashboards.cells_for(indicators, units, period)
    return TablePage(
        unit=unit,
        period=period,
        indicators=indicators,
        rows=[(u, [cells[(i.pk, u.pk)] for i in indicators]) for u in units],
    )


# --- scorecard --------------------------------------------------------------------------------

SCORECARD_SORTS = ("hang", "ten", "diem", "dat", "dung_han", "so_lieu")


def parse_weights(attainment: object, on_time: object) -> dict[str, Decimal]:
    """The scorecard's weights as typed ("0,7") or sent: each from 0 to 1, not both zero; a
    blank is the default."""
    weights = {
        "attainment": parse_decimal(
            attainment,
            field="w_dat",
            label="Trọng số mức đạt chỉ tiêu",
            max_digits=3,
            places=2,
            minimum=0,
            maximum=1,
        ),
        "on_time": parse_decimal(
            on_time,
            field="w_han",
            label="Trọng số tỷ lệ nhiệm vụ đúng hạn",
            max_digits=3,
            places=2,
            minimum=0,
            maximum=1,
        ),
    }
    chosen = {
        name: dashboards.DEFAULT_WEIGHTS[name] if value is None else value
        for name, value in weights.items()
    }
    if chosen["attainment"] + chosen["on_time"] == 0:
        raise DomainError("invalid_weight", "Tổng các trọng số phải lớn hơn 0.", field="w_dat")
    return chosen


@dataclass(frozen=True)
class ScorecardPage:
    unit: OrgUnit
    period: Period
    periods: list[Period]
    crumbs: list[OrgUnit]
    card: Scorecard
    groups: list[ScoreGroup]  # filtered and sorted as asked (each group ranks on its own)
    kinds: list[tuple[str, str, int]]
    listing: Listing
    shown: list[Indicator]  # the indicators with a target at some child
    rollups_stale: bool
    shown_cells: dict[int, list[Cell]] = field(default_factory=dict)  # per child: shown columns


def scorecard_page(
    viewer: Actor | None,
    *,
    unit_key: object = "",
    period_code: object = "",
    w_attainment: object = None,
    w_on_time: object = None,
    sort: object = "",
    direction: object = "",
    kind: object = "",
    search: object = "",
) -> ScorecardPage:
    """A unit's current children ranked like with like (by kind; schools by level), with the
    weights asked for, filtered by kind, searched by name, sorted by any column."""
    unit = _unit(viewer, unit_key)
    all_periods = periods()
    period = choose_period(period_code, all_periods)
    weights = parse_weights(w_attainment, w_on_time)
    indicators = dashboards.all_indicators()
    catalogue = Catalogue.load()
    day = clock_today()
    freshness = rollups_freshness()
    cache_keys = pagecache.figures_keys(
        "scorecard",
        unit=unit,
        period=period,
        day=day,
        freshness=freshness,
        indicators=indicators,
        catalogue=catalogue,
        all_periods=all_periods,
    )
    figures = pagecache.cached(
        cache_keys.page,
        lambda: dashboards.scorecard_figures(
            unit,
            period,
            indicators=indicators,
            day=day,
            catalogue=catalogue,
            tree=freshness.tree,
            context=cache_keys.context,
        ),
        dashboards.ScorecardFigures,
    )
    card = dashboards.scorecard(
        unit, period, indicators=indicators, weights=weights, day=day, figures=figures
    )
    listing = _listing(sort, direction, kind, search, sorts=SCORECARD_SORTS)
    keys: dict[str, Callable[[Any], Any]] = {
        "hang": lambda r: r.rank or None,
        "ten": lambda r: vi_sort_key(r.unit.name),
        "diem": lambda r: r.score,
        "dat": lambda r: r.attainment,
        "dung_han": lambda r: r.on_time,
        "so_lieu": lambda r: r.counted,
    }
    groups = []
    for group in card.groups:
        rows = _arrange(list(group.rows), listing, unit_of=lambda r: r.unit, keys=keys)
        if rows:
            groups.append(ScoreGroup(key=group.key, label=group.label, rows=rows))
    targeted = {n for r in card.rows for n, cell in enumerate(r.cells) if cell.target is not None}
    columns = sorted(targeted)
    shown = [card.indicators[n] for n in columns]
    return ScorecardPage(
        unit=unit,
        period=period,
        periods=all_periods,
        crumbs=crumbs(viewer, unit),
        card=card,
        groups=groups,
        kinds=[(g.key, g.label, len(g.rows)) for g in card.groups],
        listing=listing,
        shown=shown,
        rollups_stale=rollups_rebuild_request(freshness),
        shown_cells={r.unit.pk: [r.cells[n] for n in columns] for r in card.rows},
    )


# --- targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetsPage:
    unit: OrgUnit
    period: Period
    periods: list[Period]
    crumbs: list[OrgUnit]
    school_year: str
    rows: list[tuple[Indicator, Target | None, bool]]  # indicator, own target, may set it
    focus: Indicator | None
    focus_target: Target | None
    allocation: list[tuple[OrgUnit, Decimal | None]]
    can_allocate: bool


def targets_page(
    viewer: Actor | None,
    *,
    unit_key: object,
    period_code: object = "",
    indicator_code: object = "",
    school_year: object = "",
) -> TargetsPage:
    """A unit's own targets for a school year (default: the period's), whether the viewer may
    set each, and for one indicator its allocation to the current children."""
    unit = _unit(viewer, unit_key)
    all_periods = periods()
    period = choose_period(period_code, all_periods)
    year = parse_school_year(school_year, required=False) or period.school_year
    indicators = dashboards.all_indicators()
    focus = access_indicator(indicator_code) if indicator_code else None
    own, allocation = targets_of(unit, year, focus)
    may_own = can_set_target(viewer, unit, allocated=False)
    may_allocated = can_set_target(viewer, unit, allocated=True)
    rows = []
    for indicator in indicators:
        target = own.get(indicator.pk)
        allocated = target is not None and target.allocated_from_id is not None
        rows.append((indicator, target, may_allocated if allocated else may_own))
    return TargetsPage(
        unit=unit,
        period=period,
        periods=all_periods,
        crumbs=crumbs(viewer, unit),
        school_year=year,
        rows=rows,
        focus=focus,
        focus_target=own.get(focus.pk) if focus else None,
        allocation=allocation,
        can_allocate=can_allocate(viewer, unit),
    )


def catalogue() -> list[Indicator]:
    """The indicators and their formulas (public to every signed-in person)."""
    return dashboards.all_indicators()
