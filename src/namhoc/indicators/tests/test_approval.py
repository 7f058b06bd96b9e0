"""Approval bottom-up, and the lock it puts on figures for every writer."""

from __future__ import annotations

import pytest

from namhoc.core.errors import Conflict, DomainError, Forbidden, NotFound
from namhoc.core.models_audit import AuditEvent
from namhoc.indicators.models import Approval, DataValue
from namhoc.indicators.tests.helpers import TH_FIGURES, Figures, approve, revoke, save_values


def fill_school_a1(f: Figures) -> None:
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )


def test_a_commune_approves_only_when_its_schools_are_complete(figures: Figures) -> None:
    f = figures
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={"TH_HS": 400},
    )
    with pytest.raises(DomainError) as caught:
        approve(
            actor=f.commune_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025
        )
    assert caught.value.message == "Còn 1 trường chưa nhập đủ số liệu: Trường Tiểu học An Lạc."
    assert not Approval.objects.exists()

    fill_school_a1(f)
    approval = approve(
        actor=f.commune_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025
    )
    assert approval.approved_by == f.commune_approver
    assert (
        AuditEvent.objects.filter(action="indicators.approve", unit_id=f.org.commune_a1.pk).count()
        == 1
    )


def test_the_province_approves_after_its_communes(figures: Figures) -> None:
    f = figures
    fill_school_a1(f)
    with pytest.raises(DomainError) as caught:
        approve(
            actor=f.province_approver, unit=f.org.province_a, data_set=f.dn_th, period=f.start_2025
        )
    # Commune A2 has no primary school: it is not waited for.
    assert caught.value.message == "Còn 1 xã, phường chưa phê duyệt: Xã An Lạc."
    approve(actor=f.commune_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025)
    approve(actor=f.province_approver, unit=f.org.province_a, data_set=f.dn_th, period=f.start_2025)
    assert set(Approval.objects.values_list("unit__key", flat=True)) == {"c-a1", "p-a"}


@pytest.mark.parametrize(
    ("who", "error"),
    [("commune_officer", Forbidden), ("outsider", NotFound), ("school_principal", NotFound)],
)
def test_who_may_not_approve_changes_nothing(figures: Figures, who: str, error: type) -> None:
    f = figures
    fill_school_a1(f)
    with pytest.raises(error):
        approve(
            actor=getattr(f.people, who),
            unit=f.org.commune_a1,
            data_set=f.dn_th,
            period=f.start_2025,
        )
    assert not Approval.objects.exists()


def test_a_reporting_unit_does_not_approve_itself(figures: Figures) -> None:
    f = figures
    fill_school_a1(f)
    with pytest.raises(DomainError) as caught:
        approve(
            actor=f.people.school_principal,
            unit=f.org.school_a1,
            data_set=f.dn_th,
            period=f.start_2025,
        )
    assert caught.value.code == "self_approval"


def test_approved_figures_are_locked_until_someone_above_unapproves(figures: Figures) -> None:
    f = figures
    fill_school_a1(f)
    approve(actor=f.commune_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025)
    for actor in (f.people.school_principal, f.people.commune_officer, f.people.superuser):
        with pytest.raises(Conflict) as caught:
            save_values(
                actor=actor,
                unit=f.org.school_a1,
                data_set=f.dn_th,
                period=f.start_2025,
                values={"TH_HS": 401},
            )
        assert caught.value.code == "locked"
        assert caught.value.message == (
            "Số liệu kỳ này đã được Xã An Lạc phê duyệt nên không thể sửa; "
            "cần cấp trên hủy phê duyệt trước."
        )
    assert DataValue.objects.get(element__code="TH_HS").value == 400
    # Another period is not locked.
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2024,
        values={"TH_HS": 380},
    )
    # The commune cannot lift its own approval; the province can.
    with pytest.raises(Forbidden):
        revoke(
            actor=f.commune_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025
        )
    approve(actor=f.province_approver, unit=f.org.province_a, data_set=f.dn_th, period=f.start_2025)
    with pytest.raises(Conflict) as caught:
        revoke(
            actor=f.province_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025
        )
    assert caught.value.message == "Tỉnh Phú An đã phê duyệt; cần hủy phê duyệt ở cấp đó trước."
    with pytest.raises(Forbidden):  # nobody above the province but a superuser... of the Ministry
        revoke(
            actor=f.province_approver, unit=f.org.province_a, data_set=f.dn_th, period=f.start_2025
        )
    revoke(actor=f.people.superuser, unit=f.org.province_a, data_set=f.dn_th, period=f.start_2025)
    revoke(actor=f.province_approver, unit=f.org.commune_a1, data_set=f.dn_th, period=f.start_2025)
    assert not Approval.objects.exists()
    save_values(
        actor=f.people.school_principal,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values={"TH_HS": 401},
    )
    assert AuditEvent.objects.filter(action="indicators.unapprove").count() == 2
