"""The catalogue, formulas, number reading, dashboards from roll-ups."""

from __future__ import annotations

from decimal import Decimal

import pytest

from namhoc.core.errors import DomainError
from namhoc.indicators.catalogue import catalogue_load, periods_ensure, read_catalogue
from namhoc.indicators.dashboards import dashboard, indicator_values, scorecard
from namhoc.indicators.formulas import FormulaError, parse
from namhoc.indicators.models import DataElement, Indicator, Target
from namhoc.indicators.tests.helpers import (
    TH_FIGURES,
    THCS_FIGURES,
    Figures,
    allocate,
    save_values,
    set_target,
)
from namhoc.indicators.validation import format_number


def test_the_catalogue_loads_twice_without_duplicates(db: None) -> None:
    first = catalogue_load()
    second = catalogue_load()
    assert first == second
    assert (first.elements, first.data_sets, first.indicators) == (49, 8, 35)
    assert Indicator.objects.count() == 35
    assert DataElement.objects.count() == 49
    # No official code is claimed: the catalogue says its codes are namhoc's own.
    assert not Indicator.objects.exclude(official_code="").exists()
    assert "không phải mã chính thức" in read_catalogue()["note"]


def test_a_broken_catalogue_changes_nothing(db: None) -> None:
    data = read_catalogue()
    data["indicators"][0]["numerator"] = "NOPE + "
    with pytest.raises(DomainError):
        catalogue_load(data)
    assert not Indicator.objects.exists()


def test_periods_of_a_school_year(db: None) -> None:
    start, semester, end = periods_ensure("2025-2026")
    assert (start.code, start.as_of.isoformat()) == ("2025-2026.DN", "2025-09-30")
    assert (semester.code, end.code) == ("2025-2026.HK1", "2025-2026.CN")
    assert periods_ensure("2025-2026") == [start, semester, end]
    with pytest.raises(DomainError):
        periods_ensure("2025-2027")


@pytest.mark.parametrize(
    ("text", "totals", "counts", "expected"),
    [
        ("A + B - C", {"A": 5, "B": 2, "C": 1}, {}, Decimal(6)),
        ("COUNT(A) + 1", {}, {"A": 3}, Decimal(4)),
        ("-A + 10", {"A": 4}, {}, Decimal(6)),
        ("A + B", {"A": 1}, {}, None),
    ],
)
def test_formulas(text: str, totals: dict, counts: dict, expected: Decimal | None) -> None:
    values = {k: Decimal(v) for k, v in totals.items()}
    assert parse(text).evaluate(values, counts) == expected


@pytest.mark.parametrize("text", ["", "A +", "A B", "A ++ B", "a + b", "A * B"])
def test_malformed_formulas_are_refused(text: str) -> None:
    with pytest.raises(FormulaError):
        parse(text)


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (1250, None, "1.250"),
        (Decimal("12.5"), None, "12,5"),
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (None, None, "—"),
        (Decimal("-3"), 1, "-3,0"),
    ],
)
def test_numbers_are_shown_the_vietnamese_way(
    value: object, decimals: int | None, shown: str
) -> None:
    assert format_number(value, decimals) == shown  # type: ignore[arg-type]


def test_indicators_come_from_rolled_up_sums_not_averages_of_rates(figures: Figures) -> None:
    f = figures
    # A1: 16 of 18 teachers qualified (88.9 %); B1 is preschool. A second primary school under
    # A2 would be needed for a province-level mix: use the legacy commune's successor path instead.
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a2,
        data_set=f.dn_thcs,
        period=f.start_2025,
        values=THCS_FIGURES,
    )
    indicator = Indicator.objects.get(code="TL_CHUAN_QG")
    gv = Indicator.objects.get(code="TL_HS_NU_PT")
    values = indicator_values([indicator, gv], [f.org.province_a.pk], [f.start_2025.pk])
    chuan = values[(indicator.pk, f.org.province_a.pk, f.start_2025.pk)]
    assert (chuan.numerator, chuan.denominator, chuan.value) == (
        Decimal(1),
        Decimal(2),
        Decimal("50.0"),
    )
    girls = values[(gv.pk, f.org.province_a.pk, f.start_2025.pk)]
    # (190 + 290) / (400 + 600) = 48.0 %, not the mean of 47.5 % and 48.3 % (47.9 %).
    assert girls.value == Decimal("48.0")


