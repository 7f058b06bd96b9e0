"""Every write to figures: values (with their roll-ups), approvals, targets, and keeping the
roll-ups built for the current org tree. Audited, atomic.

Services check the acting user's role themselves (``accounts.access.require_role``), so the page,
the API, the Excel import and the admin all meet the same rules, approval locks included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from namhoc.accounts.access import has_role, is_staff_superuser, require_role
from namhoc.accounts.models import Role
from namhoc.core.audit import audit_record
from namhoc.core.errors import Conflict, DomainError, Forbidden
from namhoc.core.events import emit
from namhoc.indicators.models import (
    Approval,
    DataElement,
    DataSet,
    DataValue,
    Indicator,
    Period,
    RollupState,
    Target,
)
from namhoc.indicators.rollup import apply_delta, rollup_rebuild, rollup_targets
from namhoc.indicators.selectors import (
    above_q,
    approval_blocker,
    data_set_members,
    latest_denominators,
    rollups_freshness,
    tree_marker,
)
from namhoc.indicators.tasks import rollups_rebuild_task
from namhoc.indicators.validation import (
    InvalidValue,
    check_rules,
    format_number,
    parse_number,
    parse_value,
)
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "AllocationResult",
    "InvalidValues",
    "RollupsRebuilt",
    "SaveResult",
    "StaleValues",
    "Unset",
    "approval_approve",
    "approval_revoke",
    "rollups_rebuild",
    "rollups_rebuild_request",
    "target_allocate",
    "target_set",
    "value_set",
    "values_save",
]


class InvalidValues(DomainError):
    """Some figures are wrong: ``errors`` maps element codes to Vietnamese messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("invalid_values", "Số liệu chưa hợp lệ, xem thông báo ở từng ô.")
        self.errors = {code: list(messages) for code, messages in errors.items()}

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "errors": self.errors}


