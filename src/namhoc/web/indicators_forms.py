"""Forms of the figures pages: they render the inputs with saved values the Vietnamese way
("1.250", "97,5") and pre-check them; the use cases in ``namhoc.indicators.services`` decide
(ADR 0007). What a form shows, it reads back as the same value, so a form posted back unchanged
is accepted."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from namhoc.core.parsing import decimal_bounds, text_cap
from namhoc.indicators.models import REASON_MAX, DataValue, Target, ValueType
from namhoc.indicators.selectors import EntryForm as EntryFigures
from namhoc.orgunits.models import OrgUnit
from namhoc.web.fields import VNDecimalField

_VALUE_DIGITS, _VALUE_PLACES = decimal_bounds(DataValue, "value")
_TARGET_DIGITS, _TARGET_PLACES = decimal_bounds(Target, "value")


def version_name(code: str) -> str:
    """The hidden field carrying the version of the figure shown in box ``code``."""
    return f"v-{code}"


class FiguresForm(forms.Form):
    """One box per element of the data set (named by its code) and a hidden version beside it;
    ``xac_nhan_xoa`` says that boxes left empty may delete saved figures."""

    xac_nhan_xoa = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, figures: EntryFigures, **kwargs: Any) -> None:
        initial = kwargs.pop("initial", None) or {}
        for entry in figures.fields:
            initial.setdefault(entry.element.code, entry.value)
            initial.setdefault(version_name(entry.element.code), entry.version)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for entry in figures.fields:
            element = entry.element
            whole = element.value_type in (ValueType.INTEGER, ValueType.BOOLEAN)
            self.fields[element.code] = VNDecimalField(
                label=element.name,
                max_digits=_VALUE_DIGITS - (_VALUE_PLACES if whole else 0),
                decimal_places=0 if whole else _VALUE_PLACES,
                max_value=1 if element.value_type == ValueType.BOOLEAN else None,
                required=False,
            )
            self.fields[version_name(element.code)] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )


class ApproveForm(forms.Form):
    xac_nhan = forms.BooleanField(
        label="Tôi đã kiểm tra: số liệu của các đơn vị bên dưới đủ và đúng; sau khi phê duyệt, "
        "số liệu bị khóa, chỉ cấp trên hủy phê duyệt mới sửa được.",
        error_messages={
            "required": "Hãy đánh dấu xác nhận đã kiểm tra số liệu trước khi phê duyệt."
        },
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Lý do hủy phê duyệt (đơn vị sẽ thấy trong lịch sử phê duyệt)",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Hãy nhập lý do hủy phê duyệt."},
    )


class TargetForm(forms.Form):
    indicator = forms.CharField(widget=forms.HiddenInput, max_length=40)
    value = VNDecimalField(
        label="Chỉ tiêu", max_digits=_TARGET_DIGITS, decimal_places=_TARGET_PLACES
    )
    source = forms.CharField(
        label="Văn bản giao", max_length=text_cap(Target, "source"), required=False
    )


def allocation_name(unit: OrgUnit) -> str:
    return f"c-{unit.key}"


class AllocationForm(forms.Form):
    """One box per current child unit (``c-<key>``); a blank box leaves that child out."""

    def __init__(
        self,
        *args: Any,
        allocation: Sequence[tuple[OrgUnit, Decimal | None]],
        **kwargs: Any,
    ) -> None:
        initial = kwargs.pop("initial", None) or {}
        for child, value in allocation:
            initial.setdefault(allocation_name(child), value)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for child, _ in allocation:
            self.fields[allocation_name(child)] = VNDecimalField(
                label=child.name,
                max_digits=_TARGET_DIGITS,
                decimal_places=_TARGET_PLACES,
                required=False,
            )


class WeightsForm(forms.Form):
    """The scorecard's weights (GET): read as typed ("0,7"), each from 0 to 1."""

    w_dat = VNDecimalField(
        label="Trọng số mức đạt chỉ tiêu", max_digits=3, decimal_places=2, max_value=1
    )
    w_han = VNDecimalField(
        label="Trọng số tỷ lệ nhiệm vụ đúng hạn", max_digits=3, decimal_places=2, max_value=1
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        error_messages={"required": "Hãy chọn tệp Excel (.xlsx) để nhập."},
    )
