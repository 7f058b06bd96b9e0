import pytest
from django.test import Client

from namhoc.accounts.models import User


@pytest.mark.parametrize("path", ["/", "/api/me"])
def test_pages_that_need_sign_in_send_visitors_to_it(db: None, path: str) -> None:
    response = Client().get(path)
    if path.startswith("/api/"):
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
    else:
        assert response.status_code == 302
        assert response["Location"] == f"/dang-nhap/?next={path}"


def test_sign_in_page_speaks_vietnamese(db: None) -> None:
    response = Client().get("/dang-nhap/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Tên đăng nhập" in html
    assert "Mật khẩu" in html


def test_sign_in_then_home_then_sign_out(specialist: User, password: str) -> None:
    client = Client()
    response = client.post(
        "/dang-nhap/", {"username": "chuyenvien", "password": password}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert "Xin chào, Nguyễn Thị Lan" in response.content.decode()

    response = client.post("/dang-xuat/")
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/"
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_in_vietnamese(specialist: User) -> None:
    response = Client().post("/dang-nhap/", {"username": "chuyenvien", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_sign_in_follows_next_only_to_this_site(specialist: User, password: str) -> None:
    client = Client()
    response = client.post(
        "/dang-nhap/?next=https://evil.example/",
        {"username": "chuyenvien", "password": password, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_out_needs_post(signed_in_client: Client) -> None:
    assert signed_in_client.get("/dang-xuat/").status_code == 405
    assert signed_in_client.get("/").status_code == 200


def test_api_me(signed_in_client: Client) -> None:
    response = signed_in_client.get("/api/me")
    assert response.status_code == 200
    assert response.json() == {"username": "chuyenvien", "display_name": "Nguyễn Thị Lan"}


def test_openapi_schema_is_published(db: None) -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "namhoc API"
