"""Forms of the emulation pages: they render the inputs and pre-check them; the use cases in
``namhoc.emulation.services`` decide (ADR 0007). Units come from the unit picker; dates are typed
dd/mm/yyyy (``VNDateField``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from namhoc.core.parsing import text_cap
from namhoc.emulation.models import CouncilMember, EmulationRound, Registration
from namhoc.emulation.titles import Title, all_titles
from namhoc.web.fields import VNDateField
from namhoc.web.inspections_forms import PageForm


class RoundSettingsFields(PageForm):
    ids = "dot"
    title = forms.CharField(label="Tên đợt", max_length=text_cap(EmulationRound, "title"))
    quorum_percent = forms.IntegerField(
        label="Tỷ lệ thành viên hội đồng phải bỏ phiếu (%)", min_value=1, max_value=100
    )
    threshold_percent = forms.IntegerField(
        label="Số phiếu đồng ý phải vượt (% tổng số thành viên)", min_value=0, max_value=99
    )


class RoundForm(RoundSettingsFields):
    school_year = forms.CharField(label="Năm học", max_length=9)
    field_order = ["school_year", "title", "quorum_percent", "threshold_percent"]


class RoundEditForm(RoundSettingsFields):
    ids = "sua-dot"
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(PageForm):
    ids = "giai-doan"
    version = forms.IntegerField(widget=forms.HiddenInput)


class CouncilForm(PageForm):
    ids = "hoi-dong"
    user = forms.ChoiceField(label="Người")
    role = forms.ChoiceField(label="Vai trò", choices=CouncilMember.Role.choices)

    def __init__(self, *args: Any, people: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—"), *((str(pk), n) for pk, n in people)]  # type: ignore[attr-defined]


def title_choices(titles: Sequence[Title] | None = None) -> list[tuple[str, str]]:
    return [
        (t.code, f"{t.name} ({'tập thể' if t.is_collective else 'cá nhân'})")
        for t in (titles or all_titles())
    ]


class RegisterForm(PageForm):
    ids = "dang-ky"
    title = forms.ChoiceField(label="Danh hiệu")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].choices = title_choices()  # type: ignore[attr-defined]


def assessment_form_class(title: Title | None) -> type[forms.Form]:
    """The self-assessment: the text, one yes/no per declared criterion (``d-<code>``)."""
    fields: dict[str, forms.Field] = {
        "version": forms.IntegerField(widget=forms.HiddenInput),
        "text": forms.CharField(
            label="Tự đánh giá (kết quả, thành tích trong năm học)",
            max_length=text_cap(Registration, "self_assessment"),
            widget=forms.Textarea(attrs={"rows": 6}),
        ),
    }
    for criterion in title.declared if title else ():
        fields[f"d-{criterion.code}"] = forms.BooleanField(label=criterion.label, required=False)
    return type("AssessmentForm", (forms.Form,), fields)


def assessment_initial(registration: Registration, title: Title | None) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": registration.version,
        "text": registration.self_assessment,
    }
    for criterion in title.declared if title else ():
        initial[f"d-{criterion.code}"] = bool((registration.declared or {}).get(criterion.code))
    return initial


class DecideForm(PageForm):
    ids = "quyet-dinh"
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision_number = forms.CharField(
        label="Số quyết định",
        max_length=text_cap(EmulationRound, "decision_number"),
        required=False,
    )
    decision_date = VNDateField(label="Ngày quyết định (để trống: hôm nay)", required=False)
