"""Use cases on people: create users, change them, disable/enable, grant and revoke roles.

Each function is one user action shared by the pages and the API (ADR 0007): keyword-only, the
acting user first, then the raw input (ids, unit keys, values as typed or sent). It loads the
objects through ``accounts.access`` (out of scope → NotFound), raises the action's refusal from
there, parses every value with ``namhoc.core.parsing`` against the model's own bounds, and writes in
one transaction with the user's row locked and the audit rows beside the change.

The rules (ADR 0004) live in ``accounts.access``: a unit admin acts in the subtrees where they hold
``unit_admin``; they change a user only when all of the user's memberships lie there; a user keeps
at least one membership (disable the user to take all access away).
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from namhoc.accounts.access import (
    access_admin_unit,
    access_membership,
    access_user,
    admin_refusal,
    disable_refusal,
    grant_refusal,
    manage_user_refusal,
    revoke_refusal,
)
from namhoc.accounts.models import Membership, Role, User
from namhoc.accounts.selectors import home_unit
from namhoc.accounts.sessions import user_sessions_end
from namhoc.core.audit import audit_record, diff, snapshot
from namhoc.core.errors import DomainError
from namhoc.core.parsing import clean_text, text_cap
from namhoc.core.types import Actor
from namhoc.orgunits.models import OrgUnit

__all__ = [
    "MEMBERSHIP_AUDIT_FIELDS",
    "PASSWORD_MAX",
    "USER_AUDIT_FIELDS",
    "check_password_text",
    "create_with_role",
    "membership_grant",
    "membership_revoke",
    "parse_role",
    "user_create",
    "user_disable",
    "user_enable",
    "user_set_password",
    "user_update",
]

# What the audit log keeps of a user: never the password hash.
USER_AUDIT_FIELDS = ("username", "full_name", "email", "is_active")
MEMBERSHIP_AUDIT_FIELDS = ("user", "unit", "role")
PASSWORD_MAX = 128  # characters: a pass phrase, not a file


def _audit_unit_id(user: User) -> int | None:
    """The unit a user's audit rows are filed under: their home unit (``selectors.home_unit``,
    the one rule for "a person's unit"), so the admins of that subtree read them."""
    unit = home_unit(user)
    return unit.pk if unit is not None else None


def _raise(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def parse_role(raw: object, *, field: str = "role") -> Role:
    """A role code as sent (``"viewer"``, ``"specialist"``, ``"approver"``, ``"unit_admin"``)."""
    if isinstance(raw, str) and raw in Role.values:
        return Role(raw)
    raise DomainError(
        "bad_role",
        "Vai trò phải là một trong: " + ", ".join(str(label) for label in Role.labels) + ".",
        field=field,
    )


def _username(raw: object) -> str:
    username = clean_text(
        raw,
        field="username",
        label="Tên đăng nhập",
        max_length=text_cap(User, "username"),
        required=True,
    )
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise DomainError(
            "invalid",
            "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không có dấu cách).",
            field="username",
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("username_taken", "Tên đăng nhập này đã có người dùng.", field="username")
    return username


def _full_name(raw: object) -> str:
    return clean_text(
        raw,
        field="full_name",
        label="Họ và tên",
        max_length=text_cap(User, "full_name"),
        required=True,
    )


def _email(raw: object) -> str:
    email = clean_text(
        raw, field="email", label="Thư điện tử", max_length=text_cap(User, "email")
    ).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                "invalid", "Địa chỉ thư điện tử không hợp lệ.", field="email"
            ) from None
    return email


def check_password_text(raw: object, user: User, *, field: str = "password") -> str:
    """A new password for ``user``, checked by the configured validators (their messages in
    Vietnamese: ``accounts/locale``) and capped."""
    if not isinstance(raw, str):
        raise DomainError("invalid", "Mật khẩu phải là chữ.", field=field)
    if len(raw) > PASSWORD_MAX:
        raise DomainError("too_long", f"Mật khẩu dài tối đa {PASSWORD_MAX} ký tự.", field=field)
    try:
        password_validation.validate_password(raw, user)
    except ValidationError as exc:
        raise DomainError("weak_password", " ".join(exc.messages), field=field) from None
    return raw


def user_create(
    *,
    actor: Actor | None,
    username: object,
    full_name: object,
    email: object = "",
    password: object = None,
    unit: object,
    role: object,
) -> User:
    """Create a user with one role at the unit whose key is ``unit``. Without a password the
    account cannot sign in until one is set."""
    _raise(admin_refusal(actor))
    place = access_admin_unit(actor, unit)
    the_role = parse_role(role)
    _raise(grant_refusal(actor, place, the_role))
    user = User(
        username=_username(username),
        full_name=_full_name(full_name),
        email=_email(email),
        is_active=True,
    )
    if password not in (None, ""):
        user.set_password(check_password_text(password, user))
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the same name created a moment ago
                create_with_role(actor=actor, user=user, unit=place, role=the_role)
        except IntegrityError:
            raise DomainError(
                "username_taken", "Tên đăng nhập này đã có người dùng.", field="username"
            ) from None
    return user


def create_with_role(
    *, actor: Actor | None, user: User, unit: OrgUnit, role: Role, note: str = ""
) -> User:
    """Save a new, checked ``user`` (without a password: none usable until they set one) with
    ``role`` at ``unit``, and audit both — inside the caller's transaction (user_create, the
    workbook import)."""
    if not user.password:
        user.set_unusable_password()
    user.save()
    membership = Membership.objects.create(user=user, unit=unit, role=role)
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        changes=diff({}, snapshot(user, USER_AUDIT_FIELDS)),
        unit_id=unit.pk,
        note=note,
    )
    audit_record(
        actor=actor,
        action="membership.grant",
        target=membership,
        changes=diff({}, snapshot(membership, MEMBERSHIP_AUDIT_FIELDS)),
        unit_id=unit.pk,
        note=note,
    )
    return user


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def user_update(
    *, actor: Actor | None, user_id: object, full_name: object = None, email: object = None
) -> User:
    """Change a user's name or e-mail address (None leaves it as it is)."""
    subject = access_user(actor, user_id)
    _raise(manage_user_refusal(actor, subject))
    new_name = None if full_name is None else _full_name(full_name)
    new_email = None if email is None else _email(email)
    with transaction.atomic():
        subject = _locked(subject)
        before = snapshot(subject, USER_AUDIT_FIELDS)
        if new_name is not None:
            subject.full_name = new_name
        if new_email is not None:
            subject.email = new_email
        changes = diff(before, snapshot(subject, USER_AUDIT_FIELDS))
        if changes:
            subject.save(update_fields=["full_name", "email"])
            audit_record(
                actor=actor,
                action="user.update",
                target=subject,
                changes=changes,
                unit_id=_audit_unit_id(subject),
            )
    return subject


