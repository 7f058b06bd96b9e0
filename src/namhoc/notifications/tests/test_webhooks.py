"""A unit's webhook: signed JSON to a local HTTP server, retries, never in the request; the
secret shown once, rotatable; the address checked; only the unit's admins (ADR 0009)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from namhoc.core.models import AuditEvent
from namhoc.notifications import services
from namhoc.notifications.delivery import BACKOFF, deliveries_send
from namhoc.notifications.models import Delivery, Webhook
from namhoc.notifications.signing import verify
from namhoc.notifications.tests.helpers import dispatch
from namhoc.notifications.tests.servers import http_server
from namhoc.tracking.tests.helpers import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    with http_server() as (inbox, url):
        yield inbox, url


def _hook(people, org, url, kinds=("assignment.created",)):
    return services.webhook_create(
        actor=people.province_admin,
        unit=org.province_a.key,
        name="Cổng văn bản tỉnh",
        url=url,
        kinds=list(kinds),
    )


def test_events_of_the_subtree_are_posted_signed(receiver, org, people, plan):
    inbox, url = receiver
    made = _hook(people, org, url)
    assignment = assign(
        actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.school_a1
    )
    dispatch()
    # posting happens in the background sender, not in the request that assigned the work
    assert inbox.requests == []
    result = deliveries_send()
    assert result.sent == 1
    [(headers, body)] = inbox.requests
    assert verify(made.secret, body, headers)
    assert not verify("another-secret", body, headers)
    data = json.loads(body)
    assert data["id"] == f"assignment.created:{assignment.pk}"
    assert data["kind"] == "assignment.created"
    assert data["unit"] == {"key": "s-a1", "name": "Trường Tiểu học An Lạc"}
    assert data["url"] == f"http://127.0.0.1:8000/theo-doi/phan-cong/{assignment.pk}/"
    assert data["text"].startswith("Trường Tiểu học An Lạc được giao chủ trì «")
    assert headers["X-Namhoc-Event"] == "assignment.created"
    # the publication was not a kind this webhook asked for
    assert Delivery.objects.filter(channel="webhook").count() == 1


def test_another_provinces_events_never_reach_the_webhook(receiver, org, people, plan):
    inbox, url = receiver
    _hook(people, org, url, kinds=())
    from django.db import transaction

    from namhoc.core.events import emit

    with transaction.atomic():
        emit("deadline.3d", key="deadline.3d:x", unit_id=org.school_b1.pk, object=None)
    dispatch()
    deliveries_send()
    kinds = [json.loads(body)["kind"] for _h, body in inbox.requests]
    assert kinds == ["directive.published"]  # the province's own plan, not province B's school


def test_a_failing_receiver_is_retried_with_back_off(receiver, org, people, plan):
    inbox, url = receiver
    inbox.status = 503
    _hook(people, org, url)
    assign(actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.commune_a1)
    dispatch()
    deliveries_send()
    row = Delivery.objects.get(channel="webhook")
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "127.0.0.1 trả lời mã 503."
    assert row.next_attempt_at - row.created_at >= BACKOFF[0]
    inbox.status = 200
    deliveries_send(now=row.next_attempt_at)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(inbox.requests) == 2


def test_the_secret_is_shown_once_and_rotating_it_changes_the_signature(
    receiver, org, people, client_of
):
    _inbox, url = receiver
    client = client_of(people.province_admin)
    page = client.post(
        reverse("notifications:webhooks"),
        {"unit": "p-a", "name": "Zalo OA Sở", "url": url, "kinds": ["deadline.3d"]},
    )
    assert page.status_code == 200
    hook = Webhook.objects.get()
    assert hook.secret in page.content.decode()
    assert hook.kind_list == ["deadline.3d"]
    again = client.get(reverse("notifications:webhooks"))
    assert hook.secret not in again.content.decode()
    old = hook.secret
    rotated = client.post(reverse("notifications:webhook_rotate", args=[hook.pk]))
    hook.refresh_from_db()
    assert hook.secret != old
    assert hook.secret in rotated.content.decode()
    actions = list(
        AuditEvent.objects.filter(action__startswith="notifications.webhook")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["notifications.webhook.create", "notifications.webhook.rotate"]
    assert not any(
        old in json.dumps(c) or hook.secret in json.dumps(c)
        for c in AuditEvent.objects.values_list("changes", flat=True)
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://congvan.example.vn/x", "phải là một địa chỉ http:// hoặc https://"),
        ("https://user:pw@congvan.example.vn/x", "không được chứa tên đăng nhập hay mật khẩu"),
        ("javascript:alert(1)", "phải là một địa chỉ http:// hoặc https://"),
        ("https://", "phải là một địa chỉ http:// hoặc https://"),
        ("https://congvan.example.vn:99999/", "phải là một địa chỉ http:// hoặc https://"),
        ("https://x.vn/" + "a" * 600, "dài tối đa 500 ký tự"),
    ],
)
def test_a_bad_address_is_refused_and_nothing_is_saved(org, people, client_of, url, message):
    response = client_of(people.province_admin).post(
        reverse("notifications:webhooks"), {"unit": "p-a", "name": "Cổng", "url": url}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'value="Cổng"' in response.content.decode()  # the input is kept
    assert not Webhook.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="notifications").exists()


def test_only_unit_admins_set_up_webhooks_for_their_units(org, people, client_of):
    url = "https://congvan.example.vn/namhoc"
    data = {"unit": "p-a", "name": "Cổng", "url": url}
    # a specialist: the page is for admins
    assert (
        client_of(people.province_officer).post(reverse("notifications:webhooks"), data).status_code
        == 403
    )
    # another province's specialist is no admin either; an admin of p-a cannot pick p-b
    refused = client_of(people.province_admin).post(
        reverse("notifications:webhooks"), {**data, "unit": "p-b"}
    )
    assert refused.status_code == 404
    assert "Không tìm thấy đơn vị này trong phạm vi bạn quản trị." in refused.content.decode()
    assert not Webhook.objects.exists()
    made = services.webhook_create(actor=people.province_admin, unit="p-a", name="Cổng", url=url)
    for user in (people.outsider, people.commune_officer):
        assert client_of(user).get(
            reverse("notifications:webhook", args=[made.webhook.pk])
        ).status_code in (403, 404)
        assert client_of(user).post(
            reverse("notifications:webhook_delete", args=[made.webhook.pk])
        ).status_code in (403, 404)
    assert Webhook.objects.count() == 1


def test_the_edit_form_saved_and_posted_back_unchanged_is_accepted(org, people, client_of):
    made = services.webhook_create(
        actor=people.province_admin,
        unit="p-a",
        name="Cổng văn bản",
        url="https://congvan.example.vn/namhoc?kenh=1",
        kinds=["deadline.1d", "assignment.overdue"],
    )
    client = client_of(people.province_admin)
    page = client.get(reverse("notifications:webhook", args=[made.webhook.pk]))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["active"] = "on" if data["active"] else ""
    response = client.post(reverse("notifications:webhook", args=[made.webhook.pk]), data)
    assert response.status_code == 302
    hook = Webhook.objects.get()
    assert (hook.version, hook.kind_list, hook.active) == (
        1,
        ["deadline.1d", "assignment.overdue"],
        True,
    )
    assert not AuditEvent.objects.filter(action="notifications.webhook.update").exists()


def test_a_private_address_is_refused_at_sending_in_production(
    receiver, settings, org, people, plan
):
    inbox, url = receiver
    settings.NOTIFY_WEBHOOK_ALLOW_PRIVATE = False
    _hook(people, org, url)
    assign(actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.commune_a1)
    dispatch()
    deliveries_send()
    row = Delivery.objects.get(channel="webhook")
    assert row.last_error == ("Địa chỉ 127.0.0.1 (127.0.0.1) là địa chỉ nội bộ, không được gửi.")
    assert inbox.requests == []
