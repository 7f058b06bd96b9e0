"""``{% load figures %}``: Vietnamese number formatting for figures and indicator values, form
fields by name, the links that sort a table by one of its columns, and a scorecard row's cells."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from html import escape as _html_escape
from typing import Any
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe

from namhoc.core.formats import format_number

register = template.Library()


def _esc(value: object) -> str:
    """``django.utils.html.escape`` without its lazy-string check and SafeString wrapper (the
    same characters escaped the same way): the tags below call it thousands of times a page."""
    return _html_escape(str(value))


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


class _Kept:
    """HTML written for objects that never change once made — the cells a process keeps per
    child unit (``pagecache.unit_cells``) and the children it keeps per tree — kept by the
    objects' identity. An entry holds its objects, so while it is kept no other object can take
    their ids: the same ids then mean the same objects, hence the same HTML. Under a deadline
    rush every save moves a province's page key, and its ~240 rows were written again on every
    view though only the few children a save moved had new cells (issue 15)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], str]] = OrderedDict()
        self._lock = threading.Lock()

    def html(
        self, objects: tuple[Any, ...], extra: tuple[Any, ...], write: Callable[[], str]
    ) -> str:
        key = (*map(id, objects), *extra)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found[1]
        written = write()
        with self._lock:
            self._entries[key] = (objects, written)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return written

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# A few provinces' pages: ~240 rows each for the scorecard and the dashboard.
_kept_rows = _Kept(4096)


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
                f'<span class="ind-badge {_esc(c.colour)}">'
                f"{_esc(vn(c.shown, c.indicator.decimals))}</span>"
            )
            if c.coverage.status == "partial":
                inner += f' <span class="muted">{_esc(label)}</span>'
        elif label:
            inner = f'<span class="muted">{_esc(label)}</span>'
        else:
            inner = "—"
        parts.append(f'<td class="num">{inner}</td>')
    return mark_safe("".join(parts))  # noqa: S308 - every value in it escaped


def _svg_number(value: object) -> str:
    """A coordinate as ``{% localize off %}`` wrote it (``str``; a bool is not one)."""
    return _esc(str(value))


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
        note = _esc(b.note) if b.note else ""
        value = _esc(vn(b.value))
        tick = (
            f'<line class="ind-target-tick" x1="{_svg_number(b.target_x)}" '
            f'x2="{_svg_number(b.target_x)}" y1="{y}" y2="{_svg_number(b.y + 20)}"/>'
            if b.target_x is not None
            else ""
        )
        parts.append(
            "\n"
            f'          <text class="ind-label" x="{x}" y="{y}" dx="-6" dy="17" '
            f'text-anchor="end">{_esc(b.short)}</text>\n'
            f'          <rect class="ind-bar ind-{_esc(b.colour)}" x="{x}" y="{y}" '
            f'width="{width}" height="18"><title>{_esc(b.label)}: {value}'
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
        f'<polyline class="ind-line" points="{_esc(chart.polyline)}"/>' if chart.polyline else ""
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
    ``form`` — None when nothing typed is shown again: the saved figure then, as the unbound
    form showed it, without building one per request — its messages in ``errors``): what the
    form's loop wrote, whitespace included,
    built here because the entry page is the rush's most asked page and its boxes were most of
    its rendering (issue 15)."""
    element = entry.element
    code = _esc(element.code)
    messages = errors.get(element.code) if errors else None
    if form is None:  # nothing typed to show again: the saved figure, as an unbound form shows it
        shown = conditional_escape(vn_input_or_text(entry.value))
    else:
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


# --- whole table rows of the province pages (issue 15) ---------------------------------------
#
# A province's dashboard and scorecard have a row per child unit (~100–200) and per indicator:
# rendered through template nodes they were most of those pages' CPU under a deadline rush.
# These tags write what the templates' loops wrote, byte for byte (tests render the old loops
# beside them).


def _out(value: object) -> str:
    """What ``{{ value }}`` writes (localized, escaped unless safe)."""
    if type(value) is str:  # not a SafeString: escaped
        return _esc(value)
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize writes for an int then, without its ~10 µs of lookups
    shown = localize(value)
    return conditional_escape(shown if isinstance(shown, str) else str(shown))


_KEY_MARK = "namhoc0key0mark"


def _unit_url(name: str) -> Callable[[str], str]:
    """``reverse(name, args=[key])`` for many keys at the price of one ``reverse``: the key is
    quoted as ``reverse`` quotes it."""
    head, tail = reverse(name, args=[_KEY_MARK]).split(_KEY_MARK)
    safe = RFC3986_SUBDELIMS + "/~:@"
    return lambda key: head + quote(str(key), safe=safe) + tail


def _target_cell(c: Any, inherited_note: str) -> str:
    if c.target is None:
        return "—"
    return _out(vn(c.target)) + (inherited_note if c.inherited else "")


def _attained_cell(c: Any) -> str:
    inner = f"{_out(vn(c.attained))}%" if c.attained is not None else "—"
    return f'<span class="ind-badge {_out(c.colour)}">{inner}</span>'


def _standing_cells(c: Any, inherited_note: str, covered: str) -> str:
    """A dashboard row's target, attainment and coverage cells (both dashboard tables)."""
    return (
        f'        <td class="num">{_target_cell(c, inherited_note)}</td>\n'
        f'        <td class="num">{_attained_cell(c)}</td>\n'
        f"        <td>{covered}</td>\n"
    )


