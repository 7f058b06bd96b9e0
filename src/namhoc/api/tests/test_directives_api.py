"""The directives API: same access and services as the pages, in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from namhoc.core.models import AuditEvent
from namhoc.directives.models import Directive, DirectiveTask, SourceDocument, TaskLink
from namhoc.directives.tests.helpers import MINISTRY_DOC, PROVINCE_DOC, data, published, upload

pytestmark = pytest.mark.django_db
API = "/api/directives"


def _state() -> tuple:
    return (
        list(
            Directive.objects.order_by("pk").values_list("status", "version", "title", "upper_id")
        ),
        list(DirectiveTask.objects.order_by("pk").values_list("title", "version")),
        SourceDocument.objects.count(),
        TaskLink.objects.count(),
        AuditEvent.objects.count(),
    )


def test_upload_read_correct_publish(org, people, client_of, django_capture_on_commit_callbacks):
    client = client_of(people.province_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/sources",
            {"unit": "p-a", "file": SimpleUploadedFile("kh.txt", data(PROVINCE_DOC))},
        )
    assert response.status_code == 201
    source = client.get(f"{API}/sources/{response.json()['id']}").json()
    assert source["status"] == "ready"
    again = client.post(
        f"{API}/sources", {"unit": "p-a", "file": SimpleUploadedFile("x.txt", data(PROVINCE_DOC))}
    )
    assert (again.status_code, again.json()["id"], again.json()["created"]) == (
        200,
        source["id"],
        False,
    )

    directive = client.get(f"{API}/{source['directive_id']}").json()
    assert directive["number"] == "1520/KH-SGDĐT"
    assert [t["label"] for t in directive["tasks"]] == [str(i) for i in range(1, 9)]
    task = directive["tasks"][0]
    ok = client.patch(
        f"{API}/tasks/{task['id']}",
        {
            "version": task["version"],
            "label": "1",
            "title": "Sắp xếp trường, lớp",
            "text": task["text"],
        },
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["version"] == task["version"] + 1
    stale = client.patch(
        f"{API}/tasks/{task['id']}",
        {"version": task["version"], "label": "1", "title": "Khác", "text": ""},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    assert stale.json()["current"]["title"] == "Sắp xếp trường, lớp"

    published_ = client.post(
        f"{API}/{directive['id']}/publish",
        {"version": directive["version"]},
        content_type="application/json",
    )
    assert published_.status_code == 200
    assert published_.json()["status"] == "published"
    listed = client.get(f"{API}?school_year=2025-2026&status=published").json()
    assert listed["count"] == 1
    assert [(d["id"], d["unit"], d["task_count"]) for d in listed["items"]] == [
        (directive["id"], "p-a", 8)
    ]


def test_bad_input(org, people, client_of):
    client = client_of(people.province_officer)
    draft = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    before = _state()
    bad_file = client.post(
        f"{API}/sources", {"unit": "p-a", "file": SimpleUploadedFile("a.docx", b"PK\x03\x04junk")}
    )
    assert bad_file.status_code == 400
    assert bad_file.json()["code"] == "bad_type"
    no_text = client.post(f"{API}/sources/paste", {"unit": "p-a"}, content_type="application/json")
    assert (no_text.status_code, no_text.json()["field"]) == (400, "text")
    bad_year = client.patch(
        f"{API}/{draft.pk}",
        {"version": draft.version, "school_year": "2025"},
        content_type="application/json",
    )
    assert bad_year.status_code == 400
    assert bad_year.json()["field"] == "school_year"
    assert _state() == before


def test_outsider_404_viewer_403_nothing_changes(org, people, client_of):
    draft = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    task = draft.tasks.first()
    before = _state()
    calls = [
        ("patch", f"{API}/{draft.pk}", {"version": draft.version, "title": "X"}),
        ("patch", f"{API}/tasks/{task.pk}", {"version": task.version, "title": "X"}),
        ("post", f"{API}/tasks/{task.pk}/merge-next", {"version": task.version}),
        ("post", f"{API}/{draft.pk}/publish", {"version": draft.version}),
        ("put", f"{API}/{draft.pk}/upper", {"upper_id": None}),
        ("post", f"{API}/sources/paste", {"unit": "p-a", "text": "x" * 100}),
    ]
    for user, status in (("outsider", 404), ("viewer", 403)):
        client = client_of(getattr(people, user))
        for method, url, payload in calls:
            response = getattr(client, method)(url, payload, content_type="application/json")
            assert response.status_code == status, (user, url)
        if user == "outsider":
            assert client.get(f"{API}/{draft.pk}").status_code == 404
            assert client.get(f"{API}/sources/{draft.source_id}").status_code == 404
    assert _state() == before


def test_cascade_over_the_api(org, people, client_of):
    ministry = published(people.superuser, org.ministry, MINISTRY_DOC)
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    client = client_of(people.province_officer)
    assert (
        client.put(
            f"{API}/{plan.pk}/upper", {"upper_id": ministry.pk}, content_type="application/json"
        ).status_code
        == 200
    )
    links = client.post(f"{API}/{plan.pk}/links/suggest").json()
    first = [link for link in links if link["rank"] == 1]
    assert len(first) == 8
    confirm = client.post(
        f"{API}/{plan.pk}/links",
        {"task_id": first[0]["task_id"], "upper_task_id": first[0]["upper_task_id"]},
        content_type="application/json",
    )
    assert confirm.json()["status"] == "confirmed"
    coverage = client_of(people.superuser).get(f"{API}/{ministry.pk}/coverage").json()
    assert coverage["silent_units"] == ["p-b"]
    assert len(coverage["uncovered_task_ids"]) == 9


def test_openapi_lists_the_endpoints(client_of, people):
    schema = client_of(people.viewer).get("/api/openapi.json").json()
    assert "/api/directives/{directive_id}/links/suggest" in schema["paths"]
    assert "/api/tracking/dashboard" in schema["paths"]


def test_add_target(org, people, client_of):
    from namhoc.directives.models import Target

    draft = upload(people.province_officer, org.province_a, PROVINCE_DOC)
    task = draft.tasks.get(position=2)
    officer = client_of(people.province_officer)
    url = f"{API}/{draft.pk}/targets"
    created = officer.post(
        url,
        {"value": "97,5", "unit_label": "%", "task_id": task.pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["value"], body["unit_label"], body["task_id"], body["sentence"]) == (
        97.5,
        "%",
        task.pk,
        "",
    )
    as_number = officer.post(url, {"value": 12}, content_type="application/json")
    assert as_number.json()["value"] == 12.0
    targets = list(Target.objects.order_by("pk").values_list("pk", "value"))
    audits = AuditEvent.objects.count()
    for payload, field, message in [
        ({"value": "nhiều"}, "value", "Giá trị chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5."),
        ({"value": "1e20"}, "value", "Giá trị chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5."),
        ({"value": 1e20}, "value", "Giá trị chỉ tiêu không được lớn hơn 9.999.999.999,9999."),
        ({"value": "5", "task_id": "²"}, "task_id", "Nhiệm vụ không thuộc văn bản này."),
        ({"value": ""}, "value", "Hãy nhập giá trị chỉ tiêu."),
        ({"value": "5", "task_id": 999999}, "task_id", "Nhiệm vụ không thuộc văn bản này."),
    ]:
        refused = officer.post(url, payload, content_type="application/json")
        assert refused.status_code == 400
        assert (refused.json()["field"], refused.json()["message"]) == (field, message)
    for user, status in (("outsider", 404), ("viewer", 403), ("commune_officer", 404)):
        response = client_of(getattr(people, user)).post(
            url, {"value": "5"}, content_type="application/json"
        )
        assert response.status_code == status, user
    assert list(Target.objects.order_by("pk").values_list("pk", "value")) == targets
    assert AuditEvent.objects.count() == audits
