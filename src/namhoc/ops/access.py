"""Who may export or erase a person's data (ADR 0010). Each rule is a ``*_refusal`` (why not)
with a ``can_*`` predicate over it; the use cases in ``ops.privacy`` raise the refusal, the page
selector hands the predicate to the template (ADR 0007).

- Export: the person themself; or whoever may change that person's account (a unit admin of
  every unit where the person holds a role — ``accounts.access.manage_user_refusal``).
- Erase: the same admins, never for themselves, only once the account is disabled (the person
  has left), and only once.
"""

from __future__ import annotations

from namhoc.accounts.access import access_user, manage_user_refusal
from namhoc.accounts.models import User
from namhoc.core.errors import Conflict, DomainError, NotFound
from namhoc.core.parsing import parse_id
from namhoc.core.types import Actor

ERASED_PREFIX = "da-xoa-"


def erased_username(user_id: int) -> str:
    return f"{ERASED_PREFIX}{user_id}"


def is_erased(user: User) -> bool:
    return user.username == erased_username(user.pk)


def pseudonym(user_id: int) -> str:
    """What the audit trail and the records show instead of an erased person's name."""
    return f"Người dùng đã xóa #{user_id}"


def _signed_in(actor: Actor | None) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and getattr(actor, "is_active", False)
    )


def access_person(actor: Actor | None, user_id: object) -> User:
    """The person ``user_id`` if ``actor`` is that person or administers them (NotFound else)."""
    pk = parse_id(user_id)
    if pk is not None and _signed_in(actor) and actor is not None and actor.pk == pk:
        user = User.objects.filter(pk=pk).first()
        if user is not None:
            return user
        raise NotFound()
    return access_user(actor, user_id)


def export_refusal(actor: Actor | None, person: User) -> DomainError | None:
    if actor is not None and actor.pk is not None and actor.pk == person.pk:
        return None
    return manage_user_refusal(actor, person)


def can_export(actor: Actor | None, person: User) -> bool:
    return export_refusal(actor, person) is None


def erase_refusal(actor: Actor | None, person: User) -> DomainError | None:
    if actor is not None and actor.pk is not None and actor.pk == person.pk:
        return DomainError(
            "self_erase",
            "Bạn không thể tự xóa dữ liệu của mình; hãy đề nghị quản trị đơn vị thực hiện.",
        )
    refusal = manage_user_refusal(actor, person)
    if refusal is not None:
        return refusal
    if is_erased(person):
        return Conflict("already_erased", "Dữ liệu cá nhân của người dùng này đã được xóa.")
    if person.is_active:
        return Conflict(
            "still_active",
            "Chỉ xóa dữ liệu cá nhân của người đã nghỉ: hãy khóa tài khoản trước, rồi xóa.",
        )
    return None


def can_erase(actor: Actor | None, person: User) -> bool:
    return erase_refusal(actor, person) is None
