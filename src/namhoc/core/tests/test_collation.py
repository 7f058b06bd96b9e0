"""Names sort in Vietnamese order in Python and in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from namhoc.core.collation import collate_vi, vi_sort_key
from namhoc.orgunits.models import OrgUnit

NAMES = ["Việt Hòa", "Phường Ái Quốc", "Hưng Đạo", "Hòa Bình", "Hải An", "Chu Văn An", "Chí Linh"]
ORDER = ["Chí Linh", "Chu Văn An", "Hải An", "Hòa Bình", "Hưng Đạo", "Phường Ái Quốc", "Việt Hòa"]


def test_python_sorts_the_vietnamese_way() -> None:
    assert sorted(NAMES, key=vi_sort_key) == ORDER
    # letters before tones: ă after every plain a; đ after every d; tones break ties in order
    assert sorted(["ăn", "âm", "an", "Đà Nẵng", "Dương", "dê"], key=vi_sort_key) == [
        "an",
        "ăn",
        "âm",
        "dê",
        "Dương",
        "Đà Nẵng",
    ]
    assert sorted(["má", "mạ", "mà", "mã", "ma", "mả"], key=vi_sort_key) == [
        "ma",
        "mà",
        "mả",
        "mã",
        "má",
        "mạ",
    ]
    # decomposed input (NFD) and old tone placement sort like their NFC forms
    assert vi_sort_key("Hòa") == vi_sort_key("Hòa")
    assert sorted(["Trường 10", "Trường 2", "trường 1"], key=vi_sort_key)[0] == "trường 1"


@pytest.mark.django_db
def test_the_database_sorts_the_vietnamese_way(org) -> None:
    for number, name in enumerate(NAMES, start=1):
        OrgUnit.objects.create(
            key=f"x-{number}",
            name=name,
            name_folded=name.lower(),
            kind="commune",
            path=f"9999{number:04d}",
            depth=1,
        )
    rows = OrgUnit.objects.filter(key__startswith="x-").order_by(collate_vi("name"), "pk")
    assert [unit.name for unit in rows] == ORDER
