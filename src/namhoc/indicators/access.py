"""Who may see and act on figures — the one place these rules are written (ADR 0005, ADR 0007).

- Read a unit's figures, dashboard, scorecard, targets: anyone who sees the unit
  (``accounts.access``: any role there or above, and the units it absorbed in the 2025 reform).
- Enter figures (page, API, Excel import): ``specialist`` at the unit, which reports the data
  set in that kind of period; refused while an approval at or above the unit locks them.
- Approve a data set for a period: ``approver`` at the unit, which does not report the data set
  itself, once every reporting child is complete and every other child has approved.
- Un-approve: ``approver`` at the unit's parent (a superuser at the top), with a reason, while no
  unit above has approved.
- Set a unit's own target: ``approver`` at the unit; a target allocated from above only by the
  approver of the parent. Allocate a target to the children: ``approver`` at the unit.

Each action has a ``*_refusal`` function answering *why not* (a :class:`DomainError`, or None)
and a ``can_*`` predicate built on it. Use cases raise the refusal; page selectors hand the
predicate's answer — and the refusal's message, when a button should say what blocks it — to
the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from namhoc.accounts.access import access_unit, has_role, is_staff_superuser
from namhoc.accounts.models import Role
from namhoc.core.errors import Conflict, DomainError, Forbidden, NotFound
from namhoc.core.types import Actor
from namhoc.indicators.calendar import current_period
from namhoc.indicators.models import Approval, DataSet, Indicator, Period
from namhoc.indicators.snapshot import CatalogueSnapshot
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "Scope",
    "access_figures",
    "access_indicator",
    "allocate_refusal",
    "approve_refusal",
    "can_allocate",
    "can_approve",
    "can_enter",
    "can_import",
    "can_revoke",
    "can_set_target",
    "data_set_by_code",
    "enter_refusal",
    "import_refusal",
    "locked_error",
    "period_by_code",
    "revoke_refusal",
    "target_refusal",
]


@dataclass(frozen=True)
class Scope:
    """A unit the actor sees, with the period and data set a request is about."""

    unit: OrgUnit
    period: Period
    data_set: DataSet


def period_by_code(code: object, all_periods: list[Period] | None = None) -> Period:
    """The period with this code ("2025-2026.DN"), or for a blank code the default period —
    the one rule for pages and API: the latest whose figures' reference date has passed.
    NotFound with a message otherwise. ``all_periods``: every period (``calendar.periods``),
    when the caller has read them, to choose from instead of asking the database again."""
    if code is None or code == "":
        period = current_period(all_periods)
        if period is None:
            raise NotFound("Chưa có kỳ báo cáo nào; quản trị cần tạo kỳ báo cáo.")
        return period
    if not isinstance(code, str):
        period = None
    elif all_periods is not None:
        period = next((p for p in all_periods if p.code == code), None)
    else:
        period = Period.objects.filter(code=code).first()
    if period is None:
        raise NotFound("Không có kỳ báo cáo này.")
    return period


def data_set_by_code(code: object, catalogue: CatalogueSnapshot | None = None) -> DataSet:
    """The data set (report form) with this code; NotFound with a message otherwise.
    ``catalogue``: the snapshot to take it from instead of asking the database."""
    if catalogue is not None:
        data_set = catalogue.data_set(code)
    elif isinstance(code, str) and code:
        data_set = DataSet.objects.filter(code=code).first()
    else:
        data_set = None
    if data_set is None:
        raise NotFound("Không có biểu báo cáo này.")
    return data_set


def access_indicator(code: object) -> Indicator:
    """The indicator with this code (the catalogue is public to every signed-in person)."""
    indicator = (
        Indicator.objects.filter(code=code).first() if isinstance(code, str) and code else None
    )
    if indicator is None:
        raise NotFound("Không có chỉ tiêu này.")
    return indicator


def access_figures(
    actor: Actor | None,
    *,
    unit_key: object,
    period_code: object,
    data_set_code: object,
    all_periods: list[Period] | None = None,
    catalogue: CatalogueSnapshot | None = None,
) -> Scope:
    """The unit (if ``actor`` sees it: else NotFound, as if it did not exist), the period (blank:
    the default one) and the data set of a figures request; an unknown period or data set is
    NotFound too. ``all_periods`` as for :func:`period_by_code`; ``catalogue``: the snapshot
    (``indicators.snapshot``) the caller holds, to take the period and the data set from."""
    if not isinstance(unit_key, str) or not unit_key or len(unit_key) > 40:
        raise NotFound()
    unit = access_unit(actor, unit_key)
    if catalogue is not None:
        all_periods = list(catalogue.periods)
    return Scope(
        unit=unit,
        period=period_by_code(period_code, all_periods),
        data_set=data_set_by_code(data_set_code, catalogue),
    )


# --- entering figures ----------------------------------------------------------------------


def locked_error(approval: Approval) -> Conflict:
    return Conflict(
        "locked",
        f"Số liệu kỳ này đã được {approval.unit.name} phê duyệt nên không thể sửa; "
        "cần cấp trên hủy phê duyệt trước.",
    )


def _reporting_refusal(unit: OrgUnit, data_set: DataSet, period: Period) -> DomainError | None:
    if not data_set.applies_to(unit):
        return DomainError(
            "not_reporting_unit", f"{unit.name} không báo cáo biểu “{data_set.name}”."
        )
    if not data_set.collected_in(period):
        return DomainError(
            "wrong_period", f"Biểu “{data_set.name}” không báo cáo vào kỳ “{period.name}”."
        )
    return None


def enter_refusal(
    actor: Actor | None, scope: Scope, *, lock: Approval | None = None
) -> DomainError | None:
    """Why ``actor`` may not enter ``scope``'s figures, or None. ``lock`` is the approval that
    locks them, when the caller has read it (the use case reads it again under its row locks)."""
    if not has_role(actor, scope.unit, Role.SPECIALIST):
        return Forbidden(f"Chỉ chuyên viên của {scope.unit.name} mới nhập được số liệu này.")
    refusal = _reporting_refusal(scope.unit, scope.data_set, scope.period)
    if refusal is not None:
        return refusal
    return locked_error(lock) if lock is not None else None


def can_enter(actor: Actor | None, scope: Scope, *, lock: Approval | None = None) -> bool:
    return enter_refusal(actor, scope, lock=lock) is None


def import_refusal(
    actor: Actor | None, scope: Scope, *, lock: Approval | None = None
) -> DomainError | None:
    """Why ``actor`` may not import an Excel file of ``scope`` (the unit's own figures, or every
    reporting unit under it where they enter figures), or None."""
    if not has_role(actor, scope.unit, Role.SPECIALIST):
        return Forbidden(
            f"Chỉ chuyên viên của {scope.unit.name} mới nhập được số liệu bằng tệp Excel."
        )
    if not scope.data_set.collected_in(scope.period):
        return DomainError(
            "wrong_period",
            f"Biểu “{scope.data_set.name}” không báo cáo vào kỳ “{scope.period.name}”.",
        )
    return locked_error(lock) if lock is not None else None


def can_import(actor: Actor | None, scope: Scope, *, lock: Approval | None = None) -> bool:
    return import_refusal(actor, scope, lock=lock) is None


# --- approval ------------------------------------------------------------------------------


def approve_refusal(
    actor: Actor | None,
    scope: Scope,
    *,
    approval: Approval | None,
    blocker: str,
) -> DomainError | None:
    """Why ``actor`` may not approve ``scope`` now, or None. ``approval`` is the unit's own
    approval if there is one, ``blocker`` what the children still lack ("" when nothing does;
    ``selectors.approval_blocker``)."""
    unit, data_set, period = scope.unit, scope.data_set, scope.period
    if not has_role(actor, unit, Role.APPROVER):
        return Forbidden(f"Chỉ người có quyền phê duyệt của {unit.name} mới phê duyệt được.")
    if not data_set.collected_in(period):
        return DomainError(
            "wrong_period", f"Biểu “{data_set.name}” không báo cáo vào kỳ “{period.name}”."
        )
    if data_set.applies_to(unit):
        return DomainError(
            "self_approval",
            "Đơn vị báo cáo không tự phê duyệt số liệu của mình; "
            "cấp trên phê duyệt khi đủ số liệu.",
        )
    if approval is not None:
        return Conflict("already_approved", f"{unit.name} đã phê duyệt biểu này cho kỳ này.")
    if blocker:
        return DomainError("not_ready", blocker)
    return None


def can_approve(
    actor: Actor | None, scope: Scope, *, approval: Approval | None, blocker: str
) -> bool:
    return approve_refusal(actor, scope, approval=approval, blocker=blocker) is None


def _may_revoke(actor: Actor | None, unit: OrgUnit) -> bool:
    parent = unit.parent
    if parent is None:
        return is_staff_superuser(actor)
    return has_role(actor, parent, Role.APPROVER)


def revoke_refusal(
    actor: Actor | None,
    scope: Scope,
    *,
    approval: Approval | None,
    above: Approval | None,
) -> DomainError | None:
    """Why ``actor`` may not un-approve ``scope``, or None: the approver of the parent does it
    (a superuser for the top unit), top-down — not while ``above`` (an approval of a unit above)
    stands."""
    if not _may_revoke(actor, scope.unit):
        return Forbidden(
            "Chỉ cấp trên của đơn vị (người có quyền phê duyệt) mới được hủy phê duyệt."
        )
    if approval is None:
        return Conflict("not_approved", f"{scope.unit.name} chưa phê duyệt biểu này cho kỳ này.")
    if above is not None:
        return Conflict(
            "approved_above",
            f"{above.unit.name} đã phê duyệt; cần hủy phê duyệt ở cấp đó trước.",
        )
    return None


def can_revoke(
    actor: Actor | None, scope: Scope, *, approval: Approval | None, above: Approval | None
) -> bool:
    return revoke_refusal(actor, scope, approval=approval, above=above) is None


# --- targets -------------------------------------------------------------------------------


def target_refusal(actor: Actor | None, unit: OrgUnit, *, allocated: bool) -> DomainError | None:
    """Why ``actor`` may not set ``unit``'s own target, or None. ``allocated``: the target it has
    was allocated from above — then only the approver of the parent changes it."""
    if allocated:
        parent = unit.parent
        if parent is None or not has_role(actor, parent, Role.APPROVER):
            return Forbidden("Chỉ tiêu này do cấp trên phân bổ; chỉ cấp trên được sửa.")
        return None
    if not has_role(actor, unit, Role.APPROVER):
        return Forbidden(f"Chỉ người có quyền phê duyệt của {unit.name} mới giao được chỉ tiêu.")
    return None


def can_set_target(actor: Actor | None, unit: OrgUnit, *, allocated: bool) -> bool:
    return target_refusal(actor, unit, allocated=allocated) is None


def allocate_refusal(actor: Actor | None, unit: OrgUnit) -> DomainError | None:
    """Why ``actor`` may not allocate ``unit``'s targets to its children, or None."""
    if not has_role(actor, unit, Role.APPROVER):
        return Forbidden(f"Chỉ người có quyền phê duyệt của {unit.name} mới phân bổ được chỉ tiêu.")
    return None


def can_allocate(actor: Actor | None, unit: OrgUnit) -> bool:
    return allocate_refusal(actor, unit) is None