def test_dashboard_compares_with_own_or_inherited_targets(figures: Figures) -> None:
    f = figures
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2024,
        values={**TH_FIGURES, "TH_GV_CHUAN": 9},
    )
    indicator = Indicator.objects.get(code="TH_TL_GV_CHUAN")
    set_target(
        actor=f.province_approver,
        indicator=indicator,
        unit=f.org.province_a,
        school_year="2025-2026",
        value="95",
    )
    board = dashboard(f.org.commune_a1, f.start_2025, indicators=[indicator])
    row = board.rows[0]
    cell = row.cell
    assert (cell.value.value, cell.target, cell.inherited, cell.attained, cell.colour) == (
        Decimal("88.9"),
        Decimal(95),
        True,
        Decimal("93.6"),
        "warn",
    )
    assert [(p.school_year, v.value) for p, v in row.trend] == [
        ("2024-2025", Decimal("50.0")),
        ("2025-2026", Decimal("88.9")),
    ]
    assert [(u.key, c.shown) for u, c in board.breakdown] == [("s-a1", Decimal("88.9"))]


def test_scorecard_renormalises_weights_without_task_data(figures: Figures) -> None:
    f = figures
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    indicator = Indicator.objects.get(code="TH_TL_GV_CHUAN")
    set_target(
        actor=f.province_approver,
        indicator=indicator,
        unit=f.org.province_a,
        school_year="2025-2026",
        value="100",
    )
    card = scorecard(f.org.province_a, f.start_2025, indicators=[indicator])
    rows = {r.unit.key: r for r in card.rows}
    assert rows["c-a1"].attainment == Decimal("88.9")
    # No task due: the score is the attainment alone (weights re-normalised).
    assert rows["c-a1"].on_time is None
    assert rows["c-a1"].score == Decimal("88.9")
    assert rows["c-a1"].rank == 1
    assert rows["c-a2"].score is None


def test_allocation_of_a_total_must_add_up(figures: Figures) -> None:
    f = figures
    indicator = Indicator.objects.get(code="MN_TRE_5T")
    set_target(
        actor=f.province_approver,
        indicator=indicator,
        unit=f.org.province_a,
        school_year="2025-2026",
        value=1000,
    )
    with pytest.raises(DomainError) as caught:
        allocate(
            actor=f.province_approver,
            indicator=indicator,
            unit=f.org.province_a,
            school_year="2025-2026",
            allocations={f.org.commune_a1: 600},
        )
    assert (
        caught.value.message
        == "Tổng chỉ tiêu phân bổ (600) phải bằng chỉ tiêu của Tỉnh Phú An (1.000)."
    )
    result = allocate(
        actor=f.province_approver,
        indicator=indicator,
        unit=f.org.province_a,
        school_year="2025-2026",
        allocations={f.org.commune_a1: 600, f.org.commune_a2: 400},
    )
    assert sorted(t.value for t in result.targets) == [400, 600]
    # An allocated target is changed by the level above only.
    with pytest.raises(DomainError):
        set_target(
            actor=f.commune_approver,
            indicator=indicator,
            unit=f.org.commune_a1,
            school_year="2025-2026",
            value=10,
        )
    assert Target.objects.get(unit=f.org.commune_a1).value == 600


def test_allocating_rates_warns_when_children_fall_short(figures: Figures) -> None:
    f = figures
    save_values(
        actor=f.people.superuser,
        unit=f.org.school_a1,
        data_set=f.dn_th,
        period=f.start_2025,
        values=TH_FIGURES,
    )
    indicator = Indicator.objects.get(code="TH_TL_GV_CHUAN")
    set_target(
        actor=f.province_approver,
        indicator=indicator,
        unit=f.org.province_a,
        school_year="2025-2026",
        value=95,
    )
    result = allocate(
        actor=f.province_approver,
        indicator=indicator,
        unit=f.org.province_a,
        school_year="2025-2026",
        allocations={f.org.commune_a1: 90},
    )
    assert result.warning == (
        "Chỉ tiêu các đơn vị, tính theo quy mô (90,00), chưa đạt chỉ tiêu của Tỉnh Phú An (95)."
    )
