"""What the inspection use cases share: the acting user, refusals, the locked row, versions,
the school year's dates."""

from __future__ import annotations

import datetime as dt

from namhoc.accounts.models import User
from namhoc.core.audit import snapshot
from namhoc.core.errors import DomainError, StaleEdit
from namhoc.core.parsing import parse_date, parse_int
from namhoc.core.types import Actor
from namhoc.inspections.models import Inspection

__all__ = [
    "SCHEDULE_FIELDS",
    "check_version",
    "locked_inspection",
    "parse_version",
    "refuse",
    "school_year_bounds",
    "user_of",
    "year_date",
]

SCHEDULE_FIELDS = ("kind", "unit", "subject", "starts_on", "ends_on")


def user_of(actor: Actor | None) -> User | None:
    """The signed-in person behind ``actor`` (None for namhoc itself: tasks, CLI, demo)."""
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    return None


def refuse(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def parse_version(raw: object) -> int:
    version = parse_int(raw, field="version", label="Phiên bản", minimum=1, required=True)
    assert version is not None
    return version


def locked_inspection(pk: int) -> Inspection:
    """The inspection's row, locked until the transaction ends: every change to an inspection,
    its team, checklist and recommendations takes this lock first."""
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("plan__unit", "unit", "updated_by")
        .get(pk=pk)
    )


def check_version(inspection: Inspection, expected: int, fields: tuple[str, ...]) -> None:
    if inspection.version != expected:
        user = inspection.updated_by
        raise StaleEdit(
            current=snapshot(inspection, fields),
            changed_by=str(user) if user else "",
            changed_at=inspection.updated_at,
            what="Cuộc kiểm tra này",
        )


def school_year_bounds(school_year: str) -> tuple[dt.date, dt.date]:
    """A school year's days: 1 August to 31 July (``core.parsing.school_year_of``)."""
    first = int(school_year[:4])
    return dt.date(first, 8, 1), dt.date(first + 1, 7, 31)


def year_date(raw: object, *, field: str, label: str, school_year: str) -> dt.date:
    """A required date inside the school year."""
    low, high = school_year_bounds(school_year)
    value = parse_date(raw, field=field, label=label, minimum=low, maximum=high, required=True)
    assert value is not None
    return value
