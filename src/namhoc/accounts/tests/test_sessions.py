"""Idle and absolute session timeouts, and disabling a user ending their sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pytest
from conftest import People
from django.contrib.sessions.models import Session
from django.test import Client

from namhoc.accounts.models import User, UserSession
from namhoc.accounts.services import user_disable

T0 = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[mock.MagicMock]:
    with mock.patch("django.utils.timezone.now", return_value=T0) as now:
        yield now


def signed_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post("/dang-nhap/", {"username": username, "password": password})
    assert response.status_code == 302
    return client


def at(clock: mock.MagicMock, **delta: float) -> None:
    clock.return_value = T0 + dt.timedelta(**delta)


def test_idle_timeout(specialist: User, password: str, clock: mock.MagicMock) -> None:
    client = signed_in("chuyenvien", password)
    at(clock, minutes=29)
    assert client.get("/").status_code == 200
    at(clock, minutes=58)  # 29 minutes after the last request: still fine
    assert client.get("/").status_code == 200
    at(clock, minutes=88, seconds=1)  # 30 minutes and a second of silence
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/"
    assert client.get("/").status_code == 302  # the session is gone, not just this request


def test_absolute_timeout(specialist: User, password: str, clock: mock.MagicMock) -> None:
    client = signed_in("chuyenvien", password)
    for minutes in range(20, 12 * 60 + 1, 20):
        at(clock, minutes=minutes)
        assert client.get("/").status_code == 200, minutes
    at(clock, hours=12, seconds=1)
    assert client.get("/").status_code == 302


def test_idle_timeout_comes_from_settings(
    specialist: User, password: str, clock: mock.MagicMock, settings: object
) -> None:
    settings.SESSION_IDLE_SECONDS = 5 * 60  # type: ignore[attr-defined]
    client = signed_in("chuyenvien", password)
    at(clock, minutes=5, seconds=1)
    assert client.get("/").status_code == 302


def test_sign_in_records_the_session(specialist: User, password: str) -> None:
    client = signed_in("chuyenvien", password)
    assert list(UserSession.objects.values_list("user__username", "session_key")) == [
        ("chuyenvien", client.session.session_key)
    ]


def test_disabling_a_user_ends_all_their_sessions(
    people: People, password: str, clock: mock.MagicMock
) -> None:
    laptop = signed_in("commune_officer", password)
    phone = signed_in("commune_officer", password)
    other = signed_in("province_officer", password)
    assert UserSession.objects.filter(user=people.commune_officer).count() == 2

    user_disable(actor=people.province_admin, user_id=people.commune_officer.pk)

    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert other.get("/").status_code == 200
    assert UserSession.objects.filter(user=people.commune_officer).count() == 0
    assert not Session.objects.filter(session_key=laptop.session.session_key).exists()
    response = Client().post("/dang-nhap/", {"username": "commune_officer", "password": password})
    assert response.status_code == 200  # a disabled user cannot sign in again


def test_signed_out_sessions_are_forgotten_on_the_next_sign_in(
    specialist: User, password: str
) -> None:
    first = signed_in("chuyenvien", password)
    first.post("/dang-xuat/")
    second = signed_in("chuyenvien", password)
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        second.session.session_key
    ]
