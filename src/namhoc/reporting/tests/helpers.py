"""A small world to draft documents from, on the root conftest's tree (``org``, ``people``):

- the Ministry's plan, Phú An's plan implementing it (tasks linked), An Lạc's plan implementing
  Phú An's (tasks linked, assigned to its school);
- Phú An's work on four of its eight tasks, each status once: done on time, done late, overdue,
  in progress (dates around :data:`TODAY`, the day the clock is set to), with progress reports
  and an evidence file;
- figures of two schools for the start of 2025-2026 and of 2024-2025, roll-ups rebuilt, two
  province targets, the province's approval of the primary schools' data set.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from unittest import mock

from django.test import TestCase

from namhoc.directives import services as directive_services
from namhoc.directives.models import Directive, TaskLink
from namhoc.directives.tests.helpers import (
    COMMUNE_A1_DOC,
    MINISTRY_DOC,
    PROVINCE_DOC,
    published,
)
from namhoc.indicators.catalogue import catalogue_load, periods_ensure
from namhoc.indicators.models import Approval, DataElement, DataSet, DataValue, Indicator, Target
from namhoc.indicators.services import rollups_rebuild
from namhoc.tracking.services import UploadedFile
from namhoc.tracking.tests.helpers import assign, report

TODAY = dt.date(2026, 5, 20)
NOW = dt.datetime(2026, 5, 20, 9, 30, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# A primary school and a lower-secondary school's figures (start of 2025-2026 / of 2024-2025).
TH_2025 = {"TH_LOP": 12, "TH_HS": 400, "TH_HS_NU": 190, "TH_HS_DTTS": 30, "TH_HS_DUNG_TUOI": 395,
           "TH_HS_2BUOI": 380, "TH_HS_KT": 3, "TH_GV": 18, "TH_GV_CHUAN": 16, "TH_PHONG": 12,
           "TH_PHONG_KC": 10, "TH_CHUAN_QG": 1}  # fmt: skip
TH_2024 = {**TH_2025, "TH_HS": 380, "TH_HS_2BUOI": 300, "TH_GV": 17}
THCS_2025 = {"THCS_LOP": 16, "THCS_HS": 600, "THCS_HS_NU": 290, "THCS_HS_DTTS": 12,
             "THCS_HS_DUNG_TUOI": 560, "THCS_HS_L9": 140, "THCS_GV": 34, "THCS_GV_CHUAN": 30,
             "THCS_PHONG": 16, "THCS_PHONG_KC": 16, "THCS_CHUAN_QG": 0}  # fmt: skip


@contextmanager
def clock(moment: dt.datetime = NOW) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@dataclass
class World:
    org: Any
    people: Any
    ministry_plan: Directive
    province_plan: Directive
    commune_plan: Directive
    approver: Any


def _values(unit: Any, period: Any, figures: dict[str, int]) -> None:
    elements = dict(DataElement.objects.filter(code__in=list(figures)).values_list("code", "pk"))
    DataValue.objects.bulk_create(
        DataValue(unit=unit, element_id=elements[code], period=period, value=Decimal(value))
        for code, value in figures.items()
    )


def _confirm_links(actor: Any, directive: Directive) -> None:
    directive_services.links_suggest(actor=actor, directive_id=directive.pk)
    for link in TaskLink.objects.filter(task__directive=directive, rank=1).select_related(
        "task", "upper_task"
    ):
        directive_services.link_decide(
            actor=actor, task_id=link.task_id, upper_task_id=link.upper_task_id, decision="confirm"
        )


def build_world(org: Any, people: Any) -> World:
    from namhoc.accounts.models import Membership, Role, User

    officer = people.province_officer
    with clock():
        ministry_plan = published(people.superuser, org.ministry, MINISTRY_DOC)
        province_plan = published(officer, org.province_a, PROVINCE_DOC, upper=ministry_plan)
        commune = _draft_with_links(people.commune_officer, org.commune_a1, province_plan)
        tasks = list(province_plan.tasks.order_by("position"))
        # task 1: An Lạc on time, Hòa Bình overdue; task 2: An Lạc late; task 3: school in progress
        on_time = assign(
            actor=officer, task=tasks[0], unit=org.commune_a1, deadline=TODAY + dt.timedelta(10)
        )
        assign(
            actor=officer,
            task=tasks[0],
            unit=org.commune_a2,
            role="support",
            deadline=TODAY - dt.timedelta(3),
        )
        late = assign(
            actor=officer, task=tasks[1], unit=org.commune_a1, deadline=TODAY - dt.timedelta(5)
        )
        assign(actor=officer, task=tasks[2], unit=org.school_a1, deadline=TODAY + dt.timedelta(20))
        report(
            actor=people.commune_officer,
            assignment=on_time,
            text="Đã rà soát xong mạng lưới trường, lớp của xã; sáp nhập 2 điểm trường lẻ.",
            percent=100,
            files=[UploadedFile(name="bien-ban-ra-soat.pdf", data=PDF)],
        )
        report(
            actor=people.commune_officer,
            assignment=late,
            text="Đã bố trí đủ giáo viên theo định mức.",
            percent=100,
        )
    catalogue_load()
    start_2024 = periods_ensure("2024-2025")[0]
    start_2025 = periods_ensure("2025-2026")[0]
    _values(org.school_a1, start_2025, TH_2025)
    _values(org.school_a1, start_2024, TH_2024)
    _values(org.school_a2, start_2025, THCS_2025)
    rollups_rebuild(force=True)
    for code, value in (("TL_CHUAN_QG", "66.37"), ("TH_TL_2BUOI", "90")):
        Target.objects.create(
            indicator=Indicator.objects.get(code=code),
            unit=org.province_a,
            school_year="2025-2026",
            value=Decimal(value),
        )
    approver = User.objects.create_user(username="duyet", password="x", full_name="Người Duyệt")
    Membership.objects.create(user=approver, unit=org.province_a, role=Role.APPROVER)
    Approval.objects.create(
        unit=org.province_a,
        data_set=DataSet.objects.get(code="DN_TH"),
        period=start_2025,
        approved_by=approver,
    )
    return World(
        org=org,
        people=people,
        ministry_plan=ministry_plan,
        province_plan=province_plan,
        commune_plan=commune,
        approver=approver,
    )


def _draft_with_links(actor: Any, unit: Any, upper: Directive) -> Directive:
    """An Lạc's plan: published, implementing Phú An's, its tasks linked, task 1 assigned."""
    directive = published(actor, unit, COMMUNE_A1_DOC, upper=upper)
    _confirm_links(actor, directive)
    first = directive.tasks.order_by("position").first()
    assert first is not None
    from namhoc.orgunits.models import OrgUnit

    school = OrgUnit.objects.get(key="s-a1")
    assign(actor=actor, task=first, unit=school, deadline=TODAY + dt.timedelta(30),
           target_value="95", target_unit="%")  # fmt: skip
    return directive


def request_and_build(**kwargs: Any) -> Any:
    """Ask for a draft and run its background task now (as the worker would, on commit)."""
    from namhoc.reporting import services

    with clock(), TestCase.captureOnCommitCallbacks(execute=True):
        draft = services.draft_request(**kwargs)
    draft.refresh_from_db()
    return draft


def docx_text(data: bytes) -> str:
    """Every text of a .docx (body, tables, footnotes) as one string, for assertions."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "word/footnotes.xml" in archive.namelist():
            import re

            xml = archive.read("word/footnotes.xml").decode()
            parts.extend(
                re.sub(r"<[^>]+>", "", m) for m in re.findall(r"<w:t[^>]*>[^<]*</w:t>", xml)
            )
    return "\n".join(parts)


def stored(name: str) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        return handle.read()


def template(*paragraphs: str) -> bytes:
    """A .docx whose paragraphs are the given texts (tags as a person types them in Word)."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
