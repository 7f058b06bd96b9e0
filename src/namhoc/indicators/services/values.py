"""Entering figures: one use case for the page, the API and (row by row) the Excel import.

``values_save`` takes the acting user and the raw request (unit key, period and data set codes,
the figures as typed), loads the unit through ``indicators.access`` (out of scope → 404), checks
the action's refusal (role, a unit that reports this data set in this period), reads every figure
with the shared parser within its column, and writes all of it or nothing in one transaction:
the approval chain's rows are held first (``locking``), then the lock is read, the data set's
rules are checked on the state after the save, versions are compared, every change moves the
roll-ups of the units the figure counts toward, and each change is audited beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from namhoc.core.audit import AuditEntry, audit_record_many
from namhoc.core.errors import Conflict, DomainError
from namhoc.core.formats import format_number
from namhoc.core.parsing import parse_int
from namhoc.core.types import Actor
from namhoc.indicators.access import Scope, access_figures, enter_refusal, locked_error
from namhoc.indicators.locking import hold_for_figures
from namhoc.indicators.models import DataElement, DataValue, Period, ValidationRule
from namhoc.indicators.rollup import apply_deltas, rollup_targets
from namhoc.indicators.selectors.figures import lock_of, unit_figures
from namhoc.indicators.snapshot import CatalogueSnapshot, catalogue
from namhoc.indicators.validation import InvalidValue, check_rules, parse_value
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "ConfirmDeletes",
    "InvalidValues",
    "SaveResult",
    "StaleValues",
    "Unset",
    "value_set",
    "values_save",
    "values_write",
]

MAX_VALUES = 500  # figures in one request; a data set has a few dozen


def _user(actor: Actor | None) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


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


class ConfirmDeletes(DomainError):
    """Boxes left empty would delete saved figures, and the person has not said that is meant
    (the page asks; the API and the Excel import say so by sending an empty value)."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(
            "confirm_delete",
            f"Bạn đã xóa trắng {len(errors)} ô có số liệu đã lưu; lưu lại sẽ xóa các số liệu "
            "này. Hãy nhập lại số, hoặc bấm “Lưu và xóa số liệu đã lưu” để xác nhận.",
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
    deleted_codes: list[str] = field(default_factory=list)
    # What ``values_save`` loaded through ``access_figures`` for this actor, and the catalogue
    # snapshot it read: the page shown after the save reads them instead of loading the unit,
    # period and data set again and checking the catalogue a second time.
    scope: Scope | None = None
    catalogue: CatalogueSnapshot | None = None

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def _versions(raw: Mapping[str, object] | None) -> dict[str, int | None] | None:
    """The versions a caller saw, read with the shared parser: a blank is "the figure did not
    exist"; anything else must be a whole number (``"²"`` is refused with a message)."""
    if raw is None:
        return None
    versions: dict[str, int | None] = {}
    for code, value in raw.items():
        versions[code] = parse_int(
            value, field=code, label="Phiên bản số liệu", minimum=0, maximum=2**31 - 1
        )
    return versions


def values_save(
    *,
    actor: Actor | None,
    unit_key: object,
    period_code: object,
    data_set_code: object,
    values: Mapping[str, object],
    versions: Mapping[str, object] | None = None,
    confirm_deletes: bool = True,
) -> SaveResult:
    """Save the figures typed for a unit in a data set for a period, all or nothing.

    ``values`` maps element codes to what was typed (a blank removes the figure — refused with
    :class:`ConfirmDeletes` unless ``confirm_deletes``); ``versions`` maps them to the version
    the user saw (blank: the figure did not exist), for the fields whose version the caller
    knows — a figure changed since raises :class:`StaleValues` (409) and saves nothing.
    """
    known = catalogue()
    scope = access_figures(
        actor,
        unit_key=unit_key,
        period_code=period_code,
        data_set_code=data_set_code,
        catalogue=known,
    )
    refusal = enter_refusal(actor, scope)
    if refusal is not None:
        raise refusal
    seen = _versions(versions)
    with transaction.atomic():
        result = values_write(
            actor=actor,
            scope=scope,
            values=values,
            versions=seen,
            confirm_deletes=confirm_deletes,
            catalogue=known,
        )
    result.scope, result.catalogue = scope, known
    return result


