"""Forms of the reports pages: they render the inputs and pre-check them; the use cases in
``namhoc.reporting.services`` decide (ADR 0007). The unit comes from the unit picker."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from namhoc.core.parsing import text_cap
from namhoc.reporting.models import ReportDraft, ReportKind


class DraftForm(forms.Form):
    """The choices are offered as select boxes but not checked here: the use case is the
    authority (a bad year gets its one message, not a second one from the form)."""

    kind = forms.CharField(label="Loại văn bản", widget=forms.Select(choices=ReportKind.choices))
    school_year = forms.CharField(label="Năm học", widget=forms.Select())
    directive = forms.CharField(
        label="Văn bản cấp trên (với kế hoạch)",
        required=False,
        widget=forms.Select(),
        help_text="Để trống: văn bản năm học của đơn vị cấp trên gần nhất.",
    )
    signer_title = forms.CharField(
        label="Chức vụ người ký",
        max_length=text_cap(ReportDraft, "signer_title"),
        required=False,
        help_text="Để trống: theo cấp đơn vị (Giám đốc, Trưởng phòng, Hiệu trưởng).",
    )
    signer_name = forms.CharField(
        label="Họ và tên người ký",
        max_length=text_cap(ReportDraft, "signer_name"),
        required=False,
    )

    def __init__(
        self, *args: Any, years: list[str], directives: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.Select, self.fields["school_year"].widget).choices = [(y, y) for y in years]
        cast(forms.Select, self.fields["directive"].widget).choices = [
            ("", "— văn bản của đơn vị cấp trên gần nhất —"),
            *((str(pk), label) for pk, label in directives),
        ]


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label="Dùng cho", choices=ReportKind.choices)
    file = forms.FileField(
        label="Tệp mẫu (.docx)",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document"
            }
        ),
    )
