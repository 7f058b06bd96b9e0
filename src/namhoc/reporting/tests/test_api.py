"""The reports API: the same use cases as the pages, answers in JSON."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from namhoc.core.models import AuditEvent
from namhoc.reporting.models import ReportDraft, ReportTemplate
from namhoc.reporting.tests.helpers import build_world, template

pytestmark = pytest.mark.django_db
API = "/api/reports"
YEAR = "2025-2026"


def _state() -> tuple:
    return (
        ReportDraft.objects.count(),
        list(ReportTemplate.objects.values_list("pk", "retired_at")),
        AuditEvent.objects.count(),
    )


def _ask(client, payload):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"{API}/drafts", payload, content_type="application/json")


def test_ask_for_a_draft_follow_it_and_find_its_files(org, people, client_of):
    world = build_world(org, people)
    client = client_of(people.commune_officer)
    response = _ask(
        client, {"unit": "c-a1", "kind": "plan", "directive_id": world.province_plan.pk}
    )
    assert response.status_code == 202
    body = response.json()
    draft = ReportDraft.objects.get()
    keys = ("id", "unit", "kind", "school_year", "version", "directive_id")
    assert {k: body[k] for k in keys} == {
        "id": draft.pk,
        "unit": "c-a1",
        "kind": "plan",
        "school_year": YEAR,
        "version": 1,
        "directive_id": world.province_plan.pk,
    }  # fmt: skip
    status = client.get(f"{API}/drafts/{draft.pk}").json()
    assert (status["status"], status["progress"]) == ("done", 100)
    assert status["docx_url"] == f"/bao-cao/ban-nhap/{draft.pk}/tai-ve/"
    assert status["annex_url"] == f"/bao-cao/ban-nhap/{draft.pk}/phu-luc/"
    assert client.get(status["docx_url"]).status_code == 200
    listed = client.get(f"{API}/drafts", {"kind": "plan", "limit": 10}).json()
    assert (listed["count"], [d["id"] for d in listed["items"]]) == (1, [draft.pk])
    assert client.get(f"{API}/drafts", {"kind": "year_end"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("user", "payload", "status", "code"),
    [
        ("viewer", {"unit": "p-a", "kind": "year_end", "school_year": YEAR}, 403, "forbidden"),
        ("outsider", {"unit": "p-a", "kind": "year_end", "school_year": YEAR}, 404, "not_found"),
        ("province_officer", {"unit": "p-a", "kind": "x", "school_year": YEAR}, 400, "bad_kind"),
        (
            "province_officer",
            {"unit": "p-a", "kind": "semester", "school_year": "2025/2027"},
            400,
            "bad_school_year",
        ),
        (
            "province_officer",
            {"unit": "p-a", "kind": "year_end", "school_year": YEAR, "signer_name": "x" * 500},
            400,
            "too_long",
        ),
        (
            "province_officer",
            {"unit": "p-a", "kind": "plan", "directive_id": "99999999999999999999999"},
            400,
            "bad_directive",
        ),
    ],
)
def test_refusals_answer_json_and_change_nothing(  # noqa: PLR0917 - fixtures
    org, people, client_of, user, payload, status, code
):
    before = _state()
    response = _ask(client_of(getattr(people, user)), payload)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert _state() == before


def test_drafts_out_of_scope_are_not_found(org, people, client_of):
    build_world(org, people)
    _ask(
        client_of(people.province_officer), {"unit": "p-a", "kind": "year_end", "school_year": YEAR}
    )
    draft = ReportDraft.objects.get()
    assert client_of(people.outsider).get(f"{API}/drafts/{draft.pk}").status_code == 404
    assert client_of(people.commune_officer).get(f"{API}/drafts").json()["count"] == 0
    assert client_of(people.viewer).get(f"{API}/drafts/{draft.pk}").status_code == 200
    assert client_of(people.viewer).get(f"{API}/drafts", {"unit": "p-b"}).status_code == 404
    assert client_of(people.viewer).get(f"{API}/drafts", {"offset": 10**20}).status_code == 422


def test_templates_upload_list_and_retire(org, people, client_of):
    client = client_of(people.province_officer)
    bad = client.post(
        f"{API}/templates",
        {
            "unit": "p-a",
            "kind": "year_end",
            "file": SimpleUploadedFile("m.docx", template("{% for x in nhiem_vu %}")),
        },
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad_template"
    assert bad.json()["message"].startswith("Mẫu có thẻ sai ở thẻ {% for x in nhiem_vu %}")
    good = client.post(
        f"{API}/templates",
        {
            "unit": "p-a",
            "kind": "year_end",
            "file": SimpleUploadedFile("mẫu tỉnh.docx", template("{{ don_vi }}")),
        },
    )
    assert good.status_code == 201
    created = good.json()
    assert (created["unit"], created["kind"], created["original_name"], created["tags"]) == (
        "p-a",
        "year_end",
        "mẫu tỉnh.docx",
        ["{{ don_vi }}"],
    )
    assert client_of(people.commune_officer).get(f"{API}/templates").json()["count"] == 0
    assert client_of(people.viewer).get(f"{API}/templates").json()["count"] == 1
    before = _state()
    assert client_of(people.viewer).delete(f"{API}/templates/{created['id']}").status_code == 403
    assert client_of(people.outsider).delete(f"{API}/templates/{created['id']}").status_code == 404
    assert _state() == before
    retired = client.delete(f"{API}/templates/{created['id']}")
    assert (retired.status_code, retired.json()["in_use"]) == (200, False)
    again = client.delete(f"{API}/templates/{created['id']}")
    assert (again.status_code, again.json()["code"]) == (409, "already_retired")


def test_placeholders_are_documented(org, people, client_of):
    client = client_of(people.viewer)
    names = [p["name"] for p in client.get(f"{API}/placeholders", {"kind": "plan"}).json()]
    assert names[:3] == ["co_quan_chu_quan", "co_quan_ban_hanh", "so_ky_hieu"]
    assert "nhiem_vu_cap_tren" in names
    bad = client.get(f"{API}/placeholders", {"kind": "khac"})
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_kind")
