"""Reminders come from the calendar, set-based, once per assignment and deadline (ADR 0009)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from namhoc.indicators.catalogue import periods_ensure
from namhoc.notifications.models import Notice
from namhoc.notifications.reminders import reminders_emit
from namhoc.notifications.render import describe
from namhoc.notifications.tests.helpers import dispatch, event_keys
from namhoc.tracking.models import Assignment
from namhoc.tracking.tests.helpers import assign

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 10)


@pytest.fixture
def work(org, people, plan):
    """Five assignments of the plan, due in 7, 3, 1, 0 days and 2 days ago, one of them done."""
    tasks = list(plan.tasks.order_by("position")[:3])
    made = {}
    for name, task, unit, days in (
        ("in7", tasks[0], org.commune_a1, 7),
        ("in3", tasks[0], org.commune_a2, 3),
        ("in1", tasks[1], org.commune_a1, 1),
        ("today", tasks[2], org.commune_a1, 0),
        ("late", tasks[1], org.commune_a2, -2),
        ("done", tasks[2], org.commune_a2, 3),
    ):
        made[name] = assign(
            actor=people.province_officer,
            task=task,
            unit=unit,
            deadline=(TODAY + dt.timedelta(days=days)).strftime("%d/%m/%Y"),
        )
    Assignment.objects.filter(pk=made["done"].pk).update(
        percent=100, completed_at=dt.datetime(2026, 1, 9, 8, tzinfo=dt.UTC), completed_on=TODAY
    )
    dispatch()  # the assignment notices, out of the way
    return made


def _calendar_keys() -> list[str]:
    return [k for k in event_keys() if k.startswith(("deadline", "overdue", "period", "links"))]


def test_each_deadline_window_and_overdue_gets_its_event(work):
    result = reminders_emit(today=TODAY)
    assert result.counts["deadline.7d"] == 1
    assert result.counts["deadline.3d"] == 1
    assert result.counts["deadline.1d"] == 2
    assert result.counts["assignment.overdue"] == 1
    a = {name: row.pk for name, row in work.items()}
    assert _calendar_keys() == sorted(
        [
            f"deadline.7d:{a['in7']}:2026-01-17",
            f"deadline.3d:{a['in3']}:2026-01-13",
            f"deadline.1d:{a['in1']}:2026-01-11",
            f"deadline.1d:{a['today']}:2026-01-10",
            f"overdue:{a['late']}:2026-01-08",
        ]
    )


def test_a_second_run_and_a_catch_up_run_add_nothing(work):
    reminders_emit(today=TODAY)
    again = reminders_emit(today=TODAY)
    assert again.total == 0
    # the next day only the work due yesterday is new (overdue); nothing else is told again
    next_day = reminders_emit(today=TODAY + dt.timedelta(days=1))
    assert {k: n for k, n in next_day.counts.items() if n} == {"assignment.overdue": 1}
    # namhoc was down for three days: the "7 days" work, now 3 days away, gets its "3 days"
    # reminder once; the two that fell overdue meanwhile are told once each
    later = reminders_emit(today=TODAY + dt.timedelta(days=4))
    assert {k: n for k, n in later.counts.items() if n} == {
        "deadline.3d": 1,
        "assignment.overdue": 2,
    }
    assert reminders_emit(today=TODAY + dt.timedelta(days=4)).total == 0
    keys = _calendar_keys()
    assert len(keys) == len(set(keys)) == 9


def test_the_unit_hears_of_its_deadline_in_words(work, people):
    reminders_emit(today=TODAY)
    dispatch()
    notice = Notice.objects.get(user=people.commune_officer, kind="deadline.7d")
    notice.event.created_at = dt.datetime(2026, 1, 10, 6, tzinfo=dt.UTC)
    told = describe([notice.event])[notice.event_id]
    title = work["in7"].task.title
    assert told.text == (
        f"Việc «{title}» ({work['in7'].task.directive.number}) của Xã An Lạc còn 7 ngày "
        "(hạn 17/01/2026)."
    )
    assert sorted(
        Notice.objects.filter(user=people.commune_officer)
        .exclude(kind__in=["assignment.created", "directive.published"])
        .values_list("kind", flat=True)
    ) == ["deadline.1d", "deadline.1d", "deadline.7d"]


def test_periods_open_and_close_for_approvers_everywhere(org, people):
    periods_ensure("2025-2026")  # start 1/9/2025, due 15/10/2025
    opened = reminders_emit(today=dt.date(2025, 9, 1))
    assert opened.counts["period.opened"] == 2  # start-of-year and semester I both open 1/9
    closing = reminders_emit(today=dt.date(2025, 10, 13))
    assert closing.counts["period.closing"] == 1
    dispatch()
    assert sorted(
        Notice.objects.filter(user=people.school_principal).values_list("kind", flat=True)
    ) == ["period.closing", "period.opened", "period.opened"]
    assert not Notice.objects.filter(user=people.commune_officer).exists()  # not an approver


def test_the_query_count_does_not_grow_with_the_work(work, org, people, plan):
    with CaptureQueriesContext(connection) as small:
        reminders_emit(today=TODAY)
        dispatch()
    for unit in (org.school_a1, org.school_a2):
        for task in plan.tasks.order_by("position")[3:6]:
            assign(actor=people.province_officer, task=task, unit=unit, deadline="12/01/2026")
    dispatch()
    with CaptureQueriesContext(connection) as large:
        reminders_emit(today=TODAY)
        dispatch()
    assert len(large) == len(small)
