"""The words of a drafted document, written from the data (see :mod:`.report`, :mod:`.plan`)."""

from __future__ import annotations

import datetime as dt

from namhoc.core.types import Actor
from namhoc.orgunits.models import OrgUnit
from namhoc.reporting.document import Document
from namhoc.reporting.drafting.common import Progress, noop_progress
from namhoc.reporting.models import ReportKind

__all__ = ["draft"]


def draft(
    *,
    viewer: Actor | None,
    unit: OrgUnit,
    kind: str,
    school_year: str,
    directive_id: int | None,
    signer_title: str = "",
    signer_name: str = "",
    today: dt.date,
    progress: Progress = noop_progress,
) -> Document:
    """The document of ``kind`` for ``unit``, read as ``viewer`` sees the data."""
    if kind == ReportKind.PLAN:
        from namhoc.reporting.drafting.plan import draft_plan

        assert directive_id is not None
        return draft_plan(
            viewer=viewer,
            unit=unit,
            directive_id=directive_id,
            signer_title=signer_title,
            signer_name=signer_name,
            today=today,
            progress=progress,
        )
    from namhoc.reporting.drafting.report import draft_report

    return draft_report(
        viewer=viewer,
        unit=unit,
        kind=kind,
        school_year=school_year,
        signer_title=signer_title,
        signer_name=signer_name,
        today=today,
        progress=progress,
    )
