import pytest

from namhoc.accounts.models import User
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_signs_in_and_sees_the_home_page(page, specialist: User, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert page.url.endswith("/dang-nhap/?next=/")

    sign_in(page, "chuyenvien", password)

    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Nguyễn Thị Lan"
    assert page.get_by_test_id("user-name").inner_text() == "Nguyễn Thị Lan"

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/dang-nhap/")


def test_a_wrong_password_shows_the_vietnamese_message(page, specialist: User) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "chuyenvien", "sai-mat-khau")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.get_by_role("alert").inner_text()
