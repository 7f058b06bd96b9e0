"""Demo figures: the catalogue, three school years of periods, plausible synthetic values for the
demo's synthetic schools (and population figures for their communes), roll-ups and a few targets.

Idempotent: a second call loads the catalogue again and leaves existing figures alone. Values go
in by bulk insert and the roll-ups are rebuilt once (``rollups_rebuild``), so a national demo
takes seconds, not an hour of single writes. Only units under synthetic schools get figures.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from namhoc.accounts.models import User
from namhoc.core.models_events import Event
from namhoc.indicators.catalogue import catalogue_load, periods_ensure
from namhoc.indicators.models import (
    ApprovalEvent,
    DataElement,
    DataSet,
    DataValue,
    Indicator,
    Period,
    Target,
)
from namhoc.indicators.selectors import approval_blocker
from namhoc.indicators.services import approval_approve, rollups_rebuild
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import subtree_q
from namhoc.tracking.selectors import current_school_year

__all__ = ["demo_years", "load_demo_approvals", "load_demo_indicators"]


def demo_years(day: dt.date | None = None) -> tuple[str, str, str]:
    """The current school year (of ``day``, today by default) and the two before it."""
    current = int(current_school_year(day).split("-")[0])
    return tuple(f"{y}-{y + 1}" for y in (current - 2, current - 1, current))  # type: ignore[return-value]


_SEED = 2025


def _share(rng: random.Random, total: int, low: float, high: float) -> int:
    return round(total * rng.uniform(low, high))


def _school_figures(level: str, rng: random.Random, progress: float) -> dict[str, int]:
    """Start-of-year figures of one school; ``progress`` (0..1) lifts standards over the years."""
    figures: dict[str, int] = {}
    levels = (
        ["TH", "THCS"]
        if level == "lien_cap"
        else {"mam_non": ["MN"], "tieu_hoc": ["TH"], "thcs": ["THCS"], "thpt": ["THPT"]}.get(
            level, []
        )
    )
    for lv in levels:
        classes, size, teachers = {
            "MN": (rng.randint(5, 15), (20, 28), 2.0),
            "TH": (rng.randint(10, 30), (25, 35), 1.4),
            "THCS": (rng.randint(8, 24), (35, 42), 1.9),
            "THPT": (rng.randint(15, 40), (38, 45), 2.2),
        }[lv]
        pupils = classes * rng.randint(*size)
        figures[f"{lv}_LOP"] = classes
        figures[f"{lv}_HS"] = pupils
        figures[f"{lv}_HS_NU"] = _share(rng, pupils, 0.46, 0.50)
        if lv != "THPT":
            figures[f"{lv}_HS_DTTS"] = _share(rng, pupils, 0.0, 0.35)
        figures[f"{lv}_GV"] = max(1, round(classes * teachers * rng.uniform(0.9, 1.1)))
        figures[f"{lv}_GV_CHUAN"] = _share(rng, figures[f"{lv}_GV"], 0.80 + 0.1 * progress, 1.0)
        figures[f"{lv}_PHONG"] = classes
        figures[f"{lv}_PHONG_KC"] = _share(rng, classes, 0.65 + 0.1 * progress, 1.0)
        figures[f"{lv}_CHUAN_QG"] = int(rng.random() < 0.45 + 0.15 * progress)
    if "MN" in levels:
        figures["MN_TRE_5T"] = _share(rng, figures["MN_HS"], 0.28, 0.36)
        figures["MN_BAN_TRU"] = _share(rng, figures["MN_HS"], 0.85, 1.0)
    if "TH" in levels:
        figures["TH_HS_DUNG_TUOI"] = _share(rng, figures["TH_HS"], 0.97, 1.0)
        figures["TH_HS_2BUOI"] = _share(rng, figures["TH_HS"], 0.80 + 0.1 * progress, 1.0)
        figures["TH_HS_KT"] = _share(rng, figures["TH_HS"], 0.0, 0.01)
    if "THCS" in levels:
        figures["THCS_HS_DUNG_TUOI"] = _share(rng, figures["THCS_HS"], 0.90, 0.98)
        figures["THCS_HS_L9"] = _share(rng, figures["THCS_HS"], 0.22, 0.26)
    return figures


def _end_figures(start: dict[str, int], rng: random.Random) -> dict[str, int]:
    figures: dict[str, int] = {}
    if "TH_HS" in start:
        figures["TH_HS"] = start["TH_HS"]
        figures["TH_HS_HTCT"] = _share(rng, start["TH_HS"], 0.97, 1.0)
    if "THCS_HS" in start:
        figures["THCS_HS"] = start["THCS_HS"]
        figures["THCS_HS_L9"] = start["THCS_HS_L9"]
        figures["THCS_TOT_NGHIEP"] = _share(rng, start["THCS_HS_L9"], 0.96, 1.0)
        figures["THCS_BO_HOC"] = _share(rng, start["THCS_HS"], 0.0, 0.012)
    if "THPT_HS" in start:
        figures["THPT_HS"] = start["THPT_HS"]
        figures["THPT_BO_HOC"] = _share(rng, start["THPT_HS"], 0.0, 0.02)
    return figures


def load_demo_indicators(*, verbose: bool, province_keys: Sequence[str] | None = None) -> None:
    """Load the catalogue, periods and (once) synthetic figures, roll-ups and targets.

    ``province_keys`` limits the figures to the schools of those provinces (all by default):
    a national demo writes ~2 million values, a handful of provinces a fraction of that.
    """
    summary = catalogue_load()
    years = demo_years()
    periods: dict[tuple[str, str], Period] = {}
    for year in years:
        for period in periods_ensure(year):
            periods[(year, period.kind)] = period
    if verbose:
        print(
            f"Số liệu: danh mục {summary.indicators} chỉ tiêu, {summary.elements} chỉ số dữ liệu."
        )
    synthetic = OrgUnit.objects.filter(
        kind=OrgUnit.Kind.SCHOOL, is_synthetic=True, valid_to__isnull=True
    )
    if province_keys is not None:
        within = Q(pk__in=[])
        for path in OrgUnit.objects.filter(key__in=province_keys).values_list("path", flat=True):
            within |= subtree_q(path)
        synthetic = synthetic.filter(within)
    schools = list(synthetic.order_by("path").values_list("pk", "parent_id", "school_level"))
    if not schools:
        if verbose:
            print("Số liệu: chưa có trường mô phỏng, bỏ qua số liệu mẫu.")
        return
    if DataValue.objects.filter(unit_id=schools[0][0]).exists():
        if verbose:
            print("Số liệu: số liệu mẫu đã có, giữ nguyên.")
        return
    rows = _demo_values(schools, periods, years)
    with transaction.atomic():
        DataValue.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
        aggregates = rollups_rebuild(force=True).rows
        _demo_targets(random.Random(_SEED), years[-1])  # noqa: S311 - demo figures
    if verbose:
        print(
            f"Số liệu: {len(rows):,} số liệu mẫu, {aggregates:,} dòng tổng hợp.".replace(",", ".")
        )


def _demo_values(
    schools: Sequence[tuple[int, int | None, str]],
    periods: dict[tuple[str, str], Period],
    years: Sequence[str],
) -> list[DataValue]:
    """Figures of every school for each period whose reference date has passed (start of year,
    semester I — the start-of-year form again —, end of year), population of their communes."""
    today = timezone.localdate()
    codes = dict(DataElement.objects.values_list("code", "pk"))
    rng = random.Random(_SEED)  # noqa: S311 - plausible numbers, not secrets
    rows: list[DataValue] = []
    population: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n, year in enumerate(years):
        progress = n / max(len(years) - 1, 1)
        start, end = periods[(year, Period.Kind.START)], periods[(year, Period.Kind.END)]
        semester = periods[(year, Period.Kind.SEMESTER_1)]
        if start.as_of > today:  # this year's first report is not due yet
            continue
        for unit_id, commune_id, level in schools:
            figures = _school_figures(level, rng, progress)
            rows.extend(
                DataValue(unit_id=unit_id, element_id=codes[c], period=start, value=Decimal(v))
                for c, v in figures.items()
            )
            if semester.as_of <= today:
                rows.extend(
                    DataValue(
                        unit_id=unit_id, element_id=codes[c], period=semester, value=Decimal(v)
                    )
                    for c, v in figures.items()
                )
            if end.as_of <= today:
                rows.extend(
                    DataValue(unit_id=unit_id, element_id=codes[c], period=end, value=Decimal(v))
                    for c, v in _end_figures(figures, rng).items()
                )
            if commune_id is not None:
                bucket = population[(commune_id, year)]
                bucket["DS_5T"] += round(figures.get("MN_TRE_5T", 0) / rng.uniform(0.96, 1.0))
                bucket["DS_6_10"] += round(
                    figures.get("TH_HS_DUNG_TUOI", 0) / rng.uniform(0.97, 1.0)
                )
                bucket["DS_11_14"] += round(
                    figures.get("THCS_HS_DUNG_TUOI", 0) / rng.uniform(0.88, 0.98)
                )
    communes = set(
        OrgUnit.objects.filter(
            pk__in={key[0] for key in population}, kind=OrgUnit.Kind.COMMUNE
        ).values_list("pk", flat=True)
    )
    for (commune_id, year), figures in population.items():
        if commune_id in communes:
            rows.extend(
                DataValue(
                    unit_id=commune_id,
                    element_id=codes[c],
                    period=periods[(year, Period.Kind.START)],
                    value=Decimal(v),
                )
                for c, v in figures.items()
            )
    return rows


def _demo_targets(rng: random.Random, year: str) -> None:
    """Province targets for the current year (as a Sở's plan sets them); communes inherit."""
    wanted = {
        "TL_CHUAN_QG": Decimal(60),
        "MN_TL_HUY_DONG_5T": Decimal(100),
        "TH_TL_GV_CHUAN": Decimal(100),
        "THCS_TL_GV_CHUAN": Decimal(98),
        "TH_TL_2BUOI": Decimal(95),
        "THCS_TL_BO_HOC": Decimal("0.5"),
        "THCS_TL_TOT_NGHIEP": Decimal(99),
    }
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=list(wanted))}
    provinces = OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE, valid_to__isnull=True).filter(
        pk__in=OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMUNE).values("parent_id")
    )
    Target.objects.bulk_create(
        [
            Target(
                indicator=indicators[code],
                unit=province,
                school_year=year,
                value=value + (Decimal(rng.randint(0, 10)) if code == "TL_CHUAN_QG" else 0),
                source="Kế hoạch năm học (dữ liệu mô phỏng)",
            )
            for province in provinces
            for code, value in wanted.items()
            if code in indicators
        ],
        ignore_conflicts=True,
    )


