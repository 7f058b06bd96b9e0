"""Targets (chỉ tiêu giao): a unit's own target for a school year, and its allocation to the
children (ADR 0005). Values are read with the shared parser within the column's digits; a rate
(unit "%") is at most 100."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from namhoc.accounts.access import access_unit
from namhoc.core.audit import audit_record
from namhoc.core.errors import Conflict, DomainError, NotFound
from namhoc.core.formats import format_number
from namhoc.core.parsing import (
    clean_text,
    decimal_bounds,
    parse_decimal,
    parse_school_year,
    text_cap,
)
from namhoc.core.types import Actor
from namhoc.indicators.access import access_indicator, allocate_refusal, target_refusal
from namhoc.indicators.models import Indicator, Target
from namhoc.indicators.selectors.figures import latest_denominators
from namhoc.orgunits.models import OrgUnit

__all__ = ["MAX_ALLOCATIONS", "AllocationResult", "target_allocate", "target_set"]

MAX_ALLOCATIONS = 5_000  # children named in one allocation (a province has a few hundred)


def _user(actor: Actor | None) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _unit(actor: Actor | None, unit_key: object) -> OrgUnit:
    if not isinstance(unit_key, str) or not unit_key or len(unit_key) > 40:
        raise NotFound()
    return access_unit(actor, unit_key)


def target_value(indicator: Indicator, raw: object, *, field: str = "value") -> Decimal:
    """A target typed or sent for ``indicator``: a number within the column, a rate ≤ 100."""
    digits, places = decimal_bounds(Target, "value")
    value = parse_decimal(
        raw, field=field, label="Chỉ tiêu", max_digits=digits, places=places, required=True
    )
    assert value is not None
    if indicator.unit_label == "%" and value > 100:
        raise DomainError("invalid_target", "Chỉ tiêu tỷ lệ không quá 100%.", field=field)
    return value


def _source(raw: object) -> str:
    return clean_text(
        raw, field="source", label="Văn bản giao", max_length=text_cap(Target, "source")
    )


def _target_write(
    *,
    actor: Actor | None,
    indicator: Indicator,
    unit: OrgUnit,
    school_year: str,
    value: Decimal,
    source: str,
    allocated_from: Target | None,
    existing: Target | None,
) -> Target:
    user = _user(actor)
    if existing is None:
        try:
            with transaction.atomic():
                target = Target.objects.create(
                    indicator=indicator,
                    unit=unit,
                    school_year=school_year,
                    value=value,
                    source=source,
                    allocated_from=allocated_from,
                    updated_by=user,
                )
        except IntegrityError as exc:  # someone set it at the same moment
            raise Conflict(
                "stale", f"Chỉ tiêu của {unit.name} vừa được người khác giao; hãy tải lại trang."
            ) from exc
        changes: dict[str, list[Any]] = {"value": [None, str(value)]}
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


def _locked_target(indicator: Indicator, unit: OrgUnit, school_year: str) -> Target | None:
    return (
        Target.objects.select_for_update()
        .filter(indicator=indicator, unit=unit, school_year=school_year)
        .first()
    )


def target_set(
    *,
    actor: Actor | None,
    unit_key: object,
    indicator_code: object,
    school_year: object,
    value: object,
    source: object = "",
) -> Target:
    """Set a unit's own target for a school year (approver there). A target allocated from
    above is changed only by the approver of the parent (or by re-allocating it)."""
    unit = _unit(actor, unit_key)
    indicator = access_indicator(indicator_code)
    existing = Target.objects.filter(
        indicator=indicator, unit=unit, school_year=school_year
    ).first()
    refusal = target_refusal(
        actor, unit, allocated=existing is not None and existing.allocated_from_id is not None
    )
    if refusal is not None:
        raise refusal
    year = parse_school_year(school_year)
    number = target_value(indicator, value)
    text = _source(source)
    with transaction.atomic():
        existing = _locked_target(indicator, unit, year)
        refusal = target_refusal(  # allocated meanwhile?
            actor, unit, allocated=existing is not None and existing.allocated_from_id is not None
        )
        if refusal is not None:
            raise refusal
        return _target_write(
            actor=actor,
            indicator=indicator,
            unit=unit,
            school_year=year,
            value=number,
            source=text,
            allocated_from=existing.allocated_from if existing is not None else None,
            existing=existing,
        )


@dataclass(frozen=True)
class AllocationResult:
    indicator: Indicator
    unit: OrgUnit
    targets: list[Target]
    warning: str = ""
    allocated_from: Target | None = None  # the unit's own target that was allocated


def target_allocate(
    *,
    actor: Actor | None,
    unit_key: object,
    indicator_code: object,
    school_year: object,
    allocations: Mapping[str, object],
) -> AllocationResult:
    """Allocate a unit's target to its current children: ``{child key: value}`` (a blank value
    leaves that child out).

    Additive indicators (totals): the children's targets must add up to the parent's exactly.
    Rates: each child's target stands alone; the result warns when the children's targets,
    weighted by their latest denominators, fall short of the parent's target.
    """
    unit = _unit(actor, unit_key)
    indicator = access_indicator(indicator_code)
    refusal = allocate_refusal(actor, unit)
    if refusal is not None:
        raise refusal
    year = parse_school_year(school_year)
    given = {
        str(key): raw
        for key, raw in allocations.items()
        if not (raw is None or (isinstance(raw, str) and not raw.strip()))
    }
    if not given:
        raise DomainError(
            "no_allocation", "Hãy nhập chỉ tiêu cho ít nhất một đơn vị.", field="allocations"
        )
    if len(given) > MAX_ALLOCATIONS:
        raise DomainError(
            "too_many_units",
            f"Mỗi lần phân bổ tối đa {MAX_ALLOCATIONS} đơn vị.",
            field="allocations",
        )
    children = {
        child.key: child
        for child in OrgUnit.objects.filter(parent=unit, valid_to__isnull=True, key__in=list(given))
    }
    unknown = sorted(key for key in given if key not in children)
    if unknown:
        shown = ", ".join(key[:40] for key in unknown[:5])
        more = f" và {len(unknown) - 5} mã khác" if len(unknown) > 5 else ""
        raise DomainError(
            "not_a_child",
            f"Không phải đơn vị trực thuộc đang hoạt động của {unit.name}: {shown}{more}.",
            field="allocations",
        )
    values: dict[str, Decimal] = {}
    for key, raw in given.items():
        try:
            values[key] = target_value(indicator, raw, field=key)
        except DomainError as exc:  # say whose figure is wrong
            raise DomainError(
                exc.code, f"{children[key].name}: {exc.message}", field=f"c-{key}"
            ) from exc
    with transaction.atomic():
        parent_target = _locked_target(indicator, unit, year)
        if parent_target is None:
            raise DomainError(
                "no_parent_target",
                f"{unit.name} chưa có chỉ tiêu “{indicator.name}” năm học {year}.",
            )
        warning = _check_allocation(indicator, unit, parent_target, children, values)
        current = {
            t.unit_id: t
            for t in Target.objects.select_for_update().filter(
                indicator=indicator, school_year=year, unit__in=list(children.values())
            )
        }
        targets = [
            _target_write(
                actor=actor,
                indicator=indicator,
                unit=children[key],
                school_year=year,
                value=value,
                source=parent_target.source,
                allocated_from=parent_target,
                existing=current.get(children[key].pk),
            )
            for key, value in values.items()
        ]
    return AllocationResult(
        indicator=indicator,
        unit=unit,
        targets=targets,
        warning=warning,
        allocated_from=parent_target,
    )


def _check_allocation(
    indicator: Indicator,
    unit: OrgUnit,
    parent_target: Target,
    children: Mapping[str, OrgUnit],
    values: Mapping[str, Decimal],
) -> str:
    """Refuse a total that does not add up; the warning for rates that fall short (or "")."""
    if indicator.is_additive:
        total = sum(values.values(), Decimal(0))
        if total != parent_target.value:
            raise DomainError(
                "allocation_sum",
                f"Tổng chỉ tiêu phân bổ ({format_number(total)}) phải bằng chỉ tiêu của "
                f"{unit.name} ({format_number(parent_target.value)}).",
            )
        return ""
    by_id = {children[key].pk: value for key, value in values.items()}
    weights = latest_denominators(indicator, list(by_id))
    weight_sum = sum((weights.get(pk, Decimal(0)) for pk in by_id), Decimal(0))
    if weight_sum <= 0:
        return ""
    implied = (
        sum((by_id[pk] * weights.get(pk, Decimal(0)) for pk in by_id), Decimal(0)) / weight_sum
    )
    short = (
        implied < parent_target.value
        if indicator.direction == Indicator.Direction.HIGHER
        else implied > parent_target.value
    )
    if not short:
        return ""
    return (
        "Chỉ tiêu các đơn vị, tính theo quy mô "
        f"({format_number(implied, 2)}), chưa đạt "
        f"chỉ tiêu của {unit.name} ({format_number(parent_target.value)})."
    )
