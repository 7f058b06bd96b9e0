"""Setting a password through a link: the link a unit admin makes and hands over, and the one
Django's password-reset page e-mails. Both are Django's password-reset tokens: they expire
after ``PASSWORD_RESET_TIMEOUT`` and are good once — the token is a hash over the password (and
the last sign-in), so setting the password (or signing in) spends it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from namhoc.accounts.access import access_user, manage_user_refusal
from namhoc.accounts.models import User
from namhoc.accounts.selectors import home_unit
from namhoc.accounts.services.people import check_password_text
from namhoc.accounts.sessions import user_sessions_end
from namhoc.core.audit import audit_record
from namhoc.core.errors import DomainError, NotFound
from namhoc.core.types import Actor

__all__ = ["PasswordLink", "password_link_create", "password_set_with_link", "user_for_link"]

LINK_INVALID = (
    "Liên kết đặt mật khẩu không dùng được: liên kết đã được dùng, đã hết hạn, hoặc bị chép "
    "thiếu. Hãy xin quản trị đơn vị một liên kết mới, hoặc dùng “Quên mật khẩu”."
)


@dataclass(frozen=True)
class PasswordLink:
    user: User
    path: str  # /nguoi-dung/dat-mat-khau/<uid>/<token>/
    url: str  # the path on the site's address (settings.SITE_URL)
    expires_at: dt.datetime


def _raise(refusal: DomainError | None) -> None:
    if refusal is not None:
        raise refusal


def _link_for(user: User) -> PasswordLink:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("users:password_set", args=[uid, token])
    return PasswordLink(
        user=user,
        path=path,
        url=settings.SITE_URL.rstrip("/") + path,
        expires_at=timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
    )


def password_link_create(*, actor: Actor | None, user_id: object) -> PasswordLink:
    """A one-time link for a user to set their own password, for the admin to hand over (a new
    account, a forgotten password without e-mail). The link itself is shown once and stored
    nowhere; the audit log records that it was made, by whom, and until when it works."""
    subject = access_user(actor, user_id)
    _raise(manage_user_refusal(actor, subject))
    if not subject.is_active:
        raise DomainError(
            "inactive", "Tài khoản đang bị khóa: hãy mở khóa trước khi tạo liên kết đặt mật khẩu."
        )
    with transaction.atomic():
        subject = User.objects.select_for_update().get(pk=subject.pk)
        link = _link_for(subject)
        unit = home_unit(subject)
        audit_record(
            actor=actor,
            action="user.password_link",
            target=subject,
            changes={},
            unit_id=unit.pk if unit is not None else None,
            note=f"dùng được một lần, đến {timezone.localtime(link.expires_at):%H:%M %d/%m/%Y}",
        )
    return link


def user_for_link(uidb64: str) -> User | None:
    """The active user a link's first part names, or None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk < 2**63:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def password_set_with_link(
    *, uidb64: str, token: str, password: object, confirmation: object
) -> User:
    """Set the password of the user a link names, if its token is still good; the link is spent
    (a second use, even at the same moment, is refused) and every session of the user ends."""
    user = user_for_link(uidb64)
    if user is None or not default_token_generator.check_token(user, token):
        raise NotFound(LINK_INVALID)
    if password != confirmation:
        raise DomainError(
            "password_mismatch", "Hai lần nhập mật khẩu không giống nhau.", field="new_password2"
        )
    secret = check_password_text(password, user, field="new_password1")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not default_token_generator.check_token(user, token):  # spent a moment ago
            raise NotFound(LINK_INVALID)
        user.set_password(secret)
        user.save(update_fields=["password"])
        user_sessions_end(user=user)
        unit = home_unit(user)
        audit_record(
            actor=user,
            action="user.set_password",
            target=user,
            changes={"password": ["***", "***"]},
            unit_id=unit.pk if unit is not None else None,
            note="qua liên kết đặt mật khẩu",
        )
    return user
