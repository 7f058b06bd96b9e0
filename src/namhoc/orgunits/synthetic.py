"""The synthetic school network for demonstration (every school ``is_synthetic``): sized per
province by the communes each 2025 commune absorbed, deterministic by seed, placed in both eras.
Inserted in bulk; a province that already has synthetic schools is skipped (idempotent).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import F

from namhoc.core.text import fold
from namhoc.orgunits.bulk import (
    BATCH,
    PathAllocator,
    Progress,
    create_units,
    quiet,
    short_name,
)
from namhoc.orgunits.models import REFORM_DATE, OrgUnit, OrgUnitPlacement, OrgUnitSuccession
from namhoc.orgunits.tree import depth_of

__all__ = ["SchoolSummary", "generate_schools"]

# National totals at scale 1 (≈ 50,000; Ministry 2024-2025: 53,979 institutions of all kinds),
# spread over communes in proportion to the pre-2025 communes each 2025 commune took over
# (10,040 nationally: a former commune ~ one preschool, one primary, one THCS).
LEGACY_COMMUNES_NATIONAL = 10_040
COMMUNE_LEVEL_TOTALS: dict[str, int] = {
    OrgUnit.SchoolLevel.PRESCHOOL: 17_000,
    OrgUnit.SchoolLevel.PRIMARY: 15_300,
    OrgUnit.SchoolLevel.LOWER_SECONDARY: 10_800,
    OrgUnit.SchoolLevel.MULTI_LEVEL: 3_300,
}
UPPER_SECONDARY_TOTAL = 2_600  # under the province (Sở GDĐT)
PRIVATE_SHARE: dict[str, float] = {
    OrgUnit.SchoolLevel.PRESCHOOL: 0.22,
    OrgUnit.SchoolLevel.PRIMARY: 0.03,
    OrgUnit.SchoolLevel.LOWER_SECONDARY: 0.02,
    OrgUnit.SchoolLevel.MULTI_LEVEL: 0.45,
    OrgUnit.SchoolLevel.UPPER_SECONDARY: 0.12,
    OrgUnit.SchoolLevel.CONTINUING: 0.0,
}
PUBLIC_PREFIX: dict[str, str] = {
    OrgUnit.SchoolLevel.PRESCHOOL: "Trường Mầm non",
    OrgUnit.SchoolLevel.PRIMARY: "Trường Tiểu học",
    OrgUnit.SchoolLevel.LOWER_SECONDARY: "Trường THCS",
    OrgUnit.SchoolLevel.MULTI_LEVEL: "Trường Tiểu học và THCS",
    OrgUnit.SchoolLevel.UPPER_SECONDARY: "Trường THPT",
    OrgUnit.SchoolLevel.CONTINUING: "Trung tâm GDNN-GDTX",
}
PRIVATE_PREFIX: dict[str, str] = {
    OrgUnit.SchoolLevel.PRESCHOOL: "Trường Mầm non tư thục",
    OrgUnit.SchoolLevel.PRIMARY: "Trường Tiểu học tư thục",
    OrgUnit.SchoolLevel.LOWER_SECONDARY: "Trường THCS tư thục",
    OrgUnit.SchoolLevel.MULTI_LEVEL: "Trường Liên cấp",
    OrgUnit.SchoolLevel.UPPER_SECONDARY: "Trường THPT tư thục",
}
BRANDS = (
    "Hoa Sen",
    "Sao Mai",
    "Ánh Dương",
    "Họa Mi",
    "Bình Minh",
    "Tuổi Thơ",
    "Hướng Dương",
    "Trí Tuệ",
    "Ngôi Sao",
    "Đức Trí",
    "Hồng Đức",
    "Việt Anh",
    "Thành Công",
    "Tương Lai",
)


@dataclass
class SchoolSummary:
    created: dict[str, int] = field(default_factory=dict)  # school level -> n
    provinces_done: int = 0
    provinces_skipped: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _draw(rng: random.Random, expected: float) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


@dataclass
class _Plan:
    level: str
    ownership: str
    name: str
    parent: OrgUnit
    legacy_parent_path: str | None
    legacy_parent_id: int | None


def generate_schools(
    *,
    seed: int,
    scale: float,
    provinces: Collection[str] | None = None,
    progress: Progress = quiet,
) -> SchoolSummary:
    summary = SchoolSummary()
    province_qs = OrgUnit.objects.filter(
        kind=OrgUnit.Kind.PROVINCE, valid_to__isnull=True
    ).order_by("code", "key")
    if provinces:
        province_qs = province_qs.filter(code__in=list(provinces))
    province_list = list(province_qs)
    if not province_list:
        return summary
    done = set(
        OrgUnit.objects.filter(
            kind=OrgUnit.Kind.SCHOOL, is_synthetic=True, parent__in=province_list
        )
        .values_list("parent_id", flat=True)
        .distinct()
    ) | set(
        OrgUnit.objects.filter(
            kind=OrgUnit.Kind.SCHOOL, is_synthetic=True, parent__parent__in=province_list
        )
        .values_list("parent__parent_id", flat=True)
        .distinct()
    )
    communes_by_province: dict[int, list[OrgUnit]] = defaultdict(list)
    for commune in OrgUnit.objects.filter(
        kind=OrgUnit.Kind.COMMUNE, valid_to__isnull=True, parent__in=province_list
    ).order_by("code", "key"):
        communes_by_province[commune.parent_id].append(commune)  # type: ignore[index]
    # Pre-2025 predecessors of each 2025 commune, with the share of a divided one.
    preds: dict[int, list[tuple[int, str, float]]] = defaultdict(list)
    parts: dict[int, int] = defaultdict(int)
    link_rows = list(
        OrgUnitSuccession.objects.filter(
            successor__kind=OrgUnit.Kind.COMMUNE,
            successor__parent__in=province_list,
            successor__valid_to__isnull=True,
        )
        .exclude(predecessor_id=F("successor_id"))
        .values_list("successor_id", "predecessor_id", "predecessor__path")
        .order_by("successor_id", "predecessor__path")
    )
    for _successor, predecessor, _path in link_rows:
        parts[predecessor] += 1
    for successor, predecessor, path in link_rows:
        preds[successor].append((predecessor, path, 1.0 / parts[predecessor]))
    legacy_provinces = {
        unit.path: unit
        for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.PROVINCE, valid_to__isnull=False).only(
            "pk", "path"
        )
    }
    dissolved_districts: dict[int, list[OrgUnit]] = defaultdict(list)
    for link in (
        OrgUnitSuccession.objects.filter(
            predecessor__kind=OrgUnit.Kind.DISTRICT, successor__in=province_list
        )
        .select_related("predecessor")
        .order_by("predecessor__code")
    ):
        dissolved_districts[link.successor_id].append(link.predecessor)

    allocator = PathAllocator.from_db()
    for province in province_list:
        if province.pk in done:
            summary.provinces_skipped.append(province.key)
            continue
        rng = random.Random(f"{seed}-{province.code}")  # noqa: S311 - synthetic data, by seed
        plans = _plan_province(
            rng,
            province=province,
            communes=communes_by_province.get(province.pk, []),
            preds=preds,
            legacy_provinces=legacy_provinces,
            districts=dissolved_districts.get(province.pk, []),
            scale=scale,
        )
        _insert_schools(plans, province=province, allocator=allocator, summary=summary)
        summary.provinces_done += 1
        progress(f"  {province.name}: {len(plans)} trường")
    return summary


def _plan_province(
    rng: random.Random,
    *,
    province: OrgUnit,
    communes: list[OrgUnit],
    preds: dict[int, list[tuple[int, str, float]]],
    legacy_provinces: dict[str, OrgUnit],
    districts: list[OrgUnit],
    scale: float,
) -> list[_Plan]:
    plans: list[_Plan] = []
    used: set[str] = set()

    def unique(name: str) -> str:
        candidate, number = name, 1
        while candidate in used:
            number += 1
            candidate = f"{name} số {number}"
        used.add(candidate)
        return candidate

    def name_for(level: str, ownership: str, place: str) -> str:
        if ownership == OrgUnit.Ownership.PRIVATE:
            return unique(f"{PRIVATE_PREFIX[level]} {rng.choice(BRANDS)} {place}")
        return unique(f"{PUBLIC_PREFIX[level]} {place}")

    def ownership_for(level: str) -> str:
        private = rng.random() < PRIVATE_SHARE[level]
        return OrgUnit.Ownership.PRIVATE if private else OrgUnit.Ownership.PUBLIC

    weights: list[float] = []
    for commune in communes:
        commune_preds = preds.get(commune.pk, [])
        weight = sum(share for _, _, share in commune_preds) or 1.0
        weights.append(weight)
        place = short_name(commune.name, commune.unit_type)
        for level, total in COMMUNE_LEVEL_TOTALS.items():
            expected = total * weight / LEGACY_COMMUNES_NATIONAL * scale
            for _ in range(_draw(rng, expected)):
                legacy = (
                    rng.choices(commune_preds, weights=[s for _, _, s in commune_preds])[0]
                    if commune_preds
                    else None
                )
                ownership = ownership_for(level)
                plans.append(
                    _Plan(
                        level,
                        ownership,
                        name_for(level, ownership, place),
                        commune,
                        legacy[1] if legacy else None,
                        legacy[0] if legacy else None,
                    )
                )
    if communes:
        expected = UPPER_SECONDARY_TOTAL * sum(weights) / LEGACY_COMMUNES_NATIONAL * scale
        for _ in range(_draw(rng, expected)):
            index = rng.choices(range(len(communes)), weights=weights)[0]
            host = communes[index]
            host_preds = preds.get(host.pk, [])
            legacy_province = legacy_provinces.get(host_preds[0][1][:8]) if host_preds else None
            ownership = ownership_for(OrgUnit.SchoolLevel.UPPER_SECONDARY)
            plans.append(
                _Plan(
                    OrgUnit.SchoolLevel.UPPER_SECONDARY,
                    ownership,
                    name_for(
                        OrgUnit.SchoolLevel.UPPER_SECONDARY,
                        ownership,
                        short_name(host.name, host.unit_type),
                    ),
                    province,
                    legacy_province.path if legacy_province else None,
                    legacy_province.pk if legacy_province else None,
                )
            )
    for district in districts:  # one continuing-education centre per former district
        if _draw(rng, scale) == 0:
            continue
        legacy_province = legacy_provinces.get(district.path[:8])
        plans.append(
            _Plan(
                OrgUnit.SchoolLevel.CONTINUING,
                OrgUnit.Ownership.PUBLIC,
                unique(f"Trung tâm GDNN-GDTX {short_name(district.name, district.unit_type)}"),
                province,
                legacy_province.path if legacy_province else None,
                legacy_province.pk if legacy_province else None,
            )
        )
    return plans


def _insert_schools(
    plans: list[_Plan], *, province: OrgUnit, allocator: PathAllocator, summary: SchoolSummary
) -> None:
    units: list[OrgUnit] = []
    for number, plan in enumerate(plans, start=1):
        path = allocator.next(plan.parent.path)
        units.append(
            OrgUnit(
                key=f"s-{province.code}-{number:05d}",
                kind=OrgUnit.Kind.SCHOOL,
                name=plan.name,
                name_folded=fold(plan.name),
                unit_type="Trung tâm" if plan.level == OrgUnit.SchoolLevel.CONTINUING else "Trường",
                parent_id=plan.parent.pk,
                path=path,
                depth=depth_of(path),
                school_level=plan.level,
                ownership=plan.ownership,
                is_synthetic=True,
            )
        )
        summary.created[plan.level] = summary.created.get(plan.level, 0) + 1
    create_units(units)
    placements: list[OrgUnitPlacement] = []
    for unit, plan in zip(units, plans, strict=True):
        if plan.legacy_parent_path is None:
            placements.append(
                OrgUnitPlacement(
                    unit_id=unit.pk, parent_id=unit.parent_id, path=unit.path, depth=unit.depth
                )
            )
            continue
        legacy_path = allocator.next(plan.legacy_parent_path)
        placements.append(
            OrgUnitPlacement(
                unit_id=unit.pk,
                parent_id=plan.legacy_parent_id,
                path=legacy_path,
                depth=depth_of(legacy_path),
                valid_to=REFORM_DATE,
            )
        )
        placements.append(
            OrgUnitPlacement(
                unit_id=unit.pk,
                parent_id=unit.parent_id,
                path=unit.path,
                depth=unit.depth,
                valid_from=REFORM_DATE,
            )
        )
    OrgUnitPlacement.objects.bulk_create(placements, batch_size=BATCH)
