"""The inspection API: the same use cases as the pages, JSON in and out — and the lists cost the
same number of queries whatever their length."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from namhoc.inspections import services
from namhoc.inspections.tests.helpers import YEAR, build

pytestmark = pytest.mark.django_db
API = "/api/inspections"


def test_plan_inspect_and_conclude_through_the_api(org, people, client_of):
    world = build(org, people)
    client = client_of(people.province_officer)

    def call(method: str, path: str, data: dict | None = None):  # type: ignore[no-untyped-def]
        response = getattr(client, method)(
            f"{API}{path}", data or {}, content_type="application/json"
        )
        return response.status_code, response.json() if response.content else None

    status, plans = call("get", "/plans")
    assert (status, [p["title"] for p in plans["items"]]) == (200, ["Kiểm tra chuyên đề năm học"])
    status, created = call(
        "post",
        f"/plans/{world.plan.pk}/inspections",
        {
            "kind": "thanh_tra",
            "unit": "c-a1",
            "subject": "Công tác quản lý tài chính",
            "starts_on": "2026-04-01",
            "ends_on": "03/04/2026",
        },
    )
    assert status == 201
    assert (created["kind"], created["unit"], created["starts_on"], created["ends_on"]) == (
        "thanh_tra",
        "c-a1",
        "2026-04-01",
        "2026-04-03",
    )
    pk = created["id"]
    officer = people.province_officer.pk
    status, detail = call("put", f"/{pk}/team", {"version": 1, "members": [], "lead": officer})
    assert (status, detail["members"]) == (
        200,
        [{"user_id": officer, "name": "Trần Văn Tỉnh", "role": "truong_doan"}],
    )
    status, items = call("post", f"/{pk}/checklist", {"text": "Sổ sách kế toán"})
    assert (status, [i["text"] for i in items]) == (201, ["Sổ sách kế toán"])
    status, detail = call(
        "put", f"/{pk}/results", {"results": [{"id": items[0]["id"], "result": "dat"}]}
    )
    assert detail["items"][0]["result"] == "dat"
    status, detail = call("put", f"/{pk}/findings", {"version": 2, "findings": "Đúng quy định."})
    assert (status, detail["findings"], detail["version"]) == (200, "Đúng quy định.", 3)
    status, rec = call(
        "post", f"/{pk}/recommendations", {"text": "Lưu trữ chứng từ", "deadline": "31/12/2099"}
    )
    assert (status, rec["deadline"], rec["assignment_id"]) == (201, "2099-12-31", None)
    issued = timezone.localdate() - dt.timedelta(days=28)
    status, detail = call(
        "post",
        f"/{pk}/conclusion",
        {
            "version": 3,
            "number": "3/KL-TTr",
            "issued_on": issued.strftime("%d/%m/%Y"),
            "signer_name": "Lê Hà",
        },
    )
    assert status == 200, detail
    assert detail["concluded_at"] is not None
    # the conclusion as issued: its number, date and signer
    assert (
        detail["conclusion_number"],
        detail["conclusion_date"],
        detail["conclusion_signer"],
    ) == ("3/KL-TTr", issued.isoformat(), "Lê Hà")
    follow = detail["recommendations"][0]["follow_up"]
    assert (follow["code"], follow["percent"], follow["evidence"]) == ("in_progress", 0, 0)
    assert detail["recommendations"][0]["assignment_id"] is not None
    assert detail["conclusion_url"] == reverse("inspections:conclusion", args=[pk])
    status, again = call("post", f"/{pk}/conclusion", {"version": 4})
    assert (status, again["code"]) == (409, "concluded")
    listed = client.get(f"{API}?school_year={YEAR}").json()
    assert [row["id"] for row in listed["items"]] == [pk, world.inspection.pk]


def test_the_lists_cost_the_same_whatever_their_length(org, people, client_of):
    world = build(org, people)
    client = client_of(people.province_officer)

    def cost(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [f"{reverse('inspections:index')}?nam_hoc={YEAR}", f"{API}?school_year={YEAR}"]
    plan_url = reverse("inspections:plan", args=[world.plan.pk])
    [cost(u) for u in [*urls, plan_url]]  # warm: the session, the content types
    before = [cost(u) for u in [*urls, plan_url]]
    for n in range(5):
        services.inspection_create(
            actor=people.province_officer,
            plan_id=world.plan.pk,
            kind="kiem_tra",
            unit="c-a2" if n % 2 else "s-a2",
            subject=f"Kiểm tra {n}",
            starts_on="01/05/2026",
            ends_on="02/05/2026",
        )
    after = [cost(u) for u in [*urls, plan_url]]
    assert after == before
