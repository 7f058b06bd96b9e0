"""Progress reports are answered (issue 11, item 12): the unit above accepts a report or returns
it with a comment; a returned report stands first in the unit's work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from namhoc.core.errors import DomainError
from namhoc.core.models import AuditEvent
from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.tracking import services
from namhoc.tracking.models import Assignment, ProgressUpdate
from namhoc.tracking.tests.helpers import assign, report

pytestmark = pytest.mark.django_db
API = "/api/tracking"


@pytest.fixture
def plan(org, people):
    return published(people.province_officer, org.province_a, PROVINCE_DOC)


@pytest.fixture
def two_jobs(org, people, plan):
    """Commune A1's work: task 1 due later, task 2 due sooner; both reported."""
    later = assign(
        actor=people.province_officer,
        task=plan.tasks.get(position=1),
        unit=org.commune_a1,
        deadline=dt.date(2099, 12, 31),
    )
    sooner = assign(
        actor=people.province_officer,
        task=plan.tasks.get(position=2),
        unit=org.commune_a1,
        deadline=dt.date(2099, 6, 30),
    )
    report(actor=people.commune_officer, assignment=later, text="Đang làm", percent=40)
    report(actor=people.commune_officer, assignment=later, text="Đã xong", percent=100)
    report(actor=people.commune_officer, assignment=sooner, text="Bắt đầu", percent=10)
    return later, sooner


def test_returning_the_report_that_completed_the_work_reopens_it_first_in_line(
    org, people, two_jobs, client_of
):
    later, sooner = two_jobs
    latest = later.updates.order_by("-created_at", "-pk").first()
    officer = client_of(people.province_officer)
    page = officer.get(reverse("tracking:assignment", args=[later.pk]))
    assert latest.pk in page.context["page"].reviewable
    assert "Trả lại để bổ sung" in page.content.decode()

    response = officer.post(
        reverse("tracking:update_review", args=[latest.pk]),
        {"decision": "returned", "comment": "Thiếu biên bản kiểm tra kèm theo."},
    )
    assert response.status_code == 302
    later.refresh_from_db()
    assert (later.percent, later.completed_at, later.completed_on) == (40, None, None)
    latest.refresh_from_db()
    assert (latest.review, latest.review_comment, latest.reviewed_by) == (
        "returned",
        "Thiếu biên bản kiểm tra kèm theo.",
        people.province_officer,
    )
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.unit_id) == ("progress.review", org.commune_a1.pk)

    work = client_of(people.commune_officer).get(reverse("tracking:unit_work", args=["c-a1"]))
    rows = [a.pk for a, _status in work.context["rows"]]
    assert rows == [later.pk, sooner.pk]  # returned first, although due later
    html = work.content.decode()
    assert "Báo cáo bị trả lại" in html
    mine = client_of(people.commune_officer).get(reverse("tracking:assignment", args=[later.pk]))
    assert "Lý do trả lại của Trần Văn Tỉnh" in mine.content.decode()
    assert "Thiếu biên bản kiểm tra kèm theo." in mine.content.decode()


def test_accepting_through_the_api_keeps_the_work_done(people, two_jobs, client_of):
    later, _sooner = two_jobs
    latest = later.updates.order_by("-created_at", "-pk").first()
    response = client_of(people.province_officer).post(
        f"{API}/updates/{latest.pk}/review",
        {"decision": "accepted"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["review"], response.json()["reviewed_by"]) == (
        "accepted",
        "Trần Văn Tỉnh",
    )
    later.refresh_from_db()
    assert later.completed_on is not None
    again = client_of(people.superuser).post(
        f"{API}/updates/{latest.pk}/review",
        {"decision": "returned", "comment": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_reviewed"


def _state() -> tuple:
    return (
        list(ProgressUpdate.objects.order_by("pk").values_list("review", "review_comment")),
        list(Assignment.objects.order_by("pk").values_list("percent", "completed_on")),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(
    ("user", "payload", "status", "code"),
    [
        ("province_officer", {"decision": "returned", "comment": "  "}, 400, "required"),
        ("province_officer", {"decision": "maybe"}, 400, "bad_decision"),
        ("province_officer", {"decision": "returned", "comment": "x" * 2001}, 400, "too_long"),
        ("commune_officer", {"decision": "accepted"}, 403, "forbidden"),
        ("viewer", {"decision": "accepted"}, 403, "forbidden"),
        ("outsider", {"decision": "accepted"}, 404, "not_found"),
    ],
)
def test_refused_answers_change_nothing(  # noqa: PLR0917 - fixtures and parameters
    people, two_jobs, client_of, user, payload, status, code
):
    later, _sooner = two_jobs
    latest = later.updates.order_by("-created_at", "-pk").first()
    before = _state()
    api = client_of(getattr(people, user)).post(
        f"{API}/updates/{latest.pk}/review", payload, content_type="application/json"
    )
    assert (api.status_code, api.json()["code"]) == (status, code)
    page = client_of(getattr(people, user)).post(
        reverse("tracking:update_review", args=[latest.pk]), payload
    )
    assert page.status_code == status
    assert _state() == before


def test_the_use_case_refuses_a_second_answer(people, two_jobs):
    _later, sooner = two_jobs
    update = sooner.updates.get()
    services.progress_review(
        actor=people.province_officer, update_id=update.pk, decision="accepted"
    )
    with pytest.raises(DomainError) as refused:
        services.progress_review(
            actor=people.province_officer, update_id=update.pk, decision="accepted"
        )
    assert refused.value.status == 409
