"""Structural changes to the hierarchy: rename, move, merge, split. Each keeps history instead of
overwriting it: the old placement is closed on the change's date and a new one opened, dissolved
units keep their rows (``valid_to`` set), and an :class:`OrgUnitEvent` links predecessors to
successors. Each is one transaction with the changed units locked, audited; only namhoc itself
(``actor=None``/``SYSTEM``: the CLI, a data migration) or a superuser restructures the tree
(``orgunits.access.restructure_refusal``) — there is no page or endpoint for it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max

from namhoc.core.audit import audit_record
from namhoc.core.errors import DomainError
from namhoc.core.parsing import clean_text, text_cap
from namhoc.core.text import fold
from namhoc.core.types import Actor
from namhoc.orgunits.access import restructure_refusal
from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitPlacement, OrgUnitSuccession
from namhoc.orgunits.selectors import today
from namhoc.orgunits.tree import MAX_SEGMENT, child_path, depth_of, last_segment, subtree_q

__all__ = ["SplitPart", "orgunit_merge", "orgunit_move", "orgunit_rename", "orgunit_split"]

ALLOWED_PARENTS: dict[str, set[str]] = {
    OrgUnit.Kind.MINISTRY: set(),
    OrgUnit.Kind.PROVINCE: {OrgUnit.Kind.MINISTRY},
    OrgUnit.Kind.DISTRICT: {OrgUnit.Kind.PROVINCE},
    OrgUnit.Kind.COMMUNE: {OrgUnit.Kind.PROVINCE, OrgUnit.Kind.DISTRICT},
    OrgUnit.Kind.SCHOOL: {OrgUnit.Kind.PROVINCE, OrgUnit.Kind.DISTRICT, OrgUnit.Kind.COMMUNE},
}


def _raise(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def _name(raw: object, *, field: str = "name", label: str = "Tên đơn vị") -> str:
    return clean_text(
        raw, field=field, label=label, max_length=text_cap(OrgUnit, "name"), required=True
    )


def _legal_basis(raw: object) -> str:
    return clean_text(
        raw, field="legal_basis", label="Căn cứ", max_length=text_cap(OrgUnitEvent, "legal_basis")
    )


def _lock(*units: OrgUnit | None) -> None:
    """One structural change at a time around these units (ids in order: no deadlock), then
    each is read again, so the checks that follow see what the other change left."""
    ids = sorted({unit.pk for unit in units if unit is not None})
    list(OrgUnit.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    for unit in units:
        if unit is not None:
            unit.refresh_from_db()


class _Paths:
    """Next free child path under a parent, across every period (read lazily, then counted)."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def next(self, parent_path: str) -> str:
        if parent_path not in self.last:
            top = OrgUnitPlacement.objects.filter(
                subtree_q(parent_path, include_self=False), depth=depth_of(parent_path) + 1
            ).aggregate(top=Max("path"))["top"]
            self.last[parent_path] = last_segment(top) if top else 0
        if self.last[parent_path] >= MAX_SEGMENT:
            raise DomainError("tree_full", "Đơn vị cấp trên đã đủ số đơn vị trực thuộc tối đa.")
        self.last[parent_path] += 1
        return child_path(parent_path, self.last[parent_path])


def _check_current(unit: OrgUnit, day: dt.date) -> None:
    if unit.valid_to is not None:
        raise DomainError(
            "unit_dissolved",
            f"{unit.name} đã hết hiệu lực từ {unit.valid_to:%d/%m/%Y}, không thể thay đổi.",
        )
    if unit.valid_from is not None and day <= unit.valid_from:
        raise DomainError(
            "date_too_early",
            f"Ngày hiệu lực phải sau ngày {unit.name} bắt đầu hoạt động "
            f"({unit.valid_from:%d/%m/%Y}).",
            field="date",
        )


def _check_date(day: dt.date) -> None:
    if day > today():
        raise DomainError(
            "date_in_future",
            "Chỉ ghi nhận thay đổi đã có hiệu lực (ngày không được ở tương lai).",
            field="date",
        )


def _check_parent(kind: str, parent: OrgUnit) -> None:
    if parent.kind not in ALLOWED_PARENTS[kind] or parent.valid_to is not None:
        raise DomainError(
            "invalid_parent",
            f"Không thể đặt đơn vị cấp '{OrgUnit.Kind(kind).label}' trực thuộc {parent.name}.",
            field="parent",
        )


