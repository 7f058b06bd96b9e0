import datetime as dt

import pytest

from namhoc.orgunits.tree import (
    ancestor_paths,
    child_path,
    depth_of,
    is_valid_on,
    path_upper,
    segment,
)


def test_segments_are_fixed_width_digits() -> None:
    assert segment(7) == "0007"
    assert child_path("0001", 34) == "00010034"
    assert depth_of("000100340017") == 2


@pytest.mark.parametrize("number", [0, 10_000])
def test_segment_out_of_range_is_refused(number: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        segment(number)


def test_path_upper_is_the_next_sibling_with_carry() -> None:
    assert path_upper("00010034") == "00010035"
    assert path_upper("00019999") == "00020000"
    # every descendant sorts inside [path, upper)
    path, first, last = "00010034", "000100340001", "000100349999"
    assert path < first < last < path_upper(path)


def test_ancestor_paths_root_first() -> None:
    assert ancestor_paths("000100340017") == ["0001", "00010034"]
    assert ancestor_paths("0001") == []


def test_validity_is_half_open() -> None:
    reform = dt.date(2025, 7, 1)
    assert is_valid_on(None, reform, dt.date(2025, 6, 30))
    assert not is_valid_on(None, reform, reform)
    assert is_valid_on(reform, None, reform)
