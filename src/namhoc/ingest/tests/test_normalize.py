from __future__ import annotations

import pytest

from namhoc.ingest.normalize import normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hoá học, khoẻ mạnh, Uỷ ban", "hóa học, khỏe mạnh, Ủy ban"),
        ("quý, thuỷ, HOÀ BÌNH, hoàng", "quý, thủy, HÒA BÌNH, hoàng"),
        ("Ðào tạo", "Đào tạo"),
        ("tr\u01a3ờng, TR\u01a2ỜNG", "trường, TRƯỜNG"),
        ("số\u00a014.", "số 14."),
        ("2022\u20132023", "2022-2023"),
        ("SGDĐT\ufffeKTKĐCLGD", "SGDĐT-KTKĐCLGD"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("Nghi\u0323 đi\u0323nh", "Nghị định"),
        ("zero\u200bwidth\u00adsoft", "zerowidthsoft"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected
