"""Writes to users and memberships. Atomic, audited, refusing with Vietnamese messages.

The rules for unit admins (ADR 0004):

- A unit admin acts in the subtree of the units where they hold ``unit_admin``.
- They create users and grant roles only at units of that subtree, and only roles they hold at
  that unit or above (``viewer`` always: every role reads).
- They may change or disable a user only when all of that user's memberships lie in their
  subtree (a user who also works elsewhere is not theirs alone to change).
- A user keeps at least one membership: to take all access away, disable the user.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from namhoc.accounts.access import access_unit, roles_at, visible_units
from namhoc.accounts.models import Membership, Role, User
from namhoc.accounts.sessions import user_sessions_end
from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import DomainError, Forbidden, NotFound
from namhoc.orgunits.models import OrgUnit

# What the audit log keeps of a user: never the password hash.
USER_AUDIT_FIELDS = ("username", "full_name", "email", "is_active")
MEMBERSHIP_AUDIT_FIELDS = ("user", "unit", "role")


def _home_unit_id(user: User) -> int | None:
    """The unit a user's audit rows are filed under: their first membership's."""
    return (
        Membership.objects.filter(user=user)
        .order_by("id")
        .values_list("unit_id", flat=True)
        .first()
    )


def _require_grant(actor: Any, unit: OrgUnit, role: Role) -> None:
    """``actor`` may give ``role`` at ``unit``: unit admin there, and holds the role there."""
    access_unit(actor, unit, need=Role.UNIT_ADMIN)
    if role != Role.VIEWER and role not in roles_at(actor, unit):
        raise Forbidden(
            "Bạn chỉ có thể cấp vai trò mà chính bạn đang giữ tại đơn vị này hoặc đơn vị cấp trên."
        )


def user_is_visible_to_admin(actor: Any, user: User) -> bool:
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    admin_units = visible_units(actor, role=Role.UNIT_ADMIN)
    return Membership.objects.filter(user=user, unit__in=admin_units).exists()


def _require_manage_user(actor: Any, user: User) -> None:
    """NotFound if ``user`` is out of the actor's admin scope; Forbidden if only partly in it."""
    if not user_is_visible_to_admin(actor, user):
        raise NotFound()
    if getattr(actor, "is_superuser", False):
        return
    if user.is_superuser:
        raise Forbidden("Chỉ quản trị hệ thống mới thay đổi được tài khoản quản trị hệ thống.")
    admin_units = visible_units(actor, role=Role.UNIT_ADMIN)
    if Membership.objects.filter(user=user).exclude(unit__in=admin_units).exists():
        raise Forbidden(
            "Người dùng này còn có vai trò ở đơn vị ngoài phạm vi quản trị của bạn; "
            "hãy nhờ quản trị cấp trên thực hiện."
        )


def _clean_identity(*, full_name: str, email: str) -> tuple[str, str]:
    full_name = " ".join(full_name.split())
    email = email.strip().lower()
    if len(full_name) > 200:
        raise DomainError("invalid", "Họ và tên dài quá 200 ký tự.", field="full_name")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                "invalid", "Địa chỉ thư điện tử không hợp lệ.", field="email"
            ) from None
    return full_name, email


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("weak_password", " ".join(exc.messages), field="password") from None


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    email: str = "",
    password: str | None = None,
    unit: OrgUnit,
    role: Role,
) -> User:
    """Create a user with one role at ``unit``. Without a password the account cannot sign in
    until one is set."""
    role = Role(role)
    _require_grant(actor, unit, role)
    username = username.strip()
    if not username:
        raise DomainError("required", "Vui lòng nhập tên đăng nhập.", field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise DomainError(
            "invalid",
            "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không có dấu cách).",
            field="username",
        ) from None
    if len(username) > 150:
        raise DomainError("invalid", "Tên đăng nhập dài quá 150 ký tự.", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("username_taken", "Tên đăng nhập này đã có người dùng.", field="username")
    full_name, email = _clean_identity(full_name=full_name, email=email)
    user = User(username=username, full_name=full_name, email=email, is_active=True)
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        changes=diff({}, snapshot(user, USER_AUDIT_FIELDS)),
        unit_id=unit.pk,
    )
    audit_record(
        actor=actor,
        action="membership.grant",
        target=membership,
        changes=diff({}, snapshot(membership, MEMBERSHIP_AUDIT_FIELDS)),
        unit_id=unit.pk,
    )
    return user


@transaction.atomic
def user_update(
    *, actor: Any, user: User, full_name: str | None = None, email: str | None = None
) -> User:
    """Change a user's name or e-mail address (None leaves it as it is)."""
    _require_manage_user(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, USER_AUDIT_FIELDS)
    new_name, new_email = _clean_identity(
        full_name=user.full_name if full_name is None else full_name,
        email=user.email if email is None else email,
    )
    user.full_name, user.email = new_name, new_email
    changes = diff(before, snapshot(user, USER_AUDIT_FIELDS))
    if changes:
        user.save(update_fields=["full_name", "email"])
        audit_record(
            actor=actor,
            action="user.update",
            target=user,
            changes=changes,
            unit_id=_home_unit_id(user),
        )
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> None:
    """Set a new password for ``user`` (a unit admin resetting it); ends the user's sessions."""
    _require_manage_user(actor, user)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    user_sessions_end(user=user)
    audit_record(
        actor=actor,
        action="user.set_password",
        target=user,
        changes={"password": ["***", "***"]},
        unit_id=_home_unit_id(user),
    )


def _set_active(*, actor: Any, user: User, active: bool) -> User:
    _require_manage_user(actor, user)
    if not active and getattr(actor, "pk", None) == user.pk:
        raise DomainError("self_disable", "Bạn không thể tự khóa tài khoản của mình.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.enable" if active else "user.disable",
        target=user,
        changes={"is_active": [not active, active]},
        unit_id=_home_unit_id(user),
    )
    return user


@transaction.atomic
def user_disable(*, actor: Any, user: User) -> User:
    """Disable ``user``: they can no longer sign in, and every session they hold ends now."""
    user = _set_active(actor=actor, user=user, active=False)
    user_sessions_end(user=user)
    return user


@transaction.atomic
def user_enable(*, actor: Any, user: User) -> User:
    return _set_active(actor=actor, user=user, active=True)


@transaction.atomic
def membership_grant(*, actor: Any, user: User, unit: OrgUnit, role: Role) -> Membership:
    """Give ``user`` ``role`` at ``unit``."""
    role = Role(role)
    if not user_is_visible_to_admin(actor, user):
        raise NotFound()
    _require_grant(actor, unit, role)
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise DomainError(
            "membership_exists", "Người dùng đã có vai trò này tại đơn vị này.", field="role"
        )
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    audit_record(
        actor=actor,
        action="membership.grant",
        target=membership,
        changes=diff({}, snapshot(membership, MEMBERSHIP_AUDIT_FIELDS)),
        unit_id=unit.pk,
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    """Take a role back. The user's last membership cannot be revoked: disable the user."""
    unit = membership.unit
    _require_grant(actor, unit, Role(membership.role))
    if not Membership.objects.filter(user_id=membership.user_id).exclude(pk=membership.pk).exists():
        raise DomainError(
            "last_membership",
            "Đây là vai trò cuối cùng của người dùng. Để thu hồi mọi quyền, hãy khóa tài khoản.",
        )
    before = snapshot(membership, MEMBERSHIP_AUDIT_FIELDS)
    audit_record(
        actor=actor,
        action="membership.revoke",
        target=membership,
        changes=diff(before, {}),
        unit_id=unit.pk,
    )
    membership.delete()
