"""What the upload, source, review and publish pages read, for one viewer, with the ``can_*``
answers of ``directives.access`` that decide which buttons show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from namhoc.accounts.selectors import home_unit
from namhoc.core.clock import today as clock_today
from namhoc.core.errors import NotFound
from namhoc.core.formats import format_date
from namhoc.core.types import Actor
from namhoc.directives.access import (
    access_directive,
    access_source,
    can_edit,
    can_link,
    can_publish,
    can_retry,
    can_revise,
    publish_refusal,
    upload_units,
)
from namhoc.directives.files import CONTENT_TYPES
from namhoc.directives.models import Directive, DirectiveTask, SourceDocument
from namhoc.directives.reader_notes import ReaderNote, reader_notes
from namhoc.directives.selectors.lists import upper_candidates
from namhoc.directives.selectors.parts import RevisionDiff, directive_with_parts, revision_diff
from namhoc.directives.source_text import SourceTextPage, source_outline, source_text_page
from namhoc.ingest.citations import number_key
from namhoc.legal.selectors import entries_for, superseded_notices
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "PublishPage",
    "ReviewPage",
    "SourcePage",
    "StoredFile",
    "UploadPage",
    "date_notices",
    "publish_page",
    "review_page",
    "source_file",
    "source_page",
    "upload_page",
    "upload_units_named",
]


@dataclass(frozen=True)
class UploadPage:
    default_unit: OrgUnit | None  # pre-ticked in the picker: the person's home unit, if allowed


def upload_page(viewer: Actor | None) -> UploadPage:
    """The upload page exists for people who may upload for some unit (404 otherwise)."""
    units = upload_units(viewer)
    if not units.exists():
        raise NotFound()
    home = home_unit(viewer)
    default = home if home is not None and units.filter(pk=home.pk).exists() else None
    if default is None:
        default = units.order_by("path").first()
    return UploadPage(default_unit=default)


def upload_units_named(viewer: Actor | None, keys: list[str]) -> list[OrgUnit]:
    """The units among ``keys`` the viewer may upload for (the picker's ticked units, kept when
    the page shows again)."""
    wanted = [k for k in keys if isinstance(k, str) and 0 < len(k) <= 40][:50]
    return list(upload_units(viewer).filter(key__in=wanted).select_related("parent"))


@dataclass(frozen=True)
class SourcePage:
    source: SourceDocument
    directive: Directive | None  # the first directive read from it
    can_retry: bool


def source_page(viewer: Actor | None, source_id: object) -> SourcePage:
    source = access_source(viewer, source_id)
    directive = source.directives.order_by("revision").first()
    return SourcePage(source=source, directive=directive, can_retry=can_retry(viewer, source))


@dataclass(frozen=True)
class StoredFile:
    name: str  # in the default storage
    filename: str  # offered to the browser
    content_type: str


def source_file(viewer: Actor | None, source_id: object) -> StoredFile:
    """The original file of a source the viewer may read."""
    source = access_source(viewer, source_id)
    return StoredFile(
        name=source.file.name or "",
        filename=source.filename,
        content_type=CONTENT_TYPES.get(source.format, "application/octet-stream"),
    )


@dataclass(frozen=True)
class ReviewPage:
    directive: Directive  # with its parts loaded (directive_with_parts)
    tasks: list[DirectiveTask]
    segments: list[Any]
    outline: list[Any]
    warnings: list[ReaderNote]  # the reader's, in Vietnamese, one per kind with a count
    notices: list[str]  # dates worth a second look (in the future, outside the school year)
    problems: list[str]  # what the draft lacks before it can be published
    difference: RevisionDiff | None
    upper_choices: list[Directive]
    next_revision: Directive | None
    can_edit: bool  # correct the draft (header, tasks, citations, targets)
    can_publish: bool
    can_revise: bool
    can_link: bool  # name the upper directive, decide links
    in_force: bool  # published: its tasks can be given to units
    text: SourceTextPage | None = None  # the page of the source text shown (issue 9)
    # cited documents the legal registry says are replaced or expired (issue 17); each citation
    # carries ``legal_entry``, its registry entry or None, for the link to the registry
    legal_notices: list[str] = field(default_factory=list)

    @property
    def source(self) -> SourceDocument:
        return self.directive.source


def date_notices(directive: Directive, *, today: dt.date | None = None) -> list[str]:
    """Dates accepted as typed that deserve a word: a directive or a cited document dated after
    today, a directive dated outside the school year it is for."""
    today = today or clock_today()
    notices = []
    issued = directive.issued_on
    if issued is not None and issued > today:
        notices.append(
            f"Ngày ban hành {format_date(issued)} là ngày trong tương lai; hãy kiểm tra lại."
        )
    year = directive.school_year
    if issued is not None and len(year) == 9:
        first, second = int(year[:4]), int(year[5:])
        if not first - 1 <= issued.year <= second:
            notices.append(
                f"Ngày ban hành {format_date(issued)} không thuộc năm học {year} "
                f"(từ năm {first - 1} đến năm {second}); hãy kiểm tra ngày hoặc năm học."
            )
    for citation in directive.citations.all():
        if citation.issued_on is not None and citation.issued_on > today:
            notices.append(
                f"Văn bản được dẫn {citation.number} ghi ngày {format_date(citation.issued_on)}, "
                "là ngày trong tương lai; hãy kiểm tra lại."
            )
    return notices


def review_page(
    viewer: Actor | None, directive_id: object, *, text_page: object = None
) -> ReviewPage:
    """``text_page``: which page of the source text to show (``?trang_vb=``; issue 9: the text
    is read a page at a time, and only the outline and warnings of the reader's result)."""
    from namhoc.directives.services.publishing import publish_problems

    directive = directive_with_parts(access_directive(viewer, directive_id))
    tasks = list(directive.tasks.all())
    text = source_text_page(directive.source_id, tasks, text_page)
    for task in tasks:  # the link from the task list to its text, on whichever page it is
        task.source_href = text.href(task.pk)  # type: ignore[attr-defined]
    outline, warnings = source_outline(directive.source_id)
    citations = list(directive.citations.all())
    entries = entries_for(c.number for c in citations)
    for citation in citations:  # the link from a citation to its registry entry (issue 17)
        citation.legal_entry = entries.get(number_key(citation.number))  # type: ignore[attr-defined]
    linkable = can_link(viewer, directive)
    publishable = can_publish(viewer, directive)
    return ReviewPage(
        directive=directive,
        tasks=tasks,
        segments=text.segments,
        text=text,
        outline=outline,
        warnings=reader_notes(warnings),
        notices=date_notices(directive),
        problems=publish_problems(directive) if publishable else [],
        difference=revision_diff(directive),
        upper_choices=list(upper_candidates(viewer, directive)) if linkable else [],
        next_revision=Directive.objects.filter(previous=directive).first(),
        can_edit=can_edit(viewer, directive),
        can_publish=publishable,
        can_revise=can_revise(viewer, directive),
        can_link=linkable,
        in_force=directive.status == Directive.Status.PUBLISHED,
        legal_notices=superseded_notices((c.number for c in citations), found=entries),
    )


@dataclass(frozen=True)
class PublishPage:
    """The confirmation asked before publishing (it cannot be undone; a change is a revision)."""

    directive: Directive
    problems: list[str]  # empty: ready
    notices: list[str]
    task_count: int


def publish_page(viewer: Actor | None, directive_id: object) -> PublishPage:
    """For people who may publish the draft (403/404 otherwise; 400 once it is published)."""
    from namhoc.directives.services.publishing import publish_problems

    directive = access_directive(viewer, directive_id)
    refusal = publish_refusal(viewer, directive)
    if refusal is not None:
        raise refusal
    return PublishPage(
        directive=directive,
        problems=publish_problems(directive),
        notices=date_notices(directive)
        + superseded_notices(directive.citations.values_list("number", flat=True)),
        task_count=directive.tasks.count(),
    )
