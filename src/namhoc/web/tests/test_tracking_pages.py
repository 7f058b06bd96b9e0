"""Tracking pages: assign, progress with evidence, downloads, open work, dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from namhoc.core.models import AuditEvent
from namhoc.directives.models import AssignmentHint, DirectiveTask
from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.tracking.models import Assignment, Evidence, ProgressUpdate
from namhoc.tracking.tests.helpers import assign, report

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def plan(org, people):
    return published(people.province_officer, org.province_a, PROVINCE_DOC)


@pytest.fixture
def assignment(org, people, plan):
    return assign(
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
        {"units": [org.school_a1.key], "role": "support"},
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
    overdue = assign(
        actor=people.province_officer,
        task=plan.tasks.get(position=1),
        unit=org.commune_a2,
        deadline=dt.date(2020, 1, 1),
    )
    client = client_of(people.province_officer)
    work = client.get(reverse("tracking:unit_work", args=["c-a2"]))
    assert "Quá hạn chưa hoàn thành" in work.content.decode()
    client.get(reverse("tracking:dashboard"))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("tracking:dashboard") + "?don_vi=p-a&nam_hoc=2025-2026")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<span class="kpi-value" data-testid="rate">0%</span>' in body
    assert '<span class="kpi-value" data-testid="overdue">1</span>' in body
    report(actor=people.commune_officer, assignment=assignment, text="Xong", percent=100)
    body = client.get(reverse("tracking:dashboard") + "?don_vi=p-a").content.decode()
    assert '<span class="kpi-value" data-testid="rate">50%</span>' in body
    assert overdue.pk
    viewer = client_of(people.viewer)
    assert viewer.get(reverse("tracking:dashboard")).status_code == 200


# --- withdraw an assignment ------------------------------------------------------------------


def test_delete_assignment_confirms_then_deletes_and_audits(org, people, assignment, client_of):
    client = client_of(people.province_officer)
    url = reverse("tracking:assignment_delete", args=[assignment.pk])
    detail = client.get(reverse("tracking:assignment", args=[assignment.pk])).content.decode()
    assert f'href="{url}">Xóa phân công…</a>' in detail
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "sẽ không còn giao cho <strong>Xã An Lạc</strong> (chủ trì, hạn 31/12/2099)" in (
        confirm.content.decode()
    )
    assert Assignment.objects.filter(pk=assignment.pk).exists()  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("tracking:assign", args=[assignment.task_id])
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.actor_id) == ("assignment.delete", people.province_officer.pk)


def test_delete_is_refused_once_the_unit_reported(people, assignment, client_of):
    report(actor=people.commune_officer, assignment=assignment, text="Đang làm", percent=20)
    client = client_of(people.province_officer)
    detail = client.get(reverse("tracking:assignment", args=[assignment.pk])).content.decode()
    assert "Xóa phân công…" not in detail
    assert "Đơn vị đã báo cáo tiến độ nên không xóa được phân công này" in detail
    before = _state()
    response = client.post(reverse("tracking:assignment_delete", args=[assignment.pk]))
    assert response.status_code == 409
    assert (
        "Xã An Lạc đã báo cáo tiến độ 1 lần; không xóa được phân công này để giữ báo cáo và "
        "minh chứng." in response.content.decode()
    )
    assert _state() == before


@pytest.mark.parametrize(
    ("user", "status"),
    [("outsider", 404), ("viewer", 403), ("commune_officer", 403), ("school_principal", 404)],
)
def test_delete_refused_for_others_changes_nothing(people, assignment, client_of, user, status):
    client = client_of(getattr(people, user))
    url = reverse("tracking:assignment_delete", args=[assignment.pk])
    before = _state()
    assert client.get(url).status_code == status
    assert client.post(url).status_code == status
    assert _state() == before


def test_delete_needs_a_csrf_token(people, assignment):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people.province_officer)
    before = _state()
    assert (
        client.post(reverse("tracking:assignment_delete", args=[assignment.pk])).status_code == 403
    )
    assert _state() == before


def test_terms_conflict_names_who_saved_first(people, assignment, client_of):
    first, second = client_of(people.superuser), client_of(people.province_officer)
    payload = {"version": assignment.version, "role": "lead", "deadline": "2026-02-01"}
    assert first.post(reverse("tracking:terms", args=[assignment.pk]), payload).status_code == 302
    assignment.refresh_from_db()
    when = timezone.localtime(assignment.updated_at).strftime("%H:%M %d/%m/%Y")
    response = second.post(
        reverse("tracking:terms", args=[assignment.pk]), {**payload, "deadline": "2026-03-01"}
    )
    assert response.status_code == 409
    assert (
        f"Phân công này đã được Quản trị hệ thống sửa lúc {when} sau khi bạn mở trang."
        in response.content.decode()
    )


# --- pre-filled units and levels ---------------------------------------------------------------


def _hint(task, *lead):
    return AssignmentHint.objects.create(directive=task.directive, task=task, lead=list(lead))


def test_assign_page_prefills_units_named_by_the_hints(org, people, plan, client_of):
    task = plan.tasks.get(position=1)
    # c-b1 is in another province: never proposed, whatever the name.
    _hint(task, "UBND xã An Lạc", "Trường TH An Lạc", "UBND xã Sơn Thủy")
    page = client_of(people.province_officer).get(reverse("tracking:assign", args=[task.pk]))
    form = page.context["form"]
    assert [u.key for u in page.context["chosen"]] == [org.commune_a1.key, org.school_a1.key]
    assert form.initial["level"] == ""
    html = page.content.decode()
    assert f'value="{org.commune_a1.key}" checked' in html
    assert org.commune_b1.key not in html
    assert (
        "Đề xuất theo văn bản: giao cho Xã An Lạc, Trường Tiểu học An Lạc" in page.content.decode()
    )


def test_assign_page_offers_the_level_of_a_plural_hint(org, people, plan, client_of):
    task = plan.tasks.get(position=1)
    _hint(task, "các trường THCS")
    client = client_of(people.province_officer)
    page = client.get(reverse("tracking:assign", args=[task.pk]))
    form = page.context["form"]
    assert (page.context["chosen"], form.initial["level"]) == ([], "school:thcs")
    assert dict(form.fields["level"].choices) == {
        "": "—",
        "commune": "Xã, phường, đặc khu",
        "school": "Cơ sở giáo dục",
        "school:tieu_hoc": "Trường Tiểu học",
        "school:thcs": "Trường Trung học cơ sở",
    }
    assert (
        "Văn bản giao cho “các trường THCS”: có thể giao cho mọi đơn vị cấp "
        "<strong>Trường Trung học cơ sở</strong> (đã chọn sẵn)." in page.content.decode()
    )
    response = client.post(
        reverse("tracking:assign", args=[task.pk]), {"level": "school:thcs", "role": "lead"}
    )
    assert response.status_code == 302
    assert list(Assignment.objects.values_list("unit__key", flat=True)) == ["s-a2"]


# --- pagination ----------------------------------------------------------------------------------


def _many_tasks(plan, count: int) -> list[DirectiveTask]:
    return DirectiveTask.objects.bulk_create(
        DirectiveTask(directive=plan, position=100 + i, label=f"N{i}", title=f"Việc số {i:02d}")
        for i in range(count)
    )


def test_open_work_is_paginated_and_keeps_its_query_budget(
    org, people, plan, client_of, django_assert_num_queries
):
    tasks = _many_tasks(plan, 53)
    Assignment.objects.bulk_create(
        Assignment(
            task=t,
            unit=org.commune_a1,
            school_year="2025-2026",
            deadline=dt.date(2099, 1, 1) + dt.timedelta(days=i),
        )
        for i, t in enumerate(tasks)
    )
    client = client_of(people.commune_officer)
    url = reverse("tracking:unit_work", args=["c-a1"])
    first = client.get(url)
    body = first.content.decode()
    assert len(first.context["rows"]) == 50
    assert "1–50 trong 53 việc · trang 1/2" in body
    assert '<a rel="next" href="?trang=2">Trang sau ›</a>' in body
    assert "Trang trước" not in body
    # the same number of queries whatever the list's length: one COUNT, one page of rows (the
    # memberships are read once per request)
    with django_assert_num_queries(7):
        second = client.get(url + "?trang=2")
    body = second.content.decode()
    assert [a.task.title for a, _ in second.context["rows"]] == [
        "Việc số 50",
        "Việc số 51",
        "Việc số 52",
    ]
    assert "51–53 trong 53 việc · trang 2/2" in body
    assert '<a rel="prev" href="?trang=1">‹ Trang trước</a>' in body
    assert "Trang sau" not in body
    # a page number out of range shows the last page, a bad one the first
    assert client.get(url + "?trang=99").context["pager"].page.number == 2
    assert client.get(url + "?trang=abc").context["pager"].page.number == 1


def test_dashboard_task_table_is_paginated_keeping_unit_and_year(org, people, plan, client_of):
    tasks = _many_tasks(plan, 52)
    Assignment.objects.bulk_create(
        Assignment(task=t, unit=org.commune_a2, school_year="2025-2026") for t in tasks
    )
    client = client_of(people.province_officer)
    url = reverse("tracking:dashboard") + "?don_vi=p-a&nam_hoc=2025-2026"
    body = client.get(url).content.decode()
    assert "1–50 trong 52 nhiệm vụ · trang 1/2" in body
    assert (
        '<a rel="next" href="?don_vi=p-a&amp;nam_hoc=2025-2026&amp;trang_nv=2">Trang sau ›</a>'
        in body
    )
    assert "1–2 trong 2 đơn vị" in body  # the two communes: one page, no links
    page_two = client.get(url + "&trang_nv=2")
    assert [row.title for row in page_two.context["tasks"].page.object_list] == [
        "Việc số 50",
        "Việc số 51",
    ]