@register.simple_tag
def child_rows(children: Any, period: Any, indicator: Any) -> SafeString:
    """The dashboard's table of the focus indicator by child unit (``(unit, Cell)`` pairs)."""
    if not children:
        return mark_safe(
            '<tr><td colspan="5" class="muted">Không có đơn vị nào khớp bộ lọc.</td></tr>\n    '
        )
    url = _unit_url("indicators-dashboard")
    query = f"?ky={_out(period.code)}&amp;chi_tieu={_out(indicator.code)}"
    inherited = ' <span class="muted">(kế thừa)</span>'
    decimals = indicator.decimals

    def row(child: Any, c: Any) -> str:
        coverage = c.coverage
        covered = (
            _out(coverage.label)
            if coverage.label
            else f"đủ ({_out(coverage.reported)}/{_out(coverage.expected)} đơn vị)"
        )
        return (
            "\n      <tr>\n"
            f'        <td><a href="{_out(url(child.key))}{query}">{_out(child.name)}</a></td>\n'
            f'        <td class="num">{_out(vn(c.shown, decimals))}</td>\n'
            f"{_standing_cells(c, inherited, covered)}"
            "      </tr>\n    "
        )

    extra = ("child_rows", query, decimals, url(""))
    return mark_safe(  # noqa: S308 - every value in it escaped
        "".join(
            _kept_rows.html((child, c), extra, functools.partial(row, child, c))
            for child, c in children
        )
    )


@register.simple_tag
def indicator_rows(rows: Any, period: Any, sparks: Any) -> SafeString:
    """The dashboard's table of every indicator at the unit (``dashboards.Row``), sparklines
    included."""
    inherited = ' <span class="muted" title="chỉ tiêu của cấp trên">(kế thừa)</span>'
    period_code = _out(period.code)
    parts = []
    for r in rows:
        c, indicator = r.cell, r.indicator
        shown = (
            f"{_out(vn(c.shown, indicator.decimals))} {_out(indicator.unit_label)}"
            if c.shown is not None
            else "—"
        )
        label = c.coverage.label
        covered = f'<span class="muted">{_out(label)}</span>' if label else "đủ"
        parts.append(
            "\n"
            f'      <tr class="ind-row-{_out(c.colour)}" data-status="{_out(c.coverage.status)}" '
            f'data-colour="{_out(c.colour)}">\n'
            f'        <td><a href="?ky={period_code}&amp;chi_tieu={_out(indicator.code)}">'
            f"{_out(indicator.name)}</a></td>\n"
            f'        <td class="num">{shown}</td>\n'
            f"{_standing_cells(c, inherited, covered)}"
            f"        <td>{spark(get_item(sparks, indicator.pk))}</td>\n"
            "      </tr>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value in it escaped


@register.simple_tag
def score_rows(rows: Any, period: Any, shown_cells: Any) -> SafeString:
    """The scorecard's rows of one group (``dashboards.ScoreRow``), their figure cells
    included; the task rate rounded as ``{% widthratio r.on_time 1 100 %}`` rounded it."""
    url = _unit_url("indicators-dashboard")
    query = f"?ky={_out(period.code)}"

    def row(r: Any, cells: Any) -> str:
        unit = r.unit
        on_time = f"{round(float(r.on_time) * 100)}%" if r.on_time is not None else "—"
        attainment = f"{_out(vn(r.attainment))}%" if r.attainment is not None else "—"
        return (
            "\n"
            f'      <tr data-unit="{_out(unit.key)}">\n'
            f'        <td class="num">{_out(r.rank) if r.rank else "—"}</td>\n'
            f'        <td><a href="{_out(url(unit.key))}{query}">{_out(unit.name)}</a></td>\n'
            f'        <td class="num"><strong>{_out(vn(r.score))}</strong></td>\n'
            f'        <td class="num">{attainment}</td>\n'
            f'        <td class="num">{on_time}</td>\n'
            f'        <td class="num" data-testid="coverage">{_out(r.coverage_label)}</td>\n'
            f"        {score_cells(cells)}\n"
            "      </tr>\n    "
        )

    head = url("")
    parts = []
    for r in rows:
        # A row is kept by its unit and its cells (the same objects while the child's figures
        # stay as they were) and by what the scorecard computes again on every view, as text
        # (Decimal("97.5") == Decimal("97.50"), but they are written apart).
        cells = shown_cells.get(r.unit.pk) if shown_cells else None
        shown = tuple(cells) if cells is not None else ()
        extra = (
            "score_row", cells is None, len(shown), r.rank, str(r.score), str(r.attainment),
            repr(r.on_time), r.coverage_label, query, head,
        )  # fmt: skip
        parts.append(_kept_rows.html((r.unit, *shown), extra, functools.partial(row, r, cells)))
    return mark_safe("".join(parts))  # noqa: S308 - every value in it escaped
