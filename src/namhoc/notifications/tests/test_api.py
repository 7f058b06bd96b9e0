"""The notifications API: the same use cases as the pages, the same answers (ADR 0007)."""

from __future__ import annotations

import pytest

from namhoc.core.models import AuditEvent
from namhoc.notifications.models import Notice, NoticeSettings, Webhook
from namhoc.notifications.tests.helpers import dispatch
from namhoc.tracking.tests.helpers import assign

pytestmark = pytest.mark.django_db
API = "/api/notifications"


@pytest.fixture
def told(org, people, plan):
    assign(actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.commune_a1)
    dispatch()


def test_my_notices_paginated_in_words(told, people, plan, client_of):
    client = client_of(people.commune_officer)
    page = client.get(f"{API}?limit=1").json()
    assert page["count"] == 2
    [row] = page["items"]
    assert row["kind"] == "assignment.created"
    assert row["label"] == "Đơn vị được giao nhiệm vụ"
    assert row["text"].startswith("Xã An Lạc được giao chủ trì «")
    assert row["read_at"] is None
    assert client.get(f"{API}/unread").json() == {"unread": 2}
    read = client.post(f"{API}/{row['id']}/read").json()
    assert read["read_at"] is not None
    assert client.get(f"{API}?unread=true").json()["count"] == 1
    assert client.post(f"{API}/read-all").json() == {"count": 1}
    assert client.get(f"{API}/unread").json() == {"unread": 0}


def test_nobody_reads_or_marks_anothers_notices(told, people, client_of):
    notice = Notice.objects.get(user=people.commune_officer, kind="assignment.created")
    for user in (people.province_officer, people.outsider, people.superuser):
        client = client_of(user)
        assert client.get(API).json()["count"] == 0
        answer = client.post(f"{API}/{notice.pk}/read")
        assert answer.status_code == 404
        assert answer.json()["code"] == "not_found"
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("offset", ["99999999999999999999", "-1", "x"])
def test_paging_bad_input_is_a_422_not_a_500(people, client_of, offset):
    answer = client_of(people.commune_officer).get(f"{API}?offset={offset}")
    assert answer.status_code == 422


def test_preferences_round_trip(people, client_of):
    client = client_of(people.commune_officer)
    current = client.get(f"{API}/preferences").json()
    assert current["quiet_start"] == "21:00"
    assert current["modes"]["deadline.3d"] == "instant"
    saved = client.put(f"{API}/preferences", current, content_type="application/json")
    assert saved.status_code == 200
    assert saved.json() == current
    assert not AuditEvent.objects.filter(action="notifications.preferences").exists()
    bad = client.put(
        f"{API}/preferences",
        {**current, "quiet_end": "7 giờ kém"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "code": "invalid_time",
        "message": "Giờ yên lặng kết thúc phải có dạng giờ:phút, ví dụ 21:00.",
        "field": "quiet_end",
    }
    assert NoticeSettings.objects.get().quiet_end.hour == 6  # the refused one changed nothing


def test_webhooks_for_admins_with_the_secret_once(org, people, client_of):
    admin = client_of(people.province_admin)
    made = admin.post(
        f"{API}/webhooks",
        {"unit": "p-a", "name": "Cổng", "url": "https://congvan.example.vn/namhoc"},
        content_type="application/json",
    )
    assert made.status_code == 201
    body = made.json()
    hook = Webhook.objects.get()
    assert body["secret"] == hook.secret
    listed = admin.get(f"{API}/webhooks").json()
    assert [row["name"] for row in listed] == ["Cổng"]
    assert "secret" not in listed[0]
    rotated = admin.post(f"{API}/webhooks/{hook.pk}/rotate").json()
    assert rotated["secret"] != body["secret"]
    refused = client_of(people.province_officer).post(
        f"{API}/webhooks",
        {"unit": "p-a", "name": "Cổng", "url": "https://x.example.vn/"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert client_of(people.outsider).delete(f"{API}/webhooks/{hook.pk}").status_code == 404
    assert admin.delete(f"{API}/webhooks/{hook.pk}").status_code == 204
    assert not Webhook.objects.exists()


def test_failed_deliveries_are_for_admins(people, client_of):
    assert client_of(people.commune_officer).get(f"{API}/failed-deliveries").status_code == 403
    answer = client_of(people.province_admin).get(f"{API}/failed-deliveries")
    assert answer.json() == {"items": [], "count": 0}
