"""Test helpers for figures: the catalogue, periods, approvers and a legacy commune, on top of
the root conftest's fixed tree (``org``, ``people``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from namhoc.accounts.models import Membership, Role, User
from namhoc.core.text import fold
from namhoc.indicators.catalogue import catalogue_load, periods_ensure
from namhoc.indicators.models import Aggregate, DataElement, DataSet, Period
from namhoc.orgunits.models import (
    OrgUnit,
    OrgUnitEvent,
    OrgUnitPlacement,
    OrgUnitSuccession,
)
from namhoc.orgunits.tree import child_path, depth_of

REFORM_DAY = dt.date(2025, 7, 1)

# Figures a primary school may report in DN_TH (all rules hold).
TH_FIGURES: dict[str, object] = {
    "TH_LOP": 12,
    "TH_HS": 400,
    "TH_HS_NU": 190,
    "TH_HS_DTTS": 30,
    "TH_HS_DUNG_TUOI": 395,
    "TH_HS_2BUOI": 380,
    "TH_HS_KT": 3,
    "TH_GV": 18,
    "TH_GV_CHUAN": 16,
    "TH_PHONG": 12,
    "TH_PHONG_KC": 10,
    "TH_CHUAN_QG": 1,
}
THCS_FIGURES: dict[str, object] = {
    "THCS_LOP": 16,
    "THCS_HS": 600,
    "THCS_HS_NU": 290,
    "THCS_HS_DTTS": 12,
    "THCS_HS_DUNG_TUOI": 560,
    "THCS_HS_L9": 140,
    "THCS_GV": 34,
    "THCS_GV_CHUAN": 30,
    "THCS_PHONG": 16,
    "THCS_PHONG_KC": 16,
    "THCS_CHUAN_QG": 0,
}


@dataclass(frozen=True)
class Figures:
    org: Any
    people: Any
    start_2025: Period  # 2025-2026.DN
    start_2024: Period  # 2024-2025.DN
    end_2025: Period
    dn_th: DataSet
    dn_thcs: DataSet
    dn_mn: DataSet
    ds_xa: DataSet
    commune_approver: User  # approver at c-a1
    province_approver: User  # approver at p-a
    legacy_commune: OrgUnit  # dissolved 1/7/2025, under d-a-old, merged into c-a1


def grant(username: str, unit: OrgUnit, role: Role) -> User:
    user = User.objects.create_user(username=username, password="x", full_name=username)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def legacy_commune(org: Any) -> OrgUnit:
    """Xã Phú Lộc cũ: under the dissolved district d-a-old, merged into c-a1 on 1/7/2025."""
    district = org.district_a_old
    path = child_path(district.path, 1)
    unit = OrgUnit.objects.create(
        key="c-old-1",
        name="Xã Phú Lộc (cũ)",
        name_folded=fold("Xã Phú Lộc (cũ)"),
        kind=OrgUnit.Kind.COMMUNE,
        parent=district,
        path=path,
        depth=depth_of(path),
        valid_to=REFORM_DAY,
        is_synthetic=True,
    )
    OrgUnitPlacement.objects.create(
        unit=unit, parent=district, path=path, depth=unit.depth, valid_to=REFORM_DAY
    )
    event = OrgUnitEvent.objects.create(
        key="test:merge:c-old-1", kind=OrgUnitEvent.Kind.MERGE, date=REFORM_DAY, title="Sáp nhập"
    )
    OrgUnitSuccession.objects.create(
        event=event, predecessor=unit, successor=org.commune_a1, is_primary=True
    )
    return unit


def setup_figures(org: Any, people: Any) -> Figures:
    catalogue_load()
    start_2024 = periods_ensure("2024-2025")[0]
    start_2025, _, end_2025 = periods_ensure("2025-2026")
    return Figures(
        org=org,
        people=people,
        start_2025=start_2025,
        start_2024=start_2024,
        end_2025=end_2025,
        dn_th=DataSet.objects.get(code="DN_TH"),
        dn_thcs=DataSet.objects.get(code="DN_THCS"),
        dn_mn=DataSet.objects.get(code="DN_MN"),
        ds_xa=DataSet.objects.get(code="DS_XA"),
        commune_approver=grant("commune_approver", org.commune_a1, Role.APPROVER),
        province_approver=grant("province_approver", org.province_a, Role.APPROVER),
        legacy_commune=legacy_commune(org),
    )


def aggregate(unit: OrgUnit, code: str, period: Period) -> tuple[Decimal, int] | None:
    row = Aggregate.objects.filter(
        unit=unit, element=DataElement.objects.get(code=code), period=period
    ).first()
    return None if row is None else (row.total, row.count)


MERGE_DAY = dt.date(2025, 9, 1)


# --- the use cases with loaded objects (tests arrange with them; doors send keys) -------------


def save_values(
    *,
    actor: Any,
    unit: OrgUnit,
    data_set: DataSet,
    period: Period,
    values: dict[str, object],
    **kwargs: Any,
) -> Any:
    """``services.values_save`` for objects: the figures of ``unit``."""
    from namhoc.indicators.services import values_save

    return values_save(
        actor=actor,
        unit_key=unit.key,
        period_code=period.code,
        data_set_code=data_set.code,
        values=values,
        **kwargs,
    )


def approve(*, actor: Any, unit: OrgUnit, data_set: DataSet, period: Period) -> Any:
    from namhoc.indicators.services import approval_approve

    return approval_approve(
        actor=actor, unit_key=unit.key, period_code=period.code, data_set_code=data_set.code
    )


def revoke(
    *,
    actor: Any,
    unit: OrgUnit,
    data_set: DataSet,
    period: Period,
    reason: str = "Số liệu cần sửa lại",
) -> Any:
    from namhoc.indicators.services import approval_revoke

    return approval_revoke(
        actor=actor,
        unit_key=unit.key,
        period_code=period.code,
        data_set_code=data_set.code,
        reason=reason,
    )


def set_target(
    *,
    actor: Any,
    indicator: Any,
    unit: OrgUnit,
    school_year: str,
    value: object,
    source: str = "",
) -> Any:
    from namhoc.indicators.services import target_set

    code = indicator if isinstance(indicator, str) else indicator.code
    return target_set(
        actor=actor,
        unit_key=unit.key,
        indicator_code=code,
        school_year=school_year,
        value=value,
        source=source,
    )


def allocate(
    *,
    actor: Any,
    indicator: Any,
    unit: OrgUnit,
    school_year: str,
    allocations: dict[OrgUnit, object],
) -> Any:
    from namhoc.indicators.services import target_allocate

    code = indicator if isinstance(indicator, str) else indicator.code
    return target_allocate(
        actor=actor,
        unit_key=unit.key,
        indicator_code=code,
        school_year=school_year,
        allocations={child.key: value for child, value in allocations.items()},
    )


def fill_both_communes(f: Figures) -> None:
    """Figures on both sides of a merge of c-a1 and c-a2: each school's form (2025-2026), each
    commune's population and the legacy commune's (2024-2025, carried by c-a1)."""
    values_save = save_values
    actor = f.people.superuser
    for unit, data_set, period, values in (
        (f.org.school_a1, f.dn_th, f.start_2025, TH_FIGURES),
        (f.org.school_a2, f.dn_thcs, f.start_2025, THCS_FIGURES),
        (f.org.commune_a1, f.ds_xa, f.start_2025, {"DS_5T": 120}),
        (f.org.commune_a2, f.ds_xa, f.start_2025, {"DS_5T": 80}),
        (f.legacy_commune, f.ds_xa, f.start_2024, {"DS_5T": 50}),
    ):
        values_save(actor=actor, unit=unit, data_set=data_set, period=period, values=values)


def merge_communes(f: Figures) -> OrgUnit:
    """c-a1 and c-a2 merge into a new commune c-a12 on 1/9/2025 (the orgunits service)."""
    from namhoc.orgunits.services import orgunit_merge

    return orgunit_merge(
        actor=f.people.superuser,
        units=[f.org.commune_a1, f.org.commune_a2],
        date=MERGE_DAY,
        name="Xã An Hòa",
        key="c-a12",
    )


def aggregates_now() -> dict[tuple[int, int, int], tuple[Decimal, int]]:
    """Every aggregate row, keyed like ``rollup.recompute_from_raw``."""
    return {
        (unit_id, element_id, period_id): (total, count)
        for unit_id, element_id, period_id, total, count in Aggregate.objects.values_list(
            "unit_id", "element_id", "period_id", "total", "count"
        )
    }


def add_school(parent: OrgUnit, number: int, key: str, name: str, level: str) -> OrgUnit:
    """A current school under ``parent`` (slot ``number`` among its children)."""
    path = child_path(parent.path, number)
    unit = OrgUnit.objects.create(
        key=key,
        name=name,
        name_folded=fold(name),
        kind=OrgUnit.Kind.SCHOOL,
        school_level=level,
        parent=parent,
        path=path,
        depth=depth_of(path),
        is_synthetic=True,
    )
    OrgUnitPlacement.objects.create(unit=unit, parent=parent, path=path, depth=unit.depth)
    return unit
