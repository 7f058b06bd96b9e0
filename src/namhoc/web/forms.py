from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from namhoc.accounts.backends import LOCKOUT_ATTRIBUTE


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": "Tài khoản này đã bị khóa.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        self.fields["username"].widget = forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        )

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            # The throttle refused before checking the password: say so, the same way whether
            # or not the account exists.
            lockout = getattr(self.request, LOCKOUT_ATTRIBUTE, None)
            if lockout is not None:
                raise ValidationError(lockout.message, code="locked_out") from None
            raise
