import datetime as dt

import pytest

from namhoc.core.errors import DomainError
from namhoc.core.models_audit import AuditEvent
from namhoc.orgunits import selectors
from namhoc.orgunits.models import OrgUnit, OrgUnitEvent, OrgUnitPlacement
from namhoc.orgunits.services import (
    SplitPart,
    orgunit_merge,
    orgunit_move,
    orgunit_rename,
    orgunit_split,
)
from namhoc.orgunits.tests.factories import Tree

DAY = dt.date(2025, 9, 1)
BEFORE = dt.date(2025, 8, 31)


def keys(units) -> list[str]:
    return sorted(u.key for u in units)


def test_rename_keeps_the_old_name_in_history_and_audits(tree: Tree) -> None:
    event = orgunit_rename(actor=None, unit=tree.tu_ky, name="Xã Tứ Kỳ Mới", date=DAY)

    tree.tu_ky.refresh_from_db()
    assert (tree.tu_ky.name, tree.tu_ky.name_folded) == ("Xã Tứ Kỳ Mới", "xa tu ky moi")
    assert (event.kind, event.date, event.details) == (
        "rename",
        DAY,
        {"name": ["Xã Tứ Kỳ", "Xã Tứ Kỳ Mới"]},
    )
    assert list(selectors.unit_history(tree.tu_ky))[-1] == event
    audit = AuditEvent.objects.get(action="orgunit.rename")
    assert (audit.object_id, audit.unit_id, audit.changes) == (
        str(tree.tu_ky.pk),
        tree.tu_ky.pk,
        {"name": ["Xã Tứ Kỳ", "Xã Tứ Kỳ Mới"]},
    )


