"""``{% entry_field %}`` writes a box of the figures entry form exactly as the form's loop did."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.template import Context, Template

from namhoc.indicators.models import DataElement, DataSetElement, ValueType
from namhoc.indicators.selectors.figures import EntryField
from namhoc.web.indicators_forms import FiguresForm

# The loop of indicators/_entry_form.html before the tag (issue 15).
LOOP = Template(
    "{% load figures %}{% for f in fields %}\n"
    "    {% with code=f.element.code box=figures|field:f.element.code %}\n"
    '    <div class="field ind-field{% if errors|get_item:code %} has-error{% endif %}">\n'
    '      <label for="f-{{ code }}">{{ f.element.name }}'
    '{% if f.element.unit_label %} <span class="muted">({{ f.element.unit_label }})</span>'
    "{% endif %}</label>\n"
    '      <input id="f-{{ code }}" name="{{ code }}" inputmode="decimal" autocomplete="off"\n'
    '             value="{{ box.value|vn_input_or_text }}"\n'
    "             {% if not page.can_enter %}disabled{% endif %}\n"
    "             "
    '{% if f.value is not None and page.can_enter %}title="Đã lưu {{ f.value|vn }}; '
    'để trống ô này sẽ xóa số liệu đã lưu (namhoc hỏi lại trước khi xóa)."'
    "{% endif %}\n"
    "             "
    '{% if errors|get_item:code %}aria-invalid="true" aria-describedby="e-{{ code }}"'
    "{% endif %}>\n"
    '      <input type="hidden" name="v-{{ code }}" value="{{ f.version|default_if_none:\'\' }}">\n'
    "      "
    '{% for message in errors|get_item:code %}<span class="field-error" id="e-{{ code }}">'
    "{{ message }}</span>"
    "{% endfor %}\n"
    "    </div>\n"
    "    {% endwith %}\n"
    "    {% endfor %}"
)
TAG = Template(
    "{% load figures %}{% for f in fields %}\n"
    "    {% entry_field f figures errors page.can_enter %}\n"
    "    {% endfor %}"
)


def _entry(code: str, name: str, value: Decimal | None, version: int | None, **kw: Any) -> Any:
    element = DataElement(code=code, name=name, value_type=kw.pop("value_type", ValueType.INTEGER),
                          unit_label=kw.pop("unit_label", ""))  # fmt: skip
    return EntryField(member=DataSetElement(element=element), value=value, version=version)


FIELDS = [
    _entry("TH_HS", "Tổng số học sinh", Decimal(1250), 3, unit_label="học sinh"),
    _entry("TH_LOP", "Số lớp <có> “ngoặc” & dấu", None, None),
    _entry("TH_TL", "Tỷ lệ", Decimal("97.50"), 1, value_type=ValueType.NUMBER, unit_label="%"),
    _entry("TH_CQ", "Đạt chuẩn quốc gia", Decimal(1), 12, value_type=ValueType.BOOLEAN),
]


def _render(template: Template, **context: Any) -> str:
    return template.render(Context(context))


def test_the_tag_writes_what_the_loop_wrote() -> None:
    figures: Any = SimpleNamespace(fields=FIELDS)
    cases: list[dict[str, Any]] = [
        {"figures": FiguresForm(figures=figures), "errors": {}, "can_enter": True},
        {"figures": FiguresForm(figures=figures), "errors": {}, "can_enter": False},
        {
            "figures": FiguresForm(
                {"TH_HS": "1.3OO", "TH_LOP": "", "TH_TL": "<b>", "v-TH_HS": "3"}, figures=figures
            ),
            "errors": {"TH_HS": ["Không đọc được “1.3OO” là một số."], "TH_TL": ["a & b", "c"]},
            "can_enter": True,
        },
    ]
    for case in cases:
        context = {
            "fields": FIELDS,
            "figures": case["figures"],
            "errors": case["errors"],
            "page": {"can_enter": case["can_enter"]},
        }
        assert _render(TAG, **context) == _render(LOOP, **context)


def test_without_a_form_the_boxes_show_the_saved_figures_as_an_unbound_form_did() -> None:
    """Pages that show nothing typed (the page, the form after a save) pass no form: the tag
    writes what the loop wrote with the unbound form the views used to build (issue 15)."""
    figures: Any = SimpleNamespace(fields=FIELDS)
    for can_enter in (True, False):
        for errors in (None, {}):
            page = {"can_enter": can_enter}
            written = _render(TAG, fields=FIELDS, figures=None, errors=errors, page=page)
            unbound = FiguresForm(figures=figures)
            assert written == _render(
                LOOP, fields=FIELDS, figures=unbound, errors=errors, page=page
            )
            assert 'value="1.250"' in written
            assert 'value="97,5"' in written


def test_the_entry_form_writes_its_boxes_with_the_tag() -> None:
    page = Path(__file__).parents[2] / "web" / "templates" / "indicators" / "_entry_form.html"
    text = page.read_text(encoding="utf-8")
    assert "{% entry_field f figures errors page.can_enter %}" in text
    assert "{% with code=f.element.code" not in text
