from __future__ import annotations

from typing import Any

import pytest

from namhoc.indicators.tests.helpers import Figures, setup_figures


@pytest.fixture
def figures(org: Any, people: Any) -> Figures:
    return setup_figures(org, people)
