"""Writes to the hierarchy (ADR 0003): bulk loads (``loading``) and structural changes
(``structure``). Each service is atomic, keyword-only, audited, and raises DomainError."""

from namhoc.orgunits.services.loading import schools_generate, units_load_admin
from namhoc.orgunits.services.structure import (
    SplitPart,
    orgunit_merge,
    orgunit_move,
    orgunit_rename,
    orgunit_split,
)

__all__ = [
    "SplitPart",
    "orgunit_merge",
    "orgunit_move",
    "orgunit_rename",
    "orgunit_split",
    "schools_generate",
    "units_load_admin",
]
