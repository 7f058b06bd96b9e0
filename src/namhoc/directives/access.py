"""Who may see and change directives — the one place these rules are written (ADR 0007).

- A directive belongs to its issuing unit: people with a role there (or above) see it, drafts
  included, and with ``specialist`` there correct, publish, revise it and link it to the upper
  directive.
- A *published* directive is also readable by the people of every unit below its issuer: a
  province's directive is addressed to its communes and schools, who implement it. They see it,
  they may not change it (403, not 404).
- Except a directive addressed to one unit (``Directive.addressed_to``: an inspection's
  conclusion, ADR 0011): below its issuer, only the people of that unit and of the units above
  it read it — as they read the inspection — not a sibling, not a unit below it.
- A source file is readable where a directive made from it is readable, or in its own unit.
- Everything else is out of scope: NotFound, never a hint that it exists.

Each action has a ``*_refusal`` function answering *why not* (a :class:`DomainError`, or None)
and a ``can_*`` predicate built on it. Use cases raise the refusal; page selectors hand the
predicate's answer to the template, which shows the button only then.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from namhoc.accounts.access import (
    has_role,
    is_staff_superuser,
    member_paths,
    require_role,
    scope_queryset,
    visible_units,
)
from namhoc.accounts.models import Role
from namhoc.core.errors import DomainError, Forbidden, NotFound
from namhoc.core.parsing import parse_id
from namhoc.core.types import Actor
from namhoc.directives.models import (
    Citation,
    Directive,
    DirectiveTask,
    SourceDocument,
    Target,
)
from namhoc.orgunits.models import OrgUnit
from namhoc.orgunits.tree import ancestor_paths, subtree_q

__all__ = [
    "access_citation",
    "access_directive",
    "access_source",
    "access_target",
    "access_task",
    "can_change",
    "can_edit",
    "can_link",
    "can_publish",
    "can_retry",
    "can_revise",
    "can_upload",
    "change_refusal",
    "edit_refusal",
    "link_refusal",
    "publish_refusal",
    "retry_refusal",
    "revise_refusal",
    "upload_refusal",
    "upload_units",
    "visible_directives",
]


# --- what a viewer sees ---------------------------------------------------------------------


def visible_directives(viewer: Actor | None) -> QuerySet[Directive]:
    """Directives ``viewer`` may read: any in scope, plus published ones issued above them —
    those addressed to one unit only when that unit is in ``viewer``'s scope."""
    queryset = Directive.objects.all()
    if is_staff_superuser(viewer):
        return queryset
    own = scope_queryset(viewer, queryset, unit_field="unit")
    paths = member_paths(viewer)
    above = sorted({prefix for path in paths for prefix in ancestor_paths(path)})
    if not above:
        return own
    addressee_in_scope = Q(addressed_to__isnull=True)
    for path in paths:
        addressee_in_scope |= subtree_q(path, field="addressed_to__path")
    return queryset.filter(
        Q(pk__in=own.values("pk"))
        | (
            Q(
                unit__path__in=above,
                status__in=[Directive.Status.PUBLISHED, Directive.Status.SUPERSEDED],
            )
            & addressee_in_scope
        )
    )


def upload_units(actor: Actor | None) -> QuerySet[OrgUnit]:
    """The units ``actor`` may issue documents for: current units (no pre-2025 district) where
    they are a specialist. A queryset, never cut; the upload page picks from it by name."""
    return (
        visible_units(actor, role=Role.SPECIALIST)
        .filter(valid_to__isnull=True)
        .exclude(kind=OrgUnit.Kind.DISTRICT)
    )


# --- loading objects in scope ---------------------------------------------------------------


# The stored text and the reader's result of a source: loaded only where a page shows them.
_SOURCE_BODY = ("source__text", "source__extraction")


def _id(raw: object) -> int:
    """An id as sent (path, form, JSON); anything that is not one is simply not found."""
    value = parse_id(raw)
    if value is None:
        raise NotFound()
    return value


def access_directive(
    actor: Actor | None,
    directive_id: object,
    *,
    need: Role | None = None,
    for_update: bool = False,
) -> Directive:
    """The directive if ``actor`` may read it (NotFound otherwise), with its unit, source and
    upper directive loaded; ``for_update`` locks its row (inside a transaction).

    ``need`` (kept for callers outside this app) also requires that role at the issuing unit:
    Forbidden for a reader from below the issuer. Use cases of this app check the action's
    refusal instead."""
    pk = _id(directive_id)
    queryset = visible_directives(actor)
    if for_update:
        queryset = Directive.objects.select_for_update(of=("self",)).filter(
            pk__in=queryset.filter(pk=pk).values("pk")
        )
    directive = (
        queryset.select_related("unit", "source", "upper")
        .defer(*_SOURCE_BODY)
        .filter(pk=pk)
        .first()
    )
    if directive is None:
        raise NotFound()
    if need is not None and need != Role.VIEWER:
        _require_at(actor, directive.unit, need)
    return directive


def _require_at(actor: Actor | None, unit: OrgUnit, need: Role) -> None:
    try:
        require_role(actor, unit, need)
    except NotFound:
        # Visible (published, issued above the user) but no role there: may read, not change.
        raise Forbidden() from None


def access_task(actor: Actor | None, task_id: object, *, need: Role | None = None) -> DirectiveTask:
    """A task of a directive ``actor`` may read, with its directive and issuer loaded."""
    task = (
        DirectiveTask.objects.filter(pk=_id(task_id), directive__in=visible_directives(actor))
        .select_related("directive__unit", "directive__source", "updated_by")
        .defer("directive__source__text", "directive__source__extraction")
        .first()
    )
    if task is None:
        raise NotFound()
    if need is not None and need != Role.VIEWER:
        _require_at(actor, task.directive.unit, need)
    return task


