from __future__ import annotations

import pytest

from namhoc.orgunits.tests.factories import Tree, make_tree


@pytest.fixture
def tree(db: None) -> Tree:
    return make_tree()
