"""Forms of the directive pages: they render the inputs (numbers and dates the Vietnamese way)
and pre-check them; the use cases in ``namhoc.directives.services`` decide (ADR 0007).

Every text field carries its model column's cap, so the browser stops at the same length the use
case refuses; every number and date reads back what it shows (a form posted back unchanged is
accepted).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from namhoc.core.parsing import decimal_bounds, text_cap
from namhoc.directives.models import (
    PASTE_TEXT_MAX,
    Citation,
    Directive,
    DirectiveTask,
    Target,
)
from namhoc.web.fields import VNDateField, VNDecimalField

__all__ = [
    "AcceptLinksForm",
    "CitationForm",
    "HeaderForm",
    "LinkForm",
    "PublishForm",
    "SplitForm",
    "TargetAddForm",
    "TargetForm",
    "TaskAddForm",
    "TaskForm",
    "UploadForm",
    "UpperForm",
]

_DIGITS, _PLACES = decimal_bounds(Target, "value")


def _text(model: Any, name: str, label: str, *, required: bool = False, **kwargs: Any) -> Any:
    return forms.CharField(
        label=label, max_length=text_cap(model, name), required=required, **kwargs
    )


class UploadForm(forms.Form):
    """The issuing unit comes from the unit picker (``unit``, one key)."""

    file = forms.FileField(label="Tệp văn bản (.docx, .doc, .pdf, .html, .txt)", required=False)
    text = forms.CharField(
        label="Hoặc dán nội dung văn bản",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=PASTE_TEXT_MAX,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Hãy chọn tệp hoặc dán nội dung văn bản.")
        return data


class HeaderForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    doc_type = _text(Directive, "doc_type", "Loại văn bản")
    number = _text(Directive, "number", "Số, ký hiệu")
    unnumbered = forms.BooleanField(
        label="Chưa có số, ngày",
        required=False,
        help_text="Đánh dấu khi văn bản chưa được cấp số, ngày: vẫn ban hành được trên hệ thống.",
    )
    issuer = _text(Directive, "issuer", "Cơ quan ban hành")
    issued_on = VNDateField(label="Ngày ban hành", required=False)
    place = _text(Directive, "place", "Địa danh")
    title = _text(Directive, "title", "Trích yếu")
    school_year = forms.CharField(
        label="Năm học",
        max_length=text_cap(Directive, "school_year"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "2025-2026"}),
    )
    theme = _text(Directive, "theme", "Chủ đề năm học")


class TaskAddForm(forms.Form):
    label = _text(DirectiveTask, "label", "Số hiệu")
    title = _text(DirectiveTask, "title", "Tên nhiệm vụ", required=True)
    text = _text(DirectiveTask, "text", "Nội dung", widget=forms.Textarea(attrs={"rows": 4}))


class TaskForm(TaskAddForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    field_order = ["version", "label", "title", "text"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.CharField, self.fields["text"]).widget.attrs["rows"] = 6


class SplitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    before = forms.CharField(
        label="Tách ra nhiệm vụ mới bắt đầu từ đoạn",
        max_length=300,
        help_text="Dán vài chữ đầu của phần cần tách.",
    )


class _Inline(forms.Form):
    """A form shown on one line (its labels as ``aria-label``: one row of a list)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))


class CitationForm(_Inline):
    number = _text(Citation, "number", "Số, ký hiệu", required=True)
    doc_type = _text(Citation, "doc_type", "Loại văn bản")
    issued_on = VNDateField(label="Ngày", required=False)


class TargetAddForm(_Inline):
    value = VNDecimalField(label="Giá trị", max_digits=_DIGITS, decimal_places=_PLACES, min_value=0)
    unit_label = _text(Target, "unit_label", "Đơn vị tính")
    # The task's id as a plain value: the use case says why a bad one is refused.
    task_id = forms.CharField(label="Nhiệm vụ", required=False, widget=forms.Select)
    sentence = _text(
        Target, "sentence", "Câu nêu chỉ tiêu", widget=forms.Textarea(attrs={"rows": 2})
    )

    def with_tasks(self, tasks: Sequence[DirectiveTask]) -> TargetAddForm:
        """Offer the draft's tasks in the task box (the page knows them; the form does not)."""
        cast(forms.Select, self.fields["task_id"].widget).choices = [
            ("", "—"),
            *((str(t.pk), f"{t.label} {t.title[:40]}".strip()) for t in tasks),
        ]
        return self


class TargetForm(TargetAddForm):
    """A target of the draft, corrected in place (its sentence is the reader's)."""

    field_order = ["value", "unit_label", "task_id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["sentence"]


class UpperForm(forms.Form):
    upper = forms.CharField(label="Văn bản cấp trên", required=False, widget=forms.Select)

    def set_choices(self, choices: Sequence[Directive]) -> UpperForm:
        """Offer the published directives issued above (the page knows them)."""
        cast(forms.Select, self.fields["upper"].widget).choices = [
            ("", "— không có —"),
            *(
                (str(d.pk), f"{d.short_label} · {d.unit.name} · {d.school_year or '—'}")
                for d in choices
            ),
        ]
        return self


class LinkForm(forms.Form):
    task = forms.CharField(widget=forms.HiddenInput)
    upper_task = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("confirm", "Xác nhận"), ("reject", "Bỏ")])


class PublishForm(forms.Form):
    """The confirmation step: the version the person saw, and their confirmation."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    xac_nhan = forms.CharField(widget=forms.HiddenInput, initial="1")


class AcceptLinksForm(forms.Form):
    level = forms.ChoiceField(
        label="Xác nhận mọi đề xuất",
        choices=[("strong", "rất khớp"), ("possible", "từ có thể khớp trở lên")],
    )