def _new_event(
    kind: str, day: dt.date, title: str, legal_basis: str, details: dict[str, Any]
) -> OrgUnitEvent:
    return OrgUnitEvent.objects.create(
        key=f"{kind}:{uuid.uuid4().hex}",
        kind=kind,
        date=day,
        title=title[: text_cap(OrgUnitEvent, "title")],  # built from names: shortened, said so
        legal_basis=legal_basis,
        details=details,
    )


def _link(
    event: OrgUnitEvent,
    before: OrgUnit,
    after: OrgUnit,
    *,
    share: str = "whole",
    primary: bool = True,
) -> None:
    OrgUnitSuccession.objects.create(
        event=event, predecessor=before, successor=after, share=share, is_primary=primary
    )


def _relocate(unit: OrgUnit, new_parent: OrgUnit, day: dt.date, paths: _Paths) -> tuple[str, str]:
    """Move ``unit`` and its current subtree under ``new_parent`` from ``day``; keep the old
    placements (closed on ``day``) so that earlier dates still see the old tree."""
    old_prefix = unit.path
    new_prefix = paths.next(new_parent.path)
    moving = list(
        OrgUnit.objects.filter(subtree_q(old_prefix), valid_to__isnull=True).order_by("path")
    )
    open_placements = {
        p.unit_id: p
        for p in OrgUnitPlacement.objects.filter(unit__in=moving, valid_to__isnull=True)
    }
    new_rows = []
    for member in moving:
        old = open_placements.get(member.pk)
        if old is not None:
            if old.valid_from is not None and old.valid_from >= day:
                raise DomainError(
                    "date_too_early",
                    f"{member.name} đã được sắp xếp từ ngày {old.valid_from:%d/%m/%Y}; "
                    "ngày hiệu lực phải sau ngày đó.",
                    field="date",
                )
            old.valid_to = day
        member.path = new_prefix + member.path[len(old_prefix) :]
        member.depth = depth_of(member.path)
        if member.pk == unit.pk:
            member.parent = new_parent
            unit.parent, unit.path, unit.depth = new_parent, member.path, member.depth
        new_rows.append(
            OrgUnitPlacement(
                unit_id=member.pk,
                parent_id=member.parent_id,
                path=member.path,
                depth=member.depth,
                valid_from=day,
            )
        )
    OrgUnitPlacement.objects.bulk_update(list(open_placements.values()), ["valid_to"])
    OrgUnit.objects.bulk_update(moving, ["parent", "path", "depth"], batch_size=1000)
    OrgUnitPlacement.objects.bulk_create(new_rows, batch_size=1000)
    return old_prefix, new_prefix


def _close(unit: OrgUnit, day: dt.date) -> None:
    unit.valid_to = day
    unit.save(update_fields=["valid_to"])
    OrgUnitPlacement.objects.filter(unit=unit, valid_to__isnull=True).update(valid_to=day)


def _create_unit(
    *,
    key: object,
    name: object,
    kind: str,
    parent: OrgUnit,
    day: dt.date,
    like: OrgUnit,
    paths: _Paths,
) -> OrgUnit:
    name = _name(name, label="Tên đơn vị mới")
    key = clean_text(
        key,
        field="key",
        label="Mã định danh đơn vị mới",
        max_length=text_cap(OrgUnit, "key"),
        required=True,
    )
    if OrgUnit.objects.filter(key=key).exists():
        raise DomainError("key_taken", f"Mã định danh '{key}' đã được dùng.", field="key")
    path = paths.next(parent.path)
    unit = OrgUnit.objects.create(
        key=key,
        kind=kind,
        name=name,
        name_folded=fold(name),
        unit_type=like.unit_type,
        office_name="",
        parent=parent,
        path=path,
        depth=depth_of(path),
        valid_from=day,
        school_level=like.school_level,
        ownership=like.ownership,
        is_synthetic=like.is_synthetic,
    )
    OrgUnitPlacement.objects.create(
        unit=unit, parent=parent, path=path, depth=unit.depth, valid_from=day
    )
    return unit


