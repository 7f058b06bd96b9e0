"""What the web form fuzzer types into a field: hypothesis strategies for hostile and unlucky
input — Unicode digits ("²", "٣", "１２"), huge and negative numbers, exponents, NaN, long
strings (10 k – 1 M characters), empty, control characters, dates in odd formats, several
values where one is expected, the world's ids and keys (other units' objects among them) —
and random small files with any name and type for upload fields."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

ODD = (
    "",
    " ",
    "\t\n",
    "0",
    "-0",
    "-1",
    "²",
    "³",
    "٣",
    "१२",
    "１２",
    "12²",
    "Ⅻ",
    "½",
    "1e20",
    "-1e20",
    "1E+400",
    "1e-400",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-inf",
    "99999999999999999999",
    "-99999999999999999999",
    "9" * 400,
    "1.250,5",
    "1,250.5",
    "12,5",
    "1.2.3",
    "0x1F",
    "1_000",
    "+5",
    "5%",
    "31/02/2026",
    "29/02/2025",
    "00/00/0000",
    "32/13/2026",
    "1/1/1",
    "01/01/99999",
    "2026-13-45",
    "9999-12-31",
    "0001-01-01",
    "2026/05/20",
    "20-05-2026T10:00",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "%s%n",
    "../../etc/passwd",
    '=HYPERLINK("http://x")',
    "2024-2025",
    "2025-2026",
    "2026-2025",
    "0000-0001",
)

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%m/%d/%Y", "%d/%m/%y", "%d.%m.%Y", "%Y%m%d")


def long_text() -> st.SearchStrategy[str]:
    """10 thousand to 1 million characters (one letter repeated: cheap to make)."""
    return st.tuples(
        st.sampled_from(["a", "ạ", "9", " ", "\n", "𝟗"]), st.integers(10_000, 1_000_000)
    ).map(lambda pair: pair[0] * pair[1])


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(10**30), 10**30).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
        st.from_regex(r"[-+]?[0-9٠-٩０-９²³¹.,eE ]{1,24}", fullmatch=True),
    )


def dates() -> st.SearchStrategy[str]:
    return st.tuples(st.dates(dt.date(1, 1, 1)), st.sampled_from(DATE_FORMATS)).map(
        lambda pair: pair[0].strftime(pair[1])
    )


def scalar(real: Sequence[str] = ()) -> st.SearchStrategy[str]:
    """One value as a person (or a script) might type it. Long texts are one draw in ten: they
    cost the most to send and to parse."""
    common: list[st.SearchStrategy[str]] = [
        st.sampled_from(ODD),
        st.text(max_size=40),  # any Unicode, control characters included
        numbers(),
        dates(),
    ]
    if real:
        common.append(st.sampled_from(list(real)))
    usual = st.one_of(common)
    return st.sampled_from(range(10)).flatmap(lambda i: long_text() if i == 0 else usual)


def _file_name(name: str) -> str:
    """The test client refuses to send what Django would never hand a view ("", ".", "..")."""
    name = name.replace("\x00", "")
    return "tep" if os.path.basename(name) in ("", ".", "..") else name


def uploaded_file() -> st.SearchStrategy[SimpleUploadedFile]:
    names = st.one_of(
        st.sampled_from(
            [
                "van-ban.pdf",
                "van-ban.docx",
                "van-ban.doc",
                "so-lieu.xlsx",
                "mau.docx",
                "a.txt",
                "a.html",
                "anh.png",
                "x.exe",
                "",
                ".",
                "../../etc/passwd",
                "a" * 300 + ".pdf",
                "tệp tiếng Việt.docx",
                "a.PDF",
                "no-extension",
            ]
        ),
        st.text(max_size=30),
    )
    heads = st.sampled_from(
        [
            b"",
            b"%PDF-1.4\n",
            b"PK\x03\x04",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            b"<html>",
            b"\x89PNG\r\n\x1a\n",
            b"\xff\xd8\xff",
            b"\xef\xbb\xbf",
        ]
    )
    types = st.sampled_from(
        [
            "application/pdf",
            "application/octet-stream",
            "text/plain",
            "image/png",
            "",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ]
    )
    return st.builds(
        lambda name, head, body, kind: SimpleUploadedFile(
            _file_name(name), head + body, content_type=kind
        ),
        names,
        heads,
        st.binary(max_size=2048),
        types,
    )


def field_value(
    kind: str, valid: Sequence[str], real: Sequence[str], *, multipart: bool
) -> st.SearchStrategy[Any]:
    """A fuzzed value for one field: a hostile scalar, several of them (a list where one is
    expected), one of its own valid values, a real id/key, or a file where text is expected
    (and text where a file is)."""
    one: st.SearchStrategy[Any] = scalar(real)
    if valid:
        one = st.one_of(one, st.sampled_from(list(valid)))
    if kind == "file":
        return st.one_of(
            uploaded_file(), st.lists(uploaded_file(), min_size=2, max_size=3), scalar()
        )
    several = st.lists(one, min_size=2, max_size=3)
    if multipart:
        return st.one_of(one, several, uploaded_file())
    return st.one_of(one, several)
