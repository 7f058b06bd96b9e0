"""What the directive use cases share: field lists, locks, optimistic versions, the acting user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from namhoc.accounts.models import User
from namhoc.core.audit import snapshot
from namhoc.core.errors import DomainError, NotFound, StaleEdit
from namhoc.core.parsing import parse_id, parse_int
from namhoc.core.text import fold
from namhoc.core.types import Actor
from namhoc.directives.access import access_directive, edit_refusal
from namhoc.directives.models import Directive, DirectiveTask

__all__ = [
    "CITATION_FIELDS",
    "HEADER_FIELDS",
    "TARGET_FIELDS",
    "TASK_FIELDS",
    "check_version",
    "directive_changed",
    "draft_for",
    "in_directive",
    "locked_directive",
    "locked_task",
    "parse_version",
    "refuse",
    "still_draft",
    "user_of",
]

HEADER_FIELDS = (
    "doc_type",
    "number",
    "unnumbered",
    "issuer",
    "issued_on",
    "place",
    "title",
    "school_year",
    "theme",
)
TASK_FIELDS = ("label", "title", "text")
CITATION_FIELDS = ("number", "doc_type", "issued_on", "raw")
TARGET_FIELDS = ("value", "unit_label", "sentence", "task")


def user_of(actor: Actor | None) -> User | None:
    """The signed-in person behind ``actor`` (None for namhoc itself: tasks, CLI, demo)."""
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    return None


def refuse(refusal: DomainError | None) -> None:
    """Raise an access predicate's refusal, if there is one."""
    if refusal is not None:
        raise refusal


def parse_version(raw: object) -> int:
    """The version a form or a client read (optimistic locking)."""
    version = parse_int(raw, field="version", label="Phiên bản", minimum=1, required=True)
    assert version is not None
    return version


def locked_directive(pk: int) -> Directive:
    """The directive's row, locked until the transaction ends: every change to a directive or
    its parts takes this lock first, so edits, publishing and revising see one state."""
    return (
        Directive.objects.select_for_update(of=("self",))
        .select_related("unit", "created_by")
        .get(pk=pk)
    )


def locked_task(pk: int) -> DirectiveTask:
    return (
        DirectiveTask.objects.select_for_update(of=("self",))
        .select_related("directive__unit", "updated_by")
        .get(pk=pk)
    )


def check_version(obj: Any, expected: int, fields: Iterable[str], *, what: str = "") -> None:
    """StaleEdit (409, with what the other person saved) unless ``obj`` is at ``expected``."""
    if obj.version != expected:
        user = getattr(obj, "updated_by", None) or getattr(obj, "created_by", None)
        raise StaleEdit(
            current=snapshot(obj, fields),
            changed_by=str(user) if user else "",
            changed_at=getattr(obj, "updated_at", None),
            what=what,
        )


def directive_changed(pk: int) -> None:
    """A directive's header or tasks changed: its ``updated_at`` moves on and its search index
    (number, title, issuer, the tasks' titles and texts, folded: "bac lieu" finds "Bạc Liêu")
    is written again."""
    directive = Directive.objects.only("number", "title", "issuer").get(pk=pk)
    parts = [directive.number, directive.title, directive.issuer]
    for title, text in DirectiveTask.objects.filter(directive_id=pk).values_list("title", "text"):
        parts += [title, text]
    Directive.objects.filter(pk=pk).update(
        updated_at=timezone.now(), search_folded=fold(" \n ".join(p for p in parts if p))
    )


# --- drafts ---------------------------------------------------------------------------------


def draft_for(actor: Actor | None, directive_id: object) -> Directive:
    """The draft ``actor`` may correct: NotFound out of scope, Forbidden without the role,
    "frozen" once published."""
    directive = access_directive(actor, directive_id)
    refuse(edit_refusal(actor, directive))
    return directive


def in_directive(directive_id: object, owner_id: int) -> None:
    """A page names the directive in its URL as well: a part of another directive is not found
    there."""
    if directive_id is not None and parse_id(directive_id) != owner_id:
        raise NotFound()


def still_draft(actor: Actor | None, locked: Directive) -> None:
    """Checked again under the lock: someone may have published it meanwhile."""
    refuse(edit_refusal(actor, locked))
