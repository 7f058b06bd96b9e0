# ruff: noqa: E501  (tables of exact expected values read better one per line)
"""The numbering grammar, including every trap DOMAIN.md lists."""

from __future__ import annotations

import pytest

from namhoc.ingest.citations import find_citations
from namhoc.ingest.normalize import normalize_text


def cite(text: str) -> list[tuple[str, str, str | None, int | None, str | None, str | None]]:
    return [
        (c.number, c.canonical, c.doc_type, c.year, c.issuer_code, c.date)
        for c in find_citations(normalize_text(text))
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chỉ thị số 1112/CT-BGDĐT ngày 19/8/2022", [("1112/CT-BGDĐT", "1112/CT-BGDĐT", "Chỉ thị", 2022, "BGDĐT", "2022-08-19")]),
        ("Công văn 4555/BGDĐT-GDPT ngày 05/8/2025", [("4555/BGDĐT-GDPT", "4555/BGDĐT-GDPT", "Công văn", 2025, "BGDĐT", "2025-08-05")]),
        ("Nghị định 71/2020/NĐ-CP", [("71/2020/NĐ-CP", "71/2020/NĐ-CP", "Nghị định", 2020, "CP", None)]),
        ("Luật số 43/2019/QH14", [("43/2019/QH14", "43/2019/QH14", "Luật", 2019, "QH", None)]),
        ("Chỉ thị 05-CT/TW", [("05-CT/TW", "05-CT/TW", "Chỉ thị", None, "TW", None)]),
        ("theo 3248/QĐ- UBND ngày 15 tháng 12 năm 2021", [("3248/QĐ-UBND", "3248/QĐ-UBND", "Quyết định", 2021, "UBND", "2021-12-15")]),
        ("Thông tư 07/2016/TT-GDĐT", [("07/2016/TT-GDĐT", "07/2016/TT-BGDĐT", "Thông tư", 2016, "BGDĐT", None)]),
        ("Quyết định 44 /2005/QĐ-UBND", [("44/2005/QĐ-UBND", "44/2005/QĐ-UBND", "Quyết định", 2005, "UBND", None)]),
        ("23/2015/TTLT-BGD ĐT-BNV", [("23/2015/TTLT-BGDĐT-BNV", "23/2015/TTLT-BGDĐT-BNV", "Thông tư liên tịch", 2015, "BGDĐT-BNV", None)]),
        ("Thông tư 31/2013TT-BGDĐT", [("31/2013TT-BGDĐT", "31/2013/TT-BGDĐT", "Thông tư", 2013, "BGDĐT", None)]),
        ("Quyết định số31-QĐ/TW", [("31-QĐ/TW", "31-QĐ/TW", "Quyết định", None, "TW", None)]),
        ("Thông tư 18-2019-TT-BGDĐT", [("18-2019-TT-BGDĐT", "18/2019/TT-BGDĐT", "Thông tư", 2019, "BGDĐT", None)]),
        ("Công văn số 616/SGDĐT\ufffeKTKĐCLGD ngày 08/6/2020", [("616/SGDĐT-KTKĐCLGD", "616/SGDĐT-KTKĐCLGD", "Công văn", 2020, "SGDĐT", "2020-06-08")]),
        # The code is kept as its issuer writes it ("&" and all); the issuer code is the table's.
        ("Văn bản số 42/CV-PGD&ĐT ngày 07/12/2019", [("42/CV-PGD&ĐT", "42/CV-PGD&ĐT", "Công văn", 2019, "PGDĐT", "2019-12-07")]),
        ("Kế hoạch số 25/KH-PGD&ĐT", [("25/KH-PGD&ĐT", "25/KH-PGD&ĐT", "Kế hoạch", None, "PGDĐT", None)]),
        ("Công văn 1209/SGDĐT-GDTrH&GDTX", [("1209/SGDĐT-GDTrH&GDTX", "1209/SGDĐT-GDTrH&GDTX", "Công văn", None, "SGDĐT", None)]),
        # A dispatch numbered with its issuer alone, after "Công văn"/"Văn bản".
        ("Công văn số 123/PGDĐT ngày 05/9/2024", [("123/PGDĐT", "123/PGDĐT", "Công văn", 2024, "PGDĐT", "2024-09-05")]),
        ("theo Văn bản 45/UBND ngày 02/10/2024", [("45/UBND", "45/UBND", "Văn bản", 2024, "UBND", "2024-10-02")]),
        # Issuer codes truncated or mistyped in a Thông tư: corrected, the text as written kept.
        ("Thông tư số 12/2020/TT-BGD", [("12/2020/TT-BGD", "12/2020/TT-BGDĐT", "Thông tư", 2020, "BGDĐT", None)]),
        ("Thông tư số 32/2020/TT-GDĐT", [("32/2020/TT-GDĐT", "32/2020/TT-BGDĐT", "Thông tư", 2020, "BGDĐT", None)]),
        ("Thông tư 28/2020/TT-BGD&ĐT", [("28/2020/TT-BGD&ĐT", "28/2020/TT-BGD&ĐT", "Thông tư", 2020, "BGDĐT", None)]),
        ("theo Thông tư số 17/2018/\nTT-BGDĐT ngày", [("17/2018/TT-BGDĐT", "17/2018/TT-BGDĐT", "Thông tư", 2018, "BGDĐT", None)]),
        ("Quyết định số 472/QD-UBND", [("472/QD-UBND", "472/QĐ-UBND", "Quyết định", None, "UBND", None)]),
        ("Văn bản hợp nhất số 03/VBHN-BGDĐT ngày 03/5/2019", [("03/VBHN-BGDĐT", "03/VBHN-BGDĐT", "Văn bản hợp nhất", 2019, "BGDĐT", "2019-05-03")]),
    ],
)  # fmt: skip
def test_citation_grammar(text: str, expected: list[tuple[object, ...]]) -> None:
    assert cite(text) == expected


def test_compound_list_is_three_documents_with_their_own_spans() -> None:
    text = normalize_text("theo Thông tư số 17, 18, 19/2018/TT-BGDĐT ngày 22 tháng 8 năm 2018")
    found = find_citations(text)
    assert [(c.canonical, text[c.start : c.end], c.date) for c in found] == [
        ("17/2018/TT-BGDĐT", "17", "2018-08-22"),
        ("18/2018/TT-BGDĐT", "18", "2018-08-22"),
        ("19/2018/TT-BGDĐT", "19/2018/TT-BGDĐT", "2018-08-22"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "kỷ niệm 40 năm Ngày Nhà giáo Việt Nam (20/11/1982-20/11/2022)",
        "phòng COVID -19 cho học sinh",
        "tổ chức dạy học 2 buổi/ngày, giảm số lớp/trường",
        "Thứ 5 Ngày 14/5/2020, 10:13:21 AM",
        "Điện thoại: 2020.3747224-Email: ubnd@example.vn",
        "giai đoạn 2021 - 2030; mức độ 3,4",
        "sĩ số 35/lớp, 12/UBND",  # a single code only after "Công văn"/"Văn bản"
        "Công văn số 12/ABC",  # nor a code that no issuer uses
    ],
)
def test_things_that_are_not_citations(text: str) -> None:
    assert cite(text) == []
