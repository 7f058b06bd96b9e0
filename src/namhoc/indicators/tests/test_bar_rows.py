"""``{% bar_rows %}`` writes the dashboard's bars exactly as the template loop it replaced."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.template import Context, Template

from namhoc.indicators.charts import bar_chart

# The loop dashboard.html held before the tag (issue 15), inside the page's ``localize off``.
LOOP = Template(
    "{% load figures l10n %}{% localize off %}"
    "        {% for b in bars.bars %}\n"
    '          <text class="ind-label" x="{{ bars.label_width }}" y="{{ b.y }}" dx="-6" dy="17" '
    'text-anchor="end">{{ b.short }}</text>\n'
    '          <rect class="ind-bar ind-{{ b.colour }}" x="{{ bars.label_width }}" y="{{ b.y }}" '
    'width="{{ b.width }}" height="18"><title>{{ b.label }}: {{ b.value|vn }}{% if b.note %} '
    "({{ b.note }}){% endif %}</title></rect>\n"
    '          <text class="ind-label" x="{{ bars.label_width }}" y="{{ b.y }}" '
    'dx="{{ b.width }}" dy="14">&nbsp;{% if b.value is not None %}{{ b.value|vn }}{% endif %}'
    "{% if b.note %} {{ b.note }}{% endif %}</text>\n"
    '          {% if b.target_x is not None %}<line class="ind-target-tick" x1="{{ b.target_x }}" '
    'x2="{{ b.target_x }}" y1="{{ b.y }}" y2="{{ b.y|add:20 }}"/>{% endif %}\n'
    "        {% endfor %}\n{% endlocalize %}"
)
TAG = Template(
    "{% load figures l10n %}{% localize off %}        {% bar_rows bars %}\n{% endlocalize %}"
)


def test_the_tag_writes_what_the_loop_wrote() -> None:
    chart = bar_chart(
        [
            ("Phường Hồng Bàng", Decimal("1250.5"), Decimal(1300), "good", ""),
            ("Xã <An> “Lão” & Tiên Lãng của thành phố Hải Phòng", Decimal(12), None, "bad", ""),
            ("Xã Kiến Thụy", None, Decimal(50), "none", "chưa đủ số liệu (3/5 đơn vị)"),
            ("Xã Vĩnh Bảo", Decimal("0"), None, "warn", "chưa đến kỳ"),
            ("Xã Bạch Long Vĩ", Decimal("33.333"), Decimal("33.3"), "good", ""),
        ]
    )
    context = {"bars": chart}
    assert TAG.render(Context(context)) == LOOP.render(Context(context))
    empty = {"bars": bar_chart([])}
    assert TAG.render(Context(empty)) == LOOP.render(Context(empty))


def test_the_dashboard_draws_its_bars_with_the_tag() -> None:
    page = Path(__file__).parents[2] / "web" / "templates" / "indicators" / "dashboard.html"
    text = page.read_text(encoding="utf-8")
    assert "{% bar_rows bars %}" in text
    assert "{% for b in bars.bars %}" not in text
