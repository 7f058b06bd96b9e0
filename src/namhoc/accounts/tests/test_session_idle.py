"""The idle timeout counts from the last request, to the second (issue 9, item 10): it used to end
a session up to 59 s early because "last seen" is stored at most once a minute."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pytest
from django.test import Client

from namhoc.accounts.middleware import SEEN_COOKIE
from namhoc.accounts.models import User

T0 = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[mock.MagicMock]:
    with mock.patch("django.utils.timezone.now", return_value=T0) as now:
        yield now


@pytest.fixture
def one_minute(settings: object) -> None:
    settings.SESSION_IDLE_SECONDS = 60  # type: ignore[attr-defined]


def at(clock: mock.MagicMock, seconds: float) -> None:
    clock.return_value = T0 + dt.timedelta(seconds=seconds)


def signed_in(password: str) -> Client:
    client = Client()
    response = client.post("/dang-nhap/", {"username": "chuyenvien", "password": password})
    assert response.status_code == 302
    return client


def test_requests_less_than_a_minute_apart_keep_a_one_minute_session(
    specialist: User, password: str, clock: mock.MagicMock, one_minute: None
) -> None:
    # Given a 1-minute idle limit and a sign-in at 0 s
    client = signed_in(password)
    # When requests come at 50 s, 100 s, 150 s (each less than a minute after the one before)
    for second in (50, 100, 150):
        at(clock, second)
        response = client.get("/api/me")
        # Then each is answered
        assert response.status_code == 200, second
        assert response.json()["username"] == "chuyenvien"
    # And a minute and a second of silence ends the session
    at(clock, 211)
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    # The page says so on the next visit, and the session is gone
    at(clock, 212)
    page = client.get("/")
    assert page.status_code == 302
    assert page["Location"] == "/dang-nhap/?next=/"


def test_a_request_exactly_at_the_limit_is_still_answered(
    specialist: User, password: str, clock: mock.MagicMock, one_minute: None
) -> None:
    client = signed_in(password)
    at(clock, 30)
    assert client.get("/api/me").status_code == 200
    at(clock, 90)  # 60 s after the last request: not more than the limit
    assert client.get("/api/me").status_code == 200
    at(clock, 150.5)  # 60.5 s
    assert client.get("/api/me").status_code == 401


def test_a_client_without_the_seen_cookie_is_never_cut_off_early(
    specialist: User, password: str, clock: mock.MagicMock, one_minute: None
) -> None:
    # Given a client that keeps the session cookie but drops namhoc's "seen" cookie
    client = signed_in(password)
    at(clock, 50)
    del client.cookies[SEEN_COOKIE]
    assert client.get("/api/me").status_code == 200
    del client.cookies[SEEN_COOKIE]
    # When it comes back 59 s after its last request (109 s after the stored time)
    at(clock, 109)
    # Then it is still signed in
    assert client.get("/api/me").status_code == 200
    del client.cookies[SEEN_COOKIE]
    # And long silence still ends it (within a minute of the limit)
    at(clock, 109 + 121)
    assert client.get("/api/me").status_code == 401


def test_a_forged_or_foreign_seen_cookie_buys_no_time(
    specialist: User, password: str, clock: mock.MagicMock, one_minute: None
) -> None:
    # Given two sessions of the same user
    first = signed_in(password)
    second = signed_in(password)
    for second_at in (50, 100):  # the second session is active until 100 s
        at(clock, second_at)
        assert second.get("/api/me").status_code == 200
    # When the first session (idle since 0 s) presents the second's fresh cookie, or a forged one
    first.cookies[SEEN_COOKIE] = second.cookies[SEEN_COOKIE].value
    at(clock, 125)
    # Then it is judged on its own last request (0 s; at most a minute of doubt): ended
    assert first.get("/api/me").status_code == 401
    third = signed_in(password)
    third.cookies[SEEN_COOKIE] = "x:9999999999.0:forged"
    at(clock, 250)
    assert third.get("/api/me").status_code == 401
