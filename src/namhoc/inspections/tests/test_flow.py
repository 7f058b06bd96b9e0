"""Plan → inspect → findings → conclusion → follow-up done, over the pages (issue 16): each
recommendation becomes work of the inspected unit in the same work lists and dashboards, and is
closed when the unit reports it done with evidence and the inspecting unit accepts the report."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from namhoc.core.models import AuditEvent
from namhoc.directives.models import Directive
from namhoc.inspections.models import ChecklistItem, Inspection, Recommendation
from namhoc.inspections.services import CONCLUSION_DOC_TYPE, FOLLOW_UP_NOTE
from namhoc.inspections.tests.helpers import YEAR, build, ready_to_conclude
from namhoc.tracking.models import Assignment, ProgressUpdate
from namhoc.tracking.selectors import on_time_rates

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_plan_inspect_conclude_and_close_a_recommendation_over_the_pages(
    org, people, client_of
) -> None:
    officer = client_of(people.province_officer)
    world = build(org, people)
    # the plan page was made through the use case in build(); the pages take it from here
    inspection = world.inspection
    url = reverse("inspections:detail", args=[inspection.pk])
    page = officer.get(url)
    assert page.status_code == 200
    assert page.context["page"].can_manage
    assert page.context["page"].can_conclude
    assert [t.pk for t in page.context["page"].scope_tasks] == [world.given.task_id]

    response = officer.post(
        reverse("inspections:team", args=[inspection.pk]),
        {"version": "1", "lead": str(people.province_officer.pk)},
    )
    assert response.status_code == 302
    response = officer.post(
        reverse("inspections:checklist_add", args=[inspection.pk]),
        {
            "text": "Hồ sơ chuyên môn",
            "task_ids": [str(world.given.task_id)],
            "indicator_ids": [str(world.indicator.pk)],
        },
    )
    assert response.status_code == 302
    items = list(ChecklistItem.objects.filter(inspection=inspection).order_by("position"))
    assert [(i.text, i.task_id, i.indicator_id) for i in items] == [
        ("Hồ sơ chuyên môn", None, None),
        (f"{world.given.task.label} {world.given.task.title}".strip(), world.given.task_id, None),
        (world.indicator.name, None, world.indicator.pk),
    ]
    response = officer.post(
        reverse("inspections:results", args=[inspection.pk]),
        {
            f"r{items[0].pk}-result": "dat",
            f"r{items[1].pk}-result": "chua_dat",
            f"r{items[1].pk}-note": "Chưa có kế hoạch chi tiết",
            f"r{items[2].pk}-result": "khong_ap_dung",
        },
    )
    assert response.status_code == 302
    assert [i.result for i in ChecklistItem.objects.order_by("position")] == [
        "dat",
        "chua_dat",
        "khong_ap_dung",
    ]
    inspection.refresh_from_db()
    response = officer.post(
        reverse("inspections:findings", args=[inspection.pk]),
        {"version": str(inspection.version), "findings": "Nhà trường còn thiếu kế hoạch."},
    )
    assert response.status_code == 302
    response = officer.post(
        reverse("inspections:recommendation_add", args=[inspection.pk]),
        {"text": "Xây dựng kế hoạch chi tiết", "deadline": "30/06/2099"},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    response = officer.post(
        reverse("inspections:conclude", args=[inspection.pk]),
        {"version": str(inspection.version), "number": "15/KL-SGDĐT", "signer_name": "Lê Văn A"},
    )
    assert response.status_code == 302

    # the conclusion: a published document of the province, its task given to the school
    inspection.refresh_from_db()
    conclusion = inspection.conclusion
    assert (conclusion.doc_type, conclusion.number, conclusion.status, conclusion.unit) == (
        CONCLUSION_DOC_TYPE,
        "15/KL-SGDĐT",
        Directive.Status.PUBLISHED,
        org.province_a,
    )
    assert conclusion.school_year == YEAR
    assert list(conclusion.tasks.values_list("title", flat=True)) == ["Xây dựng kế hoạch chi tiết"]
    recommendation = Recommendation.objects.get()
    work = recommendation.assignment
    assert (work.unit, work.role, str(work.deadline), work.note, work.task_id) == (
        org.school_a1,
        "lead",
        "2099-06-30",
        FOLLOW_UP_NOTE,
        recommendation.task_id,
    )
    stored = docx.Document(io.BytesIO(conclusion.source.file.read()))
    texts = [p.text for p in stored.paragraphs]
    assert "KẾT LUẬN" in texts
    assert any("Xây dựng kế hoạch chi tiết" in t and "30/06/2099" in t for t in texts)

    # the school sees it in its open work, like any other task
    school = client_of(people.school_principal)
    open_work = school.get(reverse("tracking:unit_work", args=["s-a1"]))
    assert work.pk in [a.pk for a, _status in open_work.context["rows"]]
    assert (
        on_time_rates(unit_ids=[org.school_a1.pk], school_year=YEAR)[org.school_a1.pk].in_progress
        == 2
    )  # the province's task and the recommendation

    # ... reports it done with evidence
    response = school.post(
        reverse("tracking:update_post", args=[work.pk]),
        {"text": "Đã xây dựng kế hoạch", "percent": "100", "files": [_pdf()]},
    )
    assert response.status_code == 302
    follow = officer.get(url).context["page"].recommendations[0][1]
    assert (follow.code, follow.label, follow.evidence) == (
        "reported",
        "Đã báo cáo hoàn thành, chờ chấp nhận",
        1,
    )
    # ... the province accepts it: closed
    update = ProgressUpdate.objects.get(assignment=work)
    response = officer.post(
        reverse("tracking:update_review", args=[update.pk]), {"decision": "accepted"}
    )
    assert response.status_code == 302
    page = officer.get(url)
    follow = page.context["page"].recommendations[0][1]
    assert follow.code == "closed"
    assert page.context["page"].closed == 1
    html = page.content.decode()
    assert "Đã khắc phục (có minh chứng, đã chấp nhận)" in html
    assert work.pk not in [
        a.pk for a, _s in school.get(reverse("tracking:unit_work", args=["s-a1"])).context["rows"]
    ]
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    for action in (
        "inspection_plan.create",
        "inspection.create",
        "inspection.team",
        "inspection.checklist_add",
        "inspection.results",
        "inspection.findings",
        "recommendation.add",
        "directive.publish",
        "assignment.create",
        "inspection.conclude",
    ):
        assert action in actions, action


def _pdf():  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")


def test_the_inspected_unit_reads_its_inspection_but_records_nothing(org, people, client_of):
    world = build(org, people)
    inspection = ready_to_conclude(world, people)
    school = client_of(people.school_principal)
    page = school.get(reverse("inspections:detail", args=[inspection.pk]))
    assert page.status_code == 200
    view = page.context["page"]
    assert (view.can_manage, view.can_conduct, view.can_conclude) == (False, False, False)
    assert "Lưu kết quả" not in page.content.decode()
    before = _state()
    response = school.post(
        reverse("inspections:findings", args=[inspection.pk]),
        {"version": str(inspection.version), "findings": "Tự sửa"},
    )
    assert response.status_code == 403
    assert _state() == before


def test_a_sibling_and_another_province_do_not_see_it(org, people, client_of):
    world = build(org, people)
    for user in (people.outsider,):
        client = client_of(user)
        assert (
            client.get(reverse("inspections:detail", args=[world.inspection.pk])).status_code == 404
        )
        assert client.get(reverse("inspections:plan", args=[world.plan.pk])).status_code == 404
        assert client.get(f"/api/inspections/{world.inspection.pk}").status_code == 404


def _state() -> tuple:
    return (
        list(Inspection.objects.order_by("pk").values_list("findings", "version", "concluded_at")),
        list(ChecklistItem.objects.order_by("pk").values_list("result", "note")),
        list(Recommendation.objects.order_by("pk").values_list("text", "deadline", "assignment")),
        Assignment.objects.count(),
        Directive.objects.count(),
        AuditEvent.objects.count(),
    )
