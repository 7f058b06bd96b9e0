"""Reads for the reports pages and API: drafts and templates a viewer may see, what each page
offers (units, years, upper documents, the placeholders of a template), and stored files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.utils import timezone

from namhoc.accounts.access import access_unit, visible_units
from namhoc.accounts.selectors import home_unit
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.parsing import parse_school_year
from namhoc.core.text import fold
from namhoc.core.types import Actor
from namhoc.directives.files import CONTENT_TYPES
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths, subtree_q
from namhoc.reporting import data
from namhoc.reporting.access import (
    access_draft,
    access_template,
    can_draft,
    can_manage_template,
    drafting_units,
    drafts_visible_to,
    templates_visible_to,
)
from namhoc.reporting.drafting.context import PLACEHOLDERS
from namhoc.reporting.models import ReportDraft, ReportKind, ReportTemplate
from namhoc.reporting.xlsx import XLSX_CONTENT_TYPE

__all__ = [
    "STALE_AFTER",
    "DraftPage",
    "ReportsPage",
    "StoredFile",
    "TemplatesPage",
    "chosen_units",
    "draft_file",
    "draft_page",
    "drafts_for",
    "is_stale",
    "reports_page",
    "template_file",
    "template_for",
    "templates_page",
]

STALE_AFTER = dt.timedelta(minutes=15)  # a draft "running" longer than this has stopped


def template_for(unit: OrgUnit, kind: str) -> ReportTemplate | None:
    """The template in use for ``unit``'s documents of ``kind``: its own, else the nearest
    unit's above it; None: the built-in layout."""
    return (
        ReportTemplate.objects.filter(
            kind=kind,
            retired_at__isnull=True,
            unit__path__in=[*ancestor_paths(unit.path), unit.path],
        )
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )


def is_stale(draft: ReportDraft, now: dt.datetime | None = None) -> bool:
    """A draft left "running" by a worker that stopped (or still queued long after)."""
    now = now or timezone.now()
    moment = draft.started_at or draft.requested_at
    return not draft.is_finished and moment < now - STALE_AFTER


def drafts_for(
    viewer: Actor | None, *, unit_key: str = "", kind: str = "", school_year: str = ""
) -> QuerySet[ReportDraft]:
    """Drafts ``viewer`` may see (of ``unit_key``'s subtree, of a kind, of a year), newest
    first; every version is listed."""
    rows = drafts_visible_to(viewer)
    if unit_key:
        unit = access_unit(viewer, unit_key)
        rows = rows.filter(subtree_q(unit.path, field="unit__path"))
    if kind in ReportKind.values:
        rows = rows.filter(kind=kind)
    if school_year:
        rows = rows.filter(school_year=parse_school_year(school_year, required=False))
    return rows.select_related("unit", "directive", "requested_by").order_by("-requested_at", "-pk")


@dataclass(frozen=True)
class ReportsPage:
    can_draft: bool
    unit: OrgUnit | None  # the unit the form starts on
    years: list[str]
    year: str
    upper_directives: list[tuple[int, str]]
    drafts: QuerySet[ReportDraft]


def reports_page(
    viewer: Actor | None, *, unit_key: str = "", school_year: str = "", kind: str = ""
) -> ReportsPage:
    years = data.school_years(viewer)
    try:
        year = parse_school_year(school_year, required=False) or years[0]
    except DomainError:  # a bad year typed in the form: the use case says so; show the default
        year = years[0]
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    unit = access_unit(viewer, unit_key) if unit_key else home_unit(viewer)
    return ReportsPage(
        can_draft=drafting_units(viewer).exists(),
        unit=unit,
        years=years,
        year=year,
        upper_directives=data.upper_directives(viewer, year),
        drafts=drafts_for(viewer, unit_key=unit_key, kind=kind),
    )


@dataclass(frozen=True)
class DraftPage:
    draft: ReportDraft
    versions: list[ReportDraft]  # the same series (unit, kind, year or directive), newest first
    can_draft: bool
    stale: bool


def draft_page(viewer: Actor | None, draft_id: int) -> DraftPage:
    draft = access_draft(viewer, draft_id)
    series = drafts_visible_to(viewer).filter(unit_id=draft.unit_id, kind=draft.kind)
    series = (
        series.filter(directive_id=draft.directive_id)
        if draft.directive_id
        else series.filter(school_year=draft.school_year, directive__isnull=True)
    )
    return DraftPage(
        draft=draft,
        versions=list(series.select_related("requested_by").order_by("-version")),
        can_draft=can_draft(viewer, draft.unit),
        stale=is_stale(draft),
    )


@dataclass(frozen=True)
class TemplateRow:
    template: ReportTemplate
    can_manage: bool


@dataclass(frozen=True)
class TemplatesPage:
    can_upload: bool
    rows: list[TemplateRow]  # in use first, then retired; by unit
    placeholders: dict[str, list[tuple[str, str]]]


def templates_page(viewer: Actor | None) -> TemplatesPage:
    templates = list(
        templates_visible_to(viewer)
        .select_related("unit", "uploaded_by", "retired_by")
        .order_by(F("retired_at").asc(nulls_first=True), "unit__path", "kind", "-uploaded_at")
    )
    return TemplatesPage(
        can_upload=drafting_units(viewer).exists(),
        rows=[TemplateRow(t, t.in_use and can_manage_template(viewer, t.unit)) for t in templates],
        placeholders={kind: list(PLACEHOLDERS[kind]) for kind in ReportKind.values},
    )


@dataclass(frozen=True)
class StoredFile:
    name: str  # in the default storage
    filename: str  # offered to the browser
    content_type: str


def _stem(draft: ReportDraft) -> str:
    kind = {
        ReportKind.YEAR_END: "bao-cao-tong-ket",
        ReportKind.SEMESTER: "bao-cao-so-ket-hk1",
        ReportKind.PLAN: "ke-hoach",
    }[ReportKind(draft.kind)]
    unit = "-".join("".join(c if c.isalnum() else " " for c in fold(draft.unit.name)).split())
    return f"{kind}-{draft.school_year}-{unit[:60]}-ban-{draft.version}"


def draft_file(viewer: Actor | None, draft_id: int, *, annex: bool = False) -> StoredFile:
    """The .docx (or its Excel annex) of a finished draft ``viewer`` may see."""
    draft = access_draft(viewer, draft_id)
    name = (draft.annex if annex else draft.file).name
    if draft.status != ReportDraft.Status.DONE or not name:
        raise NotFound("Dự thảo này chưa có tệp (chưa soạn xong hoặc không soạn được).")
    if annex:
        return StoredFile(name, f"{_stem(draft)}-phu-luc.xlsx", XLSX_CONTENT_TYPE)
    return StoredFile(name, f"{_stem(draft)}.docx", CONTENT_TYPES["docx"])


def template_file(viewer: Actor | None, template_id: int) -> StoredFile:
    template = access_template(viewer, template_id)
    return StoredFile(template.file.name or "", template.original_name, CONTENT_TYPES["docx"])


def chosen_units(viewer: Actor | None, keys: list[str]) -> list[OrgUnit]:
    """The units ``viewer`` sees among ``keys`` (a picker's ticked unit, kept on a re-render)."""
    wanted = [k for k in dict.fromkeys(keys) if isinstance(k, str) and 0 < len(k) <= 40][:50]
    found = {
        u.key: u for u in visible_units(viewer).filter(key__in=wanted).select_related("parent")
    }
    return [found[k] for k in wanted if k in found]
