"""Setting a password without help (issue 11.2): "Quên mật khẩu" by e-mail, the one-time link a
unit admin hands over (expires, single use, audited), and the validators' messages in Vietnamese."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from unittest import mock

import pytest
from conftest import OrgTree, People
from django.core import mail
from django.test import Client

from namhoc.accounts import services
from namhoc.accounts.models import User
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.models_audit import AuditEvent

ClientOf = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^/\s]+(/nguoi-dung/dat-mat-khau/[^/\s]+/[^/\s]+/)")
NEW = "mot-mat-khau-moi-2026"


def _new_user(people: People, **extra: object) -> User:
    return services.user_create(
        actor=people.province_admin,
        username="gv-moi",
        full_name="Giáo Viên Mới",
        email="gv.moi@truong.edu.vn",
        unit="s-a1",
        role="specialist",
        **extra,  # type: ignore[arg-type]
    )


def _set_through(client: Client, path: str, password: str, again: str | None = None) -> object:
    """Open the link (the token moves into the session), then post the new password."""
    opened = client.get(path)
    assert opened.status_code == 302  # to .../set-password/: the token leaves the address bar
    return client.post(
        opened["Location"], {"new_password1": password, "new_password2": again or password}
    )


# --- "Quên mật khẩu": a link by e-mail ----------------------------------------------------------


def test_forgotten_password_by_email_sets_a_new_one_once(people: People) -> None:
    user = _new_user(people)  # created without a password: the e-mail is how it gets one
    client = Client()
    assert "Quên mật khẩu?" in client.get("/dang-nhap/").content.decode()
    response = client.post("/nguoi-dung/quen-mat-khau/", {"email": "GV.Moi@truong.edu.vn"})
    assert response.status_code == 302
    assert response["Location"] == "/nguoi-dung/quen-mat-khau/da-gui/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["gv.moi@truong.edu.vn"]
    assert message.subject == "namhoc: liên kết đặt mật khẩu"
    assert "Xin chào Giáo Viên Mới" in message.body
    assert "dùng được một lần, trong 3 ngày" in message.body
    path = LINK.search(message.body)[1]  # type: ignore[index]

    done = _set_through(client, path, NEW)
    assert done.status_code == 302  # type: ignore[attr-defined]
    assert done["Location"] == "/nguoi-dung/dat-mat-khau/xong/"  # type: ignore[index]
    user.refresh_from_db()
    assert user.check_password(NEW)
    event = AuditEvent.objects.filter(action="user.set_password").get()
    assert (event.actor_label, event.note) == ("gv-moi", "qua liên kết đặt mật khẩu")
    assert Client().login(username="gv-moi", password=NEW)

    # the same link again: spent
    again = Client().get(path, follow=True)
    assert "Liên kết đặt mật khẩu không dùng được" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(people: People) -> None:
    response = Client().post("/nguoi-dung/quen-mat-khau/", {"email": "khong-co@ai.vn"})
    assert (response.status_code, response["Location"]) == (
        302,
        "/nguoi-dung/quen-mat-khau/da-gui/",
    )
    assert mail.outbox == []


def test_a_disabled_account_gets_no_mail(people: People) -> None:
    people.viewer.email = "xem@so.vn"
    people.viewer.is_active = False
    people.viewer.save()
    Client().post("/nguoi-dung/quen-mat-khau/", {"email": "xem@so.vn"})
    assert mail.outbox == []


# --- the admin's one-time link ------------------------------------------------------------------


@pytest.mark.parametrize("door", ["page", "api"])
def test_an_admin_hands_over_a_one_time_link(
    people: People, client_of: ClientOf, door: str
) -> None:
    user = _new_user(people)
    admin = client_of(people.province_admin)
    if door == "page":
        page = admin.post(f"/nguoi-dung/{user.pk}/lien-ket-mat-khau/")
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"]
        url = page.context["link"].url
        assert f'value="{url}"' in page.content.decode()
        assert "dùng được <strong>một lần</strong>" in page.content.decode()
    else:
        response = admin.post(f"/api/users/{user.pk}/password-link")
        assert response.status_code == 200
        url = response.json()["url"]
    assert url.startswith("http://127.0.0.1:8000/nguoi-dung/dat-mat-khau/")
    event = AuditEvent.objects.get(action="user.password_link")
    assert (event.actor_label, event.object_id) == ("province_admin", str(user.pk))
    assert event.note.startswith("dùng được một lần, đến ")
    assert url.rsplit("/", 2)[-2] not in json.dumps(event.changes) + event.note  # no secret kept

    path = url.removeprefix("http://127.0.0.1:8000")
    person = Client()
    assert _set_through(person, path, NEW).status_code == 302  # type: ignore[attr-defined]
    user.refresh_from_db()
    assert user.check_password(NEW)
    spent = Client().get(path, follow=True)
    assert 'data-testid="link-invalid"' in spent.content.decode()


def test_a_link_expires(people: People) -> None:
    user = _new_user(people)
    link = services.password_link_create(actor=people.province_admin, user_id=user.pk)
    later = dt.datetime.now() + dt.timedelta(days=4)
    with mock.patch("django.contrib.auth.tokens.PasswordResetTokenGenerator._now") as now:
        now.return_value = later
        response = Client().get(link.path, follow=True)
    assert 'data-testid="link-invalid"' in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_link_is_spent_by_its_first_use_even_in_the_use_case(people: People) -> None:
    user = _new_user(people)
    link = services.password_link_create(actor=people.province_admin, user_id=user.pk)
    uid, token = link.path.rstrip("/").rsplit("/", 2)[-2:]
    services.password_set_with_link(uidb64=uid, token=token, password=NEW, confirmation=NEW)
    with pytest.raises(NotFound, match="đã được dùng"):
        services.password_set_with_link(
            uidb64=uid,
            token=token,
            password="mot-mat-khau-khac-9",
            confirmation="mot-mat-khau-khac-9",
        )
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_links_are_made_only_for_people_the_admin_manages(
    org: OrgTree, people: People, client_of: ClientOf
) -> None:
    admin = client_of(people.province_admin)
    assert admin.post(f"/nguoi-dung/{people.outsider.pk}/lien-ket-mat-khau/").status_code == 404
    assert admin.post(f"/api/users/{people.outsider.pk}/password-link").status_code == 404
    officer = client_of(people.province_officer)
    assert officer.post(f"/api/users/{people.viewer.pk}/password-link").status_code == 404
    assert not AuditEvent.objects.exists()
    people.viewer.is_active = False
    people.viewer.save()
    with pytest.raises(DomainError, match="đang bị khóa"):
        services.password_link_create(actor=people.province_admin, user_id=people.viewer.pk)


# --- what a person reads when the password is refused -------------------------------------------


def test_password_messages_are_vietnamese(people: People) -> None:
    user = _new_user(people)
    link = services.password_link_create(actor=people.province_admin, user_id=user.pk)
    client = Client()
    short = _set_through(client, link.path, "1234567")
    html = short.content.decode()  # type: ignore[attr-defined]
    assert short.status_code == 200  # type: ignore[attr-defined]
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in html
    assert "Mật khẩu này hoàn toàn là số." in html
    assert "This password" not in html
    mismatch = client.post(
        short.request["PATH_INFO"],  # type: ignore[attr-defined]
        {"new_password1": NEW, "new_password2": NEW + "x"},
    )
    assert "Hai trường mật khẩu không giống nhau." in mismatch.content.decode()
    with pytest.raises(DomainError) as caught:
        services.user_set_password(actor=people.province_admin, user_id=user.pk, password="abc")
    assert caught.value.message.startswith("Mật khẩu quá ngắn: cần ít nhất 8 ký tự.")
    user.refresh_from_db()
    assert not user.has_usable_password()
