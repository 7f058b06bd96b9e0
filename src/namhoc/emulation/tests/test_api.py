"""The emulation API: the same use cases as the pages, JSON in and out (evidence as multipart);
the round page and its lists cost the same number of queries whatever their length."""

from __future__ import annotations

import pytest
from conftest import make_user
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from namhoc.accounts.models import Role
from namhoc.emulation import services
from namhoc.emulation.models import EmulationRound
from namhoc.emulation.tests.helpers import YEAR, build, to_stage

pytestmark = pytest.mark.django_db
API = "/api/emulation"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_register_assess_vote_and_decide_through_the_api(org, people, client_of):
    world = build(org, people)
    school = client_of(people.school_principal)
    officer = client_of(people.commune_officer)
    rounds = school.get(f"{API}/rounds?school_year={YEAR}").json()
    assert [(r["unit"], r["status"]) for r in rounds["items"]] == [("c-a1", "registration")]
    detail = officer.get(f"{API}/rounds/{world.round.pk}").json()
    assert [m["role"] for m in detail["members"]] == ["chu_tich", "uy_vien", "uy_vien"]
    assert detail["can_manage"] is True
    to_stage(world, people, EmulationRound.Status.ASSESSMENT)
    world.school.refresh_from_db()
    response = school.post(
        f"{API}/registrations/{world.school.pk}/assessment",
        {
            "version": str(world.school.version),
            "text": "Hoàn thành tốt nhiệm vụ.",
            "d-no_discipline": "yes",
            "files": [SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["declared"], len(body["evidence"])) == (
        "submitted",
        {"no_discipline": True},
        1,
    )
    assert body["evidence"][0]["url"] == reverse(
        "emulation:evidence", args=[body["evidence"][0]["id"]]
    )
    to_stage(world, people, EmulationRound.Status.VOTING)
    response = officer.post(
        f"{API}/registrations/{world.school.pk}/vote",
        {"agree": True},
        content_type="application/json",
    )
    assert (response.status_code, response.json()) == (
        201,
        {"registration_id": world.school.pk, "voted": True},
    )
    for member in world.members[1:]:
        services.vote_cast(actor=member, registration_id=world.school.pk, agree="khong_dong_y")
    world.round.refresh_from_db()
    response = officer.post(
        f"{API}/rounds/{world.round.pk}/decision",
        {"version": world.round.version, "decision_number": "7/QĐ-UBND"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["status"]) == (200, "decided")
    history = school.get(f"{API}/units/s-a1/history").json()
    assert [(r["title"], r["result"]) for r in history["rows"]] == [
        ("tt_lao_dong_tien_tien", "not_awarded")  # 1 of 3 agreed
    ]
    mine = school.get(f"{API}/people/{people.school_principal.pk}/history").json()
    assert [(r["title"], r["status"], r["result"]) for r in mine["rows"]] == [
        ("lao_dong_tien_tien", "registered", "")  # never submitted: no result
    ]


def test_the_round_page_costs_the_same_whatever_its_length(org, people, client_of):
    world = build(org, people)
    client = client_of(people.commune_officer)
    url = reverse("emulation:round", args=[world.round.pk])

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    cost()
    before = cost()
    for n in range(4):
        person = make_user(f"gv-{n}", f"Giáo viên {n}", (org.school_a1, Role.VIEWER))
        services.registration_create(
            actor=person, round_id=world.round.pk, title="lao_dong_tien_tien", unit="s-a1"
        )
    assert cost() == before
