"""Migration ``inspections.0002``: conclusions issued before it keep their number, date and file
(taken from their published "Kết luận"), and that document and its revision are addressed to the
inspected unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("inspections", "0001_inspection_plans_checklists_recommendations"),
    ("directives", "0004_doc_sources_unnumbered_folded_search"),
]
AFTER = [("inspections", "0002_conclusion_kept_as_issued")]


@pytest.fixture
def before(org):  # type: ignore[no-untyped-def]
    """The schema before the migration; the latest again afterwards, whatever happened."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_conclusions_issued_before_keep_their_header_and_are_addressed(before):
    executor = before
    old = executor.loader.project_state(BEFORE).apps
    OrgUnit = old.get_model("orgunits", "OrgUnit")
    province = OrgUnit.objects.get(key="p-a")
    school = OrgUnit.objects.get(key="s-a1")
    source = old.get_model("directives", "SourceDocument").objects.create(
        unit_id=province.pk, sha256="a" * 64, filename="kl.docx", format="docx", size=1,
        file="directives/aa/kl.docx", status="ready",
    )  # fmt: skip
    Directive = old.get_model("directives", "Directive")
    now = timezone.now()
    issued = Directive.objects.create(
        unit_id=province.pk, source=source, status="superseded", doc_type="Kết luận",
        number="15/KL-SGDĐT", issued_on=dt.date(2026, 3, 20), published_at=now,
    )  # fmt: skip
    revised = Directive.objects.create(
        unit_id=province.pk, source=source, status="published", doc_type="Kết luận",
        previous=issued, revision=2, published_at=now,
    )  # fmt: skip
    other = Directive.objects.create(
        unit_id=province.pk, source=source, status="published", doc_type="Kế hoạch",
        published_at=now,
    )  # fmt: skip
    plan = old.get_model("inspections", "InspectionPlan").objects.create(
        unit_id=province.pk, school_year="2025-2026", title="Kế hoạch"
    )
    Inspection = old.get_model("inspections", "Inspection")
    with_directive = Inspection.objects.create(
        plan=plan, unit_id=school.pk, subject="Chuyên đề", starts_on=dt.date(2026, 3, 10),
        ends_on=dt.date(2026, 3, 12), conclusion=issued, concluded_at=now,
    )  # fmt: skip
    without = Inspection.objects.create(
        plan=plan, unit_id=school.pk, subject="Chuyên đề 2", starts_on=dt.date(2026, 3, 10),
        ends_on=dt.date(2026, 3, 12), concluded_at=now,
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    Inspection = new.get_model("inspections", "Inspection")
    kept = Inspection.objects.get(pk=with_directive.pk)
    assert (kept.conclusion_number, kept.conclusion_date, kept.conclusion_file.name) == (
        "15/KL-SGDĐT",
        dt.date(2026, 3, 20),
        "directives/aa/kl.docx",
    )
    blank = Inspection.objects.get(pk=without.pk)
    assert (blank.conclusion_number, blank.conclusion_date, blank.conclusion_file.name) == (
        "",
        None,
        "",
    )
    addressed = dict(
        new.get_model("directives", "Directive").objects.values_list("pk", "addressed_to_id")
    )
    assert addressed == {issued.pk: school.pk, revised.pk: school.pk, other.pk: None}
