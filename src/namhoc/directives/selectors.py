"""Reads of directives, for one viewer: lists, the pages (review, links, coverage, source,
upload) with the ``can_*`` answers of ``directives.access`` that decide which buttons show, the
review page's source segments, revision differences, coverage."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from namhoc.accounts.access import access_unit, visible_units
from namhoc.accounts.selectors import home_unit
from namhoc.core.clock import today as clock_today
from namhoc.core.collation import vi_sort_key
from namhoc.core.errors import NotFound
from namhoc.core.formats import format_date
from namhoc.core.text import fold
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
    visible_directives,
)
from namhoc.directives.cascade import (
    MATCH_LABELS,
    MATCH_LEVELS,
    MATCH_MEANINGS,
    MatchLevel,
    marked,
    match_level,
    shared_syllables,
)
from namhoc.directives.files import CONTENT_TYPES
from namhoc.directives.models import Directive, DirectiveTask, SourceDocument, TaskLink
from namhoc.directives.reader_notes import ReaderNote, reader_notes
from namhoc.directives.source_text import SourceTextPage, source_outline, source_text_page
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths

__all__ = [
    "Coverage",
    "LinkRow",
    "LinksPage",
    "PublishPage",
    "ReviewPage",
    "Segment",
    "SourcePage",
    "StoredFile",
    "TaskLinks",
    "UploadPage",
    "coverage",
    "coverage_page",
    "date_notices",
    "directive_detail",
    "directive_links",
    "directive_list",
    "directive_rows",
    "directive_with_parts",
    "links_page",
    "publish_page",
    "review_page",
    "revision_diff",
    "source_file",
    "source_page",
    "source_segments",
    "upload_page",
    "upload_units_named",
    "upper_candidates",
]


def directive_list(
    viewer: Actor | None,
    *,
    unit: OrgUnit | None = None,
    school_year: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet[Directive]:
    queryset = visible_directives(viewer)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    if school_year:
        queryset = queryset.filter(school_year=school_year)
    if status:
        queryset = queryset.filter(status=status)
    # The words as typed, without diacritics, in the number, title, issuer or a task's title or
    # text: "bac lieu" finds "Bạc Liêu" (issue 11).
    phrase = fold(search[:200])
    if phrase:
        queryset = queryset.filter(search_folded__contains=phrase)
    return (
        queryset.select_related("unit", "upper")  # not the source: no list shows it (issue 9)
        .defer(*_LIST_DEFERRED)
        .annotate(task_count=Count("tasks", distinct=True))
        .order_by("-school_year", "unit__path", "-issued_on", "-pk")
    )


# What a list never shows: the search index. (Nor the source, not even joined: on SQLite reading
# any column stored after a long text walks the text's overflow pages.)
_LIST_DEFERRED = ("search_folded", "upper__search_folded")


def directive_with_parts(directive: Directive) -> Directive:
    """The directive with tasks (their targets, hints, links), citations, targets loaded."""
    tasks = DirectiveTask.objects.order_by("position").prefetch_related(
        "targets",
        "assignment_hints",
        Prefetch(
            "upper_links",
            queryset=TaskLink.objects.select_related("upper_task").order_by("rank", "pk"),
        ),
    )
    return (
        Directive.objects.select_related("unit", "source", "upper", "previous", "published_by")
        .defer("source__text", "source__extraction")  # the review page reads them by the page
        .prefetch_related(
            Prefetch("tasks", queryset=tasks),
            "citations",
            "targets__task",
            "assignment_hints__task",
        )
        .get(pk=directive.pk)
    )


@dataclass(frozen=True)
class Segment:
    text: str
    task_id: int | None = None
    position: int | None = None


def source_segments(source: SourceDocument, tasks: list[DirectiveTask]) -> list[Segment]:
    """The source's normalized text cut at the tasks' spans, so a page can mark each task's text.

    Tasks without a span (added or rewritten by hand) have no segment; overlapping spans keep
    the first.
    """
    text = source.text
    spans = sorted(
        (t.start, t.end, t.pk, t.position)
        for t in tasks
        if t.start is not None and t.end is not None and 0 <= t.start < t.end <= len(text)
    )
    segments: list[Segment] = []
    cursor = 0
    for start, end, pk, position in spans:
        if start < cursor:
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], task_id=pk, position=position))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


@dataclass
class FieldChange:
    name: str
    label: str
    old: Any
    new: Any


@dataclass
class TaskChange:
    kind: str  # added | removed | changed
    label: str
    title: str
    diff: list[str] = field(default_factory=list)


@dataclass
class RevisionDiff:
    previous: Directive
    fields: list[FieldChange]
    tasks: list[TaskChange]

    @property
    def empty(self) -> bool:
        return not self.fields and not self.tasks


def revision_diff(directive: Directive) -> RevisionDiff | None:
    """What changed from the revision ``directive`` replaces: header fields and tasks."""
    if directive.previous_id is None:
        return None
    previous = Directive.objects.get(pk=directive.previous_id)
    from namhoc.directives.services import HEADER_FIELDS

    fields = [
        FieldChange(
            name=name,
            label=str(getattr(Directive._meta.get_field(name), "verbose_name", name)),
            old=getattr(previous, name),
            new=getattr(directive, name),
        )
        for name in HEADER_FIELDS
        if getattr(previous, name) != getattr(directive, name)
    ]
    old_tasks = {t.pk: t for t in previous.tasks.order_by("position")}
    changes: list[TaskChange] = []
    continued: set[int] = set()
    for task in directive.tasks.order_by("position"):
        origin = old_tasks.get(task.origin_id) if task.origin_id else None
        if origin is None:
            changes.append(TaskChange("added", task.label, task.title))
            continue
        continued.add(origin.pk)
        old_text = f"{origin.label} {origin.title}\n{origin.text}".strip().splitlines()
        new_text = f"{task.label} {task.title}\n{task.text}".strip().splitlines()
        if old_text != new_text:
            lines = [
                line
                for line in difflib.unified_diff(old_text, new_text, lineterm="", n=1)
                if not line.startswith(("---", "+++"))
            ]
            changes.append(TaskChange("changed", task.label, task.title, lines))
    changes.extend(
        TaskChange("removed", task.label, task.title)
        for pk, task in old_tasks.items()
        if pk not in continued
    )
    return RevisionDiff(previous=previous, fields=fields, tasks=changes)


def upper_candidates(viewer: Actor | None, directive: Directive) -> QuerySet[Directive]:
    """Published directives issued above ``directive``'s unit, visible to ``viewer``; those whose
    number the directive cites first."""
    above = ancestor_paths(directive.unit.path)
    cited = set(directive.citations.values_list("number", flat=True))
    queryset = (
        visible_directives(viewer)
        .filter(unit__path__in=above, status=Directive.Status.PUBLISHED)
        .select_related("unit")
        .order_by("-school_year", "unit__path", "-issued_on")
    )
    if not cited:
        return queryset
    rows = list(queryset)
    rows.sort(key=lambda d: d.number not in cited)
    ids = [d.pk for d in rows]
    from django.db.models import Case, IntegerField, Value, When

    order = Case(
        *[When(pk=pk, then=Value(index)) for index, pk in enumerate(ids)],
        output_field=IntegerField(),
    )
    return queryset.filter(pk__in=ids).order_by(order)


@dataclass
class UnitCoverage:
    unit: OrgUnit
    directives: list[Directive]
    covered: set[int]  # upper task ids

    @property
    def has_published(self) -> bool:
        return bool(self.directives)


@dataclass
class Coverage:
    upper: Directive
    upper_tasks: list[DirectiveTask]
    units: list[UnitCoverage]

    @property
    def uncovered_task_ids(self) -> set[int]:
        """Upper tasks no subordinate directive covers."""
        covered: set[int] = set()
        for row in self.units:
            covered |= row.covered
        return {t.pk for t in self.upper_tasks} - covered

    @property
    def silent_units(self) -> list[OrgUnit]:
        """Subordinate units that have published nothing implementing the upper directive."""
        return [row.unit for row in self.units if not row.has_published]


def coverage(upper: Directive, *, within: QuerySet[OrgUnit] | None = None) -> Coverage:
    """Per unit directly below the issuer: its published directives implementing ``upper``
    (anywhere in its subtree), and the upper tasks their confirmed links cover. Four queries."""
    upper_tasks = list(upper.tasks.order_by("position"))
    units_qs = OrgUnit.objects.filter(parent_id=upper.unit_id, valid_to__isnull=True)
    if within is not None:
        units_qs = units_qs.filter(pk__in=within.values("pk"))
    units = list(units_qs.order_by("path"))
    lowers = list(
        Directive.objects.filter(upper=upper, status=Directive.Status.PUBLISHED)
        .select_related("unit")
        .order_by("unit__path", "pk")
    )
    links = TaskLink.objects.filter(
        task__directive__in=lowers, status=TaskLink.Status.CONFIRMED
    ).values_list("task__directive_id", "upper_task_id")
    covered_by_directive: dict[int, set[int]] = defaultdict(set)
    for directive_id, upper_task_id in links:
        covered_by_directive[directive_id].add(upper_task_id)
    rows = []
    for unit in units:
        mine = [d for d in lowers if d.unit.path.startswith(unit.path)]
        covered: set[int] = set()
        for d in mine:
            covered |= covered_by_directive[d.pk]
        rows.append(UnitCoverage(unit=unit, directives=mine, covered=covered))
    return Coverage(upper=upper, upper_tasks=upper_tasks, units=rows)


# --- pages ------------------------------------------------------------------------------------


def directive_rows(
    viewer: Actor | None,
    *,
    unit_key: str = "",
    school_year: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet[Directive]:
    """:func:`directive_list` with its unit named by key (a unit the viewer sees, else 404)."""
    unit = access_unit(viewer, unit_key[:40]) if unit_key else None
    return directive_list(viewer, unit=unit, school_year=school_year, status=status, search=search)


def directive_detail(viewer: Actor | None, directive_id: object) -> Directive:
    """One directive the viewer may read, with its parts (the API's detail)."""
    return directive_with_parts(access_directive(viewer, directive_id))


# --- upload, sources ------------------------------------------------------------------------


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


# --- review ---------------------------------------------------------------------------------


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
        notices=date_notices(directive),
        task_count=directive.tasks.count(),
    )