def access_citation(actor: Actor | None, citation_id: object) -> Citation:
    citation = (
        Citation.objects.filter(pk=_id(citation_id), directive__in=visible_directives(actor))
        .select_related("directive__unit")
        .first()
    )
    if citation is None:
        raise NotFound()
    return citation


def access_target(actor: Actor | None, target_id: object) -> Target:
    target = (
        Target.objects.filter(pk=_id(target_id), directive__in=visible_directives(actor))
        .select_related("directive__unit", "task")
        .first()
    )
    if target is None:
        raise NotFound()
    return target


def access_source(
    actor: Actor | None, source_id: object, *, need: Role | None = None
) -> SourceDocument:
    """A source file: readable where a directive made from it is readable, or in its unit."""
    pk = _id(source_id)
    own = scope_queryset(actor, SourceDocument.objects.all(), unit_field="unit")
    via = SourceDocument.objects.filter(directives__in=visible_directives(actor))
    source = (
        SourceDocument.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=via.values("pk")))
        .filter(pk=pk)
        .select_related("unit")
        .defer("text", "extraction")
        .first()
    )
    if source is None:
        raise NotFound()
    if need is not None and need != Role.VIEWER:
        _require_at(actor, source.unit, need)
    return source


# --- what an actor may do -------------------------------------------------------------------


def change_refusal(actor: Actor | None, directive: Directive) -> DomainError | None:
    """Why ``actor`` may not change ``directive`` at all (a directive they can see), or None:
    only specialists of the issuing unit (or above it) change a unit's directives."""
    if not has_role(actor, directive.unit, Role.SPECIALIST):
        return Forbidden(
            f"Chỉ chuyên viên của {directive.unit.name} mới thay đổi được văn bản này."
        )
    return None


def can_change(actor: Actor | None, directive: Directive) -> bool:
    return change_refusal(actor, directive) is None


def edit_refusal(actor: Actor | None, directive: Directive) -> DomainError | None:
    """Why ``actor`` may not correct ``directive`` (header, tasks, citations, targets): a
    published directive is frozen; a change to it is a new revision."""
    refusal = change_refusal(actor, directive)
    if refusal is not None:
        return refusal
    if directive.status != Directive.Status.DRAFT:
        return DomainError("frozen", "Văn bản đã ban hành không sửa được; hãy tạo bản sửa đổi.")
    return None


def can_edit(actor: Actor | None, directive: Directive) -> bool:
    return edit_refusal(actor, directive) is None


def publish_refusal(actor: Actor | None, directive: Directive) -> DomainError | None:
    """Why ``actor`` may not publish ``directive``: the same people, a draft. (What the draft
    still lacks is checked by the use case and listed on the confirmation page.)"""
    return edit_refusal(actor, directive)


def can_publish(actor: Actor | None, directive: Directive) -> bool:
    return publish_refusal(actor, directive) is None


def revise_refusal(actor: Actor | None, directive: Directive) -> DomainError | None:
    refusal = change_refusal(actor, directive)
    if refusal is not None:
        return refusal
    if directive.status != Directive.Status.PUBLISHED:
        return DomainError("not_published", "Chỉ tạo bản sửa đổi cho văn bản đã ban hành.")
    return None


def can_revise(actor: Actor | None, directive: Directive) -> bool:
    return revise_refusal(actor, directive) is None


def link_refusal(actor: Actor | None, directive: Directive) -> DomainError | None:
    """Why ``actor`` may not name the upper directive of ``directive`` or decide its task links:
    the issuer's specialists, on a draft or a published directive (links are not part of the
    frozen text); a superseded one is linked through its revision."""
    refusal = change_refusal(actor, directive)
    if refusal is not None:
        return refusal
    if directive.status == Directive.Status.SUPERSEDED:
        return DomainError(
            "superseded",
            "Văn bản này đã được thay bằng bản sửa đổi; hãy liên kết ở bản đang có hiệu lực.",
        )
    return None


def can_link(actor: Actor | None, directive: Directive) -> bool:
    return link_refusal(actor, directive) is None


def retry_refusal(actor: Actor | None, source: SourceDocument) -> DomainError | None:
    """Why ``actor`` may not ask for ``source`` to be read again: specialists of its unit, and
    only a read that failed."""
    if not has_role(actor, source.unit, Role.SPECIALIST):
        return Forbidden(f"Chỉ chuyên viên của {source.unit.name} mới đọc lại được tệp này.")
    if source.status != SourceDocument.Status.FAILED:
        return DomainError("not_failed", "Chỉ đọc lại được tệp đã đọc lỗi.")
    return None


def can_retry(actor: Actor | None, source: SourceDocument) -> bool:
    return retry_refusal(actor, source) is None


def upload_refusal(actor: Actor | None, unit: OrgUnit) -> DomainError | None:
    """Why ``actor`` may not upload a document issued by ``unit`` (a unit they can see)."""
    if not has_role(actor, unit, Role.SPECIALIST):
        return Forbidden(f"Chỉ chuyên viên của {unit.name} mới tải lên văn bản của đơn vị này.")
    if unit.valid_to is not None or unit.kind == OrgUnit.Kind.DISTRICT:
        return DomainError(
            "unit_dissolved",
            f"{unit.name} không còn hoạt động; hãy chọn đơn vị hiện nay.",
            field="unit",
        )
    return None


def can_upload(actor: Actor | None) -> bool:
    """Whether ``actor`` may upload for at least one unit (the list's button, the page)."""
    return upload_units(actor).exists()
