import pytest
from django.test import Client, override_settings

from namhoc.accounts.models import User
from namhoc.directives.models import SourceDocument

LIMIT = 2 * 1024 * 1024  # the test's upload limit; the envelope allowance adds 1 MB


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
@pytest.mark.parametrize("path", ["/van-ban/tai-len/", "/api/directives/sources"])
def test_an_oversize_body_is_refused_before_it_is_read(path: str, province_officer: User) -> None:
    # Given a signed-in officer and a body larger than any allowed upload
    client = Client()
    client.force_login(province_officer)
    body = b"x" * (LIMIT + 1024 * 1024 + 1)

    # When it is posted
    response = client.generic("POST", path, body, content_type="application/octet-stream")

    # Then it is refused with 413 and a Vietnamese message, and nothing is stored
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert response.json() == {
            "code": "too_large",
            "message": "Tệp gửi lên quá lớn: tối đa 2 MB.",
            "field": None,
        }
    else:
        assert "Tệp gửi lên quá lớn: tối đa 2 MB." in response.content.decode()
    assert SourceDocument.objects.count() == 0


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_a_body_within_the_limit_reaches_the_view(province_officer: User) -> None:
    client = Client()
    client.force_login(province_officer)
    response = client.get("/van-ban/tai-len/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/so-lieu/a%00b/ky/x/bieu/y/",
        "/so-lieu/a%00b/tong-quan/",
        "/don-vi/a%00b/",
        "/so-lieu/?ky=2025%00",
        "/api/units/a%00b",
    ],
)
def test_a_nul_in_the_address_is_a_400_in_vietnamese(path: str, province_officer: User) -> None:
    """PostgreSQL refuses NUL in a text value: looked up as a unit key it was a 500."""
    client = Client()
    client.force_login(province_officer)
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["message"] == "Yêu cầu không hợp lệ."
    else:
        assert "Yêu cầu không hợp lệ" in response.content.decode()
