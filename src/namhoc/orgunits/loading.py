"""Bulk loading: the real administrative units (both eras, the 2025 mapping) and synthetic schools.

Called by the services ``units_load_admin`` and ``schools_generate`` inside their transaction.
Paths are computed in Python and rows inserted with ``bulk_create`` in batches, level by level
(parents first, so that children know their parent's id). Loads upsert by ``key`` and never
delete: a second run with the same data changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import F

from namhoc.core.text import fold
from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitPlacement, OrgUnitSuccession
from namhoc.orgunits.sources import AdminData, LinkRecord, UnitRecord
from namhoc.orgunits.tree import child_path, depth_of, last_segment, parent_path

MINISTRY_KEY = "bo-gddt"
MINISTRY_NAME = "Bộ Giáo dục và Đào tạo"
REFORM_DATE = dt.date(2025, 7, 1)
REFORM_EVENT_PREFIX = "reform-2025:"
BATCH = 1000

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    return None


@dataclass
class LoadSummary:
    created: dict[str, int] = field(default_factory=dict)  # "province/2025" -> n
    updated: int = 0
    events_created: int = 0
    links_created: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or self.updated or self.events_created)


class PathAllocator:
    """Hands out the next free segment under a parent path (across all periods)."""

    def __init__(self, paths: Iterable[str] = ()) -> None:
        self.last: dict[str, int] = defaultdict(int)
        for path in paths:
            parent = parent_path(path)
            self.last[parent] = max(self.last[parent], last_segment(path))

    @classmethod
    def from_db(cls) -> PathAllocator:
        return cls(
            OrgUnitPlacement.objects.values_list("path", flat=True).iterator(chunk_size=5000)
        )

    def next(self, parent: str) -> str:
        self.last[parent] += 1
        return child_path(parent, self.last[parent])


def ensure_ministry(allocator: PathAllocator) -> tuple[OrgUnit, bool]:
    ministry = (
        OrgUnit.objects.filter(key=MINISTRY_KEY).first()
        or OrgUnit.objects.filter(kind=OrgUnit.Kind.MINISTRY, parent=None).order_by("path").first()
    )
    if ministry is not None:
        return ministry, False
    path = allocator.next("")
    ministry = OrgUnit.objects.create(
        key=MINISTRY_KEY,
        kind=OrgUnit.Kind.MINISTRY,
        name=MINISTRY_NAME,
        name_folded=fold(MINISTRY_NAME),
        office_name=MINISTRY_NAME,
        unit_type="Bộ",
        path=path,
        depth=depth_of(path),
    )
    OrgUnitPlacement.objects.create(unit=ministry, path=path, depth=ministry.depth)
    return ministry, True


def _short(name: str, unit_type: str) -> str:
    return name[len(unit_type) + 1 :] if unit_type and name.startswith(unit_type + " ") else name


def office_name(record: UnitRecord) -> str:
    short = _short(record.name, record.unit_type)
    if record.kind == "province":
        return f"Sở Giáo dục và Đào tạo {short}"
    if record.kind == "district":
        return f"Phòng Giáo dục và Đào tạo {record.unit_type.lower()} {short}"
    if record.era == "2025":
        return f"Phòng Văn hóa - Xã hội {record.unit_type.lower()} {short}"
    return ""


_UPDATABLE = ("code", "name", "name_folded", "unit_type", "office_name")


def _fields(record: UnitRecord) -> dict[str, object]:
    legacy = record.era != "2025"
    return {
        "code": record.code,
        "kind": record.kind,
        "name": record.name,
        "name_folded": fold(record.name),
        "unit_type": record.unit_type,
        "office_name": office_name(record),
        "valid_from": None if legacy else REFORM_DATE,
        "valid_to": REFORM_DATE if legacy else None,
    }


def _create(units: list[OrgUnit]) -> None:
    OrgUnit.objects.bulk_create(units, batch_size=BATCH)
    missing = [u for u in units if u.pk is None]
    if missing:  # a backend that cannot return ids from a bulk insert
        ids = dict(
            OrgUnit.objects.filter(key__in=[u.key for u in missing]).values_list("key", "pk")
        )
        for unit in missing:
            unit.pk = ids[unit.key]


def load_admin(data: AdminData, *, progress: Progress = _quiet) -> tuple[OrgUnit, LoadSummary]:
    summary = LoadSummary()
    allocator = PathAllocator.from_db()
    ministry, created = ensure_ministry(allocator)
    if created:
        summary.created["ministry"] = 1
    existing = {
        unit.key: unit
        for unit in OrgUnit.objects.exclude(kind=OrgUnit.Kind.SCHOOL).only(
            "pk", "key", "path", "depth", *_UPDATABLE
        )
    }
    paths: dict[str, str] = {ministry.key: ministry.path}
    ids: dict[str, int] = {ministry.key: ministry.pk}
    names: dict[str, str] = {ministry.key: ministry.name}
    for kind in ("province", "district", "commune"):
        records = sorted(
            (r for r in data.units if r.kind == kind),
            key=lambda r: (r.era != "2025", r.parent_key or "", r.code),
        )
        to_create: list[OrgUnit] = []
        to_update: list[OrgUnit] = []
        for record in records:
            values = _fields(record)
            parent_key = record.parent_key or ministry.key
            names[record.key] = record.name
            unit = existing.get(record.key)
            if unit is not None:
                if any(getattr(unit, f) != values[f] for f in _UPDATABLE):
                    for f in _UPDATABLE:
                        setattr(unit, f, values[f])
                    to_update.append(unit)
                paths[record.key] = unit.path
                ids[record.key] = unit.pk
                continue
            if parent_key not in paths:
                summary.skipped.append(record.key)
                continue
            path = allocator.next(paths[parent_key])
            unit = OrgUnit(
                key=record.key, parent_id=ids[parent_key], path=path, depth=depth_of(path), **values
            )
            to_create.append(unit)
            paths[record.key] = path
        _create(to_create)
        for unit in to_create:
            ids[unit.key] = unit.pk
        OrgUnitPlacement.objects.bulk_create(
            [
                OrgUnitPlacement(
                    unit_id=u.pk,
                    parent_id=u.parent_id,
                    path=u.path,
                    depth=u.depth,
                    valid_from=u.valid_from,
                    valid_to=u.valid_to,
                )
                for u in to_create
            ],
            batch_size=BATCH,
        )
        if to_update:
            OrgUnit.objects.bulk_update(to_update, list(_UPDATABLE), batch_size=BATCH)
        summary.updated += len(to_update)
        for unit in to_create:
            label = f"{kind}/{'2025' if unit.valid_to is None else 'legacy'}"
            summary.created[label] = summary.created.get(label, 0) + 1
        progress(f"  {kind}: +{len(to_create)} mới, {len(to_update)} cập nhật")

    _load_events(data, ids, names, summary)
    progress(
        f"  thay đổi 2025: +{summary.events_created} sự kiện, +{summary.links_created} liên kết"
    )
    return ministry, summary


def _event_kind(links: list[LinkRecord]) -> str:
    if len(links) >= 2:
        return OrgUnitEvent.Kind.MERGE
    if links and links[0].share == OrgUnitSuccession.Share.PART:
        return OrgUnitEvent.Kind.SPLIT
    return OrgUnitEvent.Kind.REORGANIZE


def _load_events(
    data: AdminData, ids: dict[str, int], names: dict[str, str], summary: LoadSummary
) -> None:
    existing = set(
        OrgUnitEvent.objects.filter(key__startswith=REFORM_EVENT_PREFIX).values_list(
            "key", flat=True
        )
    )
    planned: list[tuple[OrgUnitEvent, list[LinkRecord]]] = []
    for successor, links in data.events.items():
        key = REFORM_EVENT_PREFIX + successor
        if key in existing or successor not in ids:
            continue
        kept = [link for link in links if link.predecessor in ids]
        kind = _event_kind(kept)
        is_province = successor.startswith("p")
        before = ", ".join(names[link.predecessor] for link in kept)
        title = f"{names[successor]} (từ {before})" if before else names[successor]
        event = OrgUnitEvent(
            key=key,
            kind=kind,
            date=REFORM_DATE,
            title=title[:255],
            legal_basis=(
                "Nghị quyết 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh"
                if is_province
                else "Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính cấp xã năm 2025"
            ),
            details={"reform": "2025"},
        )
        planned.append((event, kept))
    for district, province in data.dissolved.items():
        key = REFORM_EVENT_PREFIX + district
        if key in existing or district not in ids or province not in ids:
            continue
        event = OrgUnitEvent(
            key=key,
            kind=OrgUnitEvent.Kind.DISSOLVE,
            date=REFORM_DATE,
            title=f"Kết thúc hoạt động của {names[district]} (chính quyền địa phương 2 cấp)",
            legal_basis="Luật Tổ chức chính quyền địa phương 72/2025/QH15",
            details={"reform": "2025"},
        )
        planned.append((event, [LinkRecord(district, province, "whole", True)]))
    OrgUnitEvent.objects.bulk_create([event for event, _ in planned], batch_size=BATCH)
    if any(event.pk is None for event, _ in planned):
        event_ids = dict(
            OrgUnitEvent.objects.filter(key__startswith=REFORM_EVENT_PREFIX).values_list(
                "key", "pk"
            )
        )
        for event, _ in planned:
            event.pk = event_ids[event.key]
    rows = [
        OrgUnitSuccession(
            event_id=event.pk,
            predecessor_id=ids[link.predecessor],
            successor_id=ids[link.successor],
            share=link.share,
            is_primary=link.is_primary,
        )
        for event, links in planned
        for link in links
    ]
    OrgUnitSuccession.objects.bulk_create(rows, batch_size=BATCH)
    summary.events_created += len(planned)
    summary.links_created += len(rows)


# --- Synthetic schools ---------------------------------------------------------------------

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
    progress: Progress = _quiet,
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
        place = _short(commune.name, commune.unit_type)
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
                        _short(host.name, host.unit_type),
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
                unique(f"Trung tâm GDNN-GDTX {_short(district.name, district.unit_type)}"),
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
    _create(units)
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
