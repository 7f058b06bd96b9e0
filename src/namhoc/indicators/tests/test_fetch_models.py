"""``core.sql.fetch_models`` (issue 15): the rush's hot lookups read model instances without
``raw``; they must be the instances the ORM gives — every value of the same type, fields left
out deferred, an instance that saves as an update."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone

from namhoc.accounts.models import User
from namhoc.core.sql import columns_of, fetch_models, table
from namhoc.indicators.models import DataValue
from namhoc.indicators.tests.helpers import TH_FIGURES, Figures, save_values
from namhoc.orgunits.models import OrgUnit


def _values(instance: Model) -> list[tuple[str, Any, type]]:
    return [
        (f.attname, getattr(instance, f.attname), type(getattr(instance, f.attname)))
        for f in instance._meta.concrete_fields
    ]


def _every(model: type[Model]) -> list[Any]:
    return fetch_models(model, f"SELECT {columns_of(model)} FROM {table(model)} ORDER BY id", [])


@pytest.mark.parametrize("model", [OrgUnit, User])
def test_every_field_reads_as_the_orm_reads_it(figures: Figures, model: type[Model]) -> None:
    # A dissolved unit (a date), current ones (none), booleans, a user's sign-in time.
    assert OrgUnit.objects.filter(valid_to__isnull=False).exists()
    User.objects.filter(pk=figures.people.superuser.pk).update(last_login=timezone.now())
    read = _every(model)
    orm = list(model.objects.order_by("id"))  # type: ignore[attr-defined]
    assert len(read) == len(orm) > 1
    assert [_values(a) for a in read] == [_values(b) for b in orm]
    assert all(not a._state.adding and a._state.db == "default" for a in read)


def test_fields_left_out_are_deferred_and_an_instance_saves_as_an_update(
    figures: Figures,
) -> None:
    f = figures
    save_values(actor=f.people.superuser, unit=f.org.school_a1, data_set=f.dn_th,
                period=f.start_2025, values=TH_FIGURES)  # fmt: skip
    fields = ("version", "value", "id", "element_id")  # any order: read in the model's
    read = fetch_models(
        DataValue,
        f"SELECT {columns_of(DataValue, fields)} FROM {table(DataValue)} ORDER BY id",
        [],
        fields=fields,
    )
    orm = list(DataValue.objects.order_by("id"))
    assert [(r.id, r.element_id, r.value, r.version) for r in read] == [
        (o.id, o.element_id, o.value, o.version) for o in orm
    ]
    assert all(isinstance(r.value, Decimal) for r in read)
    assert read[0].get_deferred_fields() == {"unit_id", "period_id", "updated_at", "updated_by_id"}
    assert read[0].unit_id == f.org.school_a1.pk  # read when asked, as with ``raw``
    count = DataValue.objects.count()
    read[0].version += 1
    read[0].save(update_fields=["version"])
    assert DataValue.objects.count() == count
    assert DataValue.objects.get(pk=read[0].pk).version == orm[0].version + 1


def test_an_unknown_field_is_refused(db: None) -> None:
    with pytest.raises(ValueError, match="no field nothing"):
        columns_of(OrgUnit, ["id", "nothing"])
