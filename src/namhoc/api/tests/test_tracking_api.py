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
    open_work = officer.get(f"{API}/units/c-a2/open-work").json()
    assert open_work["count"] == 1
    assert [a["unit"] for a in open_work["items"]] == ["c-a2"]

    board = officer.get(f"{API}/dashboard?unit=p-a&school_year=2025-2026").json()
    assert board["overall"] == {
        "done_on_time": 0,
        "done_late": 1,
        "overdue": 1,
        "in_progress": 0,
        "rate": 0.0,
    }
    # worst on-time rate first; equal rates in Vietnamese name order (Phường … before Xã …)
    assert [(c["unit"], c["done_late"], c["overdue"]) for c in board["by_child_unit"]] == [
        ("c-a2", 0, 1),
        ("c-a1", 1, 0),
    ]
    by_overdue = officer.get(
        f"{API}/dashboard?unit=p-a&school_year=2025-2026&sort=qua_han&descending=true&q=hoa binh"
    ).json()
    assert [c["unit"] for c in by_overdue["by_child_unit"]] == ["c-a2"]
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
        == 400  # a unit outside the issuer's subtree: refused, without saying whether it exists
    )
    assert (
        officer.post(
            f"{API}/tasks/{task.pk}/assignments", {"units": []}, content_type="application/json"
        ).status_code
        == 400
    )
    bad_date = officer.post(
        f"{API}/tasks/{task.pk}/assignments",
        {"units": ["c-a2"], "deadline": "mai"},
        content_type="application/json",
    )
    assert (bad_date.status_code, bad_date.json()) == (
        400,
        {
            "code": "invalid_date",
            "message": "Hạn hoàn thành phải có dạng ngày/tháng/năm, ví dụ 30/09/2026.",
            "field": "deadline",
        },
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


def _assign(client, task, *units):
    return client.post(
        f"{API}/tasks/{task.pk}/assignments",
        {"units": list(units)},
        content_type="application/json",
    ).json()


def test_delete_assignment(org, people, plan, client_of):
    officer = client_of(people.province_officer)
    task = plan.tasks.get(position=1)
    kept, gone = _assign(officer, task, "c-a1", "c-a2")
    client_of(people.commune_officer).post(
        f"{API}/assignments/{kept['id']}/updates", {"text": "Đang làm", "percent": "10"}
    )
    before = _state()
    for user, row, status in (
        ("outsider", gone, 404),
        ("viewer", gone, 403),
        ("commune_officer", kept, 403),  # the assignee does not withdraw its own work
        ("commune_officer", gone, 404),  # another commune's work: not in its scope
    ):
        response = client_of(getattr(people, user)).delete(f"{API}/assignments/{row['id']}")
        assert response.status_code == status, user
    refused = officer.delete(f"{API}/assignments/{kept['id']}")
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "has_updates",
        "message": "Xã An Lạc đã báo cáo tiến độ 1 lần; không xóa được phân công này để giữ báo "
        "cáo và minh chứng. Hãy điều chỉnh hạn, vai trò hoặc ghi chú.",
        "field": None,
    }
    assert _state() == before
    deleted = officer.delete(f"{API}/assignments/{gone['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert list(Assignment.objects.values_list("unit__key", flat=True)) == ["c-a1"]
    assert AuditEvent.objects.latest("pk").action == "assignment.delete"
    assert officer.delete(f"{API}/assignments/{gone['id']}").status_code == 404


def test_terms_conflict_names_who_saved_first(org, people, plan, client_of):
    officer, admin = client_of(people.province_officer), client_of(people.superuser)
    row = _assign(officer, plan.tasks.get(position=1), "c-a1")[0]
    assert row["updated_by"] == "Trần Văn Tỉnh"
    payload = {"version": row["version"], "role": "support"}
    saved = admin.patch(f"{API}/assignments/{row['id']}", payload, content_type="application/json")
    assert (saved.json()["version"], saved.json()["updated_by"]) == (2, "Quản trị hệ thống")
    stale = officer.patch(
        f"{API}/assignments/{row['id']}", payload, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["message"].startswith("Phân công này đã được Quản trị hệ thống sửa lúc ")


def test_lists_are_paginated(org, people, plan, client_of):
    officer = client_of(people.province_officer)
    task = plan.tasks.get(position=1)
    officer.post(
        f"{API}/tasks/{task.pk}/assignments",
        {"level": "school"},
        content_type="application/json",
    )
    _assign(officer, task, "c-a1", "c-a2")
    page = officer.get(f"{API}/tasks/{task.pk}/assignments?limit=3&offset=1").json()
    assert page["count"] == 4
    # by role, then by path: c-a1, s-a1 (its school), c-a2, s-a2
    assert [r["unit"] for r in page["items"]] == ["s-a1", "c-a2", "s-a2"]
    # a larger limit is capped at 500 a page, not refused; a bad one is
    assert officer.get(f"{API}/tasks/{task.pk}/assignments?limit=501").json()["count"] == 4
    assert officer.get(f"{API}/tasks/{task.pk}/assignments?limit=0").status_code == 422
    commune = client_of(people.commune_officer)
    mine = officer.get(f"{API}/units/c-a1/open-work?limit=1").json()
    assert (mine["count"], [r["unit"] for r in mine["items"]]) == (1, ["c-a1"])
    for i in range(3):
        commune.post(
            f"{API}/assignments/{mine['items'][0]['id']}/updates",
            {"text": f"Lần {i}", "percent": str(10 * (i + 1))},
        )
    updates = commune.get(f"{API}/assignments/{mine['items'][0]['id']}/updates?limit=2").json()
    assert updates["count"] == 3
    assert [u["text"] for u in updates["items"]] == ["Lần 2", "Lần 1"]


def test_openapi_documents_pagination_and_delete(client_of, people):
    schema = client_of(people.viewer).get("/api/openapi.json").json()
    listing = schema["paths"]["/api/tracking/units/{unit_key}/open-work"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"unit_key", "limit", "offset"}
    ref = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/PagedAssignmentOut"
    paged = schema["components"]["schemas"]["PagedAssignmentOut"]
    assert set(paged["properties"]) == {"items", "count"}
    for path in ("/api/directives", "/api/tracking/assignments/{assignment_id}/updates"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"limit", "offset"} <= names, path
    delete = schema["paths"]["/api/tracking/assignments/{assignment_id}"]["delete"]
    assert set(delete["responses"]) == {"204", "403", "404", "409"}
    board = schema["paths"]["/api/tracking/dashboard"]["get"]
    assert [p["required"] for p in board["parameters"]] == [False] * 6


def test_dashboard_defaults_to_the_users_unit_and_the_current_year(org, people, plan, client_of):
    from unittest import mock
    from zoneinfo import ZoneInfo

    officer = client_of(people.province_officer)
    officer.post(
        f"{API}/tasks/{plan.tasks.get(position=1).pk}/assignments",
        {"level": "commune", "deadline": "2020-01-31"},
        content_type="application/json",
    )
    moment = dt.datetime(2026, 3, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        board = officer.get(f"{API}/dashboard").json()
        commune = client_of(people.commune_officer).get(f"{API}/dashboard").json()
    assert (board["unit"], board["school_year"], board["overall"]["overdue"]) == (
        "p-a",
        "2025-2026",
        2,
    )
    assert (commune["unit"], commune["overall"]["overdue"]) == ("c-a1", 1)
    moment = dt.datetime(2026, 8, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        later = officer.get(f"{API}/dashboard").json()
        asked = officer.get(f"{API}/dashboard?school_year=2026-2027").json()
    # A new school year with nothing published yet: the newest year with work, as on the page.
    assert (later["school_year"], later["overall"]["overdue"]) == ("2025-2026", 2)
    assert (asked["school_year"], asked["overall"]["overdue"]) == ("2026-2027", 0)
    assert officer.get(f"{API}/dashboard?school_year=2025").json() == {
        "code": "bad_school_year",
        "message": "Năm học phải có dạng 2025-2026 (hai năm liền nhau).",
        "field": "school_year",
    }


def test_dashboard_without_a_unit_is_a_clear_400(db, client_of):
    from conftest import make_user

    lonely = client_of(make_user("khong-don-vi", "Không Đơn Vị"))
    response = lonely.get(f"{API}/dashboard")
    assert response.status_code == 400
    assert response.json() == {
        "code": "no_unit",
        "message": "Tài khoản chưa thuộc đơn vị nào; hãy chọn đơn vị cần xem.",
        "field": "unit",
    }


def test_an_offset_too_large_for_the_database_is_a_message(org, people, plan, client_of):
    officer = client_of(people.province_officer)
    task = plan.tasks.get(position=1)
    for query in ("offset=99999999999999999999", "limit=99999999999999999999", "offset=-1"):
        response = officer.get(f"{API}/tasks/{task.pk}/assignments?{query}")
        assert response.status_code == 422, query
    assert officer.get(f"{API}/tasks/{task.pk}/assignments?offset=1000000000").json() == {
        "items": [],
        "count": 0,
    }
