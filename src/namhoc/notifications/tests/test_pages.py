"""The notice centre: the bell on every page, the list, mark read, preferences; a person only
ever sees their own notices (ADR 0009)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from namhoc.core.models import AuditEvent
from namhoc.notifications.models import Notice, NoticeSettings, Preference
from namhoc.notifications.tests.helpers import dispatch
from namhoc.tracking.tests.helpers import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(org, people, plan):
    """The commune officer has two unread notices: the plan and the work it got."""
    assignment = assign(
        actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.commune_a1
    )
    dispatch()
    return assignment


def test_the_bell_shows_the_unread_count_on_every_page(told, people, client_of):
    client = client_of(people.commune_officer)
    for url in ("/", reverse("tracking:dashboard"), reverse("directives:list")):
        page = client.get(url).content.decode()
        assert 'data-testid="bell-count">2</span>' in page, url
    other = client_of(people.province_officer).get("/").content.decode()
    assert 'data-testid="bell"' in other
    assert "bell-count" not in other  # nothing unread for the author


def test_the_bell_costs_one_query(told, people, client_of, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    from namhoc.notifications.context_processors import bell

    request = RequestFactory().get("/")
    request.user = people.commune_officer
    context = bell(request)
    with django_assert_num_queries(1):
        html = Template(
            "{{ notice_bell.count }} {{ notice_bell.label }} {{ notice_bell.count }}"
        ).render(Context(context))
    assert html == "2 2 2"


def test_the_bell_counts_only_ones_own_unread_notices_and_caps_at_99(told, people, client_of):
    """Another person's notices and read ones are not counted; past 99 the bell says "99+"."""
    from django.utils import timezone

    from namhoc.core.models import Event

    mine = Notice.objects.filter(user=people.commune_officer)
    first = mine.first()
    assert first is not None
    events = Event.objects.bulk_create(
        Event(kind=first.event.kind, key=f"test.bell:{n}", payload=first.event.payload)
        for n in range(121)
    )
    Notice.objects.create(
        user=people.province_officer, event=events[0], kind=first.kind, email="inapp"
    )
    mine.filter(pk=first.pk).update(read_at=timezone.now())
    client = client_of(people.commune_officer)
    assert 'data-testid="bell-count">1</span>' in client.get("/").content.decode()
    Notice.objects.bulk_create(
        Notice(user=people.commune_officer, event=e, kind=first.kind, email="inapp")
        for e in events[1:]
    )
    assert 'data-testid="bell-count">99+</span>' in client.get("/").content.decode()


def test_the_list_reads_in_words_and_marks_read(told, people, plan, client_of):
    client = client_of(people.commune_officer)
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    text = page.content.decode()
    title = plan.tasks.get(position=1).title
    assert f"Xã An Lạc được giao chủ trì «{title}» ({plan.number}), không đặt hạn." in text
    assert f"Tỉnh Phú An ban hành {plan.number}:" in text
    assert text.count('data-testid="notice"') == 2
    notice = Notice.objects.get(user=people.commune_officer, kind="assignment.created")
    opened = client.post(reverse("notifications:open", args=[notice.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == f"/theo-doi/phan-cong/{told.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    unread = client.get(reverse("notifications:list") + "?chua-doc=1").content.decode()
    assert unread.count('data-testid="notice"') == 1
    done = client.post(reverse("notifications:read_all"))
    assert done.status_code == 302
    assert not Notice.objects.filter(user=people.commune_officer, read_at__isnull=True).exists()


def test_someone_elses_notice_is_not_found_and_stays_unread(told, people, client_of):
    notice = Notice.objects.get(user=people.commune_officer, kind="assignment.created")
    for user in (people.province_officer, people.outsider, people.superuser):
        client = client_of(user)
        assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 404
        assert client.post(reverse("notifications:open", args=[notice.pk])).status_code == 404
        client.post(reverse("notifications:read_all"))
        assert "Phạm Văn Xã" not in client.get(reverse("notifications:list")).content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None
    assert client_of(people.commune_officer).get("/thong-bao/").status_code == 200


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_the_preferences_form_saved_and_posted_back_unchanged_is_accepted(people, client_of):
    user = people.commune_officer
    NoticeSettings.objects.create(user=user, quiet_start=dt.time(22), quiet_end=dt.time(6))
    Preference.objects.create(user=user, kind="deadline.7d", mode="off")
    client = client_of(user)
    page = client.get(reverse("notifications:preferences"))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    assert data["quiet_start"] == "22:00"
    assert data["mode_deadline.7d"] == "off"
    data["email_enabled"] = "on" if data["email_enabled"] else ""
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="notifications.preferences").exists()
    stored = NoticeSettings.objects.get(user=user)
    assert (stored.quiet_start, stored.quiet_end, stored.email_enabled) == (
        dt.time(22),
        dt.time(6),
        True,
    )


def test_changing_preferences_is_audited(people, client_of):
    client = client_of(people.commune_officer)
    form = client.get(reverse("notifications:preferences")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update({"email_enabled": "", "quiet_start": "21h30", "mode_deadline.3d": "digest"})
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    event = AuditEvent.objects.get(action="notifications.preferences")
    assert event.changes == {
        "email_enabled": [True, False],
        "quiet_start": ["21:00:00", "21:30:00"],
        "mode:deadline.3d": ["instant", "digest"],
    }
    assert event.unit_id == people.commune_officer.memberships.get().unit_id


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quiet_start", "25:00", "Giờ yên lặng bắt đầu không có trên đồng hồ: 25:00."),
        ("quiet_end", "sáng", "Giờ yên lặng kết thúc phải có dạng giờ:phút, ví dụ 21:00."),
        ("mode_deadline.1d", "loud", "Hãy chọn cách nhận «Còn 1 ngày đến hạn»."),
    ],
)
def test_bad_preferences_are_refused_with_the_input_kept(people, client_of, field, value, message):
    client = client_of(people.commune_officer)
    form = client.get(reverse("notifications:preferences")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["email_enabled"] = "on"
    data[field] = value
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NoticeSettings.objects.exists()
    assert not Preference.objects.exists()
