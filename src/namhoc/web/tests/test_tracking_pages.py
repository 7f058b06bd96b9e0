"""Tracking pages: assign, progress with evidence, downloads, open work, dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from namhoc.core.models import AuditEvent
from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.tracking import services
from namhoc.tracking.models import Assignment, Evidence, ProgressUpdate

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def plan(org, people):
    return published(people.province_officer, org.province_a, PROVINCE_DOC)


@pytest.fixture
def assignment(org, people, plan):
    return services.assignment_create(
        actor=people.province_officer,
        task=plan.tasks.get(position=3),
        unit=org.commune_a1,
        deadline=dt.date(2099, 12, 31),
    )


def _state() -> tuple:
    return (
        list(
            Assignment.objects.order_by("pk").values_list(
                "unit_id", "role", "deadline", "percent", "version"
            )
        ),
        ProgressUpdate.objects.count(),
        Evidence.objects.count(),
        AuditEvent.objects.count(),
    )


def test_assign_page_prefills_and_assigns_by_level(org, people, plan, client_of):
    client = client_of(people.province_officer)
    task = plan.tasks.get(position=1)
    page = client.get(reverse("tracking:assign", args=[task.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("tracking:assign", args=[task.pk]),
        {"level": "commune", "role": "lead", "deadline": "2026-01-15"},
    )
    assert response.status_code == 302
    assert sorted(Assignment.objects.values_list("unit__key", flat=True)) == ["c-a1", "c-a2"]
    response = client.post(
        reverse("tracking:assign", args=[task.pk]),
        {"units": [str(org.school_a1.pk)], "role": "support"},
    )
    assert response.status_code == 302
    assert Assignment.objects.get(unit=org.school_a1).role == "support"


def test_assign_bad_input(org, people, plan, client_of):
    client = client_of(people.province_officer)
    task = plan.tasks.get(position=1)
    before = _state()
    for payload in [
        {"role": "lead"},  # no unit, no level
        {"units": [str(org.commune_b1.pk)], "role": "lead"},  # not below the issuer
        {"units": [str(org.commune_a1.pk)], "role": "boss"},
        {"level": "commune", "role": "lead", "deadline": "31/02/2026"},
    ]:
        assert client.post(reverse("tracking:assign", args=[task.pk]), payload).status_code == 400
    assert _state() == before


def test_post_update_with_evidence_and_download(org, people, assignment, client_of):
    client = client_of(people.commune_officer)
    response = client.post(
        reverse("tracking:update_post", args=[assignment.pk]),
        {
            "text": "Đã huy động 98% trẻ 5 tuổi",
            "percent": "100",
            "files": [SimpleUploadedFile("bien-ban.pdf", PDF, content_type="image/png")],
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.percent == 100
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf"  # by content, not by what the client said
    assert evidence.file.name.startswith("evidence/")
    assert evidence.file.name.endswith(".pdf")
    download = client_of(people.province_officer).get(
        reverse("tracking:evidence", args=[evidence.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    assert (
        client_of(people.outsider).get(reverse("tracking:evidence", args=[evidence.pk])).status_code
        == 404
    )
    page = client.get(reverse("tracking:assignment", args=[assignment.pk])).content.decode()
    assert "Hoàn thành đúng hạn" in page


def test_post_update_bad_input_changes_nothing(people, assignment, client_of):
    client = client_of(people.commune_officer)
    before = _state()
    for payload in [
        {"text": "", "percent": "50"},
        {"text": "x", "percent": "150"},
        {"text": "x", "percent": "50", "files": [SimpleUploadedFile("a.pdf", b"MZ\x90\x00exe")]},
    ]:
        assert (
            client.post(reverse("tracking:update_post", args=[assignment.pk]), payload).status_code
            == 400
        )
    assert _state() == before


@pytest.mark.parametrize(
    ("user", "status"),
    [("outsider", 404), ("viewer", 403), ("commune_officer", 403)],
)
def test_refused_changes(people, assignment, client_of, user, status):
    client = client_of(getattr(people, user))
    before = _state()
    terms = {"version": assignment.version, "role": "support", "deadline": "2026-01-01"}
    assert client.post(reverse("tracking:terms", args=[assignment.pk]), terms).status_code == status
    assign = client.post(
        reverse("tracking:assign", args=[assignment.task_id]), {"level": "commune", "role": "lead"}
    )
    assert assign.status_code == (404 if user == "outsider" else 403)
    if user != "commune_officer":  # the commune reports on its own work
        update = client.post(
            reverse("tracking:update_post", args=[assignment.pk]), {"text": "x", "percent": "10"}
        )
        assert update.status_code == status
    assert _state() == before


def test_outsider_sees_nothing(people, assignment, client_of):
    client = client_of(people.outsider)
    for url in [
        reverse("tracking:assignment", args=[assignment.pk]),
        reverse("tracking:assign", args=[assignment.task_id]),
        reverse("tracking:unit_work", args=["c-a1"]),
        reverse("tracking:dashboard") + "?don_vi=p-a",
    ]:
        assert client.get(url).status_code == 404, url


def test_terms_conflict_keeps_input(people, assignment, client_of):
    first, second = client_of(people.province_officer), client_of(people.superuser)
    payload = {"version": assignment.version, "role": "lead", "deadline": "2026-02-01"}
    assert first.post(reverse("tracking:terms", args=[assignment.pk]), payload).status_code == 302
    response = second.post(
        reverse("tracking:terms", args=[assignment.pk]),
        {**payload, "deadline": "2026-03-01", "note": "ghi chú của người thứ hai"},
    )
    assert response.status_code == 409
    assert "ghi chú của người thứ hai" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.deadline == dt.date(2026, 2, 1)


def test_open_work_and_dashboard(  # noqa: PLR0917 - pytest fixtures
    org, people, plan, assignment, client_of, django_assert_max_num_queries
):
    overdue = services.assignment_create(
        actor=people.province_officer,
        task=plan.tasks.get(position=1),
        unit=org.commune_a2,
        deadline=dt.date(2020, 1, 1),
    )
    client = client_of(people.province_officer)
    work = client.get(reverse("tracking:unit_work", args=["c-a2"]))
    assert "Quá hạn chưa hoàn thành" in work.content.decode()
    client.get(reverse("tracking:dashboard"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("tracking:dashboard") + "?don_vi=p-a&nam_hoc=2025-2026")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<span class="kpi-value" data-testid="rate">0%</span>' in body
    assert '<span class="kpi-value" data-testid="overdue">1</span>' in body
    services.update_post(
        actor=people.commune_officer, assignment=assignment, text="Xong", percent=100
    )
    body = client.get(reverse("tracking:dashboard") + "?don_vi=p-a").content.decode()
    assert '<span class="kpi-value" data-testid="rate">50%</span>' in body
    assert overdue.pk
    viewer = client_of(people.viewer)
    assert viewer.get(reverse("tracking:dashboard")).status_code == 200
