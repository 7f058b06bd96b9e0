"""``{% score_cells %}`` writes a scorecard row's cells exactly as the template loop it replaced."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template

from namhoc.indicators.coverage import Coverage
from namhoc.indicators.dashboards import NO_VALUE, Cell, IndicatorValue
from namhoc.indicators.models import Indicator

# The loop scorecard.html held before the tag (issue 15).
LOOP = Template(
    "{% load figures %}"
    '{% for c in cells %}<td class="num">{% if c.shown is not None %}<span class="ind-badge '
    '{{ c.colour }}">{{ c.shown|vn:c.indicator.decimals }}</span>{% if c.coverage.status == '
    '"partial" %} <span class="muted">{{ c.coverage.label }}</span>{% endif %}{% elif '
    'c.coverage.label %}<span class="muted">{{ c.coverage.label }}</span>{% else %}—{% endif %}'
    "</td>{% endfor %}"
)
TAG = Template("{% load figures %}{% score_cells cells %}")


def _cell(status: str, value: Decimal | None, label: str = "", decimals: int = 1) -> Cell:
    indicator = Indicator(code="X", name="X", decimals=decimals)
    return Cell(
        indicator=indicator,
        value=IndicatorValue(value, Decimal(1), value) if value is not None else NO_VALUE,
        coverage=Coverage(status, 3, 5, label=label),  # type: ignore[arg-type]
        target=None,
        inherited=False,
        attained=None,
        colour="good" if value is not None else "none",
    )


def test_the_tag_writes_what_the_loop_wrote() -> None:
    cells = [
        _cell("ok", Decimal("1250.55"), decimals=2),
        _cell("ok", Decimal("33.3")),
        _cell("partial", Decimal("12.5"), "chưa đủ số liệu (3/5 đơn vị)"),
        _cell("not_due", None, "chưa đến kỳ (số liệu tính đến 30/09/2025)"),
        _cell("none", None, "không có <đơn vị> báo cáo & “x”"),  # escaped alike
        _cell("none", None),
        _cell("partial", None, "chưa đủ số liệu (0/5 đơn vị)"),
    ]
    assert TAG.render(Context({"cells": cells})) == LOOP.render(Context({"cells": cells}))
    assert TAG.render(Context({"cells": []})) == ""
    assert TAG.render(Context({"cells": None})) == LOOP.render(Context({"cells": None})) == ""
