"""User management pages and the audit log pages (namhoc.web.accounts_views, audit_views)."""

from __future__ import annotations

from collections.abc import Callable

from conftest import OrgTree, People
from django.test import Client

from namhoc.accounts.models import Membership, User
from namhoc.core.models_audit import AuditEvent

ClientOf = Callable[[User], Client]


def test_user_list_shows_my_subtree_only(people: People, client_of: ClientOf) -> None:
    response = client_of(people.province_admin).get("/nguoi-dung/")
    assert response.status_code == 200
    names = {u.username for u in response.context["page"].object_list}
    assert names == {
        "school_principal",
        "province_admin",
        "commune_officer",
        "viewer",
        "province_officer",
    }
    assert "outsider" not in response.content.decode()


def test_user_list_search_and_htmx_rows(people: People, client_of: ClientOf) -> None:
    client = client_of(people.province_admin)
    response = client.get("/nguoi-dung/", {"q": "Xã"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["accounts/_user_rows.html"]
    assert [u.username for u in response.context["page"].object_list] == ["commune_officer"]


def test_user_list_query_budget(
    people: People, client_of: ClientOf, django_assert_max_num_queries: object
) -> None:
    client = client_of(people.province_admin)
    client.get("/nguoi-dung/")  # the first request after sign-in records the session
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/nguoi-dung/").status_code == 200


def test_non_admins_are_refused(people: People, client_of: ClientOf) -> None:
    for user in (people.province_officer, people.viewer, people.outsider):
        assert client_of(user).get("/nguoi-dung/").status_code == 403
        assert client_of(user).get("/nhat-ky/").status_code == 403
    assert "Chỉ quản trị đơn vị" in client_of(people.viewer).get("/nguoi-dung/").content.decode()


def test_create_user_page(org: OrgTree, people: People, client_of: ClientOf) -> None:
    client = client_of(people.province_admin)
    assert client.get("/nguoi-dung/them/").status_code == 200
    response = client.post(
        "/nguoi-dung/them/",
        {"username": "gv1", "full_name": "Giáo Viên", "unit": "s-a2", "role": "viewer"},
        REMOTE_ADDR="10.4.4.4",
    )
    user = User.objects.get(username="gv1")
    assert response.status_code == 302
    assert response["Location"] == f"/nguoi-dung/{user.pk}/"
    event = AuditEvent.objects.get(action="user.create")
    assert (event.source, event.ip, event.actor_label) == ("web", "10.4.4.4", "province_admin")


def test_create_user_errors_in_vietnamese(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    client = client_of(people.province_admin)
    before = User.objects.count()
    cases = [
        ({"username": "", "full_name": "", "unit": "", "role": "viewer"}, "bắt buộc"),
        ({"username": "x", "full_name": "X", "unit": "c-b1", "role": "viewer"}, "phạm vi"),
        ({"username": "x", "full_name": "X", "unit": "c-a1", "role": "chu-tich"}, "Vai trò phải"),
        ({"username": "viewer", "full_name": "X", "unit": "c-a1", "role": "viewer"}, "đã có"),
    ]
    for data, text in cases:
        response = client.post("/nguoi-dung/them/", data)
        assert response.status_code == 400, data
        assert text in response.content.decode(), data
    assert User.objects.count() == before


def test_user_detail_edit_grant_revoke_disable(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    client = client_of(people.province_admin)
    target = people.commune_officer
    assert client.get(f"/nguoi-dung/{target.pk}/").status_code == 200
    response = client.post(f"/nguoi-dung/{target.pk}/", {"full_name": "Tên Mới", "email": ""})
    assert response.status_code == 302
    response = client.post(f"/nguoi-dung/{target.pk}/vai-tro/", {"unit": "s-a1", "role": "viewer"})
    assert response.status_code == 302
    granted = Membership.objects.get(user=target, unit=org.school_a1)
    response = client.post(f"/nguoi-dung/vai-tro/{granted.pk}/thu-hoi/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=granted.pk).exists()
    assert client.post(f"/nguoi-dung/{target.pk}/khoa/").status_code == 302
    target.refresh_from_db()
    assert (target.full_name, target.is_active) == ("Tên Mới", False)
    assert client.post(f"/nguoi-dung/{target.pk}/mo-khoa/").status_code == 302
    target.refresh_from_db()
    assert target.is_active
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "user.update",
        "membership.grant",
        "membership.revoke",
        "user.disable",
        "user.enable",
    ]


def test_outsider_user_is_not_found_and_nothing_changes(
    people: People, client_of: ClientOf
) -> None:
    client = client_of(people.province_admin)
    target = people.outsider
    events = AuditEvent.objects.count()
    assert client.get(f"/nguoi-dung/{target.pk}/").status_code == 404
    assert client.post(f"/nguoi-dung/{target.pk}/khoa/").status_code == 404
    assert client.post(f"/nguoi-dung/{target.pk}/", {"full_name": "X"}).status_code == 404
    membership = Membership.objects.get(user=target)
    assert client.post(f"/nguoi-dung/vai-tro/{membership.pk}/thu-hoi/").status_code == 404
    target.refresh_from_db()
    assert (target.is_active, target.full_name) == (True, "Vũ Thị Ngoài")
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.count() == events
    assert "Không tìm thấy" in client.get(f"/nguoi-dung/{target.pk}/").content.decode()


def test_audit_list_is_scoped_and_filterable(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    client_of(people.province_admin).post(
        f"/nguoi-dung/{people.commune_officer.pk}/", {"full_name": "Tên Mới"}
    )
    client_of(people.superuser).post(f"/nguoi-dung/{people.outsider.pk}/", {"full_name": "B"})
    admin = client_of(people.province_admin)
    response = admin.get("/nhat-ky/")
    assert response.status_code == 200
    assert [e.object_repr for e in response.context["page"].object_list] == ["Tên Mới"]
    html = response.content.decode()
    assert "Phạm Văn Xã → Tên Mới" in html
    assert list(admin.get("/nhat-ky/", {"unit": "c-a2"}).context["page"]) == []
    assert len(admin.get("/nhat-ky/", {"person": "province_admin"}).context["page"]) == 1
    assert len(admin.get("/nhat-ky/", {"person": "Lê Thị"}).context["page"]) == 1
    assert list(admin.get("/nhat-ky/", {"person": "superuser"}).context["page"]) == []
    assert len(admin.get("/nhat-ky/", {"action": "user.update"}).context["page"]) == 1
    assert list(admin.get("/nhat-ky/", {"action": "membership.grant"}).context["page"]) == []
    assert admin.get("/nhat-ky/", {"unit": "p-b"}).status_code == 400
    assert (
        admin.get("/nhat-ky/", {"date_from": "2030-01-02", "date_to": "2030-01-01"}).status_code
        == 400
    )
    superuser_page = client_of(people.superuser).get("/nhat-ky/").context["page"]
    assert len(superuser_page) == 2


def test_audit_times_are_shown_in_vietnam_time(people: People, client_of: ClientOf) -> None:
    client_of(people.province_admin).post(f"/nguoi-dung/{people.viewer.pk}/khoa/")
    event = AuditEvent.objects.get()
    event.occurred_at = event.occurred_at.replace(
        year=2026, month=1, day=5, hour=17, minute=30, second=0
    )  # 17:30 UTC
    AuditEvent.objects.filter(pk=event.pk).update(occurred_at=event.occurred_at)
    html = client_of(people.province_admin).get("/nhat-ky/").content.decode()
    assert "00:30:00 06/01/2026" in html


def test_object_history(people: People, client_of: ClientOf) -> None:
    client_of(people.province_admin).post(f"/nguoi-dung/{people.viewer.pk}/khoa/")
    client_of(people.superuser).post(f"/nguoi-dung/{people.outsider.pk}/khoa/")
    url = f"/nhat-ky/accounts.user/{people.viewer.pk}/"
    response = client_of(people.province_admin).get(url)
    assert response.status_code == 200
    assert [e.action for e in response.context["page"].object_list] == ["user.disable"]
    outsider_url = f"/nhat-ky/accounts.user/{people.outsider.pk}/"
    assert client_of(people.province_admin).get(outsider_url).status_code == 404
    assert client_of(people.province_admin).get("/nhat-ky/khong.co/1/").status_code == 404
    assert client_of(people.superuser).get(outsider_url).status_code == 200
    assert client_of(people.province_officer).get(url).status_code == 403


def test_admin_site_changes_are_audited(people: People, client_of: ClientOf) -> None:
    client = client_of(people.superuser)
    user = people.viewer
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "username": "viewer",
            "full_name": "Đỗ Văn Sửa",
            "email": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": str(user.memberships.get().pk),
            "memberships-0-user": str(user.pk),
        },
        REMOTE_ADDR="10.7.7.7",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get()
    assert (event.action, event.source, event.ip) == ("user.update", "admin", "10.7.7.7")
    assert event.changes["full_name"] == ["Đỗ Văn Xem", "Đỗ Văn Sửa"]
    assert "password" not in event.changes
