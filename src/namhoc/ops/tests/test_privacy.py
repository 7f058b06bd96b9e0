"""Personal data (issue 15, Law 91/2025/QH15): a person's export, a departed person's erasure
that keeps the audit trail whole, and the retention sweep."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSWORD, make_user
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from namhoc.accounts.models import Membership, Role, SignInFailure, UserSession
from namhoc.core.models import AuditEvent
from namhoc.core.models_events import Event
from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.notifications.models import Delivery, Notice, NoticeSettings
from namhoc.ops import privacy
from namhoc.ops.access import pseudonym
from namhoc.tracking.models import ProgressUpdate
from namhoc.tracking.services import UploadedFile
from namhoc.tracking.tests.helpers import assign, report

pytestmark = pytest.mark.django_db
User = get_user_model()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def worked(org, people) -> ProgressUpdate:
    """The commune officer reported progress with an evidence file."""
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    work = assign(actor=people.province_officer, task=plan.tasks.first(), unit=org.commune_a1)
    return report(
        actor=people.commune_officer,
        assignment=work,
        text="Đã tổ chức hội nghị triển khai",
        percent=40,
        files=[UploadedFile(name="bien-ban.pdf", data=PDF)],
    )


def _fingerprint(user: Any) -> tuple:
    user.refresh_from_db()
    return (
        user.username,
        user.full_name,
        user.email,
        user.is_active,
        user.password,
        Membership.objects.filter(user=user).count(),
        AuditEvent.objects.count(),
        list(AuditEvent.objects.order_by("pk").values_list("actor_label", "object_repr", "ip")),
    )


def test_every_link_to_a_person_is_classified() -> None:
    labels = {label for label, _model, _field in privacy.user_links()}
    assert not privacy.PERSONAL_ROWS & privacy.AUTHORED_RECORDS
    unclassified = labels - privacy.PERSONAL_ROWS - privacy.AUTHORED_RECORDS
    assert not unclassified, (
        f"{sorted(unclassified)} link rows to a person: say in ops/privacy.py whether they are the "
        "person's own (PERSONAL_ROWS: deleted at erasure) or the unit's records (AUTHORED_RECORDS)"
    )
    assert not (privacy.PERSONAL_ROWS | privacy.AUTHORED_RECORDS) - labels


# --- export ---------------------------------------------------------------------------------


def test_a_person_downloads_their_own_data(people, worked, client_of):
    officer = people.commune_officer
    response = client_of(officer).post(reverse("privacy:export", args=[officer.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert re.fullmatch(
        rf'attachment; filename="du-lieu-ca-nhan-{officer.pk}-\d{{8}}\.json"',
        response["Content-Disposition"],
    )
    data = json.loads(response.content)
    assert data["schema"] == "namhoc.personal-data/1"
    assert data["exported_for"] == "self"
    assert data["person"] == {
        "id": officer.pk,
        "username": "commune_officer",
        "full_name": "Phạm Văn Xã",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": True,
        "date_joined": officer.date_joined.isoformat(),
        "last_login": data["person"]["last_login"],
    }
    assert data["memberships"] == [
        {
            "unit": "c-a1",
            "unit_name": "Xã An Lạc",
            "role": "specialist",
            "since": data["memberships"][0]["since"],
        }
    ]
    assert [a["action"] for a in data["audit"]["actions"]] == ["progress.post"]
    assert data["audit"]["actions"][0]["label"] == "Cập nhật tiến độ"
    assert data["records"]["tracking.ProgressUpdate.author"] == [
        {"id": worked.pk, "label": str(worked), "at": worked.created_at.isoformat()}
    ]
    assert data["files"] == [
        {
            "kind": "minh chứng",
            "name": "bien-ban.pdf",
            "size": len(PDF),
            "at": worked.created_at.isoformat(),
        }
    ]
    event = AuditEvent.objects.get(action="privacy.export")
    assert (event.actor_id, event.object_id, event.note) == (
        officer.pk,
        str(officer.pk),
        "người dùng tự xuất",
    )


def test_the_own_page_says_what_is_held_and_offers_the_download(people, worked, client_of):
    response = client_of(people.commune_officer).get(reverse("privacy:mine"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tải về toàn bộ (JSON)" in text
    assert "<dt>Vai trò tại đơn vị</dt><dd>1</dd>" in text
    assert "<dt>Thao tác trong nhật ký thay đổi</dt><dd>1</dd>" in text
    assert "Xóa dữ liệu cá nhân" not in text


def test_a_unit_admin_exports_a_person_of_their_units(people, client_of):
    response = client_of(people.province_admin).post(
        reverse("privacy:export", args=[people.commune_officer.pk])
    )
    assert response.status_code == 200
    assert json.loads(response.content)["exported_for"] == "unit admin"
    assert AuditEvent.objects.get(action="privacy.export").actor_id == people.province_admin.pk


@pytest.mark.parametrize("who", ["outsider", "viewer", "commune_officer"])
def test_nobody_else_sees_a_persons_data(people, client_of, who):
    target = people.school_principal
    before = AuditEvent.objects.count()
    client = client_of(getattr(people, who))
    assert client.post(reverse("privacy:export", args=[target.pk])).status_code == 404
    assert client.get(reverse("privacy:person", args=[target.pk])).status_code == 404
    api = client.get(f"/api/privacy/users/{target.pk}")
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"
    assert AuditEvent.objects.count() == before


def test_an_admin_of_only_some_of_a_persons_units_may_not_export_them(org, people, client_of):
    both = make_user(
        "hai_tinh", "Ngô Văn Hai", (org.commune_a1, Role.SPECIALIST), (org.commune_b1, Role.VIEWER)
    )
    response = client_of(people.province_admin).post(reverse("privacy:export", args=[both.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="privacy.export").exists()


def test_the_api_exports_the_same_data(people, worked, client_of):
    client = client_of(people.commune_officer)
    mine = client.get("/api/privacy/me")
    assert mine.status_code == 200
    assert mine.json()["person"]["username"] == "commune_officer"
    assert mine.json()["records"]["tracking.ProgressUpdate.author"][0]["id"] == worked.pk
    assert (
        client_of(people.province_admin)
        .get(f"/api/privacy/users/{people.commune_officer.pk}")
        .json()["exported_for"]
        == "unit admin"
    )
    assert Client().get("/api/privacy/me").status_code == 401


# --- erasure --------------------------------------------------------------------------------


def _disable(user: Any) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()


def test_an_active_account_is_not_erased(people, client_of):
    officer = people.commune_officer
    before = _fingerprint(officer)
    response = client_of(people.province_admin).post(
        reverse("privacy:erase", args=[officer.pk]), {"confirm": "commune_officer"}
    )
    assert response.status_code == 409
    assert "hãy khóa tài khoản trước" in response.content.decode()
    assert _fingerprint(officer) == before


def test_a_wrong_confirmation_erases_nothing(people, client_of):
    officer = people.commune_officer
    _disable(officer)
    before = _fingerprint(officer)
    response = client_of(people.province_admin).post(
        reverse("privacy:erase", args=[officer.pk]), {"confirm": "commune", "reason": "nghỉ hưu"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Hãy gõ đúng tên đăng nhập “commune_officer” để xác nhận xóa." in text
    assert 'value="nghỉ hưu"' in text
    assert _fingerprint(officer) == before


def test_the_erase_form_as_rendered_and_filled_in_is_accepted(people, client_of):
    officer = people.commune_officer
    _disable(officer)
    admin = client_of(people.province_admin)
    page = admin.get(reverse("privacy:person", args=[officer.pk])).content.decode()
    names = re.findall(r'name="([a-z_]+)"', page.split('action="/nguoi-dung/')[-1])
    assert names == ["csrfmiddlewaretoken", "confirm", "reason"]
    response = admin.post(
        reverse("privacy:erase", args=[officer.pk]), {"confirm": "commune_officer", "reason": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:person", args=[officer.pk])


def test_erasure_keeps_the_trail_and_the_records_but_not_the_person(
    org, people, worked, client_of, password
):
    officer = people.commune_officer
    pk = officer.pk
    alias = pseudonym(pk)
    assert alias == f"Người dùng đã xóa #{pk}"
    # the person's own rows: notices, settings, deliveries, a failed sign-in
    event = Event.objects.create(kind="assignment.created", key="k1", unit_id=org.commune_a1.pk)
    Notice.objects.create(user=officer, event=event, kind="assignment.created", email="off")
    NoticeSettings.objects.create(user=officer)
    Delivery.objects.create(key="d1", channel="email", user=officer, payload={"to": "x@y.vn"})
    SignInFailure.objects.create(
        username="commune_officer", ip="203.0.113.5", occurred_at=timezone.now()
    )
    AuditEvent.objects.filter(actor=officer).update(ip="203.0.113.5")
    _disable(officer)
    response = client_of(people.province_admin).post(
        reverse("privacy:erase", args=[pk]), {"confirm": "commune_officer", "reason": "Nghỉ hưu"}
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    # the account: a tombstone that cannot sign in
    assert (officer.username, officer.full_name, officer.email, officer.is_active) == (
        f"da-xoa-{pk}",
        alias,
        "",
        False,
    )
    assert not officer.has_usable_password()
    assert SignInFailure.objects.filter(username="commune_officer").count() == 0
    signin = Client().post("/dang-nhap/", {"username": "commune_officer", "password": password})
    assert signin.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in signin.content.decode()
    # the person's own rows are gone
    assert Membership.objects.filter(user_id=pk).count() == 0
    assert Notice.objects.filter(user_id=pk).count() == 0
    assert NoticeSettings.objects.filter(user_id=pk).count() == 0
    assert Delivery.objects.filter(user_id=pk).count() == 0
    # the records stay, without the name
    worked.refresh_from_db()
    assert (worked.text, worked.author_id) == ("Đã tổ chức hội nghị triển khai", pk)
    page = (
        client_of(people.province_officer)
        .get(reverse("tracking:assignment", args=[worked.assignment_id]))
        .content.decode()
    )
    assert alias in page
    assert "Phạm Văn Xã" not in page
    # the audit trail: every action kept, under the pseudonym, without addresses or names
    acted = AuditEvent.objects.filter(actor_id=pk)
    assert list(acted.values_list("action", "actor_label", "ip")) == [
        ("progress.post", alias, None)
    ]
    everything = json.dumps(
        list(AuditEvent.objects.values("actor_label", "object_repr", "changes", "note")),
        ensure_ascii=False,
    )
    assert "Phạm Văn Xã" not in everything
    assert "commune_officer" not in everything
    erase = AuditEvent.objects.get(action="privacy.erase")
    assert (erase.actor_id, erase.object_id, erase.note, erase.object_repr) == (
        people.province_admin.pk,
        str(pk),
        "Nghỉ hưu",
        alias,
    )
    assert erase.changes == {"username": ["[đã xóa]", f"da-xoa-{pk}"], "is_active": [False, False]}
    # and once only: the unit admin no longer sees an account without roles; a superuser does
    again = {"confirm": f"da-xoa-{pk}"}
    url = reverse("privacy:erase", args=[pk])
    assert client_of(people.province_admin).post(url, again).status_code == 404
    refused = client_of(people.superuser).post(url, again)
    assert refused.status_code == 409
    assert "Dữ liệu cá nhân của người dùng này đã được xóa." in refused.content.decode()


def test_the_rows_about_the_account_lose_the_name_but_keep_the_history(org, people):
    from namhoc.accounts.services import membership_grant

    officer = people.commune_officer
    membership_grant(actor=people.superuser, user_id=officer.pk, unit="c-a2", role=Role.VIEWER)
    grant = AuditEvent.objects.get(action="membership.grant")
    assert "Phạm Văn Xã" in grant.object_repr
    _disable(officer)
    privacy.user_erase(actor=people.province_admin, user_id=officer.pk, confirm="commune_officer")
    grant.refresh_from_db()
    assert grant.object_repr == f"{pseudonym(officer.pk)} — Xem — Phường Hòa Bình"
    assert grant.changes == {
        "user": [None, officer.pk],
        "unit": [None, org.commune_a2.pk],
        "role": [None, "viewer"],
    }


def test_nobody_erases_themselves_and_outsiders_see_nothing(people, client_of):
    admin = people.province_admin
    assert (
        client_of(admin)
        .post(reverse("privacy:erase", args=[admin.pk]), {"confirm": "province_admin"})
        .status_code
        == 400
    )
    target = people.commune_officer
    _disable(target)
    before = _fingerprint(target)
    for who in ("outsider", "viewer"):
        response = client_of(getattr(people, who)).post(
            reverse("privacy:erase", args=[target.pk]), {"confirm": "commune_officer"}
        )
        assert response.status_code == 404
    assert _fingerprint(target) == before


def test_the_api_erases_through_the_same_use_case(people, client_of):
    target = people.commune_officer
    _disable(target)
    client = client_of(people.province_admin)
    refused = client.post(
        f"/api/privacy/users/{target.pk}/erase", {"confirm": "x"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()["field"] == "confirm"
    done = client.post(
        f"/api/privacy/users/{target.pk}/erase",
        {"confirm": "commune_officer", "reason": "Chuyển công tác"},
        content_type="application/json",
    )
    assert done.status_code == 200
    body = done.json()
    assert (body["username"], body["pseudonym"]) == (f"da-xoa-{target.pk}", pseudonym(target.pk))
    assert body["counts"]["accounts.Membership.user"] == 1


# --- the command line -----------------------------------------------------------------------


def test_the_command_exports_and_erases(people, tmp_path: Path):
    out = tmp_path / "du-lieu.json"
    call_command("privacy", "export", "commune_officer", output=str(out), stdout=io.StringIO())
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert json.loads(out.read_text())["person"]["username"] == "commune_officer"
    assert AuditEvent.objects.get(action="privacy.export").source == "cli"
    _disable(people.commune_officer)
    said = io.StringIO()
    call_command("privacy", "erase", "commune_officer", confirm="commune_officer", stdout=said)
    assert said.getvalue().startswith(
        f"Đã xóa dữ liệu cá nhân; tài khoản giờ là “{pseudonym(people.commune_officer.pk)}”"
    )


# --- retention ------------------------------------------------------------------------------


def test_the_sweep_deletes_what_outlived_its_purpose_and_nothing_else(org, people):
    now = timezone.now()
    day = dt.timedelta(days=1)
    officer = people.commune_officer
    old_fail = SignInFailure.objects.create(
        username="a", ip="203.0.113.1", occurred_at=now - 31 * day
    )
    new_fail = SignInFailure.objects.create(username="b", ip="203.0.113.2", occurred_at=now - day)
    event = Event.objects.create(kind="x", key="e1", unit_id=org.commune_a1.pk)
    event2 = Event.objects.create(kind="x", key="e2", unit_id=org.commune_a1.pk)
    event3 = Event.objects.create(kind="x", key="e3", unit_id=org.commune_a1.pk)
    read_old = Notice.objects.create(
        user=officer,
        event=event,
        kind="x",
        email="off",
        created_at=now - 200 * day,
        read_at=now - 190 * day,
    )
    unread_old = Notice.objects.create(
        user=officer, event=event2, kind="x", email="off", created_at=now - 200 * day
    )
    ancient = Notice.objects.create(
        user=officer, event=event3, kind="x", email="off", created_at=now - 400 * day
    )
    sent_old = Delivery.objects.create(
        key="s", channel="email", status="sent", user=officer, created_at=now - 100 * day
    )
    pending_old = Delivery.objects.create(
        key="p", channel="email", status="pending", user=officer, created_at=now - 100 * day
    )
    sent_new = Delivery.objects.create(
        key="n", channel="email", status="sent", user=officer, created_at=now - 10 * day
    )
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=now - day)
    UserSession.objects.create(user=officer, session_key=store.session_key)
    live = SessionStore()
    live.create()
    UserSession.objects.create(user=officer, session_key=live.session_key)
    user_type = ContentType.objects.get_for_model(get_user_model()).pk
    old_row = AuditEvent.objects.create(
        actor=officer,
        actor_label="commune_officer",
        action="x",
        source="web",
        ip="203.0.113.9",
        content_type_id=user_type,
        object_id="1",
        object_repr="x",
    )
    AuditEvent.objects.filter(pk=old_row.pk).update(occurred_at=now - 400 * day)
    new_row = AuditEvent.objects.create(
        actor=officer, actor_label="commune_officer", action="x", source="web", ip="203.0.113.9",
        content_type_id=user_type, object_id="1", object_repr="x",
    )  # fmt: skip
    swept = privacy.privacy_sweep(now=now)
    assert swept.counts == {
        "sign_in_failures": 1,
        "sessions": 1,
        "user_sessions": 1,
        "notices": 2,
        "deliveries": 1,
        "audit_addresses": 1,
    }
    assert list(SignInFailure.objects.values_list("pk", flat=True)) == [new_fail.pk]
    assert not SignInFailure.objects.filter(pk=old_fail.pk).exists()
    assert list(Notice.objects.values_list("pk", flat=True)) == [unread_old.pk]
    assert not Notice.objects.filter(pk__in=[read_old.pk, ancient.pk]).exists()
    assert sorted(Delivery.objects.values_list("pk", flat=True)) == sorted(
        [pending_old.pk, sent_new.pk]
    )
    assert not Delivery.objects.filter(pk=sent_old.pk).exists()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert AuditEvent.objects.get(pk=old_row.pk).ip is None
    assert AuditEvent.objects.get(pk=new_row.pk).ip == "203.0.113.9"
    assert privacy.privacy_sweep(now=now).counts == dict.fromkeys(swept.counts, 0)
    said = io.StringIO()
    call_command("privacy", "sweep", stdout=said)
    assert said.getvalue().startswith("Đã dọn / swept: sign_in_failures: 0")


def test_the_fixed_password_still_signs_in_before_erasure(people):
    assert Client().login(username="commune_officer", password=PASSWORD)
