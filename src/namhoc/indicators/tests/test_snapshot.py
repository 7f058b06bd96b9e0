"""The catalogue snapshot (``indicators.snapshot``): one query while nothing changed, every
change of any of its five tables seen at the next use, and rows read while the catalogue moved
never kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from namhoc.indicators import snapshot
from namhoc.indicators.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Period,
    ValidationRule,
)
from namhoc.indicators.services import InvalidValues
from namhoc.indicators.tests.helpers import Figures, save_values


@pytest.fixture(autouse=True)
def _fresh() -> Any:
    snapshot.forget()
    yield
    snapshot.forget()


def _members(f: Figures) -> list[DataSetElement]:
    return snapshot.catalogue().members_of(f.dn_th)


def test_one_query_while_nothing_changed(figures: Figures) -> None:
    first = snapshot.catalogue()
    with CaptureQueriesContext(connection) as queries:
        again = snapshot.catalogue()
    assert again is first
    assert len(queries.captured_queries) == 1
    assert [p.code for p in first.periods] == [
        p.code for p in Period.objects.order_by("as_of", "start", "pk")
    ]
    assert [m.element.code for m in first.members_of(figures.dn_th)] == [
        m.element.code
        for m in DataSetElement.objects.filter(data_set=figures.dn_th).order_by("order", "pk")
    ]
    assert {r.code for r in first.rules_of(figures.dn_th)} == set(
        figures.dn_th.rules.values_list("code", flat=True)
    )
    assert first.data_set("DN_TH") == figures.dn_th
    assert first.data_set("KHONG_CO") is None
    assert first.data_set(["DN_TH"]) is None


def _rename_period(f: Figures) -> Callable[[], object]:
    Period.objects.filter(pk=f.start_2025.pk).update(name="Đầu năm học (đã sửa)")
    return lambda: next(p.name for p in snapshot.catalogue().periods if p.pk == f.start_2025.pk)


def _add_period(f: Figures) -> Callable[[], object]:
    Period.objects.create(
        code="2030-2031.DN",
        school_year="2030-2031",
        kind=Period.Kind.START,
        name="Đầu năm học 2030-2031",
        start=dt.date(2030, 9, 1),
        end=dt.date(2030, 9, 30),
        as_of=dt.date(2030, 9, 30),
        due=dt.date(2030, 10, 15),
    )
    return lambda: snapshot.catalogue().periods[-1].code


def _rename_data_set(f: Figures) -> Callable[[], object]:
    DataSet.objects.filter(pk=f.dn_th.pk).update(name="Biểu đầu năm (đã sửa)")
    return lambda: snapshot.catalogue().data_set("DN_TH").name  # type: ignore[union-attr]


def _reorder_members(f: Figures) -> Callable[[], object]:
    last = DataSetElement.objects.filter(data_set=f.dn_th).order_by("-order").first()
    assert last is not None
    DataSetElement.objects.filter(pk=last.pk).update(order=0, required=False)
    return lambda: (_members(f)[0].element_id, _members(f)[0].required)


def _rename_element(f: Figures) -> Callable[[], object]:
    DataElement.objects.filter(code="TH_HS").update(name="Tổng số học sinh (đã sửa)")
    return lambda: next(m.element.name for m in _members(f) if m.element.code == "TH_HS")


def _blank_to_null_like_text(f: Figures) -> Callable[[], object]:
    # A rule's message set to '-' (what a NULL is written as) must still read as a change.
    ValidationRule.objects.filter(data_set=f.dn_th).update(message="-")
    return lambda: {r.message for r in snapshot.catalogue().rules_of(f.dn_th)}


def _drop_rules(f: Figures) -> Callable[[], object]:
    ValidationRule.objects.filter(data_set=f.dn_th).delete()
    return lambda: snapshot.catalogue().rules_of(f.dn_th)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_rename_period, "Đầu năm học (đã sửa)"),
        (_add_period, "2030-2031.DN"),
        (_rename_data_set, "Biểu đầu năm (đã sửa)"),
        (_reorder_members, "first-moved"),
        (_rename_element, "Tổng số học sinh (đã sửa)"),
        (_blank_to_null_like_text, {"-"}),
        (_drop_rules, []),
    ],
)
def test_every_change_of_the_catalogue_is_read_at_once(
    figures: Figures, change: Callable[[Figures], Callable[[], object]], expected: object
) -> None:
    before = snapshot.catalogue()
    moved_member = DataSetElement.objects.filter(data_set=figures.dn_th).order_by("-order").first()
    read = change(figures)
    after = snapshot.catalogue()
    assert after.digest != before.digest
    if expected == "first-moved":
        assert moved_member is not None
        assert read() == (moved_member.element_id, False)
    else:
        assert read() == expected


def test_rows_read_while_the_catalogue_moved_are_used_once_not_kept(figures: Figures) -> None:
    with (
        mock.patch.object(snapshot, "_digest", side_effect=["a", "b", "c", "c", "c"]),
        mock.patch.object(snapshot, "_read", wraps=snapshot._read) as read,
    ):
        moving = snapshot.catalogue()  # digest "a" before the read, "b" after: not kept
        assert moving.digest == "a"
        assert snapshot._kept == {}
        kept = snapshot.catalogue()  # "c" before and after: kept
        assert snapshot.catalogue() is kept
    assert read.call_count == 2


def _principal_on_entry_page(f: Figures, client_of: Callable[[Any], Client]) -> tuple[Client, str]:
    """The school principal's client and the URL of the school's start-of-year entry page."""
    return client_of(f.people.school_principal), f"/so-lieu/s-a1/ky/{f.start_2025.code}/bieu/DN_TH/"


def test_the_entry_page_and_a_save_follow_a_catalogue_change_at_once(
    figures: Figures, client_of: Callable[[Any], Client]
) -> None:
    f = figures
    client, url = _principal_on_entry_page(f, client_of)
    assert "Học sinh được khảo sát" not in client.get(url).content.decode()
    DataElement.objects.filter(code="TH_HS").update(name="Học sinh được khảo sát")
    assert "Học sinh được khảo sát" in client.get(url).content.decode()
    # A rule added after the page was read is checked by the next save.
    ValidationRule.objects.create(
        data_set=f.dn_th,
        code="HS_TOI_DA",
        left="TH_HS",
        operator=ValidationRule.Operator.LE,
        right="TH_HS_NU",
        message="Tổng số học sinh ({left}) không được lớn hơn số học sinh nữ ({right}).",
    )
    with pytest.raises(InvalidValues) as caught:
        save_values(
            actor=f.people.school_principal,
            unit=f.org.school_a1,
            data_set=f.dn_th,
            period=f.start_2025,
            values={"TH_HS": 500, "TH_HS_NU": 200},
        )
    assert caught.value.errors["TH_HS"] == [
        "Tổng số học sinh (500) không được lớn hơn số học sinh nữ (200)."
    ]


def test_a_save_and_the_form_it_renders_check_the_catalogue_once(
    figures: Figures, client_of: Callable[[Any], Client]
) -> None:
    client, url = _principal_on_entry_page(figures, client_of)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url + "luu/", {"TH_HS": "400"}, HTTP_HX_REQUEST="true")
    assert "Đã lưu 1 số liệu." in response.content.decode()
    digest = snapshot._token_statement()
    assert sum(q["sql"] == digest for q in queries.captured_queries) == 1


def test_the_province_pages_catalogue_comes_from_the_snapshot(figures: Figures) -> None:
    """``coverage.Catalogue`` (which data sets collect which elements, every element's id and
    name) is built from the snapshot: what the three ORM reads it replaced gave, an element in
    no data set included, and a renamed element seen at once (issue 15)."""
    from namhoc.indicators.coverage import Catalogue

    loose = DataElement.objects.create(
        code="ZZ_CHUA_THU", name="Chỉ tiêu chưa thu", short_name="Chưa thu"
    )
    first = Catalogue.load()
    assert [d.code for d in first.data_sets] == list(
        DataSet.objects.order_by("code").values_list("code", flat=True)
    )
    by_orm: dict[int, set[str]] = {}
    for data_set_id, code in DataSetElement.objects.values_list("data_set_id", "element__code"):
        by_orm.setdefault(data_set_id, set()).add(code)
    assert first.elements == by_orm
    assert first.element_ids == dict(DataElement.objects.values_list("code", "pk"))
    assert first.names == dict(DataElement.objects.values_list("code", "name"))
    assert first.element_ids["ZZ_CHUA_THU"] == loose.pk
    assert first.collecting("ZZ_CHUA_THU", Period.Kind.START) == []
    with CaptureQueriesContext(connection) as queries:
        Catalogue.load()
    assert len(queries.captured_queries) == 1  # the digest
    DataElement.objects.filter(pk=loose.pk).update(name="Chỉ tiêu đổi tên")
    assert Catalogue.load().names["ZZ_CHUA_THU"] == "Chỉ tiêu đổi tên"


def test_any_writer_moves_the_version_in_its_own_transaction(figures: Figures) -> None:
    """The token is the database's: a statement written by hand (a shell, a script) moves it
    as the ORM does, the writer's transaction sees it at once, and a rollback takes it back
    with the change."""
    from django.db import transaction

    kept = snapshot.catalogue()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE indicators_dataelement SET name = %s WHERE code = %s",
                ["Đổi bằng tay", "TH_HS"],
            )
        inside = snapshot.catalogue()
        assert inside.digest != kept.digest
        assert inside.elements["TH_HS"].name == "Đổi bằng tay"
        transaction.set_rollback(True)
    after = snapshot.catalogue()
    assert after.digest == kept.digest
    assert after.elements["TH_HS"].name == kept.elements["TH_HS"].name


def test_without_its_version_row_nothing_is_kept(figures: Figures) -> None:
    """A database emptied table by table (tests) may lose the row: every call then reads the
    catalogue, and nothing read then is ever served again."""
    from namhoc.indicators.models import CatalogueVersion

    CatalogueVersion.objects.all().delete()
    first = snapshot.catalogue()
    assert snapshot.catalogue() is not first
    assert snapshot._kept == {}
    DataElement.objects.filter(code="TH_HS").update(name="Sau khi mất dòng")
    assert CatalogueVersion.objects.count() == 1  # the next change writes it again
    assert snapshot.catalogue().elements["TH_HS"].name == "Sau khi mất dòng"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_emptying_a_table_moves_the_version(figures: Figures) -> None:
    before = snapshot.catalogue()
    assert before.rules_of(figures.dn_th)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's rows' checks, done now
        cursor.execute("TRUNCATE indicators_validationrule")
    after = snapshot.catalogue()
    assert after.digest != before.digest
    assert after.rules_of(figures.dn_th) == []
