"""Reads for the people pages and the users API: what a unit admin sees of the people they
manage, with the ``can_*`` answers their buttons need (from ``accounts.access``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from namhoc.accounts.access import (
    access_membership,
    access_user,
    admin_refusal,
    administers_anywhere,
    can_disable,
    can_manage_user,
    can_revoke,
    grantable_roles,
    users_administered,
)
from namhoc.accounts.models import Membership, Role, User
from namhoc.core.collation import collate_vi
from namhoc.core.errors import DomainError
from namhoc.core.parsing import clean_text
from namhoc.core.types import Actor

__all__ = [
    "SEARCH_MAX",
    "UserPage",
    "has_admin_scope",
    "membership_for_admin",
    "require_admin_scope",
    "user_for_admin",
    "user_page",
    "users_for_admin",
    "users_with_email",
]

SEARCH_MAX = 100  # characters in the people search box


def has_admin_scope(viewer: Actor | None) -> bool:
    """Whether ``viewer`` manages people somewhere (the menu shows "Người dùng", "Nhật ký")."""
    return administers_anywhere(viewer)


def require_admin_scope(viewer: Actor | None) -> None:
    """Forbidden unless ``viewer`` manages people somewhere."""
    refusal = admin_refusal(viewer)
    if refusal is not None:
        raise refusal


def _raise(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def _with_memberships(users: QuerySet[User]) -> QuerySet[User]:
    return users.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("unit").order_by("unit__path", "role"),
        )
    )


def users_for_admin(viewer: Actor | None, *, search: object = "") -> QuerySet[User]:
    """The people ``viewer`` manages (403 for someone who manages nobody), matching ``search``
    in name, user name or e-mail, with their roles and units loaded, in Vietnamese name order."""
    _raise(admin_refusal(viewer))
    text = clean_text(search, field="q", label="Từ khóa tìm kiếm", max_length=SEARCH_MAX)
    users = users_administered(viewer)
    if text:
        users = users.filter(
            Q(username__icontains=text) | Q(full_name__icontains=text) | Q(email__icontains=text)
        )
    return _with_memberships(users).order_by(collate_vi("full_name"), "username", "pk")


def user_for_admin(viewer: Actor | None, user_id: object) -> User:
    """One user ``viewer`` manages, with their roles loaded; NotFound otherwise."""
    user = access_user(viewer, user_id)
    return _with_memberships(User.objects.filter(pk=user.pk)).get()


@dataclass(frozen=True)
class UserPage:
    subject: User
    memberships: list[tuple[Membership, bool]]  # each role, and whether the viewer may revoke it
    roles: list[Role]  # the roles the viewer may grant (at some unit of their scope)
    can_manage: bool  # change the name, e-mail, password; enable
    can_disable: bool
    is_self: bool


def user_page(viewer: Actor | None, user_id: object) -> UserPage:
    """A user's page as ``viewer`` sees it (NotFound when ``viewer`` does not manage them)."""
    subject = user_for_admin(viewer, user_id)
    memberships = list(subject.memberships.all())
    return UserPage(
        subject=subject,
        memberships=[(m, can_revoke(viewer, m)) for m in memberships],
        roles=grantable_roles(viewer, None),
        can_manage=can_manage_user(viewer, subject),
        can_disable=can_disable(viewer, subject),
        is_self=viewer is not None and viewer.pk == subject.pk,
    )


def membership_for_admin(viewer: Actor | None, membership_id: object) -> Membership:
    """A role at a unit ``viewer`` administers; NotFound otherwise."""
    return access_membership(viewer, membership_id)


def users_with_email(email: str) -> list[User]:
    """The active people an e-mail address belongs to (for "Quên mật khẩu"), including those who
    have not set a password yet: the e-mailed link is how a new account gets its first one."""
    address = email.strip()
    if not address or len(address) > 254:
        return []
    return [
        user
        for user in User.objects.filter(email__iexact=address, is_active=True)
        if user.email.casefold() == address.casefold()
    ]
