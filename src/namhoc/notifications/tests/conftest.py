from __future__ import annotations

from typing import Any

import pytest

from namhoc.directives.models import Directive
from namhoc.directives.tests.helpers import PROVINCE_DOC, published


@pytest.fixture
def plan(org: Any, people: Any) -> Directive:
    """The province's plan, published by its specialist (the communes hear of it)."""
    return published(people.province_officer, org.province_a, PROVINCE_DOC)
