"""The demo loader: realistic data through the services, and idempotent."""

from __future__ import annotations

import pytest

from namhoc.demo.directives import load_demo_directives
from namhoc.directives.models import Directive, TaskLink
from namhoc.tracking.models import Assignment
from namhoc.tracking.selectors import current_school_year, on_time_rates

pytestmark = pytest.mark.django_db


def test_demo_is_realistic_and_idempotent(org):
    notes = load_demo_directives(verbose=False)
    assert "2901/QĐ-BGDĐT" in notes[0]
    plan = Directive.objects.get(unit=org.province_a)
    assert plan.upper.number == "2901/QĐ-BGDĐT"
    assert plan.status == "published"
    assert TaskLink.objects.filter(task__directive=plan, status="confirmed").count() == 8
    assert Assignment.objects.count() == 16
    # The demo documents are written for the school year of today
    year = current_school_year()
    assert (plan.school_year, plan.upper.school_year) == (year, year)
    rate = on_time_rates(unit_ids=[org.province_a.pk], school_year=year)[org.province_a.pk]
    assert rate.done_on_time > 0
    assert rate.done_late > 0
    assert rate.overdue > 0
    assert rate.in_progress > 0
    before = (Directive.objects.count(), Assignment.objects.count())
    again = load_demo_directives(verbose=False)
    assert again[0].startswith("Văn bản mẫu: đã có")
    assert (Directive.objects.count(), Assignment.objects.count()) == before
