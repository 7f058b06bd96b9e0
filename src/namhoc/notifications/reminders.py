"""Events that come from the calendar, not from an action: deadlines in 7, 3 and 1 days, work
overdue, data-entry periods opening and about to close, link proposals waiting (ADR 0009).

Each is one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` over the whole country: no row is read
into Python. Windows rather than exact days make a run missed while namhoc was down catch up
(a deadline 2 days away still gets its "3 days" reminder), and the key of each event
(``deadline.3d:<assignment>:<deadline>``) makes the catch-up and any repeated run add nothing.
A moved deadline is a new key: the reminder comes again for the new date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from namhoc.core.clock import today as local_today
from namhoc.core.events import object_type_of
from namhoc.core.models import Event
from namhoc.core.sql import day, execute, table, when
from namhoc.directives.models import Directive, DirectiveTask, TaskLink
from namhoc.indicators.models import Period
from namhoc.tracking.models import Assignment

# kind, first and last day before the deadline it covers (0 = due today).
DEADLINE_WINDOWS = (("deadline.7d", 4, 7), ("deadline.3d", 2, 3), ("deadline.1d", 0, 1))
OVERDUE_CATCH_UP_DAYS = 7  # work that fell overdue while namhoc was down, up to a week back
PERIOD_OPEN_CATCH_UP_DAYS = 6
PERIOD_CLOSING_DAYS = 3

_EVENT_COLUMNS = (
    "(kind, key, unit_id, object_type, object_id, payload, actor_id, created_at, processed_at)"
)


@dataclass
class ReminderResult:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        parts = ", ".join(f"{kind}: {n}" for kind, n in self.counts.items() if n)
        return f"{self.total} sự kiện nhắc việc" + (f" ({parts})" if parts else "")


def _open_work(kind: str, key_prefix: str, first: dt.date, last: dt.date, now: object) -> int:
    sql = (
        f"INSERT INTO {table(Event)} {_EVENT_COLUMNS} "  # noqa: S608 - table names from the models; values are parameters
        "SELECT %s, %s || CAST(a.id AS TEXT) || ':' || CAST(a.deadline AS TEXT), a.unit_id, "
        "%s, a.id, '{}', NULL, %s, NULL "
        f"FROM {table(Assignment)} a JOIN {table(DirectiveTask)} t ON t.id = a.task_id "
        f"JOIN {table(Directive)} d ON d.id = t.directive_id "
        "WHERE a.completed_on IS NULL AND a.deadline >= %s AND a.deadline <= %s "
        "AND d.status = %s "
        "ON CONFLICT DO NOTHING"
    )
    params = [
        kind,
        key_prefix,
        object_type_of(Assignment),
        now,
        day(first),
        day(last),
        Directive.Status.PUBLISHED.value,
    ]
    return execute(sql, params)


def _periods(now: object, today: dt.date) -> dict[str, int]:
    opened = execute(
        f"INSERT INTO {table(Event)} {_EVENT_COLUMNS} "  # noqa: S608 - table names from the models; values are parameters
        "SELECT %s, 'period.opened:' || CAST(p.id AS TEXT), NULL, %s, p.id, '{}', NULL, %s, "
        f"NULL FROM {table(Period)} p WHERE p.start >= %s AND p.start <= %s "
        "ON CONFLICT DO NOTHING",
        [
            "period.opened",
            object_type_of(Period),
            now,
            day(today - dt.timedelta(days=PERIOD_OPEN_CATCH_UP_DAYS)),
            day(today),
        ],
    )
    closing = execute(
        f"INSERT INTO {table(Event)} {_EVENT_COLUMNS} "  # noqa: S608 - table names from the models; values are parameters
        "SELECT %s, 'period.closing:' || CAST(p.id AS TEXT) || ':' || CAST(p.due AS TEXT), "
        f"NULL, %s, p.id, '{{}}', NULL, %s, NULL FROM {table(Period)} p "
        "WHERE p.due >= %s AND p.due <= %s "
        "ON CONFLICT DO NOTHING",
        [
            "period.closing",
            object_type_of(Period),
            now,
            day(today),
            day(today + dt.timedelta(days=PERIOD_CLOSING_DAYS)),
        ],
    )
    return {"period.opened": opened, "period.closing": closing}


def _links_pending(now: object) -> int:
    """One event per directive with suggestions nobody has decided yet; a new suggestion
    (a higher link id) makes a new one."""
    return execute(
        f"INSERT INTO {table(Event)} {_EVENT_COLUMNS} "  # noqa: S608 - table names from the models; values are parameters
        "SELECT %s, 'links.pending:' || CAST(g.id AS TEXT) || ':' || CAST(g.newest AS TEXT), "
        "g.unit_id, %s, g.id, '{}', NULL, %s, NULL "
        "FROM (SELECT d.id, d.unit_id, MAX(l.id) AS newest "
        f"FROM {table(TaskLink)} l JOIN {table(DirectiveTask)} t ON t.id = l.task_id "
        f"JOIN {table(Directive)} d ON d.id = t.directive_id "
        "WHERE l.status = %s AND d.status <> %s GROUP BY d.id, d.unit_id) g "
        "WHERE 1 = 1 "
        "ON CONFLICT DO NOTHING",
        [
            "links.pending",
            object_type_of(Directive),
            now,
            TaskLink.Status.SUGGESTED.value,
            Directive.Status.SUPERSEDED.value,
        ],
    )


def reminders_emit(*, today: dt.date | None = None) -> ReminderResult:
    """Emit today's calendar events for the whole country, in one transaction."""
    today = today or local_today()
    now = when(timezone.now())
    result = ReminderResult()
    with transaction.atomic():
        for kind, nearest, farthest in DEADLINE_WINDOWS:
            result.counts[kind] = _open_work(
                kind,
                f"{kind}:",
                today + dt.timedelta(days=nearest),
                today + dt.timedelta(days=farthest),
                now,
            )
        result.counts["assignment.overdue"] = _open_work(
            "assignment.overdue",
            "overdue:",
            today - dt.timedelta(days=OVERDUE_CATCH_UP_DAYS),
            today - dt.timedelta(days=1),
            now,
        )
        result.counts.update(_periods(now, today))
        result.counts["links.pending"] = _links_pending(now)
    return result
