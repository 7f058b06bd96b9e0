"""The erasure form (a friendly pre-check; ``ops.privacy.user_erase`` is the authority)."""

from __future__ import annotations

from django import forms

from namhoc.ops.privacy import REASON_MAX


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label="Gõ lại tên đăng nhập để xác nhận",
        max_length=150,
        error_messages={"required": "Hãy gõ lại tên đăng nhập.", "max_length": "Quá dài."},
    )
    reason = forms.CharField(
        label="Lý do (ghi vào nhật ký)",
        max_length=REASON_MAX,
        required=False,
        error_messages={"max_length": f"Lý do tối đa {REASON_MAX} ký tự."},
    )
