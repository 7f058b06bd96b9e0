"""Small org trees for tests (importable by other apps' tests).

``OrgUnitFactory(parent=...)`` makes a unit with a correct path and its placement;
:func:`make_tree` builds a Ministry, two 2025 provinces with communes and schools, and the
pre-2025 provinces/districts/communes they came from, linked by 2025 reform events.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import factory

from namhoc.core.text import fold
from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitPlacement, OrgUnitSuccession
from namhoc.orgunits.tree import child_path, depth_of

REFORM = dt.date(2025, 7, 1)
_segments = itertools.count(1)


def _next_path(parent: OrgUnit | None) -> str:
    return child_path(parent.path if parent else "", next(_segments) % 9999 or 9999)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"u-{n:05d}")
    kind = OrgUnit.Kind.COMMUNE
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    name_folded = factory.LazyAttribute(lambda o: fold(o.name))
    parent = None
    path = factory.LazyAttribute(lambda o: _next_path(o.parent))
    depth = factory.LazyAttribute(lambda o: depth_of(o.path))

    @factory.post_generation
    def placement(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            OrgUnitPlacement.objects.create(
                unit=self,
                parent=self.parent,
                path=self.path,
                depth=self.depth,
                valid_from=self.valid_from,
                valid_to=self.valid_to,
            )


def add_placement(unit: OrgUnit, parent: OrgUnit, *, valid_to: dt.date) -> OrgUnitPlacement:
    """Give ``unit`` an earlier placement under ``parent`` ending on ``valid_to`` (the current
    one then starts on ``valid_to``)."""
    OrgUnitPlacement.objects.filter(unit=unit, valid_from__isnull=True).update(valid_from=valid_to)
    path = _next_path(parent)
    return OrgUnitPlacement.objects.create(
        unit=unit, parent=parent, path=path, depth=depth_of(path), valid_to=valid_to
    )


def link(
    kind: str,
    predecessors: list[OrgUnit],
    successor: OrgUnit,
    *,
    date: dt.date = REFORM,
    share: str = "whole",
    primary: bool = True,
) -> OrgUnitEvent:
    event = OrgUnitEvent.objects.create(
        key=f"test:{kind}:{successor.key}:{next(_segments)}",
        kind=kind,
        date=date,
        title=f"{kind} {successor.name}",
    )
    for predecessor in predecessors:
        OrgUnitSuccession.objects.create(
            event=event,
            predecessor=predecessor,
            successor=successor,
            share=share,
            is_primary=primary,
        )
    return event


@dataclass
class Tree:
    ministry: OrgUnit
    hai_phong: OrgUnit  # 2025 province
    ha_noi: OrgUnit  # 2025 province
    tu_ky: OrgUnit  # 2025 commune of Hải Phòng
    hong_bang: OrgUnit  # 2025 commune of Hải Phòng
    ba_dinh: OrgUnit  # 2025 commune of Hà Nội
    school_mn: OrgUnit  # preschool in Xã Tứ Kỳ (synthetic)
    school_th: OrgUnit  # primary school in Xã Tứ Kỳ
    school_thcs: OrgUnit  # THCS in Phường Ba Đình
    school_thpt: OrgUnit  # THPT under Hải Phòng (Sở GDĐT)
    hai_duong_old: OrgUnit  # legacy province
    hai_phong_old: OrgUnit  # legacy province
    ha_noi_old: OrgUnit  # legacy province
    tu_ky_district: OrgUnit  # legacy district of Hải Dương
    hong_bang_district: OrgUnit  # legacy district of Hải Phòng (old)
    tt_tu_ky: OrgUnit  # legacy commune -> Xã Tứ Kỳ
    xa_hung_dao: OrgUnit  # legacy commune, divided: -> Xã Tứ Kỳ (primary), Phường Hồng Bàng
    hoang_van_thu: OrgUnit  # legacy commune -> Phường Hồng Bàng


def make_tree() -> Tree:
    """The fixed small tree (needs the database)."""
    new = {"valid_from": REFORM}
    old = {"valid_to": REFORM}
    unit = OrgUnitFactory
    ministry = unit(key="bo-gddt", kind=OrgUnit.Kind.MINISTRY, name="Bộ Giáo dục và Đào tạo")
    hai_phong = unit(
        key="p2025-31",
        code="31",
        kind="province",
        name="Thành phố Hải Phòng",
        parent=ministry,
        office_name="Sở Giáo dục và Đào tạo Hải Phòng",
        **new,
    )
    ha_noi = unit(
        key="p2025-01", code="01", kind="province", name="Thành phố Hà Nội", parent=ministry, **new
    )
    tu_ky = unit(key="c2025-11074", code="11074", name="Xã Tứ Kỳ", parent=hai_phong, **new)
    hong_bang = unit(
        key="c2025-11311", code="11311", name="Phường Hồng Bàng", parent=hai_phong, **new
    )
    ba_dinh = unit(key="c2025-00004", code="00004", name="Phường Ba Đình", parent=ha_noi, **new)
    school = {"kind": OrgUnit.Kind.SCHOOL, "is_synthetic": True, "ownership": "public"}
    school_mn = unit(
        key="s-31-00001",
        name="Trường Mầm non Tứ Kỳ",
        parent=tu_ky,
        school_level="mam_non",
        **school,
    )
    school_th = unit(
        key="s-31-00002",
        name="Trường Tiểu học Tứ Kỳ",
        parent=tu_ky,
        school_level="tieu_hoc",
        **school,
    )
    school_thpt = unit(
        key="s-31-00003",
        name="Trường THPT Tứ Kỳ",
        parent=hai_phong,
        school_level="thpt",
        **school,
    )
    school_thcs = unit(
        key="s-01-00001",
        name="Trường THCS Ba Đình",
        parent=ba_dinh,
        school_level="thcs",
        **school,
    )
    hai_duong_old = unit(
        key="p2024-30", code="30", kind="province", name="Tỉnh Hải Dương", parent=ministry, **old
    )
    hai_phong_old = unit(
        key="p2024-31",
        code="31",
        kind="province",
        name="Thành phố Hải Phòng",
        parent=ministry,
        **old,
    )
    ha_noi_old = unit(
        key="p2024-01", code="01", kind="province", name="Thành phố Hà Nội", parent=ministry, **old
    )
    tu_ky_district = unit(
        key="d2024-298",
        code="298",
        kind="district",
        name="Huyện Tứ Kỳ",
        parent=hai_duong_old,
        **old,
    )
    hong_bang_district = unit(
        key="d2024-303",
        code="303",
        kind="district",
        name="Quận Hồng Bàng",
        parent=hai_phong_old,
        **old,
    )
    tt_tu_ky = unit(
        key="c2024-11074", code="11074", name="Thị trấn Tứ Kỳ", parent=tu_ky_district, **old
    )
    xa_hung_dao = unit(
        key="c2024-11077", code="11077", name="Xã Hưng Đạo", parent=tu_ky_district, **old
    )
    hoang_van_thu = unit(
        key="c2024-11311",
        code="11311",
        name="Phường Hoàng Văn Thụ",
        parent=hong_bang_district,
        **old,
    )
    add_placement(school_mn, tt_tu_ky, valid_to=REFORM)
    add_placement(school_th, xa_hung_dao, valid_to=REFORM)
    add_placement(school_thpt, hai_duong_old, valid_to=REFORM)
    link(OrgUnitEvent.Kind.MERGE, [hai_duong_old, hai_phong_old], hai_phong)
    link(OrgUnitEvent.Kind.REORGANIZE, [ha_noi_old], ha_noi)
    link(OrgUnitEvent.Kind.DISSOLVE, [tu_ky_district], hai_phong)
    link(OrgUnitEvent.Kind.DISSOLVE, [hong_bang_district], hai_phong)
    merge_tu_ky = link(OrgUnitEvent.Kind.MERGE, [tt_tu_ky], tu_ky)
    OrgUnitSuccession.objects.create(
        event=merge_tu_ky, predecessor=xa_hung_dao, successor=tu_ky, share="part", is_primary=True
    )
    merge_hb = link(OrgUnitEvent.Kind.MERGE, [hoang_van_thu], hong_bang)
    OrgUnitSuccession.objects.create(
        event=merge_hb,
        predecessor=xa_hung_dao,
        successor=hong_bang,
        share="part",
        is_primary=False,
    )
    return Tree(
        ministry=ministry,
        hai_phong=hai_phong,
        ha_noi=ha_noi,
        tu_ky=tu_ky,
        hong_bang=hong_bang,
        ba_dinh=ba_dinh,
        school_mn=school_mn,
        school_th=school_th,
        school_thcs=school_thcs,
        school_thpt=school_thpt,
        hai_duong_old=hai_duong_old,
        hai_phong_old=hai_phong_old,
        ha_noi_old=ha_noi_old,
        tu_ky_district=tu_ky_district,
        hong_bang_district=hong_bang_district,
        tt_tu_ky=tt_tu_ky,
        xa_hung_dao=xa_hung_dao,
        hoang_van_thu=hoang_van_thu,
    )
