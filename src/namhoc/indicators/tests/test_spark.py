"""``{% spark %}`` writes a dashboard row's sparkline exactly as the included template did."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.template import Context, Template

from namhoc.indicators.charts import trend_chart

# ``indicators/_spark.html`` before the tag (issue 15), as the dashboard included it.
INCLUDED = Template(
    "{% load l10n %}{% localize off %}"
    '<svg class="ind-spark" width="{{ c.width }}" height="{{ c.height }}" '
    'viewBox="0 0 {{ c.width }} {{ c.height }}" role="img" aria-label="Xu hướng qua các năm học">\n'
    '  {% if c.target_y is not None %}<line class="ind-target-line" x1="0" x2="{{ c.width }}" '
    'y1="{{ c.target_y }}" y2="{{ c.target_y }}"/>{% endif %}\n'
    '  {% if c.polyline %}<polyline class="ind-line" points="{{ c.polyline }}"/>{% endif %}\n'
    "  {% for p in c.points %}{% if p.value is not None %}"
    '<circle class="ind-dot" cx="{{ p.x }}" cy="{{ p.y }}" r="2"/>{% endif %}{% endfor %}\n'
    "</svg>{% endlocalize %}\n"
)
TAG = Template("{% load figures %}{% spark c %}")


def _chart(series: list[tuple[str, Decimal | None]], target: Decimal | None) -> object:
    return trend_chart(series, target, width=120, height=36, pad=4, axis=False)


def test_the_tag_writes_what_the_template_wrote() -> None:
    charts = [
        _chart([("2023-2024", Decimal("33.3")), ("2024-2025", None), ("2025-2026", Decimal(35))],
               Decimal(34)),
        _chart([("2025-2026", Decimal("98.75"))], None),
        _chart([("2023-2024", None), ("2024-2025", None)], Decimal(100)),
        _chart([], None),
        _chart([("2021-2022", Decimal("0")), ("2022-2023", Decimal("1250000.5"))], Decimal("0.5")),
    ]  # fmt: skip
    for chart in charts:
        context = {"c": chart}
        assert TAG.render(Context(context)) == INCLUDED.render(Context(context))


def test_the_dashboard_draws_its_sparklines_with_the_tag() -> None:
    templates = Path(__file__).parents[2] / "web" / "templates" / "indicators"
    text = (templates / "dashboard.html").read_text(encoding="utf-8")
    # The indicator table's tag writes each row's sparkline with ``spark`` (test_table_rows).
    assert "{% indicator_rows board.rows period sparks %}" in text
    assert not (templates / "_spark.html").exists()
