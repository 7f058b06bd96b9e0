"""Events become notices for the people at the unit concerned, once (ADR 0009)."""

from __future__ import annotations

import pytest
from django.db import transaction

from namhoc.core.events import emit
from namhoc.core.models import Event
from namhoc.notifications.models import Notice, Preference
from namhoc.notifications.render import describe
from namhoc.notifications.tests.helpers import dispatch, kinds_of
from namhoc.tracking.tests.helpers import assign

pytestmark = pytest.mark.django_db


def test_assigned_work_reaches_the_specialists_of_that_unit_only(org, people, plan):
    task = plan.tasks.get(position=1)
    assign(actor=people.province_officer, task=task, unit=org.commune_a1, deadline="15/01/2026")
    assign(actor=people.province_officer, task=task, unit=org.school_a1, role="support")
    result = dispatch()
    assert result.events == 3  # the plan's publication, two assignments
    assert kinds_of(people.commune_officer) == ["assignment.created", "directive.published"]
    assert kinds_of(people.school_principal) == ["assignment.created"]
    # the author, the viewer above, another province: nothing
    assert kinds_of(people.province_officer) == []
    assert kinds_of(people.viewer) == []
    assert kinds_of(people.outsider) == []
    notice = Notice.objects.get(user=people.commune_officer, kind="assignment.created")
    told = describe([notice.event])[notice.event_id]
    assert told.text == (
        f"Xã An Lạc được giao chủ trì «{task.title}» ({plan.number}), hạn 15/01/2026."
    )
    assert told.url == f"/theo-doi/phan-cong/{notice.event.object_id}/"
    assert told.label == "Đơn vị được giao nhiệm vụ"


def test_dispatching_twice_adds_nothing(org, people, plan):
    assign(actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.commune_a1)
    dispatch()
    before = list(Notice.objects.order_by("pk").values_list("pk", "user_id", "event_id"))
    Event.objects.update(processed_at=None)  # as if the first run died before marking them
    again = dispatch()
    assert again.events == 2
    assert again.notices == 0
    assert list(Notice.objects.order_by("pk").values_list("pk", "user_id", "event_id")) == before


def test_the_same_key_is_one_event_however_often_it_is_emitted(org):
    for _ in range(3):
        with transaction.atomic():
            emit(
                "deadline.3d",
                key="deadline.3d:1:2026-01-15",
                unit_id=org.commune_a1.pk,
                object=None,
            )
    assert Event.objects.filter(key="deadline.3d:1:2026-01-15").count() == 1


def test_an_event_of_a_change_rolled_back_never_exists(org):
    class Boom(Exception):
        pass

    def change() -> None:
        with transaction.atomic():
            emit("deadline.3d", key="k:rolled-back", unit_id=org.commune_a1.pk, object=None)
            raise Boom

    with pytest.raises(Boom):
        change()
    assert not Event.objects.filter(key="k:rolled-back").exists()


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused(org):
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        emit("deadline.3d", key="k:outside", unit_id=org.commune_a1.pk, object=None)


def test_a_kind_turned_off_makes_no_notice(org, people, plan):
    Preference.objects.create(user=people.commune_officer, kind="assignment.created", mode="off")
    assign(actor=people.province_officer, task=plan.tasks.get(position=1), unit=org.commune_a1)
    dispatch()
    assert kinds_of(people.commune_officer) == ["directive.published"]


def test_a_directive_published_above_reaches_the_current_child_units(org, people, plan):
    dispatch()
    told = Notice.objects.get(user=people.commune_officer)
    assert told.kind == "directive.published"
    assert told.unit_id == org.commune_a1.pk
    # the dissolved district's people would not hear of it; the province's own people neither
    assert Notice.objects.filter(kind="directive.published").count() == 1
