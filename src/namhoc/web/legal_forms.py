"""The form of the legal registry's add and edit pages: it renders the inputs and pre-checks
them; ``namhoc.legal.services`` decides (ADR 0007)."""

from __future__ import annotations

from typing import Any

from django import forms

from namhoc.core.parsing import text_cap
from namhoc.legal.models import LegalDocument
from namhoc.legal.services import DATE_FIRST, FIELDS
from namhoc.web.fields import VNDateField


def _text(label: str, name: str, *, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=text_cap(LegalDocument, name), required=required, **kwargs
    )


class LegalDocumentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = _text("Số, ký hiệu", "number", required=True, help_text="Ví dụ 09/2024/TT-BGDĐT")
    doc_type = forms.ChoiceField(label="Loại văn bản", choices=LegalDocument.DocType.choices)
    issuer = _text("Cơ quan ban hành", "issuer", required=True)
    issued_on = VNDateField(label="Ngày ban hành", minimum=DATE_FIRST, required=False)
    effective_on = VNDateField(label="Ngày có hiệu lực", minimum=DATE_FIRST, required=False)
    title = _text("Trích yếu", "title", required=True)
    status = forms.ChoiceField(label="Tình trạng hiệu lực", choices=LegalDocument.Status.choices)
    replaced_by = forms.CharField(
        label="Bị thay thế bởi (số, ký hiệu)",
        max_length=text_cap(LegalDocument, "number"),
        required=False,
        help_text="Chỉ khi tình trạng là “Đã bị thay thế”; văn bản đó phải có trong danh mục.",
    )
    amended_by = _text("Được sửa đổi, bổ sung bởi", "amended_by")
    source_url = _text(
        "Nguồn (trang công khai nêu các thông tin trên)",
        "source_url",
        required=True,
        widget=forms.URLInput,
    )
    note = _text(
        "Ghi chú về nguồn",
        "note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=("Điều gì nguồn xác nhận, điều gì chưa xác minh."),
    )


def initial_of(document: LegalDocument) -> dict[str, Any]:
    """What the edit form shows for a saved entry (posted back unchanged, it is accepted)."""
    values: dict[str, Any] = {name: getattr(document, name) for name in FIELDS}
    values["replaced_by"] = document.replaced_by.number if document.replaced_by else ""
    values["version"] = document.version
    return values
