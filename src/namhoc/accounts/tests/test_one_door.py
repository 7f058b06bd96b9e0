"""People and the audit log through one door (issue 10) with every input bounded (issue 9): the
page and the API call the same use cases and selectors and give the same answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import OrgTree, People
from django.db import IntegrityError, connection, transaction
from django.test import Client

from namhoc.accounts import selectors, services
from namhoc.accounts.models import Membership, Role, User
from namhoc.core.audit import audit_context
from namhoc.core.errors import DomainError, Forbidden
from namhoc.core.models_audit import AuditEvent
from namhoc.core.text import fold
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.services import orgunit_rename
from namhoc.orgunits.tree import child_path, depth_of
from namhoc.testing.databases import shared_database

ClientOf = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def _state() -> tuple[object, ...]:
    return (
        list(User.objects.order_by("pk").values_list("pk", "username", "full_name", "email")),
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "unit_id", "role")),
        AuditEvent.objects.count(),
    )


def _post_json(client: Client, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


# --- one rule, two doors --------------------------------------------------------------------


@pytest.mark.parametrize("door", ["page", "api"])
def test_a_unit_outside_my_scope_is_refused_the_same_way(
    org: OrgTree, people: People, client_of: ClientOf, door: str
) -> None:
    client = client_of(people.province_admin)
    before = _state()
    data = {"username": "moi", "full_name": "Người Mới", "unit": "c-b1", "role": "viewer"}
    if door == "page":
        response = client.post("/nguoi-dung/them/", data)
        assert response.status_code == 400
        assert response.context["form"].errors["unit"] == [
            "Không tìm thấy đơn vị này trong phạm vi bạn quản trị."
        ]
    else:
        response = _post_json(client, "/api/users", data)
        assert response.status_code == 404
        assert response.json() == {
            "code": "not_found",
            "message": "Không tìm thấy đơn vị này trong phạm vi bạn quản trị.",
            "field": "unit",
        }
    assert _state() == before


@pytest.mark.parametrize("door", ["page", "api"])
def test_a_user_is_created_at_a_unit_picked_by_name(
    org: OrgTree, people: People, client_of: ClientOf, door: str
) -> None:
    client = client_of(people.province_admin)
    data = {"username": "gv", "full_name": "Giáo Viên", "unit": "s-a2", "role": "viewer"}
    if door == "page":
        form = client.get("/nguoi-dung/them/").content.decode()
        assert 'hx-get="/don-vi/chon/?o=unit&amp;muc=quan-tri&amp;mot=1"' in form
        picked = client.get(
            "/don-vi/chon/", {"o": "unit", "muc": "quan-tri", "tim_unit": "hoa binh"}
        )
        assert 'value="s-a2"' in picked.content.decode()
        assert client.post("/nguoi-dung/them/", data).status_code == 302
    else:
        assert _post_json(client, "/api/users", data).status_code == 201
    user = User.objects.get(username="gv")
    assert list(user.memberships.values_list("unit__key", "role")) == [("s-a2", "viewer")]


# --- every free text capped, every list bounded (issue 9, items 6 and 9) ------------------------


def test_a_full_name_over_its_cap_is_refused_with_a_message(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    client = client_of(people.province_admin)
    before = _state()
    long_name = "Nguyễn " * 40  # 280 characters
    page = client.post(f"/nguoi-dung/{people.viewer.pk}/", {"full_name": long_name, "email": ""})
    assert page.status_code == 400
    assert page.context["edit_form"].errors["full_name"] == [
        "Họ và tên dài tối đa 200 ký tự (đang có 279)."
    ]
    api = _post_json(
        client, f"/api/users/{people.viewer.pk}", {"full_name": long_name}, method="patch"
    )
    assert api.status_code == 422
    assert api.json()["fields"] == {"full_name": "Dài quá 200 ký tự."}
    with pytest.raises(DomainError) as caught:
        services.user_update(
            actor=people.province_admin, user_id=people.viewer.pk, full_name=long_name
        )
    assert (caught.value.field, caught.value.status) == ("full_name", 400)
    assert _state() == before


def test_search_boxes_are_capped(people: People, client_of: ClientOf) -> None:
    client = client_of(people.province_admin)
    page = client.get("/nguoi-dung/", {"q": "x" * 101})
    assert page.status_code == 400
    assert "Từ khóa tìm kiếm dài tối đa 100 ký tự (đang có 101)." in page.content.decode()
    api = client.get("/api/users", {"q": "x" * 101})
    assert (api.status_code, api.json()["field"]) == (422, "q")
    units = client.get("/don-vi/", {"q": "x" * 101})
    assert units.status_code == 400


@pytest.mark.parametrize("url", ["/api/users", "/api/units", "/api/audit"])
@pytest.mark.parametrize(
    ("param", "value"), [("limit", "99999999999999999999"), ("offset", "99999999999999999999")]
)
def test_api_lists_are_bounded(
    people: People, client_of: ClientOf, url: str, param: str, value: str
) -> None:
    response = client_of(people.province_admin).get(url, {param: value})
    assert response.status_code == 422
    assert response.json()["field"] == param


def test_api_lists_page_within_the_bound(people: People, client_of: ClientOf) -> None:
    body = client_of(people.province_admin).get("/api/users", {"limit": 2, "offset": 1}).json()
    assert body["count"] == 5
    assert len(body["items"]) == 2


# --- the audit log through the API ------------------------------------------------------------


def _some_changes(org: OrgTree, people: People) -> None:
    with audit_context(source="web", ip="10.0.0.9"):
        services.user_update(
            actor=people.province_admin, user_id=people.viewer.pk, full_name="Đỗ Văn Mới"
        )
        services.membership_grant(
            actor=people.province_admin,
            user_id=people.commune_officer.pk,
            unit="s-a1",
            role="viewer",
        )
        services.user_update(actor=people.superuser, user_id=people.outsider.pk, email="a@b.vn")


def test_the_audit_api_lists_what_the_page_lists(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    _some_changes(org, people)
    client = client_of(people.province_admin)
    api = client.get("/api/audit").json()
    page = client.get("/nhat-ky/")
    assert api["count"] == 2  # the outsider's change is filed under province B
    assert [row["id"] for row in api["items"]] == [e.pk for e in page.context["page"]]
    first = api["items"][0]
    assert (first["action"], first["action_label"], first["actor"]) == (
        "membership.grant",
        "Cấp vai trò",
        "province_admin",
    )
    assert first["object_type"] == "accounts.membership"
    assert (first["object_kind"], first["actor_name"]) == ("vai trò tại đơn vị", "Lê Thị Quản")
    assert (first["source"], first["ip"]) == ("web", "10.0.0.9")
    filtered = client.get("/api/audit", {"action": "user", "person": "Lê Thị"}).json()
    assert [row["action"] for row in filtered["items"]] == ["user.update"]
    assert client.get("/api/audit", {"unit": "s-a1"}).json()["count"] == 1


def test_the_audit_api_refuses_like_the_page(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    _some_changes(org, people)
    admin = client_of(people.province_admin)
    bad = admin.get("/api/audit", {"unit": "c-b1"})
    assert bad.status_code == 400
    assert bad.json()["message"] == "Không tìm thấy đơn vị này trong phạm vi bạn quản trị."
    page = admin.get("/nhat-ky/", {"unit": "c-b1"})
    assert page.status_code == 400
    assert page.context["form"].errors["unit"] == [
        "Không tìm thấy đơn vị này trong phạm vi bạn quản trị."
    ]
    assert list(page.context["page"]) == []
    dates = admin.get("/api/audit", {"date_from": "31/12/2026", "date_to": "01/01/2026"})
    assert dates.json()["message"] == "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."
    assert client_of(people.province_officer).get("/api/audit").status_code == 403


def test_object_history_through_the_api(org: OrgTree, people: People, client_of: ClientOf) -> None:
    _some_changes(org, people)
    admin = client_of(people.province_admin)
    history = admin.get(f"/api/audit/accounts.user/{people.viewer.pk}").json()
    assert [row["changes"] for row in history["items"]] == [
        {"full_name": ["Đỗ Văn Xem", "Đỗ Văn Mới"]}
    ]
    assert admin.get(f"/api/audit/accounts.user/{people.outsider.pk}").status_code == 404
    assert admin.get("/api/audit/khong.co/1").status_code == 404
    outsider_admin = User.objects.create_user("qt-b", full_name="Quản trị B")
    Membership.objects.create(user=outsider_admin, unit=org.province_b, role=Role.UNIT_ADMIN)
    other = client_of(outsider_admin)
    assert other.get(f"/api/audit/accounts.user/{people.viewer.pk}").status_code == 404
    assert other.get(f"/api/audit/accounts.user/{people.outsider.pk}").json()["count"] == 1


# --- forms render saved values and take them back ----------------------------------------------


def test_the_user_form_posts_back_unchanged(people: People, client_of: ClientOf) -> None:
    client = client_of(people.province_admin)
    subject = people.commune_officer
    subject.email = "xa@an-lac.vn"
    subject.save()
    page = client.get(f"/nguoi-dung/{subject.pk}/")
    form = page.context["edit_form"]
    data = {name: form[name].value() for name in form.fields}
    assert data == {"full_name": "Phạm Văn Xã", "email": "xa@an-lac.vn"}
    before = AuditEvent.objects.count()
    response = client.post(f"/nguoi-dung/{subject.pk}/", data)
    assert response.status_code == 302
    assert AuditEvent.objects.count() == before  # nothing changed, nothing to record


def test_the_audit_filter_posts_back_unchanged(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    _some_changes(org, people)
    client = client_of(people.province_admin)
    query = {"unit": "s-a1", "person": "province_admin", "action": "membership.grant",
             "date_from": "01/01/2026", "date_to": "31/12/2100"}  # fmt: skip
    first = client.get("/nhat-ky/", query)
    html = first.content.decode()
    assert 'value="01/01/2026"' in html
    assert 'value="s-a1" checked' in html
    again = client.get("/nhat-ky/", {n: first.context["form"][n].value() for n in query})
    assert again.status_code == 200
    assert [e.action for e in again.context["page"]] == ["membership.grant"]


# --- home unit: one rule ----------------------------------------------------------------------


def test_the_home_page_and_the_audit_filing_use_the_one_home_unit(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    # Given a user whose first membership (by creation) is deep and a later one is higher
    person = User.objects.create_user("hai-noi", full_name="Hai Nơi")
    Membership.objects.create(user=person, unit=org.school_a1, role=Role.VIEWER)
    Membership.objects.create(user=person, unit=org.province_a, role=Role.VIEWER)
    assert selectors.home_unit(person) == org.province_a
    response = client_of(person).get("/")
    assert response.context["first_unit"] == org.province_a
    services.user_update(actor=people.superuser, user_id=person.pk, full_name="Hai Nơi Mới")
    assert AuditEvent.objects.get(action="user.update").unit_id == org.province_a.pk
    # A superuser without a unit lands on the root
    assert client_of(people.superuser).get("/").context["first_unit"] == org.ministry


# --- org units: the tree is changed by namhoc and superusers only ------------------------------


def test_only_the_system_or_a_superuser_restructures_the_tree(org: OrgTree, people: People) -> None:
    import datetime as dt

    day = dt.date(2025, 9, 1)
    with pytest.raises(Forbidden):
        orgunit_rename(actor=people.province_admin, unit=org.commune_a1, name="X", date=day)
    org.commune_a1.refresh_from_db()
    assert org.commune_a1.name == "Xã An Lạc"
    assert not AuditEvent.objects.exists()
    orgunit_rename(actor=people.superuser, unit=org.commune_a1, name="Xã An Lạc Mới", date=day)
    orgunit_rename(actor=None, unit=org.commune_a1, name="Xã An Lạc", date=day)
    assert AuditEvent.objects.filter(action="orgunit.rename").count() == 2


def test_a_legal_basis_over_its_cap_is_refused_not_cut(org: OrgTree) -> None:
    import datetime as dt

    with pytest.raises(DomainError) as caught:
        orgunit_rename(
            actor=None,
            unit=org.commune_a1,
            name="Xã Mới",
            date=dt.date(2025, 9, 1),
            legal_basis="Nghị quyết " * 30,
        )
    assert caught.value.field == "legal_basis"
    assert caught.value.message.startswith("Căn cứ dài tối đa 255 ký tự")


# --- concurrency --------------------------------------------------------------------------------


def test_user_names_are_unique_whatever_their_case_in_the_database(people: People) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="VIEWER")


def _run_together(count: int, work: Callable[[int], str]) -> list[str]:
    barrier = threading.Barrier(count)

    def one(n: int) -> str:
        try:
            barrier.wait(timeout=30)
            return work(n)
        except DomainError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


@pytest.mark.django_db(transaction=True)
def test_two_admins_revoking_a_users_two_roles_at_once_leave_one(
    org: OrgTree, people: People, tmp_path: Path
) -> None:
    person = User.objects.create_user("hai-vai-tro", full_name="Hai Vai Trò")
    first = Membership.objects.create(user=person, unit=org.commune_a1, role=Role.VIEWER)
    second = Membership.objects.create(user=person, unit=org.school_a1, role=Role.VIEWER)
    with shared_database(tmp_path):
        outcomes = _run_together(
            2,
            lambda n: (
                services.membership_revoke(
                    actor=people.province_admin, membership_id=(first, second)[n].pk
                )
                and "ok"
            ),
        )
        assert sorted(outcomes) == ["last_membership", "ok"]
        assert Membership.objects.filter(user=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_name_created_twice_at_once_makes_one_user(
    org: OrgTree, people: People, tmp_path: Path
) -> None:
    with shared_database(tmp_path):
        outcomes = _run_together(
            4,
            lambda n: (
                services.user_create(
                    actor=people.province_admin,
                    username=("moi", "MOI", "Moi", "mOi")[n],
                    full_name="Người Mới",
                    unit="c-a1",
                    role="viewer",
                )
                and "ok"
            ),
        )
        assert sorted(outcomes) == ["ok", "username_taken", "username_taken", "username_taken"]
        assert User.objects.filter(username__iexact="moi").count() == 1


# --- Vietnamese order (issue 11.7, where people read names in these pages) ---------------------


def test_people_and_units_are_listed_in_vietnamese_order(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    for username, name in (("a", "Chu Văn An"), ("b", "Chí Linh"), ("c", "Ái Quốc")):
        services.user_create(
            actor=people.province_admin,
            username=username,
            full_name=name,
            unit="c-a2",
            role="viewer",
        )
    client = client_of(people.province_admin)
    names = [u.full_name for u in client.get("/nguoi-dung/", {"q": "c"}).context["page"]]
    assert names.index("Chí Linh") < names.index("Chu Văn An")  # code points say the opposite
    for number, name in ((50, "Xã Đông Hòa"), (51, "Xã Dương Quang")):
        path = child_path(org.province_a.path, number)
        OrgUnit.objects.create(
            key=f"x-{number}",
            name=name,
            name_folded=fold(name),
            kind=OrgUnit.Kind.COMMUNE,
            parent=org.province_a,
            path=path,
            depth=depth_of(path),
        )
    found = client.get("/don-vi/", {"q": "xa"}, HTTP_HX_REQUEST="true").context["results"]
    order = [u.name for u in found]
    assert order.index("Xã Dương Quang") < order.index("Xã Đông Hòa")  # d before đ