# --- cascade --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRow:
    link: TaskLink
    level: MatchLevel
    label: str  # "Rất khớp", "Có thể khớp", "Ít khớp"
    upper_title: list[tuple[str, bool]]  # the upper task's title, shared words marked
    shared: list[str]  # the words both tasks use, in Vietnamese order


@dataclass(frozen=True)
class TaskLinks:
    task: DirectiveTask
    title: list[tuple[str, bool]]  # the task's title, words shared with a proposal marked
    rows: list[LinkRow]


@dataclass(frozen=True)
class LinksPage:
    directive: Directive  # with its tasks and their links loaded
    upper: Directive | None  # with its tasks loaded
    upper_choices: list[Directive]
    can_link: bool
    tasks: list[TaskLinks]
    levels: list[tuple[str, str, str]]  # (level, label, what it means)
    undecided: dict[MatchLevel, int]  # proposals awaiting a decision, per level


def links_page(viewer: Actor | None, directive_id: object) -> LinksPage:
    directive = directive_with_parts(access_directive(viewer, directive_id))
    upper = directive_with_parts(directive.upper) if directive.upper else None
    linkable = can_link(viewer, directive)
    tasks: list[TaskLinks] = []
    undecided = dict.fromkeys(MATCH_LEVELS, 0)
    for task in directive.tasks.all():
        text = f"{task.title}\n{task.text}"
        rows = []
        everything_shared: set[str] = set()
        for link in task.upper_links.all():
            upper_task = link.upper_task
            shared = shared_syllables(text, f"{upper_task.title}\n{upper_task.text}")
            everything_shared |= shared
            level = match_level(rank=link.rank, score=link.score)
            if link.status == TaskLink.Status.SUGGESTED:
                undecided[level] += 1
            rows.append(
                LinkRow(
                    link=link,
                    level=level,
                    label=MATCH_LABELS[level],
                    upper_title=marked(upper_task.title, shared),
                    shared=sorted(shared, key=vi_sort_key)[:12],
                )
            )
        tasks.append(TaskLinks(task=task, title=marked(task.title, everything_shared), rows=rows))
    return LinksPage(
        directive=directive,
        upper=upper,
        upper_choices=list(upper_candidates(viewer, directive)) if linkable else [],
        can_link=linkable,
        tasks=tasks,
        levels=[(level, MATCH_LABELS[level], MATCH_MEANINGS[level]) for level in MATCH_LEVELS],
        undecided=undecided,
    )


def directive_links(viewer: Actor | None, directive_id: object) -> QuerySet[TaskLink]:
    """The task links of a directive the viewer may read, in task order."""
    directive = access_directive(viewer, directive_id)
    return TaskLink.objects.filter(task__directive=directive).order_by(
        "task__position", "rank", "pk"
    )


def coverage_page(viewer: Actor | None, directive_id: object) -> Coverage:
    """Who below the issuer implements the directive, as far as the viewer sees."""
    directive = access_directive(viewer, directive_id)
    return coverage(directive, within=visible_units(viewer))
