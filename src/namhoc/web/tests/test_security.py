from django.test import Client


def test_signed_in_pages_are_not_stored(signed_in_client: Client) -> None:
    response = signed_in_client.get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_every_page_carries_a_content_security_policy(db: None) -> None:
    response = Client().get("/dang-nhap/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_admin_is_there_and_asks_for_sign_in(db: None) -> None:
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_static_files_are_served(db: None) -> None:
    response = Client().get("/static/namhoc/app.css")
    assert response.status_code == 200