def user_set_password(*, actor: Actor | None, user_id: object, password: object) -> User:
    """Set a new password for a user (a unit admin resetting it); ends the user's sessions."""
    subject = access_user(actor, user_id)
    _raise(manage_user_refusal(actor, subject))
    secret = check_password_text(password, subject)
    with transaction.atomic():
        subject = _locked(subject)
        subject.set_password(secret)
        subject.save(update_fields=["password"])
        user_sessions_end(user=subject)
        audit_record(
            actor=actor,
            action="user.set_password",
            target=subject,
            changes={"password": ["***", "***"]},
            unit_id=_audit_unit_id(subject),
        )
    return subject


def _set_active(*, actor: Actor | None, subject: User, active: bool) -> User:
    with transaction.atomic():
        subject = _locked(subject)
        if subject.is_active == active:
            return subject
        subject.is_active = active
        subject.save(update_fields=["is_active"])
        if not active:
            user_sessions_end(user=subject)
        audit_record(
            actor=actor,
            action="user.enable" if active else "user.disable",
            target=subject,
            changes={"is_active": [not active, active]},
            unit_id=_audit_unit_id(subject),
        )
    return subject


def user_disable(*, actor: Actor | None, user_id: object) -> User:
    """Disable a user: they can no longer sign in, and every session they hold ends now."""
    subject = access_user(actor, user_id)
    _raise(disable_refusal(actor, subject))
    return _set_active(actor=actor, subject=subject, active=False)


def user_enable(*, actor: Actor | None, user_id: object) -> User:
    subject = access_user(actor, user_id)
    _raise(manage_user_refusal(actor, subject))
    return _set_active(actor=actor, subject=subject, active=True)


def membership_grant(
    *, actor: Actor | None, user_id: object, unit: object, role: object
) -> Membership:
    """Give a user a role at the unit whose key is ``unit``."""
    subject = access_user(actor, user_id)
    place = access_admin_unit(actor, unit)
    the_role = parse_role(role)
    _raise(grant_refusal(actor, place, the_role))
    with transaction.atomic():
        _locked(subject)  # one change to a user's roles at a time
        if Membership.objects.filter(user=subject, unit=place, role=the_role).exists():
            raise DomainError(
                "membership_exists", "Người dùng đã có vai trò này tại đơn vị này.", field="role"
            )
        membership = Membership.objects.create(user=subject, unit=place, role=the_role)
        audit_record(
            actor=actor,
            action="membership.grant",
            target=membership,
            changes=diff({}, snapshot(membership, MEMBERSHIP_AUDIT_FIELDS)),
            unit_id=place.pk,
        )
    return membership


def membership_revoke(*, actor: Actor | None, membership_id: object) -> Membership:
    """Take a role back; the removed membership is returned (without its primary key). The
    user's last membership cannot be revoked: disable the user instead."""
    membership = access_membership(actor, membership_id)
    with transaction.atomic():
        # Two revokes at once must not both see "another role is left": lock the user first.
        User.objects.select_for_update().filter(pk=membership.user_id).first()
        membership = access_membership(actor, membership.pk)
        _raise(revoke_refusal(actor, membership))
        audit_record(
            actor=actor,
            action="membership.revoke",
            target=membership,
            changes=diff(snapshot(membership, MEMBERSHIP_AUDIT_FIELDS), {}),
            unit_id=membership.unit_id,
        )
        membership.delete()
    return membership
