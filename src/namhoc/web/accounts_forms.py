"""Forms of the user management pages. They parse input; the services decide."""

from __future__ import annotations

from django import forms

from namhoc.accounts.models import Role


class UserCreateForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    full_name = forms.CharField(label="Họ và tên", max_length=200)
    email = forms.EmailField(label="Thư điện tử", required=False)
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Để trống: tài khoản chưa đăng nhập được cho đến khi đặt mật khẩu.",
    )
    unit = forms.CharField(
        label="Đơn vị",
        max_length=40,
        help_text="Mã định danh đơn vị trong phạm vi bạn quản trị.",
        widget=forms.TextInput(attrs={"list": "don-vi-goi-y", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)


class UserEditForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=200)
    email = forms.EmailField(label="Thư điện tử", required=False)


class GrantForm(forms.Form):
    unit = forms.CharField(
        label="Đơn vị",
        max_length=40,
        widget=forms.TextInput(attrs={"list": "don-vi-goi-y", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)


class AuditFilterForm(forms.Form):
    unit = forms.CharField(label="Đơn vị (mã)", max_length=40, required=False)
    actor = forms.CharField(label="Người thực hiện", max_length=150, required=False)
    target = forms.CharField(
        label="Đối tượng",
        max_length=120,
        required=False,
        help_text="Dạng ứng_dụng.mô_hình hoặc ứng_dụng.mô_hình:mã, ví dụ accounts.user:12",
    )
    date_from = forms.DateField(
        label="Từ ngày", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )
    date_to = forms.DateField(
        label="Đến ngày", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Ngày kết thúc phải sau ngày bắt đầu.")
        return data
