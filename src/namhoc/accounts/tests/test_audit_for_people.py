"""The audit log reads like a sentence to an official (issue 11.5): objects by their names,
fields by Vietnamese labels, values rendered, technical fields hidden, no "∅"; filters by person,
unit, kind of change and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from conftest import OrgTree, People
from django.test import Client

from namhoc.accounts import services
from namhoc.accounts.models import User
from namhoc.core.audit import audit_context
from namhoc.core.models_audit import AuditEvent
from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.indicators.tests.helpers import save_values, setup_figures
from namhoc.tracking import services as tracking

ClientOf = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def _rows(client: Client, **query: str) -> list[dict[str, object]]:
    response = client.get("/nhat-ky/", query)
    assert response.status_code == 200, response.content.decode()[:500]
    return [
        {
            "who": r.actor_name,
            "what": r.action_label,
            "object": f"{r.object_kind}: {r.object_label}",
            "changes": [(c.label, c.old, c.new, c.kind) for c in r.changes],
            "source": r.source_label,
        }
        for r in response.context["rows"]
    ]


def test_people_changes_read_as_sentences(org: OrgTree, people: People, client_of: ClientOf):
    with audit_context(source="web", ip="10.0.0.1"):
        services.membership_grant(
            actor=people.province_admin,
            user_id=people.commune_officer.pk,
            unit="s-a1",
            role="approver",
        )
        services.user_set_password(
            actor=people.province_admin,
            user_id=people.commune_officer.pk,
            password="mot-mat-khau-dai-du",
        )
    client = client_of(people.province_admin)
    rows = _rows(client)
    assert rows == [
        {
            "who": "Lê Thị Quản",
            "what": "Đặt lại mật khẩu",
            "object": "Người dùng: Phạm Văn Xã",
            "changes": [("Mật khẩu", "", "đã đặt mới", "set")],
            "source": "Trang web",
        },
        {
            "who": "Lê Thị Quản",
            "what": "Cấp vai trò",
            "object": "Vai trò tại đơn vị: Phạm Văn Xã — Phê duyệt — Trường Tiểu học An Lạc",
            "changes": [  # in the model's order of fields, on every database
                ("Người dùng", "(trống)", "Phạm Văn Xã", "set"),
                ("Đơn vị", "(trống)", "Trường Tiểu học An Lạc", "set"),
                ("Vai trò", "(trống)", "Phê duyệt", "set"),
            ],
            "source": "Trang web",
        },
    ]
    html = client.get("/nhat-ky/").content.decode()
    assert "∅" not in html
    assert "<strong>Đơn vị</strong>: Trường Tiểu học An Lạc" in html
    assert f"<strong>Đơn vị</strong>: {org.school_a1.pk}<" not in html


def test_assignment_changes_show_labels_names_and_dates_not_ids(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    task = plan.tasks.order_by("position").first()
    assert task is not None
    created = tracking.assignments_create(
        actor=people.province_officer,
        task_id=task.pk,
        units=["c-a1"],
        deadline="15/01/2026",
        target_value="1.250,5",
        target_unit="học sinh",
    ).created[0]
    tracking.assignment_update(
        actor=people.province_officer,
        assignment_id=created.pk,
        version=created.version,
        role="support",
        deadline="20/01/2026",
        target_value="1.250,5",
        target_unit="học sinh",
        note="",
    )
    rows = _rows(client_of(people.superuser), action="assignment.update")
    [update] = rows
    assert update["what"] == "Điều chỉnh phân công"
    assert update["changes"] == [
        ("Vai trò", "Chủ trì", "Phối hợp", "changed"),
        ("Hạn hoàn thành", "15/01/2026", "20/01/2026", "changed"),
    ]  # no "version: 1 → 2"
    [create] = _rows(client_of(people.superuser), action="assignment.create")
    shown = {label: new for label, _old, new, _kind in create["changes"]}  # type: ignore[attr-defined]
    assert shown["Đơn vị thực hiện"] == "Xã An Lạc"
    assert "Ghi chú" not in shown  # nothing was written there: nothing to say
    assert shown["Vai trò"] == "Chủ trì"
    assert shown["Hạn hoàn thành"] == "15/01/2026"
    assert shown["Chỉ tiêu"] == "1.250,5"
    assert shown["Nhiệm vụ"].startswith(task.label)


def test_a_figure_is_named_by_element_unit_and_period(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    figures = setup_figures(org, people)
    save_values(
        actor=people.school_principal,
        unit=org.school_a1,
        data_set=figures.dn_th,
        period=figures.start_2025,
        values={"TH_LOP": "12"},
    )
    save_values(
        actor=people.school_principal,
        unit=org.school_a1,
        data_set=figures.dn_th,
        period=figures.start_2025,
        values={"TH_LOP": "1250"},
        versions={"TH_LOP": 1},
    )
    [update, create] = _rows(client_of(people.superuser), action="indicators")
    assert create["what"] == "Nhập số liệu"
    assert update["object"].startswith("Số liệu: TH_LOP — ")  # type: ignore[union-attr]
    assert "· Trường Tiểu học An Lạc ·" in update["object"]  # type: ignore[operator]
    assert str(figures.start_2025) in update["object"]  # type: ignore[operator]
    assert update["changes"] == [("Giá trị", "12", "1.250", "changed")]


def test_filters_by_person_unit_kind_and_date(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    services.user_update(actor=people.province_admin, user_id=people.viewer.pk, email="x@so.vn")
    services.membership_grant(
        actor=people.superuser, user_id=people.commune_officer.pk, unit="s-a1", role="viewer"
    )
    client = client_of(people.province_admin)
    form = client.get("/nhat-ky/").context["form"]
    assert set(form.fields) == {"unit", "person", "action", "date_from", "date_to"}
    assert ("membership.grant", "Cấp vai trò") in form.fields["action"].choices
    assert "ứng_dụng" not in client.get("/nhat-ky/").content.decode()
    assert [r["what"] for r in _rows(client, person="Quản trị hệ thống")] == ["Cấp vai trò"]
    assert [r["what"] for r in _rows(client, person="province_admin")] == [
        "Sửa thông tin người dùng"
    ]
    assert [r["what"] for r in _rows(client, unit="s-a1")] == ["Cấp vai trò"]
    assert [r["what"] for r in _rows(client, action="user.update")] == ["Sửa thông tin người dùng"]
    today = dt.date.today()
    assert len(_rows(client, date_from=f"{today:%d/%m/%Y}", date_to=f"{today:%d/%m/%Y}")) == 2
    tomorrow = today + dt.timedelta(days=1)
    assert _rows(client, date_from=f"{tomorrow:%d/%m/%Y}") == []
    bad = client.get("/nhat-ky/", {"date_from": "31/02/2026"})
    assert bad.status_code == 400
    assert bad.context["form"].errors["date_from"] == [
        "Từ ngày không đúng: ngày 31/02/2026 không có trên lịch."
    ]


def test_the_log_page_costs_the_same_for_fifty_rows(
    org: OrgTree, people: People, client_of: ClientOf, django_assert_max_num_queries: object
) -> None:
    for n in range(50):
        services.user_update(
            actor=people.province_admin, user_id=people.viewer.pk, full_name=f"Tên {n}"
        )
    client = client_of(people.province_admin)
    client.get("/nhat-ky/")
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        response = client.get("/nhat-ky/")
    assert len(response.context["rows"]) == 50
    assert AuditEvent.objects.count() == 50
