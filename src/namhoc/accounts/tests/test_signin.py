"""Sign-in throttle: per account, per address, before any hash, the same for unknown names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pytest
from django.contrib.auth import hashers
from django.test import Client
from django.utils import timezone

from namhoc.accounts.models import SignInFailure, User

LOCKED = "Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"
T0 = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[mock.MagicMock]:
    with mock.patch("django.utils.timezone.now", return_value=T0) as now:
        yield now


@pytest.fixture
def hash_checks() -> Iterator[list[str]]:
    """Counts password hashes run (Django's hasher is the library boundary we may watch): checks
    against a stored hash, and the dummy hash Django runs for an unknown name."""
    calls: list[str] = []
    real_check, real_make = hashers.check_password, hashers.make_password

    def counting_check(password: str | None, encoded: str, *args: object, **kw: object) -> bool:
        calls.append("check")
        return real_check(password, encoded, *args, **kw)  # type: ignore[arg-type]

    def counting_make(password: str | None, *args: object, **kw: object) -> str:
        calls.append("make")
        return real_make(password, *args, **kw)  # type: ignore[arg-type]

    with (
        mock.patch("django.contrib.auth.base_user.check_password", counting_check),
        mock.patch("django.contrib.auth.base_user.make_password", counting_make),
    ):
        yield calls


def sign_in(username: str, password: str, ip: str = "10.0.0.1") -> str:
    response = Client(REMOTE_ADDR=ip).post(
        "/dang-nhap/", {"username": username, "password": password}
    )
    if response.status_code == 302:
        return "ok"
    return response.content.decode()


def test_five_failures_lock_the_account_before_the_hash_runs(
    specialist: User, password: str, clock: mock.MagicMock, hash_checks: list[str]
) -> None:
    for _ in range(5):
        assert WRONG in sign_in("chuyenvien", "sai")
    assert len(hash_checks) == 5
    page = sign_in("chuyenvien", password)  # even the right password
    assert f"{LOCKED} 15 phút." in page
    assert len(hash_checks) == 5  # no hash ran for the refused attempt
    assert SignInFailure.objects.filter(username="chuyenvien").count() == 5


def test_the_lock_lifts_when_the_window_has_passed(
    specialist: User, password: str, clock: mock.MagicMock
) -> None:
    for minute in range(5):
        clock.return_value = T0 + dt.timedelta(minutes=minute)
        sign_in("chuyenvien", "sai")
    clock.return_value = T0 + dt.timedelta(minutes=10)
    assert f"{LOCKED} 5 phút." in sign_in("chuyenvien", password)
    clock.return_value = T0 + dt.timedelta(minutes=15, seconds=1)
    assert sign_in("chuyenvien", password) == "ok"
    assert SignInFailure.objects.filter(username="chuyenvien").count() == 0  # success clears


def test_an_unknown_name_gets_the_same_answers(
    specialist: User, clock: mock.MagicMock, hash_checks: list[str]
) -> None:
    real, ghost = [], []
    for _ in range(6):
        real.append(sign_in("chuyenvien", "sai", ip="10.0.0.1"))
        ghost.append(sign_in("khong-ai-ca", "sai", ip="10.0.0.2"))
    strip = [page.replace('value="chuyenvien"', 'value="khong-ai-ca"') for page in real]
    assert [WRONG in p for p in strip] == [WRONG in p for p in ghost] == [True] * 5 + [False]
    assert f"{LOCKED} 15 phút." in ghost[-1]
    assert f"{LOCKED} 15 phút." in real[-1]
    # Django runs a hash for an unknown name too (same timing); neither ran once locked.
    assert hash_checks == ["check", "make"] * 5


def test_the_address_limit_stops_guessing_across_accounts(
    specialist: User, password: str, clock: mock.MagicMock, settings: object
) -> None:
    for i in range(20):
        sign_in(f"ten-{i}", "sai", ip="10.9.9.9")
    assert f"{LOCKED} 15 phút." in sign_in("chuyenvien", password, ip="10.9.9.9")
    assert sign_in("chuyenvien", password, ip="10.0.0.7") == "ok"  # another address is fine


def test_a_proxy_is_trusted_only_when_configured(
    specialist: User, clock: mock.MagicMock, settings: object
) -> None:
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    client.post("/dang-nhap/", {"username": "chuyenvien", "password": "sai"})
    settings.PROXY_HOPS = 1  # type: ignore[attr-defined]
    client.post("/dang-nhap/", {"username": "chuyenvien", "password": "sai"})
    assert list(SignInFailure.objects.order_by("id").values_list("ip", flat=True)) == [
        "10.0.0.1",
        "1.2.3.4",
    ]


def test_the_admin_login_is_throttled_too(specialist: User, clock: mock.MagicMock) -> None:
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "chuyenvien", "password": "sai"})
    assert SignInFailure.objects.filter(username="chuyenvien").count() == 5
    with mock.patch("django.contrib.auth.base_user.check_password") as check:
        client.post("/admin/login/", {"username": "chuyenvien", "password": "x"})
    check.assert_not_called()
    assert timezone.now() == T0
