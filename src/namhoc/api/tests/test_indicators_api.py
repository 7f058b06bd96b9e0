"""The figures API: values with versions, approval locks, targets (set and allocate), dashboard,
table, scorecard."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from namhoc.core.models_audit import AuditEvent
from namhoc.indicators.models import Approval, DataValue, Indicator, Target
from namhoc.indicators.services import rollups_rebuild
from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    Figures,
    aggregate,
    approve,
    fill_both_communes,
    merge_communes,
    save_values,
    set_target,
    setup_figures,
)

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
    save_values(
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
    approve(actor=f.commune_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025)
    locked = put(
        client, "s-a1", {"period": "2025-2026.DN", "data_set": "DN_TH", "values": {"TH_HS": 401}}
    )
    assert locked.status_code == 409
    assert locked.json()["code"] == "locked"
    assert DataValue.objects.get(element__code="TH_HS").value == 400


def test_approval_endpoints(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    save_values(
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
    url = "/api/indicators/units/c-a1/approval?period=2025-2026.DN&data_set=DN_TH&reason=Sai"
    assert client_of(f.commune_approver).delete(url).status_code == 403
    assert client_of(f.province_approver).delete(url).status_code == 200
    assert not Approval.objects.exists()


def test_dashboard_table_and_scorecard(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    save_values(
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
    # the unit, then its children the Vietnamese way ("Phường Hòa Bình" < "Xã An Lạc")
    assert [r["unit"] for r in table["items"]] == ["p-a", "c-a2", "c-a1"]
    assert table["count"] == 3
    card = client.get(
        "/api/indicators/units/p-a/scorecard?period=2025-2026.DN&w_attainment=0.5&w_on_time=0.5"
    )
    assert card.status_code == 200
    assert card.json()["weights"] == {"attainment": "0.50", "on_time": "0.50"}
    too_heavy = client.get("/api/indicators/units/p-a/scorecard?period=2025-2026.DN&w_attainment=3")
    assert (too_heavy.status_code, too_heavy.json()["message"]) == (
        400,
        "Trọng số mức đạt chỉ tiêu không được lớn hơn 1.",
    )
    assert client.get("/api/indicators/units/p-a/dashboard?period=nope").status_code == 404
    assert (
        client_of(f.people.outsider)
        .get("/api/indicators/units/p-a/dashboard?period=2025-2026.DN")
        .status_code
        == 404
    )


# --- targets ---------------------------------------------------------------------------------


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def targets_state() -> tuple[object, ...]:
    """Every target and the audit count: a refused request must leave both as they were."""
    return (
        sorted(
            Target.objects.values_list(
                "indicator__code", "unit__key", "school_year", "value", "allocated_from_id"
            )
        ),
        AuditEvent.objects.count(),
    )


def test_set_a_target(figures: Figures, client_of: ClientOf) -> None:
    body = {"indicator": "MN_TRE_5T", "school_year": "2025-2026", "value": "1.250", "source": "KH"}
    response = send(
        client_of(figures.province_approver), "put", "/api/indicators/units/p-a/targets", body
    )
    assert response.status_code == 200
    assert response.json() == {
        "indicator": "MN_TRE_5T",
        "unit": "p-a",
        "school_year": "2025-2026",
        "value": "1250.00",
    }
    target = Target.objects.get()
    assert (target.unit.key, target.value, target.source) == ("p-a", Decimal(1250), "KH")


@pytest.mark.parametrize(
    ("given", "status", "message"),
    [
        ({"indicator": "TH_TL_CHUAN_QG", "value": "120"}, 400, "Chỉ tiêu tỷ lệ không quá 100%."),
        ({"indicator": "MN_TRE_5T", "value": ""}, 400, "Hãy nhập chỉ tiêu."),
        ({"indicator": "KHONG_CO", "value": "5"}, 404, "Không có chỉ tiêu này."),
    ],
)
def test_a_wrong_target_is_refused_with_a_message(
    figures: Figures, client_of: ClientOf, given: dict[str, str], status: int, message: str
) -> None:
    body = {**given, "school_year": "2025-2026"}
    response = send(
        client_of(figures.province_approver), "put", "/api/indicators/units/p-a/targets", body
    )
    assert (response.status_code, response.json()["message"]) == (status, message)
    assert not Target.objects.exists()


@pytest.mark.parametrize(("user", "status"), [("outsider", 404), ("viewer", 403)])
def test_refused_target_writes_change_nothing(
    figures: Figures, client_of: ClientOf, user: str, status: int
) -> None:
    before = targets_state()
    response = send(
        client_of(getattr(figures.people, user)),
        "put",
        "/api/indicators/units/p-a/targets",
        {"indicator": "MN_TRE_5T", "school_year": "2025-2026", "value": 5},
    )
    assert response.status_code == status
    assert targets_state() == before


ALLOCATE = "/api/indicators/units/p-a/targets/allocation"


def province_target(f: Figures, code: str = "MN_TRE_5T", value: object = 1000) -> Target:
    return set_target(
        actor=f.province_approver,
        indicator=Indicator.objects.get(code=code),
        unit=f.org.province_a,
        school_year="2025-2026",
        value=value,
        source="102/KH-UBND",
    )


def test_allocate_a_total_to_the_communes(figures: Figures, client_of: ClientOf) -> None:
    f = figures
    parent = province_target(f)
    body = {
        "indicator": "MN_TRE_5T",
        "school_year": "2025-2026",
        "allocations": {"c-a1": "600", "c-a2": 400},
    }

    response = send(client_of(f.province_approver), "post", ALLOCATE, body)

    assert response.status_code == 200
    assert response.json() == {
        "indicator": "MN_TRE_5T",
        "unit": "p-a",
        "school_year": "2025-2026",
        "value": "1000.00",
        "targets": [
            {"unit": "c-a1", "name": "Xã An Lạc", "value": "600.00"},
            {"unit": "c-a2", "name": "Phường Hòa Bình", "value": "400.00"},
        ],
        "warning": "",
    }
    assert sorted(
        Target.objects.filter(allocated_from=parent).values_list("unit__key", "value", "source")
    ) == [("c-a1", Decimal(600), "102/KH-UBND"), ("c-a2", Decimal(400), "102/KH-UBND")]
    assert AuditEvent.objects.filter(action="indicators.target_set").count() == 3
    # Allocated: the commune may no longer change it itself (same rule as the page).
    refused = send(
        client_of(f.commune_approver),
        "put",
        "/api/indicators/units/c-a1/targets",
        {"indicator": "MN_TRE_5T", "school_year": "2025-2026", "value": 10},
    )
    assert refused.status_code == 403
    assert Target.objects.get(unit=f.org.commune_a1).value == 600


def test_allocating_a_rate_warns_when_the_children_fall_short(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    province_target(f, "TH_TL_GV_CHUAN", 95)
    body = {
        "indicator": "TH_TL_GV_CHUAN",
        "school_year": "2025-2026",
        "allocations": {"c-a1": "90"},
    }
    response = send(client_of(f.province_approver), "post", ALLOCATE, body)
    assert response.status_code == 200
    assert response.json()["targets"] == [{"unit": "c-a1", "name": "Xã An Lạc", "value": "90.00"}]
    assert response.json()["warning"] == (
        "Chỉ tiêu các đơn vị, tính theo quy mô (90,00), chưa đạt chỉ tiêu của Tỉnh Phú An (95)."
    )


@pytest.mark.parametrize(
    ("allocations", "status", "message"),
    [
        (
            {"c-a1": "600", "c-a2": "300"},
            400,
            "Tổng chỉ tiêu phân bổ (900) phải bằng chỉ tiêu của Tỉnh Phú An (1.000).",
        ),
        (
            {"c-a1": "600", "s-a1": "400"},  # a school of c-a1: not a child of the province
            400,
            "Không phải đơn vị trực thuộc đang hoạt động của Tỉnh Phú An: s-a1.",
        ),
        (
            {"c-a1": "600", "d-a-old": "400"},  # a dissolved district
            400,
            "Không phải đơn vị trực thuộc đang hoạt động của Tỉnh Phú An: d-a-old.",
        ),
        (
            {"c-a1": "sáu trăm", "c-a2": "400"},
            400,
            "Xã An Lạc: Chỉ tiêu phải là một số, ví dụ 1.250 hoặc 12,5.",
        ),
        ({}, 422, "Dữ liệu gửi lên không hợp lệ."),
    ],
    ids=["sum", "grandchild", "dissolved", "not-a-number", "empty"],
)
def test_a_wrong_allocation_is_refused_with_a_message_and_changes_nothing(
    figures: Figures,
    client_of: ClientOf,
    allocations: dict[str, str],
    status: int,
    message: str,
) -> None:
    province_target(figures)
    before = targets_state()
    body = {"indicator": "MN_TRE_5T", "school_year": "2025-2026", "allocations": allocations}

    response = send(client_of(figures.province_approver), "post", ALLOCATE, body)

    assert (response.status_code, response.json()["message"]) == (status, message)
    assert targets_state() == before


def test_allocating_without_an_own_target_is_a_400(figures: Figures, client_of: ClientOf) -> None:
    body = {"indicator": "MN_TRE_5T", "school_year": "2025-2026", "allocations": {"c-a1": 5}}
    response = send(client_of(figures.province_approver), "post", ALLOCATE, body)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Tỉnh Phú An chưa có chỉ tiêu “Số trẻ 5 tuổi đến trường” năm học 2025-2026."
    )
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("outsider", 404),  # another province
        ("commune_approver", 404),  # approver below: the province is not in scope
        ("viewer", 403),  # reads the province, may not allocate
        ("province_officer", 403),  # specialist, not approver
    ],
)
def test_refused_allocations_change_nothing(
    figures: Figures, client_of: ClientOf, user: str, status: int
) -> None:
    f = figures
    province_target(f)
    actor = getattr(f, user) if user == "commune_approver" else getattr(f.people, user)
    before = targets_state()
    body = {
        "indicator": "MN_TRE_5T",
        "school_year": "2025-2026",
        "allocations": {"c-a1": "600", "c-a2": "400"},
    }

    response = send(client_of(actor), "post", ALLOCATE, body)

    assert response.status_code == status
    assert targets_state() == before


def test_the_dashboard_says_when_rollups_are_being_rebuilt(
    figures: Figures, client_of: ClientOf
) -> None:
    f = figures
    fill_both_communes(f)
    rollups_rebuild()
    client = client_of(f.people.province_officer)
    url = "/api/indicators/units/p-a/dashboard?period=2025-2026.DN"
    assert client.get(url).json()["rollups_stale"] is False
    merge_communes(f)
    assert client.get(url).json()["rollups_stale"] is True
    card = client.get("/api/indicators/units/p-a/scorecard?period=2025-2026.DN").json()
    assert card["rollups_stale"] is True