def value_set(
    *,
    actor: Actor | None,
    unit_key: object,
    period_code: object,
    data_set_code: object,
    element_code: str,
    value: object,
    version: object = Unset,
) -> SaveResult:
    """One figure (API, bench): ``values_save`` with a single field."""
    return values_save(
        actor=actor,
        unit_key=unit_key,
        period_code=period_code,
        data_set_code=data_set_code,
        values={element_code: value},
        versions=None if version is Unset else {element_code: version},
    )


def values_write(
    *,
    actor: Actor | None,
    scope: Scope,
    values: Mapping[str, object],
    versions: Mapping[str, int | None] | None = None,
    confirm_deletes: bool = True,
    catalogue: CatalogueSnapshot,
) -> SaveResult:
    """The write itself, for a unit already loaded through ``access`` — ``values_save`` and the
    Excel import (one call per row, all rows in the import's transaction) use it. Checks the
    refusal again, so no caller can skip it. Must run inside ``transaction.atomic()``.
    ``catalogue``: the snapshot the caller read (``indicators.snapshot``): members and rules."""
    refusal = enter_refusal(actor, scope)
    if refusal is not None:
        raise refusal
    unit, data_set, period = scope.unit, scope.data_set, scope.period
    members, rules = catalogue.members_of(data_set), catalogue.rules_of(data_set)
    elements = {m.element.code: m.element for m in members}
    if len(values) > MAX_VALUES:
        raise DomainError("too_many_values", f"Tối đa {MAX_VALUES} số liệu mỗi lần lưu.")
    unknown = sorted(code for code in values if code not in elements)
    if unknown:
        shown = ", ".join(str(code)[:40] for code in unknown[:5])
        more = f" và {len(unknown) - 5} mã khác" if len(unknown) > 5 else ""
        raise DomainError(
            "unknown_element", f"Biểu không có chỉ số: {shown}{more}.", field=str(unknown[0])[:40]
        )
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Decimal | None] = {}
    for code, raw in values.items():
        try:
            parsed[code] = parse_value(elements[code], raw)
        except InvalidValue as exc:
            errors.setdefault(code, []).append(str(exc))
    targets = rollup_targets(unit)  # creates the unit's edges on first use (locked next)
    hold_for_figures(unit)
    lock = lock_of(unit, data_set, period, element_ids=[elements[c].pk for c in values])
    if lock is not None:
        raise locked_error(lock)
    by_id = {element.pk: code for code, element in elements.items()}
    # The unit's figures of this data set, held until commit: the versions compared below are
    # the ones the batched writes then replace (on SQLite the transaction already runs alone).
    current = {
        by_id[element_id]: row
        for element_id, row in unit_figures(unit, period, by_id, for_update=True).items()
    }
    _check_state(rules, current, parsed, errors)
    _check_versions(current, parsed, versions)
    if not confirm_deletes:
        _check_deletes(current, parsed)
    result = SaveResult(versions={code: row.version for code, row in current.items()})
    changes = {
        code: value
        for code, value in parsed.items()
        if (None if current.get(code) is None else current[code].value) != value
    }
    if changes:
        _write_changes(
            actor=actor,
            unit=unit,
            period=period,
            elements=elements,
            current=current,
            changes=changes,
            targets=targets,
            result=result,
        )
    return result


