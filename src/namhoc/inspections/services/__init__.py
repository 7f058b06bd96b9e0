"""Use cases on inspections (ADR 0007, 0011), one module per stage:

- :mod:`.planning` — the plan of a school year, its inspections, their teams and checklists;
- :mod:`.conduct` — the checklist's results, the findings and the recommendations;
- :mod:`.concluding` — the conclusion: a published document of the inspecting unit whose tasks
  are the recommendations, each given to the inspected unit as tracked work.

Every user action takes the acting user and the raw input, checks access through
``inspections.access``, parses with ``core.parsing`` and writes in one transaction with the
contended row locked and its audit rows beside the change.
"""

from __future__ import annotations

from namhoc.inspections.services.concluding import (
    CONCLUSION_DOC_TYPE,
    FOLLOW_UP_NOTE,
    inspection_conclude,
)
from namhoc.inspections.services.conduct import (
    MAX_RECOMMENDATIONS,
    findings_save,
    recommendation_add,
    recommendation_delete,
    recommendation_update,
    results_record,
)
from namhoc.inspections.services.planning import (
    MAX_CHECKLIST_ITEMS,
    MAX_TEAM,
    checklist_add,
    checklist_remove,
    inspection_create,
    inspection_update,
    plan_create,
    plan_update,
    team_set,
)

__all__ = [
    "CONCLUSION_DOC_TYPE",
    "FOLLOW_UP_NOTE",
    "MAX_CHECKLIST_ITEMS",
    "MAX_RECOMMENDATIONS",
    "MAX_TEAM",
    "checklist_add",
    "checklist_remove",
    "findings_save",
    "inspection_conclude",
    "inspection_create",
    "inspection_update",
    "plan_create",
    "plan_update",
    "recommendation_add",
    "recommendation_delete",
    "recommendation_update",
    "results_record",
    "team_set",
]
