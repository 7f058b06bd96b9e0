"""Every write to figures, one use case per user action (ADR 0007), shared by the pages, the
API, the Excel import and the CLI: values (with their roll-ups), approvals, targets, the Excel
round trip, and keeping the roll-ups built for the current org tree. Each takes the acting user
and the raw input, checks access through :mod:`namhoc.indicators.access`, parses with
:mod:`namhoc.core.parsing`, and writes in one audited transaction.
"""

from namhoc.indicators.freshness import (
    REBUILD_REQUEST_LAPSES,
    RollupsRebuilt,
    rollups_rebuild,
    rollups_rebuild_request,
)
from namhoc.indicators.services.approvals import REASON_MAX, approval_approve, approval_revoke
from namhoc.indicators.services.targets import AllocationResult, target_allocate, target_set
from namhoc.indicators.services.values import (
    ConfirmDeletes,
    InvalidValues,
    SaveResult,
    StaleValues,
    Unset,
    value_set,
    values_save,
    values_write,
)

# Last (as sorted anyway): the Excel module reads the names above from this package.
from namhoc.indicators.services.workbooks import (
    Download,
    values_import,
    values_template,
)

__all__ = [
    "REASON_MAX",
    "REBUILD_REQUEST_LAPSES",
    "AllocationResult",
    "ConfirmDeletes",
    "Download",
    "InvalidValues",
    "RollupsRebuilt",
    "SaveResult",
    "StaleValues",
    "Unset",
    "approval_approve",
    "approval_revoke",
    "rollups_rebuild",
    "rollups_rebuild_request",
    "target_allocate",
    "target_set",
    "value_set",
    "values_import",
    "values_save",
    "values_template",
    "values_write",
]
