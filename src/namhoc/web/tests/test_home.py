"""The landing page: my units and roles, my first unit's work due next, links into each area."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from namhoc.directives.tests.helpers import PROVINCE_DOC, published
from namhoc.tracking.tests.helpers import assign

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_home_lists_my_units_and_the_work_due_next(
    org, people, client_of, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    # Given a province plan with two tasks assigned to commune A1, one already overdue
    plan = published(people.province_officer, org.province_a, PROVINCE_DOC)
    first, second = list(plan.tasks.order_by("position"))[:2]
    with mock.patch(
        "django.utils.timezone.now", return_value=dt.datetime(2025, 9, 20, 10, tzinfo=VN)
    ):
        assign(
            actor=people.province_officer,
            task=second,
            unit=org.commune_a1,
            deadline=dt.date(2025, 12, 31),
        )
        assign(
            actor=people.province_officer, task=first, unit=org.commune_a1,
            deadline=dt.date(2025, 10, 15),
        )  # fmt: skip
    client = client_of(people.commune_officer)

    # When the commune officer opens the home page on 1/11/2025
    with mock.patch(
        "django.utils.timezone.now", return_value=dt.datetime(2025, 11, 1, 10, tzinfo=VN)
    ):
        client.get("/")  # warm the session
        with django_assert_num_queries(6):  # session, user, roles, work, admin menu, bell
            response = client.get("/")

    # Then it lists their unit and role, and the two open assignments earliest first
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xã An Lạc</a> — Chuyên viên" in html
    rows = html.split('data-testid="home-open-work"')[1].split("</tbody>")[0]
    assert rows.index("15/10/2025") < rows.index("31/12/2025")
    assert rows.count("Quá hạn chưa hoàn thành") == 1
    assert rows.count("Đang thực hiện trong hạn") == 1


def test_home_of_a_person_without_a_unit_says_so(db, client_of, django_user_model) -> None:  # type: ignore[no-untyped-def]
    lonely = django_user_model.objects.create_user(username="moi", password="x-Very-long-1")
    response = client_of(lonely).get("/")
    assert response.status_code == 200
    assert "chưa được giao vai trò tại đơn vị nào" in response.content.decode()