@pytest.mark.parametrize(
    ("name", "day", "code"),
    [
        ("  ", DAY, "required"),
        ("Xã Tứ Kỳ", DAY, "name_unchanged"),
        ("Xã Khác", dt.date(2099, 1, 1), "date_in_future"),
        ("Xã Khác", dt.date(2025, 7, 1), "date_too_early"),
    ],
)
def test_rename_refusals_change_nothing(tree: Tree, name: str, day: dt.date, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        orgunit_rename(actor=None, unit=tree.tu_ky, name=name, date=day)
    assert caught.value.code == code
    assert OrgUnit.objects.get(pk=tree.tu_ky.pk).name == "Xã Tứ Kỳ"
    assert not AuditEvent.objects.exists()
    assert not OrgUnitEvent.objects.filter(kind="rename").exists()


def test_rename_of_a_dissolved_unit_is_refused(tree: Tree) -> None:
    with pytest.raises(DomainError) as caught:
        orgunit_rename(actor=None, unit=tree.tu_ky_district, name="Huyện Khác", date=DAY)
    assert caught.value.code == "unit_dissolved"


def test_move_keeps_the_earlier_tree_readable(tree: Tree) -> None:
    orgunit_move(actor=None, unit=tree.tu_ky, new_parent=tree.ha_noi, date=DAY)

    tree.tu_ky.refresh_from_db()
    tree.school_mn.refresh_from_db()
    assert tree.tu_ky.parent == tree.ha_noi
    assert tree.school_mn.path.startswith(tree.tu_ky.path)
    assert keys(selectors.children(tree.ha_noi)) == ["c2025-00004", "c2025-11074"]
    assert keys(selectors.children(tree.hai_phong)) == ["c2025-11311", "s-31-00003"]
    assert keys(selectors.children(tree.hai_phong, as_of=BEFORE)) == [
        "c2025-11074",
        "c2025-11311",
        "s-31-00003",
    ]
    assert [u.key for u in selectors.ancestors(tree.school_mn, as_of=BEFORE)] == [
        "bo-gddt",
        "p2025-31",
        "c2025-11074",
    ]
    assert [u.key for u in selectors.ancestors(tree.school_mn)] == [
        "bo-gddt",
        "p2025-01",
        "c2025-11074",
    ]
    assert OrgUnitPlacement.objects.filter(unit=tree.school_mn).count() == 3
    assert AuditEvent.objects.get(action="orgunit.move").changes["parent"] == [
        tree.hai_phong.pk,
        tree.ha_noi.pk,
    ]


@pytest.mark.parametrize(
    ("unit", "parent", "code"),
    [
        ("tu_ky", "hai_phong", "same_parent"),
        ("hai_phong", "tu_ky", "invalid_parent"),
        ("tu_ky", "hai_duong_old", "invalid_parent"),
        ("tu_ky", "school_mn", "invalid_parent"),
        ("ministry", "hai_phong", "invalid_parent"),
    ],
)
def test_move_refusals(tree: Tree, unit: str, parent: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        orgunit_move(
            actor=None, unit=getattr(tree, unit), new_parent=getattr(tree, parent), date=DAY
        )
    assert caught.value.code == code
    assert not AuditEvent.objects.exists()


def test_merge_into_a_new_unit(tree: Tree) -> None:
    successor = orgunit_merge(
        actor=None,
        units=[tree.tu_ky, tree.hong_bang],
        date=DAY,
        name="Xã Tứ Kỳ - Hồng Bàng",
        key="c2025-90001",
    )

    assert (successor.parent, successor.valid_from, successor.kind) == (
        tree.hai_phong,
        DAY,
        "commune",
    )
    assert keys(selectors.children(successor)) == ["s-31-00001", "s-31-00002"]
    assert keys(selectors.children(tree.hai_phong)) == ["c2025-90001", "s-31-00003"]
    assert keys(selectors.children(tree.hai_phong, as_of=BEFORE)) == [
        "c2025-11074",
        "c2025-11311",
        "s-31-00003",
    ]
    assert OrgUnit.objects.get(pk=tree.tu_ky.pk).valid_to == DAY
    assert selectors.resolve_to_current(tree.tu_ky) == successor
    assert selectors.resolve_to_current(tree.tt_tu_ky) == successor  # two hops
    assert keys(selectors.counterparts(successor, BEFORE)) == ["c2025-11074", "c2025-11311"]
    assert AuditEvent.objects.filter(action="orgunit.merge").count() == 3


def test_merge_into_an_existing_unit(tree: Tree) -> None:
    successor = orgunit_merge(actor=None, units=[tree.hong_bang], into=tree.tu_ky, date=DAY)
    assert successor == tree.tu_ky
    assert keys(selectors.successors(tree.hong_bang)) == ["c2025-11074"]
    assert OrgUnit.objects.get(pk=tree.hong_bang.pk).valid_to == DAY


@pytest.mark.parametrize(
    ("units", "code"),
    [
        (["tu_ky"], "merge_too_few"),
        (["tu_ky", "ba_dinh", "school_mn"], "merge_kinds"),
        (["tu_ky", "tt_tu_ky"], "unit_dissolved"),
    ],
)
def test_merge_refusals(tree: Tree, units: list[str], code: str) -> None:
    with pytest.raises(DomainError) as caught:
        orgunit_merge(
            actor=None, units=[getattr(tree, u) for u in units], date=DAY, name="X", key="k-x"
        )
    assert caught.value.code == code
    assert not OrgUnit.objects.filter(key="k-x").exists()


def test_merge_with_a_taken_key_changes_nothing(tree: Tree) -> None:
    with pytest.raises(DomainError) as caught:
        orgunit_merge(
            actor=None, units=[tree.tu_ky, tree.hong_bang], date=DAY, name="X", key="p2025-01"
        )
    assert caught.value.code == "key_taken"
    assert OrgUnit.objects.get(pk=tree.tu_ky.pk).valid_to is None
    assert not AuditEvent.objects.exists()


def test_split_gives_children_to_the_parts_and_the_rest_to_the_primary(tree: Tree) -> None:
    north, south = orgunit_split(
        actor=None,
        unit=tree.tu_ky,
        parts=[
            SplitPart(key="c2025-90002", name="Xã Bắc Tứ Kỳ", children=[tree.school_mn]),
            SplitPart(key="c2025-90003", name="Xã Nam Tứ Kỳ", primary=True),
        ],
        date=DAY,
    )

    assert keys(selectors.children(north)) == ["s-31-00001"]
    assert keys(selectors.children(south)) == ["s-31-00002"]
    assert selectors.resolve_to_current(tree.tu_ky) == south
    assert keys(selectors.successors(tree.tu_ky)) == ["c2025-90002", "c2025-90003"]
    assert keys(selectors.children(tree.tu_ky, as_of=BEFORE)) == ["s-31-00001", "s-31-00002"]
    event = OrgUnitEvent.objects.get(kind="split")
    assert event.details == {"from": "c2025-11074", "into": ["c2025-90002", "c2025-90003"]}


def test_split_refuses_a_foreign_child(tree: Tree) -> None:
    with pytest.raises(DomainError) as caught:
        orgunit_split(
            actor=None,
            unit=tree.tu_ky,
            parts=[
                SplitPart(key="a-1", name="A", children=[tree.school_thcs]),
                SplitPart(key="a-2", name="B"),
            ],
            date=DAY,
        )
    assert caught.value.code == "split_children"
    assert not OrgUnit.objects.filter(key__in=["a-1", "a-2"]).exists()
