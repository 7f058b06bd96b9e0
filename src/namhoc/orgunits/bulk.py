"""What both bulk loads share: the Ministry at the root, path allocation across every period,
batched inserts. The loads themselves: ``orgunits.national`` (the real administrative units of
both eras and the 2025 reform) and ``orgunits.synthetic`` (the demonstration school network).
Called by the services inside their transaction; never deletes, upserts by ``key``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from namhoc.core.text import fold
from namhoc.orgunits.models import REFORM_DATE, OrgUnit, OrgUnitPlacement
from namhoc.orgunits.tree import child_path, depth_of, last_segment, parent_path

__all__ = [
    "BATCH",
    "MINISTRY_KEY",
    "MINISTRY_NAME",
    "REFORM_DATE",
    "PathAllocator",
    "Progress",
    "create_units",
    "ensure_ministry",
    "quiet",
    "short_name",
]

MINISTRY_KEY = "bo-gddt"
MINISTRY_NAME = "Bộ Giáo dục và Đào tạo"
BATCH = 1000

Progress = Callable[[str], None]


def quiet(message: str) -> None:
    return None


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


def create_units(units: list[OrgUnit]) -> None:
    OrgUnit.objects.bulk_create(units, batch_size=BATCH)
    missing = [u for u in units if u.pk is None]
    if missing:  # a backend that cannot return ids from a bulk insert
        ids = dict(
            OrgUnit.objects.filter(key__in=[u.key for u in missing]).values_list("key", "pk")
        )
        for unit in missing:
            unit.pk = ids[unit.key]


def short_name(name: str, unit_type: str) -> str:
    """ "Xã An Lạc" -> "An Lạc" (the name without its type)."""
    return name[len(unit_type) + 1 :] if unit_type and name.startswith(unit_type + " ") else name
