"""Test shorthands over the inspection use cases (objects in, objects out).

The world: the province (p-a) gave school A1 (s-a1) task 1 of its plan for 2025-2026; the
province plans its inspections of 2025-2026 and schedules one of the school, with its officer as
the head of the team.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from namhoc.directives.models import Directive
from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.indicators.models import Indicator
from namhoc.inspections import services
from namhoc.inspections.models import Inspection, InspectionPlan
from namhoc.tracking.models import Assignment
from namhoc.tracking.tests.helpers import assign

YEAR = "2025-2026"
FAR = dt.date(2099, 6, 30)


@dataclass
class World:
    directive: Directive
    given: Assignment  # task 1 given to the school: in the inspection's scope
    plan: InspectionPlan
    inspection: Inspection
    indicator: Indicator


def indicator() -> Indicator:
    found, _ = Indicator.objects.get_or_create(
        code="TH_TL_HTCT",
        defaults={
            "name": "Tỷ lệ học sinh tiểu học hoàn thành chương trình lớp học",
            "numerator": "TH_HS_HTCT",
            "denominator": "TH_HS",
            "factor": 100,
            "unit_label": "%",
        },
    )
    return found


def build(org: Any, people: Any, *, unit: Any = None, kind: str = "kiem_tra") -> World:
    officer = people.province_officer
    directive = published(officer, org.province_a, PROVINCE_DOC)
    given = assign(
        actor=officer, task=directive.tasks.get(position=1), unit=org.school_a1, deadline=FAR
    )
    plan = services.plan_create(
        actor=officer, unit="p-a", school_year=YEAR, title="Kiểm tra chuyên đề năm học"
    )
    inspection = services.inspection_create(
        actor=officer,
        plan_id=plan.pk,
        kind=kind,
        unit=(unit or org.school_a1).key,
        subject="Việc thực hiện nhiệm vụ năm học",
        starts_on="10/03/2026",
        ends_on="12/03/2026",
    )
    return World(
        directive=directive, given=given, plan=plan, inspection=inspection, indicator=indicator()
    )


def ready_to_conclude(world: World, people: Any, *, recommendations: int = 1) -> Inspection:
    """Team, two checklist lines with results, findings, ``recommendations`` recommendations."""
    officer = people.province_officer
    inspection = world.inspection
    inspection.refresh_from_db()
    inspection = services.team_set(
        actor=officer,
        inspection_id=inspection.pk,
        version=inspection.version,
        members=[officer.pk],
        lead=officer.pk,
    )
    items = services.checklist_add(
        actor=officer,
        inspection_id=inspection.pk,
        text="Hồ sơ chuyên môn của tổ",
        task_ids=[world.given.task_id],
    )
    services.results_record(
        actor=officer,
        inspection_id=inspection.pk,
        results={
            items[0].pk: {"result": "dat", "note": ""},
            items[1].pk: {"result": "chua_dat", "note": "Chưa có kế hoạch chi tiết"},
        },
    )
    inspection = services.findings_save(
        actor=officer,
        inspection_id=inspection.pk,
        version=inspection.version,
        findings="Nhà trường thực hiện cơ bản đầy đủ.\nCòn thiếu kế hoạch chi tiết.",
    )
    for n in range(1, recommendations + 1):
        services.recommendation_add(
            actor=officer,
            inspection_id=inspection.pk,
            text=f"Bổ sung kế hoạch chi tiết số {n}",
            deadline=f"{n:02d}/06/2099",
        )
    inspection.refresh_from_db()
    return inspection
