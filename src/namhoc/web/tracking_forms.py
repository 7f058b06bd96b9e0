"""Forms of the tracking pages: they render the inputs and pre-check them; the use cases in
``namhoc.tracking.services`` decide (ADR 0007)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from namhoc.core.parsing import decimal_bounds, text_cap
from namhoc.tracking.models import Assignment
from namhoc.tracking.services import PROGRESS_TEXT_MAX
from namhoc.web.fields import VNDateField, VNDecimalField

_DIGITS, _PLACES = decimal_bounds(Assignment, "target_value")


class TermsFields(forms.Form):
    role = forms.ChoiceField(label="Vai trò", choices=Assignment.Role.choices)
    deadline = VNDateField(label="Hạn hoàn thành", required=False)
    target_value = VNDecimalField(
        label="Chỉ tiêu", max_digits=_DIGITS, decimal_places=_PLACES, required=False
    )
    target_unit = forms.CharField(
        label="Đơn vị tính", max_length=text_cap(Assignment, "target_unit"), required=False
    )


class AssignForm(TermsFields):
    """Units come from the unit picker (``units``, keys); or one level for every unit of it."""

    level = forms.ChoiceField(label="Hoặc giao cho mọi đơn vị cấp", required=False)
    field_order = ["level", "role", "deadline", "target_value", "target_unit"]

    def __init__(self, *args: Any, levels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["level"]).choices = [("", "—"), *levels]


class TermsForm(TermsFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="Ghi chú", max_length=text_cap(Assignment, "note"), required=False)


class UpdateForm(forms.Form):
    text = forms.CharField(
        label="Nội dung cập nhật",
        max_length=PROGRESS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    percent = forms.IntegerField(label="Tiến độ (%)", min_value=0, max_value=100)
