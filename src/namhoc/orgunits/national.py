"""The real administrative units of both eras and the 2025 reform linking them, loaded in bulk
from ``vietnamadminunits`` (read by ``orgunits.sources``). Paths are computed in Python and rows
inserted in batches, level by level (parents first, so children know their parent's id). Upserts
by ``key``, never deletes: a second run with the same data changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from namhoc.core.text import fold
from namhoc.orgunits.bulk import (
    BATCH,
    PathAllocator,
    Progress,
    create_units,
    ensure_ministry,
    quiet,
    short_name,
)
from namhoc.orgunits.models import (
    REFORM_DATE,
    OrgUnit,
    OrgUnitEvent,
    OrgUnitPlacement,
    OrgUnitSuccession,
)
from namhoc.orgunits.sources import AdminData, LinkRecord, UnitRecord
from namhoc.orgunits.tree import depth_of

__all__ = ["REFORM_EVENT_PREFIX", "LoadSummary", "load_admin", "office_name"]

REFORM_EVENT_PREFIX = "reform-2025:"


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


def office_name(record: UnitRecord) -> str:
    short = short_name(record.name, record.unit_type)
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


def load_admin(data: AdminData, *, progress: Progress = quiet) -> tuple[OrgUnit, LoadSummary]:
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
        create_units(to_create)
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
