"""Forms of the people pages and the audit log. They render fields and keep what was typed; the
use cases in ``namhoc.accounts`` parse and decide (their refusals land on these fields)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.validators import MaxLengthValidator

from namhoc.accounts import selectors
from namhoc.accounts.models import Role, User
from namhoc.accounts.services import PASSWORD_MAX
from namhoc.core.parsing import text_cap


def _cap(name: str) -> int:
    return text_cap(User, name)


class UserCreateForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=_cap("username"))
    full_name = forms.CharField(label="Họ và tên", max_length=_cap("full_name"))
    email = forms.EmailField(label="Thư điện tử", required=False, max_length=_cap("email"))
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        required=False,
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Để trống: tài khoản chưa đăng nhập được cho đến khi đặt mật khẩu.",
    )
    unit = forms.CharField(label="Đơn vị", max_length=40)  # rendered as the unit picker
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)


class UserEditForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=_cap("full_name"))
    email = forms.EmailField(label="Thư điện tử", required=False, max_length=_cap("email"))


class GrantForm(forms.Form):
    unit = forms.CharField(label="Đơn vị", max_length=40)  # rendered as the unit picker
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)


class AuditFilterForm(forms.Form):
    unit = forms.CharField(label="Đơn vị", max_length=40, required=False)  # the unit picker
    person = forms.CharField(
        label="Người thực hiện",
        max_length=150,
        required=False,
        help_text="Tên đăng nhập, hoặc một phần họ tên.",
    )
    action = forms.ChoiceField(label="Loại thay đổi", required=False)
    date_from = forms.CharField(
        label="Từ ngày",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    date_to = forms.CharField(
        label="Đến ngày",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )

    def __init__(self, *args: object, actions: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Mọi thay đổi"), *actions]


class ResetRequestForm(PasswordResetForm):
    """Django's "forgot password" form; it also e-mails people who have no password yet (an
    account an admin created or imported: the link is how they set their first one)."""

    email = forms.EmailField(
        label="Thư điện tử",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email: str) -> Iterator[Any]:
        return iter(selectors.users_with_email(email))


class SetPasswordLinkForm(SetPasswordForm):
    """Django's set-password form, its fields capped like every password (the use case
    checks again)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            field = self.fields[name]
            assert isinstance(field, forms.CharField)
            field.max_length = PASSWORD_MAX
            field.validators.append(MaxLengthValidator(PASSWORD_MAX))
            field.widget.attrs["maxlength"] = str(PASSWORD_MAX)