def orgunit_rename(
    *, actor: Actor | None, unit: OrgUnit, name: object, date: dt.date, legal_basis: object = ""
) -> OrgUnitEvent:
    """Rename ``unit`` from ``date``; the old name stays in the event's details."""
    _raise(restructure_refusal(actor))
    new_name = _name(name, label="Tên mới")
    basis = _legal_basis(legal_basis)
    _check_date(date)
    with transaction.atomic():
        _lock(unit)
        _check_current(unit, date)
        if new_name == unit.name:
            raise DomainError("name_unchanged", "Tên mới trùng với tên hiện tại.", field="name")
        name = new_name
        legal_basis = basis
        old = unit.name
        unit.name, unit.name_folded = name, fold(name)
        unit.save(update_fields=["name", "name_folded"])
        event = _new_event(
            OrgUnitEvent.Kind.RENAME,
            date,
            f"Đổi tên {old} thành {name}",
            legal_basis,
            {"name": [old, name]},
        )
        _link(event, unit, unit, primary=False)
        audit_record(
            actor=actor,
            action="orgunit.rename",
            target=unit,
            changes={"name": [old, name]},
            unit_id=unit.pk,
            note=legal_basis,
        )
    return event


def orgunit_move(
    *,
    actor: Actor | None,
    unit: OrgUnit,
    new_parent: OrgUnit,
    date: dt.date,
    legal_basis: object = "",
) -> OrgUnitEvent:
    """Put ``unit`` (with its current subtree) under ``new_parent`` from ``date``."""
    _raise(restructure_refusal(actor))
    basis = _legal_basis(legal_basis)
    _check_date(date)
    with transaction.atomic():
        _lock(unit, new_parent)
        _check_current(unit, date)
        _check_parent(unit.kind, new_parent)
        if new_parent.pk == unit.parent_id:
            raise DomainError(
                "same_parent", f"{unit.name} đã trực thuộc {new_parent.name}.", field="parent"
            )
        if new_parent.path.startswith(unit.path):
            raise DomainError(
                "cycle",
                "Không thể chuyển một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.",
                field="parent",
            )
        legal_basis = basis
        old_parent = unit.parent
        old_path, new_path = _relocate(unit, new_parent, date, _Paths())
        event = _new_event(
            OrgUnitEvent.Kind.MOVE,
            date,
            f"Chuyển {unit.name} từ {old_parent.name if old_parent else '—'} "
            f"sang {new_parent.name}",
            legal_basis,
            {"parent": [old_parent.key if old_parent else None, new_parent.key]},
        )
        _link(event, unit, unit, primary=False)
        audit_record(
            actor=actor,
            action="orgunit.move",
            target=unit,
            changes={
                "parent": [old_parent.pk if old_parent else None, new_parent.pk],
                "path": [old_path, new_path],
            },
            unit_id=unit.pk,
            note=legal_basis,
        )
    return event


def orgunit_merge(
    *,
    actor: Actor | None,
    units: Sequence[OrgUnit],
    date: dt.date,
    into: OrgUnit | None = None,
    name: object = "",
    key: object = "",
    legal_basis: object = "",
) -> OrgUnit:
    """Merge ``units`` from ``date``: into the existing unit ``into`` (which lives on), or into a
    new unit ``name``/``key`` under the first unit's parent. The merged units are dissolved
    (kept, ``valid_to=date``), their current children move to the successor, and their figures
    resolve to it (:func:`namhoc.orgunits.selectors.resolve_to_current`). Returns the successor.
    """
    _raise(restructure_refusal(actor))
    merged = [u for u in units if into is None or u.pk != into.pk]
    if len(merged) + (into is not None) < 2 or len({u.pk for u in merged}) != len(merged):
        raise DomainError(
            "merge_too_few", "Cần ít nhất hai đơn vị khác nhau để sáp nhập.", field="units"
        )
    basis = _legal_basis(legal_basis)
    _check_date(date)
    with transaction.atomic():
        _lock(*merged, into, merged[0].parent)
        kinds = {u.kind for u in merged} | ({into.kind} if into else set())
        if len(kinds) != 1:
            raise DomainError(
                "merge_kinds", "Chỉ sáp nhập được các đơn vị cùng cấp.", field="units"
            )
        for unit in [*merged, *([into] if into else [])]:
            _check_current(unit, date)
        parent = merged[0].parent
        if into is None and parent is None:
            raise DomainError("merge_root", "Không thể sáp nhập đơn vị gốc.", field="units")
        legal_basis = basis
        paths = _Paths()
        successor = into or _create_unit(
            key=key,
            name=name,
            kind=merged[0].kind,
            parent=parent,  # type: ignore[arg-type]
            day=date,
            like=merged[0],
            paths=paths,
        )
        names = ", ".join(u.name for u in merged)
        event = _new_event(
            OrgUnitEvent.Kind.MERGE,
            date,
            f"Sáp nhập {names} vào {successor.name}",
            legal_basis,
            {"into": successor.key, "merged": [u.key for u in merged], "new": into is None},
        )
        for unit in merged:
            for child in list(OrgUnit.objects.filter(parent=unit, valid_to__isnull=True)):
                _relocate(child, successor, date, paths)
            _close(unit, date)
            _link(event, unit, successor)
            audit_record(
                actor=actor,
                action="orgunit.merge",
                target=unit,
                changes={"valid_to": [None, date], "successor": [None, successor.pk]},
                unit_id=unit.pk,
                note=legal_basis,
            )
        audit_record(
            actor=actor,
            action="orgunit.merge",
            target=successor,
            changes={"merged": [None, [u.pk for u in merged]]},
            unit_id=successor.pk,
            note=legal_basis,
        )
    return successor


