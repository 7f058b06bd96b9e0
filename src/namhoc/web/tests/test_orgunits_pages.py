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
def province_client(tree: Tree) -> Client:
    user = User.objects.create_user("hp", full_name="Chuyên viên Hải Phòng")
    Membership.objects.create(user=user, unit=tree.hai_phong, role=Role.SPECIALIST)
    return client_for(user)


def test_index_lists_the_users_top_units(province_client: Client, django_assert_max_num_queries):
    province_client.get("/don-vi/")  # the first request records the session
    with django_assert_max_num_queries(8):  # session + user (3-4), then paths, count, page
        response = province_client.get("/don-vi/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thành phố Hải Phòng" in html
    assert "Thành phố Hà Nội" not in html


def test_live_search_ignores_diacritics_and_scope(province_client: Client) -> None:
    response = province_client.get("/don-vi/", {"q": "tu ky"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for htmx
    assert "Xã Tứ Kỳ" in html
    assert "Trường Mầm non Tứ Kỳ" in html
    assert "dữ liệu mô phỏng" in html
    response = province_client.get("/don-vi/", {"q": "ba dinh"}, HTTP_HX_REQUEST="true")
    assert "Không tìm thấy đơn vị nào" in response.content.decode()


def test_province_page_children_counts_and_history(
    admin_client: Client, tree: Tree, django_assert_max_num_queries
) -> None:
    admin_client.get("/don-vi/p2025-31/")
    with django_assert_max_num_queries(16):  # not one per child: children are annotated
        response = admin_client.get("/don-vi/p2025-31/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sở Giáo dục và Đào tạo Hải Phòng" in html
    assert "Xã Tứ Kỳ" in html
    assert "Phường Hồng Bàng" in html
    assert "Trường THPT Tứ Kỳ" in html
    assert "Hình thành từ:" in html
    assert "Tỉnh Hải Dương" in html
    assert "asof-banner" not in html


def test_province_as_of_before_the_reform_shows_its_pre_reform_parts(admin_client: Client):
    response = admin_client.get("/don-vi/p2025-31/", {"as_of": "2024-06-30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "tại ngày 30/06/2024" in html
    assert 'data-testid="asof-banner"' in html
    assert "Huyện Tứ Kỳ" in html
    assert "Quận Hồng Bàng" in html
    assert "Xã Tứ Kỳ</a>" not in html


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-13-01", "Ngày xem không đúng: ngày 2024-13-01 không có trên lịch."),
        ("hôm qua", "Ngày xem phải có dạng ngày/tháng/năm, ví dụ 30/09/2026."),
        ("31/02/2024", "Ngày xem không đúng: ngày 31/02/2024 không có trên lịch."),
        ("01/01/1800", "Ngày xem phải từ 01/01/1945 đến 31/12/2100."),
    ],
)
def test_bad_as_of_is_a_clear_400(admin_client: Client, value: str, message: str) -> None:
    response = admin_client.get("/don-vi/p2025-31/", {"as_of": value})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_as_of_is_read_as_typed_in_vietnam(admin_client: Client) -> None:
    """The date box shows and takes dd/mm/yyyy; links keep sending yyyy-mm-dd."""
    typed = admin_client.get("/don-vi/p2025-31/", {"as_of": "30/06/2024"})
    linked = admin_client.get("/don-vi/p2025-31/", {"as_of": "2024-06-30"})
    assert typed.status_code == linked.status_code == 200
    assert typed.context["as_of"].isoformat() == "2024-06-30"
    assert 'value="30/06/2024"' in typed.content.decode()


def _fact(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}">')[1].split("</dd>", maxsplit=1)[0]


def test_a_2025_unit_as_of_before_it_existed_is_not_said_to_be_active(admin_client: Client):
    """Issue 11.13: Hải Phòng (2025) viewed on 30/06/2024 did not exist yet."""
    html = admin_client.get("/don-vi/p2025-31/", {"as_of": "2024-06-30"}).content.decode()
    validity = _fact(html, "unit-validity")
    assert validity == "Chưa có vào ngày 30/06/2024 (thành lập từ 01/07/2025)"
    assert "đang hoạt động" not in validity
    today = admin_client.get("/don-vi/p2025-31/").content.decode()
    assert _fact(today, "unit-validity") == "Từ 01/07/2025 — đang hoạt động"


def test_pre_2025_communes_are_called_by_their_own_era(admin_client: Client):
    """Issue 11.13: a commune under a pre-2025 district is a "xã, phường, thị trấn"."""
    district = admin_client.get("/don-vi/d2024-298/", {"as_of": "2024-06-30"})
    rows = district.content.decode().split("Đơn vị trực tiếp")[1]
    assert "Thị trấn Tứ Kỳ" in rows
    assert "Xã, phường, thị trấn" in rows
    assert "đặc khu" not in rows
    counts = {row["label"]: row["n"] for row in district.context["counts"]}
    assert counts["Xã, phường, thị trấn"] == 2
    legacy = admin_client.get("/don-vi/c2024-11074/").content.decode()
    assert _fact(legacy, "unit-kind") == "Xã, phường, thị trấn"
    current = admin_client.get("/don-vi/c2025-11074/").content.decode()
    assert _fact(current, "unit-kind") == "Xã, phường, đặc khu"


def test_out_of_scope_unit_is_404(province_client: Client) -> None:
    assert province_client.get("/don-vi/p2025-01/").status_code == 404
    assert province_client.get("/don-vi/khong-ton-tai/").status_code == 404


def test_district_page_after_the_reform(admin_client: Client) -> None:
    html = admin_client.get("/don-vi/d2024-298/").content.decode()
    assert "kết thúc từ ngày 01/07/2025" in html
    assert "Thị trấn Tứ Kỳ" in html
    assert "Chuyển thành / sáp nhập vào:" in html


def test_pages_need_sign_in(db: None) -> None:
    response = Client().get("/don-vi/")
    assert response.status_code == 302
