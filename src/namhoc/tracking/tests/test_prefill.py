"""Pre-filling assignments from the reader's hints: folded names, type words, levels, ranking."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from namhoc.tracking.prefill import Level, core_name, level_of, propose


@dataclass(frozen=True)
class U:
    pk: int
    name: str
    kind: str = "commune"
    school_level: str = ""


UNITS = [
    U(1, "Xã An Lạc"),
    U(2, "Phường Hòa Bình"),
    U(3, "Trường Tiểu học An Lạc", "school", "tieu_hoc"),
    U(4, "Trường Tiểu học An Lạc 2", "school", "tieu_hoc"),
    U(5, "Trường THCS Hòa Bình", "school", "thcs"),
    U(6, "Xã Kim Đồng"),
    U(7, "Xã Kim Đồng Tây"),
]


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("UBND xã An Lạc", "an lac"),
        ("Ủy ban nhân dân phường Hòa Bình", "hoa binh"),
        ("ubnd PHUONG hoa binh", "hoa binh"),
        ("Trường TH An Lạc", "tieu hoc an lac"),
        ("Trường Tiểu học An Lạc", "tieu hoc an lac"),
        ("Trường THCS Hòa Bình", "trung hoc co so hoa binh"),
        ("Phòng GDĐT", ""),
        ("Phòng GD&ĐT", ""),
        ("Sở Giáo dục và Đào tạo", ""),
        ("Thành phố Phú An", "phu an"),
        ("huyện Phú Lộc", "phu loc"),
    ],
)
def test_core_name_folds_and_strips_type_words(name, core):
    assert core_name(name) == core


@pytest.mark.parametrize(
    ("hint", "level"),
    [
        ("các trường THCS", Level("school", "thcs", "các trường THCS")),
        ("Các trường mầm non", Level("school", "mam_non", "Các trường mầm non")),
        ("các trường", Level("school", "", "các trường")),
        ("các trường mầm non, tiểu học", Level("school", "", "các trường mầm non, tiểu học")),
        ("UBND các xã, phường", Level("commune", "", "UBND các xã, phường")),
        ("tất cả các phường", Level("commune", "", "tất cả các phường")),
        ("UBND các tỉnh, thành phố", Level("province", "", "UBND các tỉnh, thành phố")),
        ("các sở, ngành", None),
        ("UBND xã An Lạc", None),
    ],
)
def test_level_of_a_plural_hint(hint, level):
    assert level_of(hint) == level


def test_exact_matches_rank_before_and_exclude_prefix_matches():
    # "Xã Kim Đồng" matches exactly, so "Xã Kim Đồng Tây" (a prefix match) is not proposed.
    assert propose(["UBND xã Kim Đồng"], UNITS).units == [6]
    # No exact "Trường Tiểu học An Lạc 3": nothing; "…An Lạc" is exact for 3 only.
    assert propose(["Trường TH An Lạc"], UNITS).units == [3]
    # Without the exact one among the candidates, the prefix matches are proposed.
    assert propose(["Trường TH An Lạc"], [u for u in UNITS if u.pk != 3]).units == [4]
    # Exact matches of every hint come first, then prefix matches.
    proposal = propose(["Kim", "Hòa Bình"], UNITS)
    assert proposal.units == [2, 6, 7]
    assert proposal.levels == []


def test_diacritics_and_case_do_not_matter():
    assert propose(["UBND XA AN LAC", "phuong hoa binh"], UNITS).units == [1, 2]


def test_a_hint_listing_several_units():
    assert propose(["UBND xã An Lạc, phường Hòa Bình và Trường THCS Hòa Bình"], UNITS).units == [
        1,
        2,
        5,
    ]


def test_plural_hints_offer_a_level_and_no_unit():
    proposal = propose(["các trường THCS", "UBND các xã, phường", "các xã"], UNITS)
    assert proposal.units == []
    assert [lv.value for lv in proposal.levels] == ["school:thcs", "commune"]
    # A level with no candidate unit is not offered.
    assert propose(["các trường mầm non"], UNITS).levels == []


def test_names_that_are_only_type_or_level_words_propose_nothing():
    proposal = propose(["Phòng GDĐT", "Trường Tiểu học", "Sở Giáo dục và Đào tạo", "xã"], UNITS)
    assert (proposal.units, proposal.levels) == ([], [])
