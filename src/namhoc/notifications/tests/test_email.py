"""E-mail through a real SMTP server on loopback: at once, held in quiet hours, retried with
back-off, failures shown to the unit's admins, a daily digest (ADR 0009)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from namhoc.notifications.delivery import BACKOFF, MAX_ATTEMPTS, deliveries_send, digests_queue
from namhoc.notifications.models import Delivery, NoticeSettings, Preference
from namhoc.notifications.tests.helpers import dispatch
from namhoc.notifications.tests.servers import smtp_server
from namhoc.tracking.tests.helpers import assign

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# Tomorrow (deliveries made now are due from now on): 10:00, 22:15, and the next day.
DAY = dt.date.today() + dt.timedelta(days=1)
NEXT = DAY + dt.timedelta(days=1)
MORNING = dt.datetime.combine(DAY, dt.time(10), tzinfo=HANOI)


@pytest.fixture
def smtp(settings):
    with smtp_server() as (box, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        settings.SITE_URL = "https://namhoc.example.vn"
        yield box


@pytest.fixture
def assigned(org, people, plan):
    people.commune_officer.email = "xa.anlac@example.vn"
    people.commune_officer.save(update_fields=["email"])
    assignment = assign(
        actor=people.province_officer,
        task=plan.tasks.get(position=1),
        unit=org.commune_a1,
        deadline="15/01/2026",
    )
    dispatch()
    return assignment


def test_a_notice_wanted_at_once_is_mailed_once(smtp, assigned, plan):
    result = deliveries_send(now=MORNING)
    assert result.sent == 2  # the assignment and the plan's publication
    by_subject = {str(m["Subject"]).strip(): m for m in smtp.messages}
    mail = by_subject["[namhoc] Đơn vị được giao nhiệm vụ"]
    assert mail["To"] == "xa.anlac@example.vn"
    body = mail.get_content()
    title = plan.tasks.get(position=1).title
    assert f"Xã An Lạc được giao chủ trì «{title}» ({plan.number}), hạn 15/01/2026." in body
    assert f"Xem: https://namhoc.example.vn/theo-doi/phan-cong/{assigned.pk}/" in body
    assert deliveries_send(now=MORNING + dt.timedelta(minutes=5)).sent == 0
    assert len(smtp.messages) == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_quiet_hours_hold_the_mail_until_they_end(smtp, assigned, people):
    NoticeSettings.objects.create(
        user=people.commune_officer, quiet_start=dt.time(21), quiet_end=dt.time(6, 30)
    )
    night = dt.datetime.combine(DAY, dt.time(22, 15), tzinfo=HANOI)
    held = deliveries_send(now=night)
    assert (held.sent, held.held) == (0, 2)
    assert smtp.messages == []
    assert set(Delivery.objects.values_list("next_attempt_at", flat=True)) == {
        dt.datetime.combine(NEXT, dt.time(6, 30), tzinfo=HANOI)
    }
    assert deliveries_send(now=dt.datetime.combine(NEXT, dt.time(6, 29), tzinfo=HANOI)).sent == 0
    assert deliveries_send(now=dt.datetime.combine(NEXT, dt.time(6, 31), tzinfo=HANOI)).sent == 2
    assert len(smtp.messages) == 2


def test_a_refused_mail_is_retried_with_back_off_then_shown_to_the_units_admins(
    smtp, assigned, people, client_of, django_capture_on_commit_callbacks
):
    smtp.refuse = "550 5.1.1 Hộp thư không tồn tại"
    Delivery.objects.exclude(notice__kind="assignment.created").delete()
    moment = MORNING
    for attempt in range(1, MAX_ATTEMPTS + 1):
        deliveries_send(now=moment)
        row = Delivery.objects.get()
        assert row.attempts == attempt
        assert "550" in row.last_error
        if attempt < MAX_ATTEMPTS:
            assert row.status == "pending"
            assert row.next_attempt_at == moment + BACKOFF[attempt - 1]
            moment = row.next_attempt_at
    assert row.status == "failed"
    assert smtp.messages == []
    page = client_of(people.province_admin).get(reverse("notifications:failures"))
    assert page.status_code == 200
    assert "Phạm Văn Xã &lt;xa.anlac@example.vn&gt;" in page.content.decode()
    assert "Hộp thư không tồn tại" in page.content.decode()
    # another province's admin, a specialist: nothing of it
    outsider = people.outsider
    assert client_of(outsider).get(reverse("notifications:failures")).status_code == 403
    # fixed: the admin sends it again, and it goes (the task sends at the wall clock's now:
    # this person keeps no quiet hours, so the test does not depend on the hour it runs at)
    smtp.refuse = ""
    NoticeSettings.objects.update_or_create(
        user=row.user, defaults={"quiet_start": dt.time(0), "quiet_end": dt.time(0)}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(people.province_admin).post(
            reverse("notifications:retry", args=[row.pk])
        )
    assert response.status_code == 302
    assert Delivery.objects.get().status == "sent"  # the retry's task ran (immediate backend)
    assert [m["To"] for m in smtp.messages] == ["xa.anlac@example.vn"]


def test_an_unreachable_server_keeps_the_mail_for_later(settings, assigned):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    from namhoc.notifications.tests.servers import free_port

    settings.EMAIL_PORT = free_port()  # nobody listens there
    settings.EMAIL_TIMEOUT = 2
    result = deliveries_send(now=MORNING)
    assert (result.sent, result.retrying) == (0, 2)
    assert all("Không kết nối được máy chủ thư" in r.last_error for r in Delivery.objects.all())


def test_the_daily_digest_gathers_what_a_person_wants_in_it(smtp, org, people, plan):
    people.commune_officer.email = "xa.anlac@example.vn"
    people.commune_officer.save(update_fields=["email"])
    for kind in ("assignment.created", "directive.published"):
        Preference.objects.create(user=people.commune_officer, kind=kind, mode="digest")
    for position in (1, 2):
        assign(
            actor=people.province_officer,
            task=plan.tasks.get(position=position),
            unit=org.commune_a1,
        )
    dispatch()
    assert not Delivery.objects.exists()  # nothing at once
    assert digests_queue(now=MORNING) == 1
    assert digests_queue(now=MORNING + dt.timedelta(hours=1)) == 0  # once a day
    assert deliveries_send(now=MORNING).sent == 1
    [mail] = smtp.messages
    assert str(mail["Subject"]).strip() == "[namhoc] Tổng hợp thông báo (3)"
    body = mail.get_content()
    assert body.count("[Đơn vị được giao nhiệm vụ]") == 2
    assert body.count("[Cấp trên ban hành văn bản cần triển khai]") == 1
    # the next day's digest does not repeat them
    assert digests_queue(now=MORNING + dt.timedelta(days=1)) == 0