def load_demo_approvals(*, actor: User, province_key: str) -> int:
    """The communes of the demo province approve the figures of every period already due, where
    their schools' figures are complete, so that the public pages (``/cong-khai/``, filled only
    from approved figures) and the approval history have something to show.

    Through the approval use case (audited, as an approver would). Idempotent, and it never
    undoes a person's decision: a unit, data set and period with any approval event — approved,
    or approved and then revoked by someone — is left alone. Returns how many it approved.
    """
    province = OrgUnit.objects.filter(key=province_key).first()
    if province is None:
        return 0
    today = timezone.localdate()
    years = demo_years(today)[1:]  # last school year and this one: enough to show, quick to load
    periods = list(Period.objects.filter(due__lt=today, school_year__in=years).order_by("start"))
    data_sets = list(DataSet.objects.exclude(unit_kind=OrgUnit.Kind.COMMUNE).order_by("code"))
    communes = list(
        OrgUnit.objects.filter(
            parent=province, kind=OrgUnit.Kind.COMMUNE, valid_to__isnull=True
        ).order_by("path")
    )
    decided = set(
        ApprovalEvent.objects.filter(unit__in=communes).values_list(
            "unit_id", "data_set_id", "period_id"
        )
    )
    # The demo's approvals are history, not news: nobody is told of them (a first sign-in
    # would otherwise open on a thousand "your turn to approve" notices). One transaction, and
    # their events marked processed inside it: the relay woken by the commit finds none.
    approved = 0
    with transaction.atomic():
        last_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for commune in communes:
            for data_set in data_sets:
                for period in periods:
                    if not data_set.collected_in(period):
                        continue
                    if (commune.pk, data_set.pk, period.pk) in decided:
                        continue
                    if approval_blocker(commune, data_set, period):
                        continue  # nothing to approve there, or figures missing
                    approval_approve(
                        actor=actor,
                        unit_key=commune.key,
                        period_code=period.code,
                        data_set_code=data_set.code,
                    )
                    approved += 1
        Event.objects.filter(
            pk__gt=last_event, kind="figures.approved", processed_at__isnull=True
        ).update(processed_at=timezone.now())
    return approved
