"""Approving figures bottom-up, and un-approving them top-down with a reason (ADR 0005).

Both use cases hold the unit's row (``locking.hold_for_approval``) before they read the state
they decide on, so on PostgreSQL no figure below can change between the check and the commit,
and no write in flight when the approval starts is missed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from namhoc.core.audit import audit_record
from namhoc.core.errors import DomainError
from namhoc.core.events import emit
from namhoc.core.parsing import clean_text
from namhoc.core.types import Actor
from namhoc.indicators.access import access_figures, approve_refusal, revoke_refusal
from namhoc.indicators.locking import hold_for_approval
from namhoc.indicators.models import REASON_MAX, Approval, ApprovalEvent
from namhoc.indicators.selectors.figures import approval_blocker, approval_of, approved_above

__all__ = ["REASON_MAX", "approval_approve", "approval_revoke"]


def _user(actor: Actor | None) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def approval_approve(
    *,
    actor: Actor | None,
    unit_key: object,
    period_code: object,
    data_set_code: object,
    confirmed: bool = True,
) -> Approval:
    """The unit approves the data set for the period: its subtree's figures become read-only.

    Bottom-up: every reporting unit directly under it must be complete, every other child with
    reporting units below it must have approved. A reporting unit does not approve itself. The
    page asks the person to confirm first (``confirmed``: the box ticked); the API's request is
    its confirmation.
    """
    scope = access_figures(
        actor, unit_key=unit_key, period_code=period_code, data_set_code=data_set_code
    )
    # Role, period and self-approval first: nothing to lock for a request refused anyway.
    refusal = approve_refusal(actor, scope, approval=None, blocker="")
    if refusal is not None:
        raise refusal
    if not confirmed:
        raise DomainError(
            "not_confirmed",
            "Hãy đánh dấu xác nhận đã kiểm tra số liệu trước khi phê duyệt.",
            field="xac_nhan",
        )
    unit, data_set, period = scope.unit, scope.data_set, scope.period
    with transaction.atomic():
        hold_for_approval(unit)
        refusal = approve_refusal(
            actor,
            scope,
            approval=approval_of(unit, data_set, period),
            blocker=approval_blocker(unit, data_set, period),
        )
        if refusal is not None:
            raise refusal
        approval = Approval.objects.create(
            unit=unit, data_set=data_set, period=period, approved_by=_user(actor)
        )
        ApprovalEvent.objects.create(
            unit=unit,
            data_set=data_set,
            period=period,
            kind=ApprovalEvent.Kind.APPROVE,
            actor=_user(actor),
            at=approval.approved_at,
        )
        audit_record(
            actor=actor,
            action="indicators.approve",
            target=approval,
            changes={"approved": [False, True]},
            unit_id=unit.pk,
            note=f"{data_set.code} · {period.code}",
        )
        emit(  # the parent's approvers: their turn (ADR 0009)
            "figures.approved",
            key=f"figures.approved:{approval.pk}",
            unit_id=unit.pk,
            object=approval,
            payload={"unit_name": unit.name, "data_set": data_set.name, "period": period.name},
            actor=actor,
        )
    return approval


def approval_revoke(
    *,
    actor: Actor | None,
    unit_key: object,
    period_code: object,
    data_set_code: object,
    reason: object,
) -> ApprovalEvent:
    """Someone above the unit un-approves it, unlocking its subtree's figures, and says why:
    the reason is kept in the unit's approval history and in the audit log.

    Needs the approver role at the parent (a superuser for the top unit). Refused while a unit
    above has approved too: un-approval goes top-down.
    """
    scope = access_figures(
        actor, unit_key=unit_key, period_code=period_code, data_set_code=data_set_code
    )
    unit, data_set, period = scope.unit, scope.data_set, scope.period
    approval = approval_of(unit, data_set, period)
    refusal = revoke_refusal(
        actor, scope, approval=approval, above=approved_above(unit, data_set, period)
    )
    if refusal is not None:
        raise refusal
    why = clean_text(
        reason,
        field="reason",
        label="Lý do hủy phê duyệt",
        max_length=REASON_MAX,
        required=True,
        multiline=True,
    )
    with transaction.atomic():
        hold_for_approval(unit)
        approval = approval_of(unit, data_set, period)
        refusal = revoke_refusal(
            actor, scope, approval=approval, above=approved_above(unit, data_set, period)
        )
        if refusal is not None:
            raise refusal
        assert approval is not None
        event = ApprovalEvent.objects.create(
            unit=unit,
            data_set=data_set,
            period=period,
            kind=ApprovalEvent.Kind.REVOKE,
            reason=why,
            actor=_user(actor),
        )
        audit_record(
            actor=actor,
            action="indicators.unapprove",
            target=approval,
            changes={"approved": [True, False], "reason": [None, why]},
            unit_id=unit.pk,
            note=f"{data_set.code} · {period.code} · {why[:200]}",
        )
        emit(  # the unit's approvers: their figures are open again, and why (ADR 0009)
            "figures.unapproved",
            key=f"figures.unapproved:{approval.pk}",
            unit_id=unit.pk,
            object=approval,
            payload={
                "unit_name": unit.name,
                "data_set": data_set.name,
                "period": period.name,
                "reason": why,
            },
            actor=actor,
        )
        approval.delete()
    return event
