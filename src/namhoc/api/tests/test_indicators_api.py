"""The figures API: values with versions, approval locks, dashboard, table, scorecard."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from namhoc.indicators.models import Approval, DataValue
from namhoc.indicators.services import approval_approve, values_save
from namhoc.indicators.tests.helpers import TH_FIGURES, Figures, aggregate, setup_figures

ClientOf = Callable[[Any], Client]


@pytest.fixture
def figures(org: Any, people: Any) -> Figures:
    return setup_figures(org, people)


def put(client: Client, key: str, body: dict[str, Any]) -> Any:
    return client.put(
        f"/api/indicators/units/{key}/values", json.dumps(body), content_type="application/json"
    )


def test_write_then_read_values_with_versions(figures: Figures, client_of: ClientOf) -> None:
    client = client_of(figures.people.school_principal)
    response = put(
        client,
        "s-a1",
        {
            "period": "2025-2026.DN",
            "data_set": "DN_TH",
            "values": {"TH_HS": 400, "TH_HS_NU": "190"},
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "created": 2,
        "updated": 0,
        "deleted": 0,
        "versions": {"TH_HS": 1, "TH_HS_NU": 1},
    }
    read = client.get("/api/indicators/units/s-a1/values?period=2025-2026.DN&data_set=DN_TH").json()
    assert read["locked_by"] is None
    assert {
        v["element"]: (v["value"], v["version"]) for v in read["values"] if v["value"] is not None
    } == {
        "TH_HS": ("400.00", 1),
        "TH_HS_NU": ("190.00", 1),
    }
    assert aggregate(figures.org.ministry, "TH_HS", figures.start_2025) == (Decimal(400), 1)


def test_invalid_values_are_a_400_with_errors_per_element(
    figures: Figures, client_of: ClientOf
) -> None:
    response = put(
        client_of(figures.people.school_principal),
        "s-a1",
        {"period": "2025-2026.DN", "data_set": "DN_TH", "values": {"TH_HS": 10, "TH_HS_NU": 11}},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "TH_HS_NU": ["Số học sinh nữ (11) không được lớn hơn tổng số học sinh (10)."]
    }
    assert not DataValue.objects.exists()


@pytest.mark.parametrize(("user", "status"), [("outsider", 404), ("viewer", 403)])
def test_refused_writes_change_nothing(
    figures: Figures, client_of: ClientOf, user: str, status: int
) -> None:
    response = put(
        client_of(getattr(figures.people, user)),
        "s-a1",
        {"period": "2025-2026.DN", "data_set": "DN_TH", "values": {"TH_HS": 10}},
    )
    assert response.status_code == status
    assert not DataValue.objects.exists()


def test_a_stale_version_and_a_lock_are_409(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    client = client_of(f.people.school_principal)
    values_save(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    stale = put(
        client,
        "s-a1",
        {
            "period": "2025-2026.DN",
            "data_set": "DN_TH",
            "values": {"TH_HS": 401},
            "versions": {"TH_HS": 7},
        },
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    approval_approve(
        actor=f.commune_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025
    )
    locked = put(
        client, "s-a1", {"period": "2025-2026.DN", "data_set": "DN_TH", "values": {"TH_HS": 401}}
    )
    assert locked.status_code == 409
    assert locked.json()["code"] == "locked"
    assert DataValue.objects.get(element__code="TH_HS").value == 400


def test_approval_endpoints(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    values_save(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    body = json.dumps({"period": "2025-2026.DN", "data_set": "DN_TH"})
    assert (
        client_of(f.people.commune_officer)
        .post("/api/indicators/units/c-a1/approval", body, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        client_of(f.people.outsider)
        .post("/api/indicators/units/c-a1/approval", body, content_type="application/json")
        .status_code
        == 404
    )
    assert not Approval.objects.exists()
    ok = client_of(f.commune_approver).post(
        "/api/indicators/units/c-a1/approval", body, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["approved"] is True
    again = client_of(f.commune_approver).post(
        "/api/indicators/units/c-a1/approval", body, content_type="application/json"
    )
    assert again.status_code == 409
    url = "/api/indicators/units/c-a1/approval?period=2025-2026.DN&data_set=DN_TH"
    assert client_of(f.commune_approver).delete(url).status_code == 403
    assert client_of(f.province_approver).delete(url).status_code == 200
    assert not Approval.objects.exists()


def test_dashboard_table_and_scorecard(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    values_save(
        actor=f.people.superuser,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    client = client_of(f.people.province_officer)
    board = client.get(
        "/api/indicators/units/p-a/dashboard?period=2025-2026.DN&indicator=TH_TL_GV_CHUAN"
    ).json()
    assert board["focus"] == "TH_TL_GV_CHUAN"
    row = next(r for r in board["rows"] if r["indicator"] == "TH_TL_GV_CHUAN")
    assert (row["numerator"], row["denominator"], row["value"]) == ("16.00", "18.00", "88.9")
    assert [(b["unit"], b["value"]) for b in board["breakdown"]] == [("c-a1", "88.9")]
    table = client.get("/api/indicators/units/p-a/table?period=2025-2026.DN").json()
    assert [r["unit"] for r in table] == ["p-a", "c-a2", "c-a1"]  # by name
    card = client.get(
        "/api/indicators/units/p-a/scorecard?period=2025-2026.DN&w_attainment=0.5&w_on_time=0.5"
    )
    assert card.status_code == 200
    assert card.json()["weights"] == {"attainment": "0.5", "on_time": "0.5"}
    assert (
        client.get(
            "/api/indicators/units/p-a/scorecard?period=2025-2026.DN&w_attainment=3"
        ).status_code
        == 422
    )
    assert client.get("/api/indicators/units/p-a/dashboard?period=nope").status_code == 404
    assert (
        client_of(f.people.outsider)
        .get("/api/indicators/units/p-a/dashboard?period=2025-2026.DN")
        .status_code
        == 404
    )
