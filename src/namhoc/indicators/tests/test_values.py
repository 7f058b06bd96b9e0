"""Writing figures: validation messages, versions, roll-ups of every ancestor, reform mapping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from namhoc.core.errors import Conflict, DomainError, Forbidden, NotFound
from namhoc.core.models_audit import AuditEvent
from namhoc.indicators.models import Aggregate, DataValue, RollupEdge
from namhoc.indicators.rollup import recompute_from_raw, rollup_rebuild
from namhoc.indicators.services import InvalidValues, StaleValues, value_set
from namhoc.indicators.tests.helpers import Figures, aggregate, save_values


def save(f: Figures, values: dict[str, object], **kw: object) -> object:
    return save_values(
        actor=kw.pop("actor", f.people.school_principal),
        unit=kw.pop("unit", f.org.school_a1),
        data_set=kw.pop("data_set", f.dn_th),
        period=kw.pop("period", f.start_2025),
        values=values,
        **kw,  # type: ignore[arg-type]
    )


def test_a_value_rolls_up_to_every_ancestor_in_the_same_write(figures: Figures) -> None:
    f = figures
    result = save(f, {"TH_HS": "1.250", "TH_HS_NU": "600"})
    assert result.created == 2
    for unit in (f.org.commune_a1, f.org.province_a, f.org.ministry):
        assert aggregate(unit, "TH_HS", f.start_2025) == (Decimal(1250), 1)
    # A school is a leaf: its figures are its values, it has no aggregate row of its own.
    assert aggregate(f.org.school_a1, "TH_HS", f.start_2025) is None
    assert aggregate(f.org.commune_a2, "TH_HS", f.start_2025) is None
    assert aggregate(f.org.province_b, "TH_HS", f.start_2025) is None

    save(f, {"TH_HS": "1300"})
    save(f, {"TH_HS_NU": ""})
    assert aggregate(f.org.ministry, "TH_HS", f.start_2025) == (Decimal(1300), 1)
    assert aggregate(f.org.ministry, "TH_HS_NU", f.start_2025) == (Decimal(0), 0)
    assert not DataValue.objects.filter(element__code="TH_HS_NU").exists()


def test_every_change_is_audited_with_old_and_new(figures: Figures) -> None:
    f = figures
    save(f, {"TH_HS": 400})
    save(f, {"TH_HS": 410})
    save(f, {"TH_HS": None})
    rows = list(AuditEvent.objects.filter(action__startswith="indicators.value").order_by("id"))
    assert [(r.action, r.changes["value"], r.unit_id) for r in rows] == [
        ("indicators.value_create", [None, "400"], f.org.school_a1.pk),
        ("indicators.value_update", ["400.00", "410"], f.org.school_a1.pk),
        ("indicators.value_delete", ["410.00", None], f.org.school_a1.pk),
    ]
    assert {r.actor_id for r in rows} == {f.people.school_principal.pk}


def test_a_changed_figure_says_when_and_by_whom_it_was_last_changed(figures: Figures) -> None:
    f = figures
    first, later = (
        dt.datetime(2026, 9, 28, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 9, 30, 15, 30, tzinfo=dt.UTC),
    )
    with mock.patch("django.utils.timezone.now", return_value=first):
        save(f, {"TH_HS": 400, "TH_GV": 18})
    with mock.patch("django.utils.timezone.now", return_value=later):
        save(f, {"TH_HS": 410})
    stamps = {
        v.element.code: (v.updated_at, v.updated_by_id)
        for v in DataValue.objects.filter(unit=f.org.school_a1).select_related("element")
    }
    principal = f.people.school_principal.pk
    assert stamps == {"TH_HS": (later, principal), "TH_GV": (first, principal)}


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("TH_HS", "mười", "Phải là một số, ví dụ 1.250 hoặc 12,5."),
        ("TH_HS", "-5", "Không được là số âm."),
        ("TH_HS", "12,5", "Phải là số nguyên (không có phần thập phân)."),
        ("TH_CHUAN_QG", "2", "Chỉ nhận 1 (có, đạt) hoặc 0 (không, chưa đạt)."),
        ("TH_HS", "1" * 20, "Không được lớn hơn 9.999.999.999.999.999."),
    ],
)
def test_wrong_figures_get_a_vietnamese_message_and_nothing_is_saved(
    figures: Figures, code: str, typed: str, message: str
) -> None:
    with pytest.raises(InvalidValues) as caught:
        save(figures, {"TH_LOP": 10, code: typed})
    assert caught.value.errors == {code: [message]}
    assert caught.value.status == 400
    assert not DataValue.objects.exists()
    assert not Aggregate.objects.exists()


def test_rules_between_figures_use_what_is_stored_and_what_is_typed(figures: Figures) -> None:
    f = figures
    save(f, {"TH_HS": 400})
    with pytest.raises(InvalidValues) as caught:
        save(f, {"TH_HS_NU": "1.250", "TH_GV": 10, "TH_GV_CHUAN": 12})
    assert caught.value.errors == {
        "TH_HS_NU": ["Số học sinh nữ (1.250) không được lớn hơn tổng số học sinh (400)."],
        "TH_GV_CHUAN": ["Số giáo viên đạt chuẩn (12) không được lớn hơn số giáo viên (10)."],
    }
    assert DataValue.objects.count() == 1
    # Lowering the total under a stored part is caught too.
    save(f, {"TH_HS_NU": 190})
    with pytest.raises(InvalidValues) as caught:
        save(f, {"TH_HS": 100})
    assert caught.value.errors == {
        "TH_HS_NU": ["Số học sinh nữ (190) không được lớn hơn tổng số học sinh (100)."]
    }


def test_an_edit_made_on_a_stale_version_is_refused_not_lost(figures: Figures) -> None:
    f = figures
    first = save(f, {"TH_HS": 400})
    version = first.versions["TH_HS"]
    save(f, {"TH_HS": 410}, versions={"TH_HS": version})  # Lan saves
    with pytest.raises(StaleValues) as caught:  # Minh, who opened the form before, saves
        save(f, {"TH_HS": 420}, versions={"TH_HS": version})
    assert caught.value.status == 409
    assert caught.value.errors == {"TH_HS": ["Đã được sửa thành 410 sau khi bạn mở biểu."]}
    assert DataValue.objects.get().value == 410
    assert aggregate(f.org.ministry, "TH_HS", f.start_2025) == (Decimal(410), 1)
    # Someone else created the figure while the form showed it empty.
    save(f, {"TH_LOP": 5}, versions={"TH_LOP": None})
    with pytest.raises(StaleValues):
        save(f, {"TH_LOP": 6}, versions={"TH_LOP": None})


@pytest.mark.parametrize(
    ("user", "error"),
    [("outsider", NotFound), ("viewer", Forbidden), ("province_admin", Forbidden)],
)
def test_who_may_not_enter_figures_changes_nothing(
    figures: Figures, user: str, error: type[DomainError]
) -> None:
    with pytest.raises(error):
        save(figures, {"TH_HS": 400}, actor=getattr(figures.people, user))
    assert not DataValue.objects.exists()
    assert not Aggregate.objects.exists()


def test_a_unit_enters_only_data_sets_and_periods_it_reports(figures: Figures) -> None:
    f = figures
    with pytest.raises(DomainError) as caught:
        save(f, {"THCS_HS": 10}, data_set=f.dn_thcs)
    assert (
        caught.value.message
        == "Trường Tiểu học An Lạc không báo cáo biểu “Báo cáo đầu năm — trung học cơ sở”."
    )
    with pytest.raises(DomainError) as caught:
        save(f, {"TH_HS": 10}, period=f.end_2025)
    assert caught.value.code == "wrong_period"
    with pytest.raises(DomainError) as caught:
        save(f, {"THCS_HS": 10})
    assert caught.value.code == "unknown_element"


def test_a_dissolved_units_figures_count_toward_its_successor(figures: Figures) -> None:
    f = figures
    save_values(
        actor=f.people.superuser,
        unit=f.legacy_commune,
        data_set=f.ds_xa,
        period=f.start_2024,
        values={"DS_5T": 80},
    )
    save_values(
        actor=f.people.superuser,
        unit=f.org.commune_a1,
        data_set=f.ds_xa,
        period=f.start_2024,
        values={"DS_5T": 120},
    )
    counted = {
        unit.key: aggregate(unit, "DS_5T", f.start_2024)
        for unit in (
            f.legacy_commune,
            f.org.district_a_old,
            f.org.commune_a1,
            f.org.commune_a2,
            f.org.province_a,
            f.org.ministry,
        )
    }
    assert counted == {
        "c-old-1": (Decimal(80), 1),
        "d-a-old": (Decimal(80), 1),  # the dissolved district keeps its historic total
        "c-a1": (Decimal(200), 2),  # the successor carries the legacy commune's figures
        "c-a2": None,
        "p-a": (Decimal(200), 2),
        "bo": (Decimal(200), 2),
    }
    edges = set(
        RollupEdge.objects.filter(unit=f.legacy_commune).values_list("target__key", flat=True)
    )
    assert edges == {"c-old-1", "d-a-old", "c-a1", "p-a", "bo"}


def test_rebuild_after_a_change_of_the_tree_reattributes_figures(figures: Figures) -> None:
    f = figures
    save(f, {"TH_HS": 400})
    # The school moves to commune A2 (e.g. a correction of the reform mapping).
    school = f.org.school_a1
    school.parent = f.org.commune_a2
    school.path = f.org.commune_a2.path + "0009"
    school.save()
    assert aggregate(f.org.commune_a1, "TH_HS", f.start_2025) == (Decimal(400), 1)
    rows = rollup_rebuild()
    assert rows > 0
    assert aggregate(f.org.commune_a1, "TH_HS", f.start_2025) is None
    assert aggregate(f.org.commune_a2, "TH_HS", f.start_2025) == (Decimal(400), 1)
    assert aggregate(f.org.province_a, "TH_HS", f.start_2025) == (Decimal(400), 1)


def test_value_set_writes_one_figure(figures: Figures) -> None:
    f = figures
    result = value_set(
        actor=f.people.school_principal,
        unit_key="s-a1",
        period_code="2025-2026.DN",
        data_set_code="DN_TH",
        element_code="TH_HS",
        value="400",
    )
    assert result.versions == {"TH_HS": 1}
    with pytest.raises(Conflict):
        value_set(
            actor=f.people.school_principal,
            unit_key="s-a1",
            period_code="2025-2026.DN",
            data_set_code="DN_TH",
            element_code="TH_HS",
            value="401",
            version=None,
        )


# --- the property: roll-ups equal a recomputation from raw values -----------------------------

# Where each unit's figures must count, written out by hand from the fixed tree (not computed
# by the code under test).
EXPECTED_TARGETS = {
    "s-a1": {"c-a1", "p-a", "bo"},  # schools are leaves: no aggregate of their own
    "s-a2": {"c-a2", "p-a", "bo"},
    "s-b1": {"c-b1", "p-b", "bo"},
    "c-a1": {"c-a1", "p-a", "bo"},
    "c-old-1": {"c-old-1", "d-a-old", "c-a1", "p-a", "bo"},
}
WRITES = {  # unit key -> (data set attribute, elements without rules between them)
    "s-a1": ("dn_th", ["TH_HS", "TH_PHONG", "TH_GV"]),
    "s-a2": ("dn_thcs", ["THCS_HS", "THCS_GV"]),
    "s-b1": ("dn_mn", ["MN_HS", "MN_GV"]),
    "c-a1": ("ds_xa", ["DS_5T", "DS_6_10"]),
    "c-old-1": ("ds_xa", ["DS_5T", "DS_6_10"]),
}

operation = st.sampled_from(sorted(WRITES)).flatmap(
    lambda key: st.tuples(
        st.just(key),
        st.sampled_from(WRITES[key][1]),
        st.sampled_from(["start_2025", "start_2024"]),
        st.one_of(
            st.none(),
            st.integers(min_value=0, max_value=10**9),
            st.decimals(min_value=0, max_value=10**6, places=0, allow_nan=False),
        ),
    )
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=20))
def test_rollups_equal_a_recomputation_from_raw_values_after_random_writes(
    figures: Figures, operations: list[tuple[str, str, str, object]]
) -> None:
    f = figures
    units = {
        u.key: u
        for u in (
            f.org.school_a1,
            f.org.school_a2,
            f.org.school_b1,
            f.org.commune_a1,
            f.legacy_commune,
        )
    }
    with transaction.atomic():
        for key, code, period_name, value in operations:
            save_values(
                actor=f.people.superuser,
                unit=units[key],
                data_set=getattr(f, WRITES[key][0]),
                period=getattr(f, period_name),
                values={code: value},
            )
        expected: dict[tuple[str, str, int], tuple[Decimal, int]] = {}
        for unit_key, code, period_id, value in DataValue.objects.values_list(
            "unit__key", "element__code", "period_id", "value"
        ):
            for target in EXPECTED_TARGETS[unit_key]:
                total, count = expected.get((target, code, period_id), (Decimal(0), 0))
                expected[(target, code, period_id)] = (total + value, count + 1)
        stored = {
            (unit_key, code, period_id): (total, count)
            for unit_key, code, period_id, total, count in Aggregate.objects.values_list(
                "unit__key", "element__code", "period_id", "total", "count"
            )
            if count != 0 or total != 0
        }
        assert stored == expected
        by_id = {
            (unit_id, element_id, period_id): (total, count)
            for unit_id, element_id, period_id, total, count in Aggregate.objects.values_list(
                "unit_id", "element_id", "period_id", "total", "count"
            )
            if count != 0 or total != 0
        }
        assert by_id == recompute_from_raw()
        transaction.set_rollback(True)


def test_the_written_out_figures_read_equals_the_orm(figures: Figures) -> None:
    """``unit_figures`` (every entry page and save reads through it) gives the ORM's rows:
    the same values as Decimals of the column's scale, versions, only this unit, period and
    these elements, in id order."""
    from namhoc.indicators.models import DataElement
    from namhoc.indicators.selectors.figures import unit_figures

    f = figures
    save(f, {"TH_HS": "1.250", "TH_HS_NU": "600"})
    save(f, {"TH_HS": "1251"})
    save(f, {"TH_HS": "8"}, period=f.start_2024)
    by_code = {e.code: e.pk for e in DataElement.objects.filter(code__in=["TH_HS", "TH_HS_NU"])}
    DataValue.objects.create(  # another school's figure (written directly: only read here)
        unit=f.org.school_a2, period=f.start_2025, element_id=by_code["TH_HS"], value=7
    )
    ids = [*by_code.values(), 10**9]
    with transaction.atomic():
        read = unit_figures(f.org.school_a1, f.start_2025, ids, for_update=True)
    orm = DataValue.objects.filter(
        unit=f.org.school_a1, period=f.start_2025, element_id__in=ids
    ).order_by("pk")
    assert [(k, r.pk, r.value, str(r.value), r.version) for k, r in read.items()] == [
        (r.element_id, r.pk, r.value, str(r.value), r.version) for r in orm
    ]
    shown = {k: (str(r.value), r.version) for k, r in read.items()}
    assert shown == {by_code["TH_HS"]: ("1251.00", 2), by_code["TH_HS_NU"]: ("600.00", 1)}
    assert all(isinstance(r.value, Decimal) for r in read.values())
    assert unit_figures(f.org.school_a1, f.start_2025, []) == {}
    only = unit_figures(f.org.school_a1, f.start_2024, ids)
    assert [(str(r.value), r.unit_id) for r in only.values()] == [("8.00", f.org.school_a1.pk)]