@dataclass(frozen=True)
class SplitPart:
    """One unit coming out of a split: its key and name, the current children it takes, and
    whether it carries the old unit's figures (exactly one part does; the first by default)."""

    key: str
    name: str
    children: Sequence[OrgUnit] = field(default_factory=tuple)
    primary: bool = False


def orgunit_split(
    *,
    actor: Actor | None,
    unit: OrgUnit,
    parts: Sequence[SplitPart],
    date: dt.date,
    legal_basis: object = "",
) -> list[OrgUnit]:
    """Split ``unit`` from ``date`` into new units under its parent. Children not given to a part
    go to the primary part. ``unit`` is dissolved (kept, ``valid_to=date``)."""
    _raise(restructure_refusal(actor))
    if len(parts) < 2:
        raise DomainError(
            "split_too_few", "Cần ít nhất hai đơn vị mới khi chia tách.", field="parts"
        )
    basis = _legal_basis(legal_basis)
    _check_date(date)
    with transaction.atomic():
        _lock(unit, unit.parent)
        return _split(actor, unit, parts, date, basis)


def _split(
    actor: Actor | None, unit: OrgUnit, parts: Sequence[SplitPart], date: dt.date, legal_basis: str
) -> list[OrgUnit]:
    _check_current(unit, date)
    if unit.parent is None:
        raise DomainError("split_root", "Không thể chia tách đơn vị gốc.")
    primaries = [i for i, part in enumerate(parts) if part.primary]
    if len(primaries) > 1:
        raise DomainError(
            "split_primary", "Chỉ một đơn vị mới được kế thừa số liệu.", field="parts"
        )
    primary_index = primaries[0] if primaries else 0
    if len({part.key for part in parts}) != len(parts):
        raise DomainError("key_taken", "Mã định danh các đơn vị mới phải khác nhau.", field="parts")
    current_children = {c.pk: c for c in OrgUnit.objects.filter(parent=unit, valid_to__isnull=True)}
    assigned: dict[int, int] = {}
    for index, part in enumerate(parts):
        for child in part.children:
            if child.pk not in current_children or child.pk in assigned:
                raise DomainError(
                    "split_children",
                    f"{child.name} không phải đơn vị trực thuộc {unit.name} hoặc đã được phân cho "
                    "đơn vị khác.",
                    field="parts",
                )
            assigned[child.pk] = index
    paths = _Paths()
    new_units = [
        _create_unit(
            key=part.key,
            name=part.name,
            kind=unit.kind,
            parent=unit.parent,
            day=date,
            like=unit,
            paths=paths,
        )
        for part in parts
    ]
    event = _new_event(
        OrgUnitEvent.Kind.SPLIT,
        date,
        f"Chia tách {unit.name} thành {', '.join(u.name for u in new_units)}",
        legal_basis,
        {"from": unit.key, "into": [u.key for u in new_units]},
    )
    for child in current_children.values():
        target = new_units[assigned.get(child.pk, primary_index)]
        _relocate(child, target, date, paths)
    _close(unit, date)
    for index, new_unit in enumerate(new_units):
        _link(event, unit, new_unit, share="part", primary=index == primary_index)
        audit_record(
            actor=actor,
            action="orgunit.split",
            target=new_unit,
            changes={"predecessor": [None, unit.pk]},
            unit_id=new_unit.pk,
            note=legal_basis,
        )
    audit_record(
        actor=actor,
        action="orgunit.split",
        target=unit,
        changes={"valid_to": [None, date], "successors": [None, [u.pk for u in new_units]]},
        unit_id=unit.pk,
        note=legal_basis,
    )
    return new_units
