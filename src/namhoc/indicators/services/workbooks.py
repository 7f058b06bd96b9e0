"""The Excel round trip as use cases: download a prefilled template, import a filled one.

The workbook format — writing the template, reading an upload bounded by the template's own
columns and rows, listing every wrong cell — is :mod:`namhoc.indicators.excel`; these check who
may do it (``indicators.access``) and hand it the objects loaded in the actor's scope. Each row
of an import is written by ``values.values_write`` inside the import's one transaction: the same
checks as the page and the API, all rows or none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from namhoc.core.errors import DomainError
from namhoc.core.types import Actor
from namhoc.indicators import excel
from namhoc.indicators.access import access_figures, import_refusal
from namhoc.indicators.selectors.figures import lock_of
from namhoc.indicators.snapshot import catalogue

__all__ = ["Download", "values_import", "values_template"]


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: bytes


def values_template(
    *, actor: Actor | None, unit_key: object, period_code: object, data_set_code: object
) -> Download:
    """A template of the data set for the period, prefilled: the unit's own form, or one row for
    every reporting unit under it that ``actor`` sees."""
    known = catalogue()
    scope = access_figures(
        actor,
        unit_key=unit_key,
        period_code=period_code,
        data_set_code=data_set_code,
        catalogue=known,
    )
    units = excel.template_units(actor, scope.unit, scope.data_set)
    if not units:
        raise DomainError(
            "no_units", f"Không có đơn vị nào thuộc {scope.unit.name} báo cáo biểu này."
        )
    content = excel.template_build(
        unit=scope.unit,
        data_set=scope.data_set,
        period=scope.period,
        units=units,
        members=known.members_of(scope.data_set),
    )
    return Download(
        filename=f"{scope.data_set.code}_{scope.period.code}_{scope.unit.key}.xlsx",
        content_type=excel.XLSX_CONTENT_TYPE,
        content=content,
    )


def values_import(
    *,
    actor: Actor | None,
    unit_key: object,
    period_code: object,
    data_set_code: object,
    content: bytes,
) -> excel.ImportResult:
    """Import a filled template into the unit's subtree, all or nothing: a result with every
    wrong cell (nothing saved), or the counts of what was saved. A file that cannot be read at
    all raises ``excel.ImportRefused`` (400)."""
    scope = access_figures(
        actor, unit_key=unit_key, period_code=period_code, data_set_code=data_set_code
    )
    refusal = import_refusal(actor, scope, lock=lock_of(scope.unit, scope.data_set, scope.period))
    if refusal is not None:
        raise refusal
    return excel.workbook_import(
        actor=actor,
        unit=scope.unit,
        data_set=scope.data_set,
        period=scope.period,
        content=content,
        max_bytes=settings.UPLOAD_MAX_BYTES,
    )
