"""Forms of the inspection pages: they render the inputs and pre-check them; the use cases in
``namhoc.inspections.services`` decide (ADR 0007). Units come from the unit picker; dates are
typed dd/mm/yyyy (``VNDateField``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from namhoc.core.parsing import text_cap
from namhoc.directives.models import Directive
from namhoc.inspections.models import (
    ChecklistItem,
    Inspection,
    InspectionKind,
    InspectionPlan,
    Recommendation,
)
from namhoc.web.fields import VNDateField

_TEXTAREA = {"rows": 4}


class PageForm(forms.Form):
    """A form sharing its page with others: its inputs' ids start with ``ids`` (two forms with
    a ``text`` field must not both label ``id_text``)."""

    ids = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.ids:
            kwargs.setdefault("auto_id", f"{self.ids}-%s")
        super().__init__(*args, **kwargs)


class PlanForm(PageForm):
    ids = "ke-hoach"
    school_year = forms.CharField(label="Năm học", max_length=9)
    title = forms.CharField(label="Tên kế hoạch", max_length=text_cap(InspectionPlan, "title"))
    note = forms.CharField(
        label="Nội dung kế hoạch",
        max_length=text_cap(InspectionPlan, "note"),
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )


class PlanEditForm(PageForm):
    ids = "sua-ke-hoach"
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="Tên kế hoạch", max_length=text_cap(InspectionPlan, "title"))
    note = forms.CharField(
        label="Nội dung kế hoạch",
        max_length=text_cap(InspectionPlan, "note"),
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )


class ScheduleFields(PageForm):
    ids = "lich"
    subject = forms.CharField(label="Nội dung kiểm tra", max_length=text_cap(Inspection, "subject"))
    starts_on = VNDateField(label="Từ ngày")
    ends_on = VNDateField(label="Đến ngày")


class InspectionForm(ScheduleFields):
    ids = "cuoc-kiem-tra"
    """A new inspection; the unit inspected comes from the picker (an internal check: the
    school itself, no need to pick)."""

    kind = forms.ChoiceField(label="Hình thức", choices=InspectionKind.choices)
    field_order = ["kind", "subject", "starts_on", "ends_on"]

    def __init__(self, *args: Any, kinds: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)  # type: ignore[attr-defined]


class ScheduleForm(ScheduleFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TeamForm(PageForm):
    ids = "doan"
    version = forms.IntegerField(widget=forms.HiddenInput)
    lead = forms.ChoiceField(label="Trưởng đoàn")
    members = forms.MultipleChoiceField(
        label="Thành viên", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(pk), name) for pk, name in people]
        self.fields["lead"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["members"].choices = choices  # type: ignore[attr-defined]


class ChecklistForm(PageForm):
    ids = "danh-muc"
    text = forms.CharField(
        label="Nội dung tự ghi", max_length=text_cap(ChecklistItem, "text"), required=False
    )
    task_ids = forms.MultipleChoiceField(
        label="Nhiệm vụ đã giao đơn vị", required=False, widget=forms.CheckboxSelectMultiple
    )
    indicator_ids = forms.MultipleChoiceField(
        label="Chỉ số", required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    def __init__(
        self,
        *args: Any,
        tasks: Sequence[tuple[int, str]],
        indicators: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task_ids"].choices = [(str(pk), t) for pk, t in tasks]  # type: ignore[attr-defined]
        self.fields["indicator_ids"].choices = [  # type: ignore[attr-defined]
            (str(pk), name) for pk, name in indicators
        ]


def results_form_class(items: Sequence[ChecklistItem]) -> type[forms.Form]:
    """One result and one note per checklist item: ``r<id>-result``, ``r<id>-note``."""
    fields: dict[str, forms.Field] = {}
    for item in items:
        fields[f"r{item.pk}-result"] = forms.ChoiceField(
            label=item.text, choices=ChecklistItem.Result.choices, required=False
        )
        fields[f"r{item.pk}-note"] = forms.CharField(
            label="Ghi chú", max_length=text_cap(ChecklistItem, "note"), required=False
        )
    return type("ResultsForm", (forms.Form,), fields)


def results_initial(items: Sequence[ChecklistItem]) -> dict[str, str]:
    initial: dict[str, str] = {}
    for item in items:
        initial[f"r{item.pk}-result"] = item.result
        initial[f"r{item.pk}-note"] = item.note
    return initial


class FindingsForm(PageForm):
    ids = "nhan-xet"
    version = forms.IntegerField(widget=forms.HiddenInput)
    findings = forms.CharField(
        label="Nhận xét, kết luận của đoàn",
        max_length=text_cap(Inspection, "findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class RecommendationForm(PageForm):
    ids = "kien-nghi"
    text = forms.CharField(
        label="Kiến nghị",
        max_length=text_cap(Recommendation, "text"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = VNDateField(label="Thời hạn")


class ConcludeForm(PageForm):
    ids = "ket-luan"
    version = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(
        label="Số kết luận (để trống nếu chưa cấp số)",
        max_length=text_cap(Directive, "number"),
        required=False,
    )
    issued_on = VNDateField(label="Ngày kết luận (để trống: hôm nay)", required=False)
    signer_name = forms.CharField(label="Họ và tên người ký", max_length=120, required=False)
