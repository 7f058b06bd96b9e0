"""The tracking API: assignments, updates with evidence, open work, dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from namhoc.core.models import AuditEvent
from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.tracking.models import Assignment, Evidence, ProgressUpdate

pytestmark = pytest.mark.django_db
API = "/api/tracking"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def plan(org, people):
    return published(people.province_officer, org.province_a, PROVINCE_DOC)


def _state() -> tuple:
    return (
        list(
            Assignment.objects.order_by("pk").values_list("unit_id", "role", "deadline", "percent")
        ),
        ProgressUpdate.objects.count(),
        Evidence.objects.count(),
        AuditEvent.objects.count(),
    )


def test_assign_report_dashboard(org, people, plan, client_of):
    officer = client_of(people.province_officer)
    task = plan.tasks.get(position=3)
    created = officer.post(
        f"{API}/tasks/{task.pk}/assignments",
        {"level": "commune", "deadline": "2020-01-31"},
        content_type="application/json",
    )
    assert created.status_code == 201
    rows = created.json()
    assert [(r["unit"], r["status"]) for r in rows] == [("c-a1", "overdue"), ("c-a2", "overdue")]

    commune = client_of(people.commune_officer)
    posted = commune.post(
        f"{API}/assignments/{rows[0]['id']}/updates",
        {"text": "Đã hoàn thành", "percent": "100", "files": [SimpleUploadedFile("bb.pdf", PDF)]},
    )
    assert posted.status_code == 201
    assert posted.json()["evidence"][0]["content_type"] == "application/pdf"
    assert commune.get(f"{API}/assignments/{rows[0]['id']}").json()["status"] == "done_late"
    assert [a["unit"] for a in officer.get(f"{API}/units/c-a2/open-work").json()] == ["c-a2"]

    board = officer.get(f"{API}/dashboard?unit=p-a&school_year=2025-2026").json()
    assert board["overall"] == {
        "done_on_time": 0,
        "done_late": 1,
        "overdue": 1,
        "in_progress": 0,
        "rate": 0.0,
    }
    assert [(c["unit"], c["done_late"], c["overdue"]) for c in board["by_child_unit"]] == [
        ("c-a1", 1, 0),
        ("c-a2", 0, 1),
    ]
    assert [t["label"] for t in board["by_task"]] == ["3"]


def test_bad_input_and_refusals_change_nothing(org, people, plan, client_of):
    officer = client_of(people.province_officer)
    task = plan.tasks.get(position=1)
    assignment = officer.post(
        f"{API}/tasks/{task.pk}/assignments", {"units": ["c-a1"]}, content_type="application/json"
    ).json()[0]
    before = _state()
    assert (
        officer.post(
            f"{API}/tasks/{task.pk}/assignments",
            {"units": ["c-b1"]},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        officer.post(
            f"{API}/tasks/{task.pk}/assignments", {"units": []}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        officer.post(
            f"{API}/tasks/{task.pk}/assignments",
            {"units": ["c-a1"], "deadline": "mai"},
            content_type="application/json",
        ).status_code
        == 422
    )
    assert (
        client_of(people.commune_officer)
        .post(
            f"{API}/assignments/{assignment['id']}/updates",
            {"text": "x", "percent": "50", "files": [SimpleUploadedFile("a.pdf", b"<html>")]},
        )
        .status_code
        == 400
    )
    terms = {"version": assignment["version"], "role": "support"}
    for user, status in (("outsider", 404), ("viewer", 403)):
        client = client_of(getattr(people, user))
        assert (
            client.patch(
                f"{API}/assignments/{assignment['id']}", terms, content_type="application/json"
            ).status_code
            == status
        )
        assert (
            client.post(
                f"{API}/assignments/{assignment['id']}/updates", {"text": "x", "percent": "5"}
            ).status_code
            == status
        )
        assert (
            client.post(
                f"{API}/tasks/{task.pk}/assignments",
                {"level": "commune"},
                content_type="application/json",
            ).status_code
            == status
        )
    assert (
        client_of(people.outsider)
        .get(f"{API}/dashboard?unit=p-a&school_year=2025-2026")
        .status_code
        == 404
    )
    assert _state() == before


def test_terms_conflict(org, people, plan, client_of):
    officer = client_of(people.province_officer)
    task = plan.tasks.get(position=1)
    row = officer.post(
        f"{API}/tasks/{task.pk}/assignments", {"units": ["c-a1"]}, content_type="application/json"
    ).json()[0]
    payload = {"version": row["version"], "role": "lead", "deadline": "2026-01-01"}
    assert (
        officer.patch(
            f"{API}/assignments/{row['id']}", payload, content_type="application/json"
        ).status_code
        == 200
    )
    stale = client_of(people.superuser).patch(
        f"{API}/assignments/{row['id']}",
        {**payload, "deadline": "2026-06-01"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["deadline"] == "2026-01-01"
    assert Assignment.objects.get().deadline == dt.date(2026, 1, 1)
