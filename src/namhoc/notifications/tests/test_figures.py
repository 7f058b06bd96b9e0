"""Figures approved tell the parent's approvers; un-approved figures tell the unit's approvers,
with the reason (ADR 0009): events emitted inside the approval's own transaction."""

from __future__ import annotations

import pytest

from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    approve,
    revoke,
    save_values,
    setup_figures,
)
from namhoc.notifications.models import Notice
from namhoc.notifications.render import describe
from namhoc.notifications.tests.helpers import dispatch

pytestmark = pytest.mark.django_db


def test_approval_and_unapproval_reach_the_right_approvers(org, people):
    f = setup_figures(org, people)
    save_values(
        actor=people.school_principal,
        unit=org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    approve(actor=f.commune_approver, unit=org.commune_a1, data_set=f.dn_th, period=f.start_2025)
    dispatch()
    [approved] = Notice.objects.filter(kind="figures.approved")
    assert approved.user == f.province_approver
    told = describe([approved.event])[approved.event_id]
    assert told.text == f"Xã An Lạc đã phê duyệt số liệu {f.dn_th.name} kỳ {f.start_2025.name}."
    revoke(
        actor=f.province_approver,
        unit=org.commune_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        reason="Số học sinh nữ lớn hơn tổng số",
    )
    dispatch()
    [unapproved] = Notice.objects.filter(kind="figures.unapproved")
    assert unapproved.user == f.commune_approver
    told = describe([unapproved.event])[unapproved.event_id]
    assert told.text == (
        f"Số liệu {f.dn_th.name} kỳ {f.start_2025.name} của Xã An Lạc bị hủy phê duyệt. "
        "Lý do: Số học sinh nữ lớn hơn tổng số"
    )
    assert told.url == "/so-lieu/"
