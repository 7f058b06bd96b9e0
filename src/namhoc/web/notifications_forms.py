"""Forms of the notifications pages: they render the inputs and pre-check them; the use cases
in ``namhoc.notifications.services`` decide (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BoundField

from namhoc.notifications.kinds import KINDS, Mode
from namhoc.notifications.models import WEBHOOK_NAME_MAX, WEBHOOK_URL_MAX

MODE_PREFIX = "mode_"


class PreferencesForm(forms.Form):
    email_enabled = forms.BooleanField(label="Nhận thư điện tử", required=False)
    quiet_start = forms.CharField(
        label="Giờ yên lặng từ",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "21:00", "size": 6}),
    )
    quiet_end = forms.CharField(
        label="đến",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "06:30", "size": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, kind in KINDS.items():
            self.fields[MODE_PREFIX + code] = forms.ChoiceField(
                label=kind.label, choices=Mode.choices
            )

    def mode_fields(self) -> list[BoundField]:
        return [self[MODE_PREFIX + code] for code in KINDS]


_KIND_CHOICES = [(code, kind.label) for code, kind in KINDS.items()]


class WebhookForm(forms.Form):
    unit = forms.CharField(label="Đơn vị", max_length=64, required=False)
    name = forms.CharField(label="Tên", max_length=WEBHOOK_NAME_MAX)
    url = forms.CharField(
        label="Địa chỉ nhận",
        max_length=WEBHOOK_URL_MAX,
        widget=forms.URLInput(attrs={"placeholder": "https://congvan.example.vn/namhoc"}),
    )
    kinds = forms.MultipleChoiceField(
        label="Loại sự kiện",
        choices=_KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class WebhookEditForm(WebhookForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    active = forms.BooleanField(label="Đang dùng", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["unit"]
