"""What a person or a program receives when something goes wrong (issue 9, item 7): Vietnamese
pages with no traceback or URL list; under /api/, JSON with a stable code and a Vietnamese
message for every error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from namhoc.accounts.models import User
from namhoc.directives import selectors
from namhoc.directives.models import SourceDocument

TEXT = "Kế hoạch thực hiện nhiệm vụ năm học 2025-2026 của Sở Giáo dục và Đào tạo, gồm các nội dung."


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("bí-mật-nội-bộ: mật khẩu cơ sở dữ liệu")


@pytest.fixture
def failing_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """The directive list's selector fails unexpectedly (as a lost database connection would)."""
    monkeypatch.setattr(selectors, "directive_list", _boom)


@pytest.fixture
def client(signed_in_client: Client) -> Client:
    signed_in_client.raise_request_exception = False  # answer as the server does, not raise
    return signed_in_client


def _no_leak(body: str) -> None:
    for leak in ("Traceback", "bí-mật-nội-bộ", "RuntimeError", 'File "', "urlpatterns"):
        assert leak not in body


def test_a_failing_page_answers_the_vietnamese_500_page(
    client: Client, failing_list: None, settings: Any
) -> None:
    response = client.get("/van-ban/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Lỗi hệ thống</h1>" in body
    assert "yêu cầu của bạn chưa được thực hiện" in body
    _no_leak(body)


def test_a_failing_api_endpoint_answers_json(client: Client, failing_list: None) -> None:
    response = client.get("/api/directives")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "server_error",
        "message": "Lỗi hệ thống. Yêu cầu chưa được thực hiện; vui lòng thử lại sau.",
        "field": None,
    }
    _no_leak(response.content.decode())


def test_an_unknown_page_is_the_vietnamese_404_without_the_url_list() -> None:
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Không tìm thấy</h1>" in body
    _no_leak(body)
    assert "van-ban/" not in body  # no URL pattern is listed


def test_an_unknown_api_path_is_json_404() -> None:
    response = Client().get("/api/khong-co")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Không có địa chỉ API này.",
        "field": None,
    }


def test_a_wrong_method_on_the_api_is_json_405(client: Client) -> None:
    response = client.delete("/api/me")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "Địa chỉ này không nhận phương thức DELETE.",
        "field": None,
    }


def test_the_api_refuses_a_post_without_csrf_token_in_json(specialist: User, password: str) -> None:
    # Given a user signed in the way a browser does (the sign-in form carries its token)
    client = Client(enforce_csrf_checks=True)
    page = client.get("/dang-nhap/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/dang-nhap/",
        {"username": "chuyenvien", "password": password, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    # When the API is posted to without the token
    response = client.post(
        "/api/directives/sources/paste",
        json.dumps({"unit": "c-test", "text": TEXT}),
        content_type="application/json",
    )
    # Then JSON in Vietnamese, and nothing was stored
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "CSRF" in response.json()["message"]
    assert "Trang đã cũ" in response.json()["message"]
    assert SourceDocument.objects.count() == 0


def test_an_unparseable_body_is_json_400(client: Client) -> None:
    response = client.post(
        "/api/directives/sources/paste", "{không phải json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_body"
    assert response.json()["message"].startswith("Nội dung gửi lên không đọc được")
    assert SourceDocument.objects.count() == 0


def test_invalid_input_is_422_with_vietnamese_messages_per_field(client: Client) -> None:
    response = client.get("/api/directives?limit=nhieu")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == "limit"
    assert body["fields"] == {"limit": "Phải là số nguyên."}
    assert body["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert body["errors"][0]["message"] == "Phải là số nguyên."
    response = client.post(
        "/api/directives/sources/paste", json.dumps({"text": 5}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "unit": "Thiếu giá trị bắt buộc.",
        "text": "Phải là chuỗi ký tự.",
    }


def test_a_form_posted_without_its_csrf_token_gets_the_vietnamese_page() -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/dang-nhap/", {"username": "a", "password": "b"}
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>Trang đã cũ</h1>" in body
    assert "Nội dung bạn vừa gửi chưa được lưu" in body
    assert "CSRF verification failed" not in body


def test_a_bad_host_gets_the_vietnamese_400_page() -> None:
    response = Client().get("/", HTTP_HOST="ke-gian.example")
    assert response.status_code == 400
    assert "<h1>Yêu cầu không hợp lệ</h1>" in response.content.decode()
    response = Client().get("/api/me", HTTP_HOST="ke-gian.example")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
