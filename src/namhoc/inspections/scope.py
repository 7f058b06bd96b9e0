"""What an inspection's checklist may be drawn from: the tasks the inspected unit was given in
the plan's school year (on documents in force) and the catalogue's indicators. Read by the page
(to offer them) and by the use case (to accept only them) — one rule, written once."""

from __future__ import annotations

from django.db.models import QuerySet

from namhoc.core.collation import collate_vi
from namhoc.directives.models import Directive, DirectiveTask
from namhoc.indicators.models import Indicator
from namhoc.inspections.models import Inspection
from namhoc.tracking.models import Assignment

__all__ = ["scope_indicators", "scope_tasks"]


def scope_tasks(inspection: Inspection) -> QuerySet[DirectiveTask]:
    """The tasks given to the inspected unit for the plan's school year, on documents in force,
    in the order of their documents and positions."""
    given = Assignment.objects.filter(
        unit_id=inspection.unit_id,
        school_year=inspection.plan.school_year,
        task__directive__status=Directive.Status.PUBLISHED,
    ).values("task_id")
    return (
        DirectiveTask.objects.filter(pk__in=given)
        .select_related("directive")
        .order_by("directive__issued_on", "directive_id", "position")
    )


def scope_indicators() -> QuerySet[Indicator]:
    """The catalogue's indicators, by group and name (Vietnamese order)."""
    return Indicator.objects.order_by(collate_vi("group"), collate_vi("name"), "pk")
