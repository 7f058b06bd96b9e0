"""The province pages' table rows, written by template tags (issue 15), are what the templates'
loops wrote, byte for byte: the dashboard's rows by child unit and by indicator, the scorecard's
rows; names that need escaping, targets inherited or not, an empty table."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template import Context, Template

from namhoc.indicators import selectors
from namhoc.indicators.charts import trend_chart
from namhoc.indicators.models import Indicator
from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    THCS_FIGURES,
    Figures,
    save_values,
    set_target,
)
from namhoc.orgunits.models import OrgUnit

PERIOD = "2025-2026.DN"
TEMPLATES = Path(__file__).parents[2] / "web" / "templates" / "indicators"

# The loops before the tags, as dashboard.html and scorecard.html held them.
CHILDREN_LOOP = Template(
    "{% load figures %}"
    "{% for child, c in page.children %}\n"
    "      <tr>\n"
    '        <td><a href="'
    "{% url 'indicators-dashboard' child.key %}?ky={{ period.code }}&amp;chi_tieu={{ "
    'focus_row.indicator.code }}">{{ child.name }}</a></td>\n'
    '        <td class="num">{{ c.shown|vn:focus_row.indicator.decimals }}</td>\n'
    '        <td class="num">{% if c.target is not None %}{{ c.target|vn }}'
    '{% if c.inherited %} <span class="muted">(kế thừa)</span>{% endif %}'
    "{% else %}—{% endif %}</td>\n"
    '        <td class="num"><span class="ind-badge {{ c.colour }}">'
    "{% if c.attained is not None %}{{ c.attained|vn }}%{% else %}—{% endif %}</span></td>\n"
    "        <td>{% if c.coverage.label %}{{ c.coverage.label }}"
    "{% else %}đủ ({{ c.coverage.reported }}/{{ c.coverage.expected }} đơn vị)"
    "{% endif %}</td>\n"
    "      </tr>\n"
    "    "
    '{% empty %}<tr><td colspan="5" class="muted">Không có đơn vị nào khớp bộ lọc.</t'
    "d></tr>\n"
    "    {% endfor %}"
)
INDICATORS_LOOP = Template(
    "{% load figures %}"
    "{% for r in board.rows %}{% with c=r.cell %}\n"
    '      <tr class="ind-row-{{ c.colour }}" data-status="{{ c.coverage.status }}" d'
    'ata-colour="{{ c.colour }}">\n'
    '        <td><a href="?ky={{ period.code }}&amp;chi_tieu={{ r.indicator.code }}">'
    "{{ r.indicator.name }}</a></td>\n"
    '        <td class="num">'
    "{% if c.shown is not None %}{{ c.shown|vn:r.indicator.decimals }} {{ r.indicator"
    ".unit_label }}{% else %}—{% endif %}</td>\n"
    '        <td class="num">{% if c.target is not None %}{{ c.target|vn }}'
    '{% if c.inherited %} <span class="muted" title="chỉ tiêu của cấp trên">(kế thừa)'
    "</span>{% endif %}{% else %}—{% endif %}</td>\n"
    '        <td class="num"><span class="ind-badge {{ c.colour }}">'
    "{% if c.attained is not None %}{{ c.attained|vn }}%{% else %}—{% endif %}</span></td>\n"
    "        <td>"
    '{% if c.coverage.label %}<span class="muted">{{ c.coverage.label }}</span>'
    "{% else %}đủ{% endif %}</td>\n"
    "        <td>{% spark sparks|get_item:r.indicator.pk %}</td>\n"
    "      </tr>\n"
    "    {% endwith %}{% endfor %}"
)
SCORE_LOOP = Template(
    "{% load figures %}"
    "{% for r in group.rows %}\n"
    '      <tr data-unit="{{ r.unit.key }}">\n'
    '        <td class="num">{% if r.rank %}{{ r.rank }}{% else %}—{% endif %}</td>\n'
    '        <td><a href="'
    "{% url 'indicators-dashboard' r.unit.key %}?ky={{ period.code }}\">{{ r.unit.name"
    " }}</a></td>\n"
    '        <td class="num"><strong>{{ r.score|vn }}</strong></td>\n'
    '        <td class="num">'
    "{% if r.attainment is not None %}{{ r.attainment|vn }}%{% else %}—{% endif %}</td>\n"
    '        <td class="num">{% if r.on_time is not None %}'
    "{% widthratio r.on_time 1 100 %}%{% else %}—{% endif %}</td>\n"
    '        <td class="num" data-testid="coverage">{{ r.coverage_label }}</td>\n'
    "        {% score_cells page.shown_cells|get_item:r.unit.pk %}\n"
    "      </tr>\n"
    "    {% endfor %}"
)
CHILDREN_TAG = Template(
    "{% load figures %}{% child_rows page.children period focus_row.indicator %}"
)
INDICATORS_TAG = Template("{% load figures %}{% indicator_rows board.rows period sparks %}")
SCORE_TAG = Template("{% load figures %}{% score_rows group.rows period page.shown_cells %}")


def _both(old: Template, new: Template, context: dict[str, Any]) -> tuple[str, str]:
    return new.render(Context(context)), old.render(Context(context))


def _province_with_figures(f: Figures) -> None:
    people = f.people
    for unit, data_set, values in (
        (f.org.school_a1, f.dn_th, TH_FIGURES),
        (f.org.school_a2, f.dn_thcs, THCS_FIGURES),
    ):
        save_values(actor=people.superuser, unit=unit, data_set=data_set, period=f.start_2025,
                    values=values)  # fmt: skip
    indicators = list(Indicator.objects.order_by("pk"))
    set_target(actor=people.superuser, indicator=indicators[0], unit=f.org.province_a,
               school_year="2025-2026", value=Decimal("30.5"))  # fmt: skip
    set_target(actor=people.superuser, indicator=indicators[1], unit=f.org.commune_a1,
               school_year="2025-2026", value=Decimal(95))  # fmt: skip
    OrgUnit.objects.filter(pk=f.org.commune_a1.pk).update(name="Xã <An> & “Lạc” của tỉnh")


def test_the_dashboard_rows_are_what_the_loops_wrote(figures: Figures) -> None:
    f = figures
    _province_with_figures(f)
    officer = f.people.province_officer
    seen = 0
    for indicator in Indicator.objects.order_by("pk"):
        page = selectors.dashboard_page(
            officer, unit_key="p-a", period_code=PERIOD, indicator_code=indicator.code
        )
        sparks = {
            r.indicator.pk: trend_chart(
                [(p.school_year, v.value) for p, v in r.trend], r.cell.target,
                width=120, height=36, pad=4, axis=False,
            )
            for r in page.board.rows
        }  # fmt: skip
        context = {
            "page": page,
            "board": page.board,
            "period": page.period,
            "focus_row": page.focus_row,
            "sparks": sparks,
        }
        new, old = _both(CHILDREN_LOOP, CHILDREN_TAG, context)
        assert new == old
        seen += bool(page.children)
        new, old = _both(INDICATORS_LOOP, INDICATORS_TAG, context)
        assert new == old
    assert seen  # some focus had children with figures
    empty = {"page": {"children": []}, "period": f.start_2025, "focus_row": None}
    assert CHILDREN_TAG.render(Context(empty)) == CHILDREN_LOOP.render(Context(empty))


def test_the_scorecard_rows_are_what_the_loop_wrote(figures: Figures) -> None:
    f = figures
    _province_with_figures(f)
    page = selectors.scorecard_page(f.people.province_officer, unit_key="p-a", period_code=PERIOD)
    assert page.groups
    for group in page.groups:
        context = {"group": group, "page": page, "period": page.period}
        new, old = _both(SCORE_LOOP, SCORE_TAG, context)
        assert new == old
        assert "&lt;An&gt; &amp; “Lạc”" in new or "An" not in old
    # A rank, a task rate and an attainment as the loop wrote them.
    row = page.groups[0].rows[0]
    for rank, on_time, attainment in (
        (0, None, None),
        (3, 0.875, Decimal("97.5")),
        (1, 1.0, Decimal(0)),
    ):
        row.rank, row.on_time, row.attainment = rank, on_time, attainment
        context = {"group": page.groups[0], "page": page, "period": page.period}
        new, old = _both(SCORE_LOOP, SCORE_TAG, context)
        assert new == old


def test_the_pages_write_their_rows_with_the_tags() -> None:
    dashboard = (TEMPLATES / "dashboard.html").read_text(encoding="utf-8")
    scorecard = (TEMPLATES / "scorecard.html").read_text(encoding="utf-8")
    assert "{% child_rows page.children period focus_row.indicator %}" in dashboard
    assert "{% indicator_rows board.rows period sparks %}" in dashboard
    assert "{% score_rows group.rows period page.shown_cells %}" in scorecard
    assert "{% for child, c in page.children %}" not in dashboard
    assert "{% for r in group.rows %}" not in scorecard


def test_a_number_is_written_as_the_template_writes_it(settings: Any) -> None:
    """The rows' writer takes a shortcut for whole numbers: it must keep following the
    thousand-separator setting as ``{{ value }}`` does."""
    from namhoc.indicators.templatetags.figures import _out

    variable = Template("{{ value }}")
    for grouping in (False, True):
        settings.USE_THOUSAND_SEPARATOR = grouping
        for value in (0, 7, -12, 1234567, True, Decimal("1234.5"), 2.5, "a<b"):
            assert _out(value) == variable.render(Context({"value": value})), (grouping, value)


def _tables(html: str) -> list[str]:
    return re.findall(r"<tbody.*?</tbody>", html, flags=re.DOTALL)


def test_rows_kept_by_their_cells_are_written_anew_when_a_save_moves_them(
    figures: Figures, client_of: Any
) -> None:
    """The rows' HTML is kept by the identity of the cells and units it shows (``_Kept``): a
    view after a save equals the same view with every cache emptied, and moved."""
    from django.core.cache import cache

    from namhoc.indicators import pagecache
    from namhoc.indicators.templatetags import figures as tags

    f = figures
    _province_with_figures(f)
    officer = client_of(f.people.province_officer)
    for url in (
        f"/so-lieu/p-a/tong-quan/?ky={PERIOD}&chi_tieu=TH_HS_LOP",
        f"/so-lieu/p-a/xep-hang/?ky={PERIOD}",
    ):
        first = _tables(officer.get(url).content.decode())
        assert first
        assert _tables(officer.get(url).content.decode()) == first
        save_values(actor=f.people.superuser, unit=f.org.school_a1, data_set=f.dn_th,
                    period=f.start_2025, values={"TH_HS": 480, "TH_LOP": 10})  # fmt: skip
        after = _tables(officer.get(url).content.decode())
        cache.clear()
        pagecache.forget_local()
        tags._kept_rows.clear()
        assert after == _tables(officer.get(url).content.decode())
        assert after != first
        save_values(actor=f.people.superuser, unit=f.org.school_a1, data_set=f.dn_th,
                    period=f.start_2025, values=TH_FIGURES)  # fmt: skip


def test_kept_html_follows_the_objects_identity_and_its_size() -> None:
    from namhoc.indicators.templatetags.figures import _Kept

    kept = _Kept(2)
    written: list[str] = []

    def write(text: str) -> Any:
        def writer() -> str:
            written.append(text)
            return text

        return writer

    a, b = [1], [1]  # equal, not the same object
    assert kept.html((a,), ("x",), write("a")) == "a"
    assert kept.html((a,), ("x",), write("again")) == "a"  # the same object: kept
    assert kept.html((b,), ("x",), write("b")) == "b"  # an equal one is written
    assert kept.html((a,), ("y",), write("a-y")) == "a-y"  # other arguments
    assert written == ["a", "b", "a-y"]
    assert kept.html((a,), ("x",), write("a2")) == "a2"  # the oldest of three went
