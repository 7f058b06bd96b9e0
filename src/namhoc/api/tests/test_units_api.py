import pytest
from django.test import Client

from namhoc.accounts.models import Membership, Role, User
from namhoc.orgunits.tests.factories import Tree, make_tree


@pytest.fixture
def tree(db: None) -> Tree:
    return make_tree()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(tree: Tree) -> Client:
    return client_for(User.objects.create_user("sa", is_superuser=True, is_staff=True))


@pytest.fixture
def commune_client(tree: Tree) -> Client:
    user = User.objects.create_user("xa")
    Membership.objects.create(user=user, unit=tree.tu_ky, role=Role.VIEWER)
    return client_for(user)


def keys(response) -> list[str]:
    return [item["key"] for item in response.json()["items"]]


def test_list_is_cut_to_the_users_scope(commune_client: Client) -> None:
    response = commune_client.get("/api/units")
    assert response.status_code == 200
    assert keys(response) == ["c2025-11074", "s-31-00001", "s-31-00002"]
    assert response.json()["count"] == 3


def test_list_filters(admin_client: Client) -> None:
    response = admin_client.get("/api/units", {"kind": "province"})
    assert keys(response) == ["p2025-31", "p2025-01"]  # tree order
    response = admin_client.get("/api/units", {"kind": "province", "as_of": "2024-06-30"})
    assert sorted(keys(response)) == ["p2024-01", "p2024-30", "p2024-31"]
    response = admin_client.get("/api/units", {"parent": "p2025-31", "school_level": "thpt"})
    assert keys(response) == ["s-31-00003"]
    response = admin_client.get("/api/units", {"q": "TU KY", "kind": "district"})
    assert keys(response) == ["d2024-298"]


def test_one_unit_with_ancestors_and_successors(admin_client: Client) -> None:
    body = admin_client.get("/api/units/c2024-11077").json()
    assert body["name"] == "Xã Hưng Đạo"
    assert body["valid_to"] == "2025-07-01"
    assert body["parent_key"] == "d2024-298"
    assert [a["key"] for a in body["ancestors"]] == ["bo-gddt", "p2024-30", "d2024-298"]
    assert sorted(s["key"] for s in body["successors"]) == ["c2025-11074", "c2025-11311"]
    body = admin_client.get("/api/units/p2025-31", {"as_of": "2024-06-30"}).json()
    assert [c["key"] for c in body["counterparts"]] == ["p2024-30", "p2024-31"]


def test_subtree_and_ancestors_as_of(admin_client: Client) -> None:
    response = admin_client.get(
        "/api/units/p2025-31/subtree", {"as_of": "2024-06-30", "kind": "district"}
    )
    assert sorted(keys(response)) == ["d2024-298", "d2024-303"]
    response = admin_client.get("/api/units/s-31-00001/ancestors", {"as_of": "2024-06-30"})
    assert [u["key"] for u in response.json()] == [
        "bo-gddt",
        "p2024-30",
        "d2024-298",
        "c2024-11074",
    ]
    school = admin_client.get("/api/units/s-31-00001").json()
    assert (school["is_synthetic"], school["school_level"]) == (True, "mam_non")


@pytest.mark.parametrize(
    "path",
    [
        "/api/units/p2025-01",
        "/api/units/p2025-01/subtree",
        "/api/units/p2025-01/ancestors",
        "/api/units/khong-co",
    ],
)
def test_out_of_scope_is_404(commune_client: Client, path: str) -> None:
    response = commune_client.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_parent_filter_out_of_scope_is_404(commune_client: Client) -> None:
    assert commune_client.get("/api/units", {"parent": "p2025-01"}).status_code == 404


def test_dates_are_read_as_on_the_pages(admin_client: Client) -> None:
    typed = admin_client.get("/api/units/p2025-31/subtree", {"as_of": "30/06/2024"})
    iso = admin_client.get("/api/units/p2025-31/subtree", {"as_of": "2024-06-30"})
    assert typed.status_code == 200
    assert typed.json() == iso.json()
    response = admin_client.get("/api/units/p2025-31/subtree", {"as_of": "31/02/2024"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_date",
        "message": "Ngày xem không đúng: ngày 31/02/2024 không có trên lịch.",
        "field": "as_of",
    }


def test_a_unit_as_of_before_it_existed(admin_client: Client) -> None:
    body = admin_client.get("/api/units/p2025-31", {"as_of": "2024-06-30"}).json()
    assert body["validity"] == "chưa có vào ngày 30/06/2024 (thành lập từ 01/07/2025)"
    legacy = admin_client.get("/api/units/c2024-11074").json()
    assert legacy["kind_label"] == "Xã, phường, thị trấn"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "99999999999999999999"}, "limit"),
        ({"offset": "99999999999999999999"}, "offset"),
        ({"offset": "-1"}, "offset"),
        ({"q": "x" * 101}, "q"),
        ({"kind": "hamlet"}, "kind"),
    ],
)
def test_bad_list_parameters_are_refused_not_crashed(
    admin_client: Client, params: dict[str, str], field: str
) -> None:
    response = admin_client.get("/api/units", params)
    assert response.status_code in (400, 422)
    assert response.json()["field"] == field


def test_anonymous_is_401(db: None) -> None:
    assert Client().get("/api/units").status_code == 401


def test_units_are_in_the_openapi_schema(admin_client: Client) -> None:
    paths = admin_client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/units",
        "/api/units/{key}",
        "/api/units/{key}/subtree",
        "/api/units/{key}/ancestors",
    } <= set(paths)