def _check_state(
    rules: list[ValidationRule],
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
    for failure in check_rules(rules, state):
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


def _check_deletes(current: Mapping[str, DataValue], parsed: Mapping[str, Decimal | None]) -> None:
    gone = {
        code: [
            f"Ô để trống: số liệu đã lưu ({format_number(current[code].value)}) sẽ bị xóa khi lưu."
        ]
        for code, value in parsed.items()
        if value is None and code in current
    }
    if gone:
        raise ConfirmDeletes(gone)


# One UPDATE for every changed figure, each row only at the version read: written out rather
# than built with ``Case``/``Q``/``F`` — composing those cost a third of a save's CPU (issue 15).
# ``updated_at`` is set here (``auto_now`` acts only on ``save()``); the table name comes from
# the model's metadata, every value is a parameter.
_UPDATE_SQL = """
UPDATE {table}
SET value = (CASE id {whens} END), version = version + 1, updated_by_id = %s, updated_at = %s
WHERE {same_version}
"""


def _update_values(rows: list[tuple[int, int, Decimal]], *, user_id: int | None) -> int:
    """Set each ``(pk, version, value)`` row whose version is still the one read; how many."""
    sql = _UPDATE_SQL.format(
        table=DataValue._meta.db_table,
        whens=" ".join(["WHEN %s THEN CAST(%s AS NUMERIC)"] * len(rows)),
        same_version=" OR ".join(["(id = %s AND version = %s)"] * len(rows)),
    )
    params: list[Any] = []
    for pk, _, value in rows:
        params += [pk, value]
    params += [user_id, connection.ops.adapt_datetimefield_value(timezone.now())]
    for pk, version, _ in rows:
        params += [pk, version]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _write_changes(
    *,
    actor: Actor | None,
    unit: OrgUnit,
    period: Period,
    elements: Mapping[str, DataElement],
    current: Mapping[str, DataValue],
    changes: Mapping[str, Decimal | None],
    targets: list[int],
    result: SaveResult,
) -> None:
    """Write every changed figure of one unit and period: one INSERT for the new figures, one
    UPDATE for the changed ones, one DELETE for the removed ones, one UPDATE of the roll-ups
    (``apply_deltas``) and one INSERT of the audit rows — one audit row per figure, as before.
    Each UPDATE and DELETE still checks the version read (held) above."""
    user = _user(actor)
    created = {code: v for code, v in changes.items() if code not in current and v is not None}
    updated = {code: v for code, v in changes.items() if code in current and v is not None}
    deleted = [code for code, v in changes.items() if code in current and v is None]
    deltas: dict[int, tuple[Decimal, int]] = {}
    audit: list[AuditEntry] = []
    note = f" · {period.code}"
    if created:
        rows = [
            DataValue(
                unit=unit, element=elements[code], period=period, value=value, updated_by=user
            )
            for code, value in created.items()
        ]
        try:
            with transaction.atomic():
                DataValue.objects.bulk_create(rows)
        except IntegrityError as exc:
            raise StaleValues(
                {code: ["Vừa được người khác nhập; hãy tải lại biểu."] for code in created}
            ) from exc
        for code, row in zip(created, rows, strict=True):
            deltas[elements[code].pk] = (row.value, 1)
            result.created += 1
            result.versions[code] = row.version
            audit.append(
                AuditEntry(
                    "indicators.value_create", row, {"value": [None, str(row.value)]},
                    unit.pk, code + note,
                )
            )  # fmt: skip
    if updated:
        moved = _update_values(
            [(current[code].pk, current[code].version, value) for code, value in updated.items()],
            user_id=user.pk if user is not None else None,
        )
        if moved != len(updated):
            raise StaleValues(
                {code: ["Vừa được người khác sửa; hãy tải lại biểu."] for code in updated}
            )
        for code, value in updated.items():
            row = current[code]
            deltas[elements[code].pk] = (value - row.value, 0)
            result.updated += 1
            result.versions[code] = row.version + 1
            row_changes = {
                "value": [str(row.value), str(value)],
                "version": [row.version, row.version + 1],
            }
            audit.append(
                AuditEntry("indicators.value_update", row, row_changes, unit.pk, code + note)
            )
    if deleted:
        same_version = Q(pk__in=[])
        for code in deleted:
            same_version |= Q(pk=current[code].pk, version=current[code].version)
        gone, _ = DataValue.objects.filter(same_version).delete()
        if gone != len(deleted):
            raise StaleValues(
                {code: ["Vừa được người khác sửa; hãy tải lại biểu."] for code in deleted}
            )
        for code in deleted:
            row = current[code]
            deltas[elements[code].pk] = (-row.value, -1)
            result.deleted += 1
            result.deleted_codes.append(code)
            result.versions.pop(code, None)
            audit.append(
                AuditEntry(
                    "indicators.value_delete", row, {"value": [str(row.value), None]},
                    unit.pk, code + note,
                )
            )  # fmt: skip
    audit_record_many(actor=actor, entries=audit)
    # Last: the roll-up rows of the commune, the province and the Ministry are shared by every
    # writer below them and stay held until commit, so they are taken when nothing else is left
    # to do (issue 15: under a rush, every save in a province waits for these rows).
    apply_deltas(targets=targets, period_id=period.pk, deltas=deltas)
