"""Shared by the fuzzers and their conftest: the number of cases each tried in this run (printed
at the end of the session), the answers they got (printed with ``NAMHOC_FUZZ_STATUSES=1``) and
the world's real values per parameter name."""

from __future__ import annotations

from collections import Counter
from typing import Any

CASES: Counter[str] = Counter()
STATUSES: Counter[str] = Counter()
POOLS: dict[str, list[Any]] = {}
