"""The bar chart's labels are cut exactly as the ``truncatechars`` filter the dashboard used."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from django.template.defaultfilters import truncatechars

from namhoc.indicators.charts import LABEL_CHARS, bar_chart

LONG = "Trường Trung học cơ sở Nguyễn Bỉnh Khiêm thành phố Hải Phòng"


@pytest.mark.parametrize(
    "label",
    [
        "Xã An Lão",
        "",
        "x" * LABEL_CHARS,
        "x" * (LABEL_CHARS + 1),
        LONG,
        unicodedata.normalize("NFD", LONG),  # combining marks do not count as characters
        unicodedata.normalize("NFD", LONG[:LABEL_CHARS]),
    ],
)
def test_a_bars_label_is_cut_like_truncatechars(label: str) -> None:
    chart = bar_chart([(label, Decimal(5), None, "none", "")])
    assert chart.bars[0].short == truncatechars(label, LABEL_CHARS)
    assert chart.bars[0].label == label
