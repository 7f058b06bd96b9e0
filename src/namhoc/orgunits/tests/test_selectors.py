import datetime as dt

import pytest

from namhoc.orgunits import selectors
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tests.factories import Tree

BEFORE = dt.date(2024, 6, 30)


def keys(units) -> list[str]:
    return sorted(u.key for u in units)


def test_current_subtree_of_a_province(tree: Tree) -> None:
    assert keys(selectors.subtree(tree.hai_phong)) == [
        "c2025-11074",
        "c2025-11311",
        "p2025-31",
        "s-31-00001",
        "s-31-00002",
        "s-31-00003",
    ]
    assert keys(selectors.subtree(tree.hai_phong, kinds=["school"], include_self=False)) == [
        "s-31-00001",
        "s-31-00002",
        "s-31-00003",
    ]


def test_current_subtree_is_one_query(tree: Tree, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        assert len(list(selectors.subtree(tree.ministry))) == 10


def test_province_as_of_before_the_reform_shows_its_pre_reform_parts(tree: Tree) -> None:
    assert keys(selectors.counterparts(tree.hai_phong, BEFORE)) == ["p2024-30", "p2024-31"]
    assert keys(selectors.children(tree.hai_phong, as_of=BEFORE)) == [
        "d2024-298",
        "d2024-303",
        "s-31-00003",
    ]
    assert keys(selectors.subtree(tree.hai_phong, as_of=BEFORE)) == [
        "c2024-11074",
        "c2024-11077",
        "c2024-11311",
        "d2024-298",
        "d2024-303",
        "p2024-30",
        "p2024-31",
        "s-31-00001",
        "s-31-00002",
        "s-31-00003",
    ]


def test_ministry_as_of_before_has_the_legacy_provinces(tree: Tree) -> None:
    assert keys(selectors.children(tree.ministry, as_of=BEFORE)) == [
        "p2024-01",
        "p2024-30",
        "p2024-31",
    ]
    assert keys(selectors.children(tree.ministry)) == ["p2025-01", "p2025-31"]


def test_school_ancestors_now_and_before(tree: Tree) -> None:
    assert [u.key for u in selectors.ancestors(tree.school_mn)] == [
        "bo-gddt",
        "p2025-31",
        "c2025-11074",
    ]
    assert [u.key for u in selectors.ancestors(tree.school_mn, as_of=BEFORE)] == [
        "bo-gddt",
        "p2024-30",
        "d2024-298",
        "c2024-11074",
    ]


def test_dissolved_unit_without_date_answers_with_its_last_day(tree: Tree) -> None:
    assert keys(selectors.children(tree.tu_ky_district)) == ["c2024-11074", "c2024-11077"]
    assert keys(selectors.subtree(tree.tu_ky_district, kinds=["school"])) == [
        "s-31-00001",
        "s-31-00002",
    ]
    assert [u.key for u in selectors.ancestors(tree.tt_tu_ky)] == [
        "bo-gddt",
        "p2024-30",
        "d2024-298",
    ]


def test_legacy_unit_after_the_reform_answers_with_its_successors(tree: Tree) -> None:
    after = dt.date(2025, 9, 30)
    assert keys(selectors.counterparts(tree.xa_hung_dao, after)) == [
        "c2025-11074",
        "c2025-11311",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "tu ky",
            ["c2025-11074", "s-31-00001", "s-31-00002", "s-31-00003", "c2024-11074", "d2024-298"],
        ),
        (
            "TỨ KỲ",
            ["c2025-11074", "s-31-00001", "s-31-00002", "s-31-00003", "c2024-11074", "d2024-298"],
        ),
        ("hai duong", ["p2024-30"]),
        ("khong co", []),
    ],
)
def test_search_ignores_case_and_diacritics(tree: Tree, text: str, expected: list[str]) -> None:
    found = list(selectors.search(text))
    assert sorted(u.key for u in found) == sorted(expected)
    eras = [u.valid_to is None for u in found]
    assert eras == sorted(eras, reverse=True)  # current units first


def test_search_as_of_and_within(tree: Tree) -> None:
    assert keys(selectors.search("tu ky", as_of=BEFORE, kinds=["district"])) == ["d2024-298"]
    within = selectors.subtree(tree.ha_noi)
    assert keys(selectors.search("ba dinh", within=within)) == ["c2025-00004", "s-01-00001"]
    assert keys(selectors.search("tu ky", within=within)) == []


def test_successors_and_resolution(tree: Tree) -> None:
    assert keys(selectors.successors(tree.xa_hung_dao)) == ["c2025-11074", "c2025-11311"]
    assert keys(selectors.predecessors(tree.hai_phong)) == [
        "d2024-298",
        "d2024-303",
        "p2024-30",
        "p2024-31",
    ]
    assert selectors.resolve_to_current(tree.xa_hung_dao) == tree.tu_ky  # the default heir
    assert selectors.resolve_to_current(tree.hoang_van_thu) == tree.hong_bang
    assert selectors.resolve_to_current(tree.tu_ky_district) == tree.hai_phong
    assert selectors.resolve_to_current(tree.hai_duong_old) == tree.hai_phong
    assert selectors.resolve_to_current(tree.tu_ky) == tree.tu_ky
    # before the reform the legacy unit is its own answer
    assert selectors.resolve_to_current(tree.tt_tu_ky, BEFORE) == tree.tt_tu_ky


def test_resolve_many_in_a_few_queries(tree: Tree, django_assert_max_num_queries) -> None:
    ids = [tree.tt_tu_ky.pk, tree.xa_hung_dao.pk, tree.hai_duong_old.pk, tree.school_mn.pk]
    with django_assert_max_num_queries(4):
        result = selectors.resolve_many(ids)
    assert result == {
        tree.tt_tu_ky.pk: tree.tu_ky.pk,
        tree.xa_hung_dao.pk: tree.tu_ky.pk,
        tree.hai_duong_old.pk: tree.hai_phong.pk,
        tree.school_mn.pk: tree.school_mn.pk,
    }


def test_unit_history_lists_the_events_that_touched_it(tree: Tree) -> None:
    events = list(selectors.unit_history(tree.xa_hung_dao))
    assert [e.title for e in events] == ["merge Xã Tứ Kỳ", "merge Phường Hồng Bàng"]
    links = selectors.event_links(events)
    assert sorted(
        (link.share, link.is_primary)
        for e in events
        for link in links[e.pk]
        if link.predecessor_id == tree.xa_hung_dao.pk
    ) == [
        ("part", False),
        ("part", True),
    ]


def test_count_by_kind(tree: Tree) -> None:
    counts = selectors.count_by_kind(selectors.subtree(tree.hai_phong, include_self=False))
    assert counts == [
        {"kind": "commune", "school_level": "", "n": 2},
        {"kind": "school", "school_level": "mam_non", "n": 1},
        {"kind": "school", "school_level": "thpt", "n": 1},
        {"kind": "school", "school_level": "tieu_hoc", "n": 1},
    ]


def test_top_units_of_a_scope(tree: Tree) -> None:
    scope = OrgUnit.objects.filter(pk__in=[tree.tu_ky.pk, tree.school_mn.pk, tree.ba_dinh.pk])
    assert keys(selectors.top_units(scope)) == ["c2025-00004", "c2025-11074"]
