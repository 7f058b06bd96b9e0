"""``{% load figures %}``: Vietnamese number formatting for figures and indicator values, form
fields by name, the links that sort a table by one of its columns, and a scorecard row's cells."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

from namhoc.core.formats import format_number

register = template.Library()


@register.filter
def vn(value: Decimal | int | float | None, decimals: int | None = None) -> str:
    """``1250`` -> ``1.250``; ``12.5`` -> ``12,5``; None -> ``—``."""
    if value is None or value == "":
        return "—"
    return format_number(value, decimals)


@register.filter
def vn_input(value: Decimal | None) -> str:
    """The value as typed back into an input: ``1.250``, ``12,5`` (read back the same)."""
    if value is None or value == "":
        return ""
    return format_number(Decimal(value))


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None


@register.filter
def field(form: Any, name: str) -> Any:
    """``{{ form|field:code }}``: the bound field named ``code`` (None when the form has none)."""
    try:
        return form[name]
    except (KeyError, TypeError):
        return None


@register.simple_tag(takes_context=True)
def sort_link(context: Any, key: str, label: str, listing: Any) -> str:
    """A column header that sorts by ``key``: ascending first, again for descending; the
    other filters of the page are kept, the page number is not."""
    request = context["request"]
    query = request.GET.copy()
    active = listing.sort == key
    descending = active and listing.direction == "asc"
    query["sap_xep"] = key
    query["chieu"] = "desc" if descending else "asc"
    for name in ("trang",):
        query.pop(name, None)
    mark = ""
    if active:
        mark = " ▲" if listing.direction == "asc" else " ▼"
    return format_html(
        '<a href="?{}" data-sort="{}" title="Sắp xếp theo cột này">{}{}</a>',
        query.urlencode(),
        key,
        label,
        mark,
    )


@register.filter
def vn_input_or_text(value: object) -> str:
    """A box's value: a saved number the Vietnamese way (``1.250``), what was typed as it was."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


@register.simple_tag
def score_cells(cells: list[Any] | None) -> SafeString:
    """A scorecard row's figure cells (``dashboards.Cell``), one ``<td>`` each: what the
    template's loop wrote, built here because a province's table has thousands of them
    (rendering them through template nodes was a third of the page's CPU; issue 15)."""
    parts = []
    for c in cells or ():
        label = c.coverage.label
        if c.shown is not None:
            inner = (
                f'<span class="ind-badge {escape(c.colour)}">'
                f"{escape(vn(c.shown, c.indicator.decimals))}</span>"
            )
            if c.coverage.status == "partial":
                inner += f' <span class="muted">{escape(label)}</span>'
        elif label:
            inner = f'<span class="muted">{escape(label)}</span>'
        else:
            inner = "—"
        parts.append(f'<td class="num">{inner}</td>')
    return mark_safe("".join(parts))  # noqa: S308 - every value in it escaped


def _svg_number(value: object) -> str:
    """A coordinate as ``{% localize off %}`` wrote it (``str``; a bool is not one)."""
    return escape(str(value))


@register.simple_tag
def bar_rows(chart: Any) -> SafeString:
    """The bars of a ``charts.BarChart`` (the dashboard's breakdown by child unit): what the
    template's loop wrote, whitespace included, built here because a province has a bar per
    child (rendering them through template nodes was a fifth of the page's CPU; issue 15)."""
    x = _svg_number(chart.label_width)
    parts = []
    for b in chart.bars:
        y = _svg_number(b.y)
        width = _svg_number(b.width)
        note = escape(b.note) if b.note else ""
        value = escape(vn(b.value))
        tick = (
            f'<line class="ind-target-tick" x1="{_svg_number(b.target_x)}" '
            f'x2="{_svg_number(b.target_x)}" y1="{y}" y2="{_svg_number(b.y + 20)}"/>'
            if b.target_x is not None
            else ""
        )
        parts.append(
            "\n"
            f'          <text class="ind-label" x="{x}" y="{y}" dx="-6" dy="17" '
            f'text-anchor="end">{escape(b.short)}</text>\n'
            f'          <rect class="ind-bar ind-{escape(b.colour)}" x="{x}" y="{y}" '
            f'width="{width}" height="18"><title>{escape(b.label)}: {value}'
            f"{f' ({note})' if note else ''}</title></rect>\n"
            f'          <text class="ind-label" x="{x}" y="{y}" dx="{width}" dy="14">&nbsp;'
            f"{value if b.value is not None else ''}{f' {note}' if note else ''}</text>\n"
            f"          {tick}\n"
            "        "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value in it escaped


@register.simple_tag
def spark(chart: Any) -> SafeString:
    """A dashboard row's sparkline (a ``charts.TrendChart`` without axis): what the included
    template wrote, whitespace included, built here because a dashboard has one per indicator
    (an include per row was most of the indicator table's rendering; issue 15)."""
    width, height = _svg_number(chart.width), _svg_number(chart.height)
    line = ""
    if chart.target_y is not None:
        y = _svg_number(chart.target_y)
        line = f'<line class="ind-target-line" x1="0" x2="{width}" y1="{y}" y2="{y}"/>'
    polyline = (
        f'<polyline class="ind-line" points="{escape(chart.polyline)}"/>' if chart.polyline else ""
    )
    dots = "".join(
        f'<circle class="ind-dot" cx="{_svg_number(p.x)}" cy="{_svg_number(p.y)}" r="2"/>'
        for p in chart.points
        if p.value is not None
    )
    return mark_safe(  # noqa: S308 - every value in it escaped
        f'<svg class="ind-spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Xu hướng qua các năm học">\n  {line}\n  {polyline}\n  {dots}\n'
        "</svg>\n"
    )


_KEEP_TITLE = "; để trống ô này sẽ xóa số liệu đã lưu (namhoc hỏi lại trước khi xóa)."


@register.simple_tag
def entry_field(entry: Any, form: Any, errors: Any, can_enter: bool) -> SafeString:
    """One box of the figures entry form (a ``selectors.EntryField``, its bound field in
    ``form``, its messages in ``errors``): what the form's loop wrote, whitespace included,
    built here because the entry page is the rush's most asked page and its boxes were most of
    its rendering (issue 15)."""
    element = entry.element
    code = escape(element.code)
    messages = errors.get(element.code) if errors else None
    box = field(form, element.code)
    shown = conditional_escape(vn_input_or_text(box.value() if box is not None else None))
    unit = (
        f' <span class="muted">({conditional_escape(element.unit_label)})</span>'
        if element.unit_label
        else ""
    )
    title = (
        f'title="Đã lưu {conditional_escape(vn(entry.value))}{_KEEP_TITLE}"'
        if entry.value is not None and can_enter
        else ""
    )
    invalid = f'aria-invalid="true" aria-describedby="e-{code}"' if messages else ""
    version = "" if entry.version is None else conditional_escape(entry.version)
    spans = "".join(
        f'<span class="field-error" id="e-{code}">{conditional_escape(m)}</span>'
        for m in messages or ()
    )
    return mark_safe(  # noqa: S308 - every value in it escaped
        "\n"
        f'    <div class="field ind-field{" has-error" if messages else ""}">\n'
        f'      <label for="f-{code}">{conditional_escape(element.name)}{unit}</label>\n'
        f'      <input id="f-{code}" name="{code}" inputmode="decimal" autocomplete="off"\n'
        f'             value="{shown}"\n'
        f"             {'' if can_enter else 'disabled'}\n"
        f"             {title}\n"
        f"             {invalid}>\n"
        f'      <input type="hidden" name="v-{code}" value="{version}">\n'
        f"      {spans}\n"
        "    </div>\n"
        "    "
    )
