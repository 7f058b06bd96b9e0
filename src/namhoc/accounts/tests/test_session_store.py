"""The session engine and the backend's user lookup, written as SQL (issue 15), answer as
Django's own: a live session's data, nothing for an expired or unknown key (the key then
forgotten), the user of a session unless disabled, nothing for an id that is not one."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from conftest import People
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.test import Client
from django.utils import timezone

from namhoc.accounts.backends import ThrottledModelBackend
from namhoc.accounts.models import User
from namhoc.accounts.session_store import SessionStore


def test_namhoc_reads_sessions_with_its_store() -> None:
    assert settings.SESSION_ENGINE == "namhoc.accounts.session_store"


def test_a_live_session_reads_as_djangos_store_reads_it(db: None) -> None:
    store = SessionStore()
    store["_auth_user_id"] = "7"
    store["ghi chú"] = ["tiếng Việt", 3]
    store.set_expiry(3600)
    store.save()
    key = store.session_key
    assert key
    again = SessionStore(key)
    assert dict(again.items()) == dict(DjangoStore(key).items())
    assert again["ghi chú"] == ["tiếng Việt", 3]
    assert again.session_key == key


def test_an_expired_or_unknown_key_reads_as_nothing_and_is_forgotten(db: None) -> None:
    store = SessionStore()
    store["x"] = 1
    store.set_expiry(60)
    store.save()
    key = store.session_key
    later = timezone.now() + dt.timedelta(minutes=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        expired = SessionStore(key)
        assert dict(expired.items()) == {}
        assert expired.session_key is None
    for unknown in ("k" * 32, "không-có-phiên-này-đâu-nhé-12345"):
        store = SessionStore(unknown)
        assert dict(store.items()) == {}
        assert store.session_key is None


def test_the_backend_finds_the_user_of_a_session_unless_disabled(people: People) -> None:
    backend = ThrottledModelBackend()
    officer = people.province_officer
    assert backend.get_user(str(officer.pk)) == officer
    assert backend.get_user(officer.pk).username == officer.username
    for not_an_id in ("", "abc", "1.5", None, str(10**12)):
        assert backend.get_user(not_an_id) is None
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert backend.get_user(str(officer.pk)) is None


def test_a_signed_in_person_keeps_their_session_across_requests(
    people: People, password: str
) -> None:
    client = Client()
    response = client.post(
        "/dang-nhap/", {"username": people.province_officer.username, "password": password}
    )
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert people.province_officer.get_full_name() in page.content.decode() or (
        people.province_officer.username in page.content.decode()
    )
    client.post("/dang-xuat/")
    assert client.get("/").status_code == 302  # signed out: the session is gone
