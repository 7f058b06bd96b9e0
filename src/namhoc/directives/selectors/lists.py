"""The directive list (filters, search without diacritics) and the upper directives a draft
may name."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from namhoc.accounts.access import access_unit
from namhoc.core.text import fold
from namhoc.core.types import Actor
from namhoc.directives.access import (
    visible_directives,
)
from namhoc.directives.models import Directive
from namhoc.ingest.citations import number_key
from namhoc.orgunits.tree import ancestor_paths

__all__ = ["directive_list", "upper_candidates"]


def directive_list(
    viewer: Actor | None,
    *,
    unit_key: str = "",
    school_year: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet[Directive]:
    """The directives ``viewer`` may read, newest school year first; ``unit_key`` names a unit
    they see (404 otherwise) whose own directives only are listed."""
    queryset = visible_directives(viewer)
    if unit_key:
        queryset = queryset.filter(unit=access_unit(viewer, unit_key[:40]))
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


def upper_candidates(viewer: Actor | None, directive: Directive) -> QuerySet[Directive]:
    """Published directives issued above ``directive``'s unit, visible to ``viewer``; those whose
    number the directive cites first."""
    above = ancestor_paths(directive.unit.path)
    # numbers as the reader matches them: spacing and "&" aside ("PGD&ĐT" is "PGDĐT")
    cited = {number_key(n) for n in directive.citations.values_list("number", flat=True)}
    queryset = (
        visible_directives(viewer)
        .filter(unit__path__in=above, status=Directive.Status.PUBLISHED)
        .select_related("unit")
        .order_by("-school_year", "unit__path", "-issued_on")
    )
    if not cited:
        return queryset
    rows = list(queryset)
    rows.sort(key=lambda d: number_key(d.number) not in cited)
    ids = [d.pk for d in rows]
    from django.db.models import Case, IntegerField, Value, When

    order = Case(
        *[When(pk=pk, then=Value(index)) for index, pk in enumerate(ids)],
        output_field=IntegerField(),
    )
    return queryset.filter(pk__in=ids).order_by(order)