class StaleValues(Conflict):
    """Someone saved other figures since the form was loaded: ``errors`` per element code."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(
            "stale",
            "Số liệu vừa được người khác sửa; hãy xem lại các ô được đánh dấu rồi lưu lại.",
        )
        self.errors = {code: list(messages) for code, messages in errors.items()}

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "errors": self.errors}


class Unset:
    """Marker: the caller did not say which version it edited (last write wins, still atomic)."""


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    versions: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def _check_reporting(unit: OrgUnit, data_set: DataSet, period: Period) -> None:
    if not data_set.applies_to(unit):
        raise DomainError(
            "not_reporting_unit", f"{unit.name} không báo cáo biểu “{data_set.name}”."
        )
    if period.kind not in data_set.period_kinds:
        raise DomainError(
            "wrong_period", f"Biểu “{data_set.name}” không báo cáo vào kỳ “{period.name}”."
        )


def _locked_by(unit: OrgUnit, period: Period, element_ids: list[int]) -> Approval | None:
    """The approval that locks any of these elements of ``unit`` for ``period``, if one does."""
    return (
        Approval.objects.filter(
            above_q(unit), period=period, data_set__members__element_id__in=element_ids
        )
        .select_related("unit")
        .order_by("unit__depth")
        .first()
    )


def _locked_error(approval: Approval) -> Conflict:
    return Conflict(
        "locked",
        f"Số liệu kỳ này đã được {approval.unit.name} phê duyệt nên không thể sửa; "
        "cần cấp trên hủy phê duyệt trước.",
    )


def values_save(
    *,
    actor: Any,
    unit: OrgUnit,
    data_set: DataSet,
    period: Period,
    values: Mapping[str, object],
    versions: Mapping[str, int | None] | None = None,
) -> SaveResult:
    """Save the figures typed for ``unit`` in ``data_set`` for ``period``, all or nothing.

    ``values`` maps element codes to what was typed (a blank removes the figure); ``versions``
    maps them to the version the user saw (None: the figure did not exist), for the fields whose
    version the caller knows — a figure changed since raises :class:`StaleValues` (409) and saves
    nothing. The data set's rules are checked on the figures as they will be after the save.
    Each change moves the aggregates of every unit the figure counts toward (same transaction).
    """
    require_role(actor, unit, Role.SPECIALIST)
    _check_reporting(unit, data_set, period)
    members = data_set_members(data_set)
    elements = {m.element.code: m.element for m in members}
    unknown = sorted(set(values) - set(elements))
    if unknown:
        raise DomainError(
            "unknown_element", f"Biểu không có chỉ số: {', '.join(unknown)}.", field=unknown[0]
        )
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Decimal | None] = {}
    for code, raw in values.items():
        try:
            parsed[code] = parse_value(elements[code], raw)
        except InvalidValue as exc:
            errors.setdefault(code, []).append(str(exc))
    with transaction.atomic():
        approval = _locked_by(unit, period, [elements[c].pk for c in values])
        if approval is not None:
            raise _locked_error(approval)
        current = {
            row.element.code: row
            for row in DataValue.objects.filter(
                unit=unit, period=period, element__in=list(elements.values())
            ).select_related("element")
        }
        _check_state(data_set, current, parsed, errors)
        _check_versions(current, parsed, versions)
        result = SaveResult(versions={code: row.version for code, row in current.items()})
        targets: list[int] | None = None
        for code, value in parsed.items():
            row = current.get(code)
            old = None if row is None else row.value
            if old == value:
                continue
            if targets is None:
                targets = rollup_targets(unit)
            element = elements[code]
            _write_one(
                actor=actor,
                unit=unit,
                element=element,
                period=period,
                row=row,
                value=value,
                targets=targets,
                result=result,
            )
    return result


def _check_state(
    data_set: DataSet,
    current: Mapping[str, DataValue],
    parsed: Mapping[str, Decimal | None],
    errors: dict[str, list[str]],
) -> None:
    """Raise InvalidValues for unreadable figures and for rules broken by the new state."""
    state = {code: row.value for code, row in current.items()}
    for code, value in parsed.items():
        if value is None:
            state.pop(code, None)
        else:
            state[code] = value
    for failure in check_rules(data_set.rules.all(), state):
        if failure.field not in errors:
            errors.setdefault(failure.field, []).append(failure.message)
    if errors:
        raise InvalidValues(errors)


def _check_versions(
    current: Mapping[str, DataValue],
    parsed: Mapping[str, Decimal | None],
    versions: Mapping[str, int | None] | None,
) -> None:
    """Raise StaleValues for figures changed since the version the caller saw."""
    if versions is None:
        return
    stale: dict[str, list[str]] = {}
    for code, value in parsed.items():
        row = current.get(code)
        old = None if row is None else row.value
        if old == value or code not in versions:
            continue
        if (row.version if row is not None else None) != versions[code]:
            stale[code] = [
                f"Đã được sửa thành {format_number(old)} sau khi bạn mở biểu."
                if old is not None
                else "Đã bị xóa sau khi bạn mở biểu."
            ]
    if stale:
        raise StaleValues(stale)


def _write_one(
    *,
    actor: Any,
    unit: OrgUnit,
    element: DataElement,
    period: Period,
    row: DataValue | None,
    value: Decimal | None,
    targets: list[int],
    result: SaveResult,
) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    changes: dict[str, list[Any]]
    if row is None:
        assert value is not None
        try:
            with transaction.atomic():
                row = DataValue.objects.create(
                    unit=unit, element=element, period=period, value=value, updated_by=user
                )
        except IntegrityError as exc:
            raise StaleValues(
                {element.code: ["Vừa được người khác nhập; hãy tải lại biểu."]}
            ) from exc
        apply_delta(
            targets=targets, element_id=element.pk, period_id=period.pk, total=value, count=1
        )
        result.created += 1
        result.versions[element.code] = row.version
        changes = {"value": [None, str(value)]}
        action = "indicators.value_create"
    elif value is None:
        deleted, _ = DataValue.objects.filter(pk=row.pk, version=row.version).delete()
        if not deleted:
            raise StaleValues({element.code: ["Vừa được người khác sửa; hãy tải lại biểu."]})
        apply_delta(
            targets=targets, element_id=element.pk, period_id=period.pk, total=-row.value, count=-1
        )
        result.deleted += 1
        result.versions.pop(element.code, None)
        changes = {"value": [str(row.value), None]}
        action = "indicators.value_delete"
    else:
        moved = DataValue.objects.filter(pk=row.pk, version=row.version).update(
            value=value, version=F("version") + 1, updated_by=user
        )
        if not moved:
            raise StaleValues({element.code: ["Vừa được người khác sửa; hãy tải lại biểu."]})
        apply_delta(
            targets=targets,
            element_id=element.pk,
            period_id=period.pk,
            total=value - row.value,
            count=0,
        )
        result.updated += 1
        result.versions[element.code] = row.version + 1
        changes = {"value": [str(row.value), str(value)], "version": [row.version, row.version + 1]}
        action = "indicators.value_update"
    audit_record(
        actor=actor,
        action=action,
        target=row,
        changes=changes,
        unit_id=unit.pk,
        note=f"{element.code} · {period.code}",
    )


def value_set(
    *,
    actor: Any,
    unit: OrgUnit,
    data_set: DataSet,
    period: Period,
    element_code: str,
    value: object,
    version: int | type[Unset] | None = Unset,
) -> SaveResult:
    """One figure (API, bench): ``values_save`` with a single field."""
    versions = None if version is Unset else {element_code: version}
    return values_save(
        actor=actor,
        unit=unit,
        data_set=data_set,
        period=period,
        values={element_code: value},
        versions=versions,  # type: ignore[arg-type]
    )


# --- approval ------------------------------------------------------------------------------


def approval_approve(*, actor: Any, unit: OrgUnit, data_set: DataSet, period: Period) -> Approval:
    """``unit`` approves ``data_set`` for ``period``: its subtree's figures become read-only.

    Bottom-up: every reporting unit directly under ``unit`` must be complete, every other child
    with reporting units below it must have approved. A reporting unit does not approve itself.
    """
    require_role(actor, unit, Role.APPROVER)
    if period.kind not in data_set.period_kinds:
        raise DomainError(
            "wrong_period", f"Biểu “{data_set.name}” không báo cáo vào kỳ “{period.name}”."
        )
    if data_set.applies_to(unit):
        raise DomainError(
            "self_approval",
            "Đơn vị báo cáo không tự phê duyệt số liệu của mình; "
            "cấp trên phê duyệt khi đủ số liệu.",
        )
    with transaction.atomic():
        if Approval.objects.filter(unit=unit, data_set=data_set, period=period).exists():
            raise Conflict("already_approved", f"{unit.name} đã phê duyệt biểu này cho kỳ này.")
        blocker = approval_blocker(unit, data_set, period)
        if blocker:
            raise DomainError("not_ready", blocker)
        approval = Approval.objects.create(
            unit=unit,
            data_set=data_set,
            period=period,
            approved_by=actor if getattr(actor, "is_authenticated", False) else None,
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


def approval_revoke(*, actor: Any, unit: OrgUnit, data_set: DataSet, period: Period) -> None:
    """Someone above ``unit`` un-approves it, unlocking its subtree's figures.

    Needs the approver role at the parent (a superuser for the top unit). Refused while a unit
    above has approved too: un-approval goes top-down.
    """
    require_role(actor, unit, Role.VIEWER)
    parent = unit.parent
    allowed = (
        is_staff_superuser(actor) if parent is None else has_role(actor, parent, Role.APPROVER)
    )
    if not allowed:
        raise Forbidden(
            "Chỉ cấp trên của đơn vị (người có quyền phê duyệt) mới được hủy phê duyệt."
        )
    with transaction.atomic():
        approval = Approval.objects.filter(unit=unit, data_set=data_set, period=period).first()
        if approval is None:
            raise Conflict("not_approved", f"{unit.name} chưa phê duyệt biểu này cho kỳ này.")
        above = (
            Approval.objects.filter(above_q(unit), data_set=data_set, period=period)
            .exclude(unit=unit)
            .select_related("unit")
            .first()
        )
        if above is not None:
            raise Conflict(
                "approved_above",
                f"{above.unit.name} đã phê duyệt; cần hủy phê duyệt ở cấp đó trước.",
            )
        audit_record(
            actor=actor,
            action="indicators.unapprove",
            target=approval,
            changes={"approved": [True, False]},
            unit_id=unit.pk,
            note=f"{data_set.code} · {period.code}",
        )
        emit(  # the unit's approvers: their figures are open again (ADR 0009)
            "figures.unapproved",
            key=f"figures.unapproved:{approval.pk}",
            unit_id=unit.pk,
            object=approval,
            payload={"unit_name": unit.name, "data_set": data_set.name, "period": period.name},
            actor=actor,
        )
        approval.delete()


# --- targets -------------------------------------------------------------------------------


def _target_write(
    *,
    actor: Any,
    indicator: Indicator,
    unit: OrgUnit,
    school_year: str,
    value: Decimal,
    source: str,
    allocated_from: Target | None,
) -> Target:
    existing = Target.objects.filter(
        indicator=indicator, unit=unit, school_year=school_year
    ).first()
    user = actor if getattr(actor, "is_authenticated", False) else None
    if existing is None:
        target = Target.objects.create(
            indicator=indicator,
            unit=unit,
            school_year=school_year,
            value=value,
            source=source,
            allocated_from=allocated_from,
            updated_by=user,
        )
        changes = {"value": [None, str(value)]}
    else:
        changes = {"value": [str(existing.value), str(value)]} if existing.value != value else {}
        existing.value = value
        existing.source = source or existing.source
        existing.allocated_from = allocated_from
        existing.updated_by = user
        existing.save(
            update_fields=["value", "source", "allocated_from", "updated_by", "updated_at"]
        )
        target = existing
    audit_record(
        actor=actor,
        action="indicators.target_set",
        target=target,
        changes=changes,
        unit_id=unit.pk,
        note=f"{indicator.code} · {school_year}",
    )
    return target


def _target_value(indicator: Indicator, raw: object) -> Decimal:
    try:
        value = parse_number(raw)
    except InvalidValue as exc:
        raise DomainError("invalid_target", str(exc), field="value") from exc
    if value is None:
        raise DomainError("invalid_target", "Hãy nhập chỉ tiêu.", field="value")
    if indicator.unit_label == "%" and value > 100:
        raise DomainError("invalid_target", "Chỉ tiêu tỷ lệ không quá 100%.", field="value")
    return value


def target_set(
    *,
    actor: Any,
    indicator: Indicator,
    unit: OrgUnit,
    school_year: str,
    value: object,
    source: str = "",
) -> Target:
    """Set ``unit``'s own target (approver there). A target allocated from above is changed only
    by re-allocating it (approver at the parent)."""
    require_role(actor, unit, Role.APPROVER)
    number = _target_value(indicator, value)
    with transaction.atomic():
        existing = Target.objects.filter(
            indicator=indicator, unit=unit, school_year=school_year
        ).first()
        if existing is not None and existing.allocated_from_id is not None:
            parent = unit.parent
            if parent is None or not has_role(actor, parent, Role.APPROVER):
                raise Forbidden("Chỉ tiêu này do cấp trên phân bổ; chỉ cấp trên được sửa.")
        return _target_write(
            actor=actor,
            indicator=indicator,
            unit=unit,
            school_year=school_year,
            value=number,
            source=source,
            allocated_from=existing.allocated_from if existing is not None else None,
        )


@dataclass(frozen=True)
class AllocationResult:
    targets: list[Target]
    warning: str = ""
    allocated_from: Target | None = None  # the unit's own target that was allocated


def target_allocate(
    *,
    actor: Any,
    indicator: Indicator,
    unit: OrgUnit,
    school_year: str,
    allocations: Mapping[int, object],
) -> AllocationResult:
    """Allocate ``unit``'s target to its children (``{child_id: value}``).

    Additive indicators (totals): the children's targets must add up to the parent's exactly.
    Rates: each child's target stands alone; the result warns when the children's targets,
    weighted by their latest denominators, fall short of the parent's target.
    """
    require_role(actor, unit, Role.APPROVER)
    parent_target = Target.objects.filter(
        indicator=indicator, unit=unit, school_year=school_year
    ).first()
    if parent_target is None:
        raise DomainError(
            "no_parent_target",
            f"{unit.name} chưa có chỉ tiêu “{indicator.name}” năm học {school_year}.",
        )
    children = {
        c.pk: c
        for c in OrgUnit.objects.filter(
            parent=unit, valid_to__isnull=True, pk__in=list(allocations)
        )
    }
    outside = [pk for pk in allocations if pk not in children]
    if outside:
        raise DomainError("not_a_child", "Chỉ phân bổ được cho đơn vị trực thuộc đang hoạt động.")
    values: dict[int, Decimal] = {}
    for pk, raw in allocations.items():
        try:
            values[pk] = _target_value(indicator, raw)
        except DomainError as exc:  # say whose figure is wrong
            child = children[pk]
            raise DomainError(exc.code, f"{child.name}: {exc.message}", field=child.key) from exc
    warning = ""
    if indicator.is_additive:
        total = sum(values.values(), Decimal(0))
        if total != parent_target.value:
            raise DomainError(
                "allocation_sum",
                f"Tổng chỉ tiêu phân bổ ({format_number(total)}) phải bằng chỉ tiêu của "
                f"{unit.name} ({format_number(parent_target.value)}).",
            )
    else:
        weights = latest_denominators(indicator, list(values))
        weight_sum = sum((weights.get(pk, Decimal(0)) for pk in values), Decimal(0))
        if weight_sum > 0:
            implied = (
                sum((values[pk] * weights.get(pk, Decimal(0)) for pk in values), Decimal(0))
                / weight_sum
            )
            short = (
                implied < parent_target.value
                if indicator.direction == Indicator.Direction.HIGHER
                else implied > parent_target.value
            )
            if short:
                warning = (
                    "Chỉ tiêu các đơn vị, tính theo quy mô "
                    f"({format_number(implied, 2)}), chưa đạt "
                    f"chỉ tiêu của {unit.name} ({format_number(parent_target.value)})."
                )
    with transaction.atomic():
        targets = [
            _target_write(
                actor=actor,
                indicator=indicator,
                unit=children[pk],
                school_year=school_year,
                value=value,
                source=parent_target.source,
                allocated_from=parent_target,
            )
            for pk, value in values.items()
        ]
    return AllocationResult(targets=targets, warning=warning, allocated_from=parent_target)


# --- roll-ups and the org tree --------------------------------------------------------------

# A request older than this whose rebuild never stored its marker (the worker died, the task
# failed) no longer holds back a new one.
REBUILD_REQUEST_LAPSES = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class RollupsRebuilt:
    rebuilt: bool  # False: the roll-ups were already built for this tree, nothing was done
    rows: int  # aggregate rows written (0 when not rebuilt)
    marker: str  # the tree they are now built for


def rollups_rebuild(*, force: bool = False) -> RollupsRebuilt:
    """Rebuild edges and aggregates for the org tree as it is now and remember that tree.

    Without ``force`` nothing is done when the roll-ups are already built for this tree, so the
    background task is safe to run twice. Rebuilds are serialised on the state row. The marker is
    read *before* the rebuild: a tree change committed meanwhile leaves the roll-ups stale (one
    more rebuild), never marked fresh for a tree they were not built for.
    """
    # First say a rebuild is under way (committed at once outside a transaction), so that page
    # views meanwhile neither request another one nor wait for the row this one locks.
    _rebuild_mark_requested()
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        marker = tree_marker()
        if not force and state.marker == marker:
            state.rebuild_requested_at = None
            state.save(update_fields=["rebuild_requested_at"])
            return RollupsRebuilt(rebuilt=False, rows=0, marker=marker)
        rows = rollup_rebuild()
        state.marker = marker
        state.built_at = timezone.now()
        state.rebuild_requested_at = None
        state.save(update_fields=["marker", "built_at", "rebuild_requested_at"])
    return RollupsRebuilt(rebuilt=True, rows=rows, marker=marker)


def _rebuild_mark_requested() -> None:
    now = timezone.now()
    if not RollupState.objects.filter(pk=1).update(rebuild_requested_at=now):
        RollupState.objects.bulk_create(
            [RollupState(pk=1, rebuild_requested_at=now)], ignore_conflicts=True
        )


def rollups_rebuild_request() -> bool:
    """Are the roll-ups stale (the org tree changed since they were built)? If so, and no
    rebuild is pending, mark one requested and enqueue ``rollups_rebuild_task`` on commit.

    One query when fresh or already requested (``rollups_freshness``); the first view after a
    change adds a conditional UPDATE that claims the request, so concurrent views enqueue the
    rebuild once. A request older than ``REBUILD_REQUEST_LAPSES`` (the task failed) is claimed
    again.
    """
    state = rollups_freshness()
    if not state.stale:
        return False
    now = timezone.now()
    if state.requested_at is not None and state.requested_at > now - REBUILD_REQUEST_LAPSES:
        return True
    if not state.recorded:  # a new database: the row to claim (a concurrent insert is fine)
        RollupState.objects.bulk_create([RollupState(pk=1)], ignore_conflicts=True)
    claimed = RollupState.objects.filter(
        Q(rebuild_requested_at__isnull=True)
        | Q(rebuild_requested_at__lte=now - REBUILD_REQUEST_LAPSES),
        pk=1,
    ).update(rebuild_requested_at=now)
    if claimed:
        transaction.on_commit(rollups_rebuild_task.enqueue)
    return True
