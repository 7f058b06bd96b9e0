"""Who may see and change directives.

- A directive belongs to its issuing unit: people with a role there (or above) see it, drafts
  included, and with ``specialist`` edit, publish, assign.
- A *published* directive is also readable by the people of every unit below its issuer: a
  province's directive is addressed to its communes and schools, who implement it.
- Everything else is out of scope: NotFound, never a hint that it exists.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from namhoc.accounts.access import (
    is_staff_superuser,
    member_paths,
    require_role,
    scope_queryset,
)
from namhoc.accounts.models import Role
from namhoc.core.errors import Forbidden, NotFound
from namhoc.directives.models import Directive, DirectiveTask, SourceDocument
from namhoc.orgunits.tree import ancestor_paths

__all__ = [
    "access_directive",
    "access_source",
    "access_task",
    "visible_directives",
]


def _ancestor_prefixes(user: Any) -> list[str]:
    prefixes: set[str] = set()
    for path in member_paths(user):
        prefixes.update(ancestor_paths(path))
    return sorted(prefixes)


def visible_directives(user: Any) -> QuerySet[Directive]:
    """Directives ``user`` may read: any in scope, plus published ones issued above them."""
    queryset = Directive.objects.all()
    if is_staff_superuser(user):
        return queryset
    own = scope_queryset(user, queryset, unit_field="unit")
    above = _ancestor_prefixes(user)
    if not above:
        return own
    return queryset.filter(
        Q(pk__in=own.values("pk")) | Q(unit__path__in=above, status__in=["published", "superseded"])
    )


def access_directive(
    user: Any, directive_id: int, *, need: Role | None = None, for_update: bool = False
) -> Directive:
    """The directive if ``user`` may read it; with ``need``: that role at the issuing unit.

    Readers from below the issuer hold no role at the issuer's unit, so any ``need`` beyond
    reading answers Forbidden for them (they see it, they may not change it).
    """
    queryset = visible_directives(user).select_related("unit", "source", "upper")
    if for_update:
        queryset = Directive.objects.select_for_update().filter(
            pk__in=queryset.filter(pk=directive_id).values("pk")
        )
    directive = queryset.filter(pk=directive_id).first()
    if directive is None:
        raise NotFound()
    if need is not None and need != Role.VIEWER:
        _require_at(user, directive, need)
    return directive


def _require_at(user: Any, directive: Directive, need: Role) -> None:
    try:
        require_role(user, directive.unit, need)
    except NotFound:
        # Visible (published, issued above the user) but no role there: may read, not change.
        raise Forbidden() from None


def access_task(user: Any, task_id: int, *, need: Role | None = None) -> DirectiveTask:
    task = (
        DirectiveTask.objects.filter(pk=task_id, directive__in=visible_directives(user))
        .select_related("directive__unit", "directive__source")
        .first()
    )
    if task is None:
        raise NotFound()
    if need is not None and need != Role.VIEWER:
        _require_at(user, task.directive, need)
    return task


def access_source(user: Any, source_id: int, *, need: Role | None = None) -> SourceDocument:
    """A source file: readable where a directive made from it is readable, or in its unit."""
    own = scope_queryset(user, SourceDocument.objects.all(), unit_field="unit")
    via = SourceDocument.objects.filter(directives__in=visible_directives(user))
    source = (
        SourceDocument.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=via.values("pk")))
        .filter(pk=source_id)
        .select_related("unit")
        .first()
    )
    if source is None:
        raise NotFound()
    if need is not None and need != Role.VIEWER:
        try:
            require_role(user, source.unit, need)
        except NotFound:
            raise Forbidden() from None
    return source
