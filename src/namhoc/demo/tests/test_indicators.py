"""The demo figures: plausible, rolled up, and loaded once."""

from __future__ import annotations

from typing import Any

import pytest

from namhoc.demo.indicators import load_demo_indicators
from namhoc.indicators.models import Aggregate, DataValue, Target
from namhoc.indicators.rollup import recompute_from_raw
from namhoc.indicators.tests.helpers import Figures, setup_figures


@pytest.fixture
def figures(org: Any, people: Any) -> Figures:
    return setup_figures(org, people)


def test_demo_figures_are_plausible_and_rolled_up(figures: Figures) -> None:
    load_demo_indicators(verbose=False)
    count = DataValue.objects.count()
    assert count > 50
    load_demo_indicators(verbose=False)  # idempotent
    assert DataValue.objects.count() == count
    stored = {
        (u, e, p): (t, c)
        for u, e, p, t, c in Aggregate.objects.values_list(
            "unit_id", "element_id", "period_id", "total", "count"
        )
    }
    assert stored == recompute_from_raw()
    assert Target.objects.filter(unit=figures.org.province_a).exists()
